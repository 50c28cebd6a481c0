"""Time helpers: aware datetimes, durations, clock times and time zones.

Every instant roadshow handles is a time-zone aware :class:`pendulum.DateTime`;
Europe/London is the default zone. The planner works internally in whole UTC
epoch minutes (plain ints are fast and make the 26 October 2008 fall-back hour a
non-event); :func:`epoch_minute` and :func:`from_epoch_minute` cross that line.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache

import pendulum
from pendulum import Date, DateTime, Duration, Time

from roadshow.errors import InvalidModelError, closest, quote

DEFAULT_TZ = "Europe/London"

# ASCII digits only (a str pattern's \d also takes Arabic-Indic and other
# digits), and fullmatch: "$" also matches before a trailing newline.
_DURATION = re.compile(
    r"\s*(?:(?P<h>\d{1,6})\s*h)?\s*(?:(?P<m>\d{1,7})\s*m(?:in)?)?\s*", re.ASCII
)
_ISO_DURATION = re.compile(r"P(?:T(?:(?P<h>\d{1,6})H)?(?:(?P<m>\d{1,7})M)?)", re.ASCII)
_CLOCK = re.compile(r"(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)", re.ASCII)
_EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")


def to_aware(value: object) -> DateTime:
    """Return *value* as an aware pendulum DateTime (an attrs converter).

    Raises:
        InvalidModelError: *value* is naive or not a datetime.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            msg = "the time has no time zone"
            raise InvalidModelError(
                msg,
                obj="datetime",
                field="tzinfo",
                expected="an aware time",
                got=str(value),
            )
        return value if isinstance(value, DateTime) else pendulum.instance(value)
    raise InvalidModelError(
        obj="datetime", field="value", expected="a datetime", got=value
    )


_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


@cache
def known_timezones() -> frozenset[str]:
    """Return the IANA time zone names this machine knows.

    Not "Factory" (a zone for machines not yet set up, its abbreviation a
    warning) nor "localtime" (whatever this machine is set to): a plan must mean
    the same everywhere.
    """
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACES


def check_timezone(name: str, *, obj: str = "scenario", field: str = "timezone") -> str:
    """Return *name* if it is a known IANA time zone.

    Raises:
        InvalidModelError: the name is unknown (with the closest known name).
    """
    if name in known_timezones():
        return name
    msg = f"unknown time zone {quote(name)}"
    raise InvalidModelError(
        msg,
        obj=obj,
        field=field,
        suggestion=closest(name, known_timezones()),
    )


def parse_duration(text: str) -> Duration:
    """Parse ``"2h30m"``, ``"90m"``, ``"2h"`` or ISO ``"PT2H30M"`` into a Duration.

    Raises:
        ValueError: the text is not such a duration (callers add the location).
    """
    match = _DURATION.fullmatch(text) or _ISO_DURATION.fullmatch(text)
    if not text.strip() or match is None or not (match["h"] or match["m"]):
        msg = f"not a duration: {text!r}"
        raise ValueError(msg)
    return Duration(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))


def short_day(day: Date) -> str:
    """Format a day as every report and page does: ``Mon 8 Sep 2008``."""
    return day.format("ddd D MMM YYYY")


def format_duration(value: Duration | int) -> str:
    """Format a Duration (or whole minutes) as ``"2h30m"``, ``"45m"`` or ``"3h"``."""
    minutes = value if isinstance(value, int) else minutes_of(value)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours}h{rest:02d}m"
    return f"{sign}{hours}h" if hours else f"{sign}{rest}m"


def minutes_of(value: Duration | dt.timedelta) -> int:
    """Return a duration in whole minutes (rounded down)."""
    return int(value.total_seconds() // 60)


def parse_clock(text: str) -> Time:
    """Parse a 24-hour clock time ``"HH:MM"`` (``"24:00"`` means end of day).

    Raises:
        ValueError: the text is not a clock time.
    """
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        msg = f"not a clock time: {text!r}"
        raise ValueError(msg)
    hour, minute = int(match["h"]), int(match["m"])
    if hour == 24:  # noqa: PLR2004 - 24:00 is the conventional end of a day
        if minute:
            msg = f"not a clock time: {text!r}"
            raise ValueError(msg)
        return Time(23, 59, 59, 999999)
    return Time(hour, minute)


def format_clock(value: Time) -> str:
    """Format a clock time as ``"HH:MM"`` (the end-of-day sentinel as ``"24:00"``)."""
    if value == Time(23, 59, 59, 999999):
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def clock_minutes(value: Time) -> int:
    """Return minutes since midnight for a clock time (``24:00`` gives 1440)."""
    if value == Time(23, 59, 59, 999999):
        return 24 * 60
    return value.hour * 60 + value.minute


def local_datetime(day: Date, minutes_after_midnight: int, tz: str) -> DateTime:
    """Return the aware instant at a wall-clock time on *day* in *tz*.

    Wall-clock times that do not exist (spring forward) move forward by the gap;
    ambiguous ones (the repeated hour when summer time ends) take the second
    occurrence, as pendulum does.
    """
    hour, minute = divmod(minutes_after_midnight, 60)
    base = pendulum.datetime(day.year, day.month, day.day, tz=tz)
    if hour >= 24:  # noqa: PLR2004 - "24:00" is midnight at the start of the next day
        return base.add(days=1)
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=tz)


def epoch_minute(value: DateTime | dt.datetime) -> int:
    """Return whole minutes since 1970-01-01T00:00Z (rounded down)."""
    return int(value.timestamp() // 60)


def from_epoch_minute(minute: int, tz: str) -> DateTime:
    """Return the aware instant *minute* minutes after the epoch, shown in *tz*."""
    return _EPOCH.add(minutes=minute).in_tz(tz)


@cache
def day_minute(day: Date, minutes_after_midnight: int, tz: str) -> int:
    """Return the epoch minute of a wall-clock time on *day* in *tz* (cached)."""
    return epoch_minute(local_datetime(day, minutes_after_midnight, tz))


def as_date(value: dt.date) -> Date:
    """Return a stdlib or pendulum date as a pendulum Date."""
    return (
        value if isinstance(value, Date) else Date(value.year, value.month, value.day)
    )


def tz_abbreviation(value: DateTime) -> str:
    """Return the zone abbreviation in force at *value*, e.g. ``BST`` or ``GMT``."""
    return value.tzname() or value.strftime("%z")


def skipped_by_clocks(local: dt.datetime, tz: str) -> bool:
    """Tell whether the naive *local* time never happens in *tz* (clocks go forward)."""
    zone = zoneinfo.ZoneInfo(tz)
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone)
    return back.replace(tzinfo=None) != local
