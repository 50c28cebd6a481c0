"""Route-level help for programmes where one person visits many places.

The construction places each person's groups in a sweep around their home;
for a person with many visits spread over weeks, the order of a short tour
through all their venues (:mod:`roadshow.planner._tsp`) makes better days:
visits that follow each other on the tour land on the same or following days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial

from roadshow.planner._context import Context, Group
from roadshow.planner._tsp import tour

MIN_TOUR_GROUPS = 12
"""A person needs this many movable visits of their own for a tour order."""


def tour_ranks(ctx: Context, groups: list[Group]) -> dict[int, float]:
    """Each solo group's position on its person's tour, for people with many.

    Only groups one person attends alone are ranked; the others keep the sweep.
    """
    by_person: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        if len(group.people) == 1 and group.venues:
            by_person[group.people[0]].append(group)
    ranks: dict[int, float] = {}
    for person_id in sorted(by_person):
        mine = by_person[person_id]
        if len(mine) < MIN_TOUR_GROUPS:
            continue
        order = tour(
            ctx.home[person_id],
            [g.venues[0] for g in mine],
            partial(ctx.minutes, person_id),
            _where(ctx),
        )
        # A visit at home comes first: the tour starts there.
        position = {venue: k for k, venue in enumerate([ctx.home[person_id], *order])}
        for group in mine:
            ranks[group.index] = float(position[group.venues[0]])
    return ranks


def _where(ctx: Context) -> Callable[[str], tuple[float, float]]:
    venues = ctx.scenario.venue_by_id

    def where(venue_id: str) -> tuple[float, float]:
        venue = venues[venue_id]
        return venue.lat, venue.lon

    return where
