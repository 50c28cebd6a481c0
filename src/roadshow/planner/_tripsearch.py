"""The search over one person's days (:class:`~roadshow.planner._trips.DayPlan`).

Descents apply improving moves until none is left; a visit with no place gets
one by reordering a day, cutting a block anew, or an ejection chain; when the
moves are stuck, ruin-and-recreate under threshold accepting takes out a
cluster of nearby visits (or two days) and puts them back cheapest first,
ending on the best plan seen; last, whole weeks are toured and cut again
(:mod:`roadshow.planner._weeks`). :func:`propose` runs it all from a tour order
cut into days; over more than one week it also starts from days cut from
petals (:mod:`roadshow.planner._petals`) and goes on from the cheapest start
after the first search. A seeded generator and round counts (never the clock)
make it repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import permutations

from roadshow.objective import W_TRAVEL, W_UNPLACED
from roadshow.planner._context import Context, Group
from roadshow.planner._petals import petal_days
from roadshow.planner._split import split
from roadshow.planner._trips import EXCHANGE, MAX_REORDER, NEAR, WIDE, DayPlan, Days
from roadshow.planner._weeks import recut_weeks
from roadshow.planner._weekswap import reassign

RUINS = 200
"""Ruin-and-recreate rounds once the moves are stuck."""
CLUSTER = 6
"""A ruin takes out at most this many of a visit's nearest visits with it."""
THRESHOLD = 20
"""Minutes of travel a round may add at first (falling to none by the last)."""
DAY_RUINS = 0.25
"""The share of rounds that take out a whole day and the next, not a cluster."""
SEED = 17
"""The generator's seed: the same proposal on every run."""
PETAL_STARTS = 3
"""With more than one week, the search starts from at most this many sets of petals."""
PETAL_VISITS = 50
"""One set of petals per this many visits (see :func:`petal_starts`)."""
GIVE_UP = 0.25
"""The share of its rounds after which a search may give up (see :func:`search`)."""


def descend(plan: DayPlan, todo: set[int] | None = None, width: int = NEAR) -> None:
    """Apply improving moves until none is left.

    Only the visits in *todo* (all when None) are looked at, and then those on
    each day a move changed, until no visit is left to look at. A full descent
    (no *todo*) also exchanges whole days. Moves put a visit next to one of its
    *width* nearest visits.
    """
    work = set(range(len(plan.where))) if todo is None else set(todo)
    days = set(plan.days) if todo is None else set()
    while work or days:
        for v in sorted(work):
            work.discard(v)
            for options, w in (
                (plan.insertions, width),
                (plan.exchanges, max(width, EXCHANGE)),
            ):
                found = plan.best(options(v, w))
                if found is not None:
                    plan.apply(found[1])
                    for day, visits in found[1].items():
                        # Whole days are exchanged only in a full descent.
                        if todo is None:
                            days.add(day)
                        work.update(visits)
        for d1 in sorted(days):
            days.discard(d1)
            work.update(_exchange_day(plan, d1))


def _exchange_day(plan: DayPlan, day: int) -> tuple[int, ...]:
    """Exchange *day*'s visits with another day's if that helps; return those moved."""
    if not plan.plan[day]:
        return ()
    found = plan.best(
        [
            {day: plan.plan[other], other: plan.plan[day]}
            for other in plan.days
            if other != day and plan.plan[other] != plan.plan[day]
        ]
    )
    if found is None:
        return ()
    plan.apply(found[1])
    return tuple(v for visits in found[1].values() for v in visits)


def place_left(plan: DayPlan, depth: int = 1) -> None:
    """Put each visit left out at its cheapest place anywhere, if it has one.

    If it has none: a day of one of its nearest visits in another order with
    it, else the days of the block of one of its nearest visits cut
    anew with it (:meth:`DayPlan.resplit`), else an ejection chain of up to
    *depth* links (:func:`_eject`); with *depth* 0, only the first.
    """
    for v in range(len(plan.where)):
        if plan.where[v] is not None:
            continue
        found = plan.best(plan.everywhere(v))
        if found is not None:
            plan.apply(found[1])
            continue
        if depth == 0:
            continue
        days = sorted(
            {d for u in plan.near[v][:NEAR] if (d := plan.where[u]) is not None}
        )
        # The order of a day's visits may have to change to make room for one more.
        found = plan.best(
            [
                {day: order}
                for day in days
                if len(plan.plan[day]) < MAX_REORDER
                for order in permutations((*plan.plan[day], v))
            ]
        )
        if found is not None:
            plan.apply(found[1])
            continue
        blocks = sorted({plan.block_of[d] for d in days})
        found = plan.best([c for b in blocks if (c := plan.resplit(b, v))])
        if found is not None:
            plan.apply(found[1])
            continue
        chain = _eject(plan, v, depth)
        if chain is not None:
            for changes in chain[1]:
                plan.apply(changes)


