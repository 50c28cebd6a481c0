"""`roadshow check` reads roadshow's own `ics --plan` export back as planned (#16).

A walk of no time (to a room beside headquarters) is a zero-length leg in the
plan and no entry in the calendar; `check` once saw the chair never leave
headquarters and reported continuity errors on an unedited export.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from roadshow.checks import check
from roadshow.exporters.ics import PlanVersion, render_ics
from roadshow.importers.plan_ics import parse_plan_ics
from roadshow.importers.scenario import load_scenario
from roadshow.planner import solve
from safety_kit import run_roadshow

SCENARIO = """\
id = "beside-hq"
name = "A tour with a room beside headquarters, November 2008"
start = 2008-11-03
end = 2008-11-07
timezone = "Europe/London"

[[venues]]
id = "whitehall"
name = "Richmond House"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "whitehall-room"
name = "Richmond House, committee room"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "leeds"
name = "Leeds Civic Hall"
lat = 53.8018
lon = -1.5486

[[people]]
id = "ann"
name = "Ann Patel"
role = "principal"
home = "whitehall"

[[requests]]
id = "briefing"
title = "Briefing, committee room"
attendees = ["ann"]
venue = "whitehall-room"
duration = "2h"
slots = ["mon-fri 10:00-16:30"]

[[requests]]
id = "leeds"
title = "Listening event, Leeds"
attendees = ["ann"]
venue = "leeds"
duration = "2h"
slots = ["mon-fri 10:00-16:30"]
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("beside-hq") / "scenario.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_plan_has_a_zero_length_leg(scenario_file: Path) -> None:
    """The case is real: the planner walks to the room in no time."""
    plan = solve(load_scenario(scenario_file)).plan
    assert any(leg.depart == leg.arrive for leg in plan.legs)


def test_export_reads_back_as_the_plan(scenario_file: Path) -> None:
    """parse(render(plan)) is the plan, zero-length legs included, and checks clean."""
    scenario = load_scenario(scenario_file)
    plan = solve(scenario).plan
    stamp = PlanVersion.unrecorded(pendulum.datetime(2008, 9, 1, tz="UTC"))
    text = render_ics(scenario, plan, stamp).decode()
    found = parse_plan_ics(text, source="plan.ics", scenario=scenario)
    assert found == plan
    assert [v.message for v in check(scenario, found) if v.is_hard] == []


def test_cli_round_trip_plan_ics_check(scenario_file: Path) -> None:
    """plan --out, ics --plan, check FILE.ics: no errors, exit 0 (real processes)."""
    folder = scenario_file.parent
    done = run_roadshow("-q", "plan", str(scenario_file), "--out", str(folder / "out"))
    assert done.returncode == 0, done.stderr
    calendar = folder / "plan.ics"
    done = run_roadshow(
        "ics", str(scenario_file), "--plan", str(folder / "out"), "-o", str(calendar)
    )
    assert done.returncode == 0, done.stderr
    done = run_roadshow("check", str(calendar), "--scenario", str(scenario_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found." in done.stdout
    assert "ERROR" not in done.stdout
