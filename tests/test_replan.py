"""Re-planning against a published plan: keep what holds, move the least, say why."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pendulum import Date

from builders import kind_rules, person, scenario, visit
from roadshow.checks import check
from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import (
    Blackout,
    ChangeReason,
    Closure,
    Commitment,
    Plan,
    Scenario,
)
from roadshow.planner import Result, solve

TZ = "Europe/London"


def hard(scenario_: Scenario, plan_: Plan) -> list[str]:
    """Hard violations other than 'unplaced' (which the plan reports itself)."""
    return [
        v.message for v in check(scenario_, plan_) if v.is_hard and v.rule != "unplaced"
    ]


# --- the default programme ------------------------------------------------------------


@pytest.fixture(scope="module")
def published(nhs2008_scenario: Scenario) -> Result:
    return solve(nhs2008_scenario)


def test_unchanged_scenario_changes_nothing(
    nhs2008_scenario: Scenario, published: Result
) -> None:
    """Re-planning the same scenario keeps every event, leg and night: same bytes."""
    again = solve(nhs2008_scenario, baseline=published.plan)
    assert again.changes == ()
    assert again.change_cost == 0
    assert render_plan_file(again.plan) == render_plan_file(published.plan)


def test_a_lost_day_moves_only_that_days_events_and_says_why(
    nhs2008_scenario: Scenario, published: Result
) -> None:
    """Lord Darzi unavailable one day: only events around it move, each with why."""
    event = next(
        e for e in published.plan.events if e.request_id.startswith("listening-")
    )
    day = event.start.in_tz(TZ)
    busy = Commitment(
        person_id="darzi",
        start=day.replace(hour=8, minute=0),
        end=day.replace(hour=19, minute=0),
        label="Cabinet committee",
    )
    changed = attrs.evolve(
        nhs2008_scenario, commitments=(*nhs2008_scenario.commitments, busy)
    )
    result = solve(changed, baseline=published.plan)
    near = {
        e.request_id
        for e in published.plan.events
        if "darzi" in e.attendees
        and abs((e.start.in_tz(TZ).date() - day.date()).days) <= 1
    }
    expected = (
        f"Lord Darzi unavailable {day:%a} {day.day} {day:%b} 08:00-19:00:"
        " Cabinet committee"
    )
    # Events that day, and those whose journeys ran into it (the day after).
    direct = {c.request_id for c in result.changes if expected in c.reason}
    assert event.request_id in direct
    assert direct <= near
    for change in result.changes:
        assert change.request_id in direct or change.made_room_for in direct
    assert not result.plan.unplaced
    assert hard(changed, result.plan) == []


def test_now_freezes_the_past(nhs2008_scenario: Scenario, published: Result) -> None:
    """A disruption before *now* changes nothing; nothing new starts before it."""
    first = published.plan.events[0]
    day = first.start.in_tz(TZ)
    busy = Commitment(
        person_id=first.attendees[0],
        start=day.replace(hour=0, minute=0),
        end=day.replace(hour=23, minute=0),
        label="Too late to matter",
    )
    changed = attrs.evolve(
        nhs2008_scenario, commitments=(*nhs2008_scenario.commitments, busy)
    )
    now = day.replace(hour=23, minute=30)
    result = solve(changed, baseline=published.plan, now=now)
    before = {e for e in published.plan.events if e.start < now}
    assert before <= set(result.plan.events)
    assert result.changes == ()
    new_events = set(result.plan.events) - set(published.plan.events)
    assert all(e.start >= now for e in new_events)


# --- a random single disruption on a small scenario -----------------------------------

PEOPLE = (person("ann"), person("bob", home="leeds"))
DAYS = [Date(2008, 9, 8).add(days=n) for n in range(12) if n % 7 < 5]


def small() -> Scenario:
    """Eight visits for two people over two working weeks."""
    requests = [
        visit("v-bristol", "bristol"),
        visit("v-oxford", "oxford", hours=3),
        visit("v-cambridge", "cambridge"),
        visit("v-london", "london", hours=1),
        visit("w-york", "york", people=("bob",)),
        visit("w-newcastle", "newcastle", people=("bob",)),
        visit("w-sheffield", "sheffield", people=("bob",), hours=3),
        visit("j-birmingham", "birmingham", people=("ann", "bob")),
    ]
    return scenario(requests, people=PEOPLE)


@st.composite
def disruptions(draw: st.DrawFn) -> tuple[str, Scenario, str]:
    """One disruption of :func:`small`: the scenario and what names it (label or id)."""
    base = small()
    what = draw(
        st.sampled_from(
            ["day", "evening", "blackout", "closure", "add", "remove", "pin"]
        )
    )
    who = draw(st.sampled_from(["ann", "bob"]))
    on = draw(st.sampled_from(DAYS))
    label = f"Disruption {what} {who} {on}"
    if what == "closure":
        # A venue lost for a week from *on* (who: whose visits' venue).
        town = draw(st.sampled_from(["bristol", "oxford", "york", "birmingham"]))
        shut = Closure.days(town, on, on.add(days=6), tz=TZ, reason=label)
        return what, attrs.evolve(base, closures=(shut,)), label
    if what in {"day", "evening"}:
        hours = (8, 19) if what == "day" else (16, 22)
        busy = Commitment(
            person_id=who,
            start=pendulum.datetime(on.year, on.month, on.day, hours[0], tz=TZ),
            end=pendulum.datetime(on.year, on.month, on.day, hours[1], tz=TZ),
            label=label,
        )
        return what, attrs.evolve(base, commitments=(busy,)), label
    if what == "blackout":
        off = Blackout(person_id=who, start_on=on, end_on=on, reason=label)
        return what, attrs.evolve(base, blackouts=(off,)), label
    ids = [r.request_id for r in base.requests]
    chosen = draw(st.sampled_from(ids))
    if what == "remove":
        kept = tuple(r for r in base.requests if r.request_id != chosen)
        return what, attrs.evolve(base, requests=kept), chosen
    if what == "add":
        town = draw(st.sampled_from(["york", "bristol", "leeds", "oxford"]))
        extra = visit("extra", town, people=(who,))
        return what, attrs.evolve(base, requests=(*base.requests, extra)), "extra"
    pinned = tuple(
        attrs.evolve(r, pin_on=on) if r.request_id == chosen else r
        for r in base.requests
    )
    return what, attrs.evolve(base, requests=pinned), chosen


@pytest.fixture(scope="module")
def small_plan() -> Plan:
    return solve(small()).plan


def _leads_back(
    change: ChangeReason, by_id: dict[str, ChangeReason], direct: set[str]
) -> bool:
    seen: set[str] = set()
    while change.request_id not in direct:
        if change.made_room_for is None or change.made_room_for in seen:
            return False
        seen.add(change.made_room_for)
        found = by_id.get(change.made_room_for)
        if found is None:
            return change.made_room_for in direct
        change = found
    return True


@settings(deadline=None, max_examples=25)
@given(disruptions())
def test_a_single_disruption_changes_only_what_it_forces(
    small_plan: Plan, disruption: tuple[str, Scenario, str]
) -> None:
    """Every changed event's reason names the disruption, or a chain back to it."""
    _what, changed, names = disruption
    result = solve(changed, baseline=small_plan)
    direct = {
        c.request_id
        for c in result.changes
        if names in c.reason or c.request_id == names
    }
    by_id = {c.request_id: c for c in result.changes}
    for change in result.changes:
        assert _leads_back(change, by_id, direct), change
    assert hard(changed, result.plan) == []