def _eject(plan: DayPlan, v: int, depth: int) -> tuple[int, list[Days]] | None:
    """The cheapest chain that places *v* (left out) by moving others along.

    *v* takes the place of a visit *u* on the day of one of its nearest visits,
    and *u* goes next to one of its own nearest visits, or (with *depth* left)
    is placed by a chain of its own. Nothing changes; returns the cost change
    and the changes to make in order, or None.
    """
    best: tuple[int, list[Days]] | None = None
    days = sorted({d for u in plan.near[v][:NEAR] if (d := plan.where[u]) is not None})
    for day in days:
        visits = plan.plan[day]
        for k, u in enumerate(visits):
            swap = {day: (*visits[:k], v, *visits[k + 1 :])}
            first = plan.delta(swap)
            if first >= W_UNPLACED:  # the day cannot take v instead of u
                continue
            plan.apply(swap)
            found = plan.best(plan.insertions(u))
            then = (
                (found[0], [found[1]])
                if found is not None
                else _eject(plan, u, depth - 1)
                if depth > 1
                else None
            )
            plan.apply({day: visits})
            if then is not None and (best is None or first + then[0] < best[0]):
                best = (first + then[0], [swap, *then[1]])
    return best


def search(plan: DayPlan, rounds: int = RUINS, rival: int | None = None) -> bool:
    """Ruin and recreate *rounds* times; end on the best plan seen.

    Start from a plan that :func:`place_left` and :func:`descend` have been over.
    A round removes a cluster of nearby visits (or a day and the next) and puts
    them back cheapest first; a worse plan is kept while it is within a
    threshold of travel that falls to nothing over the rounds (threshold
    accepting), which lets the search leave a local optimum.

    Given the cost of a *rival* plan, the search gives up after
    :data:`GIVE_UP` of its rounds if its best plan still leaves out more
    visits than the rival does. Returns False if it gave up.
    """
    rng = random.Random(SEED)  # noqa: S311 - a search, not a secret
    n = len(plan.where)
    best = (plan.cost, plan.snapshot())
    for r in range(rounds):
        if (
            rival is not None
            and r == int(rounds * GIVE_UP)
            and best[0] // W_UNPLACED > rival // W_UNPLACED
        ):
            plan.restore(best[1])
            return False
        threshold = THRESHOLD * (rounds - r) // rounds * W_TRAVEL
        saved = plan.snapshot()
        before = plan.cost
        out = _ruin(plan, rng, n)
        for v in out:
            plan.apply(plan.without(v))
        for v in out:
            found = plan.best(plan.insertions(v))
            if found is not None:
                plan.apply(found[1])
        place_left(plan)
        descend(plan, set(out))
        if plan.cost >= before + threshold:
            plan.restore(saved)
        if plan.cost < best[0]:
            best = (plan.cost, plan.snapshot())
    plan.restore(best[1])
    return True


def _ruin(plan: DayPlan, rng: random.Random, n: int) -> list[int]:
    """Visits to take out, in the order to put them back.

    A day and the next, or a cluster of nearby visits around a random one (or
    around a visit left out, which then goes back first).
    """
    left = [v for v in range(n) if plan.where[v] is None]
    seed = rng.choice(plan.near[left[0]][:NEAR]) if left else rng.randrange(n)
    day = plan.where[seed]
    if day is not None and rng.random() < DAY_RUINS:
        block = plan.blocks[plan.block_of[day]]
        out = [v for d in (day, day + 1) if d in block for v in plan.plan[d]]
    else:
        out = [seed, *plan.near[seed][: rng.randint(3, CLUSTER)]]
    rng.shuffle(out)
    return [*left, *out]


def propose(
    ctx: Context,
    person_id: str,
    tour_order: Sequence[Group],
    days: Sequence[int],
    rounds: int = RUINS,
    *,
    starts: int | None = None,
) -> dict[int, list[tuple[Group, int]]]:
    """Days for *tour_order*'s visits: split the tour, then search (see the module).

    Over more than one week whose days hold about all the visits (the split
    leaves at most one a week out), which visits share a week decides most
    of the travel, so the search may start from petals instead
    (:func:`_from_petals`: *starts* sets of them; None scales them with the
    visits, :func:`petal_starts`). Returns each day's visits with their starts
    (epoch minutes), in order.
    """
    best = split_plan(ctx, person_id, tour_order, days)
    left = best.where.count(None)
    if starts is None:
        starts = petal_starts(len(best.where))
    if len(best.blocks) > 1 and left <= len(best.blocks) and starts > 0:
        best = _from_petals(best, tour_order, rounds, starts)
    else:
        _search_first(best, rounds)
    _search_then(best, rounds)
    groups = best.timer.groups
    return {
        day: [(groups[v], start) for v, start in visits]
        for day, visits in best.starts().items()
    }


