"""Skimming past what a diary need not read, without walking its lines.

A diary of ten years holds hundreds of thousands of past events, and a task
list as many to-dos: walking each of their lines in Python takes minutes.
:func:`skim_run` looks at a run of plain components at once (string and regular
expression searches that run in C, and a few steps in Python per event) and
leaves them out: events far from the window (no nested component, no
repetition, both dates two days or more from the window), or components
roadshow does not read (VTODO, VJOURNAL, VFREEBUSY, X- ones). Anything it is not
sure of is left to the line-by-line walk (:mod:`roadshow.importers._ics_walk`),
which gives the same result, slowly.

A component left out this way is checked for its nesting and that each line has
a name (a skipped component's lines, never read, are not checked for length); a
far event also for its dates and the TZIDs it names (an unknown zone is still an
error at its line). Like anything left out, it is never read.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Final

from attrs import frozen

from roadshow.importers._ics_walk import MAX_LINE_CHARS, READ

FIRST_RUN: Final = 8_192
_LONGEST_RUN: Final = MAX_LINE_CHARS
"""The most text skimmed at once (a run grows from the first size while it can);
no line in it can so be longer than roadshow reads."""
_BEGIN_LINE = re.compile(r"BEGIN:([A-Za-z0-9-]+)\n")
_NESTING = re.compile(r"^(?:BEGIN|END):V(?:EVENT|ALARM)$", re.MULTILINE)
_TOKEN: Final = {
    "BEGIN:VEVENT": "(",
    "END:VEVENT": ")",
    "BEGIN:VALARM": "[",
    "END:VALARM": "]",
}
_ALARMS_INSIDE = re.compile(r"(?:\((?:\[\])*\))+")
"""Events one after another, each holding alarms that hold nothing."""


@functools.cache
def _not_plain(kind: str) -> re.Pattern[str]:
    """The first line that keeps a run of *kind* components from being skimmed."""
    event = (
        r"|(?:RRULE|RDATE|RECURRENCE-ID|DURATION)[ \t]*[;:]"  # repeats, or lasts
        r"|DT(?:START|END)[ \t]*[;:][^\n]*\""  # quoted parameters in its times
    )
    inner = "(?:VEVENT|VALARM)" if kind == "VEVENT" else kind  # alarms in events
    return re.compile(
        rf"^(?:(?:BEGIN|END)[ \t]*[;:](?!{inner}\n(?![ \t]))"  # nesting, folded
        + (event if kind == "VEVENT" else "")
        + r"|(?![A-Z0-9-]+[ \t]*[;:]|[ \t]|\Z))",  # a line without a name, or blank
        re.MULTILINE,
    )


_TIMES = re.compile(r"^(?:(BEGIN):VEVENT$|(DTSTART|DTEND)([;:])([^\n]*))", re.MULTILINE)
_ZONE = re.compile(
    r"^[A-Za-z0-9-]+[ \t]*(?![^\n:]*;VALUE=DATE[;:])(?:;[^\n:;\"]*)*?"
    r';TZID=("[^"\n]*"|[^;:\n]*)',
    re.MULTILINE | re.IGNORECASE,
)


@frozen
class Skimmed:
    """Components left out unread: where the text goes on, and what they were."""

    position: int  # in the text, after the last one's END line
    lines: int  # physical lines they span
    kind: str  # VEVENT (far events) or a component roadshow does not read
    count: int  # how many
    starts: list[int]  # the first lines of the first few (for warnings)
    zones: dict[str, int]  # TZID -> its first line number (events only)
    run: int  # how much text to try at once next time


def window_bounds(window: tuple[dt.date, dt.date]) -> tuple[str, str]:
    """The first and last day an event may touch to be read, as ``YYYYMMDD``."""
    first = dt.date(window[0].year, window[0].month, window[0].day)
    last = dt.date(window[1].year, window[1].month, window[1].day)
    margin = dt.timedelta(days=2)
    return (first - margin).strftime("%Y%m%d"), (last + margin).strftime("%Y%m%d")


def skim_run(
    text: str,
    position: int,
    number: int,
    bounds: tuple[str, str] | None,
    *,
    run: int = FIRST_RUN,
    wanted: Callable[[str], int] = lambda _kind: 0,
) -> Skimmed | None:
    """Leave out a run of components at *position* that roadshow need not read.

    Either events far from the window, or components roadshow does not read
    (to-dos, journal entries, free/busy, X- components).

    Args:
        text: The file's text, lines ended by LF only.
        position: The start of a line inside the calendar, not in a component.
        number: The physical line number of that line.
        bounds: The first and last day an event may touch to be read
            (:func:`window_bounds`), or None to read every event.
        run: How much text to look at (the last :attr:`Skimmed.run`).
        wanted: How many first lines (:attr:`Skimmed.starts`) to give, by kind.

    Returns:
        None when no such run begins at *position* (it is for the walk);
        else where the text goes on after it.
    """
    opened = _BEGIN_LINE.match(text, position)
    kind = opened.group(1).upper() if opened else ""
    if opened is None or (bounds is None if kind == "VEVENT" else kind in READ):
        return None
    begin, end_line = f"BEGIN:{kind}\n", f"\nEND:{kind}\n"
    written = f"\nEND:{opened.group(1)}\n"
    end = text.rfind(written, position, position + run)
    if end < 0:
        # One big component: an event's lines must stay short enough to read,
        # a skipped component's lines are never read.
        longest = _LONGEST_RUN if kind == "VEVENT" else len(text)
        end = text.find(written, position, position + longest)
        if end < 0:
            return None
    chunk = text[position : end + len(written)]  # ends with its line break
    upper = chunk.upper()
    bad = _not_plain(kind).search(upper, len(begin))
    bad_at = bad.start() if bad is not None else None
    if text[end + len(written) : end + len(written) + 1] in {" ", "\t"}:
        bad_at = min(bad_at or len(upper), len(upper) - len(end_line) + 1)
    if bad_at is not None:  # keep the components before it
        cut = upper.rfind(end_line, 0, bad_at + 1)
        if cut < 0:
            return None
        chunk, upper = chunk[: cut + len(end_line)], upper[: cut + len(end_line)]
    count = upper.count(end_line + begin) + 1
    if (
        upper.count(end_line) != count
        or upper.count("\n" + begin) + 1 != count
        or (kind == "VEVENT" and not _alarms_inside(upper))
    ):
        return None  # not one after another, or alarms astray: the walk reads them
    cut = _far_prefix(upper, bounds) if kind == "VEVENT" and bounds else len(upper)
    if cut <= 0:
        return None
    chunk = chunk[:cut]
    event = kind == "VEVENT"
    return Skimmed(
        position=position + len(chunk),
        lines=chunk.count("\n"),
        kind=kind,
        count=count,
        starts=[] if event else _starts(upper, begin, number, wanted(kind)),
        zones=_zones(chunk, number) if event and "TZID=" in upper else {},
        run=min(run * 2, _LONGEST_RUN)
        if bad_at is None and cut == len(upper)
        else FIRST_RUN,
    )


def _alarms_inside(upper: str) -> bool:
    """Tell whether every alarm of *upper* (events) is inside an event, closed."""
    if "VALARM" not in upper:
        return True
    tokens = "".join(_TOKEN[line] for line in _NESTING.findall(upper))
    return _ALARMS_INSIDE.fullmatch(tokens) is not None


def _starts(upper: str, begin: str, number: int, wanted: int) -> list[int]:
    """The line numbers of the first *wanted* components (BEGIN lines) of *upper*."""
    found: list[int] = []
    at = 0
    while len(found) < wanted:
        found.append(number)
        following = upper.find("\n" + begin, at)
        if following < 0:
            break
        number += upper.count("\n", at, following + 1)
        at = following + 1
    return found


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
