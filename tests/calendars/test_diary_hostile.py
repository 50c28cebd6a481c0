"""Diaries as real programs write them, quirks included, and hostile ones (#16).

Each test feeds a small calendar to :func:`parse_diary` and checks the busy time
read and the warning given; the hostile files whose message is the whole point
live in ``tests/bad_inputs/ics/``.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from roadshow.cli import cli
from roadshow.errors import (
    DiaryFileError,
    DuplicateEventWarning,
    RepairedTextWarning,
    SkippedContentWarning,
)
from roadshow.importers._ics import decode_ics
from roadshow.importers._windows_zones import DISPLAY_NAMES
from roadshow.importers._zones import iana_zone
from roadshow.importers.diary import load_diary, parse_diary, parse_diary_import

WINDOW = {
    "start_on": pendulum.date(2008, 9, 8),
    "end_on": pendulum.date(2008, 10, 8),
    "timezone": "Europe/London",
}


def calendar(*parts: str) -> str:
    """A calendar of the given components (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for part in parts:
        lines += part.strip().splitlines()
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def event(*lines: str, uid: str = "e1", summary: str = "Meeting") -> str:
    """A VEVENT with the given lines."""
    return "\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{summary}", *lines, "END:VEVENT"]
    )


def read(text: str) -> list[tuple[str, str, str]]:
    """The commitments read, as (start, end, label) in ISO form."""
    found = parse_diary(text, source="diary.ics", person_id="darzi", **WINDOW)
    return [(c.start.isoformat(), c.end.isoformat(), c.label) for c in found]


HOUR = ("DTSTART:20080910T090000Z", "DTEND:20080910T100000Z")
AT_TEN = ("2008-09-10T10:00:00+01:00", "2008-09-10T11:00:00+01:00", "Meeting")


def test_whole_day_with_a_zone_is_the_day_itself():
    """ownCloud's DTSTART;TZID=...;VALUE=DATE blocks the day, not the zone's hours."""
    text = calendar(
        event(
            "DTSTART;TZID=America/New_York;VALUE=DATE:20080910",
            "DTEND;TZID=America/New_York;VALUE=DATE:20080911",
        )
    )
    assert read(text) == [
        ("2008-09-10T00:00:00+01:00", "2008-09-11T00:00:00+01:00", "Meeting")
    ]


def test_same_uid_twice_keeps_both_and_warns():
    """Two different events sharing a UID are both busy time, with a warning."""
    text = calendar(
        event(*HOUR, summary="One"),
        event("DTSTART:20080911T090000Z", "DTEND:20080911T100000Z", summary="Two"),
    )
    with pytest.warns(DuplicateEventWarning, match=r"line 11: a second event with"):
        found = read(text)
    assert [label for _start, _end, label in found] == ["One", "Two"]


def test_events_without_uid_are_all_read():
    """Events with no UID at all are each read (none swallows another)."""
    one = event(*HOUR).replace("UID:e1\n", "")
    two = event("DTSTART:20080911T090000Z", "DTEND:20080911T100000Z")
    assert len(read(calendar(one, two.replace("UID:e1\n", "")))) == 2


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("CREATED:00001231T000000Z", "CREATED"),
        ("RDATE:20131210Z", "RDATE"),
        ("LAST-MODIFIED:2008", "LAST-MODIFIED"),
    ],
)
def test_unreadable_unneeded_property_is_skipped(line, name):
    """A property roadshow does without that cannot be read is skipped, named."""
    text = calendar(event(*HOUR, line))
    with pytest.warns(SkippedContentWarning, match=rf"line 9: {name} skipped"):
        assert read(text) == [AT_TEN]


def test_unreadable_start_is_still_an_error():
    """An unreadable DTSTART is needed, so it stays an error with its line."""
    text = calendar(event("DTSTART:2008-09-10", "DTEND:20080910T100000Z"))
    with pytest.raises(DiaryFileError, match=r"line 7: DTSTART cannot be read"):
        read(text)


ICLOUD_ZONE = """
BEGIN:VTIMEZONE
TZID:Asia/Kolkata
BEGIN:STANDARD
DTSTART:18540101T000000
TZOFFSETFROM:+5328
TZOFFSETTO:+0530
END:STANDARD
END:VTIMEZONE
"""


