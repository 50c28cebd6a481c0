"""Reading a person's existing diary (.ics) as busy time the planner honours.

:func:`parse_diary` is pure; :func:`load_diary` reads a file. The calendar is
parsed by ``icalendar`` and its recurring events are expanded by
``recurring-ical-events`` (RRULE, RDATE, EXDATE and moved or cancelled
occurrences, in the file's own VTIMEZONEs or IANA zones). Every occurrence in the
planning window becomes a :class:`~roadshow.model.Commitment`, except:

- free time: ``TRANSP:TRANSPARENT`` (or Outlook's ``X-MICROSOFT-CDO-BUSYSTATUS:FREE``);
- cancelled events and occurrences (``STATUS:CANCELLED``);
- events without length (a start and no end or duration).

All-day events block the whole day in the person's time zone, and floating times
(no ``TZID``, no ``Z``) are read in that zone too, as calendar clients do.
Private events (``CLASS:PRIVATE`` or ``CONFIDENTIAL``) are labelled "Busy".

A malformed file raises :class:`~roadshow.errors.DiaryFileError` naming the file
and the line. Valid content roadshow does not read (to-dos, journal entries,
free/busy blocks) is skipped with a :class:`~roadshow.errors.SkippedContentWarning`
that names the line, never silently.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pendulum
import recurring_ical_events
from attrs import frozen
from icalendar.parser import Contentline
from pendulum import Date, DateTime

from roadshow.errors import DiaryFileError, SkippedContentWarning
from roadshow.importers.tables import decode_text
from roadshow.model import Commitment

_READ = frozenset(
    {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}
)
_PRIVATE = frozenset({"PRIVATE", "CONFIDENTIAL"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def load_diary(
    path: str | Path,
    *,
    person_id: str,
    start_on: Date,
    end_on: Date,
    timezone: str,
) -> tuple[Commitment, ...]:
    """Read a diary file; see :func:`parse_diary`.

    Raises:
        DiaryFileError: the file cannot be read or is malformed.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read the file ({exc.strerror})"
        raise DiaryFileError(msg, source=str(path)) from None
    text = decode_text(data, source=str(path), error=DiaryFileError)
    return parse_diary(
        text,
        source=str(path),
        person_id=person_id,
        start_on=start_on,
        end_on=end_on,
        timezone=timezone,
    )


def parse_diary(
    text: str,
    *,
    source: str,
    person_id: str,
    start_on: Date,
    end_on: Date,
    timezone: str,
) -> tuple[Commitment, ...]:
    """Return the busy time in a diary as commitments, within a planning window.

    Args:
        text: The iCalendar text.
        source: The file name for messages.
        person_id: Whose diary it is.
        start_on: The first day of the planning window.
        end_on: The last day of the planning window (inclusive).
        timezone: The person's IANA time zone: all-day events and floating
            times are read in it.

    Returns:
        The commitments, sorted by start, end and label, without duplicates.

    Raises:
        DiaryFileError: the text is not valid iCalendar (with the line), or an
            event has no start, ends before it starts, or names an unknown zone.
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
    zone = zoneinfo.ZoneInfo(timezone)
    for component, block in zip(components, outline, strict=True):
        _check(component, block, source)
    window = (
        dt.datetime(start_on.year, start_on.month, start_on.day, tzinfo=zone),
        dt.datetime(end_on.year, end_on.month, end_on.day, tzinfo=zone)
        + dt.timedelta(days=1),
    )
    found: set[Commitment] = set()
    for calendar in calendars:
        try:
            occurrences = list(recurring_ical_events.of(calendar).between(*window))
        except (recurring_ical_events.InvalidCalendar, ValueError) as exc:
            msg = f"the events cannot be expanded ({exc})"
            raise DiaryFileError(msg, source=source) from None
        for occurrence in occurrences:
            commitment = _commitment(occurrence, person_id, zone)
            if commitment is not None:
                found.add(commitment)
    return tuple(sorted(found, key=lambda c: (c.start, c.end, c.label)))


# --- the outline: where each component and property is -----------------------------


@frozen
class _Block:
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


def _outline(text: str, source: str) -> list[_Block]:
    """Check every content line and the BEGIN/END nesting; map components to lines."""
    blocks: list[_Block] = []
    stack: list[_Block] = []
    for number, line in _content_lines(text):
        if not blocks and line.strip().upper() != "BEGIN:VCALENDAR":
            raise _line_error(source, number, "BEGIN:VCALENDAR", line)
        name, value = _parts(line, number, source)
        if name == "BEGIN":
            if not stack and value.upper() != "VCALENDAR":
                raise _line_error(source, number, "BEGIN:VCALENDAR", line)
            blocks.append(_Block(value.upper(), number, {}))
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


def _value(component: icalendar.Component, name: str) -> dt.date | None:
    """The date or date-time of a property, or None."""
    value = getattr(component.get(name), "dt", None)
    return value if isinstance(value, dt.date) else None


# --- checking and converting --------------------------------------------------------


def _check(component: icalendar.Component, block: _Block, source: str) -> None:
    """Refuse what cannot be read; warn about what roadshow does not read."""
    if block.name not in _READ:
        warnings.warn(
            f"{source}, line {block.line}: {block.name} skipped; roadshow reads only"
            " events (VEVENT) as busy time",
            SkippedContentWarning,
            stacklevel=4,
        )
        return
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
        value = _value(component, name)
        tzid = getattr(component.get(name), "params", {}).get("TZID")
        if isinstance(value, dt.datetime) and value.tzinfo is None and tzid:
            msg = f"unknown time zone {tzid!r}"
            raise DiaryFileError(
                msg,
                source=source,
                location=f"line {block.properties[name]}",
                expected="an IANA zone or one defined by a VTIMEZONE in the file",
            )
    start, end = _value(component, "DTSTART"), _value(component, "DTEND")
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


def _is_free(event: icalendar.Component) -> bool:
    """Tell whether an occurrence leaves its time free (cancelled or transparent)."""
    return (
        str(event.get("STATUS", "")).upper() == "CANCELLED"
        or str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
        or str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE"
    )


def _commitment(
    event: icalendar.Component, person_id: str, zone: zoneinfo.ZoneInfo
) -> Commitment | None:
    first, last = _value(event, "DTSTART"), _value(event, "DTEND")
    if _is_free(event) or first is None or last is None:
        return None
    start, end = _instant(first, zone), _instant(last, zone)
    if end <= start:
        return None  # no length: a reminder, not busy time
    private = str(event.get("CLASS", "")).upper() in _PRIVATE
    label = "Busy" if private else str(event.get("SUMMARY", "")).strip() or "Busy"
    return Commitment(person_id=person_id, start=start, end=end, label=label)


def _instant(value: dt.date, zone: zoneinfo.ZoneInfo) -> DateTime:
    """An aware instant: dates start at midnight and floating times are local."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return pendulum.instance(value.astimezone(dt.UTC)).in_timezone(zone.key)
