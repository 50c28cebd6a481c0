"""A person's routing tables, kept up to date change by change, match a fresh count."""

from __future__ import annotations

from bench.synthetic import ProgrammeSpec, national_programme

from roadshow.planner._context import Context
from roadshow.planner._routing import Table, Timeline
from roadshow.planner._schedule import Schedule
from roadshow.planner._search import construct, improve, swap


def recounted(timeline: Timeline) -> tuple[list[Table], list[Table], list[int]]:
    """The forward and backward tables and anchor costs, counted from scratch."""
    days, reset, home = timeline.days, timeline._reset, timeline.home
    forward, anchor_cost = [reset], [0] * days
    for day in range(days):
        out = timeline._step(day, forward[day], {})
        if timeline.is_anchor(day):
            anchor_cost[day] = out[(home, 0)]
            out = reset
        forward.append(out)
    backward = [reset] * (days + 1)
    for day in range(days - 1, -1, -1):
        after = reset if timeline.is_anchor(day) else backward[day + 1]
        backward[day] = timeline._step_back(day, after)
    return forward, backward, anchor_cost


def test_tables_after_placing_moving_and_swapping_match_a_recount() -> None:
    """After construction, local search and swaps (thousands of commits and
    undos), every person's tables and costs are those a fresh count gives."""
    ctx = Context(national_programme(ProgrammeSpec(events=200, people=5, weeks=4)))
    schedule = Schedule(ctx)
    groups = list(ctx.groups)
    construct(ctx, schedule, groups)
    improve(ctx, schedule, groups, max_passes=2)
    swap(ctx, schedule, groups, frozen=set())
    assert len(schedule.placements) > len(groups) // 2
    for timeline in schedule.timelines.values():
        forward, backward, anchor_cost = recounted(timeline)
        assert timeline.forward == forward
        assert timeline.backward == backward
        assert timeline.anchor_cost == anchor_cost
        assert timeline.cost == sum(anchor_cost)
