"""Calendar rules as pure functions over pendulum dates.

Working days, weekends, bank holidays (from the maintained ``holidays`` package,
not a hand list), blackouts, and the days and clock windows a request may use.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import attrs
import holidays as holidays_lib
from attrs import frozen
from pendulum import Date

from roadshow.errors import InvalidModelError
from roadshow.model import (
    CalendarRules,
    EventRequest,
    Scenario,
    Slot,
    TimeWindow,
)
from roadshow.timeutil import as_date

WEEKDAYS_ONLY = frozenset(range(5))
ALL_DAYS = frozenset(range(7))
_WEEKEND = frozenset({5, 6})
_ANY_TIME = TimeWindow.parse("00:00-24:00")


def days_between(start_on: Date, end_on: Date) -> Iterator[Date]:
    """Yield every date from *start_on* to *end_on* inclusive."""
    day = start_on
    while day <= end_on:
        yield day
        day = day.add(days=1)


@cache
def _holiday_dates(spec: str, year: int) -> frozenset[Date]:
    country, _, subdiv = spec.partition("-")
    try:
        table = holidays_lib.country_holidays(
            country, subdiv=subdiv or None, years=year
        )
    except NotImplementedError:
        raise InvalidModelError(
            obj="calendar",
            field="holidays",
            expected="a country[-subdivision] the holidays package knows (GB-ENG)",
            got=spec,
        ) from None
    return frozenset(as_date(day) for day in table)


def check_holiday_spec(spec: str) -> str:
    """Return *spec* if the holidays package knows it (``""`` means no holidays).

    Raises:
        InvalidModelError: unknown country or subdivision.
    """
    if spec:
        _holiday_dates(spec, 2000)
    return spec


def is_bank_holiday(day: Date, calendar: CalendarRules) -> bool:
    """Tell whether *day* is a public holiday under *calendar*."""
    if day in calendar.extra_holidays:
        return True
    return bool(calendar.holidays) and day in _holiday_dates(
        calendar.holidays, day.year
    )


def is_weekend(day: Date, calendar: CalendarRules) -> bool:
    """Tell whether *day* falls on the calendar's weekend."""
    return day.weekday() in calendar.weekend


def is_working_day(day: Date, calendar: CalendarRules) -> bool:
    """Tell whether *day* is neither a weekend day nor a holiday."""
    return not is_weekend(day, calendar) and not is_bank_holiday(day, calendar)


def working_days(start_on: Date, end_on: Date, calendar: CalendarRules) -> list[Date]:
    """Return the working days from *start_on* to *end_on* inclusive."""
    return [d for d in days_between(start_on, end_on) if is_working_day(d, calendar)]


def is_blacked_out(person_id: str, day: Date, scenario: Scenario) -> bool:
    """Tell whether *person_id* has a blackout covering *day*."""
    return any(b.person_id == person_id and b.covers(day) for b in scenario.blackouts)


def request_slots(
    request: EventRequest, calendar: CalendarRules | None = None
) -> tuple[Slot, ...]:
    """Return the request's slots, read against the calendar's weekend.

    A request with no slots may use every working day (each day not in the
    weekend), any time; the attendees' working hours then narrow that. A slot
    that names working days keeps to them: the weekend days in its range are
    left out ("mon-fri" under a Friday-Saturday weekend is Monday to Thursday).
    A slot of weekend days only ("sat 10:00-12:00") is how a request asks for a
    weekend, and is kept as written.
    """
    weekend = calendar.weekend if calendar is not None else _WEEKEND
    if not request.slots:
        days = ALL_DAYS - weekend or WEEKDAYS_ONLY
        return (Slot(days=days, window=_ANY_TIME),)
    return tuple(_working(slot, weekend) for slot in request.slots)


@cache
def _working(slot: Slot, weekend: frozenset[int]) -> Slot:
    working = slot.days - weekend
    if not working or working == slot.days:
        return slot
    return attrs.evolve(slot, days=working)


def request_window(request: EventRequest, scenario: Scenario) -> tuple[Date, Date]:
    """Return the first and last day a request may use (inside the scenario window)."""
    first = max(request.earliest_on or scenario.start_on, scenario.start_on)
    last = min(request.latest_on or scenario.end_on, scenario.end_on)
    return first, last


def is_allowed_day(day: Date, request: EventRequest, scenario: Scenario) -> bool:
    """Tell whether the calendar allows *request* on *day*.

    Weekends are allowed only when one of the request's slots names them; bank
    holidays never are. People's blackouts are checked separately.
    """
    return allowed_days(request, scenario).allows(day, scenario.calendar)


@frozen
class AllowedDays:
    """What the calendar allows a request: a window and weekdays (no holidays).

    Requests with the same window and slot days are allowed the same days, so
    the planner works them out once per distinct rule (:func:`allowed_days`).
    """

    first: Date
    last: Date
    weekdays: frozenset[int]

    def allows(self, day: Date, calendar: CalendarRules) -> bool:
        """Tell whether *day* is in the window, on a weekday, and no holiday."""
        return (
            self.first <= day <= self.last
            and day.weekday() in self.weekdays
            and not is_bank_holiday(day, calendar)
        )


def allowed_days(request: EventRequest, scenario: Scenario) -> AllowedDays:
    """The days the calendar allows *request*, as a rule (:func:`is_allowed_day`)."""
    first, last = request_window(request, scenario)
    weekdays = frozenset(
        d for slot in request_slots(request, scenario.calendar) for d in slot.days
    )
    return AllowedDays(first, last, weekdays)


def slot_windows(
    day: Date, request: EventRequest, calendar: CalendarRules | None = None
) -> list[tuple[int, int]]:
    """Return the request's clock windows on *day* as minutes after midnight."""
    return [
        s.window.minutes
        for s in request_slots(request, calendar)
        if day.weekday() in s.days
    ]
