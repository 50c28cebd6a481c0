"""The plan history: versions in real SQLite files, SEQUENCE, cancellations, goldens."""

from __future__ import annotations

import sqlite3

import attrs
import icalendar
import pendulum
import pytest

from roadshow.errors import InputError, OutputError
from roadshow.exporters.changes import render_changes_table
from roadshow.exporters.ics import PlanVersion, event_uid, plan_items, render_ics
from roadshow.history import HISTORY_FILE, SCHEMA_VERSION, PlanHistory
from roadshow.model import OvernightStay, Plan
from roadshow.outputs import plan_outputs, publish_plan
from roadshow.versions import CANCELLED, CONFIRMED, EntryNames, EntryState, advance

VISIT = event_uid("nhs-2008", "listening-Q30")
CONSULTATION = event_uid("nhs-2008", "consultation-5ND")
HSJ = event_uid("nhs-2008", "hsj-change-management")


def three_versions(scenario, kit) -> list[Plan]:
    """v1: visit, consultation, HSJ; v2: visit moved, consultation dropped;
    v3: visit at another venue, consultation back, HSJ unchanged throughout."""
    visit = kit.event(scenario, "listening-Q30", kit.at(9, 8, 10))
    consultation = kit.event(scenario, "consultation-5ND", kit.at(9, 9, 18, 30))
    hsj = kit.event(scenario, "hsj-change-management", kit.at(10, 22, 10))
    moved = attrs.evolve(visit, start=kit.at(9, 10, 11), end=kit.at(9, 10, 13, 30))
    elsewhere = attrs.evolve(moved, venue_id="5ND-point")
    return [
        Plan(scenario_id="nhs-2008", events=[visit, consultation, hsj]),
        Plan(scenario_id="nhs-2008", events=[moved, hsj]),
        Plan(scenario_id="nhs-2008", events=[elsewhere, consultation, hsj]),
    ]


def record_all(history, plans, kit):
    return [
        history.record(p, issued_at=kit.stamp.add(days=i)) for i, p in enumerate(plans)
    ]


def test_sequence_and_cancellation_across_three_versions(
    nhs2008_scenario, kit, tmp_path
):
    """SEQUENCE counts changes; a dropped event is CANCELLED, then reinstated."""
    history = PlanHistory.in_folder(tmp_path)
    versions = record_all(history, three_versions(nhs2008_scenario, kit), kit)
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.sequence(VISIT) for v in versions] == [0, 1, 2]
    assert [v.sequence(CONSULTATION) for v in versions] == [0, 1, 2]
    assert [v.sequence(HSJ) for v in versions] == [0, 0, 0]
    assert [[c.uid for c in v.cancelled] for v in versions] == [[], [CONSULTATION], []]


