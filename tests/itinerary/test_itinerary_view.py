"""The itinerary view model: days, places, items in order, gaps and totals."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from roadshow.errors import UnknownReferenceError
from roadshow.exporters.itinerary import (
    DiaryItem,
    EventItem,
    GapItem,
    TravelItem,
    build_itinerary,
    itinerary_people,
)
from roadshow.model import Person, Plan, Scenario, ScheduledEvent, TravelLeg
from roadshow.timeutil import tz_abbreviation


def at(text: str) -> pendulum.DateTime:
    """Parse a London wall-clock time."""
    return pendulum.parse(text, tz="Europe/London")  # type: ignore[return-value]


def test_days_are_the_local_dates_with_something_on(
    scenario: Scenario, plan: Plan
) -> None:
    """Friday, Saturday (travel home) and Monday; Sunday has nothing and is left out."""
    itinerary = build_itinerary(scenario, plan, "minister")
    assert [d.on for d in itinerary.days] == [
        pendulum.date(2008, 10, 24),
        pendulum.date(2008, 10, 25),
        pendulum.date(2008, 10, 27),
    ]


def test_day_starts_where_the_last_night_was(scenario: Scenario, plan: Plan) -> None:
    """Friday starts at home and ends at the hotel; Saturday starts at the hotel."""
    friday, saturday, monday = build_itinerary(scenario, plan, "minister").days
    assert friday.starts_at.venue_id == "whitehall"
    assert friday.night.venue_id == "york-hotel"
    assert friday.night_away
    assert saturday.starts_at.venue_id == "york-hotel"
    assert saturday.night.venue_id == "whitehall"
    assert not saturday.night_away
    assert monday.starts_at.venue_id == "whitehall"


def test_items_in_time_order_with_gaps(scenario: Scenario, plan: Plan) -> None:
    """Friday reads travel, event, free, travel, free, event, travel."""
    friday = build_itinerary(scenario, plan, "minister").days[0]
    kinds = [item.kind for item in friday.items]
    assert kinds == [
        "travel",
        "event",
        "gap",
        "travel",
        "gap",
        "event",
        "travel",
    ]
    starts = [item.start for item in friday.items]
    assert starts == sorted(starts)


def test_short_slack_is_not_a_gap(scenario: Scenario, plan: Plan) -> None:
    """The 10 minutes between arriving in Leeds and the event are not listed."""
    friday = build_itinerary(scenario, plan, "minister").days[0]
    first_gap = next(i for i in friday.items if isinstance(i, GapItem))
    assert first_gap.start == at("2008-10-24 13:00")
    assert first_gap.minutes == 60
    assert first_gap.place is not None
    assert first_gap.place.venue_id == "leeds-hq"


def test_event_details(scenario: Scenario, plan: Plan) -> None:
    """An event shows names, lead, purpose, contact, region and full address."""
    friday = build_itinerary(scenario, plan, "minister").days[0]
    event = next(i for i in friday.items if isinstance(i, EventItem))
    assert event.title == "Listening event: Yorkshire"
    assert event.attendees == ("Lord Minister", "Chair, Yorkshire")
    assert event.lead == "Lord Minister"
    assert event.purpose == "Hear the service on the Next Stage Review"
    assert event.contact == "Events office, 0113 000 0000"
    assert event.region == "Yorkshire"
    assert event.area is None
    assert event.place.address == "Duncombe Street, Leeds LS1 4PL"


def test_travel_details(scenario: Scenario, plan: Plan) -> None:
    """A travel leg keeps mode, places, distance and door-to-door minutes."""
    friday = build_itinerary(scenario, plan, "minister").days[0]
    leg = friday.items[0]
    assert isinstance(leg, TravelItem)
    assert (leg.mode, leg.origin.venue_id, leg.destination.venue_id) == (
        "rail",
        "whitehall",
        "leeds-hq",
    )
    assert leg.distance_km == 272.4
    assert leg.minutes == 165


def test_diary_commitment_on_a_shown_day(scenario: Scenario, plan: Plan) -> None:
    """Monday lists the Lords commitment after three hours free."""
    monday = build_itinerary(scenario, plan, "minister").days[2]
    assert [i.kind for i in monday.items] == ["event", "gap", "diary"]
    diary = monday.items[2]
    assert isinstance(diary, DiaryItem)
    assert diary.label == "Lords questions"


def test_cover_totals(scenario: Scenario, plan: Plan) -> None:
    """Three events, 6h20m of travel, one night away, Yorkshire visited."""
    itinerary = build_itinerary(scenario, plan, "minister")
    assert itinerary.event_count == 3
    assert itinerary.travel_minutes == 165 + 55 + 15 + 145
    assert itinerary.nights_away == 1
    assert itinerary.regions == ("Yorkshire",)
    assert itinerary.route == ("London", "Leeds", "York", "London")
    assert itinerary.first_on == pendulum.date(2008, 10, 24)
    assert itinerary.last_on == pendulum.date(2008, 10, 27)


def test_times_carry_the_zone_in_force(scenario: Scenario, plan: Plan) -> None:
    """Friday's times are BST and Monday's GMT: summer time ended on 26 Oct 2008."""
    itinerary = build_itinerary(scenario, plan, "minister")
    friday, _, monday = itinerary.days
    assert {tz_abbreviation(i.start) for i in friday.items} == {"BST"}
    assert {tz_abbreviation(i.start) for i in monday.items} == {"GMT"}


def test_a_person_with_nothing_on(scenario: Scenario) -> None:
    """An empty plan gives an itinerary with no days and zero totals."""
    itinerary = build_itinerary(scenario, Plan(scenario_id="small"), "chair-Y")
    assert itinerary.days == ()
    assert itinerary.first_on is None
    assert (itinerary.event_count, itinerary.travel_minutes) == (0, 0)


def test_unknown_person_suggests_a_name(scenario: Scenario, plan: Plan) -> None:
    """A misspelt person id is an input error with a suggestion."""
    with pytest.raises(UnknownReferenceError) as caught:
        build_itinerary(scenario, plan, "ministr")
    assert caught.value.suggestion == "minister"


def test_plan_with_an_unknown_venue_fails_clearly(
    scenario: Scenario, plan: Plan
) -> None:
    """A plan that names a venue the scenario lacks says which event and venue."""
    plan = attrs.evolve(
        plan,
        events=[
            ScheduledEvent(
                request_id="visit-Y",
                title="Visit",
                kind="tour",
                venue_id="leeds-hqq",
                start=at("2008-10-24 10:30"),
                end=at("2008-10-24 13:00"),
                attendees=("minister",),
            )
        ],
    )
    with pytest.raises(UnknownReferenceError) as caught:
        build_itinerary(scenario, plan, "minister")
    assert "event visit-Y" in str(caught.value)
    assert caught.value.suggestion == "leeds-hq"


def test_itinerary_people_are_principals_then_chairs(scenario: Scenario) -> None:
    """Principals come first, then chairs, in scenario order."""
    assert itinerary_people(scenario) == ("minister", "chair-Y")


def test_itinerary_people_include_every_role_with_events(scenario: Scenario) -> None:
    """A guest who attends a request gets an itinerary too; one who attends none not."""
    guest = Person(
        person_id="guest", name="Guest speaker", role="guest", home_venue_id="leeds-hq"
    )
    idle = attrs.evolve(guest, person_id="idle", name="Idle observer")
    talk = attrs.evolve(
        scenario.requests[0], request_id="talk", attendees=("guest",), lead=None
    )
    wider = attrs.evolve(
        scenario,
        people=(guest, *scenario.people, idle),
        requests=(*scenario.requests, talk),
    )
    assert itinerary_people(wider) == ("minister", "chair-Y", "guest")


def test_a_night_journey_across_the_clock_change(scenario: Scenario) -> None:
    """A leg from 00:30 BST to 01:30 GMT on 26 Oct is one hour and two zones."""
    leg = TravelLeg(
        person_id="minister",
        from_id="york-hotel",
        to_id="whitehall",
        mode="car",
        depart=pendulum.datetime(2008, 10, 25, 23, 30, tz="UTC"),
        arrive=pendulum.datetime(2008, 10, 26, 1, 30, tz="UTC"),
        distance_km=300.0,
    )
    itinerary = build_itinerary(
        scenario, Plan(scenario_id="small", legs=[leg]), "minister"
    )
    # The diary-only Monday (Lords questions) is a day of its own.
    day, monday = itinerary.days
    (item,) = day.items
    assert [i.kind for i in monday.items] == ["diary"]
    assert day.on == pendulum.date(2008, 10, 26)
    assert f"{item.start:%H:%M} {tz_abbreviation(item.start)}" == "00:30 BST"
    assert f"{item.end:%H:%M} {tz_abbreviation(item.end)}" == "01:30 GMT"
    assert isinstance(item, TravelItem)
    assert item.minutes == 120
