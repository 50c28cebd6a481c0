"""Humane limits: event days in a row and events a week, per person (#13)."""

from __future__ import annotations

from itertools import pairwise

import attrs
from pendulum import Date

from builders import MONDAY, person, scenario, slots, visit
from roadshow.checks import check
from roadshow.model import CalendarRules, Person, PlanningRules, Scenario
from roadshow.planner import plan

EVERY_DAY = slots("mon-sun 10:00-12:00")
TOWNS = ("leeds", "york", "sheffield", "manchester", "birmingham", "bristol")


def _daily(
    count: int, rules: PlanningRules, *people: Person, pinned: bool = False
) -> Scenario:
    """Ann has *count* visits, one a day at most, any day of two weeks (no weekend).

    *pinned*: visit ``i`` is on day ``i``.
    """
    made = scenario(
        [
            visit(
                f"v{i}",
                TOWNS[i % len(TOWNS)],
                slots=EVERY_DAY,
                kind="visit",
                pin_on=MONDAY.add(days=i) if pinned else None,
            )
            for i in range(count)
        ],
        people=people or (person("ann"),),
        end=MONDAY.add(days=13),
        rules=rules,
    )
    return attrs.evolve(made, calendar=CalendarRules(holidays="", weekend=()))


def _one_a_day(**limits: int | None) -> PlanningRules:
    from roadshow.model import KindRules

    return PlanningRules(
        kinds=(KindRules(kind="visit", max_per_person_per_day=1),), **limits
    )


def _event_days(p) -> list[Date]:
    return sorted({e.start.date() for e in p.events})


def _longest_run(days: list[Date]) -> int:
    best = run = 1
    for a, b in pairwise(days):
        run = run + 1 if (b - a).days == 1 else 1
        best = max(best, run)
    return best


def test_planner_keeps_runs_to_the_limit() -> None:
    """Seven visits, one a day, at most five days in a row: a day off in between."""
    s = _daily(7, _one_a_day(max_event_days_in_row=5))
    p = plan(s)
    assert p.unplaced == ()
    assert _longest_run(_event_days(p)) <= 5
    assert [v.rule for v in check(s, p) if v.is_hard] == []


def test_person_limit_overrides_the_scenario() -> None:
    """A person's own max_event_days_in_row replaces the scenario's."""
    s = _daily(
        7, _one_a_day(max_event_days_in_row=5), person("ann", max_event_days_in_row=2)
    )
    p = plan(s)
    assert p.unplaced == ()
    assert _longest_run(_event_days(p)) <= 2
    assert s.max_event_days_in_row("ann") == 2


def test_checker_reports_a_streak() -> None:
    """Planned without the limit, checked with it: the sixth day is reported."""
    free = _daily(6, _one_a_day(max_event_days_in_row=None), pinned=True)
    p = plan(free)
    days = _event_days(p)
    assert _longest_run(days) == 6
    limited = attrs.evolve(free, rules=_one_a_day(max_event_days_in_row=5))
    found = [v for v in check(limited, p) if v.is_hard]
    assert [(v.rule, v.person_id) for v in found] == [("streak", "ann")]
    first, sixth = days[0].format("ddd D MMM YYYY"), days[5].format("ddd D MMM YYYY")
    assert found[0].message == (
        f"Ann: events every day from {first} to {sixth}, at most 5 in a row"
    )


def test_weekly_cap_in_planner_and_checker() -> None:
    """max_events_per_week spreads events over weeks; a plan over it is reported."""
    capped = _daily(4, _one_a_day(max_events_per_week=3, max_event_days_in_row=None))
    p = plan(capped)
    assert p.unplaced == ()
    weeks = [d.isocalendar()[1] for d in _event_days(p)]
    assert max(weeks.count(w) for w in set(weeks)) <= 3
    assert [v.rule for v in check(capped, p) if v.is_hard] == []
    free = attrs.evolve(capped, rules=_one_a_day(max_event_days_in_row=None))
    crammed = plan(free)
    weeks = [d.isocalendar()[1] for d in _event_days(crammed)]
    if max(weeks.count(w) for w in set(weeks)) > 3:
        found = [v for v in check(capped, crammed) if v.rule == "per-person-week"]
        assert [v.person_id for v in found] == ["ann"]
        assert "events in the week of Mon 8 Sep 2008, at most 3" in found[0].message


def test_default_plan_runs(nhs2008_scenario: Scenario) -> None:
    """Bundled rules: five event days in a row at most, the London chair too."""
    assert nhs2008_scenario.max_event_days_in_row("chair-Q31") == 5
    assert nhs2008_scenario.max_event_days_in_row("chair-Q36") == 5
