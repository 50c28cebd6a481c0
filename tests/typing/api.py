"""Type-checked (never run) use of the public API: mypy --strict must accept it."""

from __future__ import annotations

import pendulum

import roadshow
from roadshow.checks import Violation
from roadshow.data import nhs2008
from roadshow.exporters.itinerary import (
    Itinerary,
    build_itinerary,
    render_itinerary,
    render_itinerary_html,
)
from roadshow.exporters.programme import render_programme_csv
from roadshow.model import EventRequest, Person, Plan, Scenario, Venue
from roadshow.objective import Objective
from roadshow.planner import PlanParams, Result, TourReport

scenario: Scenario = nhs2008.scenario()
home = Venue.at("home", "Home", 51.5, -0.12)
person = Person(person_id="p", name="P", home_venue_id="home")
request = EventRequest(
    request_id="r",
    title="R",
    duration=pendulum.duration(hours=1),
    attendees=("p",),
    venue_ids=("home",),
)
plan: Plan = Plan(scenario_id=scenario.scenario_id)
version: str = roadshow.__version__

# --- planning, checking and scoring (issue 3) -------------------------------------

messages: list[str] = []
params = PlanParams(max_passes=2, exact_max_groups=10, exact_max_states=50_000)
result: Result = roadshow.solve(scenario, params, progress=messages.append)
planned: Plan = result.plan
score: Objective = result.objective
passes: int = result.passes
tours: tuple[TourReport, ...] = result.tours
proven: bool = all(t.optimal for t in tours)
states: int = sum(t.states for t in tours)

same: roadshow.Plan = roadshow.plan(scenario)
tuned: Plan = roadshow.plan(scenario, roadshow.PlanParams(max_passes=0))
violations: tuple[Violation, ...] = roadshow.check(scenario, planned)
hard: list[roadshow.Violation] = [v for v in violations if v.is_hard]
rules: set[str] = {v.rule for v in violations}
people: set[str | None] = {v.person_id for v in violations}
when: list[pendulum.DateTime | None] = [v.when for v in violations]

objective: roadshow.Objective = roadshow.evaluate(scenario, planned)
key: tuple[int, ...] = objective.key
scalar: int = objective.scalar
travel_hours: float = objective.travel_hours
nights: int = objective.nights_away
unplaced_reasons: list[str] = [u.reason for u in planned.unplaced]

# --- itineraries and the programme table (issue 6) --------------------------------

itinerary: Itinerary = build_itinerary(scenario, plan, "darzi")
page: str = render_itinerary_html([itinerary])
document: str | bytes = render_itinerary([itinerary], "pdf")
table: str = render_programme_csv(scenario, plan)
