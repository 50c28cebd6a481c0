"""Reading iCalendar text with line numbers: shared by the .ics importers.

``icalendar`` parses leniently and reports no line numbers, so :func:`read_ics`
first walks the content lines itself (splitting each with icalendar's own
``Contentline``) to check the BEGIN/END nesting and note where every component
and property is written. Errors then name the file and the line.

A content line longer than :data:`MAX_LINE_CHARS` (after unfolding) is refused
before icalendar reads it: such a line is no diary entry (roadshow reads no
attachments), and reading one costs seconds and hundreds of megabytes.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Final

import icalendar
from attrs import field, frozen
from icalendar.parser import Contentline

from roadshow.errors import Described, DiaryFileError, SkippedContentWarning, quote

MAX_LINE_CHARS: Final = 1_000_000
"""The longest content line read (after unfolding): a megabyte of text."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Properties a component has at most once (RFC 5545, 3.4, 3.6.1, 3.6.5): a
# second one leaves roadshow to guess which is meant, and icalendar's time zone
# code fails on some.
_ONCE = {
    "VCALENDAR": frozenset({"CALSCALE", "METHOD", "PRODID", "VERSION"}),
    "VEVENT": frozenset(
        {
            "CLASS",
            "CREATED",
            "DESCRIPTION",
            "DTEND",
            "DTSTAMP",
            "DTSTART",
            "DURATION",
            "GEO",
            "LAST-MODIFIED",
            "LOCATION",
            "ORGANIZER",
            "PRIORITY",
            "RECURRENCE-ID",
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "TRANSP",
            "UID",
            "URL",
        }
    ),
    "VTIMEZONE": frozenset({"LAST-MODIFIED", "TZID", "TZURL"}),
    "STANDARD": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
    "DAYLIGHT": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
    "VALARM": frozenset({"ACTION", "DESCRIPTION", "DURATION", "REPEAT", "TRIGGER"}),
}
_READ = frozenset(
    {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}
)


def read_ics(
    text: str, source: str, *, reads: str
) -> tuple[list[icalendar.Calendar], list[tuple[icalendar.Component, Block]]]:
    """Parse iCalendar text; return its calendars and each component with its lines.

    Every component is checked: properties icalendar could not read, events
    without a start, times in an unknown zone, and events that end before they
    start are errors. Components other than calendars, events, time zones and
    alarms are skipped with a :class:`SkippedContentWarning` saying what the
    caller *reads* instead.

    Raises:
        DiaryFileError: the text is malformed (naming the line).
    """
    outline = _outline(text, source)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        # A value icalendar cannot read outside an event (events collect theirs
        # in .errors): a time zone's offset, say. Find its line.
        raise _unreadable(text, source, exc) from None
    components = [c for calendar in calendars for c in calendar.walk()]
    if [c.name for c in components] != [block.name for block in outline]:
        # icalendar tolerates some nesting the outline refuses; never guess.
        msg = "the file's components could not be read as written"
        raise DiaryFileError(msg, source=source)
    pairs = []
    for component, block in zip(components, outline, strict=True):
        if block.name in _READ:
            _check(component, block, source)
            pairs.append((component, block))
        else:
            warnings.warn(
                f"{source}, line {block.line}: {block.name} skipped; {reads}",
                SkippedContentWarning,
                stacklevel=3,
            )
    return calendars, pairs


def value_of(component: icalendar.Component, name: str) -> dt.date | None:
    """Return the date or date-time of a property, or None."""
    value = getattr(component.get(name), "dt", None)
    return value if isinstance(value, dt.date) else None


# --- the outline: where each component and property is -----------------------------


