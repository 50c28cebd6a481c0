"""The pure sync planner of roadshow publish: every case of its table, no server."""

from __future__ import annotations

from pathlib import Path

import icalendar

from roadshow.publish import Record, Remote, Wanted, changes_since, plan_sync
from roadshow.publish._sync import split_calendar

TEN = {"SUMMARY": "Listening event", "DTSTART": "2008-09-08T09:00:00+00:00"}
TWO = {**TEN, "DTSTART": "2008-09-08T13:00:00+00:00"}


def wanted(fields=TEN, body=b"v1") -> Wanted:
    return Wanted(uid="u", name="u.ics", body=body, fields=fields)


def remote(fields=TEN, etag='"1"') -> Remote:
    return Remote(uid="u", href="http://s/c/u.ics", etag=etag, fields=fields)


def record(fields=TEN, etag='"1"', body=b"v1") -> Record:
    return Record(
        uid="u",
        href="http://s/c/u.ics",
        etag=etag,
        digest=wanted(body=body).digest,
        fields=fields,
    )


def kinds(want=None, have=None, rec=None, *, force=False) -> list[str]:
    actions = plan_sync(
        {"u": want} if want else {},
        {"u": have} if have else {},
        {"u": rec} if rec else {},
        force=force,
    )
    return [a.kind for a in actions]


def test_new_event_is_created():
    assert kinds(wanted()) == ["create"]


def test_unchanged_event_sends_nothing():
    assert kinds(wanted(), remote(), record()) == ["keep"]


def test_changed_plan_updates_an_untouched_copy_with_its_etag():
    (action,) = plan_sync({"u": wanted(TWO, b"v2")}, {"u": remote()}, {"u": record()})
    assert (action.kind, action.etag, action.href) == (
        "update",
        '"1"',
        "http://s/c/u.ics",
    )


def test_hand_edit_is_a_conflict_with_both_sides():
    (action,) = plan_sync({"u": wanted()}, {"u": remote(TWO, '"2"')}, {"u": record()})
    assert action.kind == "conflict"
    assert action.differences() == [("DTSTART", TEN["DTSTART"], TWO["DTSTART"])]
    assert kinds(wanted(), remote(TWO, '"2"'), record(), force=True) == ["update"]


def test_copy_that_already_matches_is_adopted_not_written():
    """A run cut short, or a lost record: the server already says what the plan says."""
    assert kinds(wanted(), remote(etag='"9"'), record()) == ["adopt"]
    assert kinds(wanted(), remote(etag=None)) == ["adopt"]


def test_unknown_copy_that_differs_is_a_conflict():
    assert kinds(wanted(), remote(TWO)) == ["conflict"]


def test_deleted_on_the_server_is_a_conflict_unless_forced():
    assert kinds(wanted(), None, record()) == ["conflict"]
    assert kinds(wanted(), None, record(), force=True) == ["create"]


def test_gone_from_the_plan_is_deleted_if_untouched():
    assert kinds(None, remote(), record()) == ["delete"]
    assert kinds(None, remote(TWO, '"2"'), record()) == ["conflict"]
    assert kinds(None, remote(TWO, '"2"'), record(), force=True) == ["delete"]


def test_someone_elses_event_is_left_alone():
    assert kinds(None, remote()) == []
    assert kinds(None, None, record()) == []


def test_changes_since_the_last_publish():
    published = {"u": record()}
    assert changes_since(published, {"u": remote()}) == []
    (moved,) = changes_since(published, {"u": remote(TWO)})
    assert (moved.kind, moved.pins) == ("moved", True)
    (gone,) = changes_since(published, {})
    assert (gone.kind, gone.after, gone.pins) == ("cancelled", None, False)
    (cancelled,) = changes_since(
        published, {"u": remote({**TEN, "STATUS": "CANCELLED"})}
    )
    assert cancelled.kind == "cancelled"
    (edited,) = changes_since(published, {"u": remote({**TEN, "SUMMARY": "x"})})
    assert (edited.kind, edited.pins) == ("edited", False)
    (placed,) = changes_since(published, {"u": remote({**TEN, "LOCATION": "Hall"})})
    assert (placed.kind, placed.pins) == ("edited", True)
    (added,) = changes_since({}, {"u": remote()})
    assert added.kind == "added"


def test_split_calendar_gives_stable_resources_without_method():
    data = (Path(__file__).parent / "golden/first-issue.ics").read_bytes()
    first, again = split_calendar(data), split_calendar(data)
    assert first == again
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert set(first) == {str(e["UID"]) for e in events}
    for uid, resource in first.items():
        parsed = icalendar.Calendar.from_ical(resource.body)
        assert "METHOD" not in parsed
        assert [str(e["UID"]) for e in parsed.walk("VEVENT")] == [uid]
        tzids = {
            str(p.params["TZID"])
            for e in parsed.walk("VEVENT")
            for _, p in e.property_items(recursive=False)
            if hasattr(p, "params") and "TZID" in p.params
        }
        assert tzids <= {str(z["TZID"]) for z in parsed.walk("VTIMEZONE")}
