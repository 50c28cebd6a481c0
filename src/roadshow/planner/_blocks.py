"""Lower bounds for the exact tour search: the least relaxed travel per block.

Kept apart from the search itself: a pure table computation over bit masks.
"""

from __future__ import annotations

INFINITE = 10**18
"""No way to place these visits in these blocks."""


def spread(
    relaxed: list[int], blocks: list[tuple[list[int], int]], full: int
) -> list[list[int]]:
    """For blocks *i* onward and every set of visits: the least relaxed travel.

    A block takes at most one visit a day, and only visits allowed on its days.
    Returns one table per starting block (the last one, past every block, has
    room only for no visits at all).
    """
    best = [0] + [INFINITE] * full
    tables = [best]
    for block, eligible in reversed(blocks):
        room = len(block)
        new = [INFINITE] * (full + 1)
        for mask in range(full + 1):
            sub = mask & eligible
            part = sub
            value = INFINITE
            while True:
                rest = best[mask ^ part]
                if rest < INFINITE and part.bit_count() <= room:
                    value = min(value, relaxed[part] + rest)
                if part == 0:
                    break
                part = (part - 1) & sub
            new[mask] = value
        best = new
        tables.append(best)
    return tables[::-1]
