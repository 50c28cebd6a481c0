"""``roadshow areas``: each area with its planned event, or why it has none."""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner
from pendulum import Date, Duration

from roadshow.cli import cli
from roadshow.exporters.plan_file import render_plan_file
from roadshow.exporters.summary import area_entries, render_areas
from roadshow.importers.plan_file import load_plan_file
from roadshow.model import (
    Area,
    EventRequest,
    Person,
    Plan,
    Region,
    Scenario,
    ScheduledEvent,
    Unplaced,
    Venue,
)
from roadshow.planner import plan as make_plan

# --- the renderer, on a hand-made programme either side of 26 Oct 2008 -------------


@pytest.fixture(scope="module")
def county() -> Scenario:
    """Two regions, four areas; three areas each ask for one evening meeting."""
    areas = [
        ("A1", "Ashford Area", "R1", 51.15, 0.87),
        ("A2", "Bexley Area", "R1", 51.44, 0.15),
        ("A3", "Crawley Area", "R1", 51.11, -0.19),
        ("B1", "Bristol Area", "R2", 51.45, -2.59),
    ]
    return Scenario(
        scenario_id="county",
        name="County meetings",
        start_on=Date(2008, 10, 20),
        end_on=Date(2008, 10, 31),
        people=[Person(person_id="cat", name="Cat Lee", home_venue_id="hq1")],
        venues=[
            Venue.at("hq1", "East office", 51.27, 0.52, region_id="R1"),
            Venue.at("hq2", "West office", 51.45, -2.58, region_id="R2"),
            *(
                Venue.at(f"{a}-hall", f"{name.split()[0]} Hall", lat, lon, area_id=a)
                for a, name, _, lat, lon in areas
            ),
        ],
        regions=[
            Region(region_id="R1", name="East Region", hq_venue_id="hq1"),
            Region(region_id="R2", name="West Region", hq_venue_id="hq2"),
        ],
        areas=[
            Area(area_id=a, name=name, region_id=r, venue_id=f"{a}-hall")
            for a, name, r, _, _ in areas
        ],
        requests=[
            EventRequest(
                request_id=f"meet-{a}",
                title=f"Meeting: {a}",
                duration=Duration(hours=2),
                attendees=("cat",),
                area_id=a,
            )
            for a in ("A1", "A2", "A3")
        ],
    )


@pytest.fixture(scope="module")
def county_plan(county: Scenario) -> Plan:
    """A1 before the clocks go back, A2 after; A3 could not be placed."""

    def meeting(area: str, day: int) -> ScheduledEvent:
        start = pendulum.datetime(2008, 10, day, 18, 30, tz="Europe/London")
        return ScheduledEvent(
            request_id=f"meet-{area}",
            title=f"Meeting: {area}",
            kind="event",
            venue_id=f"{area}-hall",
            start=start,
            end=start.add(hours=2),
            attendees=("cat",),
            area_id=area,
        )

    return Plan(
        scenario_id="county",
        events=[meeting("A1", 24), meeting("A2", 27)],
        unplaced=[Unplaced(request_id="meet-A3", reason="Meeting: A3: no day left")],
    )


def test_render_areas_rows(county: Scenario, county_plan: Plan) -> None:
    """One row per area: local times in BST before 26 Oct and GMT after it."""
    text = render_areas(county, area_entries(county, county_plan))
    assert text == (
        "area  name          region       date             time"
        "             venue\n"
        "----  ------------  -----------  ---------------  ---------------"
        "  ------------------------\n"
        "A1    Ashford Area  East Region  Fri 24 Oct 2008  18:30-20:30 BST"
        "  Ashford Hall\n"
        "A2    Bexley Area   East Region  Mon 27 Oct 2008  18:30-20:30 GMT"
        "  Bexley Hall\n"
        "A3    Crawley Area  East Region  not planned"
        "                       Meeting: A3: no day left\n"
        "B1    Bristol Area  West Region  not planned"
        "                       nothing requested\n"
        "4 areas: 2 events planned, 1 not planned.\n"
    )


def test_area_entries_by_region(county: Scenario, county_plan: Plan) -> None:
    """A region filter keeps only that region's areas; nothing asked is not missing."""
    (west,) = area_entries(county, county_plan, "R2")
    assert (west.area.area_id, west.request_id, west.is_missing) == ("B1", None, False)
    east = area_entries(county, county_plan, "R1")
    assert [(e.area.area_id, e.is_missing) for e in east] == [
        ("A1", False),
        ("A2", False),
        ("A3", True),
    ]


