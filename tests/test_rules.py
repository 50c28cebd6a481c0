"""Calendar rules: working days, weekends, bank holidays, blackouts."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from pendulum import Date

from builders import scenario, slots, visit
from roadshow.checks import check
from roadshow.model import CalendarRules, Scenario
from roadshow.planner import plan as make_plan
from roadshow.rules import (
    allowed_days,
    days_between,
    is_allowed_day,
    is_bank_holiday,
    is_blacked_out,
    is_working_day,
    request_slots,
    working_days,
)

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


@pytest.mark.parametrize("spec", ["GB-ENG", "GB-SCT", "GB", "DE-BY", "US-CA", "NYSE"])
def test_holidays_match_the_package(spec: str) -> None:
    """Each year's holidays are the holidays package's, loaded country by country."""
    import holidays

    country, _, subdiv = spec.partition("-")
    for year in (1990, 2008, 2026, 2040):
        theirs = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
        ours = [
            d
            for d in days_between(Date(year, 1, 1), Date(year, 12, 31))
            if is_bank_holiday(d, CalendarRules(holidays=spec))
        ]
        assert [d.isoformat() for d in ours] == sorted(d.isoformat() for d in theirs)


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


# --- [calendar] weekend: used by the planner and the checker ------------------------

FRI_SAT = CalendarRules(weekend={4, 5})


def _weekend_scenario(calendar: CalendarRules) -> Scenario:
    requests = [
        visit("a", "bristol", slots=slots("mon-fri 09:30-17:00")),
        visit("b", "oxford", slots=slots("mon-fri 09:30-17:00")),
        visit("c", "cambridge"),  # no slots: any working day
        visit("d", "leeds", slots=slots("mon-fri 09:30-17:00")),
        visit("e", "london", slots=slots("sat 10:00-12:00")),  # a weekend on purpose
    ]
    return attrs.evolve(scenario(requests), calendar=calendar)


def test_slots_are_read_against_the_weekend() -> None:
    """A range keeps to working days; a slot of weekend days only is kept."""
    request = visit(
        "a", "bristol", slots=slots("mon-fri 09:30-17:00", "sat 10:00-12:00")
    )
    assert [s.days for s in request_slots(request, FRI_SAT)] == [
        frozenset({0, 1, 2, 3}),
        frozenset({5}),
    ]
    assert [s.days for s in request_slots(request, ENGLAND)] == [
        frozenset(range(5)),
        frozenset({5}),
    ]
    bare = visit("b", "oxford")
    assert request_slots(bare, FRI_SAT)[0].days == frozenset({0, 1, 2, 3, 6})
    assert request_slots(bare, ENGLAND)[0].days == frozenset(range(5))


def test_planner_keeps_off_a_friday_saturday_weekend() -> None:
    """Under weekend = ["fri", "sat"] only the Saturday-only request is on Fri/Sat."""
    result = make_plan(_weekend_scenario(FRI_SAT))
    assert not result.unplaced
    days = {
        e.request_id: e.start.in_tz("Europe/London").day_of_week for e in result.events
    }
    assert days["e"] == pendulum.SATURDAY
    for request_id in "abcd":
        assert days[request_id] not in (pendulum.FRIDAY, pendulum.SATURDAY), days
    assert not [v for v in check(_weekend_scenario(FRI_SAT), result) if v.is_hard]


def test_check_flags_a_friday_event_under_a_friday_weekend() -> None:
    """An event on a Friday breaks a Friday-Saturday weekend (rule "weekend")."""
    english = _weekend_scenario(ENGLAND)
    result = make_plan(english)
    event = next(e for e in result.events if e.request_id == "a")
    shift = (pendulum.FRIDAY - event.start.in_tz("Europe/London").day_of_week) % 7
    friday = attrs.evolve(
        event, start=event.start.add(days=shift), end=event.end.add(days=shift)
    )
    friday_plan = attrs.evolve(
        result, events=[friday if e is event else e for e in result.events]
    )
    assert "weekend" not in {v.rule for v in check(english, friday_plan)}
    found = [
        v for v in check(_weekend_scenario(FRI_SAT), friday_plan) if v.rule == "weekend"
    ]
    assert len(found) == 1
    assert "Friday" in found[0].message


def test_requests_with_one_rule_share_their_days(nhs2008_scenario: Scenario) -> None:
    """allowed_days is what the planner reads once per rule: two requests with the
    same window and slot days are one rule, and it allows exactly the days
    is_allowed_day allows (Sundays, Saturdays, a bank holiday and the window's
    ends included)."""
    s = nhs2008_scenario
    evening = nhs2008_scenario.requests[-1]
    later = attrs.evolve(evening, request_id="other", title="Another")
    assert allowed_days(evening, s) == allowed_days(later, s)
    calendar = attrs.evolve(s.calendar, extra_holidays={Date(2008, 9, 17)})
    s = attrs.evolve(s, calendar=calendar)
    for request in (evening, s.requests[0]):
        rule = allowed_days(request, s)
        days = list(days_between(s.start_on.subtract(days=3), s.end_on.add(days=3)))
        assert [rule.allows(d, s.calendar) for d in days] == [
            is_allowed_day(d, request, s) for d in days
        ]
        assert not rule.allows(Date(2008, 9, 17), s.calendar)
