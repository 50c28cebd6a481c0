"""No day away from home without an event, unless unavoidable (#13).

Ann (London) has a Newcastle event on Monday evening, too late to get home
by rail, and a Leeds event on Wednesday morning. At 10:30 she can leave home
at 07:39 (early, but inside travel hours): she goes home on Tuesday rather
than spend it away with nothing to do, though that costs nearly five hours of
travel more. At 09:30 Leeds cannot be reached from home inside travel hours:
the idle Tuesday is unavoidable, and the checker warns of it.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from roadshow.cli import cli
from safety_kit import EPOCH, run_roadshow

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

SCENARIO = """\
id = "idle"
timezone = "Europe/London"
start = 2008-09-08
end = 2008-09-12

[travel]
mode = "rail"

[[venues]]
id = "home"
name = "Home office"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "newcastle"
name = "Newcastle"
lat = 54.9733
lon = -1.6140

[[venues]]
id = "leeds"
name = "Leeds"
lat = 53.7965
lon = -1.5478

[[people]]
id = "ann"
name = "Ann"
home = "home"
working_hours = "09:00-21:00"
travel_hours = "07:00-22:00"
late_after = "21:00"

[[requests]]
id = "newcastle"
title = "Newcastle evening"
attendees = ["ann"]
venue = "newcastle"
duration = "2h"
pinned = 2008-09-08T18:00:00

[[requests]]
id = "leeds"
title = "Leeds morning"
attendees = ["ann"]
venue = "leeds"
duration = "2h"
pinned = 2008-09-10T{leeds}:00
"""

TUESDAY = "Tue 9 Sep 2008"


def _write(folder: Path, leeds: str, rules: str = "") -> Path:
    path = folder / "idle.toml"
    path.write_text(SCENARIO.format(leeds=leeds) + rules, encoding="utf-8")
    return path


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["-q", *args], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _plan(
    tmp_path: Path, leeds: str, rules: str = ""
) -> tuple[Path, Path, dict[str, list[dict[str, str]]]]:
    scenario, out = _write(tmp_path, leeds, rules), tmp_path / "out"
    _run("plan", str(scenario), "--out", str(out))
    data = json.loads((out / "latest" / "plan.json").read_text(encoding="utf-8"))
    return scenario, out, data


def test_planner_goes_home_rather_than_idle(tmp_path: Path) -> None:
    """Leeds at 10:30: home on Tuesday, back early on Wednesday; no warning."""
    scenario, out, data = _plan(tmp_path, "10:30")
    assert [s["night_of"] for s in data["stays"]] == ["2008-09-08"]
    assert [(leg["from"], leg["to"]) for leg in data["legs"]] == [
        ("home", "newcastle"),
        ("newcastle", "home"),
        ("home", "leeds"),
        ("leeds", "home"),
    ]
    checked = _run(
        "check", str(out / "latest" / "plan.json"), "--scenario", str(scenario)
    )
    assert "No problems found." in checked.output


def test_unavoidable_idle_day_is_a_warning(tmp_path: Path) -> None:
    """Leeds at 09:30: Tuesday away is the only way; check names Ann and the day."""
    scenario, out, data = _plan(tmp_path, "09:30")
    assert [(s["night_of"], s["venue"]) for s in data["stays"]] == [
        ("2008-09-08", "newcastle"),
        ("2008-09-09", "leeds"),
    ]
    done = run_roadshow(
        "check",
        str(out / "latest" / "plan.json"),
        "--scenario",
        str(scenario),
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["violations"]
    assert [(v["rule"], v["severity"], v["person"]) for v in found] == [
        ("idle-day", "warning", "ann")
    ]
    assert found[0]["message"] == (
        f"Ann: away from home all of {TUESDAY} with no event (the nights before"
        " and after near Newcastle and Leeds)"
    )


def test_checker_reads_the_idle_day_from_a_calendar(tmp_path: Path) -> None:
    """The same plan read back from Ann's published .ics: the same warning."""
    scenario, out, _ = _plan(tmp_path, "09:30")
    calendar = out / "latest" / "calendars" / "internal" / "people" / "ann.ics"
    text = _run("check", str(calendar), "--scenario", str(scenario)).output
    assert f"[idle-day] Ann: away from home all of {TUESDAY} with no event" in text
    assert "0 errors, 1 warning" in text


def test_idle_days_allowed_when_the_scenario_says_so(tmp_path: Path) -> None:
    """avoid_idle_days = false: travel first again, Tuesday away, no warning."""
    rules = "\n[rules]\navoid_idle_days = false\n"
    scenario, out, data = _plan(tmp_path, "10:30", rules)
    assert [(s["night_of"], s["venue"]) for s in data["stays"]] == [
        ("2008-09-08", "newcastle"),
        ("2008-09-09", "leeds"),
    ]
    checked = _run(
        "check", str(out / "latest" / "plan.json"), "--scenario", str(scenario)
    )
    assert "No problems found." in checked.output
