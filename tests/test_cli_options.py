"""One way to name a plan, a version and an output across commands.

`resolve_plan` answers "which scenario, which plan" for every command; these
tests run the real CLI on a small scenario planned twice into a `plan --out`
folder: `--plan-version` (and `ics --version`, its deprecated old name), `-o
FILE|-` and `--out-dir DIR`, and the JSON reports of `check` and `areas`, parsed
back and compared with the text reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result

from roadshow.cli import cli
from safety_kit import EPOCH, SMALL_SCENARIO

ENV = {"SOURCE_DATE_EPOCH": EPOCH}
AREA = """
[[regions]]
id = "R1"
name = "North"
hq = "leeds"

[[areas]]
id = "A1"
name = "Leeds PCT"
region = "R1"
venue = "leeds"

[[areas]]
id = "A2"
name = "Bradford PCT"
region = "R1"
venue = "york"

[[people]]"""


def run(*args: str, code: int = 0) -> Result:
    """Run roadshow quietly with a pinned clock; check the exit code."""
    result = CliRunner().invoke(cli, ["-q", *args], env=ENV, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """small.toml (one region, two areas) planned twice: the briefing 11:00, 14:00."""
    path = tmp_path_factory.mktemp("options")
    for hour in (11, 14):
        text = SMALL_SCENARIO.format(hour=hour).replace("[[people]]", AREA, 1)
        text = text.replace('venue = "leeds"\nduration', 'area = "A1"\nduration', 1)
        (path / "small.toml").write_text(text, encoding="utf-8")
        run("plan", str(path / "small.toml"), "--out", str(path / "out"))
    return path


def briefing_start(calendar: str | bytes) -> str:
    """The DTSTART of the press briefing in an .ics text."""
    raw = calendar.encode() if isinstance(calendar, str) else calendar
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    (event,) = [e for e in events if str(e["SUMMARY"]) == "Press briefing"]
    return event["DTSTART"].dt.strftime("%H:%M")


def test_plan_version_picks_a_recorded_version(folder: Path) -> None:
    """--plan-version N reads version N from the history; default the latest."""
    out = str(folder / "out")
    scenario = str(folder / "small.toml")
    assert briefing_start(run("ics", scenario, "--plan", out).stdout) == "14:00"
    first = run("ics", scenario, "--plan", out, "--plan-version", "1").stdout
    assert briefing_start(first) == "11:00"
    programme = run(
        "export", scenario, "--plan", out, "--plan-version", "1", "--format", "json"
    ).stdout
    items = json.loads(programme)["items"]
    assert any(
        i["title"] == "Press briefing" and "T11:00" in i["start_local"] for i in items
    )


def test_ics_version_is_a_deprecated_alias(folder: Path) -> None:
    """`ics --version N` still works, with a warning naming --plan-version."""
    out = str(folder / "out")
    result = run("ics", str(folder / "small.toml"), "--plan", out, "--version", "1")
    assert briefing_start(result.stdout) == "11:00"
    assert result.stderr == (
        "Warning: ics --version N is deprecated; use --plan-version N.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ics", "{s}", "--plan-version", "1"],
            "--plan-version: --plan-version needs --plan with a plan --out folder.",
        ),
        (
            ["ics", "{s}", "--plan", "{out}", "--plan-version", str(10**20)],
            (
                "{out}/history.sqlite: no such plan version; expected a version from 1"
                " to 2, got 100000000000000000000."
            ),
        ),
        (
            ["itinerary", "--plan", "{out}"],
            (
                "{out}, scenario: the plan's scenario is not a bundled one; expected"
                ' its scenario file or folder given as SCENARIO, got "small-tour".'
            ),
        ),
        (
            ["areas", "nhs-2008", "--plan", "{out}"],
            (
                "{out}, scenario: the plan belongs to another scenario; expected a plan"
                ' of scenario "nhs-2008", got "small-tour".'
            ),
        ),
        (
            ["ics", "{s}", "--plan", "{out}", "-o", "x.ics", "--out-dir", "x"],
            (
                "--out: -o is one calendar file and --out-dir a folder of them;"
                " expected one of the two."
            ),
        ),
    ],
    ids=[
        "version-needs-folder",
        "version-huge",
        "not-bundled",
        "other-scenario",
        "both",
    ],
)
def test_one_line_errors(folder: Path, args: list[str], message: str) -> None:
    """Every command names the plan and its scenario the same way, or says why not."""
    out, scenario = str(folder / "out"), str(folder / "small.toml")
    filled = [a.replace("{out}", out).replace("{s}", scenario) for a in args]
    result = run(*filled, code=2)
    assert result.stderr == f"Error: {message.replace('{out}', out)}\n"


def test_old_version_name_beyond_any_version(folder: Path) -> None:
    """`ics --version 10**20` (the old name) warns, then exits 2 in one line."""
    out = str(folder / "out")
    result = run(
        *("ics", str(folder / "small.toml"), "--plan", out),
        *("--version", str(10**20)),
        code=2,
    )
    assert result.stderr == (
        "Warning: ics --version N is deprecated; use --plan-version N.\n"
        f"Error: {out}/history.sqlite: no such plan version; expected a version"
        " from 1 to 2, got 100000000000000000000.\n"
    )


def test_out_and_out_dir(folder: Path, tmp_path: Path) -> None:
    """-o FILE writes one file, -o - stdout; --out-dir DIR a folder of calendars."""
    out, scenario = str(folder / "out"), str(folder / "small.toml")
    to_stdout = run("ics", scenario, "--plan", out, "-o", "-").stdout
    run("ics", scenario, "--plan", out, "-o", str(tmp_path / "p.ics"))
    assert (tmp_path / "p.ics").read_text(encoding="utf-8") == to_stdout
    result = run(
        "ics",
        scenario,
        "--plan",
        out,
        "--split",
        "person",
        "--out-dir",
        str(tmp_path / "cals"),
    )
    assert result.stderr == ""
    assert (tmp_path / "cals" / "people" / "ann.ics").is_file()


def test_o_with_a_folder_still_works_with_a_warning(
    folder: Path, tmp_path: Path
) -> None:
    """The old `ics --split ... -o DIR` writes the folder and says to use --out-dir."""
    out, scenario = str(folder / "out"), str(folder / "small.toml")
    result = run(
        "ics",
        scenario,
        "--plan",
        out,
        "--split",
        "person",
        "-o",
        str(tmp_path / "cals"),
    )
    assert result.stderr == (
        "Warning: -o DIR for a folder of calendars is deprecated; use --out-dir DIR.\n"
    )
    assert (tmp_path / "cals" / "people" / "ann.ics").is_file()


def test_check_json(folder: Path) -> None:
    """check --format json parses, keeps its key order and agrees with the text."""
    out, scenario = str(folder / "out"), str(folder / "small.toml")
    text = run("check", out, "--scenario", scenario).stdout
    raw = run("check", out, "--scenario", scenario, "--format", "json").stdout
    report = json.loads(raw)
    assert list(report) == [
        "schema",
        "scenario",
        "errors",
        "warnings",
        "objective",
        "violations",
    ]
    assert report["schema"] == "roadshow-check/1"
    assert report["scenario"] == "small-tour"
    assert list(report["objective"]) == [
        "travel_minutes",
        "nights_away",
        "late_finishes",
        "neighbour_clashes",
        "preference_minutes",
        "unplaced",
        "idle_days",
        "tight_days",
    ]
    total = f"{report['errors']} errors, {report['warnings']} warning"
    assert total in text
    for v in report["violations"]:
        assert list(v) == ["severity", "rule", "person", "request", "when", "message"]
        assert f"[{v['rule']}] {v['message']}" in text
    again = run("check", out, "--scenario", scenario, "--format", "json").stdout
    assert again == raw
    assert raw.isascii()


def test_areas_json(folder: Path) -> None:
    """areas --format json lists each area, planned or not, with local times."""
    out, scenario = str(folder / "out"), str(folder / "small.toml")
    result = run("areas", scenario, "--plan", out, "--format", "json", code=0)
    report = json.loads(result.stdout)
    assert list(report) == ["schema", "scenario", "timezone", "areas", "totals"]
    assert report["schema"] == "roadshow-areas/1"
    leeds, bradford = report["areas"]
    assert list(leeds) == [
        "area",
        "name",
        "region",
        "region_name",
        "request",
        "planned",
        "start",
        "end",
        "venue",
        "venue_name",
        "reason",
    ]
    assert (leeds["area"], leeds["request"], leeds["planned"]) == ("A1", "leeds", True)
    assert leeds["start"].startswith("2008-11-")
    assert leeds["start"].endswith("+00:00")
    assert leeds["venue_name"] == "Leeds Civic Hall"
    assert leeds["reason"] is None
    assert bradford["request"] is None
    assert bradford["planned"] is False
    assert bradford["reason"] == "nothing requested"
    assert report["totals"] == {"areas": 2, "planned": 1, "not_planned": 0}
