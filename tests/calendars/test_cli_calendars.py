"""The calendar commands through the real CLI: ics, changes, import-diary."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import attrs
import icalendar
import pytest

from roadshow.cli import cli
from roadshow.exporters.ics import event_uid
from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import Plan
from roadshow.outputs import publish_plan

EPOCH = "1220256000"  # 2008-09-01T08:00:00Z
ENV = {"SOURCE_DATE_EPOCH": EPOCH}
VISIT = event_uid("nhs-2008", "listening-Q30")


@pytest.fixture
def plan_file(tmp_path, plan) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(render_plan_file(plan), encoding="utf-8")
    return path


@pytest.fixture
def out_dir(tmp_path, nhs2008_scenario, plan, kit) -> Path:
    """A plan --out folder, two versions: the visit moved, the consultation dropped."""
    folder = tmp_path / "out"
    second = Plan(
        scenario_id=plan.scenario_id,
        events=[
            attrs.evolve(e, start=e.start.add(hours=2), end=e.end.add(hours=2))
            if e.request_id == "listening-Q30"
            else e
            for e in plan.events
            if e.request_id != "consultation-5ND"
        ],
        legs=plan.legs,
        stays=plan.stays,
    )
    for i, version in enumerate((plan, second)):
        publish_plan(folder, nhs2008_scenario, version, issued_at=kit.stamp.add(days=i))
    return folder


def events_of(data: str | bytes) -> dict[str, icalendar.Event]:
    raw = data.encode() if isinstance(data, str) else data
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}


def test_ics_prints_the_programme(runner, plan_file, plan):
    """`ics --plan plan.json` prints the calendar; DTSTAMP from SOURCE_DATE_EPOCH."""
    result = runner.invoke(cli, ["ics", "--plan", str(plan_file)], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    events = events_of(result.stdout)
    assert len(events) == len(plan.events) + len(plan.legs) + len(plan.stays)
    assert {e["DTSTAMP"].to_ical() for e in events.values()} == {b"20080901T080000Z"}
    again = runner.invoke(cli, ["ics", "--plan", str(plan_file)], env=ENV)
    assert again.stdout == result.stdout


def test_ics_public_to_a_file(runner, plan_file, tmp_path, plan):
    """--audience public --out FILE writes only the events."""
    out = tmp_path / "public.ics"
    args = [
        "-q",
        "ics",
        "--plan",
        str(plan_file),
        "--audience",
        "public",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")
    assert len(events_of(out.read_bytes())) == len(plan.events)


def test_ics_splits_from_a_plan_folder(runner, out_dir, tmp_path):
    """--plan DIR uses the recorded version: splits carry SEQUENCE and cancellations."""
    target = tmp_path / "split"
    args = ["ics", "--plan", str(out_dir), "--split", "all", "-o", str(target)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr
    assert (target / "people" / "darzi.ics").is_file()
    area = events_of((target / "areas" / "5ND.ics").read_bytes())
    assert [str(e["STATUS"]) for e in area.values()] == ["CANCELLED"]
    darzi = events_of((target / "people" / "darzi.ics").read_bytes())
    assert darzi[VISIT]["SEQUENCE"] == 1
    assert (target / "programme.ics").read_bytes() == (
        out_dir / "latest" / "calendars" / "internal" / "programme.ics"
    ).read_bytes()


def test_ics_earlier_version(runner, out_dir):
    """--version 1 exports the first issue, before the move."""
    result = runner.invoke(cli, ["ics", "--plan", str(out_dir), "--version", "1"])
    assert result.exit_code == 0, result.output
    assert events_of(result.stdout)[VISIT]["SEQUENCE"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "person"], "--out-dir: splits and invitations are several files"),
        (["--invite", "-o", "{tmp}"], "--organizer: invitations need an organiser"),
        (["--version", "2"], "--version needs --plan with a plan --out folder"),
    ],
    ids=["split-needs-folder", "invite-needs-organizer", "version-needs-history"],
)
def test_ics_bad_options(runner, plan_file, tmp_path, args, message):
    """Option combinations that cannot work exit 2 with a message on stderr."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(cli, ["ics", "--plan", str(plan_file), *args], env=ENV)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_ics_bad_plan_file(runner, tmp_path):
    """A broken plan file is bad input: exit 2, no traceback."""
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["ics", "--plan", str(path)], env=ENV)
    assert result.exit_code == 2, result.output
    assert "plan.json, line 1" in result.stderr
    assert "Traceback" not in result.output


