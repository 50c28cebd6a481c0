"""Diaries read within limits checked line by line, and far events skimmed (#16).

Every limit is hit with a real file and the message checked; skimming past far
events must give exactly what walking every line gives. (How fast a 50 MB diary
is read is measured by ``python -m bench.hostile``, not here.)
"""

from __future__ import annotations

import warnings

import pytest
from tests.calendars.test_diary_hostile import AT_TEN, HOUR, WINDOW, calendar, event

from roadshow.errors import DiaryFileError, ScenarioFileError, SkippedContentWarning
from roadshow.importers import _ics_outline
from roadshow.importers._ics_walk import (
    MAX_ALARMS,
    MAX_DEPTH,
    MAX_READ_LINES,
    MAX_ZONES,
    SHOWN_SKIPS,
)
from roadshow.importers.diary import parse_diary


def read(text: str) -> list[tuple[str, str, str]]:
    """The commitments read, as (start, end, label) in ISO form."""
    found = parse_diary(text, source="diary.ics", person_id="darzi", **WINDOW)
    return [(c.start.isoformat(), c.end.isoformat(), c.label) for c in found]


LONDON = """BEGIN:VTIMEZONE
TZID:Custom London
BEGIN:STANDARD
DTSTART:19701025T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE"""

# Events of every shape, near the window (2008-09-08 to 10-08) and far from it.
SHAPES = [
    event("DTSTART:20010910T090000Z", "DTEND:20010910T100000Z", uid="plain-past"),
    event("DTSTART:20080907T090000Z", "DTEND:20080907T100000Z", uid="two-days-off"),
    event("DTSTART:20080905T090000Z", "DTEND:20080905T100000Z", uid="three-days-off"),
    event("DTSTART:20081010T090000Z", "DTEND:20081010T100000Z", uid="just-after"),
    event("DTSTART:20200101T090000Z", "DTEND:20200101T100000Z", uid="far-future"),
    event(
        "DTSTART;TZID=Europe/London:20010911T090000",
        "DTEND;TZID=Europe/London:20010911T100000",
        uid="zoned",
    ),
    event(
        'DTSTART;TZID="Custom London":20080912T090000',
        'DTEND;TZID="Custom London":20080912T100000',
        uid="quoted-zone",
    ),
    event(
        "DTSTART;TZID=Europe/London;VALUE=DATE:20080915",
        "DTEND;TZID=Europe/London;VALUE=DATE:20080916",
        uid="whole-day",
    ),
    event(
        "DTSTART:20010912T090000Z",
        "DTEND:20010912T100000Z",
        "DESCRIPTION:a long line folded",
        " over two",
        uid="folded",
    ),
    event(
        "DTSTART:20080913T090000Z",
        "DTEND:20080913T100000Z",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15M",
        "DESCRIPTION:soon",
        "END:VALARM",
        uid="alarm",
    ),
    event(
        "DTSTART:20010914T090000Z",
        "DTEND:20010914T100000Z",
        *("BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM") * 2,
        uid="far-alarms",
    ),
    event(
        "DTSTART:20010915T090000Z",
        "DTEND:20010915T100000Z",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15M",
        "DURATION:PT5M",
        "REPEAT:2",
        "END:VALARM",
        uid="far-repeating-alarm",
    ),
    event("DTSTART:20000101T090000Z", "DTEND:20000101T100000Z", "RRULE:FREQ=YEARLY"),
    event("DTSTART:20080920T090000Z", "DURATION:PT2H", uid="lasting"),
    event("DTSTART:20010913", uid="no-end"),
    event("dtstart:20080914T090000Z", "dtend:20080914T100000Z", uid="lower-case"),
    event(
        "DTSTART:20080916T090000Z", "DTEND:20080916T100000Z", "ATTENDEE:a", "ATTENDEE:b"
    ),
]


TODO = "BEGIN:VTODO\nUID:t{n}\nSUMMARY:task\nDUE:20080910T090000Z\nEND:VTODO"
OTHERS = [
    *(TODO.format(n=n) for n in range(25)),
    "BEGIN:VJOURNAL\nUID:j\nSUMMARY:note\nEND:VJOURNAL",
    "BEGIN:VTODO\nUID:nested\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VTODO",
    "begin:vtodo\nUID:lower\nend:vtodo",
    "BEGIN:X-THING\nX-A:1\n folded\nEND:X-THING",
    "BEGIN:VTODO\nUID:big\n" + "X-NOTE:a line of a big to-do\n" * 3000 + "END:VTODO",
]


