"""Re-planning through the real CLI: baseline, --dry-run, the guard, reasons kept."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from roadshow.history import SCHEMA_VERSION, PlanHistory
from safety_kit import SMALL_SCENARIO, history_numbers, run_roadshow, snapshot

WEEK = (
    '[[commitments]]\nperson = "ann"\nstart = {start}\nend = {end}\nlabel = "{label}"\n'
)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The small scenario (three events for Ann, 3-7 Nov 2008) as a TOML file."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL_SCENARIO.format(hour=14), encoding="utf-8")
    return path


def plan(small: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    done = run_roadshow("-q", "plan", str(small), "--out", str(out), *extra)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def busy(small: Path, start: str, end: str, label: str) -> None:
    """Add a diary commitment for Ann to the scenario file."""
    text = small.read_text(encoding="utf-8")
    small.write_text(
        text + "\n" + WEEK.format(start=start, end=end, label=label), encoding="utf-8"
    )


def event_times(out: Path, request: str) -> tuple[str, str]:
    """The published start and end of *request*'s event, as local ISO times."""
    events = json.loads((out / "latest" / "plan.json").read_text(encoding="utf-8"))
    (found,) = [e for e in events["events"] if e["request"] == request]
    return str(found["start"])[:19], str(found["end"])[:19]


def test_an_unchanged_replan_keeps_the_same_bytes(tmp_path: Path, small: Path) -> None:
    """Planning again with nothing changed issues nothing: same calendars, SEQUENCE."""
    out = tmp_path / "out"
    assert plan(small, out)[0] == 0
    before = snapshot(out / "latest")
    assert plan(small, out)[0] == 0
    assert snapshot(out / "latest") == before
    assert history_numbers(out) == [1]
    calendar = before["calendars/internal/programme.ics"].decode()
    assert "SEQUENCE:0" in calendar
    assert "SEQUENCE:1" not in calendar


def test_dry_run_shows_the_changes_and_their_reasons_but_publishes_nothing(
    tmp_path: Path, small: Path
) -> None:
    """--dry-run prints what moves and why; the folder stays as it was."""
    out = tmp_path / "out"
    plan(small, out)
    start, end = event_times(out, "leeds")
    busy(small, start, end, "Cabinet committee")
    before = snapshot(out)
    code, stdout, _ = plan(small, out, "--dry-run")
    assert code == 0
    assert "dry run, nothing published" in stdout
    assert "Listening event, Leeds" in stdout
    assert "Ann Patel unavailable" in stdout
    assert "Cabinet committee" in stdout
    assert "Press briefing" not in stdout  # on Friday, untouched
    assert snapshot(out) == before

    # Published for real, the reason is kept with the version.
    assert plan(small, out)[0] == 0
    assert history_numbers(out) == [1, 2]
    table = run_roadshow("changes", str(out), "--scenario", str(small))
    assert table.returncode == 0, table.stderr
    assert "why" in table.stdout
    assert "Cabinet committee" in table.stdout
    notice = run_roadshow(
        "changes", str(out), "--scenario", str(small), "--format", "notice"
    )
    assert "Why: Ann Patel unavailable" in notice.stdout
    found = run_roadshow("changes", str(out), "--format", "json")
    data = json.loads(found.stdout)
    assert data["schema"] == "roadshow-changes/1"
    by_id = {c["request_id"]: c for c in data["changes"]}
    assert by_id["leeds"]["reason"]["cause"] == "commitment"
    assert "briefing" not in by_id
    for change in data["changes"]:
        assert "Cabinet committee" in change["reason"]["text"]


def test_a_replan_that_would_lose_a_published_event_is_not_published(
    tmp_path: Path, small: Path
) -> None:
    """The guard: exit 1, what would be lost and why, latest unchanged."""
    out = tmp_path / "out"
    plan(small, out)
    busy(small, "2008-11-03T00:00:00", "2008-11-07T08:00:00", "Purdah")
    before = snapshot(out)
    code, _, stderr = plan(small, out)
    assert code == 1
    assert "Not published" in stderr
    assert "leeds" in stderr
    assert "york" in stderr
    assert "--allow-cancel" in stderr
    assert snapshot(out) == before

    code, _, stderr = plan(small, out, "--allow-cancel", "leeds")
    assert code == 1
    assert "york" in stderr
    assert snapshot(out) == before

    code, _, stderr = plan(small, out, "--allow-cancel", "all")
    assert "Not published" not in stderr
    assert history_numbers(out) == [1, 2]


