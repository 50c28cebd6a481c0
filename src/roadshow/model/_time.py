"""Clock windows and weekday slots: ``08:30-18:30``, ``mon-fri 18:30-20:30``."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen
from pendulum import Time

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import WEEKDAYS
from roadshow.timeutil import (
    clock_minutes,
    format_clock,
    parse_clock,
)


@frozen
class TimeWindow:
    """A daily window of clock time, e.g. working hours ``08:30-18:30``."""

    start: Time
    end: Time

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj="time window",
                field="end",
                expected=f"an end after the start {format_clock(self.start)}",
                got=format_clock(self.end),
            )

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        """Parse ``"HH:MM-HH:MM"``.

        Raises:
            ValueError: the text is not such a window.
        """
        start, sep, end = text.strip().partition("-")
        if not sep:
            msg = f"not a time window: {text!r}"
            raise ValueError(msg)
        return cls(parse_clock(start), parse_clock(end))

    @property
    def minutes(self) -> tuple[int, int]:
        """The window as minutes after midnight ``(start, end)``."""
        return clock_minutes(self.start), clock_minutes(self.end)

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)}"


def _weekday_set(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


@frozen
class Slot:
    """When an event may happen: on these weekdays, inside this clock window.

    ``Slot.parse("mon-fri 18:30-20:30")`` is a weekday evening;
    ``Slot.parse("sat 10:00-12:30")`` a Saturday morning. Without days the slot
    applies on weekdays.
    """

    days: frozenset[int] = field(converter=_weekday_set)
    window: TimeWindow

    def __attrs_post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise InvalidModelError(
                obj="slot",
                field="days",
                expected="weekdays 0-6 (Monday is 0)",
                got=sorted(self.days),
            )

    @classmethod
    def parse(cls, text: str) -> Slot:
        """Parse ``"[DAYS ]HH:MM-HH:MM"``; DAYS like ``mon-fri``, ``sat``, ``mon,wed``.

        Raises:
            ValueError: the text is not a slot.
        """
        parts = text.split()
        if len(parts) == 1:
            return cls(days=range(5), window=TimeWindow.parse(parts[0]))
        if len(parts) == 2:  # noqa: PLR2004 - "DAYS WINDOW"
            return cls(days=parse_days(parts[0]), window=TimeWindow.parse(parts[1]))
        msg = f"not a slot: {text!r}"
        raise ValueError(msg)

    def __str__(self) -> str:
        return f"{format_days(self.days)} {self.window}"


def parse_days(text: str) -> frozenset[int]:
    """Parse day names: ``"mon-fri"``, ``"sat"``, ``"mon,wed,fri"``, ``"sat-sun"``.

    Raises:
        ValueError: an unknown day name.
    """
    days: set[int] = set()
    for part in text.lower().split(","):
        first, sep, last = part.strip().partition("-")
        if first not in WEEKDAYS or (sep and last not in WEEKDAYS):
            msg = f"not day names: {text!r}"
            raise ValueError(msg)
        start = WEEKDAYS.index(first)
        stop = WEEKDAYS.index(last) if sep else start
        days.update(
            range(start, stop + 1)
            if stop >= start
            else (*range(start, 7), *range(stop + 1))
        )
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    """Format weekday numbers compactly: ``{0,1,2,3,4}`` gives ``"mon-fri"``."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        for run in runs
    )