@frozen
class Block:
    """One component as written: its name and the lines of its properties."""

    name: str
    line: int
    properties: dict[str, int]  # first line of each property name
    repeated: dict[str, int] = field(factory=dict)  # second line, if any

    def note(self, name: str, line: int) -> None:
        """Note that property *name* is written on *line*."""
        if name in self.properties:
            self.repeated.setdefault(name, line)
        else:
            self.properties[name] = line


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (first physical line number, unfolded content line).

    Only CR, LF and CRLF end lines: ``str.splitlines`` would also split at
    characters such as U+2028 that may sit inside a text value.
    """
    current: str | None = None
    start = 0
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        if raw[:1] in {" ", "\t"} and current is not None:
            current += raw[1:]  # a folded continuation (RFC 5545, 3.1)
            continue
        if current is not None and current.strip():
            yield start, current
        current, start = raw, number
    if current is not None and current.strip():
        yield start, current


def _outline(text: str, source: str) -> list[Block]:
    """Check every content line and the BEGIN/END nesting; map components to lines."""
    blocks: list[Block] = []
    stack: list[Block] = []
    lines = list(_content_lines(text))
    for index, (number, line) in enumerate(lines):
        _check_length(line, number, source)
        if not blocks and line.strip().upper() != "BEGIN:VCALENDAR":
            raise _line_error(source, number, "BEGIN:VCALENDAR", line)
        # A file cut short mid-line ends in an open component, without a line break.
        is_cut = index == len(lines) - 1 and not text.endswith(("\n", "\r"))
        cut = stack[-1] if stack and is_cut else None
        name, value = _parts(line, number, source, cut=cut)
        if name == "BEGIN":
            if not stack and value.upper() != "VCALENDAR":
                raise _line_error(source, number, "BEGIN:VCALENDAR", line)
            blocks.append(Block(value.upper(), number, {}))
            stack.append(blocks[-1])
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                expected = f"END:{stack[-1].name}" if stack else "the end of the file"
                raise _line_error(source, number, expected, line)
            _check_once(stack.pop(), source)
        elif not stack:
            raise _line_error(source, number, "BEGIN:VCALENDAR", line)
        else:
            stack[-1].note(name, number)
    if not blocks:
        msg = "the file is empty"
        raise DiaryFileError(msg, source=source, expected="an iCalendar file")
    if stack:
        msg = f"BEGIN:{stack[-1].name} on line {stack[-1].line} is never closed"
        raise DiaryFileError(msg, source=source, location="end of file")
    return blocks


def _check_once(block: Block, source: str) -> None:
    """Refuse a second copy of a property the component may have only once."""
    twice = _ONCE.get(block.name, frozenset()) & block.repeated.keys()
    for name in sorted(twice, key=block.repeated.__getitem__)[:1]:
        msg = f"{name} appears twice in {block.name} (line {block.line})"
        raise DiaryFileError(
            msg,
            source=source,
            location=f"line {block.repeated[name]}",
            expected=f"one {name} (the first is on line {block.properties[name]})",
        )


def _check_length(line: str, number: int, source: str) -> None:
    if len(line) > MAX_LINE_CHARS:
        msg = "the line is too long"
        raise DiaryFileError(
            msg,
            source=source,
            location=f"line {number}",
            expected=f"at most {MAX_LINE_CHARS:,} characters (after unfolding)",
            got=Described(f"{len(line):,}"),
        )


def _parts(
    line: str, number: int, source: str, *, cut: Block | None = None
) -> tuple[str, str]:
    """Split a content line; *cut* is the open block when it is the file's last."""
    try:
        name, _params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
    except ValueError:
        if cut is not None:
            msg = (
                f"the file ends in the middle of this line, inside BEGIN:{cut.name}"
                f" from line {cut.line}"
            )
            raise DiaryFileError(
                msg,
                source=source,
                location=f"line {number}",
                expected="the rest of the file (was it cut short?)",
                got=line,
            ) from None
        raise _line_error(
            source, number, 'a content line like "NAME;PARAM=VALUE:value"', line
        ) from None
    return str(name).upper(), str(value)


def _unreadable(text: str, source: str, exc: ValueError) -> DiaryFileError:
    """The error for a value icalendar refused, at its line when it can be found."""
    factory = icalendar.Calendar.types_factory
    for number, line in _content_lines(text):
        name, params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
        try:
            kind: Any = factory.for_property(name, params.get("VALUE"))
            kind.from_ical(value)
        except (ValueError, TypeError, KeyError) as found:
            if str(found) == str(exc):
                msg = f"{str(name).upper()} cannot be read ({exc})"
                return DiaryFileError(msg, source=source, location=f"line {number}")
    msg = f"the file cannot be read ({exc})"
    return DiaryFileError(msg, source=source)


