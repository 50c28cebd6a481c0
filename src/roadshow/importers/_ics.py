"""Reading iCalendar text with line numbers: shared by the .ics importers.

:func:`read_ics` walks the content lines first (:mod:`roadshow.importers._ics_outline`:
nesting, where each property is written, time zones, limits), then lets
``icalendar`` parse the prepared text and checks every component it reads.
Errors name the file and the line.

A content line longer than :data:`MAX_LINE_CHARS` (after unfolding) is refused
before icalendar reads it: such a line is no diary entry (roadshow reads no
attachments), and reading one costs seconds and hundreds of megabytes.

A property roadshow does not need that icalendar cannot read (an iCloud
``CREATED`` in year 0000, a Google ``RDATE:20131210Z``) is skipped with a
:class:`~roadshow.errors.SkippedContentWarning` naming its line; one it needs
(the event's times and rule) is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import icalendar

from roadshow.errors import (
    DiaryFileError,
    RepairedTextWarning,
    SkippedContentWarning,
    quote,
)
from roadshow.importers._ics_outline import (
    MAX_LINE_CHARS,
    READ,
    Block,
    Outline,
    outline,
    rule_problem,
)
from roadshow.importers._source import decode_text

__all__ = ["MAX_LINE_CHARS", "Block", "decode_ics", "read_ics", "value_of"]

_FOLD_IN_CHAR = re.compile(rb"(?<=[\x80-\xff])(\r\n|\r|\n)([ \t])([\x80-\xbf]+)")
"""A line folded between the bytes of one UTF-8 character."""
_CALENDAR_START = re.compile(rb"\s*(\xef\xbb\xbf)?\s*BEGIN:VCALENDAR", re.IGNORECASE)

_NEEDED = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID"})
"""An event's properties that roadshow cannot do without: an error when unreadable."""


def decode_ics(data: bytes, *, source: str) -> str:
    """Decode a calendar file's bytes, repairing what RFC 5545 asks readers to.

    UTF-8 is expected. A line folded inside a UTF-8 character (some writers fold
    at 75 bytes regardless) is joined back, and a calendar that is not UTF-8 at
    all is read as Windows-1252 (Latin-1, as older Outlook and Lotus Notes
    exports are); each with a :class:`~roadshow.errors.RepairedTextWarning`.
    Files that are not calendars keep their error, as do UTF-16 and binary ones.

    Raises:
        DiaryFileError: not UTF-8 text and no repairable calendar, or a NUL.
    """
    try:
        return decode_text(data, source=source, error=DiaryFileError)
    except DiaryFileError:
        if b"\x00" in data or not _CALENDAR_START.match(data):
            raise
    repaired = _FOLD_IN_CHAR.sub(rb"\3\1\2", data)
    try:
        text = repaired.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        warnings.warn(
            f"{source}, line {line}: the file is not UTF-8 text (byte"
            f" 0x{data[exc.start]:02x}); read as Windows-1252 (Latin-1) text",
            RepairedTextWarning,
            stacklevel=2,
        )
        return text
    first = _FOLD_IN_CHAR.search(data)
    line = data[: first.start()].count(b"\n") + 1 if first else 1
    warnings.warn(
        f"{source}, line {line}: a line is folded inside a UTF-8 character; read"
        " with the character joined back",
        RepairedTextWarning,
        stacklevel=2,
    )
    return text


def read_ics(
    text: str,
    source: str,
    *,
    reads: str,
    window: tuple[dt.date, dt.date] | None = None,
) -> tuple[list[icalendar.Calendar], list[tuple[icalendar.Component, Block]]]:
    """Parse iCalendar text; return its calendars and each component with its lines.

    Every component is checked: properties icalendar could not read, events
    without a start, times in an unknown zone, and events that end before they
    start are errors. Components other than calendars, events, time zones and
    alarms are skipped with a :class:`SkippedContentWarning` saying what the
    caller *reads* instead. With a *window* (first and last day), events that
    neither repeat nor come near it are not read.

    Raises:
        DiaryFileError: the text is malformed (naming the line).
    """
    found = outline(text, source, window=window, reads=reads)
    calendars, components = _parse(found, source)
    skipped = _unreadable_extras(found, components, source)
    if skipped:
        calendars, components = _parse(found, source, without=skipped)
    for component, block in components:
        _check(component, block, source)
    return calendars, components