def test_broken_vtimezone_of_an_iana_zone_uses_the_iana_zone():
    """iCloud's TZOFFSETFROM:+5328: the VTIMEZONE is skipped, Asia/Kolkata used."""
    text = calendar(
        ICLOUD_ZONE,
        event(
            "DTSTART;TZID=Asia/Kolkata:20080910T093000",
            "DTEND;TZID=Asia/Kolkata:20080910T103000",
        ),
    )
    with pytest.warns(SkippedContentWarning, match=r"IANA zone Asia/Kolkata"):
        found = read(text)
    assert found == [
        ("2008-09-10T05:00:00+01:00", "2008-09-10T06:00:00+01:00", "Meeting")
    ]


def test_broken_unused_vtimezone_is_skipped():
    """A broken VTIMEZONE no event uses is skipped with a warning."""
    text = calendar(ICLOUD_ZONE.replace("Asia/Kolkata", "Old Zone"), event(*HOUR))
    with pytest.warns(SkippedContentWarning, match=r"no event uses it"):
        assert read(text) == [AT_TEN]


def test_windows_zone_id_without_vtimezone():
    """Outlook's "GMT Standard Time" with no VTIMEZONE is Europe/London."""
    text = calendar(
        event(
            "DTSTART;TZID=GMT Standard Time:20080910T100000",
            "DTEND;TZID=GMT Standard Time:20080910T110000",
        )
    )
    assert read(text) == [AT_TEN]


def test_vendor_prefixed_zone():
    """A "globally unique" /vendor/Area/City TZID names the IANA zone."""
    text = calendar(
        event(
            "DTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20080910T100000",
            "DTEND;TZID=/mozilla.org/20050126_1/Europe/London:20080910T110000",
        )
    )
    assert read(text) == [AT_TEN]


def test_unknown_zone_in_a_skipped_component_is_no_error(recwarn):
    """A to-do (skipped) may name any zone: it is never read."""
    todo = "BEGIN:VTODO\nUID:t\nDUE;TZID=Europe:20080910T090000\nEND:VTODO"
    assert read(calendar(todo, event(*HOUR))) == [AT_TEN]
    assert any("VTODO skipped" in str(w.message) for w in recwarn)


def test_events_far_from_the_window_are_left_unread():
    """Events years away are not read, so even a broken one does not matter."""
    far = event("DTSTART:19990101T090000Z", "DTEND:19990101T100000Z", "GEO:x")
    assert read(calendar(far, event(*HOUR, uid="e2"))) == [AT_TEN]


def test_many_events_far_from_the_window_are_fine():
    """Ten thousand past events (beyond the cap) are left out, not refused."""
    past = [
        event("DTSTART:20010101T090000Z", "DTEND:20010101T100000Z", uid=f"p{n}")
        for n in range(10_000)
    ]
    assert read(calendar(*past, event(*HOUR))) == [AT_TEN]


def test_recurring_event_from_long_ago_is_still_read():
    """A weekly meeting that began years ago still blocks time in the window."""
    text = calendar(
        event(
            "DTSTART:20000906T090000Z",
            "DTEND:20000906T100000Z",
            "RRULE:FREQ=WEEKLY;UNTIL=20080911T000000Z",
        )
    )
    assert read(text) == [AT_TEN]


# --- text that is not quite UTF-8 ---------------------------------------------------

HERE = Path(__file__).parent


def test_latin_1_diary_is_read_with_a_warning(tmp_path):
    """A Latin-1 export is read as Windows-1252, with a warning naming the line."""
    with pytest.warns(RepairedTextWarning, match=r"line 9: the file is not UTF-8"):
        found = load_diary(HERE / "latin-1-diary.ics", person_id="darzi", **WINDOW)
    assert [c.label for c in found] == ["Café with the PM"]


