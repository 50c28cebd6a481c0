"""Decomposition: independent parts of a programme, and splitting big ones."""

from __future__ import annotations

from collections import defaultdict
from typing import Generic, TypeVar

from bench.reference._groups import _Group
from bench.reference._params import ReferenceParams
from roadshow.model import Scenario

_T = TypeVar("_T")


class _UnionFind(Generic[_T]):
    """Disjoint sets; each set is named by its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[_T, _T] = {}

    def find(self, item: _T) -> _T:
        while self.parent.setdefault(item, item) != item:
            item = self.parent[item]
        return item

    def union(self, a: _T, b: _T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))  # type: ignore[type-var]
            self.parent[hi] = lo


def _parts(
    groups: list[_Group], days: dict[int, list[int]], scenario: Scenario
) -> list[tuple[list[_Group], list[int]]]:
    """Split the groups into independent parts: (groups, sorted candidate days)."""
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[object, int] = {}
    regional = {
        r.kind
        for r in scenario.rules.kinds
        if r.max_per_region_per_week is not None or r.avoid_region_days_of
    } | {r.avoid_region_days_of for r in scenario.rules.kinds if r.avoid_region_days_of}
    for g in groups:
        keys: list[object] = [("person", p) for p in g.people]
        if g.kind in regional:
            keys += [("region", r) for r in set(g.region.values())]
        for key in keys:
            if key in first:
                union(first[key], g.index)
            else:
                first[key] = g.index
    components: dict[int, list[_Group]] = defaultdict(list)
    for g in groups:
        components[find(g.index)].append(g)
    weekly = scenario.rules.max_events_per_week is not None or any(
        r.max_per_region_per_week is not None for r in scenario.rules.kinds
    )
    out = []
    for members in components.values():
        placeable = [g for g in members if days[g.index]]
        if not placeable:
            out.append((members, []))
            continue
        # Blocks of days: split at two empty days in a row, then merge blocks a
        # group or (with weekly rules) a week spans.
        used = sorted({d for g in placeable for d in days[g.index]})
        blocks: list[list[int]] = []
        for d in used:
            if blocks and d - blocks[-1][-1] <= 2:
                blocks[-1].append(d)
            else:
                blocks.append([d])
        block_of = {d: i for i, b in enumerate(blocks) for d in b}
        joined: _UnionFind[int] = _UnionFind()
        bfind, bunion = joined.find, joined.union

        for g in placeable:
            ds = days[g.index]
            for d in ds[1:]:
                bunion(block_of[ds[0]], block_of[d])
        if weekly:
            week_block: dict[int, int] = {}
            for d in used:
                week = (d + scenario.start_on.weekday()) // 7
                if week in week_block:
                    bunion(week_block[week], block_of[d])
                else:
                    week_block[week] = block_of[d]
        merged: dict[int, list[int]] = defaultdict(list)
        for i, b in enumerate(blocks):
            merged[bfind(i)].extend(b)
        part_groups: dict[int, list[_Group]] = defaultdict(list)
        for g in placeable:
            part_groups[bfind(block_of[days[g.index][0]])].append(g)
        for root, ds in sorted(merged.items()):
            out.append((part_groups[root], sorted(ds)))
        stuck = [g for g in members if not days[g.index]]
        if stuck:
            out.append((stuck, []))
    return out


def _size(
    members: list[_Group], ds: list[int], starts: dict[tuple[int, int], list[int]]
) -> int:
    """A part's size before it is built: its (group, venue, day) choices."""
    return sum(len(g.venues) for g in members for d in ds if (g.index, d) in starts)


def _split(
    parts: list[tuple[list[_Group], list[int]]],
    starts: dict[tuple[int, int], list[int]],
    params: ReferenceParams,
) -> list[tuple[list[_Group], list[int], bool]]:
    """Split parts with over ``split_choices`` choices by people, to solve in turn.

    The pieces share no person; only regional rules join them. Pieces with kinds
    that others must avoid (the tour, which consultations keep clear of) go
    first, then the larger ones; each later piece sees the regions' days and
    weekly counts the earlier ones used. Returns (groups, days, sequential).
    """
    out = []
    for members, ds in parts:
        if not ds or _size(members, ds, starts) <= params.split_choices:
            out.append((members, ds, False))
            continue
        together: _UnionFind[str] = _UnionFind()
        find = together.find
        for g in members:
            for p in g.people[1:]:
                together.union(g.people[0], p)
        pieces: dict[str, list[_Group]] = defaultdict(list)
        for g in members:
            pieces[find(g.people[0])].append(g)
        if len(pieces) == 1:  # nothing to split: one model, still exact
            out.append((members, ds, False))
            continue
        avoided = {
            r.avoid_region_days_of
            for g in members[:1]
            for r in g.rules_all
            if r.avoid_region_days_of
        }
        ordered = sorted(
            pieces.values(),
            key=lambda gs: (
                not any(g.kind in avoided for g in gs),
                -_size(gs, ds, starts),
                min(g.index for g in gs),
            ),
        )
        for piece in ordered:
            piece_days = sorted(
                {d for g in piece for d in ds if (g.index, d) in starts}
            )
            out.append((sorted(piece, key=lambda g: g.index), piece_days, True))
    return out
