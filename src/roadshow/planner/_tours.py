"""Which groups form a tour the exact search can take (see :mod:`._exact`).

A tour is a set of groups of a day-exclusive kind (at most one a day per
person) whose attendees overlap pairwise and which each have one venue.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from roadshow.planner._context import Context, Group

_SMALLEST_TOUR = 2  # one visit alone needs no search


def tours(
    ctx: Context, groups: Iterable[Group], *, max_groups: int
) -> list[list[Group]]:
    """Find the sets of groups the exact search can take (see the module docstring)."""
    exclusive = [
        g
        for g in groups
        if g.kind_rules.max_per_person_per_day == 1
        and not g.problems
        and len(ctx.candidate_days[g.index]) > 1
    ]
    components: list[list[Group]] = []
    for group in sorted(exclusive, key=lambda g: g.index):
        joined = [
            c for c in components if any(set(group.people) & set(o.people) for o in c)
        ]
        merged = [group]
        for c in joined:
            merged += c
            components.remove(c)
        components.append(merged)
    out = []
    for component in components:
        if not _SMALLEST_TOUR <= len(component) <= max_groups:
            continue
        if any(
            not set(a.people) & set(b.people) for a, b in combinations(component, 2)
        ):
            continue
        if any(len(g.venues) != 1 for g in component):
            continue
        regions = [g.region_id for g in component]
        if component[0].kind_rules.max_per_region_per_week is not None and len(
            set(regions)
        ) != len(regions):
            continue
        out.append(sorted(component, key=lambda g: g.index))
    return out