def test_cancelled_event_is_exported_with_status_and_higher_sequence(
    nhs2008_scenario, kit, tmp_path
):
    """Version 2 still holds the dropped event, as CANCELLED at SEQUENCE 1."""
    plans = three_versions(nhs2008_scenario, kit)
    versions = record_all(PlanHistory.in_folder(tmp_path), plans[:2], kit)
    data = render_ics(nhs2008_scenario, plans[1], versions[1])
    events = {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    assert set(events) == {VISIT, CONSULTATION, HSJ}
    assert events[CONSULTATION]["STATUS"] == "CANCELLED"
    assert events[CONSULTATION]["SEQUENCE"] == 1
    assert str(events[CONSULTATION]["SUMMARY"]).startswith("Cancelled: ")
    assert events[VISIT]["STATUS"] == "CONFIRMED"
    assert events[VISIT]["SEQUENCE"] == 1
    assert events[HSJ]["SEQUENCE"] == 0


def test_golden_first_issue_and_update(nhs2008_scenario, kit, tmp_path, golden):
    """Goldens: BST event, all-day stay; then an update at SEQUENCE 1, a cancel."""
    visit = kit.event(nhs2008_scenario, "listening-Q30", kit.at(9, 8, 10))
    consultation = kit.event(nhs2008_scenario, "consultation-5ND", kit.at(9, 9, 18, 30))
    stay = OvernightStay(
        person_id="darzi", night_of=kit.at(9, 8, 0).date(), venue_id="Q30-hq"
    )
    first = Plan(scenario_id="nhs-2008", events=[visit, consultation], stays=[stay])
    second = Plan(
        scenario_id="nhs-2008",
        events=[attrs.evolve(visit, start=kit.at(9, 8, 14), end=kit.at(9, 8, 16, 30))],
        stays=[stay],
    )
    versions = record_all(PlanHistory.in_folder(tmp_path), [first, second], kit)
    golden("first-issue.ics", render_ics(nhs2008_scenario, first, versions[0]))
    golden("update.ics", render_ics(nhs2008_scenario, second, versions[1]))


def test_unchanged_plan_issues_no_new_version(nhs2008_scenario, plan, kit, tmp_path):
    """Recording the same plan again returns the same version and bytes."""
    history = PlanHistory.in_folder(tmp_path)
    first = history.record(plan, issued_at=kit.stamp)
    again = history.record(plan, issued_at=kit.stamp.add(days=1))
    assert again == first
    assert render_ics(nhs2008_scenario, plan, again) == render_ics(
        nhs2008_scenario, plan, first
    )
    assert [v.number for v in history.versions()] == [1]


def test_issue_time_never_goes_backwards(nhs2008_scenario, kit, tmp_path):
    """A clock that went back does not give a later version an earlier DTSTAMP."""
    plans = three_versions(nhs2008_scenario, kit)
    history = PlanHistory.in_folder(tmp_path)
    first = history.record(plans[0], issued_at=kit.stamp)
    second = history.record(plans[1], issued_at=kit.stamp.subtract(days=3))
    assert second.issued_at == first.issued_at == kit.stamp


def test_issue_time_is_cut_to_seconds(nhs2008_scenario, plan, tmp_path):
    """DTSTAMP has whole seconds, so the stored time is cut to them."""
    issued = pendulum.datetime(2008, 9, 1, 8, 0, 5, 999999, tz="UTC")
    version = PlanHistory.in_folder(tmp_path).record(plan, issued_at=issued)
    assert version.issued_at == pendulum.datetime(2008, 9, 1, 8, 0, 5, tz="UTC")


def test_history_reopens_from_disk(nhs2008_scenario, kit, tmp_path):
    """A new PlanHistory on the same file sees the recorded versions and plans."""
    plans = three_versions(nhs2008_scenario, kit)
    record_all(PlanHistory.in_folder(tmp_path), plans, kit)
    reopened = PlanHistory(tmp_path / HISTORY_FILE)
    assert reopened.plan(2) == plans[1]
    assert reopened.latest() == reopened.version(3)
    assert [v.number for v in reopened.versions()] == [1, 2, 3]


def test_changes_between_versions(nhs2008_scenario, kit, tmp_path):
    """changes() names moved, cancelled, reinstated and venue-changed events."""
    history = PlanHistory.in_folder(tmp_path)
    record_all(history, three_versions(nhs2008_scenario, kit), kit)
    assert {c.uid: c.what for c in history.changes(1, 2)} == {
        VISIT: ("moved",),
        CONSULTATION: ("cancelled",),
    }
    assert {c.uid: c.what for c in history.changes(2)} == {
        VISIT: ("venue changed",),
        CONSULTATION: ("reinstated",),
    }
    assert {c.uid: c.what for c in history.changes(0)} == {
        VISIT: ("added",),
        CONSULTATION: ("added",),
        HSJ: ("added",),
    }


def test_changes_need_two_real_versions(nhs2008_scenario, plan, kit, tmp_path):
    """Asking for a version that does not exist is bad input naming the range."""
    history = PlanHistory.in_folder(tmp_path)
    history.record(plan, issued_at=kit.stamp)
    with pytest.raises(InputError, match="expected a version from 1 to 1, got 7"):
        history.changes(7)
    with pytest.raises(InputError, match="nothing to compare"):
        history.changes(1)


def test_missing_history_is_bad_input(tmp_path):
    """Reading a folder without a history says what was expected."""
    with pytest.raises(InputError, match="no plan history here"):
        PlanHistory.in_folder(tmp_path).changes(0)
    assert PlanHistory.in_folder(tmp_path).latest() is None


def test_history_of_another_scenario_is_refused(plan, kit, tmp_path):
    """A folder keeps one scenario's history."""
    history = PlanHistory.in_folder(tmp_path)
    history.record(plan, issued_at=kit.stamp)
    with pytest.raises(InputError, match="holds plans of scenario 'nhs-2008'"):
        history.record(attrs.evolve(plan, scenario_id="other"), issued_at=kit.stamp)


def test_newer_schema_is_refused(plan, kit, tmp_path):
    """A history written by a newer roadshow is not touched."""
    path = tmp_path / HISTORY_FILE
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(OutputError, match="newer roadshow"):
        PlanHistory(path).record(plan, issued_at=kit.stamp)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database" * 100, None],
    ids=["garbage", "foreign-sqlite"],
)
def test_foreign_files_are_refused(plan, kit, tmp_path, content):
    """A file that is not a roadshow history gives an OutputError, not a traceback."""
    path = tmp_path / HISTORY_FILE
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE other (x)")
    else:
        path.write_bytes(content)
    with pytest.raises(OutputError, match=str(path)):
        PlanHistory(path).record(plan, issued_at=kit.stamp)


