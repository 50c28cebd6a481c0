"""The first pass over iCalendar text: content lines, nesting, zones and limits.

``icalendar`` parses leniently and reports no line numbers, so roadshow first
walks the content lines itself: it checks the BEGIN/END nesting, notes where
every component and property is written, and prepares the text icalendar reads:

- every ``TZID`` is rewritten to the IANA zone it names (Windows names and
  vendor prefixes included, see :mod:`roadshow.importers._zones`) or, for a
  zone defined only by the file's VTIMEZONE, to a private name; a TZID naming
  neither is an error at its line. icalendar so never looks up a name that is
  not a zone (``TZID=Europe`` once opened a folder);
- a VTIMEZONE that cannot be read or makes no sense (offsets over 18 hours,
  ``BYMONTH=13``, rules that change the offset more often than monthly) is
  skipped with a warning when it names an IANA zone (that zone is used) or when
  nothing uses it, and is an error otherwise;
- with a planning window, events that neither repeat nor touch the window are
  left out before icalendar reads them (reading costs about a millisecond an
  event), and so are components roadshow does not read: the lines are walked
  one by one by :mod:`roadshow.importers._ics_walk`, which checks its limits as
  it goes, so that no file ties roadshow up.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any, Final

import icalendar
from attrs import define, evolve, field

from roadshow.errors import DiaryFileError, SkippedContentWarning, quote
from roadshow.importers._ics_rules import rule_problem
from roadshow.importers._ics_skim import (
    FIRST_RUN,
    skim_run,
    window_bounds,
)
from roadshow.importers._ics_walk import (
    MAX_LINE_CHARS,
    READ,
    TZID_PARAM,
    Block,
    Line,
    Walk,
    content_lines,
    next_line,
    one_line_break,
    unescape,
)
from roadshow.importers._zones import iana_zone

__all__ = [
    "MAX_LINE_CHARS",
    "READ",
    "Block",
    "Line",
    "Outline",
    "content_lines",
    "outline",
    "rule_problem",
]

MAX_OFFSET: Final = dt.timedelta(hours=18)
"""The largest UTC offset a VTIMEZONE may give (real ones stay within 15 hours)."""


@define
class Outline:
    """The content lines and components icalendar is to read, in order."""

    lines: list[Line]
    blocks: list[Block]
    zones: dict[str, Block] = field(factory=dict)  # VTIMEZONE by TZID as written
    source: str = ""
    dropped: set[int] = field(factory=set)  # lines not given to icalendar
    elsewhere: dict[str, int] = field(factory=dict)  # TZIDs of left-out events

    def text(self, *, without: frozenset[int] = frozenset()) -> str:
        """The text icalendar reads: the lines kept, TZIDs rewritten."""
        kept = [True] * len(self.lines)
        for block in self.blocks:
            if block.left_out:
                kept[block.start : block.stop] = [False] * (block.stop - block.start)
        for index in without | self.dropped:
            kept[index] = False
        return "".join(
            line.text + "\r\n"
            for line, keep in zip(self.lines, kept, strict=True)
            if keep
        )

    def read(self) -> list[Block]:
        """The blocks given to icalendar, in order."""
        return [block for block in self.blocks if not block.left_out]


def outline(
    text: str,
    source: str,
    *,
    window: tuple[dt.date, dt.date] | None = None,
    reads: str = "",
) -> Outline:
    """Check every content line and the BEGIN/END nesting; prepare the text.

    With a *window*, events that neither repeat nor come near it are left out;
    components roadshow does not read are skipped, warning that it *reads*
    something else.

    Raises:
        DiaryFileError: malformed lines or nesting, an unknown zone, a VTIMEZONE
            that cannot be read, or a file over the limits (naming the line).
    """
    walked = walk(text, Walk(source, window, reads))
    found = Outline(
        walked.lines,
        walked.blocks,
        walked.zones,
        source,
        elsewhere=walked.dropped_zones,
    )
    _check_zones(found, source)
    _check_calendar_zone(found)
    return found


def walk(text: str, walker: Walk) -> Walk:
    """Give *walker* every content line of *text*, skimming what it need not read.

    Raises:
        DiaryFileError: malformed lines or nesting, or a file over the limits
            (naming the line).
    """
    ends_open = not text.endswith(("\n", "\r"))
    text = one_line_break(text)
    content_end = len(text.rstrip())  # after it, only blank lines
    position = number = 0  # physical lines read
    bounds = window_bounds(walker.window) if walker.window else None
    run = FIRST_RUN
    while position < len(text):
        if walker.may_skim():
            skim = skim_run(
                text, position, number + 1, bounds, run=run, wanted=walker.wanted
            )
            if skim is not None:
                walker.skimmed(skim.kind, skim.count, skim.starts, skim.zones)
                position, number, run = skim.position, number + skim.lines, skim.run
                continue
            run = FIRST_RUN
        content, position, count = next_line(text, position)
        if content.strip():
            last = ends_open and position >= content_end
            walker.step(number + 1, content, last=last)
        number += count
    walker.finish()
    return walker


# --- zones --------------------------------------------------------------------------


def _check_zones(found: Outline, source: str) -> None:
    """Rewrite every TZID to a safe name; skip or refuse broken VTIMEZONEs."""
    used = {line.tzid for line in found.lines if line.tzid is not None}
    parts: dict[int, list[Block]] = {}
    for block in found.blocks:
        if block.parent is not None and block.parent.name == "VTIMEZONE":
            parts.setdefault(id(block.parent), []).append(block)
    names: dict[str, str] = {}
    for index, (tzid, block) in enumerate(sorted(found.zones.items())):
        iana = iana_zone(tzid)
        mine = parts.get(id(block), [])
        problem = _zone_problem(found, block, mine)
        if problem is not None:
            used_here = tzid in used or tzid in found.elsewhere
            _skip_zone(found, block, tzid, problem, iana=iana, used=used_here)
            for part in mine:
                part.left_out = True
        names[tzid] = iana or f"roadshow-vtimezone-{index + 1}"
    _rename_zones(found, names, source)


def _rename_zones(found: Outline, names: dict[str, str], source: str) -> None:
    """Rewrite every TZID to the zone it names; refuse the first unknown one."""
    # The first unknown zone a left-out event names (those events are gone).
    unknown = min(
        (
            (number, tzid)
            for tzid, number in found.elsewhere.items()
            if tzid not in names and iana_zone(tzid) is None
        ),
        default=None,
    )
    for index, line in enumerate(found.lines):
        if line.tzid is not None:
            written = line.tzid
        elif line.name == "TZID" and line.component == "VTIMEZONE":
            written = unescape(line.value)
        else:
            continue
        new = names.get(written) or iana_zone(written)
        if new is None:
            first = min(unknown or (line.number, written), (line.number, written))
            raise _unknown_zone(source, *first)
        if new != written:
            found.lines[index] = _retzid(line, new)
    if unknown is not None:
        raise _unknown_zone(source, *unknown)


def _unknown_zone(source: str, number: int, written: str) -> DiaryFileError:
    msg = f"unknown time zone {quote(written)}"
    return DiaryFileError(
        msg,
        source=source,
        location=f"line {number}",
        expected="an IANA zone or one defined by a VTIMEZONE in the file",
    )


def _skip_zone(
    found: Outline,
    zone: Block,
    tzid: str,
    problem: tuple[int, str],
    *,
    iana: str | None,
    used: bool,
) -> None:
    """Leave out a VTIMEZONE with a *problem*, or refuse it if an event needs it."""
    where, why = problem
    if iana is None and used:
        raise DiaryFileError(why, source=found.source, location=f"line {where}")
    then = (
        f"times in it are read in the IANA zone {iana}" if iana else "no event uses it"
    )
    warnings.warn(
        f"{found.source}, line {zone.line}: VTIMEZONE {quote(tzid)} skipped"
        f" ({why}, line {where}); {then}",
        SkippedContentWarning,
        stacklevel=5,
    )
    zone.left_out = True


def _check_calendar_zone(found: Outline) -> None:
    """Rewrite X-WR-TIMEZONE to its IANA zone; skip it, warning, if it names none.

    Google and Apple write it for the calendar's own zone, and read floating
    times in it.
    """
    for index, line in enumerate(found.lines):
        if line.name != "X-WR-TIMEZONE" or line.component != "VCALENDAR":
            continue
        written = unescape(line.value).strip()
        iana = iana_zone(written)
        if iana is None:
            found.dropped.add(index)
            warnings.warn(
                f"{found.source}, line {line.number}: X-WR-TIMEZONE skipped; unknown"
                f" time zone {quote(written)}",
                SkippedContentWarning,
                stacklevel=4,
            )
            continue
        if iana != written:
            found.lines[index] = evolve(line, text=f"X-WR-TIMEZONE:{iana}", value=iana)


def _retzid(line: Line, new: str) -> Line:
    if line.tzid is None:  # a VTIMEZONE's own TZID property
        return evolve(line, text=f"TZID:{new}", value=new)
    text = TZID_PARAM.sub(lambda m: m.group(1) + new, line.text, count=1)
    return evolve(line, text=text, tzid=new)


def _zone_problem(
    found: Outline, zone: Block, parts: list[Block]
) -> tuple[int, str] | None:
    """The first line of a VTIMEZONE (of *parts*) that cannot be read or is nonsense."""
    if not parts:
        return zone.line, "a VTIMEZONE needs a STANDARD or DAYLIGHT part"
    for line in found.lines[zone.start : zone.stop]:
        if line.name in {"BEGIN", "END"} or line.name.startswith("X-"):
            continue
        problem = _zone_line_problem(line)
        if problem is not None:
            return line.number, problem
    for part in parts:
        needed = {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}
        missing = sorted(needed - part.properties.keys())
        if missing:
            return part.line, f"{part.name} has no {missing[0]}"
    return None


def _zone_line_problem(line: Line) -> str | None:
    try:
        kind: Any = icalendar.Calendar.types_factory.for_property(line.name, None)
        value = kind.from_ical(unescape(line.value))
    except (ValueError, TypeError, KeyError) as exc:
        return f"{line.name} cannot be read ({exc})"
    if line.name in {"TZOFFSETFROM", "TZOFFSETTO"} and abs(value) > MAX_OFFSET:
        return f"{line.name} is more than 18 hours from UTC"
    if line.name == "RRULE":
        return rule_problem(value, zone=True)
    return None
