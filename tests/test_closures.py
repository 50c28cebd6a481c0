"""Venue closures: the planner never uses a closed venue, the checker says so, a
re-plan names the closure, and the scenario file reads them strictly."""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner
from pendulum import Date

from builders import person, scenario, visit
from roadshow.checks import check
from roadshow.cli import cli
from roadshow.errors import RoadshowWarning
from roadshow.importers.scenario import load_scenario, parse_scenario
from roadshow.model import Closure, Plan, Scenario
from roadshow.planner import Result, solve

TZ = "Europe/London"


def closed(venue: str, first: Date, last: Date, reason: str = "") -> Closure:
    return Closure.days(venue, first, last, tz=TZ, reason=reason)


def oxford_mornings_closed() -> tuple[Closure, ...]:
    """Oxford closed until 13:00 every day of the two weeks (exams)."""
    return tuple(
        Closure(
            venue_id="oxford",
            start=pendulum.datetime(d.year, d.month, d.day, 0, tz=TZ),
            end=pendulum.datetime(d.year, d.month, d.day, 13, tz=TZ),
            reason="exams",
        )
        for d in (Date(2008, 9, 8).add(days=n) for n in range(12))
    )


def at_venue(plan_: Plan, venue: str) -> list[pendulum.DateTime]:
    return [e.start for e in plan_.events if e.venue_id == venue]


# --- the model ------------------------------------------------------------------------


def test_closure_describes_itself_in_words() -> None:
    """Whole days as a date range; part of a day with its clock times."""
    week = closed("leeds", Date(2008, 9, 15), Date(2008, 9, 19), "refurbishment")
    assert week.describe("Leeds Town Hall", TZ) == (
        "Leeds Town Hall closed 15-19 Sep 2008: refurbishment"
    )
    across = closed("leeds", Date(2008, 9, 29), Date(2008, 10, 3))
    assert across.describe("Leeds", TZ) == "Leeds closed 29 Sep-3 Oct 2008"
    one = closed("leeds", Date(2008, 9, 15), Date(2008, 9, 15))
    assert one.describe("Leeds", TZ) == "Leeds closed Mon 15 Sep 2008"
    count = Closure(
        venue_id="leeds",
        start=pendulum.datetime(2008, 9, 15, 9, tz=TZ),
        end=pendulum.datetime(2008, 9, 15, 13, 30, tz=TZ),
        reason="election count",
    )
    assert count.describe("Leeds", TZ) == (
        "Leeds closed Mon 15 Sep 2008 09:00-13:30: election count"
    )


# --- the planner and the checker ------------------------------------------------------


def test_planner_never_uses_a_closed_venue() -> None:
    """Bristol closed the first week: its visit goes to the second week."""
    week = closed("bristol", Date(2008, 9, 8), Date(2008, 9, 12), "refurbishment")
    tour = scenario(
        [visit("v-bristol", "bristol"), visit("v-oxford", "oxford")],
    )
    tour = attrs.evolve(tour, closures=(week,))
    result = solve(tour)
    (start,) = at_venue(result.plan, "bristol")
    assert start.in_tz(TZ).date() >= Date(2008, 9, 15)
    assert not [v for v in check(tour, result.plan) if v.is_hard]


def test_part_day_closure_moves_the_event_out_of_those_hours() -> None:
    """A venue closed every morning: the visit is placed in an afternoon."""
    mornings = oxford_mornings_closed()
    tour = attrs.evolve(scenario([visit("v-oxford", "oxford")]), closures=mornings)
    result = solve(tour)
    (start,) = at_venue(result.plan, "oxford")
    assert start.in_tz(TZ).hour >= 13
    assert not [v for v in check(tour, result.plan) if v.is_hard]


def test_venue_closed_all_window_leaves_the_request_unplaced_naming_it() -> None:
    """No open day at its only venue: unplaced, and the reason names the closure."""
    shut = closed("york", Date(2008, 9, 8), Date(2008, 9, 19), "flooded")
    tour = attrs.evolve(scenario([visit("v-york", "york")]), closures=(shut,))
    result = solve(tour)
    assert result.plan.events == ()
    (unplaced,) = result.plan.unplaced
    assert "closure" in unplaced.rules
    assert "York closed 8-19 Sep 2008: flooded" in unplaced.reason


def test_checker_reports_an_event_at_a_closed_venue() -> None:
    """A plan made before the closure breaks it: rule 'closed', with the closure."""
    tour = scenario(
        [visit("v-leeds", "leeds", people=("bob",))],
        people=(person("bob", home="leeds"),),
    )
    planned = solve(tour).plan
    (event,) = planned.events
    day = event.start.in_tz(TZ).date()
    shut = attrs.evolve(tour, closures=(closed("leeds", day, day, "burst pipe"),))
    found = [v for v in check(shut, planned) if v.rule == "closed"]
    expected = (
        f"Visit v-leeds: at a closed venue: Leeds closed {day:%a} {day.day} "
        f"{day:%b %Y}: burst pipe"
    )
    assert [v.message for v in found] == [expected]
    assert found[0].is_hard
    assert found[0].request_id == "v-leeds"


# --- re-planning ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(nhs2008_scenario: Scenario) -> Result:
    return solve(nhs2008_scenario)


