"""Reading roadshow's calendars back into a Plan (for `roadshow check FILE.ics`)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from roadshow.errors import DiaryFileError, SkippedContentWarning
from roadshow.exporters.ics import PlanVersion, event_uid, render_ics
from roadshow.importers.plan_ics import load_plan_ics, parse_plan_ics

VISIT = event_uid("nhs-2008", "listening-Q30")


def render(scenario, plan, kit) -> bytes:
    return render_ics(scenario, plan, PlanVersion.unrecorded(kit.stamp))


def edit(data: bytes, change) -> str:
    """Apply *change* to each VEVENT, as a calendar program would, and export."""
    calendar = icalendar.Calendar.from_ical(data)
    for event in calendar.walk("VEVENT"):
        change(event)
    return calendar.to_ical().decode()


def test_round_trip(nhs2008_scenario, plan, kit):
    """A rendered plan reads back as the same plan: events, legs and stays."""
    text = render(nhs2008_scenario, plan, kit).decode()
    assert parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario) == plan


def test_events_are_recognised_without_roadshow_properties(nhs2008_scenario, plan, kit):
    """Without X-ROADSHOW-* (dropped by a calendar program) UID and LOCATION do."""

    def strip(event):
        for name in [n for n in event if n.startswith("X-ROADSHOW-")]:
            del event[name]

    text = edit(render(nhs2008_scenario, plan, kit), strip)
    with pytest.warns(SkippedContentWarning, match="not an event of scenario nhs-2008"):
        found = parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)
    assert found.events == plan.events
    assert found.legs == ()


def test_moved_event_is_read_at_its_new_time(nhs2008_scenario, plan, kit):
    """An event dragged to another time in a calendar reads back at that time."""

    def move(event):
        if str(event["UID"]) == VISIT:
            event["DTSTART"].dt += dt.timedelta(days=1, hours=2)
            event["DTEND"].dt += dt.timedelta(days=1, hours=2)

    text = edit(render(nhs2008_scenario, plan, kit), move)
    found = parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)
    (visit,) = [e for e in found.events if e.request_id == "listening-Q30"]
    assert visit.start == kit.at(9, 9, 12)
    assert visit.end == kit.at(9, 9, 14, 30)


def test_cancelled_event_is_unplaced(nhs2008_scenario, plan, kit):
    """An event cancelled in the calendar becomes an unplaced request."""

    def cancel(event):
        if str(event["UID"]) == VISIT:
            event["STATUS"] = "CANCELLED"

    text = edit(render(nhs2008_scenario, plan, kit), cancel)
    found = parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)
    assert [u.request_id for u in found.unplaced] == ["listening-Q30"]
    assert "listening-Q30" not in {e.request_id for e in found.events}


def test_unknown_location_names_the_line(nhs2008_scenario, plan, kit, recwarn):
    """An event whose venue cannot be told is an error at its LOCATION line."""

    def relocate(event):
        for name in [n for n in event if n.startswith("X-ROADSHOW-")]:
            del event[name]
        if str(event["UID"]) == event_uid("nhs-2008", "leadership-event"):
            event["LOCATION"] = "The pub"

    text = edit(render(nhs2008_scenario, plan, kit), relocate)
    with pytest.raises(DiaryFileError, match=r"plan\.ics, line \d+: the venue of lea"):
        parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)


def test_foreign_events_are_skipped_with_a_warning(nhs2008_scenario, kit):
    """An event that is not roadshow's is skipped, with a warning naming its line."""
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:lunch@example.org\n"
        "DTSTART:20080908T120000Z\nDTEND:20080908T130000Z\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.warns(SkippedContentWarning, match="line 3: event skipped"):
        found = parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)
    assert found.events == ()


def test_all_day_programme_event_is_refused(nhs2008_scenario, plan, kit):
    """An event turned into an all-day one has no times to check: an error."""

    def all_day(event):
        if str(event["UID"]) == VISIT:
            del event["DTSTART"]
            del event["DTEND"]
            event.add("DTSTART", dt.date(2008, 9, 8))
            event.add("DTEND", dt.date(2008, 9, 9))

    text = edit(render(nhs2008_scenario, plan, kit), all_day)
    with pytest.raises(DiaryFileError, match="start and end time"):
        parse_plan_ics(text, source="plan.ics", scenario=nhs2008_scenario)


def test_load_plan_ics(nhs2008_scenario, plan, kit, tmp_path):
    """load_plan_ics reads a file."""
    path = tmp_path / "plan.ics"
    path.write_bytes(render(nhs2008_scenario, plan, kit))
    assert load_plan_ics(path, nhs2008_scenario) == plan
