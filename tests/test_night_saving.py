"""Nights away only when they are worth it: ``min_night_saving`` (#13).

Ann lives in London; a meeting in Reading on Monday afternoon and one in
Chelmsford on Tuesday afternoon. By car, staying near Chelmsford on Monday night
saves 15 minutes over going home and back, and neither meeting makes a late
finish or an early start: with the default 90 minutes she sleeps at home.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from roadshow.cli import cli
from safety_kit import EPOCH, run_roadshow

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

SCENARIO = """\
id = "nights"
timezone = "Europe/London"
start = 2008-09-08
end = 2008-09-12

[rules]
{rules}

[travel]
mode = "car"

[[venues]]
id = "home"
name = "Home office"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "reading"
name = "Reading"
lat = 51.4543
lon = -0.9781

[[venues]]
id = "chelmsford"
name = "Chelmsford"
lat = 51.7356
lon = 0.4685

[[people]]
id = "ann"
name = "Ann"
home = "home"
working_hours = "09:00-18:00"
travel_hours = "07:00-22:00"
late_after = "19:00"

[[requests]]
id = "reading"
title = "Reading meeting"
attendees = ["ann"]
venue = "reading"
duration = "2h"
pinned = 2008-09-08T{first}:00

[[requests]]
id = "chelmsford"
title = "Chelmsford meeting"
attendees = ["ann"]
venue = "chelmsford"
duration = "2h"
pinned = 2008-09-09T{second}:00
"""


def _write(
    folder: Path,
    name: str,
    rules: str = "",
    first: str = "14:00",
    second: str = "14:00",
) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        SCENARIO.format(rules=rules, first=first, second=second), encoding="utf-8"
    )
    return path


def _run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, ["-q", *args], env=ENV, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _stays(out: Path) -> list[dict[str, str]]:
    data = json.loads((out / "latest" / "plan.json").read_text(encoding="utf-8"))
    return data["stays"]


def test_default_saving_sends_her_home(tmp_path: Path) -> None:
    """90 minutes by default: no night away, and the checker is content."""
    scenario = _write(tmp_path, "default")
    out = tmp_path / "out"
    _run("plan", str(scenario), "--out", str(out))
    assert _stays(out) == []
    checked = _run(
        "check", str(out / "latest" / "plan.json"), "--scenario", str(scenario)
    )
    assert "No problems found." in checked.output


def test_a_lower_saving_lets_her_stay(tmp_path: Path) -> None:
    """min_night_saving = "15m": the 15 minutes are enough, she stays in Chelmsford."""
    scenario = _write(tmp_path, "low", 'min_night_saving = "15m"')
    out = tmp_path / "out"
    _run("plan", str(scenario), "--out", str(out))
    assert [(s["person"], s["night_of"], s["venue"]) for s in _stays(out)] == [
        ("ann", "2008-09-08", "chelmsford")
    ]


def test_checker_reports_the_night_with_person_and_day(tmp_path: Path) -> None:
    """A plan with that night, checked under the default rule: one warning."""
    low, default = (
        _write(tmp_path, "low", 'min_night_saving = "15m"'),
        _write(tmp_path, "default"),
    )
    out = tmp_path / "out"
    _run("plan", str(low), "--out", str(out))
    plan_file = str(out / "latest" / "plan.json")
    done = run_roadshow(
        "check", plan_file, "--scenario", str(default), "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["violations"]
    assert [(v["rule"], v["severity"], v["person"]) for v in found] == [
        ("night-saving", "warning", "ann")
    ]
    assert found[0]["message"] == (
        "Ann: a night near Chelmsford on Mon 8 Sep 2008 saves 15 minutes of travel"
        " over going home and back (at least 90 wanted) and no late finish or early"
        " start needs it"
    )
    text = _run("check", plan_file, "--scenario", str(default)).output
    assert "[night-saving] Ann: a night near Chelmsford on Mon 8 Sep 2008" in text


def test_a_late_finish_needs_the_night(tmp_path: Path) -> None:
    """Reading until 20:00, home after 19:00: the night is allowed, and taken there."""
    scenario = _write(tmp_path, "late", first="18:00")
    out = tmp_path / "out"
    _run("plan", str(scenario), "--out", str(out))
    assert [s["venue"] for s in _stays(out)] == ["reading"]
    checked = _run(
        "check", str(out / "latest" / "plan.json"), "--scenario", str(scenario)
    )
    assert "No problems found." in checked.output


def test_an_early_start_needs_the_night(tmp_path: Path) -> None:
    """Chelmsford at 09:30 means leaving home before 09:00: the night is allowed."""
    scenario = _write(tmp_path, "early", second="09:30")
    out = tmp_path / "out"
    _run("plan", str(scenario), "--out", str(out))
    assert [s["venue"] for s in _stays(out)] == ["chelmsford"]
    checked = _run(
        "check", str(out / "latest" / "plan.json"), "--scenario", str(scenario)
    )
    assert "No problems found." in checked.output


def test_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    """A saving that is not a duration: exit 2 naming the file and the field."""
    scenario = _write(tmp_path, "bad", "min_night_saving = 90")
    result = CliRunner().invoke(cli, ["-q", "plan", str(scenario), "--no-out"], env=ENV)
    assert result.exit_code == 2, result.output
    assert "bad.toml" in result.output
    assert "min_night_saving" in result.output


def test_checker_reads_the_night_from_a_calendar(tmp_path: Path) -> None:
    """Ann's published .ics with that night, checked under the default: reported."""
    low, default = (
        _write(tmp_path, "low", 'min_night_saving = "15m"'),
        _write(tmp_path, "default"),
    )
    out = tmp_path / "out"
    _run("plan", str(low), "--out", str(out))
    calendar = out / "latest" / "calendars" / "internal" / "people" / "ann.ics"
    text = _run("check", str(calendar), "--scenario", str(default)).output
    assert "[night-saving] Ann: a night near Chelmsford on Mon 8 Sep 2008" in text
    assert "0 errors, 1 warning" in text
