"""Small scenarios built in code, for planner tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum
from pendulum import Date

from roadshow.model import (
    Blackout,
    Commitment,
    EventRequest,
    KindRules,
    Person,
    PlanningRules,
    Region,
    Scenario,
    Slot,
    Venue,
)

MONDAY = Date(2008, 9, 8)
FRIDAY_WEEK_AFTER = Date(2008, 9, 19)

PLACES = {
    "london": ("London", 51.5025, -0.1252),
    "leeds": ("Leeds", 53.7965, -1.5478),
    "newcastle": ("Newcastle upon Tyne", 54.9733, -1.6140),
    "manchester": ("Manchester", 53.4809, -2.2374),
    "birmingham": ("Birmingham", 52.4814, -1.8998),
    "bristol": ("Bristol", 51.4545, -2.5879),
    "cambridge": ("Cambridge", 52.2053, 0.1218),
    "oxford": ("Oxford", 51.7520, -1.2577),
    "york": ("York", 53.9590, -1.0815),
    "sheffield": ("Sheffield", 53.3811, -1.4701),
}


SOUTH = ("london", "bristol", "cambridge", "oxford")
"""Towns in region "south"; the rest are in "north"."""


def venues(names: Iterable[str] = PLACES) -> list[Venue]:
    """Venues at the named towns (ids are the keys of PLACES), each in a region."""
    return [
        Venue.at(
            key,
            PLACES[key][0],
            PLACES[key][1],
            PLACES[key][2],
            region_id="south" if key in SOUTH else "north",
        )
        for key in names
    ]


REGIONS = (
    Region(region_id="south", name="South", hq_venue_id="london"),
    Region(region_id="north", name="North", hq_venue_id="leeds"),
)


def person(person_id: str, *, home: str = "london", **details: Any) -> Person:
    """A person with the default hours (working 09:00-17:30, travel 07:00-22:00)."""
    return Person(
        person_id=person_id, name=person_id.title(), home_venue_id=home, **details
    )


def visit(
    request_id: str,
    venue: str,
    *,
    people: Iterable[str] = ("ann",),
    hours: float = 2,
    **details: Any,
) -> EventRequest:
    """A request for an event at one venue."""
    return EventRequest(
        request_id=request_id,
        title=f"Visit {request_id}",
        kind=str(details.pop("kind", "visit")),
        duration=pendulum.duration(minutes=int(hours * 60)),
        attendees=tuple(people),
        venue_ids=(venue,),
        **details,
    )


def scenario(
    requests: Iterable[EventRequest],
    *,
    people: Iterable[Person] = (),
    start: Date = MONDAY,
    end: Date = FRIDAY_WEEK_AFTER,
    commitments: Iterable[Commitment] = (),
    blackouts: Iterable[Blackout] = (),
    rules: PlanningRules | None = None,
) -> Scenario:
    """A scenario over the towns in PLACES, people based in London by default."""
    people = tuple(people) or (person("ann"),)
    return Scenario(
        scenario_id="test",
        name="Test",
        start_on=start,
        end_on=end,
        people=people,
        venues=venues(),
        regions=REGIONS,
        requests=tuple(requests),
        commitments=tuple(commitments),
        blackouts=tuple(blackouts),
        rules=rules or PlanningRules(),
    )


def slots(*texts: str) -> tuple[Slot, ...]:
    """Parse slot texts like "mon-fri 10:00-12:00"."""
    return tuple(Slot.parse(t) for t in texts)


def kind_rules(kind: str, **limits: Any) -> PlanningRules:
    """Planning rules with limits for one kind."""
    return PlanningRules(kinds=(KindRules(kind=kind, **limits),))
