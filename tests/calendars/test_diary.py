"""Importing an existing diary (.ics) as commitments: recurrence, zones, errors."""

from __future__ import annotations

import warnings

import pendulum
import pytest

from roadshow.errors import DiaryFileError, RepairedTextWarning, SkippedContentWarning
from roadshow.importers.diary import load_diary, parse_diary

WINDOW = {
    "start_on": pendulum.date(2008, 9, 8),
    "end_on": pendulum.date(2008, 10, 8),
    "timezone": "Europe/London",
}

# An Outlook-style export: a Windows zone name defined by its own VTIMEZONE, a
# weekly meeting with one occurrence moved and one cancelled, all-day events
# (busy and free), a cancelled event, a private event, a floating time, a to-do.
DIARY = """\
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 12.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
BEGIN:VTIMEZONE
TZID:Private Office Time
BEGIN:STANDARD
DTSTART:16011028T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0100
TZOFFSETTO:-0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T010000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:-0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:weekly-1
SUMMARY:Weekly ministers' meeting
DTSTART;TZID=Private Office Time:20080902T090000
DTEND;TZID=Private Office Time:20080902T100000
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20081028T090000Z
EXDATE;TZID=Private Office Time:20080923T090000
END:VEVENT
BEGIN:VEVENT
UID:weekly-1
RECURRENCE-ID;TZID=Private Office Time:20080930T090000
SUMMARY:Weekly ministers' meeting (moved)
DTSTART;TZID=Private Office Time:20080930T140000
DTEND;TZID=Private Office Time:20080930T150000
END:VEVENT
BEGIN:VEVENT
UID:away-1
SUMMARY:Away: visit to Brussels
DTSTART;VALUE=DATE:20080917
DTEND;VALUE=DATE:20080918
TRANSP:OPAQUE
END:VEVENT
BEGIN:VEVENT
UID:birthday-1
SUMMARY:Birthday (free)
DTSTART;VALUE=DATE:20080919
DTEND;VALUE=DATE:20080920
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:cancelled-1
SUMMARY:Cancelled lunch
STATUS:CANCELLED
DTSTART:20080915T110000Z
DTEND:20080915T130000Z
END:VEVENT
BEGIN:VEVENT
UID:private-1
SUMMARY:Dentist
CLASS:PRIVATE
DTSTART:20081001T150000Z
DTEND:20081001T160000Z
END:VEVENT
BEGIN:VEVENT
UID:floating-1
SUMMARY:Call with the PM
DTSTART:20081003T170000
DTEND:20081003T173000
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
END:VEVENT
BEGIN:VEVENT
UID:outside-1
SUMMARY:Before the window
DTSTART:20080801T090000Z
DTEND:20080801T100000Z
END:VEVENT
BEGIN:VTODO
UID:todo-1
SUMMARY:Write speech
END:VTODO
END:VCALENDAR
"""


def read(text: str, **overrides):
    return parse_diary(
        text, source="diary.ics", person_id="darzi", **{**WINDOW, **overrides}
    )


def london(day: int, month: int, hour: int, minute: int = 0):
    return pendulum.datetime(2008, month, day, hour, minute, tz="Europe/London")


def test_busy_time_in_the_window(recwarn):
    """Recurring, moved, all-day, private and floating events become commitments."""
    found = [(c.start, c.end, c.label) for c in read(DIARY)]
    meeting = "Weekly ministers' meeting"
    assert found == [
        (london(9, 9, 9), london(9, 9, 10), meeting),
        (london(16, 9, 9), london(16, 9, 10), meeting),
        (london(17, 9, 0), london(18, 9, 0), "Away: visit to Brussels"),
        # 23 Sep is excluded (EXDATE); 30 Sep is moved to the afternoon.
        (london(30, 9, 14), london(30, 9, 15), f"{meeting} (moved)"),
        (london(1, 10, 16), london(1, 10, 17), "Busy"),
        (london(3, 10, 17), london(3, 10, 17, 30), "Call with the PM"),
        (london(7, 10, 9), london(7, 10, 10), meeting),
    ]
    assert all(c.person_id == "darzi" for c in read(DIARY))


def test_weekly_meeting_keeps_local_time_across_the_clock_change(recwarn):
    """After summer time ends the meeting stays at 09:00 London, now 09:00 UTC."""
    found = read(DIARY, end_on=pendulum.date(2008, 10, 31))
    late = [c for c in found if c.start.month == 10 and c.start.day == 28]
    assert [c.start.in_timezone("UTC").hour for c in late] == [9]
    assert [c.start.in_timezone("Europe/London").hour for c in late] == [9]


def test_unsupported_components_are_skipped_with_a_warning():
    """The to-do is skipped with a SkippedContentWarning naming its line."""
    with pytest.warns(
        SkippedContentWarning, match=r"diary\.ics, line 76: VTODO skipped"
    ):
        read(DIARY)


def test_same_text_same_commitments(recwarn):
    """Reading a diary twice gives the same sorted, duplicate-free commitments."""
    assert read(DIARY) == read(DIARY)
    doubled = DIARY.replace("END:VCALENDAR\n", "") + DIARY.split("METHOD:PUBLISH\n")[1]
    assert read(doubled) == read(DIARY)


