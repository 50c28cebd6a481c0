"""Walking iCalendar text line by line, within limits checked as each line is read.

:class:`Walk` takes the content lines one at a time (never the whole file as a
list; :func:`roadshow.importers._ics_outline.walk` gives them, and skims past
runs of what need not be read with :mod:`roadshow.importers._ics_skim`), checks
each and the BEGIN/END nesting, and keeps only the lines icalendar will read:

- with a planning window, an event that neither repeats nor comes within two
  days of it is dropped as soon as its END is read (its TZIDs are noted, so an
  unknown zone is still an error);
- a component roadshow does not read (VTODO, VJOURNAL, VFREEBUSY, X- ones, and
  anything inside them) is never kept, and skipped with a warning (the first
  :data:`SHOWN_SKIPS` of each kind one by one, the rest counted);
- every limit below is checked as the lines come, so a hostile file is refused
  at the line that goes over, before the rest is read.

Reading a 50 MB file so costs a few seconds and holds at most
:data:`MAX_READ_LINES` lines.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from typing import Final

from attrs import define, field, frozen
from icalendar.parser import Contentline

from roadshow.errors import Described, DiaryFileError, SkippedContentWarning

MAX_LINE_CHARS: Final = 1_000_000
"""The longest content line read (after unfolding): a megabyte of text."""

MAX_EVENTS: Final = 5_000
"""The most events read from one file (after leaving out, for a diary, those
that neither repeat nor touch the planning window): over 50 a day for three
months. icalendar reads about a thousand events a second."""

MAX_ALARMS: Final = 5_000
"""The most alarms (VALARM) in the events read."""

MAX_ZONES: Final = 1_000
"""The most time zones (VTIMEZONE) one file may define."""

MAX_LISTED_DATES: Final = 20_000
"""The most dates all RDATE and EXDATE lines of the events read may list."""

MAX_READ_LINES: Final = 150_000
"""The most content lines kept for icalendar (the events read, their alarms,
the time zones and the calendar's own properties): 30 lines for each of
:data:`MAX_EVENTS` events. icalendar reads about 25,000 lines a second."""

MAX_DEPTH: Final = 10
"""The deepest components may nest (an alarm in an event in a calendar is 3)."""

SHOWN_SKIPS: Final = 20
"""Skipped components of one kind warned of one by one; the rest are counted."""

READ: Final = frozenset(
    {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}
)
"""The components roadshow reads; others are skipped with a warning."""

_CAPS: Final = (
    ("VEVENT", MAX_EVENTS, "events", "events"),
    ("VALARM", MAX_ALARMS, "alarms", "alarms (VALARM)"),
    ("VTIMEZONE", MAX_ZONES, "time zones", "time zones (VTIMEZONE)"),
)
REPEATS: Final = frozenset({"DURATION", "RRULE", "RDATE", "RECURRENCE-ID"})
"""An event's properties that make it repeat (or move an occurrence, or last)."""
_LISTS = frozenset({"RDATE", "EXDATE"})
_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WHOLE_DAYS = re.compile(r";VALUE=DATE[;:]", re.IGNORECASE)
TZID_PARAM: Final = re.compile(r'(;TZID=)("[^"]*"|[^;:]*)', re.IGNORECASE)
"""A TZID parameter: ``;TZID=`` and the zone's name (quoted or not)."""

ONCE: Final = {
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
"""Properties a component has at most once (RFC 5545, 3.4, 3.6.1, 3.6.5): a second
one leaves roadshow to guess which is meant, and icalendar's time zone code fails
on some."""


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
    skipped: bool = False  # a component roadshow does not read: no lines kept
    index: int = 0  # its place in the outline's blocks

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


def content_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (first physical line number, unfolded content line), one at a time.

    Only CR, LF and CRLF end lines: ``str.splitlines`` would also split at
    characters such as U+2028 that may sit inside a text value.
    """
    text = one_line_break(text)
    position = number = 0
    while position < len(text):
        content, position, count = next_line(text, position)
        if content.strip():
            yield number + 1, content
        number += count


def one_line_break(text: str) -> str:
    """*text* with every CRLF and CR turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def next_line(text: str, position: int) -> tuple[str, int, int]:
    """Unfold the content line at *position* of LF-ended *text*.

    Returns:
        The content line, the position after it and how many lines it spans.
    """
    size = len(text)
    end = text.find("\n", position)
    end = size if end < 0 else end
    parts = [text[position:end]]
    position = end + 1
    while position < size and text[position] in {" ", "\t"}:
        end = text.find("\n", position)  # a folded continuation (RFC 5545, 3.1)
        end = size if end < 0 else end
        parts.append(text[position + 1 : end])
        position = end + 1
    return "".join(parts), position, len(parts)


@define
class Walk:
    """What walking a file kept: its lines and components, zones, skipped TZIDs."""

    source: str
    window: tuple[dt.date, dt.date] | None = None
    reads: str = ""
    blocks: list[Block] = field(factory=list)
    stack: list[Block] = field(factory=list)
    lines: list[Line] = field(factory=list)
    zones: dict[str, Block] = field(factory=dict)  # VTIMEZONE by TZID as written
    dropped_zones: dict[str, int] = field(factory=dict)  # TZIDs of left-out events
    counts: Counter[str] = field(factory=Counter)
    skips: Counter[str] = field(factory=Counter)
    dates: int = 0
    left_out_any: bool = False

    def step(self, number: int, content: str, *, last: bool = False) -> None:
        """Take the next content line: open, close or add to a component.

        *last* says the file ends in this line without a line break (cut short?).
        """
        _check_length(content, number, self.source)
        stack = self.stack
        top = stack[-1] if stack else None
        first = top is None and not self.blocks
        if first and content.strip().upper() != "BEGIN:VCALENDAR":
            raise _line_error(self.source, number, "BEGIN:VCALENDAR", content)
        line = split_line(
            content,
            number,
            self.source,
            cut=top if last else None,
            component=top.name if top else "",
        )
        if line.name == "BEGIN":
            self._begin(line)
        elif line.name == "END":
            self._end(line)
        elif top is None:
            raise _line_error(self.source, number, "BEGIN:VCALENDAR", line.text)
        elif not top.skipped:
            self._keep(line)
            top.note(line.name, number)
            if line.name in _LISTS:
                self._count_dates(line)
            if line.name == "TZID" and top.name == "VTIMEZONE":
                self.zones.setdefault(unescape(line.value), top)

    def may_skim(self) -> bool:
        """Tell whether the walk is in a calendar, outside its components."""
        stack = self.stack
        return len(stack) == 1 and not stack[0].skipped

    def wanted(self, kind: str) -> int:
        """How many more skipped *kind* components are to be warned of one by one."""
        return max(SHOWN_SKIPS - self.skips[kind], 0)

    def skimmed(
        self, kind: str, count: int, starts: list[int], zones: dict[str, int]
    ) -> None:
        """Note *count* components left out unread: far events, or skipped ones.

        Far events name *zones* (TZID: line); skipped ones begin on *starts*.
        """
        if kind == "VEVENT":
            self.left_out_any = True
            for tzid, number in zones.items():
                self.dropped_zones.setdefault(tzid, number)
            return
        for number in starts[: self.wanted(kind)]:
            self._warn_skip(kind, number)
        self.skips[kind] += count

    def finish(self) -> None:
        """Check the file ended with every component closed; count the skips."""
        if not self.blocks:
            msg = "the file is empty"
            raise DiaryFileError(msg, source=self.source, expected="an iCalendar file")
        if self.stack:
            msg = (
                f"BEGIN:{self.stack[-1].name} on line {self.stack[-1].line}"
                " is never closed"
            )
            raise DiaryFileError(msg, source=self.source, location="end of file")
        for name, count in self.skips.items():
            if count > SHOWN_SKIPS:
                warnings.warn(
                    f"{self.source}: {count - SHOWN_SKIPS:,} more {name} skipped"
                    " likewise",
                    SkippedContentWarning,
                    stacklevel=4,
                )

    def _begin(self, line: Line) -> None:
        stack, name = self.stack, line.value.upper()
        if not stack and name != "VCALENDAR":
            raise _line_error(self.source, line.number, "BEGIN:VCALENDAR", line.text)
        if len(stack) >= MAX_DEPTH:
            msg = "the components are nested too deeply"
            raise DiaryFileError(
                msg,
                source=self.source,
                location=f"line {line.number}",
                expected=f"at most {MAX_DEPTH} components one inside another",
            )
        parent = stack[-1] if stack else None
        inside_skipped = parent is not None and parent.skipped
        block = Block(
            name,
            line.number,
            {},
            start=len(self.lines),
            parent=parent,
            skipped=inside_skipped or name not in READ,
            index=len(self.blocks),
        )
        stack.append(block)
        if not block.skipped:
            self.blocks.append(block)
            self._keep(line)
        elif not inside_skipped:
            if self.wanted(name):
                self._warn_skip(name, line.number)
            self.skips[name] += 1

    def _warn_skip(self, kind: str, number: int) -> None:
        warnings.warn(
            f"{self.source}, line {number}: {kind} skipped; {self.reads}",
            SkippedContentWarning,
            stacklevel=6,
        )

    def _end(self, line: Line) -> None:
        stack = self.stack
        if not stack or stack[-1].name != line.value.upper():
            expected = f"END:{stack[-1].name}" if stack else "the end of the file"
            raise _line_error(self.source, line.number, expected, line.text)
        closed = stack.pop()
        if closed.skipped:
            return
        self._keep(line)
        closed.stop = len(self.lines)
        _check_once(closed, self.source)
        self.counts[closed.name] += 1
        if closed.name == "VEVENT" and self._far(closed):
            self._drop(closed)
        if closed.parent is None or closed.parent.parent is None:
            self._check_counts(closed)

    def _keep(self, line: Line) -> None:
        if len(self.lines) >= MAX_READ_LINES:
            msg = "the file holds too many lines to read"
            raise DiaryFileError(
                msg,
                source=self.source,
                location=f"line {line.number}",
                expected=f"at most {MAX_READ_LINES:,} lines in the events"
                + (" that may fall in the planning window" if self.window else "")
                + ", their time zones and the calendar's own properties",
            )
        self.lines.append(line)

    def _count_dates(self, line: Line) -> None:
        self.dates += line.value.count(",") + 1
        if self.dates > MAX_LISTED_DATES:
            msg = "the events list too many extra dates"
            raise DiaryFileError(
                msg,
                source=self.source,
                location=f"line {line.number}",
                expected=f"at most {MAX_LISTED_DATES:,} dates in all RDATE"
                " and EXDATE lines",
            )

    def _far(self, event: Block) -> bool:
        """Tell whether *event* neither repeats nor comes within 2 days of *window*."""
        if self.window is None or event.properties.keys() & REPEATS:
            return False
        first = self.window[0] - dt.timedelta(days=2)
        last = self.window[1] + dt.timedelta(days=2)
        mine = self.lines[event.start : event.stop]
        start = _date_of(mine, event.properties.get("DTSTART"))
        end = (
            _date_of(mine, event.properties.get("DTEND"))
            if "DTEND" in (event.properties)
            else start
        )
        return start is not None and end is not None and (end < first or start > last)

    def _drop(self, event: Block) -> None:
        """Forget a left-out event's lines and components, noting its TZIDs."""
        self.left_out_any = True
        for line in self.lines[event.start :]:
            if line.tzid is not None:
                self.dropped_zones.setdefault(line.tzid, line.number)
            if line.name in _LISTS:
                self.dates -= line.value.count(",") + 1
        for block in self.blocks[event.index :]:
            self.counts[block.name] -= 1
            if block.name == "VTIMEZONE":
                self.zones = {k: v for k, v in self.zones.items() if v is not block}
        del self.lines[event.start :]
        del self.blocks[event.index :]

    def _check_counts(self, closed: Block) -> None:
        for name, cap, noun, what in _CAPS:
            if self.counts[name] > cap:
                msg = f"the file holds too many {noun}"
                near = name == "VEVENT" and self.left_out_any
                raise DiaryFileError(
                    msg,
                    source=self.source,
                    location=f"line {closed.line}",
                    expected=f"at most {cap:,} {what}"
                    + (" that may fall in the planning window" if near else ""),
                )


def _date_of(lines: list[Line], number: int | None) -> dt.date | None:
    found = [line for line in lines if line.number == number] if number else []
    match = _DATE.match(found[0].value.strip()) if found else None
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None  # read by icalendar, which says what is wrong


def split_line(
    content: str, number: int, source: str, *, cut: Block | None, component: str
) -> Line:
    """Split a content line into name, value (as written) and TZID parameter."""
    colon = content.find(":")
    if colon >= 0 and '"' in content[:colon]:
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
    match = TZID_PARAM.search(content, 0, colon) if len(head) > 1 else None
    if match and _WHOLE_DAYS.search(content, 0, colon + 1):
        # A date without a time is the day in the reader's zone (ownCloud writes
        # a TZID too; icalendar would read the zone's midnight, hours off).
        content = content[: match.start()] + content[match.end() :]
        colon -= match.end() - match.start()
    elif match:
        tzid = match.group(2).strip('"')
    return Line(number, content, name, content[colon + 1 :], tzid, component)


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


def unescape(value: str) -> str:
    """Undo a text value's escapes of commas, semicolons and backslashes."""
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _check_once(block: Block, source: str) -> None:
    """Refuse a second copy of a property the component may have only once."""
    twice = ONCE.get(block.name, frozenset()) & block.repeated.keys()
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