def test_fresh_plan_over_a_baseline_says_why_each_event_changed(
    small_plan: Plan,
) -> None:
    """fresh=True plans from scratch; each changed event gets a reason: the
    commitment that broke its slot (or its journeys), else 're-planned from
    scratch (--fresh)'."""
    event = next(e for e in small_plan.events if e.request_id == "v-bristol")
    busy = Commitment(
        person_id="ann",
        start=event.start,
        end=event.end,
        label="Select committee",
    )
    changed = attrs.evolve(small(), commitments=(busy,))
    fresh = solve(changed, baseline=small_plan, fresh=True)
    assert fresh.plan == solve(changed).plan  # the baseline does not steer it
    by_id = {c.request_id: c for c in fresh.changes}
    assert by_id["v-bristol"].cause == "commitment"
    assert "Select committee" in by_id["v-bristol"].reason
    moved = {e.request_id for e in small_plan.events if e not in set(fresh.plan.events)}
    assert set(by_id) == moved
    for change in fresh.changes:
        if "Select committee" not in change.reason:  # e.g. journeys into it
            assert (change.cause, change.reason) == (
                "fresh",
                "re-planned from scratch (--fresh)",
            )


def test_make_room_moves_a_chain_of_two_kept_events() -> None:
    """A new event pinned to Monday: Monday's event moves to Tuesday, so
    Tuesday's moves to Wednesday; each names the one it made room for."""
    one_a_day = kind_rules("visit", max_per_person_per_day=1)
    monday, tuesday, wednesday = DAYS[0], DAYS[1], DAYS[2]
    a = visit("a", "london", earliest_on=monday, latest_on=tuesday)
    b = visit("b", "london", earliest_on=tuesday, latest_on=tuesday)
    base = scenario([a, b], end=wednesday, rules=one_a_day)
    published = solve(base).plan
    days = {e.request_id: e.start.in_tz(TZ).date() for e in published.events}
    assert days == {"a": monday, "b": tuesday}
    # B may now be on Wednesday too; N must be on Monday.
    new = visit("n", "london", pin_on=monday)
    wider = attrs.evolve(b, latest_on=wednesday)
    changed = scenario([a, wider, new], end=wednesday, rules=one_a_day)
    result = solve(changed, baseline=published)
    days = {e.request_id: e.start.in_tz(TZ).date() for e in result.plan.events}
    assert days == {"n": monday, "a": tuesday, "b": wednesday}
    by_id = {c.request_id: c for c in result.changes}
    assert by_id["a"].made_room_for == "n"
    assert by_id["b"].made_room_for == "a"
    assert "make room for Visit a (a)" in by_id["b"].reason
    assert hard(changed, result.plan) == []


def test_fresh_plan_that_drops_a_published_event_says_why_it_could_not_be_placed() -> (
    None
):
    """A fresh plan gives a published event's only days to two pinned newcomers:
    its change is 'unplaced' with the planner's own reason, not the generic
    're-planned from scratch'; its old slot itself is still valid."""
    one_a_day = kind_rules("visit", max_per_person_per_day=1)
    monday, tuesday = DAYS[0], DAYS[1]
    a = visit("a", "london", earliest_on=monday, latest_on=tuesday)
    published = solve(scenario([a], end=tuesday, rules=one_a_day)).plan
    assert [e.request_id for e in published.events] == ["a"]
    crowded = scenario(
        [a, visit("n", "london", pin_on=monday), visit("m", "london", pin_on=tuesday)],
        end=tuesday,
        rules=one_a_day,
    )
    fresh = solve(crowded, baseline=published, fresh=True)
    assert {u.request_id for u in fresh.plan.unplaced} == {"a"}
    (change,) = [c for c in fresh.changes if c.request_id == "a"]
    (unplaced,) = fresh.plan.unplaced
    assert (change.change, change.cause) == ("unplaced", "fresh")
    assert change.reason == unplaced.reason
    assert change.reason != "re-planned from scratch (--fresh)"
