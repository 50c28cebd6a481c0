"""Slack: a day planned with less than 30 minutes to spare is avoided (#13).

The issue's cramming case, made small: Ann's three two-hour meetings at her own
headquarters, any of Tuesday to Friday 09:00-15:30. Travel is nothing whichever
days they take, so before tight days were an objective term all three went on
one day back to back (no minute to spare) while the other days stayed empty.
"""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from roadshow.cli import cli
from safety_kit import EPOCH

ENV = {"SOURCE_DATE_EPOCH": EPOCH}
BST = dt.timezone(dt.timedelta(hours=1))
JSON = ("--format", "json")

SCENARIO = """\
id = "cram"
timezone = "Europe/London"
start = 2008-09-08
end = 2008-09-12

[[venues]]
id = "hq"
name = "Headquarters"
lat = 51.5025
lon = -0.1252

[[people]]
id = "ann"
name = "Ann"
home = "hq"
working_hours = "09:00-17:30"
"""

MEETING = """
[[requests]]
id = "m{i}"
title = "Meeting {i}"
attendees = ["ann"]
venue = "hq"
duration = "2h"
slots = ["{days} 09:00-15:30"]
"""


def _plan(tmp_path: Path, days: str) -> list[tuple[dt.datetime, dt.datetime]]:
    path = tmp_path / "cram.toml"
    text = SCENARIO + "".join(MEETING.format(i=i, days=days) for i in (1, 2, 3))
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = _run("plan", str(path), "--out", str(out))
    assert "Placed 3 of 3 events" in result.output
    data = json.loads((out / "latest" / "plan.json").read_text(encoding="utf-8"))
    return sorted(
        (dt.datetime.fromisoformat(e["start"]), dt.datetime.fromisoformat(e["end"]))
        for e in data["events"]
    )


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, [*args], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_meetings_are_spread_over_the_empty_days(tmp_path: Path) -> None:
    """Three days, one meeting each: no day with less than 30 minutes to spare."""
    events = _plan(tmp_path, "tue-fri")
    days = [start.date() for start, _ in events]
    assert len(set(days)) == 3
    for (_, end), (start, _) in pairwise(events):
        if start.date() == end.date():
            assert (start - end).total_seconds() >= 30 * 60


def test_one_allowed_day_still_takes_them_all(tmp_path: Path) -> None:
    """Only Tuesday allowed: slack gives way, all three are placed that day."""
    events = _plan(tmp_path, "tue")
    assert {start.date() for start, _ in events} == {dt.date(2008, 9, 9)}


def _cram(tmp_path: Path, days: str) -> Path:
    """Plan the three meetings, then move them all to Tuesday, 15 minutes apart."""
    _plan(tmp_path, days)
    path = tmp_path / "out" / "latest" / "plan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for i, event in enumerate(sorted(data["events"], key=lambda e: e["request"])):
        start = dt.datetime(2008, 9, 9, 9, 0, tzinfo=BST) + dt.timedelta(
            minutes=135 * i
        )
        event["start"] = start.isoformat()
        event["end"] = (start + dt.timedelta(hours=2)).isoformat()
    edited = tmp_path / "crammed.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    return edited


def _check(tmp_path: Path, plan: Path) -> Any:
    result = CliRunner().invoke(
        cli,
        ["check", str(plan), "--scenario", str(tmp_path / "cram.toml"), *JSON],
        env=ENV,
        catch_exceptions=False,
    )
    return json.loads(result.output)


def test_check_reports_a_tight_day_while_allowed_days_stay_empty(
    tmp_path: Path,
) -> None:
    """The crammed plan, given to `check`: one tight-day warning naming Ann's day."""
    report = _check(tmp_path, _cram(tmp_path, "tue-fri"))
    tight = [v for v in report["violations"] if v["rule"] == "tight-day"]
    assert len(tight) == 1, report
    assert tight[0]["person"] == "ann"
    assert tight[0]["when"].startswith("2008-09-09T11:15")
    assert tight[0]["message"] == (
        "Ann: only 15 minutes to spare on Tue 9 Sep 2008 between Meeting 1 and"
        " Meeting 2, while Wed 10 Sep 2008, allowed for Meeting 1, has nothing planned"
    )
    assert report["objective"]["tight_days"] == 1
    assert report["objective"]["idle_days"] == 0


def test_check_accepts_a_tight_day_when_no_other_day_is_allowed(
    tmp_path: Path,
) -> None:
    """Only Tuesday allowed: the same crammed day is counted but not a breach."""
    report = _check(tmp_path, _cram(tmp_path, "tue"))
    assert report["objective"]["tight_days"] == 1
    assert not [v for v in report["violations"] if v["rule"] == "tight-day"]
