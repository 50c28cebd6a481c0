"""Calendar rules: working days, weekends, bank holidays, blackouts."""

from __future__ import annotations

import pytest
from pendulum import Date

from roadshow.model import CalendarRules, Scenario
from roadshow.rules import is_bank_holiday, is_blacked_out, is_working_day, working_days

ENGLAND = CalendarRules()


def test_tour_window_has_23_weekdays() -> None:
    """8 Sep - 8 Oct 2008 holds 23 weekdays and no bank holiday."""
    assert len(working_days(Date(2008, 9, 8), Date(2008, 10, 8), ENGLAND)) == 23


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (Date(2008, 12, 25), True),
        (Date(2008, 12, 26), True),
        (Date(2008, 8, 25), True),
        (Date(2008, 10, 26), False),
        (Date(2008, 9, 8), False),
    ],
    ids=["christmas", "boxing-day", "late-summer", "dst-end-sunday", "tour-start"],
)
def test_bank_holidays(day: Date, holiday: bool) -> None:
    """England and Wales bank holidays in 2008 come from the holidays package."""
    assert is_bank_holiday(day, ENGLAND) is holiday


def test_weekends_and_extra_holidays() -> None:
    """Weekends are not working days; extra holidays are honoured."""
    assert not is_working_day(Date(2008, 9, 13), ENGLAND)
    rules = CalendarRules(extra_holidays={Date(2008, 9, 9)})
    assert not is_working_day(Date(2008, 9, 9), rules)
    assert is_working_day(Date(2008, 9, 9), ENGLAND)


def test_no_holidays_calendar() -> None:
    """An empty holiday spec means no public holidays."""
    assert not is_bank_holiday(Date(2008, 12, 25), CalendarRules(holidays=""))


def test_blackout(nhs2008_scenario: Scenario) -> None:
    """Lord Darzi's conference blackout covers 20-24 Sep 2008, inclusive."""
    assert is_blacked_out("darzi", Date(2008, 9, 22), nhs2008_scenario)
    assert is_blacked_out("darzi", Date(2008, 9, 24), nhs2008_scenario)
    assert not is_blacked_out("darzi", Date(2008, 9, 25), nhs2008_scenario)
    assert not is_blacked_out("nicholson", Date(2008, 9, 22), nhs2008_scenario)