def test_fold_inside_a_utf8_character_is_joined(tmp_path):
    """A line folded between the two bytes of "é" is read with the "é" whole."""
    text = calendar(event(*HOUR, summary="Caf\u00e9 with the PM"))
    data = text.encode().replace(b"Caf\xc3\xa9", b"Caf\xc3\r\n \xa9")
    path = tmp_path / "folded.ics"
    path.write_bytes(data)
    with pytest.warns(RepairedTextWarning, match=r"line 6: a line is folded inside"):
        found = load_diary(path, person_id="darzi", **WINDOW)
    assert [c.label for c in found] == ["Café with the PM"]


def test_binary_file_is_still_refused():
    """Bytes that are no calendar at all keep the "not UTF-8 text" error."""
    with pytest.raises(DiaryFileError, match="not UTF-8 text"):
        decode_ics(b"\xc5\x38\x19BEGIN:VCALENDAR", source="x.ics")


def test_import_diary_names_the_repair_in_its_summary(tmp_path):
    """The CLI prints the warning, and the summary counts it."""
    args = ["import-diary", str(HERE / "latin-1-diary.ics"), "--person", "darzi"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Warning: " in result.stderr
    assert "line 9: the file is not UTF-8 text" in result.stderr


# --- floating times and the import summary ------------------------------------------

FLOATING = event("DTSTART:20080910T090000", "DTEND:20080910T100000")


def test_floating_times_follow_x_wr_timezone():
    """With X-WR-TIMEZONE, floating times are read in that zone, and it is said."""
    text = calendar("X-WR-TIMEZONE:America/New_York", FLOATING)
    found = parse_diary_import(text, source="d.ics", person_id="darzi", **WINDOW)
    assert found.floating_zone == "America/New_York"
    assert found.floating_from == "the file's X-WR-TIMEZONE"
    assert found.commitments[0].start.isoformat() == "2008-09-10T14:00:00+01:00"


def test_floating_times_otherwise_take_the_persons_zone():
    """Without X-WR-TIMEZONE, floating times are in the person's zone."""
    found = parse_diary_import(
        calendar(FLOATING), source="d.ics", person_id="darzi", **WINDOW
    )
    assert (found.floating_zone, found.floating_from) == (
        "Europe/London",
        "the person's zone",
    )
    assert found.commitments[0].start.isoformat() == "2008-09-10T09:00:00+01:00"


def test_x_wr_timezone_naming_no_zone_is_skipped():
    """X-WR-TIMEZONE:Europe (a folder of zones) is skipped with a warning."""
    text = calendar("X-WR-TIMEZONE:Europe", FLOATING)
    with pytest.warns(SkippedContentWarning, match=r"line 4: X-WR-TIMEZONE skipped"):
        found = parse_diary_import(text, source="d.ics", person_id="darzi", **WINDOW)
    assert found.floating_from == "the person's zone"


def test_import_summary_says_the_zone_and_counts_warnings(tmp_path):
    """import-diary's last line names the floating zone and each kind of warning."""
    text = calendar(
        "X-WR-TIMEZONE:America/New_York",
        event(*HOUR, "CREATED:00001231T000000Z", summary="One"),
        event("DTSTART:20080911T090000Z", "DTEND:20080911T100000Z", summary="Two"),
    )
    path = tmp_path / "diary.ics"
    path.write_text(text, encoding="utf-8")
    args = ["import-diary", str(path), "--person", "darzi"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"2 busy periods for Lord Darzi from {path}; floating times read in"
        " America/New_York (the file's X-WR-TIMEZONE); 2 warnings: 1 shared UID,"
        " 1 skipped"
    )


@pytest.mark.parametrize(
    "tzid",
    [
        '"(UTC-05:00) Eastern Time (US & Canada)"',
        '"(GMT-05:00) Eastern Time (US & Canada)"',
        "Eastern Standard Time",
    ],
)
def test_windows_display_name_without_vtimezone(tzid):
    """Outlook's display names (and IDs) with no VTIMEZONE map to the IANA zone."""
    text = calendar(
        event(
            f"DTSTART;TZID={tzid}:20080910T050000", f"DTEND;TZID={tzid}:20080910T060000"
        )
    )
    assert read(text) == [AT_TEN]


def test_every_windows_display_name_maps_to_a_zone():
    """Each display name of the CLDR table reaches a zone of the database."""
    for name in DISPLAY_NAMES:
        assert iana_zone(name) is not None, name