def test_advance_rules():
    """advance() bumps on change, cancellation and return, and carries cancellations."""
    state = EntryState(
        kind="event", status=CONFIRMED, sequence=3, signature=("a",), seen_in=4
    )
    gone = attrs.evolve(state, status=CANCELLED, sequence=5)
    result = advance({"kept": state, "dropped": state, "gone": gone}, (), 5)
    assert {uid: (s.status, s.sequence, s.seen_in) for uid, s in result.items()} == {
        "dropped": (CANCELLED, 4, 4),
        "gone": (CANCELLED, 5, 4),
        "kept": (CANCELLED, 4, 4),
    }


def test_publish_plan_writes_calendars_and_history(
    nhs2008_scenario, plan, kit, tmp_path
):
    """publish_plan gives plan.json and calendars in DIR/latest, and the history."""
    done = publish_plan(tmp_path, nhs2008_scenario, plan, issued_at=kit.stamp)
    version, files = done.version, done.files
    latest = tmp_path / "latest"
    written = sorted(
        p.relative_to(latest).as_posix() for p in latest.rglob("*") if p.is_file()
    )
    assert written == sorted(files)
    assert (tmp_path / HISTORY_FILE).is_file()
    assert "calendars/internal/people/darzi.ics" in files
    assert "calendars/public/regions/Q30.ics" in files
    assert not any(name.startswith("calendars/public/people/") for name in files)
    assert files == plan_outputs(nhs2008_scenario, plan, version)
    assert version.number == 1
    entries = {e.uid for e in plan_items(plan)}
    assert set(version.sequences) == entries


def test_plan_outputs_without_version_has_no_calendars(nhs2008_scenario, plan):
    """Without an issued version no calendars are written (the plan file is)."""
    files = plan_outputs(nhs2008_scenario, plan)
    assert "plan.json" in files
    assert not any(name.startswith("calendars/") for name in files)


def test_version_zero_means_unrecorded(kit):
    """An unrecorded version has no sequences and no cancellations."""
    version = PlanVersion.unrecorded(kit.stamp)
    assert (version.number, version.sequence("x"), version.cancelled) == (0, 0, ())


def test_a_version_keeps_the_names_it_was_issued_with(nhs2008_scenario, kit, tmp_path):
    """changes can name people and venues from the history, without the scenario."""
    history = PlanHistory.in_folder(tmp_path)
    plans = three_versions(nhs2008_scenario, kit)
    names = EntryNames.of(nhs2008_scenario)
    history.record(plans[0], issued_at=kit.stamp, names=names)
    renamed = attrs.evolve(names, venues={**names.venues, "5ND-point": "Durham Hall"})
    history.record(plans[1], issued_at=kit.stamp.add(days=1))
    history.record(plans[2], issued_at=kit.stamp.add(days=2), names=renamed)
    reopened = PlanHistory(tmp_path / HISTORY_FILE)
    assert reopened.names(1) == names
    assert reopened.names(2) is None  # recorded without names
    assert reopened.names(3) == renamed
    table = render_changes_table(reopened.changes(2), names=reopened.names(3))
    assert "Durham Hall" in table
    assert "5ND-point" not in table
    assert names.people["darzi"] == nhs2008_scenario.person_by_id["darzi"].name


def test_a_schema_2_history_gains_the_names_table(plan, kit, tmp_path):
    """A history written before names were kept is migrated in place, data kept."""
    path = tmp_path / HISTORY_FILE
    PlanHistory(path).record(plan, issued_at=kit.stamp)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE names")
        db.execute("PRAGMA user_version = 2")
    db.close()
    history = PlanHistory(path)
    assert history.names(1) is None
    assert [v.number for v in history.versions()] == [1]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
