"""A component's iCalendar lines, made by icalendar's own functions without its objects.

``Event.add`` then ``Event.to_ical`` for every entry was most of the cost of a
calendar export (issue 17): each ``add`` looks up the value type and builds
parameter dictionaries, and ``to_ical`` folds every line a character at a time.
Here each property goes through the same steps icalendar takes, called directly:
the value is typed by ``Component._encode`` (what ``add`` does), the line is made
by ``Contentline.from_parts`` and folded as ``Contentline.to_ical`` folds it
(:func:`_folded`), and the lines are put in ``VEVENT`` order by icalendar's
``canonsort_keys``. A TEXT value without parameters (UIDs, summaries and
descriptions: most of the distinct lines) skips the type lookup: its line is the
name, a colon and the value as icalendar's ``vText`` escapes it, which is what
``from_parts`` makes of it. Each distinct line is made once: a stamp, a venue's
location or a category is the same line in thousands of entries. A line shorter
than the 75 octets RFC 5545 folds at is not folded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

from icalendar import Event, vText
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import Contentline
from icalendar.parser_tools import DEFAULT_ENCODING, to_unicode

from roadshow.exporters.ics._writer import Property

_BEGIN = b"BEGIN:VEVENT\r\n"
_END = b"END:VEVENT\r\n"
_TIMED = ("DTSTART", "DTEND")
_PLAIN = frozenset({str, int, vText})
"""Value types that are their own line key (with the name and type)."""
_FOLD_AT = 75
"""Octets from which ``Contentline.to_ical`` folds; shorter lines stay as they are."""


class Lines:
    """Serialises components as ``Event.to_ical`` does, each distinct line once."""

    def __init__(self) -> None:
        # A line's bytes (folded, CRLF-ended) and its TZID, if it names one.
        self._made: dict[Hashable, tuple[bytes, str | None]] = {}
        # For each list of property names, their positions in VEVENT order.
        self._orders: dict[tuple[str, ...], list[int]] = {}
        # Property name -> whether icalendar types a str value as TEXT.
        self._text: dict[str, bool] = {}

    def component(self, properties: list[Property]) -> tuple[bytes, frozenset[str]]:
        """Return a ``VEVENT``'s bytes and the time zones its times name."""
        lines = self._made
        made = []
        for name, value, params in properties:
            kind = type(value)
            # The key _key gives these, without the call (most lines are found).
            key = (
                (name, kind, value)
                if params is None and kind in _PLAIN
                else _key(name, value, params)
            )
            found = lines.get(key)
            made.append(
                found if found is not None else self._line(key, name, value, params)
            )
        names = tuple(name for name, _, _ in properties)
        order = self._orders.get(names)
        if order is None:
            order = self._orders[names] = _order(names)
        body = b"".join([made[i][0] for i in order])
        zones = frozenset(tzid for _, tzid in made if tzid is not None)
        return _BEGIN + body + _END, zones

    def _line(
        self,
        key: Hashable,
        name: str,
        value: object,
        parameters: dict[str, str] | None,
    ) -> tuple[bytes, str | None]:
        """Make the line of one property, and keep it under *key*."""
        text = None if parameters else self._text_value(name, value)
        if text is not None:
            # What from_parts makes of a TEXT value without parameters, the
            # value escaped by icalendar's vText (most of the unique lines).
            line = Contentline(f"{name}:{to_unicode(text.to_ical())}")  # type: ignore[no-untyped-call]
            tzid = None
        else:
            # What Event.add does to a value (a copy: it may add VALUE=...).
            params = dict(parameters) if parameters else None
            typed = Event._encode(name, value, params)  # type: ignore[no-untyped-call]  # noqa: SLF001
            line = Contentline.from_parts(name, typed.params, typed)
            tzid = typed.params.get("TZID") if name in _TIMED else None
        data = line.encode(DEFAULT_ENCODING)
        if len(data) >= _FOLD_AT:
            data = _folded(line)
        made = self._made[key] = (data + b"\r\n", tzid)
        return made

    def _text_value(self, name: str, value: object) -> vText | None:
        """The vText ``Event.add(name, value)`` keeps or makes, if it is one."""
        if type(value) is vText:
            return value if not value.params else None
        if type(value) is not str:
            return None
        is_text = self._text.get(name)
        if is_text is None:
            is_text = Event.types_factory.for_property(name) is vText
            self._text[name] = is_text
        return vText(value) if is_text else None


def _folded(line: Contentline) -> bytes:
    """``line.to_ical()``: the line folded as icalendar folds it, ASCII in slices.

    icalendar's folder goes a character at a time, counting each one's octets.
    An ASCII line has one octet a character, so its pieces are slices of 74
    characters, one shorter where the last would be a backslash or a caret
    (icalendar keeps an escape with the character it escapes). Lines with other
    characters go to icalendar itself.
    """
    if not line.isascii():
        return bytes(line.to_ical())  # type: ignore[no-untyped-call]
    pieces = []
    start, width = 0, _FOLD_AT - 1
    while len(line) - start > width:
        cut = start + width
        if line[cut - 1] in "\\^":
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return "\r\n ".join(pieces).encode("ascii")


def _order(names: tuple[str, ...]) -> list[int]:
    """Positions of *names* in the order ``Event.to_ical`` writes them."""
    return [
        i
        for name in canonsort_keys(dict.fromkeys(names), Event.canonical_order)
        for i, other in enumerate(names)
        if other == name
    ]


def _key(name: str, value: object, parameters: dict[str, str] | None) -> Hashable:
    """What makes a line: equal datetimes in other zones are different lines."""
    kind = type(value)
    if isinstance(value, list):
        value = tuple(value)
    elif isinstance(value, dt.datetime):
        value = (value, value.tzinfo)
    if parameters:
        return (name, kind, value, tuple(parameters.items()))
    return (name, kind, value)
