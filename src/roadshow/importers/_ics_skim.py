"""Skimming past events far from the planning window without walking their lines.

A diary of ten years holds hundreds of thousands of past events: walking each of
their lines in Python takes minutes. :func:`skim_far_events` looks at a run of
plain events at once (string and regular expression searches that run in C, and
a few steps in Python per event) and leaves out those far from the window: no
nested component, no repetition, both dates two days or more from the window.
Anything it is not sure of is left to the line-by-line walk
(:mod:`roadshow.importers._ics_walk`), which gives the same busy time, slowly.

An event left out this way is checked only for its nesting, its dates and the
TZIDs it names (an unknown zone is still an error at its line): like any event
left out, it is never read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from attrs import frozen

_BEGIN: Final = "BEGIN:VEVENT\n"
_END: Final = "\nEND:VEVENT\n"
_NEXT: Final = "\nEND:VEVENT\nBEGIN:VEVENT\n"
FIRST_RUN: Final = 8_192
_LONGEST_RUN: Final = 1_048_576
"""The most text skimmed at once (a run grows from the first size while it can)."""

_NOT_PLAIN = re.compile(
    r"^(?:(?:BEGIN|END)[ \t]*[;:](?!VEVENT\n(?![ \t]))"  # another component, folded
    r"|(?:RRULE|RDATE|RECURRENCE-ID|DURATION)[ \t]*[;:]"  # repeats, or lasts
    r"|DT(?:START|END)[ \t]*[;:][^\n]*\""  # quoted parameters in its times
    r"|(?![A-Z0-9-]+[ \t]*[;:]|[ \t]|\Z))",  # a line without a name, or blank
    re.MULTILINE,
)
"""The first line that keeps an event from being skimmed."""
_TIMES = re.compile(r"^(?:(BEGIN):VEVENT$|(DTSTART|DTEND)([;:])([^\n]*))", re.MULTILINE)
_ZONE = re.compile(
    r"^[A-Za-z0-9-]+[ \t]*(?![^\n:]*;VALUE=DATE[;:])(?:;[^\n:;\"]*)*?"
    r';TZID=("[^"\n]*"|[^;:\n]*)',
    re.MULTILINE | re.IGNORECASE,
)


@frozen
class Skimmed:
    """Far events left out: where the text goes on, and the TZIDs they named."""

    position: int  # in the text, after the last event's END line
    lines: int  # physical lines they span
    zones: dict[str, int]  # TZID -> its first line number
    run: int  # how much text to try at once next time


def window_bounds(window: tuple[dt.date, dt.date]) -> tuple[str, str]:
    """The first and last day an event may touch to be read, as ``YYYYMMDD``."""
    first = dt.date(window[0].year, window[0].month, window[0].day)
    last = dt.date(window[1].year, window[1].month, window[1].day)
    margin = dt.timedelta(days=2)
    return (first - margin).strftime("%Y%m%d"), (last + margin).strftime("%Y%m%d")


def skim_far_events(
    text: str,
    position: int,
    number: int,
    bounds: tuple[str, str],
    run: int = FIRST_RUN,
) -> Skimmed | None:
    """Leave out the run of plain events far from the window at *position*.

    Args:
        text: The file's text, lines ended by LF only.
        position: The start of a line (``BEGIN:VEVENT`` if there is a run).
        number: The physical line number of that line.
        bounds: The first and last day an event may touch to be read
            (:func:`window_bounds`).
        run: How much text to look at (the last :attr:`Skimmed.run`).

    Returns:
        None when the first event is not plain or may touch the window; else
        where the text goes on after the plain, far events that follow.
    """
    if not text.startswith(_BEGIN, position):
        return None
    end = text.rfind(_END, position, position + run)
    if end < 0:
        end = text.find(_END, position, position + _LONGEST_RUN)
        if end < 0:
            return None
    chunk = text[position : end + len(_END)]  # ends with its line break
    upper = chunk.upper()
    bad = _NOT_PLAIN.search(upper, len(_BEGIN))
    bad_at = bad.start() if bad is not None else None
    if text[end + len(_END) : end + len(_END) + 1] in {" ", "\t"}:
        bad_at = min(bad_at or len(upper), len(upper) - len(_END) + 1)  # folded END
    if bad_at is not None:  # keep the events before it
        cut = upper.rfind(_END, 0, bad_at + 1)
        if cut < 0:
            return None
        chunk, upper = chunk[: cut + len(_END)], upper[: cut + len(_END)]
    events = upper.count(_NEXT) + 1
    if upper.count(_END) != events or upper.count("\n" + _BEGIN) + 1 != events:
        return None  # not one event after another: the walk reads them
    cut = _far_prefix(upper, bounds)
    if cut <= 0:
        return None
    chunk = chunk[:cut]
    zones = _zones(chunk, number) if "TZID=" in upper else {}
    whole = bad_at is None and cut == len(upper)
    return Skimmed(
        position + len(chunk),
        chunk.count("\n"),
        zones,
        min(run * 2, _LONGEST_RUN) if whole else FIRST_RUN,
    )


def _far_prefix(upper: str, bounds: tuple[str, str]) -> int:
    """How much of *upper* (plain events, one after another) is far events."""
    first, last = bounds
    start = finish = None
    began: int | None = None
    ok = True
    for match in _TIMES.finditer(upper):
        begin, name, separator, rest = match.groups()
        if begin:
            if began is not None and not (ok and _far(start, finish, first, last)):
                return began
            began, start, finish, ok = match.start(), None, None, True
            continue
        value = rest if separator == ":" else rest.partition(":")[2]
        date = value.lstrip()[:8]
        if not (date.isascii() and date.isdigit() and len(date) == 8):  # noqa: PLR2004
            ok = False
        elif name == "DTSTART":
            ok, start = ok and start is None, date
        else:
            ok, finish = ok and finish is None, date
    if began is None or not (ok and _far(start, finish, first, last)):
        return began or 0
    return len(upper)


def _far(start: str | None, finish: str | None, first: str, last: str) -> bool:
    if start is None:
        return False  # no DTSTART: icalendar says so
    finish = finish or start
    if first <= finish and start <= last:
        return False
    try:  # a date that cannot be: icalendar says what is wrong
        dt.date.fromisoformat(start)
        dt.date.fromisoformat(finish)
    except ValueError:
        return False
    return True


def _zones(chunk: str, number: int) -> dict[str, int]:
    """The TZIDs the lines of *chunk* name, with the line each is first named on."""
    zones: dict[str, int] = {}
    for match in _ZONE.finditer(chunk):
        tzid = match.group(1).strip('"')
        if tzid not in zones:
            zones[tzid] = number + chunk.count("\n", 0, match.start())
    return zones
