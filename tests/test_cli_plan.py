"""``roadshow plan`` and ``roadshow check`` through CliRunner and as a process.

The bundled programme is planned through the CLI once per module (into a --out
folder the check tests then read); a copy of it edited so that one region's
visit can only fall inside Lord Darzi's blackout shows the exit 1 paths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from roadshow.checks import check
from roadshow.cli import cli
from roadshow.importers.plan_file import load_plan_file
from roadshow.model import Scenario

EPOCH = "1220832000"  # 2008-09-08T00:00:00Z
STAMP = "DTSTAMP:20080908T000000Z"
ENV = {"SOURCE_DATE_EPOCH": EPOCH}


@attrs.frozen
class Planned:
    """One run of ``roadshow plan --out`` and the folder it wrote."""

    result: Result
    out: Path


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Planned:
    """``roadshow plan --out OUT`` on the bundled scenario, clock pinned."""
    out = tmp_path_factory.mktemp("plan") / "out"
    result = CliRunner().invoke(cli, ["plan", "--out", str(out)], env=ENV)
    return Planned(result=result, out=out)


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the scenario whose North East visit may only be on 22-24 Sep.

    Lord Darzi is at the party conference (a blackout) from 20 to 24 Sep, so
    the visit cannot be placed.
    """
    folder = tmp_path_factory.mktemp("blocked") / "scenario"
    done = CliRunner().invoke(cli, ["init", str(folder)])
    assert done.exit_code == 0, done.output
    toml = folder / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    series = 'id = "listening"\n'
    assert text.count(series) == 1
    others = ", ".join(f'"Q3{n}"' for n in range(1, 10))
    text = text.replace(series, f"{series}regions = [{others}]\n")
    text += """
[[requests]]
id = "listening-Q30"
kind = "tour"
title = "Listening event: NHS North East"
attendees = ["darzi", "nicholson"]
region = "Q30"
duration = "2h30m"
slots = ["mon-fri 09:30-17:00"]
earliest = 2008-09-22
latest = 2008-09-24
"""
    toml.write_text(text, encoding="utf-8")
    return folder


def _roadshow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roadshow", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, **ENV},
    )


# --- roadshow plan -------------------------------------------------------------------


def test_plan_prints_the_summary(planned: Planned) -> None:
    """The summary has the principals, the chairs, the regions and the proof note."""
    result = planned.result
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "NHS Next Stage Review listening tour and NHS Constitution consultation,"
        " 2008 (nhs-2008)\nPlaced 174 of 174 events (152/152 consultation,"
        " 2/2 national, 20/20 tour); 0 unplaced.\n"
    )
    for heading in ("Principals", "Chairs", "Events by region"):
        assert f"\n{heading}\n" in out
    for name in ("Lord Darzi", "David Nicholson", "Chair, NHS North East"):
        assert f"\n  {name} " in out
    assert "\n  NHS South West " in out
    assert "travel of 10 visits proven optimal by exact search" in out
    assert "Checker    0 errors, 0 warnings\n" in out


def test_plan_progress_goes_to_stderr_only(planned: Planned) -> None:
    """Progress messages are on stderr; stdout holds only the summary."""
    result = planned.result
    assert result.stderr.startswith("Planning 174 requests for 12 people\n")
    assert "Searching 1 tour(s) of 10 visits exactly" in result.stderr
    assert f"files in {planned.out / 'latest'} (plan version 1)" in result.stderr
    assert "Planning" not in result.stdout
    assert "Wrote" not in result.stdout


def test_plan_writes_the_outputs(planned: Planned, nhs2008_scenario: Scenario) -> None:
    """--out holds the plan file, the history and the calendars, stamped as pinned."""
    assert (planned.out / "history.sqlite").is_file()
    out = planned.out / "latest"  # the version just written
    plan = load_plan_file(out / "plan.json")
    assert len(plan.events) == 174
    assert check(nhs2008_scenario, plan) == ()
    programme = (out / "calendars/internal/programme.ics").read_text(encoding="utf-8")
    assert STAMP in programme
    assert (out / "calendars/public/programme.ics").is_file()
    assert (out / "calendars/internal/people/darzi.ics").is_file()
    assert len(list((out / "calendars/public/areas").glob("*.ics"))) == 152


