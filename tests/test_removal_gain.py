"""The local search's cost changes are the real ones.

``Schedule.removal_gain`` and ``Schedule.trial`` predict what taking a group out,
or putting it in, does to the objective without doing it; the search trusts
them. Whether a night away is allowed reads the times of a day's first and last
items, not only their venues, so these properties move items' times at one venue.
"""

from __future__ import annotations

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st
from pendulum import Date

from builders import person, scenario, visit
from roadshow.model import PlanningRules, Scenario
from roadshow.planner._context import Context
from roadshow.planner._schedule import Schedule
from roadshow.planner._search import construct

TOWNS = ("london", "leeds", "newcastle", "bristol", "oxford", "cambridge")
MONDAY = Date(2008, 9, 8)


@st.composite
def crowded_days(draw: st.DrawFn) -> Scenario:
    """One or two people, visits pinned to a few days, often two at one venue a day."""
    people = draw(st.sampled_from([("ann",), ("ann", "bob")]))
    homes = {p: draw(st.sampled_from(TOWNS)) for p in people}
    days = draw(st.integers(2, 4))
    requests = []
    for i in range(draw(st.integers(2, 8))):
        day = MONDAY.add(days=draw(st.integers(0, days - 1)))
        start = pendulum.Time(draw(st.integers(7, 18)), draw(st.sampled_from([0, 30])))
        requests.append(
            visit(
                f"r{i}",
                draw(st.sampled_from(TOWNS[:4])),
                people=draw(st.sampled_from([people[:1], people[-1:], people])),
                hours=draw(st.sampled_from([1, 2, 3])),
                pin_on=day,
                preferred_start=start,
            )
        )
    rules = PlanningRules(
        max_nights_away_in_row=draw(st.integers(1, 3)),
        min_night_saving_minutes=draw(st.sampled_from([0, 90, 240])),
    )
    return scenario(
        requests,
        people=[person(p, home=homes[p]) for p in people],
        start=MONDAY,
        end=MONDAY.add(days=days - 1),
        rules=rules,
    )


@settings(max_examples=300, deadline=None)
@given(crowded_days())
def test_predicted_cost_changes_are_the_real_ones(s: Scenario) -> None:
    """Taking a placed group out, and putting it back, costs what was predicted."""
    ctx = Context(s)
    schedule = Schedule(ctx)
    construct(ctx, schedule, list(ctx.groups))
    for group in ctx.groups:
        if group.index not in schedule.placements:
            continue
        before = schedule.cost
        gain = schedule.removal_gain(group)
        placement = schedule.remove(group)
        assert gain == before - schedule.cost, group.group_id
        emptied = schedule.cost
        rise = schedule.trial(group, placement)
        schedule.place(group, placement)
        assert rise == schedule.cost - emptied, group.group_id
        assert schedule.cost == before
