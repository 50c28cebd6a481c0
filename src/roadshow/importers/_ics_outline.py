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
  event);
- the limits below are checked, so that no file ties roadshow up.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Iterator
from typing import Any, Final

import icalendar
from attrs import define, evolve, field, frozen
from icalendar.parser import Contentline

from roadshow.errors import Described, DiaryFileError, SkippedContentWarning, quote
from roadshow.importers._zones import iana_zone

MAX_LINE_CHARS: Final = 1_000_000
"""The longest content line read (after unfolding): a megabyte of text."""

MAX_EVENTS: Final = 5_000
"""The most events read from one file (after leaving out, for a diary, those
that neither repeat nor touch the planning window): over 50 a day for three
months. icalendar reads about a thousand events a second."""

MAX_LISTED_DATES: Final = 20_000
"""The most dates all RDATE and EXDATE lines of the events read may list."""

MAX_OFFSET: Final = dt.timedelta(hours=18)
"""The largest UTC offset a VTIMEZONE may give (real ones stay within 15 hours)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
_ZONE_PARTS = frozenset({"VTIMEZONE", "STANDARD", "DAYLIGHT"})
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WHOLE_DAYS = re.compile(r";VALUE=DATE[;:]", re.IGNORECASE)
_TZID_PARAM = re.compile(r'(;TZID=)("[^"]*"|[^;:]*)', re.IGNORECASE)

# Properties a component has at most once (RFC 5545, 3.4, 3.6.1, 3.6.5): a
# second one leaves roadshow to guess which is meant, and icalendar's time zone
# code fails on some.
_ONCE = {
    "VCALENDAR": frozenset({"CALSCALE", "METHOD", "PRODID", "VERSION"}),
    "VEVENT": frozenset(
        {
            "CLASS",
            "CREATED",
            "DESCRIPTION",
            "DTEND",
            "DTSTAMP",
            "DTSTART",
            "DURATION",
            "GEO",
            "LAST-MODIFIED",
            "LOCATION",
            "ORGANIZER",
            "PRIORITY",
            "RECURRENCE-ID",
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "TRANSP",
            "UID",
            "URL",
        }
    ),
    "VTIMEZONE": frozenset({"LAST-MODIFIED", "TZID", "TZURL"}),
    "STANDARD": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
    "DAYLIGHT": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
    "VALARM": frozenset({"ACTION", "DESCRIPTION", "DURATION", "REPEAT", "TRIGGER"}),
}
READ: Final = frozenset(
    {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}
)
"""The components roadshow reads; others are skipped with a warning."""


@define
class Block:
    """One component as written: its name, lines and where its properties are."""

    name: str
    line: int
    properties: dict[str, int]  # first line of each property name
    repeated: dict[str, int] = field(factory=dict)  # second line, if any
    start: int = 0  # index of its BEGIN in the outline's lines
    stop: int = 0  # index after its END
    parent: Block | None = None
    left_out: bool = False  # not given to icalendar

    def note(self, name: str, line: int) -> None:
        """Note that property *name* is written on *line*."""
        if name in self.properties:
            self.repeated.setdefault(name, line)
        else:
            self.properties[name] = line


@frozen
class Line:
    """One unfolded content line: where it starts, its text and its parts."""

    number: int
    text: str
    name: str
    value: str  # as written (escaped)
    tzid: str | None  # its TZID parameter, unquoted
    component: str = ""  # the innermost component it is in


@define
class Outline:
    """Every content line and component of a file, in order."""

    lines: list[Line]
    blocks: list[Block]
    zones: dict[str, Block] = field(factory=dict)  # VTIMEZONE by TZID as written
    source: str = ""
    dropped: set[int] = field(factory=set)  # lines not given to icalendar

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


def content_lines(text: str) -> Iterator[tuple[int, str]]:
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


def outline(
    text: str, source: str, *, window: tuple[dt.date, dt.date] | None = None
) -> Outline:
    """Check every content line and the BEGIN/END nesting; prepare the text.

    Raises:
        DiaryFileError: malformed lines or nesting, an unknown zone, a VTIMEZONE
            that cannot be read, or a file over the limits (naming the line).
    """
    found = _walk(text, source)
    _check_zones(found, source)
    _check_calendar_zone(found)
    if window is not None:
        _leave_out(found, window)
    _check_limits(found, source)
    return found


def _walk(text: str, source: str) -> Outline:
    walker = _Walker(source)
    raw = list(content_lines(text))
    for index, (number, content) in enumerate(raw):
        _check_length(content, number, source)
        if not walker.blocks and content.strip().upper() != "BEGIN:VCALENDAR":
            raise _line_error(source, number, "BEGIN:VCALENDAR", content)
        # A file cut short mid-line ends in an open component, without a line break.
        is_cut = index == len(raw) - 1 and not text.endswith(("\n", "\r"))
        stack = walker.stack
        line = _split(
            content, number, source, cut=stack[-1] if stack and is_cut else None
        )
        walker.step(index, evolve(line, component=stack[-1].name) if stack else line)
    if not walker.blocks:
        msg = "the file is empty"
        raise DiaryFileError(msg, source=source, expected="an iCalendar file")
    if walker.stack:
        msg = (
            f"BEGIN:{walker.stack[-1].name} on line {walker.stack[-1].line}"
            " is never closed"
        )
        raise DiaryFileError(msg, source=source, location="end of file")
    return Outline(walker.lines, walker.blocks, walker.zones, source)


@define
class _Walker:
    """The components open while walking the lines, and what was found so far."""

    source: str
    blocks: list[Block] = field(factory=list)
    stack: list[Block] = field(factory=list)
    lines: list[Line] = field(factory=list)
    zones: dict[str, Block] = field(factory=dict)

    def step(self, index: int, line: Line) -> None:
        """Take the next content line: open, close or add to a component."""
        self.lines.append(line)
        name, value, stack = line.name, line.value, self.stack
        if name == "BEGIN":
            if not stack and value.upper() != "VCALENDAR":
                raise _line_error(
                    self.source, line.number, "BEGIN:VCALENDAR", line.text
                )
            parent = stack[-1] if stack else None
            block = Block(value.upper(), line.number, {}, start=index, parent=parent)
            self.blocks.append(block)
            stack.append(block)
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                expected = f"END:{stack[-1].name}" if stack else "the end of the file"
                raise _line_error(self.source, line.number, expected, line.text)
            closed = stack.pop()
            closed.stop = index + 1
            _check_once(closed, self.source)
        elif not stack:
            raise _line_error(self.source, line.number, "BEGIN:VCALENDAR", line.text)
        else:
            stack[-1].note(name, line.number)
            if name == "TZID" and stack[-1].name == "VTIMEZONE":
                self.zones.setdefault(_unescape(value), stack[-1])


def _split(content: str, number: int, source: str, *, cut: Block | None) -> Line:
    """Split a content line into name, value (as written) and TZID parameter."""
    colon, quoted = -1, False
    for position, char in enumerate(content):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            colon = position
            break
    head = content[:colon].split(";", 1) if colon > 0 else [""]
    name = head[0].strip().upper()
    if not _NAME.match(name) or not _params_ok(head[1] if len(head) > 1 else ""):
        # An odd line (spaces in a name, no value): as lenient as icalendar is.
        try:
            parsed, _params, _value = Contentline(content).parts()  # type: ignore[no-untyped-call]
        except ValueError:
            raise _unsplittable(content, number, source, cut) from None
        name = str(parsed).upper()
        colon = colon if colon > 0 else len(content)
    tzid = None
    match = _TZID_PARAM.search(content, 0, colon)
    if match and _WHOLE_DAYS.search(content, 0, colon + 1):
        # A date without a time is the day in the reader's zone (ownCloud writes
        # a TZID too; icalendar would read the zone's midnight, hours off).
        content = content[: match.start()] + content[match.end() :]
        colon -= match.end() - match.start()
    elif match:
        tzid = match.group(2).strip('"')
    return Line(number, content, name, content[colon + 1 :], tzid)


def _params_ok(params: str) -> bool:
    """Tell whether ``A=x;B="y"`` parameters are well formed (no empty names)."""
    if not params:
        return True
    parts = re.findall(
        r'([^;="]*)=((?:"[^"]*"|[^;",]*)(?:,(?:"[^"]*"|[^;",]*))*)(;|$)', params
    )
    return "".join(f"{k}={v}{end}" for k, v, end in parts) == params and all(
        _NAME.match(k.strip()) for k, _v, _e in parts
    )


def _unsplittable(
    content: str, number: int, source: str, cut: Block | None
) -> DiaryFileError:
    if cut is not None:
        msg = (
            f"the file ends in the middle of this line, inside BEGIN:{cut.name}"
            f" from line {cut.line}"
        )
        return DiaryFileError(
            msg,
            source=source,
            location=f"line {number}",
            expected="the rest of the file (was it cut short?)",
            got=content,
        )
    return _line_error(
        source, number, 'a content line like "NAME;PARAM=VALUE:value"', content
    )


def _unescape(value: str) -> str:
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _check_once(block: Block, source: str) -> None:
    """Refuse a second copy of a property the component may have only once."""
    twice = _ONCE.get(block.name, frozenset()) & block.repeated.keys()
    for name in sorted(twice, key=block.repeated.__getitem__)[:1]:
        msg = f"{name} appears twice in {block.name} (line {block.line})"
        raise DiaryFileError(
            msg,
            source=source,
            location=f"line {block.repeated[name]}",
            expected=f"one {name} (the first is on line {block.properties[name]})",
        )


def _check_length(line: str, number: int, source: str) -> None:
    if len(line) > MAX_LINE_CHARS:
        msg = "the line is too long"
        raise DiaryFileError(
            msg,
            source=source,
            location=f"line {number}",
            expected=f"at most {MAX_LINE_CHARS:,} characters (after unfolding)",
            got=Described(f"{len(line):,}"),
        )


def _line_error(source: str, number: int, expected: str, got: str) -> DiaryFileError:
    return DiaryFileError(
        source=source, location=f"line {number}", expected=expected, got=got
    )


# --- zones --------------------------------------------------------------------------


def _check_zones(found: Outline, source: str) -> None:
    """Rewrite every TZID to a safe name; skip or refuse broken VTIMEZONEs."""
    used = {line.tzid for line in found.lines if line.tzid is not None}
    names: dict[str, str] = {}
    for index, (tzid, block) in enumerate(sorted(found.zones.items())):
        iana = iana_zone(tzid)
        problem = _zone_problem(found, block)
        if problem is not None:
            _skip_zone(found, block, tzid, problem, iana=iana, used=tzid in used)
        names[tzid] = iana or f"roadshow-vtimezone-{index + 1}"
    for index, line in enumerate(found.lines):
        if line.tzid is not None:
            written = line.tzid
        elif line.name == "TZID" and line.component == "VTIMEZONE":
            written = _unescape(line.value)
        else:
            continue
        new = names.get(written) or iana_zone(written)
        if new is None and line.component in READ:
            msg = f"unknown time zone {quote(written)}"
            raise DiaryFileError(
                msg,
                source=source,
                location=f"line {line.number}",
                expected="an IANA zone or one defined by a VTIMEZONE in the file",
            )
        new = new or "roadshow-unknown-zone"  # in a skipped component: never read
        if new != written:
            found.lines[index] = _retzid(line, new)


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
    for inner in found.blocks:
        if inner.parent is zone:
            inner.left_out = True


def _check_calendar_zone(found: Outline) -> None:
    """Rewrite X-WR-TIMEZONE to its IANA zone; skip it, warning, if it names none.

    Google and Apple write it for the calendar's own zone, and read floating
    times in it.
    """
    for index, line in enumerate(found.lines):
        if line.name != "X-WR-TIMEZONE" or line.component != "VCALENDAR":
            continue
        written = _unescape(line.value).strip()
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
    text = _TZID_PARAM.sub(lambda m: m.group(1) + new, line.text, count=1)
    return evolve(line, text=text, tzid=new)


def _zone_problem(found: Outline, zone: Block) -> tuple[int, str] | None:
    """The first line of a VTIMEZONE that cannot be read or makes no sense."""
    parts = [b for b in found.blocks if b.parent is zone]
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
        value = kind.from_ical(_unescape(line.value))
    except (ValueError, TypeError, KeyError) as exc:
        return f"{line.name} cannot be read ({exc})"
    if line.name in {"TZOFFSETFROM", "TZOFFSETTO"} and abs(value) > MAX_OFFSET:
        return f"{line.name} is more than 18 hours from UTC"
    if line.name == "RRULE":
        return rule_problem(value, zone=True)
    return None


# --- recurrence rules ---------------------------------------------------------------

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


# --- the planning window and the limits -------------------------------------------


def _leave_out(found: Outline, window: tuple[dt.date, dt.date]) -> None:
    """Leave out events that neither repeat nor come within two days of *window*."""
    first, last = window[0] - dt.timedelta(days=2), window[1] + dt.timedelta(days=2)
    by_number = {line.number: line for line in found.lines}
    for block in found.blocks:
        keys = block.properties
        if (
            block.name != "VEVENT"
            or "DURATION" in keys
            or keys.keys()
            & {
                "RRULE",
                "RDATE",
                "RECURRENCE-ID",
            }
        ):
            continue
        start = _date_of(by_number, keys.get("DTSTART"))
        end = _date_of(by_number, keys.get("DTEND")) if "DTEND" in keys else start
        if start is not None and end is not None and (end < first or start > last):
            block.left_out = True
            for inner in found.blocks:
                if inner.parent is block:
                    inner.left_out = True


def _date_of(by_number: dict[int, Line], number: int | None) -> dt.date | None:
    line = by_number.get(number) if number is not None else None
    match = _DATE.match(line.value.strip()) if line is not None else None
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None  # read by icalendar, which says what is wrong


def _check_limits(found: Outline, source: str) -> None:
    events = dates = 0
    for block in found.read():
        if block.name != "VEVENT":
            continue
        events += 1
        if events > MAX_EVENTS:
            msg = "the file holds too many events"
            raise DiaryFileError(
                msg,
                source=source,
                location=f"line {block.line}",
                expected=f"at most {MAX_EVENTS:,} events"
                + (
                    " that may fall in the planning window"
                    if _any_left_out(found)
                    else ""
                ),
            )
    for line in found.lines:
        if line.name in {"RDATE", "EXDATE"}:
            dates += line.value.count(",") + 1
            if dates > MAX_LISTED_DATES:
                msg = "the events list too many extra dates"
                raise DiaryFileError(
                    msg,
                    source=source,
                    location=f"line {line.number}",
                    expected=f"at most {MAX_LISTED_DATES:,} dates in all RDATE"
                    " and EXDATE lines",
                )


def _any_left_out(found: Outline) -> bool:
    return any(block.left_out for block in found.blocks)
