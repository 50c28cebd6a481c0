"""A good closed tour through a person's venues, for seeding the construction.

When one person visits many places over weeks (a routing-shaped programme),
placing visits in the order of a short tour through all of them makes days that
follow on from each other, which the day-by-day search then only has to cut into
feasible days. The tour is built as routing solvers do: nearest neighbour from
home, then 2-opt and Or-opt (moving runs of one to three stops) until neither
finds a shorter tour. Everything is deterministic: places are taken in sorted
order and every tie keeps the earlier candidate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import pairwise

_OR_OPT_RUNS = (1, 2, 3)
_NEIGHBOURS = 12
"""2-opt and Or-opt only try joining a stop to one of its nearest places."""


def tour(
    start: str,
    places: Sequence[str],
    minutes: Callable[[str, str], int],
    where: Callable[[str], tuple[float, float]],
) -> list[str]:
    """Return *places* (each once) in the order of a short tour from and to *start*.

    Distances are made symmetric (the sum of both directions) so that a tour and
    its reverse cost the same, and are asked for only between near places and
    along the tour: *where* gives a place's (latitude, longitude), from which
    each place's nearest places are found cheaply.
    """
    nodes = [start, *sorted(set(places) - {start})]
    n = len(nodes)
    if n <= 2:  # noqa: PLR2004 - nothing to order
        return nodes[1:]
    known: dict[tuple[int, int], int] = {}

    def dist(i: int, j: int) -> int:
        if i == j:
            return 0
        key = (i, j) if i < j else (j, i)
        found = known.get(key)
        if found is None:
            a, b = nodes[i], nodes[j]
            found = known[key] = minutes(a, b) + minutes(b, a)
        return found

    spots = [_flat(where(node)) for node in nodes]
    near = [
        [
            j
            for _, j in sorted(
                (_square(spots[i], spots[j]), j) for j in range(n) if j != i
            )[:_NEIGHBOURS]
        ]
        for i in range(n)
    ]
    order = _nearest_neighbour(spots, near, dist)
    while _two_opt(order, dist, near) or _or_opt(order, dist, near):
        pass
    return [nodes[i] for i in order[1:]]


def _flat(point: tuple[float, float]) -> tuple[float, float]:
    """Project (lat, lon) onto a plane that keeps nearness (good enough for ranking)."""
    lat, lon = point
    return lat, lon * math.cos(math.radians(lat))


def _square(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def length(
    start: str, places: Sequence[str], minutes: Callable[[str, str], int]
) -> int:
    """Minutes of the closed tour *start*, *places* in order, back to *start*."""
    stops = [start, *places, start]
    return sum(minutes(a, b) for a, b in pairwise(stops))


def _nearest_neighbour(
    spots: list[tuple[float, float]],
    near: list[list[int]],
    dist: Callable[[int, int], int],
) -> list[int]:
    """Go to the nearest unvisited place (by travel among near ones, else by map)."""
    n = len(spots)
    order = [0]
    left = set(range(1, n))
    while left:
        here = order[-1]
        close = [j for j in near[here] if j in left]
        nxt = (
            min(close, key=lambda j: (dist(here, j), j))
            if close
            else min(left, key=lambda j: (_square(spots[here], spots[j]), j))
        )
        order.append(nxt)
        left.remove(nxt)
    return order


def _two_opt(
    order: list[int], dist: Callable[[int, int], int], near: list[list[int]]
) -> bool:
    """Apply improving 2-opt moves (first found) until none is left; say if any."""
    n = len(order)
    improved = False
    again = True
    while again:
        again = False
        where = [0] * n
        for k, node in enumerate(order):
            where[node] = k
        for i in range(n):
            a, b = order[i], order[(i + 1) % n]
            for c in near[a]:
                j = where[c]
                d = order[(j + 1) % n]
                if c in {a, b} or d == a:
                    continue
                gain = dist(a, b) + dist(c, d) - dist(a, c) - dist(b, d)
                if gain > 0:
                    _reverse(order, i + 1, j)
                    improved = again = True
                    break
            if again:
                break
    return improved


def _reverse(order: list[int], i: int, j: int) -> None:
    """Reverse the cyclic stretch from position *i* to *j* (home stays first)."""
    if i <= j:
        order[i : j + 1] = order[i : j + 1][::-1]
    else:
        # The stretch wraps: reverse its complement instead (the same tour).
        order[j + 1 : i] = order[j + 1 : i][::-1]
    if order[0] != 0:
        k = order.index(0)
        order[:] = order[k:] + order[:k]


def _or_opt(
    order: list[int], dist: Callable[[int, int], int], near: list[list[int]]
) -> bool:
    """Move runs of 1-3 stops next to a near place while that shortens the tour.

    Scans go on from where the last move was found, so a pass that finds nothing
    has looked at every run once. Returns whether any move was made.
    """
    improved = False
    for run in _OR_OPT_RUNS:
        quiet = 0  # runs looked at since the last move
        i = 1
        while quiet < len(order):
            if i + run > len(order):
                i = 1
            if _move_run(order, i, run, dist, near):
                improved = True
                quiet = 0
            else:
                quiet += 1
                i += 1
    return improved


def _move_run(
    order: list[int],
    i: int,
    run: int,
    dist: Callable[[int, int], int],
    near: list[list[int]],
) -> bool:
    """Move the run at *i* (either way round) next to a near place if that pays."""
    n = len(order)
    seg = order[i : i + run]
    prev, nxt = order[i - 1], order[(i + run) % n]
    removed = dist(prev, seg[0]) + dist(seg[-1], nxt) - dist(prev, nxt)
    rest = order[:i] + order[i + run :]
    where = {node: k for k, node in enumerate(rest)}
    for c in near[seg[0]] + near[seg[-1]]:
        k = where.get(c)
        if k is None:
            continue
        for p, q in ((rest[k - 1], c), (c, rest[(k + 1) % len(rest)])):
            if (p, q) == (prev, nxt):
                continue
            for piece in (seg, seg[::-1]):
                added = dist(p, piece[0]) + dist(piece[-1], q) - dist(p, q)
                if added < removed:
                    at = where[q] if q != 0 else len(rest)
                    order[:] = rest[:at] + piece + rest[at:]
                    return True
    return False
