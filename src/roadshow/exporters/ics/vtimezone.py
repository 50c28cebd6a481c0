"""``VTIMEZONE`` components in rule form (yearly ``RRULE``s), as Outlook reads them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from attrs import frozen
from icalendar import (
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
)

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_UTC = dt.UTC


@frozen
class _Transition:
    onset: dt.datetime  # local wall time before the change (naive)
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    is_dst: bool
    name: str


def vtimezone(tzid: str, years: tuple[int, int]) -> Timezone:
    """Return a ``VTIMEZONE`` for an IANA zone, valid through the given years.

    Observances are written as yearly ``RRULE``s (e.g. the last Sunday of March and
    of October for Europe/London), the form Outlook reads reliably, starting the
    year before *years* so every date in them is covered. A zone whose changes in
    that span follow no yearly rule falls back to ``RDATE`` lists.
    """
    first, last = years[0] - 1, years[1] + 1
    transitions = _transitions(tzid, first, last)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    if not transitions:
        zone = zoneinfo.ZoneInfo(tzid)
        moment = dt.datetime(first, 1, 1, tzinfo=zone)
        offset = moment.utcoffset() or dt.timedelta()
        standard = TimezoneStandard()
        standard.add("DTSTART", dt.datetime(first, 1, 1))  # noqa: DTZ001 - local time by definition
        standard.add("TZOFFSETFROM", offset)
        standard.add("TZOFFSETTO", offset)
        standard.add("TZNAME", moment.tzname() or tzid)
        timezone.add_component(standard)
        return timezone
    groups: dict[tuple[dt.timedelta, dt.timedelta, bool, str], list[dt.datetime]] = {}
    for t in transitions:
        groups.setdefault((t.offset_from, t.offset_to, t.is_dst, t.name), []).append(
            t.onset
        )
    for (offset_from, offset_to, is_dst, name), onsets in sorted(
        groups.items(), key=lambda kv: kv[1][0]
    ):
        part = TimezoneDaylight() if is_dst else TimezoneStandard()
        part.add("DTSTART", onsets[0])
        rule = _yearly_rule(onsets, first, last)
        if rule is not None:
            part.add("RRULE", rule)
        elif len(onsets) > 1:
            part.add("RDATE", onsets[1:])
        part.add("TZOFFSETFROM", offset_from)
        part.add("TZOFFSETTO", offset_to)
        part.add("TZNAME", name)
        timezone.add_component(part)
    return timezone


def _yearly_rule(
    onsets: list[dt.datetime], first: int, last: int
) -> dict[str, object] | None:
    """Return an RRULE if the onsets are one a year on the same weekday rule."""
    if [o.year for o in onsets] != list(range(first, last + 1)):
        return None
    shapes = {(o.month, o.weekday(), o.time()) for o in onsets}
    if len(shapes) != 1:
        return None
    month, weekday, _ = shapes.pop()
    if all(_is_last_in_month(o) for o in onsets):
        ordinal = -1
    else:
        ordinals = {(o.day - 1) // 7 + 1 for o in onsets}
        if len(ordinals) != 1:
            return None
        ordinal = ordinals.pop()
    return {
        "FREQ": "YEARLY",
        "BYMONTH": month,
        "BYDAY": f"{ordinal}{_WEEKDAYS[weekday]}",
    }


def _is_last_in_month(value: dt.datetime) -> bool:
    return (value + dt.timedelta(days=7)).month != value.month


@cache
def _transitions(tzid: str, first: int, last: int) -> tuple[_Transition, ...]:
    """Find the zone's offset changes from *first* to *last* (years, inclusive)."""
    zone = zoneinfo.ZoneInfo(tzid)
    found = []
    moment = dt.datetime(first, 1, 1, tzinfo=_UTC)
    end = dt.datetime(last + 1, 1, 1, tzinfo=_UTC)
    state = _state(moment, zone)
    while moment < end:
        later = moment + dt.timedelta(days=1)
        if _state(later, zone) != state:
            # Narrow the change down to the minute (changes fall on whole minutes).
            low, high = moment, later
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if _state(middle, zone) == state:
                    low = middle
                else:
                    high = middle
            new = _state(high, zone)
            found.append(
                _Transition(
                    onset=(high + state[0]).replace(tzinfo=None),
                    offset_from=state[0],
                    offset_to=new[0],
                    is_dst=new[1] != dt.timedelta(),
                    name=new[2],
                )
            )
            state = new
        moment = later
    return tuple(found)


def _state(
    moment: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[dt.timedelta, dt.timedelta, str]:
    local = moment.astimezone(zone)
    return (
        local.utcoffset() or dt.timedelta(),
        local.dst() or dt.timedelta(),
        local.tzname() or "",
    )