def test_plan_no_out_writes_nothing(planned: Planned, tmp_path: Path) -> None:
    """As a process, --no-out writes no file and prints the same summary."""
    done = _roadshow("plan", "--no-out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []
    assert done.stdout == planned.result.stdout
    assert done.stderr.startswith("Planning 174 requests")


def test_plan_only_tour(runner: CliRunner) -> None:
    """--only tour plans the twenty tour events and nothing else; -q silences stderr."""
    result = runner.invoke(cli, ["-q", "plan", "--only", "tour", "--no-out"])
    assert result.exit_code == 0, result.output
    assert "Placed 20 of 20 events (20/20 tour); 0 unplaced." in result.stdout
    by_region = result.stdout.split("Events by region\n")[1]
    assert by_region.splitlines()[0].split() == ["region", "tour"]
    assert result.stderr == ""


def test_plan_only_consultation(runner: CliRunner) -> None:
    """--only consultation plans the 152 consultation events, no tour."""
    result = runner.invoke(cli, ["plan", "--only", "consultation", "--no-out"])
    assert result.exit_code == 0, result.output
    assert (
        "Placed 152 of 152 events (152/152 consultation); 0 unplaced." in result.stdout
    )
    assert "Tour " not in result.stdout
    assert result.stderr.startswith("Planning 152 requests")


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("tours", ' Did you mean "tour"?'),
        ("bogus", ""),
    ],
    ids=["misspelt", "unknown"],
)
def test_plan_only_unknown_kind(runner: CliRunner, kind: str, hint: str) -> None:
    """An unknown --only kind is bad input: exit 2, the known kinds, a suggestion."""
    result = runner.invoke(cli, ["plan", "--only", kind, "--no-out"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: --only: no requests of kind {kind!r}; expected one of consultation,"
        f" national, tour.{hint}\n"
    )


def test_plan_with_an_unplaceable_visit_exits_1(
    runner: CliRunner, blocked: Path
) -> None:
    """A visit that can only fall in a blackout is unplaced: exit 1 and the reason."""
    result = runner.invoke(cli, ["plan", str(blocked), "--no-out"])
    assert result.exit_code == 1, result.output
    assert "Placed 172 of 174 events" in result.stdout
    assert "\nUnplaced\n" in result.stdout
    assert "\n  - Listening event: NHS North East: no day left" in result.stdout
    assert (
        "\n  - Clinical leaders session: NHS North East: follows Listening event:"
        " NHS North East, which could not be placed" in result.stdout
    )
    assert "Lord Darzi unavailable (Labour Party conference" in result.stdout


@pytest.fixture(scope="module")
def blocked_check(blocked: Path) -> Result:
    """``roadshow check`` on the blocked scenario (planned, then checked)."""
    return CliRunner().invoke(cli, ["check", str(blocked)])


def test_follow_on_of_unplaced_visit_is_listed_unplaced(blocked_check: Result) -> None:
    """The unplaceable visit and the session that follows it are both unplaced."""
    assert "[missing]" not in blocked_check.stdout
    assert "  ERROR [unplaced] Clinical leaders session: NHS North East" in (
        blocked_check.stdout
    )


# --- roadshow check ------------------------------------------------------------------


def test_check_plan_file(runner: CliRunner, planned: Planned) -> None:
    """Checking the written plan.json finds no problems and prints the figures."""
    result = runner.invoke(cli, ["check", str(planned.out / "latest/plan.json")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No problems found.\nObjective: travel ")
    assert "0 unplaced\n" in result.stdout


def test_check_out_folder(runner: CliRunner, planned: Planned) -> None:
    """Checking the --out folder reads its plan.json: the same report."""
    by_folder = runner.invoke(cli, ["check", str(planned.out)])
    by_file = runner.invoke(cli, ["check", str(planned.out / "latest/plan.json")])
    assert by_folder.exit_code == 0, by_folder.output
    assert by_folder.stdout == by_file.stdout


def test_check_scenario_plans_then_checks(blocked_check: Result) -> None:
    """Checking a scenario plans it first; its unplaced visit is a hard error."""
    assert blocked_check.exit_code == 1, blocked_check.output
    first, second = blocked_check.stderr.splitlines()[:2]
    assert first.startswith("Planning ")  # as every command that plans says
    assert second.startswith("Searching 1 tour(s) of 9 visits exactly")
    assert (
        "  ERROR [unplaced] Listening event: NHS North East: no day left"
        in blocked_check.stdout
    )


def test_check_hand_broken_plan_file(
    runner: CliRunner, planned: Planned, tmp_path: Path
) -> None:
    """A plan.json edited by hand: problems grouped by person and day, exit 1."""
    data = json.loads((planned.out / "latest/plan.json").read_text(encoding="utf-8"))
    (hsj,) = [e for e in data["events"] if e["request"] == "hsj-change-management"]
    assert hsj["start"] == "2008-10-22T10:00:00+01:00"
    hsj["start"], hsj["end"] = (
        "2008-10-23T10:00:00+01:00",
        "2008-10-23T11:30:00+01:00",
    )
    broken = tmp_path / "edited.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(broken)])
    assert result.exit_code == 1, result.output
    report, _, figures = result.stdout.rpartition("Objective: ")
    assert report == (
        "Programme, Thu 23 Oct 2008\n"
        "  ERROR [pinned] HSJ NHS Change Management conference: on Thu 23 Oct 2008,"
        " pinned to Wed 22 Oct 2008\n"
        "David Nicholson, Thu 23 Oct 2008\n"
        "  ERROR [continuity] David Nicholson: at Richmond House (Department of"
        " Health) but HSJ NHS Change Management conference is at HSJ NHS Change"
        " Management conference\n"
        "  ERROR [continuity] David Nicholson: ends Thu 23 Oct 2008 at HSJ NHS"
        " Change Management conference, not home, with no overnight stay\n"
        "3 errors, 0 warnings\n"
    )
    assert figures.startswith("travel ")
    assert result.stderr == ""


def test_check_bad_plan_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A plan file that is not JSON is bad input: exit 2, the file named."""
    bad = tmp_path / "plan.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(bad)])
    assert result.exit_code == 2, result.output
    assert str(bad) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [["areas", "--region", "Q30"], ["itinerary", "--person", "darzi"], ["export"]],
    ids=["areas", "itinerary", "export"],
)
def test_plan_out_folder_feeds_other_commands(
    runner: CliRunner, planned: Planned, command: list[str]
) -> None:
    """--plan takes a plan --out folder (its latest version) as well as a plan file."""
    by_folder = runner.invoke(cli, ["-q", *command, "--plan", str(planned.out)])
    plan_json = planned.out / "latest" / "plan.json"
    by_file = runner.invoke(cli, ["-q", *command, "--plan", str(plan_json)])
    assert by_folder.exit_code == 0, by_folder.output
    assert by_folder.stdout
    if command[0] == "itinerary":  # a folder's plan is a published version
        assert "Plan version 1, issued" in by_folder.stdout
        assert "Draft: not a published plan version" in by_file.stdout
        return
    assert by_folder.stdout == by_file.stdout


def test_itineraries_into_a_folder(
    runner: CliRunner, planned: Planned, tmp_path: Path
) -> None:
    """--out-dir writes one file per person, the same pages plan --out published."""
    sheets = tmp_path / "sheets"
    args = ["itinerary", "--plan", str(planned.out), "--format", "md"]
    done = runner.invoke(cli, [*args, "--out-dir", str(sheets)])
    assert done.exit_code == 0, done.output
    published = planned.out / "latest" / "itineraries"
    written = sorted(path.name for path in sheets.iterdir())
    assert written == sorted(path.name for path in published.glob("*.md"))
    assert "darzi.md" in written
    for name in written:
        assert (sheets / name).read_bytes() == (published / name).read_bytes()
    both = runner.invoke(cli, [*args, "--out-dir", str(sheets), "-o", "x.md"])
    assert both.exit_code == 2
    assert "one of the two" in both.stderr
