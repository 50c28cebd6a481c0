"""Reading iCalendar text with line numbers: shared by the .ics importers.

``icalendar`` parses leniently and reports no line numbers, so :func:`read_ics`
first walks the content lines itself (splitting each with icalendar's own
``Contentline``) to check the BEGIN/END nesting and note where every component
and property is written. Errors then name the file and the line.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator

import icalendar
from attrs import frozen
from icalendar.parser import Contentline

from roadshow.errors import DiaryFileError, SkippedContentWarning

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
    except ValueError as exc:  # pragma: no cover - _outline finds these first
        raise DiaryFileError(str(exc), source=source) from None
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
    for number, line in _content_lines(text):
        if not blocks and line.strip().upper() != "BEGIN:VCALENDAR":
            raise _line_error(source, number, "BEGIN:VCALENDAR", line)
        name, value = _parts(line, number, source)
        if name == "BEGIN":
            if not stack and value.upper() != "VCALENDAR":
                raise _line_error(source, number, "BEGIN:VCALENDAR", line)
            blocks.append(Block(value.upper(), number, {}))
            stack.append(blocks[-1])
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                expected = f"END:{stack[-1].name}" if stack else "the end of the file"
                raise _line_error(source, number, expected, line)
            stack.pop()
        elif not stack:
            raise _line_error(source, number, "BEGIN:VCALENDAR", line)
        else:
            stack[-1].properties.setdefault(name, number)
    if not blocks:
        msg = "the file is empty"
        raise DiaryFileError(msg, source=source, expected="an iCalendar file")
    if stack:
        msg = f"BEGIN:{stack[-1].name} on line {stack[-1].line} is never closed"
        raise DiaryFileError(msg, source=source, location="end of file")
    return blocks


def _parts(line: str, number: int, source: str) -> tuple[str, str]:
    try:
        name, _params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
    except ValueError:
        raise _line_error(
            source, number, 'a content line like "NAME;PARAM=VALUE:value"', line
        ) from None
    return str(name).upper(), str(value)


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
    if block.name != "VEVENT":
        return
    if "DTSTART" not in component:
        msg = "the event has no DTSTART"
        raise DiaryFileError(msg, source=source, location=f"line {block.line}")
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        value = value_of(component, name)
        tzid = getattr(component.get(name), "params", {}).get("TZID")
        if isinstance(value, dt.datetime) and value.tzinfo is None and tzid:
            msg = f"unknown time zone {tzid!r}"
            raise DiaryFileError(
                msg,
                source=source,
                location=f"line {block.properties[name]}",
                expected="an IANA zone or one defined by a VTIMEZONE in the file",
            )
    start, end = value_of(component, "DTSTART"), value_of(component, "DTEND")
    if start is None:
        msg = "DTSTART is not a date or a date and time"
        raise DiaryFileError(
            msg, source=source, location=f"line {block.properties['DTSTART']}"
        )
    if end is not None and _comparable(end) < _comparable(start):
        msg = "the event ends before it starts"
        raise DiaryFileError(
            msg,
            source=source,
            location=f"line {block.properties['DTEND']}",
            expected=f"a DTEND after DTSTART {start}",
            got=str(end),
        )


def _comparable(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
