"""Weeks chosen as petals (closed tours from home) hold what their days hold (#17)."""

from __future__ import annotations

import random

import attrs

from roadshow.model import Scenario
from roadshow.objective import W_UNPLACED
from roadshow.planner._context import Context
from roadshow.planner._petals import Petals, petal_days
from roadshow.planner._trips import DayPlan
from roadshow.planner._tripsearch import (
    _from_petals,
    _search_first,
    petal_starts,
    propose,
    search,
    split_plan,
)


def _line() -> Petals:
    """Twelve visits on a line out from home, three petals of at most five."""
    spots = [3, 9, 1, 12, 5, 7, 2, 11, 4, 8, 6, 10]
    home = [2 * x for x in spots]
    legs = [[2 * abs(a - b) for b in spots] for a in spots]
    near = [
        sorted((u for u in range(12) if u != v), key=lambda u: (legs[v][u], u))
        for v in range(12)
    ]
    return Petals(home, legs, near, [5, 5, 5])


def test_petals_keep_every_visit_once_within_their_room() -> None:
    """The search ends shortest, each visit in one petal, no petal too full."""
    petals = _line()
    petals.sweep(list(range(12)))
    swept = petals.total()
    petals.search(300, random.Random(1))  # noqa: S311 - a search, not a secret
    assert petals.total() <= swept
    assert sorted(v for route in petals.routes for v in route) == list(range(12))
    assert all(len(route) <= 5 for route in petals.routes)
    # On a line the best petals run out and back (8-12, 3-7, 1-2); the
    # minutes are counted both ways, so each petal's length is counted twice.
    assert petals.total() == 2 * 2 * (12 + 7 + 2)


def test_the_same_seed_gives_the_same_petals() -> None:
    """Two searches with one seed end on the same petals."""
    found = []
    for _ in range(2):
        petals = _line()
        petals.sweep(list(range(12)))
        petals.search(200, random.Random(5))  # noqa: S311 - a search, not a secret
        found.append(petals.routes)
    assert found[0] == found[1]


def _fewer(two_weeks: Scenario, keep: int) -> tuple[Context, DayPlan]:
    """The first *keep* visits of the two weeks' areas, no day planned yet."""
    s = attrs.evolve(two_weeks, requests=list(two_weeks.requests)[:keep])
    ctx = Context(s)
    groups = list(ctx.groups)
    days = ctx.candidate_days[groups[0].index]
    return ctx, DayPlan(ctx, "principal", groups, days, {})


def test_each_week_cut_from_a_petal_costs_what_its_days_cost_afresh(
    two_weeks: Scenario,
) -> None:
    """Every visit has a day in the petals' weeks, at the cost a fresh plan gives."""
    ctx, empty = _fewer(two_weeks, 30)
    days = petal_days(empty, rounds=500)
    assert set(days) == set(empty.days)
    visits = sorted(v for run in days.values() for v in run)
    assert visits == list(range(len(empty.where)))
    fresh = DayPlan(ctx, "principal", empty.timer.groups, empty.days, days)
    assert None not in fresh.where
    for b in range(len(empty.blocks)):
        week = {d: days[d] for d in empty.blocks[b]}
        assert empty.block_days_cost(b, week) == fresh.block_cost[b]
    # No week holds more than its share (half, rounded up).
    for block in empty.blocks:
        assert sum(len(days[d]) for d in block) <= 15


def test_propose_from_petals_places_every_visit_the_same_way_twice(
    two_weeks: Scenario,
) -> None:
    """Over two weeks the search starts from petals too; all placed, repeatably."""
    ctx, empty = _fewer(two_weeks, 30)
    order = list(empty.timer.groups)
    found = [
        propose(ctx, "principal", order, empty.days, rounds=20, starts=2)
        for _ in range(2)
    ]
    assert found[0] == found[1]
    placed = sorted(g.index for visits in found[0].values() for g, _ in visits)
    assert placed == sorted(g.index for g in order)


def test_the_split_of_the_tour_stays_a_candidate(two_weeks: Scenario) -> None:
    """Starts from petals are taken only where they search to less than the split."""
    ctx, empty = _fewer(two_weeks, 30)
    order = list(empty.timer.groups)
    alone = split_plan(ctx, "principal", order, empty.days)
    _search_first(alone, 20)  # the path without petals
    chosen = _from_petals(
        split_plan(ctx, "principal", order, empty.days), order, 20, starts=2
    )
    assert chosen.cost <= alone.cost


def test_a_search_gives_up_only_behind_its_rival(two_weeks: Scenario) -> None:
    """A search gives up early where it still leaves out more visits than a rival."""
    ctx, empty = _fewer(two_weeks, len(two_weeks.requests))
    order = list(empty.timer.groups)
    plan = split_plan(ctx, "principal", order, empty.days)
    start = plan.cost
    assert start >= W_UNPLACED  # these days cannot hold every visit
    assert not search(plan, 8, rival=0)  # a rival that places every visit
    assert plan.cost <= start
    again = split_plan(ctx, "principal", order, empty.days)
    # A rival that leaves out as many: the search goes on to the end.
    assert search(again, 8, rival=start)


def test_few_visits_start_from_the_split_alone() -> None:
    """Petal starts grow with the visits: none for a few weeks of few visits."""
    assert [petal_starts(n) for n in (28, 47, 75, 120, 152, 1000)] == [0, 0, 1, 2, 3, 3]
