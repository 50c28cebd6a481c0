"""The objective: one function that scores any plan (planner, checker and bench use it).

Plans are compared lexicographically on, in order:

1. requests left unplaced (fewer is better);
2. idle days: days a person spends away from home with no event or commitment
   (between two nights away; :func:`roadshow.nights.idle_days`);
3. person-minutes of travel;
4. nights away from home;
5. late finishes: person-days that end (back at the night's place) after the
   person's ``late_after`` time;
6. tight days: person-days with less than ``TIGHT_DAY_MINUTES`` to spare
   between two items (events or commitments), travel between them taken off
   (:func:`roadshow.nights.tight_days`);
7. neighbour clashes: pairs of events of a kind with ``neighbour_km`` set, on the
   same day, at venues closer than that distance;
8. minutes away from preferred start times.

The planner works with :func:`Objective.scalar`, a single integer that orders
plans exactly as the tuple does (each component stays far below its weight).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from attrs import frozen
from pendulum import Date

from roadshow.model import Plan, Scenario, ScheduledEvent
from roadshow.nights import idle_days, tight_days
from roadshow.timeutil import clock_minutes, day_minute, epoch_minute
from roadshow.travel import within_km

_BASE = 10**7
W_PREFERENCE = 1
W_NEIGHBOUR = _BASE
W_TIGHT = _BASE**2
W_LATE = _BASE**3
W_NIGHT = _BASE**4
W_TRAVEL = _BASE**5
W_IDLE = _BASE**6
W_UNPLACED = _BASE**7


@frozen(kw_only=True)
class Objective:
    """A plan's score, component by component (lower is better)."""

    unplaced: int
    idle_days: int
    travel_minutes: int
    nights_away: int
    late_finishes: int
    tight_days: int
    neighbour_clashes: int
    preference_minutes: int

    @property
    def key(self) -> tuple[int, ...]:
        """The components in priority order, for lexicographic comparison."""
        return (
            self.unplaced,
            self.idle_days,
            self.travel_minutes,
            self.nights_away,
            self.late_finishes,
            self.tight_days,
            self.neighbour_clashes,
            self.preference_minutes,
        )

    @property
    def scalar(self) -> int:
        """One integer that orders plans exactly as :attr:`key` does."""
        return (
            self.unplaced * W_UNPLACED
            + self.idle_days * W_IDLE
            + self.travel_minutes * W_TRAVEL
            + self.nights_away * W_NIGHT
            + self.late_finishes * W_LATE
            + self.tight_days * W_TIGHT
            + self.neighbour_clashes * W_NEIGHBOUR
            + self.preference_minutes * W_PREFERENCE
        )

    @property
    def travel_hours(self) -> float:
        """Person-hours of travel."""
        return self.travel_minutes / 60


def evaluate(scenario: Scenario, plan: Plan) -> Objective:
    """Score *plan* under *scenario*'s people and rules (see the module docstring)."""
    return Objective(
        unplaced=len(plan.unplaced),
        idle_days=sum(len(idle_days(scenario, plan, p)) for p in scenario.people),
        travel_minutes=sum(leg.minutes for leg in plan.legs),
        nights_away=len(plan.stays),
        late_finishes=_late_finishes(scenario, plan),
        tight_days=sum(len(tight_days(scenario, plan, p)) for p in scenario.people),
        neighbour_clashes=_neighbour_clashes(scenario, plan),
        preference_minutes=_preference_minutes(scenario, plan),
    )


def _late_finishes(scenario: Scenario, plan: Plan) -> int:
    """Count person-days whose last event or arrival is after the person's late time."""
    day_ends: dict[tuple[str, Date], int] = {}

    def note(person_id: str, when: Date, end: int) -> None:
        key = (person_id, when)
        day_ends[key] = max(day_ends.get(key, end), end)

    for event in plan.events:
        for person_id in event.attendees:
            tz = scenario.person_by_id[person_id].timezone
            note(person_id, event.end.in_tz(tz).date(), epoch_minute(event.end))
    for leg in plan.legs:
        tz = scenario.person_by_id[leg.person_id].timezone
        note(leg.person_id, leg.depart.in_tz(tz).date(), epoch_minute(leg.arrive))
    late = 0
    for (person_id, day), end in day_ends.items():
        person = scenario.person_by_id[person_id]
        if end > day_minute(day, person.late_after_minutes, person.timezone):
            late += 1
    return late


def root_events(scenario: Scenario, plan: Plan) -> list[ScheduledEvent]:
    """Events of requests that follow no other (one per placed group)."""
    requests = scenario.request_by_id
    return [
        e
        for e in plan.events
        if e.request_id in requests and requests[e.request_id].follows is None
    ]


def _neighbour_clashes(scenario: Scenario, plan: Plan) -> int:
    by_day: dict[tuple[str, object], list[ScheduledEvent]] = defaultdict(list)
    for event in root_events(scenario, plan):
        if scenario.rules.for_kind(event.kind).neighbour_km is not None:
            by_day[(event.kind, event.start.in_tz(scenario.timezone).date())].append(
                event
            )
    clashes = 0
    for (kind, _), events in by_day.items():
        limit = scenario.rules.for_kind(kind).neighbour_km or 0.0
        for a, b in combinations(events, 2):
            venue_a, venue_b = (
                scenario.venue_by_id[a.venue_id],
                scenario.venue_by_id[b.venue_id],
            )
            if within_km(venue_a, venue_b, limit):
                clashes += 1
    return clashes


def _preference_minutes(scenario: Scenario, plan: Plan) -> int:
    total = 0
    for event in root_events(scenario, plan):
        preferred = scenario.request_by_id[event.request_id].preferred_start
        if preferred is not None:
            local = event.start.in_tz(scenario.timezone)
            target = day_minute(
                local.date(), clock_minutes(preferred), scenario.timezone
            )
            total += abs(epoch_minute(event.start) - target)
    return total
