"""Type-checked (never run) use of the public API: mypy --strict must accept it."""

from __future__ import annotations

import pendulum

import roadshow
from roadshow.data import nhs2008
from roadshow.model import EventRequest, Person, Plan, Scenario, Venue

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

# Itineraries and the programme table (issue 6).
from roadshow.exporters.itinerary import (  # noqa: E402
    Itinerary,
    build_itinerary,
    render_itinerary,
    render_itinerary_html,
)
from roadshow.exporters.programme import render_programme_csv  # noqa: E402

itinerary: Itinerary = build_itinerary(scenario, plan, "darzi")
page: str = render_itinerary_html([itinerary])
document: str | bytes = render_itinerary([itinerary], "pdf")
table: str = render_programme_csv(scenario, plan)
