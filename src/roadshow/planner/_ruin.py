"""Ruin and recreate: take out a person's week and put it back in other orders.

Moving one group at a time cannot turn three day trips into a run of nights
away, nor choose which of a full week's requests to leave out: both need the
week's groups to move together. So each person's week in turn is emptied of
their groups (those left unplaced join in) and refilled in several orders: the
construction's order (and shuffles of it from a fixed seed), each group at its
cheapest placement; and a short tour through the week's venues from a few
starts, each way round, each group on the first day from the one before it on
that takes it, or on the last day back from it (so neighbouring venues make
trips of consecutive days, early or late in the week). The cheapest refills
are polished by local search, and the best is kept if it places more
requests, or as many at a lower cost; otherwise the week is put back as it was.
Then the week is searched two days at a time (:mod:`roadshow.planner._weeksearch`)
and a request still left out may again trade places with the week's dearest.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from attrs import frozen

from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Saved
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.planner._search import best_placement, difficulty, improve, is_fixed
from roadshow.planner._tsp import tour
from roadshow.planner._weeksearch import search_week

SEED = 2008
"""The shuffles' seed: fixed, so the same scenario always gives the same plan."""


@frozen(kw_only=True)
class RuinParams:
    """How hard each week is searched (counts, never times: plans stay the same).

    Attributes:
        shuffles: Shuffled orders of the construction's order to refill from.
        tour_starts: Starts on the week's tour to refill from, each way round,
            from the first day on and from the last day back.
        polish: Refills (the cheapest) polished by local search.
        passes: Local-search passes per polished refill.
        short_weeks_only: Only weeks with a request left unplaced (for large
            programmes, where placing requests matters most and time counts).
        week_passes: Passes at most of the search of each week two days at a
            time after its refill (:mod:`roadshow.planner._weeksearch`).
    """

    shuffles: int = 0
    tour_starts: int = 2
    polish: int = 1
    passes: int = 1
    short_weeks_only: bool = False
    week_passes: int = 0


Placed = list[tuple[Group, Placement]]
Score = tuple[int, int]


def recreate(
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    left: list[Group],
    *,
    frozen: set[int],
    skip: set[str],
    params: RuinParams,
    days_to_try: int | None = None,
    say: Callable[[str], None] = lambda _message: None,
) -> list[Group]:
    """Ruin and recreate each person's weeks; return the groups still unplaced.

    Args:
        ctx: The planning context.
        schedule: The schedule to improve in place.
        groups: The groups that may move (fixed and *frozen* ones never do).
        left: The groups unplaced so far; each joins the weeks it could go in.
        frozen: Group indexes that must stay where they are.
        skip: People whose weeks are left alone.
        params: How many refills to try.
        days_to_try: As for :func:`roadshow.planner._search.best_placement`.
        say: Told when the stage starts (it says nothing when it is off).
    """
    if not (params.shuffles or params.tour_starts):
        return left
    say("Rebuilding each person's weeks")
    rng = random.Random(SEED)  # noqa: S311 - a search, not a secret
    pending = {g.index for g in left}
    for number, (person_id, week, hood) in enumerate(
        _weeks(ctx, schedule, groups, left, frozen=frozen, skip=skip)
    ):
        if params.short_weeks_only and pending.isdisjoint(g.index for g in hood):
            continue
        mine = [g for g in hood if g.index in schedule.placements or g.index in pending]
        if len(mine) < 2:  # noqa: PLR2004 - one group alone is local search's job
            continue
        first = sorted(mine, key=lambda g: difficulty(ctx, g))
        orders = [(0, first)]
        for _ in range(params.shuffles):
            order = list(first)
            rng.shuffle(order)
            orders.append((0, order))
        round_trip = _tour_order(ctx, person_id, mine)
        for k in range(params.tour_starts):
            shift = k * len(round_trip) // params.tour_starts
            order = round_trip[shift:] + round_trip[:shift]
            # Filled from the first day on and from the last day back, each
            # way round the tour: which days a trip takes shapes its nights.
            orders += [(sweep, o) for sweep in (1, -1) for o in (order, order[::-1])]
        _refill(ctx, schedule, mine, orders, params=params, days_to_try=days_to_try)
        _exchange(ctx, schedule, mine, days_to_try=days_to_try)
        search_week(
            ctx,
            schedule,
            [d.index for d in ctx.days if d.week == week],
            mine,
            # Each week its own generator: one week's search leaves the next
            # week's shuffles as they were.
            random.Random(SEED + number),  # noqa: S311 - a search, not a secret
            passes=params.week_passes,
        )
        if params.week_passes:
            # The search moves which placed groups are dearest: trade again.
            _exchange(ctx, schedule, mine, days_to_try=days_to_try)
        for group in mine:
            if group.index in schedule.placements:
                pending.discard(group.index)
            else:
                pending.add(group.index)
    return [g for g in ctx.groups if g.index in pending]