def test_bad_replan_options_exit_2(tmp_path: Path, small: Path) -> None:
    """An unknown --allow-cancel id or a bad --now: one clear line, exit 2."""
    out = tmp_path / "out"
    plan(small, out)
    code, _, stderr = plan(small, out, "--allow-cancel", "leedz")
    assert code == 2
    assert "--allow-cancel" in stderr
    assert "leeds" in stderr  # did you mean
    code, _, stderr = plan(small, out, "--now", "next tuesday")
    assert code == 2
    assert "--now" in stderr


def test_a_schema_1_history_gains_the_reasons_table(tmp_path: Path) -> None:
    """A history written before reasons were kept is migrated in place, data kept."""
    path = tmp_path / "history.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(
            """
            CREATE TABLE versions (number INTEGER PRIMARY KEY, issued_at TEXT NOT NULL,
                scenario_id TEXT NOT NULL, digest TEXT NOT NULL, plan TEXT NOT NULL);
            CREATE TABLE entries (version INTEGER NOT NULL, uid TEXT NOT NULL,
                kind TEXT NOT NULL, status TEXT NOT NULL, sequence INTEGER NOT NULL,
                signature TEXT NOT NULL, seen_in INTEGER NOT NULL,
                PRIMARY KEY (version, uid));
            PRAGMA user_version = 1;
            """
        )
    history = PlanHistory(path)
    assert history.versions() == ()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM reasons").fetchone()[0] == 0


def edit_calendar(out: Path, target: Path, title: str, *edits: tuple[str, str]) -> None:
    """Copy the public programme calendar, moving the event *title* by hand."""
    text = (out / "latest/calendars/public/programme.ics").read_text(encoding="utf-8")
    blocks = text.split("BEGIN:VEVENT")
    for old, new in edits:
        blocks = [b.replace(old, new) if title in b else b for b in blocks]
    target.write_text("BEGIN:VEVENT".join(blocks), encoding="utf-8")


def ics_time(local: str) -> str:
    """``2008-11-03T10:00:00`` as an .ics local time, ``20081103T100000``."""
    return local[:19].replace("-", "").replace(":", "")


def test_an_event_moved_by_hand_in_a_calendar_becomes_a_pin(
    tmp_path: Path, small: Path
) -> None:
    """--pins edited.ics: the moved event goes where the hand put it, nothing else."""
    out = tmp_path / "out"
    plan(small, out)
    start, _ = event_times(out, "york")
    day = start[:10].replace("-", "")
    edited = tmp_path / "edited.ics"
    edit_calendar(out, edited, "Round table\\, York", (f"{day}T", "20081106T"))
    code, stdout, _ = plan(small, out, "--pins", str(edited), "--dry-run")
    assert code == 0
    assert "Round table, York" in stdout
    assert "Thu 6 Nov 2008" in stdout
    assert "Listening event, Leeds" not in stdout
    assert plan(small, out, "--pins", str(edited))[0] == 0
    assert event_times(out, "york")[0].startswith("2008-11-06")


def test_a_pin_that_cannot_hold_is_checked_and_not_published(
    tmp_path: Path, small: Path
) -> None:
    """A hand move onto the pinned briefing's time clashes: nothing published."""
    out = tmp_path / "out"
    plan(small, out)
    start, end = event_times(out, "york")
    edited = tmp_path / "edited.ics"
    edit_calendar(
        out,
        edited,
        "Round table\\, York",
        (ics_time(start), "20081107T133000"),
        (ics_time(end), "20081107T150000"),
    )
    before = snapshot(out)
    code, _, stderr = plan(small, out, "--pins", str(edited))
    assert code == 1
    assert "Not published" in stderr
    assert snapshot(out) == before


def test_a_pins_file_with_an_unknown_uid_exits_2(tmp_path: Path, small: Path) -> None:
    """An event whose UID roadshow never gave: one clear line, exit 2."""
    out = tmp_path / "out"
    plan(small, out)
    edited = tmp_path / "edited.ics"
    edit_calendar(out, edited, "Round table\\, York", ("@roadshow", "-x@roadshow"))
    code, _, stderr = plan(small, out, "--pins", str(edited))
    assert code == 2
    assert "edited.ics" in stderr
    assert "does not know" in stderr
    assert "Traceback" not in stderr