def test_request_missing_from_the_plan(county: Scenario, county_plan: Plan) -> None:
    """A request neither placed nor listed as unplaced shows as not in the plan."""
    bare = attrs.evolve(county_plan, unplaced=())
    a3 = area_entries(county, bare, "R1")[2]
    assert (a3.is_missing, a3.reason) == (True, "not in the plan")


def test_render_no_areas(county: Scenario, county_plan: Plan) -> None:
    """A scenario without areas says so."""
    assert render_areas(county, ()) == "No areas.\n"


# --- the command ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_file(
    tmp_path_factory: pytest.TempPathFactory, nhs2008_scenario: Scenario
) -> Path:
    """The planner's plan of the bundled programme, written as plan.json."""
    path = tmp_path_factory.mktemp("areas") / "plan.json"
    path.write_text(render_plan_file(make_plan(nhs2008_scenario)), encoding="utf-8")
    return path


def test_areas_plans_the_scenario(runner: CliRunner, plan_file: Path) -> None:
    """Without --plan the scenario is planned; the rows match the plan file's."""
    result = runner.invoke(cli, ["areas", "--region", "Q37"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Planning nhs-2008 (give --plan to reuse a plan)\n")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["area", "name", "region", "date", "time", "venue"]
    rows = lines[2:-1]
    assert len(rows) == 8
    assert all("  NHS South East Coast  " in row for row in rows)
    assert all(" BST  " in row for row in rows)
    assert lines[-1] == "8 areas: 8 events planned, 0 not planned."
    from_file = runner.invoke(
        cli, ["areas", "--region", "Q37", "--plan", str(plan_file)]
    )
    assert from_file.stdout == result.stdout


def test_areas_from_a_plan_file(runner: CliRunner, plan_file: Path) -> None:
    """--plan lists all 152 areas of the plan's own scenario, without planning."""
    result = runner.invoke(cli, ["areas", "--plan", str(plan_file.parent)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.endswith("152 areas: 152 events planned, 0 not planned.\n")
    durham = next(
        line for line in result.stdout.splitlines() if line.startswith("5ND ")
    )
    assert "County Durham PCT" in durham
    assert "NHS North East" in durham
    assert durham.endswith("  Durham (to be confirmed)")


def test_areas_unplaced_event_shows_the_reason(
    runner: CliRunner, plan_file: Path, nhs2008_scenario: Scenario, tmp_path: Path
) -> None:
    """An area whose event is listed as unplaced says why; the command exits 1."""
    plan = _without(plan_file, "consultation-5ND", "no evening left (test)")
    edited = tmp_path / "edited.json"
    edited.write_text(render_plan_file(plan), encoding="utf-8")
    result = runner.invoke(cli, ["areas", "--plan", str(edited), "--region", "Q30"])
    assert result.exit_code == 1, result.output
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("5ND ")]
    assert row.split("  NHS North East  ")[1].split() == [
        "not",
        "planned",
        "no",
        "evening",
        "left",
        "(test)",
    ]
    assert result.stdout.endswith("12 areas: 11 events planned, 1 not planned.\n")


def _without(plan_file: Path, request_id: str, reason: str) -> Plan:
    """The plan in *plan_file* with one request moved to the unplaced list."""
    plan = load_plan_file(plan_file)
    return attrs.evolve(
        plan,
        events=[e for e in plan.events if e.request_id != request_id],
        unplaced=[Unplaced(request_id=request_id, reason=reason)],
    )


@pytest.mark.parametrize(
    ("code", "hint"),
    [("q30", ' Did you mean "Q30"?'), ("Z99", "")],
    ids=["wrong-case", "unknown"],
)
def test_areas_unknown_region_exits_2(runner: CliRunner, code: str, hint: str) -> None:
    """An unknown region code is bad input, reported before any planning."""
    result = runner.invoke(cli, ["areas", "--region", code])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f'Error: --region: unknown region "{code}"; expected one of Q30, Q31, Q32,'
        f" Q33, Q34, Q35, Q36, Q37, Q38, Q39.{hint}\n"
    )
