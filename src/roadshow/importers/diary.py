"""Reading a person's existing diary (.ics) as busy time the planner honours.

:func:`parse_diary` is pure; :func:`load_diary` reads a file
(:func:`parse_diary_import` and :func:`load_diary_import` also say in which zone
floating times were read). The calendar is
parsed by ``icalendar`` and its recurring events are expanded by
``recurring-ical-events`` (RRULE, RDATE, EXDATE and moved or cancelled
occurrences, in the file's own VTIMEZONEs or IANA zones). Every occurrence in the
planning window becomes a :class:`~roadshow.model.Commitment`, except:

- free time: ``TRANSP:TRANSPARENT`` (or Outlook's ``X-MICROSOFT-CDO-BUSYSTATUS:FREE``);
- cancelled events and occurrences (``STATUS:CANCELLED``);
- events without length (a start and no end or duration).

All-day events block the whole day in the person's time zone. Floating times
(no ``TZID``, no ``Z``) are read in the zone the file's ``X-WR-TIMEZONE`` names
when it names one (Google and Apple write it for the calendar's own zone, and
read floating times in it), and otherwise in the person's zone;
:func:`parse_diary_import` says which.
Private events (``CLASS:PRIVATE`` or ``CONFIDENTIAL``) are labelled "Busy".

A malformed file raises :class:`~roadshow.errors.DiaryFileError` naming the file
and the line, and so does a file whose recurrence rules would take too long to
expand (a rule repeating every second, say): see :data:`MAX_RULE_STEPS` and
:data:`MAX_OCCURRENCES`. Valid content roadshow does not read (to-dos, journal entries,
free/busy blocks) is skipped with a :class:`~roadshow.errors.SkippedContentWarning`
that names the line, never silently.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zoneinfo
from pathlib import Path
from typing import Final

import icalendar
import pendulum
import recurring_ical_events
from attrs import frozen
from pendulum import Date, DateTime

from roadshow.errors import Described, DiaryFileError, DuplicateEventWarning, quote
from roadshow.importers._ics import Block, decode_ics, read_ics, value_of
from roadshow.importers._source import read_source_bytes
from roadshow.model import Commitment

_PRIVATE = frozenset({"PRIVATE", "CONFIDENTIAL"})

MAX_RULE_STEPS: Final = 1_000_000
"""The most steps a diary's recurrence rules may take, all together, from their
starts to the end of the planning window (the expansion walks every step: a
million take a few seconds)."""

MAX_OCCURRENCES: Final = 20_000
"""The most occurrences a diary's recurrence rules may have in the planning
window (over 200 a day for three months)."""

_EXPANSION_FAILURES = (ValueError, TypeError, AttributeError, OverflowError)
"""What recurring-ical-events (and dateutil under it) raise on values the checks
in :mod:`roadshow.importers._ics` let through: reported without a line, but as
bad input, never as a traceback."""

_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}
_TIME_PARTS = (("BYHOUR", 3600), ("BYMINUTE", 60), ("BYSECOND", 1))


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
    return load_diary_import(
        path,
        person_id=person_id,
        start_on=start_on,
        end_on=end_on,
        timezone=timezone,
    ).commitments


@frozen
class DiaryImport:
    """What a diary gave: its busy time, and the zone floating times were read in."""

    commitments: tuple[Commitment, ...]
    floating_zone: str
    """The IANA zone (or zones, comma-separated) floating times were read in."""
    floating_from: str
    """Why that zone: "the file's X-WR-TIMEZONE" or "the person's zone"."""


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
        timezone: The person's IANA time zone: all-day events are read in it,
            and floating times unless the file names a zone (X-WR-TIMEZONE).

    Returns:
        The commitments, sorted by start, end and label, without duplicates.

    Raises:
        DiaryFileError: the text is not valid iCalendar (with the line), or an
            event has no start, ends before it starts, or names an unknown zone.
    """
    return parse_diary_import(
        text,
        source=source,
        person_id=person_id,
        start_on=start_on,
        end_on=end_on,
        timezone=timezone,
    ).commitments