def _parse(
    found: Outline, source: str, *, without: frozenset[int] = frozenset()
) -> tuple[list[icalendar.Calendar], list[tuple[icalendar.Component, Block]]]:
    prepared = found.text(without=without)
    try:
        calendars = icalendar.Calendar.from_ical(prepared, multiple=True)
    except ValueError as exc:
        # A value icalendar cannot read outside an event (events collect theirs
        # in .errors). Find its line.
        raise _unreadable(found, source, exc) from None
    components = [c for calendar in calendars for c in calendar.walk()]
    blocks = found.read()
    if [c.name for c in components] != [block.name for block in blocks]:
        # icalendar tolerates some nesting the outline refuses; never guess.
        msg = "the file's components could not be read as written"
        raise DiaryFileError(msg, source=source)
    return calendars, list(zip(components, blocks, strict=True))


def _unreadable_extras(
    found: Outline,
    components: list[tuple[icalendar.Component, Block]],
    source: str,
) -> frozenset[int]:
    """Find the lines of unreadable properties roadshow can do without; warn of each.

    Returns the indexes (in the outline) of the lines to leave out.
    """
    factory = icalendar.Calendar.types_factory
    skipped: set[int] = set()
    for component, block in components:
        names = {str(name).upper() for name, _problem in component.errors}
        if block.name not in READ or not names or names & _NEEDED:
            continue  # refused, or skipped whole, by the checks
        for index in range(block.start, block.stop):
            line = found.lines[index]
            if line.name not in names or line.component != block.name:
                continue
            try:
                kind: Any = factory.for_property(line.name, None)
                kind.from_ical(line.value)
            except (ValueError, TypeError, KeyError) as exc:
                skipped.add(index)
                warnings.warn(
                    f"{source}, line {line.number}: {line.name} skipped; it cannot"
                    f" be read ({exc}) and roadshow does not need it",
                    SkippedContentWarning,
                    stacklevel=4,
                )
    return frozenset(skipped)


def value_of(component: icalendar.Component, name: str) -> dt.date | None:
    """Return the date or date-time of a property, or None."""
    value = getattr(component.get(name), "dt", None)
    return value if isinstance(value, dt.date) else None


def _unreadable(found: Outline, source: str, exc: ValueError) -> DiaryFileError:
    """The error for a value icalendar refused, at its line when it can be found."""
    factory = icalendar.Calendar.types_factory
    for line in found.lines:
        try:
            kind: Any = factory.for_property(line.name, None)
            kind.from_ical(line.value)
        except (ValueError, TypeError, KeyError) as found_exc:
            if str(found_exc) == str(exc):
                msg = f"{line.name} cannot be read ({exc})"
                return DiaryFileError(
                    msg, source=source, location=f"line {line.number}"
                )
    msg = f"the file cannot be read ({exc})"
    return DiaryFileError(msg, source=source)


# --- checks ------------------------------------------------------------------------


def _check(component: icalendar.Component, block: Block, source: str) -> None:
    """Refuse what cannot be read."""
    for name, problem in component.errors:
        line = block.properties.get(str(name).upper(), block.line)
        msg = f"{name} cannot be read ({problem})"
        raise DiaryFileError(msg, source=source, location=f"line {line}")
    if block.name == "VEVENT":
        _check_times(component, block, source)
        rules = component.get("RRULE", [])
        for rule in rules if isinstance(rules, list) else [rules]:
            wrong = rule_problem(rule)
            if wrong is not None:
                where = f"line {block.properties.get('RRULE', block.line)}"
                raise DiaryFileError(wrong, source=source, location=where)


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
