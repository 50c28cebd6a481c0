"""A small hand-made scenario and plan for the itinerary and programme tests.

Two days either side of the end of summer time (26 October 2008), so times read
BST before and GMT after; a night away; a diary commitment; free time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from roadshow.model import (
    Area,
    Commitment,
    EventRequest,
    OvernightStay,
    Person,
    Plan,
    Region,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    Venue,
)

TZ = "Europe/London"
GOLDEN = Path(__file__).parent.parent / "golden"


def at(text: str) -> pendulum.DateTime:
    """Parse a local London time like ``2008-10-24 10:30``."""
    parsed = pendulum.parse(text, tz=TZ)
    assert isinstance(parsed, pendulum.DateTime)
    return parsed


def small_scenario(**venue_overrides: str) -> Scenario:
    """Two people, four venues, two regions; venue names can be overridden."""
    venues = [
        Venue.at(
            "whitehall",
            "Richmond House",
            51.5025,
            -0.1252,
            address="79 Whitehall, London SW1A 2NS",
        ),
        Venue.at(
            "leeds-hq",
            venue_overrides.get("leeds-hq", "Blenheim House"),
            53.7965,
            -1.5478,
            address="Duncombe Street, Leeds LS1 4PL",
            region_id="Y",
        ),
        Venue.at(
            "york-point",
            "York",
            53.9590,
            -1.0815,
            address="York (representative point of North Yorkshire and York PCT)",
            area_id="NYY",
        ),
        Venue.at(
            "york-hotel",
            "Station Hotel",
            53.9576,
            -1.0927,
            address="Station Road, York YO24 1AA",
            region_id="Y",
        ),
    ]
    people = [
        Person(person_id="minister", name="Lord Minister", home_venue_id="whitehall"),
        Person(
            person_id="chair-Y",
            name="Chair, Yorkshire",
            role="chair",
            region_id="Y",
            home_venue_id="leeds-hq",
        ),
    ]
    requests = [
        EventRequest(
            request_id="visit-Y",
            title="Listening event: Yorkshire",
            kind="tour",
            duration=pendulum.duration(hours=2, minutes=30),
            attendees=("minister", "chair-Y"),
            lead="minister",
            region_id="Y",
            purpose="Hear the service on the Next Stage Review",
            contact="Events office, 0113 000 0000",
        ),
        EventRequest(
            request_id="consult-NYY",
            title="Public consultation: North Yorkshire and York",
            kind="consultation",
            duration=pendulum.duration(hours=2),
            attendees=("minister",),
            area_id="NYY",
        ),
        EventRequest(
            request_id="board",
            title="Board meeting",
            kind="national",
            duration=pendulum.duration(hours=1),
            attendees=("minister",),
            venue_ids=("whitehall",),
        ),
    ]
    return Scenario(
        scenario_id="small",
        name="Small test programme",
        timezone=TZ,
        start_on=pendulum.date(2008, 10, 20),
        end_on=pendulum.date(2008, 10, 31),
        people=people,
        venues=venues,
        regions=[Region(region_id="Y", name="Yorkshire", hq_venue_id="leeds-hq")],
        areas=[
            Area(
                area_id="NYY",
                name="North Yorkshire and York PCT",
                region_id="Y",
                venue_id="york-point",
            )
        ],
        requests=requests,
        commitments=[
            Commitment(
                person_id="minister",
                start=at("2008-10-27 14:00"),
                end=at("2008-10-27 15:00"),
                label="Lords questions",
            )
        ],
    )


def small_plan(**title_overrides: str) -> Plan:
    """Friday 24 Oct: London to Leeds to York, night in York; Saturday back;
    Monday 27 Oct (GMT) a board meeting at home base."""
    return Plan(
        scenario_id="small",
        events=[
            ScheduledEvent(
                request_id="visit-Y",
                title=title_overrides.get("visit-Y", "Listening event: Yorkshire"),
                kind="tour",
                venue_id="leeds-hq",
                start=at("2008-10-24 10:30"),
                end=at("2008-10-24 13:00"),
                attendees=("minister", "chair-Y"),
                lead="minister",
                region_id="Y",
            ),
            ScheduledEvent(
                request_id="consult-NYY",
                title="Public consultation: North Yorkshire and York",
                kind="consultation",
                venue_id="york-point",
                start=at("2008-10-24 18:30"),
                end=at("2008-10-24 20:30"),
                attendees=("minister",),
                area_id="NYY",
                region_id="Y",
            ),
            ScheduledEvent(
                request_id="board",
                title="Board meeting",
                kind="national",
                venue_id="whitehall",
                start=at("2008-10-27 10:00"),
                end=at("2008-10-27 11:00"),
                attendees=("minister",),
            ),
        ],
        legs=[
            TravelLeg(
                person_id="minister",
                from_id="whitehall",
                to_id="leeds-hq",
                mode="rail",
                depart=at("2008-10-24 07:35"),
                arrive=at("2008-10-24 10:20"),
                distance_km=272.4,
            ),
            TravelLeg(
                person_id="minister",
                from_id="leeds-hq",
                to_id="york-point",
                mode="car",
                depart=at("2008-10-24 14:00"),
                arrive=at("2008-10-24 14:55"),
                distance_km=35.1,
            ),
            TravelLeg(
                person_id="minister",
                from_id="york-point",
                to_id="york-hotel",
                mode="walk",
                depart=at("2008-10-24 20:35"),
                arrive=at("2008-10-24 20:50"),
                distance_km=0.8,
            ),
            TravelLeg(
                person_id="minister",
                from_id="york-hotel",
                to_id="whitehall",
                mode="rail",
                depart=at("2008-10-25 09:00"),
                arrive=at("2008-10-25 11:25"),
                distance_km=283.9,
            ),
        ],
        stays=[
            OvernightStay(
                person_id="minister",
                night_of=pendulum.date(2008, 10, 24),
                venue_id="york-hotel",
            )
        ],
    )


@pytest.fixture
def scenario() -> Scenario:
    """The small scenario."""
    return small_scenario()


@pytest.fixture
def plan() -> Plan:
    """The small plan."""
    return small_plan()


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    """Build the small scenario with some venue names replaced."""
    return small_scenario


@pytest.fixture
def make_plan() -> Callable[..., Plan]:
    """Build the small plan with some event titles replaced."""
    return small_plan


def nhs_plan() -> Plan:
    """A hand-made two-day plan for the bundled nhs-2008 scenario."""
    return Plan(
        scenario_id="nhs-2008",
        events=[
            ScheduledEvent(
                request_id="listening-Q30",
                title="Listening event: NHS North East",
                kind="tour",
                venue_id="Q30-hq",
                start=at("2008-09-08 10:30"),
                end=at("2008-09-08 13:00"),
                attendees=("darzi", "nicholson"),
                region_id="Q30",
            ),
            ScheduledEvent(
                request_id="consultation-5ND",
                title="NHS Constitution public consultation: County Durham PCT",
                kind="consultation",
                venue_id="5ND-point",
                start=at("2008-09-09 18:30"),
                end=at("2008-09-09 20:30"),
                attendees=("chair-Q30",),
                lead="chair-Q30",
                area_id="5ND",
                region_id="Q30",
            ),
        ],
        legs=[
            TravelLeg(
                person_id=person,
                from_id="richmond-house",
                to_id="Q30-hq",
                mode="rail",
                depart=at("2008-09-08 06:55"),
                arrive=at("2008-09-08 10:15"),
                distance_km=398.5,
            )
            for person in ("darzi", "nicholson")
        ]
        + [
            TravelLeg(
                person_id="nicholson",
                from_id="Q30-hq",
                to_id="richmond-house",
                mode="rail",
                depart=at("2008-09-08 13:30"),
                arrive=at("2008-09-08 16:50"),
                distance_km=398.5,
            ),
            TravelLeg(
                person_id="chair-Q30",
                from_id="Q30-hq",
                to_id="5ND-point",
                mode="car",
                depart=at("2008-09-09 17:40"),
                arrive=at("2008-09-09 18:20"),
                distance_km=22.0,
            ),
            TravelLeg(
                person_id="chair-Q30",
                from_id="5ND-point",
                to_id="Q30-hq",
                mode="car",
                depart=at("2008-09-09 20:40"),
                arrive=at("2008-09-09 21:20"),
                distance_km=22.0,
            ),
            TravelLeg(
                person_id="darzi",
                from_id="Q30-hq",
                to_id="richmond-house",
                mode="rail",
                depart=at("2008-09-09 08:00"),
                arrive=at("2008-09-09 11:20"),
                distance_km=398.5,
            ),
        ],
        stays=[
            OvernightStay(
                person_id="darzi",
                night_of=pendulum.date(2008, 9, 8),
                venue_id="Q30-hq",
            )
        ],
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with a golden file (``pytest --update-golden`` rewrites it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.write_text(text, encoding="utf-8", newline="")
        assert text == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def nhs_small_plan() -> Plan:
    """A hand-made two-day plan of the bundled nhs-2008 scenario."""
    return nhs_plan()