def test_replan_names_the_closure_and_moves_only_what_it_forces(
    nhs2008_scenario: Scenario, published: Result
) -> None:
    """A venue lost for a week: its events move, each with the closure as reason."""
    event = next(
        e for e in published.plan.events if e.request_id.startswith("consultation-")
    )
    day = event.start.in_tz(TZ).date()
    first = day.subtract(days=day.weekday())
    week = closed(event.venue_id, first, first.add(days=4), "refurbishment")
    changed = attrs.evolve(nhs2008_scenario, closures=(week,))
    result = solve(changed, baseline=published.plan)
    # The venue by name, with its town when it is still to be confirmed.
    venue = nhs2008_scenario.venue_by_id[event.venue_id]
    name = venue.label if venue.name == "Venue to be confirmed" else venue.name
    expected = f"{name} closed {week.describe(name, TZ).split(' closed ', 1)[1]}"
    by_id = {c.request_id: c for c in result.changes}
    assert by_id[event.request_id].cause == "closure"
    assert by_id[event.request_id].reason == expected
    lost = {
        e.request_id
        for e in published.plan.events
        if e.venue_id == event.venue_id and week.overlaps(e.start, e.end)
    }
    direct = {c.request_id for c in result.changes if c.cause == "closure"}
    assert direct == lost
    for change in result.changes:
        assert change.request_id in direct or change.made_room_for is not None
    assert not [
        v for v in check(changed, result.plan) if v.is_hard and v.rule != "unplaced"
    ]
    assert not at_venue_during(result.plan, week)


def at_venue_during(plan_: Plan, closure: Closure) -> list[str]:
    return [
        e.request_id
        for e in plan_.events
        if e.venue_id == closure.venue_id and closure.overlaps(e.start, e.end)
    ]


# --- the scenario file ----------------------------------------------------------------

HEAD = """\
id = "tiny"
start = 2008-09-08
end = 2008-09-19

[[venues]]
id = "office"
name = "Regional office"
lat = 54.9733
lon = -1.6140

[[people]]
id = "alice"
name = "Alice"
home = "office"
"""


def test_closures_in_toml() -> None:
    """[[closures]]: dates are whole days (inclusive); local times are exact."""
    text = (
        HEAD
        + """
[[closures]]
venue = "office"
start = 2008-09-15
end = 2008-09-19
reason = "refurbishment"

[[closures]]
venue = "office"
start = 2008-09-09T18:00:00
end = "2008-09-09T22:00"
"""
    )
    loaded = parse_scenario(text, source="tiny.toml")
    week, evening = loaded.closures
    assert week == closed(
        "office", Date(2008, 9, 15), Date(2008, 9, 19), "refurbishment"
    )
    assert evening.start == pendulum.datetime(2008, 9, 9, 18, tz=TZ)
    assert evening.end == pendulum.datetime(2008, 9, 9, 22, tz=TZ)
    assert evening.reason == ""


def test_closures_table(tmp_path: Path) -> None:
    """A closures table (venue,start,end,reason) beside the scenario."""
    toml = tmp_path / "scenario.toml"
    toml.write_text(HEAD + '\n[tables]\nclosures = "closures.csv"\n', "utf-8")
    (tmp_path / "closures.csv").write_text(
        "venue,start,end,reason\n"
        "office,2008-09-15,2008-09-19,refurbishment\n"
        "office,2008-09-09T18:00,2008-09-09T22:00,\n",
        "utf-8",
    )
    week, evening = load_scenario(toml).closures
    assert week.describe("Office", TZ) == "Office closed 15-19 Sep 2008: refurbishment"
    assert (evening.start.hour, evening.end.hour) == (18, 22)


def test_closure_outside_the_window_warns(tmp_path: Path) -> None:
    """A closure that misses the window changes nothing: most likely a slip in
    its dates, so loading says so (one line on stderr) and goes on; `show`
    counts the closures."""
    toml = tmp_path / "scenario.toml"
    toml.write_text(
        HEAD
        + """
[[closures]]
venue = "office"
start = 2009-09-15
end = 2009-09-19
reason = "refurbishment"

[[closures]]
venue = "office"
start = 2008-09-19
end = 2008-09-22
""",
        "utf-8",
    )
    with pytest.warns(RoadshowWarning) as caught:
        loaded = load_scenario(toml)
    assert len(loaded.closures) == 2
    message = (
        f"{toml}: Regional office closed 15-19 Sep 2009: refurbishment: outside"
        " the planning window (Mon 8 Sep 2008 to Fri 19 Sep 2008), so it changes"
        " nothing"
    )
    assert [str(w.message) for w in caught] == [message]
    shown = CliRunner().invoke(cli, ["show", str(toml)])
    assert shown.exit_code == 0, shown.output
    assert "outside the planning window" in shown.stderr
    assert shown.stderr.startswith("Warning: ")
    assert "0 blackouts, 2 venue closures; 1 venues" in shown.stdout


def test_a_closure_covers_the_arrival_ahead_of_the_event() -> None:
    """Oxford closed until 13:00 and Ann arrives 30 minutes ahead: a 13:00 start
    would have her at a closed venue, so the planner starts at 13:30 or later,
    and the checker reports a 13:00 start as 'closed'."""
    mornings = oxford_mornings_closed()
    early = (person("ann", arrive_before=pendulum.duration(minutes=30)),)
    tour = scenario([visit("v-oxford", "oxford")], people=early)
    tour = attrs.evolve(tour, closures=mornings)
    result = solve(tour)
    (event,) = result.plan.events
    local = event.start.in_tz(TZ)
    assert (local.hour, local.minute) >= (13, 30)
    assert not [v for v in check(tour, result.plan) if v.is_hard]

    at_one = attrs.evolve(event, start=local.replace(hour=13, minute=0))
    at_one = attrs.evolve(at_one, end=at_one.start.add(hours=2))
    moved = attrs.evolve(result.plan, events=(at_one,), legs=())
    assert "closed" in {v.rule for v in check(tour, moved)}
