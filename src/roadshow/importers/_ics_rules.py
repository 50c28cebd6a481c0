"""Checking recurrence rules before anything expands them.

An INTERVAL of 0, ``BYMONTH=13`` or a time zone rule that repeats every second
is refused with a message before it can tie roadshow up.
"""

from __future__ import annotations

import math
import re

import icalendar

_RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_WEEKDAY = re.compile(r"([+-]?)(\d{0,2})(MO|TU|WE|TH|FR|SA|SU)\Z")
_MAX_DIGITS = 9
_MAX_ZONE_CHANGES = 12
_FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def rule_problem(rule: icalendar.vRecur, *, zone: bool = False) -> str | None:
    """Say what is wrong with an RRULE (an INTERVAL of 0, ``BYMONTH=13``), or None.

    With *zone*, the rule is a VTIMEZONE's: it must repeat yearly or monthly.
    """
    if not rule:
        return None  # an empty RRULE: no repetition (as recurrence expansion reads it)
    freq = str(rule.get("FREQ", [""])[0]).upper()
    if freq not in _FREQS:
        return f"RRULE has no FREQ of {', '.join(_FREQS)}"
    if zone and freq not in {"YEARLY", "MONTHLY"}:
        return (
            f"a time zone rule that repeats {freq.lower()} (a zone's offset changes"
            " yearly or monthly at most)"
        )
    for interval in rule.get("INTERVAL", []):
        if not _is_int(interval) or int(interval) < 1:
            return f"RRULE has INTERVAL={interval} (it must be 1 or more)"
    return _parts_problem(rule, zone=zone)


def _parts_problem(rule: icalendar.vRecur, *, zone: bool) -> str | None:
    """Say which BY part of a rule is out of range, or None.

    With *zone*, the BY parts may make at most 12 changes in each repetition.
    """
    changes = math.prod(len(rule.get(part, [])) or 1 for part in (*_RANGES, "BYDAY"))
    if zone and changes > _MAX_ZONE_CHANGES:
        return f"a time zone rule that changes the offset {changes:,} times a year"
    for part, (low, high, signed) in _RANGES.items():
        for value in rule.get(part, []):
            number = _as_int(str(value).rstrip("Ll"))
            magnitude = abs(number) if signed and number is not None else number
            if magnitude is None or not low <= magnitude <= high:
                return f"RRULE has {part}={value} (it must be from {low} to {high})"
    for day in rule.get("BYDAY", []):
        match = _WEEKDAY.match(str(day).upper())
        if match is None or (match.group(2) and not 1 <= int(match.group(2)) <= 53):  # noqa: PLR2004 - weeks in a year
            return f"RRULE has BYDAY={day} (expected a weekday like MO or -1SU)"
    return None


def _is_int(value: object) -> bool:
    return _as_int(str(value)) is not None


def _as_int(text: str) -> int | None:
    text = text.strip()
    digits = text[1:] if text[:1] in {"+", "-"} else text
    short = len(digits) <= _MAX_DIGITS
    return int(text) if digits.isascii() and digits.isdigit() and short else None