def _weeks(
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    left: list[Group],
    *,
    frozen: set[int],
    skip: set[str],
) -> list[tuple[str, int, list[Group]]]:
    """Each person's weeks: their groups placed there, or unplaced that could go."""
    hoods: dict[tuple[str, int], dict[int, Group]] = defaultdict(dict)
    for group in groups:
        placement = schedule.placements.get(group.index)
        if placement is None or is_fixed(group) or group.index in frozen:
            continue
        for person_id in group.people:
            hoods[(person_id, ctx.days[placement.day].week)][group.index] = group
    for group in left:
        weeks = {ctx.days[d].week for d in ctx.candidate_days[group.index]}
        for person_id in group.people:
            for week in weeks:
                hoods[(person_id, week)][group.index] = group
    return [
        (person_id, week, [found[i] for i in sorted(found)])
        for (person_id, week), found in sorted(hoods.items())
        if person_id not in skip
    ]


def _tour_order(ctx: Context, person_id: str, groups: list[Group]) -> list[Group]:
    """Order *groups* along a short tour from the person's home through their venues."""
    venues = ctx.scenario.venue_by_id

    def where(venue_id: str) -> tuple[float, float]:
        return venues[venue_id].lat, venues[venue_id].lon

    home = ctx.home[person_id]
    order = tour(
        home,
        [g.venues[0] for g in groups if g.venues],
        partial(ctx.minutes, person_id),
        where,
    )
    position = {venue: k for k, venue in enumerate([home, *order])}
    return sorted(
        groups,
        key=lambda g: (position[g.venues[0]] if g.venues else 0, g.group_id),
    )


def _refill(
    ctx: Context,
    schedule: Schedule,
    hood: list[Group],
    orders: list[tuple[int, list[Group]]],
    *,
    params: RuinParams,
    days_to_try: int | None,
) -> None:
    """Empty *hood*, refill it in each order, keep the best refill if it is better."""

    def score() -> Score:
        out = sum(len(g.members) for g in hood if g.index not in schedule.placements)
        return out, schedule.cost

    before = score()
    undos = [(g, schedule.take_out(g)) for g in hood if g.index in schedule.placements]
    empty = {p: schedule.timelines[p].snapshot() for g in hood for p in g.people}
    soft = schedule.soft_cost

    def undo(placed: Placed, *also: Placed) -> None:
        _rollback(schedule, empty, soft, placed, also)

    refills: list[tuple[Score, int, Placed]] = []
    for k, (sweep, order) in enumerate(orders):
        placed = _fill(ctx, schedule, order, sweep=sweep, days_to_try=days_to_try)
        refills.append((score(), k, placed))
        undo(placed)
    refills.sort(key=lambda r: (r[0], r[1]))
    # Unpolished, the cheapest refill may already do (and is all, with no polish).
    best: tuple[Score, Placed] | None = (
        (refills[0][0], refills[0][2]) if refills and refills[0][0] < before else None
    )
    # Local search places nothing new: a refill that left more out cannot win.
    hopeful = [r for r in refills if r[0][0] <= before[0]]
    for _, _, filled in hopeful[: params.polish]:
        for group, placement in filled:
            schedule.place(group, placement)
        groups = [g for g, _ in filled]
        improve(
            ctx, schedule, groups, max_passes=params.passes, days_to_try=days_to_try
        )
        placed = [(g, schedule.placements[g.index]) for g in groups]
        result = score()
        if result < before and (best is None or result < best[0]):
            best = (result, placed)
        undo(placed, filled)
    if best is not None:
        for group, placement in best[1]:
            schedule.place(group, placement)
        return
    for group, taken in reversed(undos):
        schedule.put_back(group, taken)


