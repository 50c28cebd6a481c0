"""The day search's incremental costs agree with costing the days afresh (#17)."""

from __future__ import annotations

import random

import attrs
import pytest
from bench.synthetic import pct_tour

from roadshow.model import Scenario
from roadshow.objective import W_UNPLACED
from roadshow.planner._context import Context, Group
from roadshow.planner._routes import tour_ranks
from roadshow.planner._split import split
from roadshow.planner._trips import DayPlan, Days


@pytest.fixture(scope="module")
def two_weeks() -> Scenario:
    """One principal visits the PCT areas of two regions in two weeks."""
    full = pct_tour(weeks=2)
    areas = {a.area_id for a in full.areas if a.region_id in {"Q32", "Q35"}}
    return attrs.evolve(full, requests=[r for r in full.requests if r.area_id in areas])


def _plan(s: Scenario) -> tuple[Context, list[Group], tuple[int, ...], DayPlan]:
    ctx = Context(s)
    groups = list(ctx.groups)
    ranks = tour_ranks(ctx, groups)
    order = sorted(groups, key=lambda g: (ranks[g.index], g.group_id))
    days = ctx.candidate_days[order[0].index]
    at = {g.index: k for k, g in enumerate(order)}
    runs = split(ctx, "principal", order, days)
    cut = {d: tuple(at[g.index] for g in run) for d, run in runs.items()}
    return ctx, order, days, DayPlan(ctx, "principal", order, days, cut)


def _move(plan: DayPlan, rng: random.Random) -> Days:
    """A random relocate, exchange or exchange of tails between two days."""
    busy = [d for d in plan.days if plan.plan[d]]
    d1, d2 = rng.sample(busy, 2)
    a, b = plan.plan[d1], plan.plan[d2]
    i, j = rng.randrange(len(a)), rng.randrange(len(b))
    kind = rng.randrange(3)
    if kind == 0:
        to = rng.choice(plan.days)
        rest = (*a[:i], *a[i + 1 :])
        there = rest if to == d1 else plan.plan[to]
        k = rng.randrange(len(there) + 1)
        return {d1: rest, to: (*there[:k], a[i], *there[k:])}
    if kind == 1:
        return {d1: (*a[:i], b[j], *a[i + 1 :]), d2: (*b[:j], a[i], *b[j + 1 :])}
    return {d1: (*a[:i], *b[j:]), d2: (*b[:j], *a[i:])}


def test_a_moves_cost_is_what_costing_the_new_days_afresh_gives(
    two_weeks: Scenario,
) -> None:
    """On random moves, delta equals the fresh plan's cost less the current one's."""
    ctx, order, days, plan = _plan(two_weeks)
    rng = random.Random(5)  # noqa: S311 - random moves, not a secret
    applied = 0
    for _ in range(150):
        changes = _move(plan, rng)
        fresh = DayPlan(ctx, "principal", order, days, {**plan.plan, **changes})
        assert plan.delta(changes) == fresh.cost - plan.cost
        # Keep moving through feasible plans, so the kept costs change too.
        if fresh.cost < W_UNPLACED and rng.random() < 0.5:
            plan.apply(changes)
            applied += 1
            assert plan.cost == fresh.cost
    assert applied > 10