def test_load_diary_reads_a_file(tmp_path, recwarn):
    """load_diary reads a UTF-8 file with CRLF line ends."""
    path = tmp_path / "darzi.ics"
    path.write_bytes(DIARY.replace("\n", "\r\n").encode("utf-8"))
    assert load_diary(path, person_id="darzi", **WINDOW) == read(DIARY)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "diary.ics: the file is empty; expected an iCalendar file."),
        ("hello\n", 'diary.ics, line 1: expected BEGIN:VCALENDAR, got "hello".'),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nthis is not a line\n",
            "diary.ics, line 4: expected a content line",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VTODO\nEND:VCALENDAR\n",
            'diary.ics, line 4: expected END:VEVENT, got "END:VTODO".',
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n",
            "diary.ics, end of file: BEGIN:VEVENT on line 2 is never closed.",
        ),
        (
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:2008-09-08\n"
                "END:VEVENT\nEND:VCALENDAR\n"
            ),
            "diary.ics, line 4: DTSTART cannot be read",
        ),
        (
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20080908T100000Z\n"
                "RRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n"
            ),
            "diary.ics, line 5: RRULE cannot be read",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
            "diary.ics, line 2: the event has no DTSTART.",
        ),
        (
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n"
                "DTSTART;TZID=Mars/Olympus:20080908T100000\nDTEND:20080908T110000Z\n"
                "END:VEVENT\nEND:VCALENDAR\n"
            ),
            'diary.ics, line 4: unknown time zone "Mars/Olympus"',
        ),
        (
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20080908T100000Z\n"
                "DTEND:20080908T090000Z\nEND:VEVENT\nEND:VCALENDAR\n"
            ),
            "diary.ics, line 5: the event ends before it starts",
        ),
    ],
    ids=[
        "empty",
        "not-ics",
        "bad-line",
        "wrong-end",
        "unclosed",
        "bad-date",
        "bad-rule",
        "no-start",
        "unknown-zone",
        "ends-before-start",
    ],
)
def test_malformed_diaries_name_the_file_and_line(text, message):
    """A malformed diary raises DiaryFileError naming the file and the line."""
    with pytest.raises(DiaryFileError) as caught:
        read(text)
    assert str(caught.value).startswith(message), str(caught.value)


def test_folded_lines_are_counted_as_written():
    """Line numbers count physical lines, so a folded line moves later ones down."""
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:a long\n  folded title\n"
        "DTSTART:bad\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(DiaryFileError, match=r"line 6: DTSTART"):
        read(text)


def test_non_utf8_file_is_read_as_latin_1(tmp_path):
    """A calendar that is not UTF-8 is read as Latin-1, warning with its line (#16)."""
    path = tmp_path / "diary.ics"
    path.write_bytes(DIARY.replace("Brussels", "Li\xe8ge").encode("latin-1"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = load_diary(path, person_id="darzi", **WINDOW)
    repairs = [str(w.message) for w in caught if w.category is RepairedTextWarning]
    line = DIARY[: DIARY.index("Brussels")].count("\n") + 1
    expected = (
        f"{path}, line {line}: the file is not UTF-8 text (byte 0xe8); read as"
        " Windows-1252 (Latin-1) text"
    )
    assert repairs == [expected]
    assert "Away: visit to Li\xe8ge" in [c.label for c in found]


def test_missing_file_is_refused(tmp_path):
    """A missing file is bad input naming it."""
    with pytest.raises(DiaryFileError, match="cannot read the file"):
        load_diary(tmp_path / "none.ics", person_id="darzi", **WINDOW)


def scenario_with_diary(tmp_path, runner):
    """The bundled scenario written out by `roadshow init`, with Darzi's diary added."""
    from roadshow.cli import cli

    result = runner.invoke(cli, ["-q", "init", str(tmp_path / "tour")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "tour"
    (folder / "darzi.ics").write_text(DIARY, encoding="utf-8")
    with (folder / "scenario.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[diaries]]\nperson = "darzi"\nfile = "darzi.ics"\n')
    return folder / "scenario.toml"


def test_scenario_diaries_entry_adds_commitments(tmp_path, runner, recwarn):
    """A [[diaries]] entry turns the diary's busy time into the person's commitments."""
    from roadshow.importers.scenario import load_scenario

    scenario = load_scenario(scenario_with_diary(tmp_path, runner))
    labels = [
        (c.start, c.label) for c in scenario.commitments if c.person_id == "darzi"
    ]
    assert (london(9, 9, 9), "Weekly ministers' meeting") in labels
    assert (london(17, 9, 0), "Away: visit to Brussels") in labels


def test_scenario_diary_errors_name_the_diary_file(tmp_path, runner):
    """A broken diary named by a scenario is reported with the diary's file and line."""
    from roadshow.importers.scenario import load_scenario

    path = scenario_with_diary(tmp_path, runner)
    (path.parent / "darzi.ics").write_text("BEGIN:VCALENDAR\nnonsense\n")
    with pytest.raises(DiaryFileError, match=r"darzi\.ics, line 2: expected a content"):
        load_scenario(path)


def test_planner_avoids_the_diary(tmp_path, runner, recwarn):
    """The planner puts no Darzi event or journey on the diary's busy time."""
    planner = pytest.importorskip(
        "roadshow.planner", reason="the planner is not merged yet"
    )
    from roadshow.importers.scenario import load_scenario

    scenario = load_scenario(scenario_with_diary(tmp_path, runner))
    busy = [
        (c.start, c.end)
        for c in scenario.commitments
        if c.person_id == "darzi" and c.label.startswith(("Weekly", "Away"))
    ]
    assert len(busy) >= 6
    plan = planner.plan(scenario)
    for event in plan.events_for("darzi"):
        for start, end in busy:
            assert not (event.start < end and start < event.end), (event, start)
    for leg in plan.legs_for("darzi"):
        for start, end in busy:
            assert not (leg.depart < end and start < leg.arrive), (leg, start)