def split_plan(
    ctx: Context, person_id: str, tour_order: Sequence[Group], days: Sequence[int]
) -> DayPlan:
    """Days cut from *tour_order* (or it reversed: the cheaper) by the exact split."""
    best: DayPlan | None = None
    for order in (list(tour_order), list(tour_order)[::-1]):
        runs = split(ctx, person_id, order, days)
        at = {g.index: k for k, g in enumerate(order)}
        plan = DayPlan(
            ctx,
            person_id,
            order,
            days,
            {d: tuple(at[g.index] for g in run) for d, run in runs.items()},
        )
        if best is None or plan.cost < best.cost:
            best = plan
    if best is None:  # pragma: no cover - two orders are always tried
        msg = "no split"
        raise AssertionError(msg)
    return best


def petal_starts(visits: int) -> int:
    """How many sets of petals a person with *visits* visits starts from.

    One per :data:`PETAL_VISITS` visits, at most :data:`PETAL_STARTS`: on a
    few weeks of few visits the split of the tour, searched, already finds
    what petals find (28 visits in 2 weeks, 47 in 3), and each start costs a
    whole first search.
    """
    return min(PETAL_STARTS, visits // PETAL_VISITS)


def _from_petals(
    tour_split: DayPlan, tour_order: Sequence[Group], rounds: int, starts: int
) -> DayPlan:
    """The cheapest of *starts* plans cut from petals and *tour_split*, searched.

    Each start's days are cut from petals, one short closed tour from home per
    week (:mod:`roadshow.planner._petals`), from a seed of its own, and
    searched by :func:`_search_first`. *tour_split* (the split of the tour,
    the path without petals) is searched last, the same way, and kept unless
    a start from petals searched to less; it gives up early only where it
    still leaves out more visits than the best of those (see :func:`search`).
    """
    cost, days = _best_petals(tour_split, tour_order, rounds, starts)
    if _search_first(tour_split, rounds, rival=cost) and tour_split.cost <= cost:
        return tour_split
    ctx, person_id = tour_split.ctx, tour_split.person_id
    return DayPlan(ctx, person_id, tour_order, tour_split.days, days)


def _best_petals(
    tour_split: DayPlan, tour_order: Sequence[Group], rounds: int, starts: int
) -> tuple[int, Days]:
    """The cost and days of the cheapest of *starts* searched starts from petals."""
    ctx, person_id, days = tour_split.ctx, tour_split.person_id, tour_split.days
    empty = DayPlan(ctx, person_id, tour_order, days, {})
    kept: tuple[int, Days] | None = None
    for k in range(starts):
        cut = petal_days(empty, seed=SEED + k)
        plan = DayPlan(ctx, person_id, tour_order, days, cut)
        _search_first(plan, rounds)
        if kept is None or plan.cost < kept[0]:
            # Only the days are kept: a searched plan's caches are large.
            kept = (plan.cost, dict(plan.plan))
    if kept is None:  # pragma: no cover - propose asks for at least one start
        msg = "no start"
        raise AssertionError(msg)
    return kept


def _search_first(plan: DayPlan, rounds: int, rival: int | None = None) -> bool:
    """Place what is left, descend, ruin and recreate *rounds* times, descend.

    Returns False if the search gave up against *rival* (see :func:`search`).
    """
    place_left(plan, depth=2)
    descend(plan, width=WIDE)
    if not search(plan, rounds, rival):
        return False
    descend(plan, width=WIDE)
    return True


def _search_then(plan: DayPlan, rounds: int) -> None:
    """After :func:`_search_first`: make room for what is left, recut weeks, search.

    With every visit placed, a shorter search and the weeks again follow.
    """
    if None in plan.where:
        # Room for the last visits: let days warp time, search that away, and
        # leave out whatever still warps.
        plan.allow_warp(allow=True)
        place_left(plan)
        search(plan, rounds // 2)
        plan.allow_warp(allow=False)
        place_left(plan, depth=2)
        descend(plan, width=WIDE)
    # The moves above shift a few visits at a time; visits moved between weeks,
    # and whole weeks toured and cut again, move many at once.
    _weeks_again(plan)
    if None not in plan.where:
        # New weeks open new moves between days: search once more, shorter,
        # and move between weeks again (the search ends on its best plan).
        search(plan, rounds * 2 // 3)
        descend(plan, width=WIDE)
        _weeks_again(plan)


def _weeks_again(plan: DayPlan) -> None:
    """Move visits between weeks, recut the weeks, descend where that changed days."""
    moved = {*reassign(plan), *recut_weeks(plan)}
    if moved:
        descend(plan, moved)
