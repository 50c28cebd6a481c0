"""Route-level help for programmes where one person visits many places.

The construction places each person's groups in a sweep around their home;
for a person with many visits spread over weeks, the order of a short tour
through all their venues (:mod:`roadshow.planner._tsp`) makes better days:
visits that follow each other on the tour land on the same or following days.
Where all of a person's visits share one window, the tour is also cut into days
directly (:func:`seed_days`): greedily from a few starts both ways round, and,
when the person has at least as many visits as days (so how they share days
decides the travel), by the exact split of :mod:`roadshow.planner._split` and
the day search of :mod:`roadshow.planner._tripsearch`; the cheaper placement is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial

from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule
from roadshow.planner._search import best_placement, is_fixed
from roadshow.planner._tripsearch import propose
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


STARTS = 8
"""Cutting a tour into days: the tour is tried from this many starts, each way round."""


def seed_days(
    ctx: Context, schedule: Schedule, groups: list[Group], ranks: dict[int, float]
) -> list[str]:
    """Cut each person's tour into days, for people whose visits share one window.

    The visits are placed in tour order, each on the first day (from the day of
    the one before it on) that can take it: a day fills up with neighbouring
    visits, then the next day goes on from there. Where the tour starts decides
    which visits meet the week ends and which are left when the days run out, so
    the tour is cut from :data:`STARTS` places each way round and the cut that
    places most, then costs least, is kept; for a person with at least as many
    visits as days, so are the searched days (:func:`_best_seed`) if they place
    more or cost less. Visits it cannot place are left for
    the general construction. People whose visits have different windows keep
    the tour only as the construction's order. Returns the people whose tour
    was cut.
    """
    by_person: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        if group.index in ranks and not is_fixed(group):
            by_person[group.people[0]].append(group)
    cut: list[str] = []
    for person_id in sorted(by_person):
        mine = sorted(by_person[person_id], key=lambda g: (ranks[g.index], g.group_id))
        if len({ctx.candidate_days[g.index] for g in mine}) != 1:
            continue
        _best_seed(ctx, schedule, person_id, mine)
        cut.append(person_id)
    return cut


def _best_seed(
    ctx: Context, schedule: Schedule, person_id: str, tour_order: list[Group]
) -> None:
    """Place the better of the searched days and the greedy cut of the tour."""
    days = ctx.candidate_days[tour_order[0].index]
    options: list[Callable[[], list[Group]]] = [
        partial(_fill, ctx, schedule, _best_cut(ctx, schedule, tour_order))
    ]
    # With fewer visits than days each can have a day of its own, and the greedy
    # cut does as well; with more, how they share days decides the travel.
    if len(tour_order) >= len(days):
        proposal = propose(ctx, person_id, tour_order, days)
        options.insert(0, partial(_place_days, ctx, schedule, proposal))
    best: tuple[tuple[int, int], int] | None = None
    for k, option in enumerate(options):
        placed = option()
        key = (len(tour_order) - len(placed), schedule.cost)
        if best is None or key < best[0]:
            best = (key, k)
        for group in reversed(placed):
            schedule.remove(group)
    if best is not None:
        options[best[1]]()


def _place_days(
    ctx: Context, schedule: Schedule, days: dict[int, list[tuple[Group, int]]]
) -> list[Group]:
    """Place each visit at its proposed day and start (else the day's cheapest)."""
    placed = []
    for day in sorted(days):
        for group, start in days[day]:
            if schedule.rules_allow(group, day) is not None:
                continue
            at = Placement(day=day, start=start, venue=group.venues[0])
            if not schedule.fits(group, at) or schedule.trial(group, at) is None:
                found = best_placement(ctx, schedule, group, only_day=day)
                if found is None:
                    continue
                at = found.placement
            schedule.place(group, at)
            placed.append(group)
    return placed


def _best_cut(ctx: Context, schedule: Schedule, tour_order: list[Group]) -> list[Group]:
    """The tour's start and direction whose cut places most, then costs least."""
    best: tuple[tuple[int, int], list[Group]] | None = None
    for backwards in (False, True):
        for k in range(STARTS):
            shift = k * len(tour_order) // STARTS
            order = tour_order[shift:] + tour_order[:shift]
            if backwards:
                order.reverse()
            placed = _fill(ctx, schedule, order)
            key = (len(tour_order) - len(placed), schedule.cost)
            if best is None or key < best[0]:
                best = (key, order)
            for group in reversed(placed):
                schedule.remove(group)
    return best[1] if best is not None else tour_order


def _fill(ctx: Context, schedule: Schedule, order: list[Group]) -> list[Group]:
    """Place *order* one after another, never before the day of the one before."""
    placed = []
    day = 0
    for group in order:
        for candidate in ctx.candidate_days[group.index]:
            if candidate < day or schedule.rules_allow(group, candidate) is not None:
                continue
            found = best_placement(ctx, schedule, group, only_day=candidate)
            if found is not None:
                schedule.place(group, found.placement)
                placed.append(group)
                day = candidate
                break
    return placed


REBUILD_DAYS = 4
SPAN = 2
"""Days, nearest first, that a left-over visit tries to rebuild (with the next day)."""


def rebuild_for(
    ctx: Context, schedule: Schedule, left: list[Group], ranks: dict[int, float]
) -> list[Group]:
    """Make room for left-over visits by rebuilding the days near them.

    For each left-over visit of a person with a tour, the visits of a day near
    it and of the day after are taken out (ruin), and the pool (those and the
    left-over one) is put back one day at a time, cheapest placement first
    (recreate). Kept only if the whole pool is placed again; else everything is
    as before. Returns the visits still left over.
    """
    return [
        group
        for group in left
        if group.index not in ranks
        or not any(
            _rebuild(ctx, schedule, group, day)
            for day in _near_days(ctx, schedule, group)
        )
    ]


def _near_days(ctx: Context, schedule: Schedule, group: Group) -> list[int]:
    """The person's busy days in *group*'s window, by travel to the nearest visit."""
    person_id = group.people[0]
    timeline = schedule.timelines[person_id]
    venue = group.venues[0]
    scored = []
    for day in ctx.candidate_days[group.index]:
        items = [i for i in timeline.day_items(day) if i.group >= 0]
        if items:
            near = min(ctx.minutes(person_id, i.venue, venue) for i in items)
            scored.append((near, day))
    return [day for _, day in sorted(scored)[:REBUILD_DAYS]]


def _rebuild(ctx: Context, schedule: Schedule, group: Group, day: int) -> bool:
    """Rebuild the days around *day* with *group* in the pool; False: no change."""
    person_id = group.people[0]
    timeline = schedule.timelines[person_id]
    days = [
        d
        for d in range(day - SPAN, day + SPAN + 1)
        if d in ctx.candidate_days[group.index]
    ]
    out = sorted({i.group for d in days for i in timeline.day_items(d) if i.group >= 0})
    pool = [ctx.groups[i] for i in out]
    if any(is_fixed(g) or len(g.people) > 1 for g in pool):
        return False
    undos = [(g, schedule.take_out(g)) for g in pool]
    pool.append(group)
    placed = [g for d in days for g in _refill(ctx, schedule, pool, d)]
    if not pool:
        return True
    for g in reversed(placed):
        schedule.remove(g)
    for g, undo in reversed(undos):
        schedule.put_back(g, undo)
    return False


def _refill(
    ctx: Context, schedule: Schedule, pool: list[Group], day: int
) -> list[Group]:
    """Place visits of *pool* on *day*, cheapest first, while any fits; return them."""
    placed = []
    while pool:
        best = None
        for g in pool:
            if day not in ctx.candidate_days[g.index]:
                continue
            found = best_placement(ctx, schedule, g, only_day=day)
            if found is not None and (best is None or found.delta < best[0]):
                best = (found.delta, g, found)
        if best is None:
            break
        schedule.place(best[1], best[2].placement)
        placed.append(best[1])
        pool.remove(best[1])
    return placed


def rebuild_days(
    ctx: Context, schedule: Schedule, ranks: dict[int, float], people: list[str]
) -> int:
    """Rebuild each pair of neighbouring days of a cut tour, kept where cheaper.

    Once over each of *people*'s days in order: the visits of a day and the next are
    taken out and put back day by day, cheapest first; the new days are kept if
    every visit is back and the cost dropped, else undone. Returns days kept.
    """
    kept = 0
    for person_id in people:
        timeline = schedule.timelines[person_id]
        for day in sorted(timeline.items):
            days = [day, day + 1]
            out = sorted(
                {i.group for d in days for i in timeline.day_items(d) if i.group >= 0}
            )
            pool = [ctx.groups[i] for i in out]
            if len(pool) < 2 or any(  # noqa: PLR2004 - a pair to reorder
                is_fixed(g) or len(g.people) > 1 or g.index not in ranks for g in pool
            ):
                continue
            before = schedule.cost
            undos = [(g, schedule.take_out(g)) for g in pool]
            placed = [g for d in days for g in _refill(ctx, schedule, pool, d)]
            if not pool and schedule.cost < before:
                kept += 1
                continue
            for g in reversed(placed):
                schedule.remove(g)
            for g, undo in reversed(undos):
                schedule.put_back(g, undo)
    return kept