def _line_error(source: str, number: int, expected: str, got: str) -> DiaryFileError:
    return DiaryFileError(
        source=source, location=f"line {number}", expected=expected, got=got
    )


# --- checks ------------------------------------------------------------------------


def _check(component: icalendar.Component, block: Block, source: str) -> None:
    """Refuse what cannot be read."""
    for name, problem in component.errors:
        line = block.properties.get(str(name).upper(), block.line)
        msg = f"{name} cannot be read ({problem})"
        raise DiaryFileError(msg, source=source, location=f"line {line}")
    if block.name == "VEVENT":
        _check_times(component, block, source)


def _check_times(component: icalendar.Component, block: Block, source: str) -> None:
    """Refuse an event's times that are missing, of the wrong kind or backwards."""

    def at(name: str) -> str:
        return f"line {block.properties.get(name, block.line)}"

    if "DTSTART" not in component:
        msg = "the event has no DTSTART"
        raise DiaryFileError(msg, source=source, location=at(""))
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        value = value_of(component, name)
        if name in component and value is None:
            msg = f"{name} is not a date or a date and time"
            raise DiaryFileError(msg, source=source, location=at(name))
        tzid = getattr(component.get(name), "params", {}).get("TZID")
        if isinstance(value, dt.datetime) and value.tzinfo is None and tzid:
            msg = f"unknown time zone {quote(str(tzid))}"
            raise DiaryFileError(
                msg,
                source=source,
                location=at(name),
                expected="an IANA zone or one defined by a VTIMEZONE in the file",
            )
    _check_extras(component, at, source)
    start, end = value_of(component, "DTSTART"), value_of(component, "DTEND")
    if start is not None and end is not None and _comparable(end) < _comparable(start):
        msg = "the event ends before it starts"
        raise DiaryFileError(
            msg,
            source=source,
            location=at("DTEND"),
            expected=f"a DTEND after DTSTART {start}",
            got=str(end),
        )


def _check_extras(
    component: icalendar.Component, at: Callable[[str], str], source: str
) -> None:
    """Refuse extra dates (RDATE, EXDATE) and a DURATION of the wrong kind."""
    for name in ("RDATE", "EXDATE"):
        if not all(
            _is_moment(value, periods=name == "RDATE")
            for value in _dates(component, name)
        ):
            msg = f"{name} holds something that is not a date or a date and time"
            raise DiaryFileError(msg, source=source, location=at(name))
    if "DURATION" in component:
        length = getattr(component["DURATION"], "dt", None)
        if "DTEND" in component:
            msg = "the event has both DTEND and DURATION"
            raise DiaryFileError(msg, source=source, location=at("DURATION"))
        if not isinstance(length, dt.timedelta) or length < dt.timedelta(0):
            msg = "DURATION is not a length of time"
            raise DiaryFileError(
                msg,
                source=source,
                location=at("DURATION"),
                expected='a duration like "PT1H30M"',
                got=str(length),
            )


def _dates(component: icalendar.Component, name: str) -> Iterator[object]:
    """The values of every RDATE or EXDATE line of an event."""
    found = component.get(name, [])
    for line in found if isinstance(found, list) else [found]:
        for value in getattr(line, "dts", [line]):
            yield getattr(value, "dt", value)


def _is_moment(value: object, *, periods: bool) -> bool:
    """Tell whether *value* is a date or date-time (or, with *periods*, a period)."""
    if periods and isinstance(value, tuple) and len(value) == 2:  # noqa: PLR2004 - start, end
        start, end = value
        return isinstance(start, dt.datetime) and isinstance(
            end, (dt.datetime, dt.timedelta)
        )
    return isinstance(value, dt.date)


def _comparable(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
