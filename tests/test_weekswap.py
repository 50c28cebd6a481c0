"""Visits moved between weeks never cost more, and cost what they say (#17)."""

from __future__ import annotations

from roadshow.model import Scenario
from roadshow.planner._context import Context
from roadshow.planner._trips import DayPlan
from roadshow.planner._weekswap import Weeks, reassign


def _mixed(s: Scenario) -> tuple[Context, DayPlan]:
    """Visits dealt to the days in turn, at most three a day: weeks far from compact."""
    ctx = Context(s)
    groups = list(ctx.groups)
    days = ctx.candidate_days[groups[0].index]
    plan = {d: tuple(range(k, len(groups), len(days))[:3]) for k, d in enumerate(days)}
    return ctx, DayPlan(ctx, "principal", groups, days, plan)


def test_a_cut_week_costs_what_costing_its_days_afresh_gives(
    two_weeks: Scenario,
) -> None:
    """A week's cut holds exactly its visits, at the cost a fresh plan gives it."""
    ctx, plan = _mixed(two_weeks)
    weeks = Weeks(plan)
    for b, seq in enumerate(weeks.seq):
        cost, days, order = weeks.cut(b, seq)
        assert sorted(order) == sorted(seq)
        assert set(days) == set(plan.blocks[b])
        fresh = DayPlan(
            ctx, "principal", plan.timer.groups, plan.days, {**plan.plan, **days}
        )
        left = len(seq) - sum(map(len, days.values()))
        assert left == 0
        assert cost == fresh.block_cost[b]


def test_reassign_never_costs_more_and_keeps_every_visit(two_weeks: Scenario) -> None:
    """From mixed weeks, moving visits between them costs less with all still placed."""
    ctx, plan = _mixed(two_weeks)
    before = plan.cost
    placed = sorted(v for v, d in enumerate(plan.where) if d is not None)
    moved = reassign(plan)
    assert moved
    assert plan.cost < before
    assert sorted(v for v, d in enumerate(plan.where) if d is not None) == placed
    fresh = DayPlan(ctx, "principal", plan.timer.groups, plan.days, plan.plan)
    assert fresh.cost == plan.cost
    # Cutting again from where it stopped finds nothing more.
    assert reassign(plan) == []
