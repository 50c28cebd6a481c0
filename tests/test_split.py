"""Cutting a tour into days (route first, cluster second), then searching them (#17)."""

from __future__ import annotations

from itertools import combinations

import attrs
import pytest
from bench.synthetic import pct_tour

from roadshow.checks import check
from roadshow.model import Scenario
from roadshow.objective import W_TRAVEL, W_UNPLACED
from roadshow.planner import PlanParams, solve
from roadshow.planner._context import Context, Group
from roadshow.planner._materialize import materialize
from roadshow.planner._routes import _place_days, tour_ranks
from roadshow.planner._schedule import Schedule
from roadshow.planner._split import split
from roadshow.planner._trips import DayPlan
from roadshow.planner._tripsearch import descend, place_left, propose, search
from roadshow.planner._tsp import length, tour


def _region(weeks: int, *regions: str) -> Scenario:
    """One principal visits every PCT area of *regions* within *weeks* weeks."""
    full = pct_tour(weeks=weeks)
    areas = {a.area_id for a in full.areas if a.region_id in regions}
    return attrs.evolve(full, requests=[r for r in full.requests if r.area_id in areas])


@pytest.fixture(scope="module")
def small() -> Scenario:
    """Eight visits of one region in one week: small enough to try every cut."""
    s = _region(1, "Q35")
    return attrs.evolve(s, requests=list(s.requests)[:8])


def _order(ctx: Context) -> list[Group]:
    groups = list(ctx.groups)
    ranks = tour_ranks(ctx, groups) or {g.index: float(k) for k, g in enumerate(groups)}
    return sorted(groups, key=lambda g: (ranks[g.index], g.group_id))


def _cuts(n: int, days: int) -> list[list[tuple[int, int]]]:
    """Every way to cut 0..n into *days* consecutive runs (runs may be empty)."""
    out = []
    for bars in combinations(range(n + days - 1), days - 1):
        edges, prev = [], -1
        for b in (*bars, n + days - 1):
            edges.append(b - prev - 1)
            prev = b
        runs, at = [], 0
        for size in edges:
            runs.append((at, at + size))
            at += size
        out.append(runs)
    return out


def _split_plan(
    small: Scenario,
) -> tuple[Context, list[Group], tuple[int, ...], DayPlan]:
    """The principal's tour order, its days, and the split of the one into the other."""
    ctx = Context(small)
    order = _order(ctx)
    days = ctx.candidate_days[order[0].index]
    at = {g.index: k for k, g in enumerate(order)}
    runs = split(ctx, "principal", order, days)
    plan = DayPlan(
        ctx,
        "principal",
        order,
        days,
        {d: tuple(at[g.index] for g in run) for d, run in runs.items()},
    )
    return ctx, order, days, plan


def test_split_is_the_best_cut_of_the_order(small: Scenario) -> None:
    """The split's days cost what the cheapest of all cuts of the order costs."""
    ctx, order, days, plan = _split_plan(small)
    best = min(
        DayPlan(
            ctx,
            "principal",
            order,
            days,
            {d: tuple(range(a, b)) for d, (a, b) in zip(days, cut, strict=True)},
        ).cost
        for cut in _cuts(len(order), len(days))
    )
    assert plan.cost == best
    assert plan.cost < W_UNPLACED  # every visit has its day


def test_search_never_loses_and_the_schedule_agrees(small: Scenario) -> None:
    """The searched days cost no more than the split, and place at that cost."""
    ctx, order, days, plan = _split_plan(small)
    before = plan.cost
    place_left(plan)
    descend(plan)
    search(plan, rounds=20)
    assert plan.cost <= before
    schedule = Schedule(ctx)
    proposal = propose(ctx, "principal", order, days, rounds=20)
    placed = _place_days(ctx, schedule, proposal)
    assert len(placed) == len(order)
    # The schedule chooses its own nights: never dearer than the proposal's.
    assert schedule.cost // W_TRAVEL <= plan.cost // W_TRAVEL
    result = materialize(ctx, schedule, [])
    assert [v.message for v in check(small, result) if v.is_hard] == []


def test_two_regions_in_two_weeks_stay_near_the_tour() -> None:
    """All 28 visits placed, no hard violation, travel within 1.2x the tour."""
    s = _region(2, "Q32", "Q35")
    result = solve(s)
    assert result.objective.unplaced == 0
    assert [v.message for v in check(s, result.plan) if v.is_hard] == []
    ctx = Context(s)
    home = ctx.home["principal"]
    venues = sorted({g.venues[0] for g in ctx.groups})
    where = {v.venue_id: (v.lat, v.lon) for v in s.venues}

    def minutes(a: str, b: str) -> int:
        return ctx.minutes("principal", a, b)

    shortest = length(home, tour(home, venues, minutes, where.__getitem__), minutes)
    assert result.objective.travel_minutes <= 1.2 * shortest
    # Only ordering the construction by the tour does worse (1,747 minutes).
    uncut = solve(s, PlanParams(cut_tours=False))
    assert result.objective.key < uncut.objective.key
