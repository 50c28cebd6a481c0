"""`roadshow itinerary` and `roadshow export` through CliRunner and as a process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from roadshow.cli import cli
from roadshow.exporters.itinerary import is_pdf_available
from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import Plan

DASH = "\u2013"  # en dash, as the itineraries print time spans


@pytest.fixture
def plan_file(tmp_path: Path, nhs_small_plan: Plan) -> Path:
    """The hand-made nhs-2008 plan, written as a plan file."""
    path = tmp_path / "plan.json"
    path.write_text(render_plan_file(nhs_small_plan), encoding="utf-8")
    return path


def test_text_itinerary_of_one_person(runner: CliRunner, plan_file: Path) -> None:
    """`--person darzi` prints Lord Darzi's two days on stdout, nothing on stderr."""
    result = runner.invoke(
        cli, ["itinerary", "nhs-2008", "--plan", str(plan_file), "--person", "darzi"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "ITINERARY  Lord Darzi (principal)" in result.stdout
    assert "Monday 8 September 2008" in result.stdout
    assert "Tuesday 9 September 2008" in result.stdout
    assert (
        f"10:30 BST{DASH}13:00 BST  Event  Listening event: NHS North East"
        in result.stdout
    )
    assert "David Nicholson (principal)" not in result.stdout


def test_default_is_every_principal_and_chair(
    runner: CliRunner, plan_file: Path
) -> None:
    """Without --person the output holds 2 principals and 10 chairs."""
    result = runner.invoke(cli, ["itinerary", "--plan", str(plan_file)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ITINERARY  ") == 12
    assert "ITINERARY  Chair, NHS South West (chair)" in result.stdout


def test_html_to_a_file(runner: CliRunner, plan_file: Path, tmp_path: Path) -> None:
    """`--format html --out FILE` writes the page and prints nothing."""
    out = tmp_path / "darzi.html"
    result = runner.invoke(
        cli,
        [
            "itinerary",
            "--plan",
            str(plan_file),
            "--person",
            "darzi",
            "--format",
            "html",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # Two event days and one day with only a diary commitment.
    assert page.count('<section class="day"') == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_markdown_to_stdout_with_dash(runner: CliRunner, plan_file: Path) -> None:
    """`-o -` means stdout."""
    result = runner.invoke(
        cli,
        [
            "itinerary",
            "--plan",
            str(plan_file),
            "--person",
            "chair-Q30",
            "--format",
            "md",
            "-o",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Itinerary: Chair, NHS North East\n")


@pytest.mark.skipif(not is_pdf_available(), reason="the pdf extra is not installed")
def test_pdf_to_stdout_is_binary(runner: CliRunner, plan_file: Path) -> None:
    """PDF goes to stdout as bytes a PDF reader opens."""
    result = runner.invoke(
        cli,
        ["itinerary", "--plan", str(plan_file), "--person", "darzi", "--format", "pdf"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(result.stdout_bytes))
    assert len(reader.pages) == 4  # the cover, two event days and a diary-only day


def test_pdf_without_the_extra_exits_3_with_the_install_command(
    runner: CliRunner, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ReportLab the command stops with how to install the extra."""
    monkeypatch.setitem(sys.modules, "reportlab", None)
    result = runner.invoke(
        cli,
        ["itinerary", "--plan", str(plan_file), "--person", "darzi", "--format", "pdf"],
    )
    assert result.exit_code == 3
    assert "pip install 'roadshow[pdf]'" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_unknown_person_exits_2_with_a_suggestion(
    runner: CliRunner, plan_file: Path
) -> None:
    """A misspelt --person is bad input, with "did you mean"."""
    result = runner.invoke(
        cli, ["itinerary", "--plan", str(plan_file), "--person", "darzy"]
    )
    assert result.exit_code == 2
    assert 'Did you mean "darzi"?' in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_of_another_scenario_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A plan made for another scenario is refused, naming the file and field."""
    path = tmp_path / "other.json"
    path.write_text(render_plan_file(Plan(scenario_id="other")), encoding="utf-8")
    result = runner.invoke(cli, ["itinerary", "--plan", str(path)])
    assert result.exit_code == 2
    assert f"{path}, scenario:" in result.stderr
    assert '"other"' in result.stderr


def test_malformed_plan_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A broken plan file is bad input: the message names the file and line."""
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["export", "--plan", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "line 1" in result.stderr


def test_export_csv(runner: CliRunner, plan_file: Path, nhs_small_plan: Plan) -> None:
    """`roadshow export` prints CSV with one row per attendee, journey and night."""
    result = runner.invoke(cli, ["export", "--plan", str(plan_file)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    expected = (
        sum(len(e.attendees) for e in nhs_small_plan.events)
        + len(nhs_small_plan.legs)
        + len(nhs_small_plan.stays)
    )
    assert len(rows) == expected == 10
    assert {r["person"] for r in rows} == {"darzi", "nicholson", "chair-Q30"}


def test_export_json_to_a_file(
    runner: CliRunner, plan_file: Path, tmp_path: Path
) -> None:
    """`--format json --out FILE` writes the programme JSON."""
    out = tmp_path / "programme.json"
    result = runner.invoke(
        cli, ["export", "--plan", str(plan_file), "--format", "json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scenario"] == "nhs-2008"
    assert data["items"][0]["id"] == "travel:darzi:20080908T0555Z/darzi"


def test_export_to_a_missing_folder_exits_3(
    runner: CliRunner, plan_file: Path, tmp_path: Path
) -> None:
    """An output that cannot be written is exit 3 with the path."""
    out = tmp_path / "missing" / "programme.csv"
    result = runner.invoke(cli, ["export", "--plan", str(plan_file), "--out", str(out)])
    assert result.exit_code == 3
    assert str(out) in result.stderr


def test_itinerary_as_a_process(plan_file: Path) -> None:
    """The installed entry point prints an itinerary in a real process."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "roadshow",
            "itinerary",
            "--plan",
            str(plan_file),
            "--person",
            "nicholson",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ITINERARY  David Nicholson (principal)" in done.stdout
    assert f"13:30 BST{DASH}16:50 BST  Travel rail" in done.stdout


def test_without_a_plan_the_scenario_is_planned(runner: CliRunner) -> None:
    """No --plan: the default scenario is planned, and the itinerary printed."""
    result = runner.invoke(cli, ["itinerary", "--person", "darzi"])
    assert result.exit_code == 0, result.output
    assert "Planning nhs-2008" in result.stderr
    assert "ITINERARY  Lord Darzi (principal)" in result.stdout
    assert "Listening event: NHS North East" in result.stdout
    # The leadership event is in November, after summer time ended.
    assert "GMT" in result.stdout
    assert "BST" in result.stdout
    # Ten regions and a long route still fit the cover in 78 columns.
    cover = result.stdout.split("-" * 78)[0]
    assert "NHS South East Coast" in cover
    assert max(len(line) for line in cover.splitlines()) <= 78


@pytest.mark.slow
def test_plan_out_writes_itineraries_and_the_programme(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`plan --out DIR` writes each principal's and chair's itinerary; PDF is opt-in."""
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["-q", "plan", "--out", str(out)], env={"SOURCE_DATE_EPOCH": "1220256000"}
    )
    assert result.exit_code == 0, result.output
    out = out / "latest"  # the version just written
    people = ["darzi", "nicholson"] + [f"chair-Q{n}" for n in range(30, 40)]
    extensions = ["txt", "md", "html"]  # PDFs only with --pdf
    written = {p.name for p in (out / "itineraries").iterdir()}
    assert written == {f"{who}.{ext}" for who in people for ext in extensions}
    assert (out / "calendars").is_dir()
    rows = list(
        csv.DictReader(
            io.StringIO((out / "programme.csv").read_text(encoding="utf-8-sig"))
        )
    )
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    expected = (
        sum(len(e["attendees"]) for e in plan["events"])
        + len(plan["legs"])
        + len(plan["stays"])
    )
    assert len(rows) == expected
    items = json.loads((out / "programme.json").read_text(encoding="utf-8"))["items"]
    assert [i["id"] for i in items] == [r["id"] for r in rows]
