"""A person's events over days and weeks, for the humane limits (pure).

The checker counts ``max_event_days_in_row`` and ``max_events_per_week`` with
these; a request and the requests that follow it count as one event a week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from pendulum import Date, DateTime

from roadshow.model import Person, Plan, Scenario, ScheduledEvent
from roadshow.timeutil import short_day


def event_day_runs(plan: Plan, person: Person) -> list[list[ScheduledEvent]]:
    """Runs of days in a row with an event: each day's first event, in order."""
    first_of: dict[Date, ScheduledEvent] = {}
    for event in plan.events_for(person.person_id):
        first_of.setdefault(event.start.in_tz(person.timezone).date(), event)
    runs: list[list[ScheduledEvent]] = []
    previous: Date | None = None
    for day in sorted(first_of):
        if previous is not None and (day - previous).days == 1:
            runs[-1].append(first_of[day])
        else:
            runs.append([first_of[day]])
        previous = day
    return runs


def events_by_week(
    scenario: Scenario, plan: Plan, person: Person
) -> dict[Date, list[ScheduledEvent]]:
    """The person's events per Monday-to-Sunday week (follow-ons left out)."""
    weeks: defaultdict[Date, list[ScheduledEvent]] = defaultdict(list)
    for event in plan.events_for(person.person_id):
        request = scenario.request_by_id.get(event.request_id)
        if request is not None and request.follows is None:
            day = event.start.in_tz(person.timezone).date()
            weeks[day.subtract(days=day.weekday())].append(event)
    return dict(sorted(weeks.items()))


def limit_breaches(
    scenario: Scenario, plan: Plan, person: Person
) -> Iterator[tuple[str, str, DateTime]]:
    """(rule, text, when) for each run or week over the person's limits."""
    limit = scenario.max_event_days_in_row(person.person_id)
    for run in event_day_runs(plan, person):
        if limit is not None and len(run) > limit:
            first, over = run[0].start, run[limit].start
            text = (
                f"events every day from {_date(first, person)} to"
                f" {_date(over, person)}, at most {limit} in a row"
            )
            yield "streak", text, over
    weekly = scenario.rules.max_events_per_week
    for monday, events in events_by_week(scenario, plan, person).items():
        if weekly is not None and len(events) > weekly:
            text = (
                f"{len(events)} events in the week of"
                f" {monday.format('ddd D MMM YYYY')}, at most {weekly}"
            )
            yield "per-person-week", text, events[weekly].start


def _date(moment: DateTime, person: Person) -> str:
    return short_day(moment.in_tz(person.timezone).date())