def load_diary_import(
    path: str | Path,
    *,
    person_id: str,
    start_on: Date,
    end_on: Date,
    timezone: str,
) -> DiaryImport:
    """Read a diary file; see :func:`parse_diary_import`.

    Raises:
        DiaryFileError: the file cannot be read or is malformed.
    """
    data = read_source_bytes(Path(path), error=DiaryFileError)
    return parse_diary_import(
        decode_ics(data, source=str(path)),
        source=str(path),
        person_id=person_id,
        start_on=start_on,
        end_on=end_on,
        timezone=timezone,
    )


def parse_diary_import(
    text: str,
    *,
    source: str,
    person_id: str,
    start_on: Date,
    end_on: Date,
    timezone: str,
) -> DiaryImport:
    """Return a diary's busy time and the zone its floating times were read in.

    See :func:`parse_diary` for the arguments.

    Raises:
        DiaryFileError: as :func:`parse_diary`.
    """
    calendars, components = read_ics(
        text,
        source,
        reads="roadshow reads only events (VEVENT) as busy time",
        window=(start_on, end_on),
    )
    _distinct_uids(components, source)
    zone = zoneinfo.ZoneInfo(timezone)
    window = (
        dt.datetime(start_on.year, start_on.month, start_on.day, tzinfo=zone),
        dt.datetime(end_on.year, end_on.month, end_on.day, tzinfo=zone)
        + dt.timedelta(days=1),
    )
    _check_repetition(components, window, source)
    found: set[Commitment] = set()
    for calendar in calendars:
        try:
            occurrences = list(recurring_ical_events.of(calendar).between(*window))
        except (recurring_ical_events.InvalidCalendar, *_EXPANSION_FAILURES) as exc:
            msg = f"the events cannot be expanded ({exc})"
            raise DiaryFileError(msg, source=source) from None
        for occurrence in occurrences:
            commitment = _commitment(occurrence, person_id, zone)
            if commitment is not None:
                found.add(commitment)
    # The outline has rewritten X-WR-TIMEZONE to an IANA zone, or left it out.
    named = sorted({str(c["X-WR-TIMEZONE"]) for c in calendars if "X-WR-TIMEZONE" in c})
    return DiaryImport(
        commitments=tuple(sorted(found, key=lambda c: (c.start, c.end, c.label))),
        floating_zone=", ".join(named) or timezone,
        floating_from="the file's X-WR-TIMEZONE" if named else "the person's zone",
    )


def _distinct_uids(
    components: list[tuple[icalendar.Component, Block]], source: str
) -> None:
    """Give events that share a UID (or have none) one of their own, with a warning.

    Recurrence expansion keeps one event per UID; two events with the same UID
    and no RECURRENCE-ID are two entries a calendar program merged or copied, and
    both are busy time. An exact copy (a diary exported twice into one file) is
    the same entry; an event without a UID is given one, silently.
    """
    first: dict[str, tuple[int, icalendar.Component]] = {}
    for component, block in components:
        if block.name != "VEVENT" or "RECURRENCE-ID" in component:
            continue
        uid = str(component.get("UID", ""))
        if not uid:
            component["UID"] = f"roadshow-line-{block.line}"
        elif uid in first and first[uid][1].to_ical() == component.to_ical():
            continue
        elif uid in first:
            component["UID"] = f"{uid}#roadshow-line-{block.line}"
            warnings.warn(
                f"{source}, line {block.properties.get('UID', block.line)}: a second"
                f" event with UID {quote(uid)} (the first begins on line"
                f" {first[uid][0]}); both are read as busy time",
                DuplicateEventWarning,
                stacklevel=3,
            )
        else:
            first[uid] = (block.line, component)


# --- how much the rules repeat ------------------------------------------------------


