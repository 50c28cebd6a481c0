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
    components = _components(sorted(exclusive, key=lambda g: g.index))
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


def _components(groups: list[Group]) -> list[list[Group]]:
    """Groups (by ascending index) joined while they share an attendee.

    Each group merges the components of its people into one, which then goes
    last: the order is by the last group each component took in.
    """
    # Components of "shares an attendee", kept by key with each person's key,
    # so a group meets only the components of its own people.
    owner: dict[str, int] = {}
    members: dict[int, list[Group]] = {}
    people: dict[int, set[str]] = {}
    for group in groups:
        keys = {owner[p] for p in group.people if p in owner}
        if keys:  # merge into the component with the most people: fewest moves
            key = max(keys, key=lambda k: (len(people[k]), k))
        else:
            key = group.index
            members[key], people[key] = [], set()
        for other in sorted(keys - {key}):
            members[key] += members.pop(other)
            for p in people[other]:
                owner[p] = key
            people[key] |= people.pop(other)
        members[key].append(group)
        for p in group.people:
            owner[p] = key
        people[key].update(group.people)
    # In the order the merging kept them: by the last group each took in, which
    # comes first in its component (the tour's kind rules are read from it).
    return sorted(
        (sorted(c, key=lambda g: -g.index) for c in members.values()),
        key=lambda c: c[0].index,
    )