EXCHANGE_TRIES = 3
"""A request left out tries to take the place of this many of the week's dearest."""


def _exchange(
    ctx: Context, schedule: Schedule, hood: list[Group], *, days_to_try: int | None
) -> None:
    """Leave out the week's dearest groups instead of the ones left out, where cheaper.

    A full week leaves some requests out; which ones decides its travel. Each
    group left out takes the place of one of the placed groups that save most
    when taken out (no larger than it), if it costs less there than that one
    did; the group taken out then goes back in if it still finds a place.
    """
    for group in sorted(hood, key=lambda g: difficulty(ctx, g)):
        if group.index in schedule.placements:
            continue
        size = len(group.members)
        placed = [
            (schedule.removal_gain(other), other.index, other)
            for other in hood
            if other.index in schedule.placements and len(other.members) <= size
        ]
        placed.sort(key=lambda t: (-t[0], t[1]))
        for gain, _, other in placed[:EXCHANGE_TRIES]:
            undo = schedule.take_out(other)
            found = best_placement(ctx, schedule, group, days_to_try=days_to_try)
            if found is not None and (found.delta < gain or len(other.members) < size):
                schedule.place(group, found.placement)
                back = best_placement(ctx, schedule, other, days_to_try=days_to_try)
                if back is not None:
                    schedule.place(other, back.placement)
                break
            schedule.put_back(other, undo)


def _rollback(
    schedule: Schedule,
    saved: dict[str, Saved],
    soft: int,
    placed: Placed,
    also: tuple[Placed, ...],
) -> None:
    """Take *placed* out at once: the timelines return to *saved*, the counts follow.

    Cheaper than removing the groups one by one, each a re-route. Every day a
    group was on (*placed*, and where *also* had put it) is marked changed, so
    that estimates read from those days are made again.
    """
    for group, placement in reversed(placed):
        del schedule.placements[group.index]
        schedule._count(group, placement.day, -1)  # noqa: SLF001 - undo of place()
    for person_id, state in saved.items():
        schedule.timelines[person_id].restore(state)
    for group, placement in [*placed, *(p for more in also for p in more)]:
        for person_id in group.people:
            schedule._touch(person_id, placement.day)  # noqa: SLF001 - see above
    schedule.soft_cost = soft


def _fill(
    ctx: Context,
    schedule: Schedule,
    order: list[Group],
    *,
    sweep: int,
    days_to_try: int | None,
) -> Placed:
    """Place *order* one by one at the cheapest placement; return what was placed.

    With *sweep* 1, each group goes on the first day, from the day of the one
    before it on, that takes it (else at its cheapest placement); with -1, on
    the last day up to the day of the one before it.
    """
    placed: Placed = []
    day = 0 if sweep >= 0 else len(ctx.days)
    for group in order:
        found: Trial | None = None
        if sweep:
            days = ctx.candidate_days[group.index]
            for candidate in days if sweep > 0 else reversed(days):
                if (candidate - day) * sweep < 0 or schedule.rules_allow(
                    group, candidate
                ):
                    continue
                found = best_placement(ctx, schedule, group, only_day=candidate)
                if found is not None:
                    day = candidate
                    break
        if found is None:
            found = best_placement(ctx, schedule, group, days_to_try=days_to_try)
        if found is not None:
            schedule.place(group, found.placement)
            placed.append((group, found.placement))
    return placed
