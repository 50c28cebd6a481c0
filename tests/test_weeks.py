"""Whole weeks toured and cut again never cost more, and cost what they say (#17)."""

from __future__ import annotations

from itertools import combinations

from roadshow.model import Scenario
from roadshow.planner._context import Context
from roadshow.planner._trips import DayPlan
from roadshow.planner._weeks import recut, recut_weeks, tour_order


def _naive(s: Scenario) -> tuple[Context, DayPlan]:
    """Days filled in the scenario's order, at most three visits a day: a poor start."""
    ctx = Context(s)
    groups = list(ctx.groups)
    days = ctx.candidate_days[groups[0].index]
    plan = {
        d: tuple(range(3 * k, min(3 * k + 3, len(groups)))) for k, d in enumerate(days)
    }
    return ctx, DayPlan(ctx, "principal", groups, days, plan)


def test_a_recut_costs_what_costing_its_days_afresh_gives(two_weeks: Scenario) -> None:
    """Each recut offered saves, and by exactly the fresh plan's cost less today's."""
    ctx, plan = _naive(two_weeks)
    offered = 0
    for blocks in [(0,), (1,), (0, 1)]:
        found = recut(plan, blocks)
        if found is None:
            continue
        offered += 1
        fresh = DayPlan(
            ctx, "principal", plan.timer.groups, plan.days, {**plan.plan, **found[1]}
        )
        assert found[0] < 0
        assert found[0] == fresh.cost - plan.cost
        days = {d for b in blocks for d in plan.blocks[b]}
        assert set(found[1]) == days
        kept = sorted(v for d in days for v in plan.plan[d])
        assert sorted(v for run in found[1].values() for v in run) == kept
    assert offered > 0


def test_recut_weeks_never_costs_more_and_keeps_every_visit(
    two_weeks: Scenario,
) -> None:
    """From a poor start the weeks recut cost less, with the same visits placed."""
    ctx, plan = _naive(two_weeks)
    before = plan.cost
    placed = sorted(v for v, d in enumerate(plan.where) if d is not None)
    recut_weeks(plan)
    assert plan.cost < before
    assert sorted(v for v, d in enumerate(plan.where) if d is not None) == placed
    fresh = DayPlan(ctx, "principal", plan.timer.groups, plan.days, plan.plan)
    assert fresh.cost == plan.cost
    # Nothing is left to find: one more pass changes nothing.
    assert all(recut(plan, (b,)) is None for b in range(len(plan.blocks)))
    assert all(recut(plan, p) is None for p in combinations(range(len(plan.blocks)), 2))


def test_a_tour_order_holds_each_visit_once(two_weeks: Scenario) -> None:
    """The tour through some visits is an order of exactly those visits."""
    ctx, plan = _naive(two_weeks)
    some = list(range(0, len(plan.where), 2))
    assert sorted(tour_order(ctx, plan.timer, some)) == some
