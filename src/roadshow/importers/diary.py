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
import zoneinfo
from pathlib import Path

import icalendar
import pendulum
import recurring_ical_events
from pendulum import Date, DateTime

from roadshow.errors import DiaryFileError
from roadshow.importers._ics import read_ics, value_of
from roadshow.importers.tables import decode_text
from roadshow.model import Commitment

_PRIVATE = frozenset({"PRIVATE", "CONFIDENTIAL"})


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
    calendars, _components = read_ics(
        text, source, reads="roadshow reads only events (VEVENT) as busy time"
    )
    zone = zoneinfo.ZoneInfo(timezone)
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


# --- converting ------------------------------------------------------------------


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
    first, last = value_of(event, "DTSTART"), value_of(event, "DTEND")
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