def test_ics_invitations(runner, plan_file, tmp_path):
    """--invite with nobody's e-mail known writes no invitations and says so."""
    target = tmp_path / "inv"
    args = ["ics", "--plan", str(plan_file), "--invite", "--organizer", "o@example.org"]
    result = runner.invoke(cli, [*args, "-o", str(target)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "No invitations" in result.stderr
    assert not (target / "invites").exists()


def test_bad_source_date_epoch(runner, plan_file):
    """A SOURCE_DATE_EPOCH that is not whole seconds is bad input."""
    env = {"SOURCE_DATE_EPOCH": "yesterday"}
    result = runner.invoke(cli, ["ics", "--plan", str(plan_file)], env=env)
    assert result.exit_code == 2, result.output
    assert "SOURCE_DATE_EPOCH: expected whole seconds" in result.stderr


def test_changes_table_and_notice(runner, out_dir):
    """`changes DIR` lists the move and the cancellation; --format notice too."""
    result = runner.invoke(cli, ["changes", str(out_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Changes from version 1 to 2:"
    assert any(line.startswith("moved") and "Listening event" in line for line in lines)
    assert any(
        line.startswith("cancelled") and "County Durham" in line for line in lines
    )
    notice = runner.invoke(cli, ["changes", str(out_dir), "--format", "notice"])
    assert notice.exit_code == 0, notice.output
    text = notice.stdout
    assert text.startswith("Subject: NHS Next Stage Review")
    assert (
        "\nMoved\n- Listening event: NHS North East: Mon 8 Sep 2008 12:00-14:30" in text
    )
    assert "(was Mon 8 Sep 2008 10:00-12:30" in text
    assert (
        "\nCancelled\n- NHS Constitution public consultation: County Durham PCT" in text
    )


def test_changes_since_the_start_and_with_travel(runner, out_dir):
    """--since 0 shows everything as added; --travel adds legs and stays."""
    plain = runner.invoke(cli, ["changes", str(out_dir), "--since", "0"])
    full = runner.invoke(cli, ["changes", str(out_dir), "--since", "0", "--travel"])
    assert plain.exit_code == full.exit_code == 0
    assert "Travel (Lord Darzi)" not in plain.stdout
    assert "Travel (Lord Darzi)" in full.stdout
    assert "Overnight stay (Lord Darzi)" in full.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "9"], "expected a version from 1 to 2, got 9"),
        (["--since", "2"], "nothing to compare"),
    ],
    ids=["unknown-version", "same-version"],
)
def test_changes_bad_versions(runner, out_dir, args, message):
    """Versions that do not exist or compare with themselves exit 2."""
    result = runner.invoke(cli, ["changes", str(out_dir), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_changes_without_history(runner, tmp_path):
    """A folder without a history is bad input naming it."""
    result = runner.invoke(cli, ["changes", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "no plan recorded here yet" in result.stderr


def diary_file(tmp_path) -> Path:
    path = tmp_path / "darzi.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:w\nSUMMARY:Weekly, team\n"
        "DTSTART;TZID=Europe/London:20080909T090000\n"
        "DTEND;TZID=Europe/London:20080909T100000\n"
        "RRULE:FREQ=WEEKLY;COUNT=2\nEND:VEVENT\n"
        "BEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    return path


def test_import_diary_keeps_the_location(runner, tmp_path):
    """LOCATION naming a venue becomes its place; any other warns, home base."""
    path = tmp_path / "nicholson.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\n"
        "BEGIN:VEVENT\nUID:a\nSUMMARY:Board\nLOCATION:Richmond House (Department"
        " of Health)\nDTSTART;TZID=Europe/London:20080909T090000\n"
        "DTEND;TZID=Europe/London:20080909T100000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:b\nSUMMARY:Lunch\nLOCATION:The Ivy\n"
        "DTSTART;TZID=Europe/London:20080910T120000\n"
        "DTEND;TZID=Europe/London:20080910T130000\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    args = ["import-diary", str(path), "--person", "nicholson"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [(r[3], r[4]) for r in rows[1:]] == [
        ("Board", "richmond-house"),
        ("Lunch", ""),
    ]
    assert (
        "Warning: Lunch on 10 Sep 2008: LOCATION 'The Ivy' is no venue of the"
        " scenario; read as the home base"
    ) in result.stderr
    assert "1 unknown place" in result.stderr


def test_import_diary_prints_commitments_csv(runner, tmp_path):
    """import-diary prints busy periods as commitments CSV; warnings on stderr."""
    args = ["import-diary", str(diary_file(tmp_path)), "--person", "darzi"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["person", "start", "end", "label", "place"],
        [
            "darzi",
            "2008-09-09T09:00:00+01:00",
            "2008-09-09T10:00:00+01:00",
            "Weekly, team",
            "",
        ],
        [
            "darzi",
            "2008-09-16T09:00:00+01:00",
            "2008-09-16T10:00:00+01:00",
            "Weekly, team",
            "",
        ],
    ]
    assert "Warning: " in result.stderr
    assert "line 10: VJOURNAL skipped" in result.stderr
    assert "2 busy periods for Lord Darzi" in result.stderr


def test_import_diary_unknown_person(runner, tmp_path):
    """An unknown person is bad input with a suggestion."""
    args = ["import-diary", str(diary_file(tmp_path)), "--person", "darzy"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert 'unknown person "darzy". Did you mean "darzi"?' in result.stderr


def test_import_diary_malformed(runner, tmp_path):
    """A malformed diary exits 2 naming the file and the line."""
    path = tmp_path / "bad.ics"
    path.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-diary", str(path), "--person", "darzi"])
    assert result.exit_code == 2, result.output
    assert f"{path}, line 3: expected END:VEVENT" in result.stderr
    assert "Traceback" not in result.output


def test_installed_script_exports(plan_file, tmp_path):
    """The installed `roadshow` script exports a calendar in a subprocess."""
    script = Path(sys.executable).parent / "roadshow"
    env = {**os.environ, **ENV}
    result = subprocess.run(
        [str(script), "ics", "--plan", str(plan_file), "--no-travel"],
        capture_output=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"BEGIN:VCALENDAR\r\n")
    assert events_of(result.stdout)[VISIT]["DTSTART"].to_ical() == b"20080908T100000"


def test_changes_names_entries_from_the_version_not_the_bundled_scenario(
    runner, tmp_path, nhs2008_scenario, plan, kit
):
    """An edited copy of nhs-2008 keeps its own name in `changes` (no --scenario)."""
    edited = attrs.evolve(nhs2008_scenario, name="Our edited tour")
    folder = tmp_path / "out"
    second = Plan(
        scenario_id=plan.scenario_id,
        events=[e for e in plan.events if e.request_id != "consultation-5ND"],
        legs=plan.legs,
        stays=plan.stays,
    )
    for i, version in enumerate((plan, second)):
        publish_plan(folder, edited, version, issued_at=kit.stamp.add(days=i))
    notice = runner.invoke(cli, ["changes", str(folder), "--format", "notice"])
    assert notice.exit_code == 0, notice.output
    assert notice.stdout.startswith("Subject: Our edited tour")