def vevents(folder: Path) -> dict[tuple[str, str], str]:
    """Every VEVENT of the published calendars, raw, by (file, UID)."""
    found = {}
    for path in sorted((folder / "calendars").rglob("*.ics")):
        text = path.read_text(encoding="utf-8")
        for block in text.split("BEGIN:VEVENT")[1:]:
            body = block.split("END:VEVENT")[0]
            uid = next(
                line.removeprefix("UID:")
                for line in body.splitlines()
                if line.startswith("UID:")
            )
            found[(path.name, uid)] = body
    return found


@pytest.mark.parametrize(
    ("now", "frozen"),
    [
        # On the train to York: the journey and the York event it serves stay.
        ("2008-11-03T08:00:00", ("Richmond House to York Guildhall", "Round table")),
        # During the York round table: it and the journey there stay.
        ("2008-11-03T10:30:00", ("Richmond House to York Guildhall", "Round table")),
    ],
)
def test_now_keeps_the_past_byte_identical_and_replans_the_rest(
    tmp_path: Path, small: Path, now: str, frozen: tuple[str, ...]
) -> None:
    """--now: what started before it (travel under way too) keeps its calendar
    bytes; a disruption after it is re-planned, with its reason."""
    out = tmp_path / "out"
    assert plan(small, out)[0] == 0
    assert event_times(out, "york")[0].startswith("2008-11-03T10:00")
    assert event_times(out, "leeds")[0].startswith("2008-11-03T12:30")
    before = vevents(out / "latest")
    kept = {
        key: body
        for key, body in before.items()
        if any(f"SUMMARY:{what}" in body.replace("\\,", ",") for what in frozen)
    }
    assert len(kept) >= len(frozen)  # in the programme and in Ann's calendar
    # Leeds Civic Hall is lost for Monday, after *now*: the Leeds event moves.
    small.write_text(
        small.read_text(encoding="utf-8")
        + '\n[[closures]]\nvenue = "leeds"\nstart = 2008-11-03\nend = 2008-11-03\n'
        'reason = "burst pipe"\n',
        encoding="utf-8",
    )
    code, _, stderr = plan(small, out, "--now", now)
    assert code == 0, stderr
    assert history_numbers(out) == [1, 2]
    after = vevents(out / "latest")
    for key, body in kept.items():
        assert after[key] == body, key
    assert not event_times(out, "leeds")[0].startswith("2008-11-03")
    found = run_roadshow("changes", str(out), "--format", "json")
    by_id = {c["request_id"]: c for c in json.loads(found.stdout)["changes"]}
    assert set(by_id) == {"leeds"}
    assert by_id["leeds"]["reason"]["cause"] == "closure"
    assert by_id["leeds"]["reason"]["text"] == (
        "Leeds Civic Hall closed Mon 3 Nov 2008: burst pipe"
    )


def test_fresh_records_a_reason_for_every_change(tmp_path: Path, small: Path) -> None:
    """--fresh over a published version: each changed event still says why; those
    a new commitment invalidated name it, the rest say 'from scratch'."""
    out = tmp_path / "out"
    assert plan(small, out)[0] == 0
    start, end = event_times(out, "leeds")
    busy(small, start, end, "Cabinet committee")
    code, _, stderr = plan(small, out, "--fresh")
    assert code == 0, stderr
    assert history_numbers(out) == [1, 2]
    found = run_roadshow("changes", str(out), "--format", "json")
    changes = json.loads(found.stdout)["changes"]
    assert changes
    by_id = {c["request_id"]: c for c in changes}
    assert by_id["leeds"]["reason"]["cause"] == "commitment"
    assert "Cabinet committee" in by_id["leeds"]["reason"]["text"]
    for change in changes:
        text = change["reason"]["text"]
        if "Cabinet committee" not in text:  # else it, or journeys into it
            assert change["reason"]["cause"] == "fresh"
            assert text == "re-planned from scratch (--fresh)"
    table = run_roadshow("changes", str(out), "--scenario", str(small))
    assert "Cabinet committee" in table.stdout