def _check_repetition(
    components: list[tuple[icalendar.Component, Block]],
    window: tuple[dt.datetime, dt.datetime],
    source: str,
) -> None:
    """Refuse rules that would take too long to expand, before expanding them.

    The counts are upper bounds worked out from each rule's frequency, interval
    and BY parts, from its start to the end of the window (the steps taken) and
    within the window (the occurrences made).
    """
    begin, end = (_naive(moment) for moment in window)
    steps = occurrences = 0
    for component, block in components:
        first = value_of(component, "DTSTART")
        if block.name != "VEVENT" or first is None:
            continue
        rules = component.get("RRULE", [])
        for rule in rules if isinstance(rules, list) else [rules]:
            steps += _repeats(rule, _naive(first), end)
            occurrences += _repeats(rule, max(_naive(first), begin), end, counted=True)
            line = f"line {block.properties['RRULE']}"
            if steps > MAX_RULE_STEPS:
                msg = "the recurrence rules repeat too often to expand"
                raise DiaryFileError(
                    msg,
                    source=source,
                    location=line,
                    expected=f"at most {MAX_RULE_STEPS:,} repetitions in all up to"
                    " the end of the planning window",
                    got=Described(f"about {steps:,}"),
                )
            if occurrences > MAX_OCCURRENCES:
                msg = "the recurring events happen too often in the planning window"
                raise DiaryFileError(
                    msg,
                    source=source,
                    location=line,
                    expected=f"at most {MAX_OCCURRENCES:,} occurrences in all",
                    got=Described(f"about {occurrences:,}"),
                )


def _repeats(
    rule: icalendar.vRecur,
    start: dt.datetime,
    end: dt.datetime,
    *,
    counted: bool = False,
) -> int:
    """An upper bound on the times *rule* repeats from *start* to *end*.

    With *counted*, a COUNT caps it (the occurrences made); without, only when the
    rule has no BY parts (each step is then an occurrence, so the expansion stops
    after COUNT steps).
    """
    freq = str(rule.get("FREQ", ["DAILY"])[0]).upper()
    unit = _SECONDS.get(freq, 1)
    until = rule.get("UNTIL")
    if until:
        end = min(end, _naive(until[0]))
    interval = max(int(rule.get("INTERVAL", [1])[0]), 1)
    span = (end - start).total_seconds()
    if span < 0:
        return 0
    total = (int(span) // (unit * interval) + 1) * _per_step(rule, freq, unit)
    count = rule.get("COUNT")
    if count and (counted or not any(key.startswith("BY") for key in rule)):
        total = min(total, int(count[0]))
    return total


def _per_step(rule: icalendar.vRecur, freq: str, unit: int) -> int:
    """The most occurrences one step of the rule's frequency can make."""
    count = 1
    for part, size in _TIME_PARTS:  # finer times expand each step
        if unit > size and rule.get(part):
            count *= len(rule[part])
    weekdays = rule.get("BYDAY", [])
    monthdays = rule.get("BYMONTHDAY", [])
    # A weekday with an ordinal ("2TU") falls once a month; without, up to 5 times.
    in_month = len(monthdays) or sum(1 if str(day)[:-2] else 5 for day in weekdays)
    if freq == "WEEKLY":
        count *= len(weekdays) or 1
    elif freq == "MONTHLY":
        count *= in_month or 1
    elif freq == "YEARLY":
        if rule.get("BYYEARDAY"):
            count *= len(rule["BYYEARDAY"])
        elif rule.get("BYWEEKNO"):
            count *= 7 * len(rule["BYWEEKNO"])
        else:
            months = len(rule.get("BYMONTH", [])) or (12 if in_month else 1)
            count *= months * (in_month or 1)
    return count


def _naive(value: dt.date) -> dt.datetime:
    """A naive date-time for rough spans (the hours of a zone do not matter here)."""
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None)


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
    where = "" if private else str(event.get("LOCATION", "")).strip()
    return Commitment(
        person_id=person_id, start=start, end=end, label=label, location=where
    )


def _instant(value: dt.date, zone: zoneinfo.ZoneInfo) -> DateTime:
    """An aware instant: dates start at midnight and floating times are local."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return pendulum.instance(value.astimezone(dt.UTC)).in_timezone(zone.key)