def _read_warned(text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = read(text)
    return found, sorted(str(w.message) for w in caught)


def test_skimming_gives_what_walking_every_line_gives(monkeypatch):
    """The fast path reads the same busy time, with the same warnings, as the slow."""
    text = calendar(LONDON, *OTHERS[:3], *SHAPES, *OTHERS, *SHAPES[:5], *OTHERS[:3])
    skimmed = _read_warned(text)
    monkeypatch.setattr(_ics_outline, "skim_run", lambda *_a, **_k: None)
    walked = _read_warned(text)
    assert skimmed == walked
    assert len(skimmed[0]) > 5
    assert any("VTODO skipped likewise" in message for message in skimmed[1])


def test_many_far_events_are_skimmed_and_in_window_ones_read():
    """Twenty thousand past events, zoned, are left out; the one in view is read."""
    past = [
        event(
            f"DTSTART;TZID=Europe/London:2001{1 + n % 12:02}10T090000",
            "DTEND:20011201T100000Z",
            uid=f"p{n}",
        )
        for n in range(20_000)
    ]
    assert read(calendar(*past, event(*HOUR), *past[:10])) == [AT_TEN]


def test_unknown_zone_in_a_far_event_is_still_an_error():
    """A left-out event is not read, but a TZID naming no zone is named at its line."""
    far = event("DTSTART;TZID=Mars/Olympus:20010101T090000", "DTEND:20010101T100000Z")
    text = calendar(event(*HOUR, uid="e0"), far)
    with pytest.raises(
        DiaryFileError, match=r'line 13: unknown time zone "Mars/Olympus"'
    ):
        read(text)


def test_skipped_components_are_warned_of_twenty_then_counted(recwarn):
    """A file of to-dos warns of the first twenty, then of how many more."""
    todos = [
        f"BEGIN:VTODO\nUID:t{n}\nSUMMARY:x\nEND:VTODO" for n in range(SHOWN_SKIPS + 30)
    ]
    assert read(calendar(*todos, event(*HOUR))) == [AT_TEN]
    messages = [str(w.message) for w in recwarn if w.category is SkippedContentWarning]
    assert len(messages) == SHOWN_SKIPS + 1
    assert messages[0] == (
        "diary.ics, line 4: VTODO skipped; roadshow reads only events (VEVENT) as"
        " busy time"
    )
    assert messages[-1] == "diary.ics: 30 more VTODO skipped likewise"


@pytest.mark.filterwarnings("ignore::roadshow.errors.SkippedContentWarning")
def test_components_nested_too_deeply_are_refused():
    """X- components nested deeper than the limit: refused at the line, not read."""
    depth = MAX_DEPTH + 5
    nest = "\n".join(["BEGIN:X-A"] * depth + ["END:X-A"] * depth)
    with pytest.raises(DiaryFileError) as caught:
        read(calendar(nest))
    assert str(caught.value) == (
        f"diary.ics, line {MAX_DEPTH + 3}: the components are nested too deeply;"
        f" expected at most {MAX_DEPTH} components one inside another."
    )


def test_too_many_time_zones_are_refused():
    """A file defining more VTIMEZONEs than the limit is refused at the one over."""
    zones = [LONDON.replace("Custom London", f"Zone {n}") for n in range(MAX_ZONES + 1)]
    with pytest.raises(DiaryFileError) as caught:
        read(calendar(*zones))
    over = 4 + MAX_ZONES * LONDON.count("\n") + MAX_ZONES
    assert str(caught.value) == (
        f"diary.ics, line {over}: the file holds too many time zones;"
        f" expected at most {MAX_ZONES:,} time zones (VTIMEZONE)."
    )


def test_too_many_alarms_are_refused():
    """One event in the window with more alarms than the limit."""
    alarm = "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:x\nEND:VALARM"
    with pytest.raises(
        DiaryFileError, match="the file holds too many alarms; expected"
    ):
        read(calendar(event(*HOUR, *[alarm] * (MAX_ALARMS + 1))))


def test_too_many_lines_in_the_window_are_refused():
    """An event in the window with more lines than roadshow reads at all."""
    lines = [f"X-NOTE-{n}:x" for n in range(MAX_READ_LINES)]
    with pytest.raises(DiaryFileError) as caught:
        read(calendar(event(*HOUR, *lines)))
    assert str(caught.value) == (
        f"diary.ics, line {MAX_READ_LINES + 1}: the file holds too many lines to"
        f" read; expected at most {MAX_READ_LINES:,} lines in the events that may"
        " fall in the planning window, their time zones and the calendar's own"
        " properties."
    )


def test_a_property_twice_in_an_event_in_the_window_is_still_an_error():
    """Skimming changes nothing for events that are read."""
    with pytest.raises(DiaryFileError, match="SUMMARY appears twice in VEVENT"):
        read(calendar(event(*HOUR, "SUMMARY:again")))


def test_a_table_of_too_many_rows_is_refused(tmp_path):
    """A venues table over the row limit: refused at the row over, naming the file."""
    from roadshow.importers.tables import MAX_ROWS, read_rows

    head = "id,name,lat,lon\n"
    text = head + "".join(f"v{n},Hall,54.0,-1.0\n" for n in range(MAX_ROWS + 1))
    rows = read_rows(text, source="venues.csv", required=["id", "name", "lat", "lon"])
    with pytest.raises(ScenarioFileError, match="too many rows") as caught:
        for _row in rows:
            pass
    assert str(caught.value) == (
        f"venues.csv, line {MAX_ROWS + 2}: the table has too many rows;"
        f" expected at most {MAX_ROWS:,} rows."
    )
