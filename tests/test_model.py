"""Model validation: each invalid value is an InvalidModelError naming object, field."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import pendulum
import pytest
from pendulum import Date, Duration, Time

from roadshow.errors import (
    Described,
    InputError,
    InvalidModelError,
    ScenarioFileError,
    UnknownReferenceError,
    closest,
)
from roadshow.model import (
    Area,
    Blackout,
    Commitment,
    EventRequest,
    KindRules,
    ModeParams,
    Person,
    PlanningRules,
    Region,
    Scenario,
    ScheduledEvent,
    Slot,
    TimeWindow,
    TravelLeg,
    TravelOverride,
    TravelSettings,
    Venue,
    check_id,
)
from roadshow.timeutil import check_timezone

LONDON = "Europe/London"


def at(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    """An aware instant in September 2008, London time."""
    return pendulum.datetime(2008, 9, day, hour, minute, tz=LONDON)


def venue(venue_id: str = "office") -> Venue:
    """A valid venue in Newcastle."""
    return Venue(venue_id=venue_id, name="Regional office", lat=54.97, lon=-1.61)


def request(**changes: Any) -> EventRequest:
    """A valid request in region Q30, changed by keyword."""
    fields: dict[str, Any] = {
        "request_id": "visit-Q30",
        "title": "Listening event",
        "kind": "tour",
        "attendees": ["alice"],
        "region_id": "Q30",
        "duration": Duration(hours=2),
    }
    return EventRequest(**(fields | changes))


def scenario(**changes: Any) -> Scenario:
    """A valid small scenario: one venue, region, area, person and request."""
    fields: dict[str, Any] = {
        "scenario_id": "tiny",
        "name": "Tiny",
        "start_on": Date(2008, 9, 8),
        "end_on": Date(2008, 9, 19),
        "people": [
            Person(
                person_id="alice",
                name="Alice",
                home_venue_id="office",
                region_id="Q30",
                role="chair",
            )
        ],
        "venues": [venue()],
        "regions": [
            Region(region_id="Q30", name="NHS North East", hq_venue_id="office")
        ],
        "areas": [
            Area(
                area_id="5ND", name="County Durham", region_id="Q30", venue_id="office"
            )
        ],
        "requests": [request()],
    }
    return Scenario(**(fields | changes))


def test_the_small_scenario_is_valid() -> None:
    """The fixture every other test breaks is itself valid."""
    built = scenario()
    assert built.summary()["requests"] == 1
    assert built.region_of(built.requests[0]) == "Q30"


# --- end before start ---------------------------------------------------------------


def test_scenario_end_before_start() -> None:
    """A window ending before it starts names scenario.end."""
    with pytest.raises(InvalidModelError) as caught:
        scenario(end_on=Date(2008, 9, 1))
    assert (caught.value.obj, caught.value.field) == ("scenario", "end")
    assert caught.value.got == "2008-09-01"


def test_one_day_window_is_fine() -> None:
    """start == end is a one-day window, not an error."""
    assert scenario(end_on=Date(2008, 9, 8)).end_on == Date(2008, 9, 8)


def test_commitment_end_before_start() -> None:
    """A commitment must end after it starts; the message shows both times."""
    with pytest.raises(InvalidModelError) as caught:
        Commitment(person_id="alice", start=at(9, 14), end=at(9, 12))
    assert caught.value.field == "end"
    assert str(caught.value) == (
        "commitment for alice, end: expected an end after the start "
        '2008-09-09T14:00:00+01:00, got "2008-09-09T12:00:00+01:00".'
    )


def test_commitment_of_no_length() -> None:
    """A commitment that ends when it starts is refused too."""
    with pytest.raises(InvalidModelError, match="end after the start"):
        Commitment(person_id="alice", start=at(9, 14), end=at(9, 14))


def test_blackout_end_before_start() -> None:
    """A blackout ending before it starts names its end."""
    with pytest.raises(InvalidModelError) as caught:
        Blackout(
            person_id="alice", start_on=Date(2008, 9, 12), end_on=Date(2008, 9, 10)
        )
    assert (caught.value.obj, caught.value.field) == ("blackout for alice", "end")


def test_time_window_end_before_start() -> None:
    """A daily window 18:00-09:00 is refused."""
    with pytest.raises(InvalidModelError) as caught:
        TimeWindow.parse("18:00-09:00")
    assert caught.value.expected == "an end after the start 18:00"


def test_event_and_leg_end_before_start() -> None:
    """Scheduled events and travel legs cannot run backwards."""
    with pytest.raises(InvalidModelError, match="event visit, end"):
        ScheduledEvent(
            request_id="visit",
            title="Visit",
            kind="tour",
            venue_id="office",
            start=at(9, 11),
            end=at(9, 10),
            attendees=["alice"],
        )
    with pytest.raises(InvalidModelError, match="travel leg for alice, arrive"):
        TravelLeg(
            person_id="alice",
            from_id="a",
            to_id="b",
            mode="car",
            depart=at(9, 11),
            arrive=at(9, 10),
            distance_km=3.0,
        )


def test_naive_datetime_is_refused() -> None:
    """Instants must carry a time zone."""
    with pytest.raises(InvalidModelError, match="no time zone"):
        Commitment(
            person_id="alice",
            start=dt.datetime(2008, 9, 9, 10),  # noqa: DTZ001 - the point of the test
            end=at(9, 12),
        )


# --- time zones ---------------------------------------------------------------------


def test_unknown_time_zone_suggests_the_closest() -> None:
    """A misspelt zone gets a 'did you mean' with the real name."""
    with pytest.raises(InvalidModelError) as caught:
        check_timezone("Europe/Londn")
    assert caught.value.suggestion == LONDON
    assert str(caught.value) == (
        'scenario, timezone: unknown time zone "Europe/Londn". '
        'Did you mean "Europe/London"?'
    )


def test_person_time_zone_is_checked() -> None:
    """A person's zone is checked and the error names the person."""
    with pytest.raises(InvalidModelError) as caught:
        Person(
            person_id="alice", name="Alice", home_venue_id="o", timezone="Europe/Pari"
        )
    assert caught.value.obj == "person alice"
    assert caught.value.suggestion == "Europe/Paris"


def test_scenario_time_zone_is_checked() -> None:
    """The scenario's own zone is checked."""
    with pytest.raises(InvalidModelError, match="unknown time zone"):
        scenario(timezone="Mars/Olympus_Mons")


# --- coordinates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (90.0001, 0.0, "lat"),
        (-91.0, 0.0, "lat"),
        (math.nan, 0.0, "lat"),
        (math.inf, 0.0, "lat"),
        (0.0, 180.5, "lon"),
        (0.0, -180.0001, "lon"),
        (0.0, math.nan, "lon"),
    ],
)
def test_coordinates_out_of_range(lat: float, lon: float, field: str) -> None:
    """Latitudes outside -90..90 and longitudes outside -180..180 are refused."""
    with pytest.raises(InvalidModelError) as caught:
        Venue(venue_id="v", name="V", lat=lat, lon=lon)
    assert (caught.value.obj, caught.value.field) == ("venue v", field)


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (0, 0)])
def test_coordinates_at_the_limits(lat: float, lon: float) -> None:
    """The limits themselves are valid."""
    assert Venue(venue_id="v", name="V", lat=lat, lon=lon).lat == lat


def test_negative_capacity() -> None:
    """A venue cannot hold fewer than no people."""
    with pytest.raises(InvalidModelError, match="capacity"):
        Venue(venue_id="v", name="V", lat=0, lon=0, capacity=-1)


# --- ids ------------------------------------------------------------------------------

UNSAFE_IDS = [
    "a/b",
    "/etc",
    "a\\b",
    "..",
    "a..b",
    "../x",
    "a\x00b",
    "CON",
    "con",
    "Con.txt",
    "NUL",
    "aux",
    "PRN",
    "COM1",
    "lpt9",
    "",
    " a",
    "a b",
    "-a",
    ".hidden",
    "a" * 65,
    "caf\u00e9",
]


@pytest.mark.parametrize("value", UNSAFE_IDS, ids=repr)
def test_unsafe_ids_are_refused(value: str) -> None:
    """Ids become file names, so separators, '..', NUL and device names are refused."""
    with pytest.raises(InvalidModelError) as caught:
        check_id(value, obj="person")
    assert caught.value.got == value
    assert "no '..', no '/', not a device name" in str(caught.value)


@pytest.mark.parametrize(
    "value", ["Q30", "5ND", "visit-Q30", "a.b", "a_b", "x", "a" * 64]
)
def test_safe_ids_pass(value: str) -> None:
    """Codes like Q30 and 5ND, dashes, dots and underscores are fine."""
    assert check_id(value, obj="person") == value


@pytest.mark.parametrize(
    ("build", "obj"),
    [
        (lambda v: Person(person_id=v, name="P", home_venue_id="o"), "person"),
        (lambda v: Venue(venue_id=v, name="V", lat=0, lon=0), "venue"),
        (lambda v: Region(region_id=v, name="R", hq_venue_id="o"), "region"),
        (lambda v: Area(area_id=v, name="A", region_id="Q30", venue_id="o"), "area"),
        (lambda v: request(request_id=v), "request"),
        (lambda v: request(region_id=None, area_id=v), "request"),
        (lambda v: scenario(scenario_id=v), "scenario"),
    ],
)
def test_every_id_field_is_checked(build: Any, obj: str) -> None:
    """Each model's id fields refuse an unsafe id."""
    with pytest.raises(InvalidModelError) as caught:
        build("../etc")
    assert caught.value.obj == obj


# --- duplicates and references ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        (
            "person",
            {
                "people": [
                    Person(person_id="alice", name="A", home_venue_id="office"),
                    Person(person_id="alice", name="B", home_venue_id="office"),
                ]
            },
        ),
        ("venue", {"venues": [venue(), venue()]}),
        (
            "region",
            {
                "regions": [
                    Region(region_id="Q30", name="R", hq_venue_id="office"),
                    Region(region_id="Q30", name="R again", hq_venue_id="office"),
                ]
            },
        ),
        ("request", {"requests": [request(), request(title="Again")]}),
    ],
)
def test_duplicate_ids(kind: str, changes: dict[str, Any]) -> None:
    """An id used twice names the duplicate, so loaders can point at it."""
    with pytest.raises(InvalidModelError) as caught:
        scenario(**changes)
    duplicate = {"person": "alice", "venue": "office", "region": "Q30"}.get(
        kind, "visit-Q30"
    )
    assert caught.value.obj == f"{kind} {duplicate}"
    assert caught.value.field == "id"
    assert str(caught.value).startswith(
        f'{kind} {duplicate}, id: duplicate {kind} id "'
    )


@pytest.mark.parametrize(
    ("changes", "kind", "ref", "suggestion"),
    [
        ({"attendees": ["alcie"]}, "person", "alcie", "alice"),
        ({"region_id": "Q3O"}, "region", "Q3O", "Q30"),
        ({"region_id": None, "area_id": "5nd"}, "area", "5nd", "5ND"),
        ({"region_id": None, "venue_ids": ["ofice"]}, "venue", "ofice", "office"),
        ({"follows": "visit-Q3O"}, "request", "visit-Q3O", "visit-Q30"),
        ({"region_id": "Q3"}, "region", "Q3", "Q30"),
        ({"region_id": "North"}, "region", "North", None),
    ],
)
def test_unknown_reference_in_a_request(
    changes: dict[str, Any], kind: str, ref: str, suggestion: str | None
) -> None:
    """A request naming an unknown person, region, area or venue says 'did you mean'."""
    with pytest.raises(UnknownReferenceError) as caught:
        scenario(requests=[request(**changes)])
    error = caught.value
    assert (error.obj, error.kind, error.ref) == ("request visit-Q30", kind, ref)
    assert error.suggestion == suggestion
    if suggestion is not None:
        assert str(error).endswith(f'Did you mean "{suggestion}"?')


def test_unknown_reference_in_a_blackout() -> None:
    """A blackout for someone unknown names the blackout's person field."""
    blackout = Blackout(
        person_id="alcie", start_on=Date(2008, 9, 9), end_on=Date(2008, 9, 9)
    )
    with pytest.raises(UnknownReferenceError) as caught:
        scenario(blackouts=[blackout])
    assert (caught.value.obj, caught.value.field) == ("blackout for alcie", "person")
    assert caught.value.suggestion == "alice"


def test_unknown_home_venue() -> None:
    """A person's home must be a venue of the scenario."""
    person = Person(person_id="alice", name="Alice", home_venue_id="offices")
    with pytest.raises(UnknownReferenceError) as caught:
        scenario(people=[person])
    assert caught.value.field == "home"
    assert caught.value.suggestion == "office"


def test_requests_following_in_a_circle() -> None:
    """Two requests that each follow the other are refused."""
    first = request(request_id="a", follows="b")
    second = request(request_id="b", follows="a")
    with pytest.raises(InvalidModelError, match="follow each other in a circle"):
        scenario(requests=[first, second])


# --- requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"duration": Duration()}, "duration", "a positive duration"),
        ({"duration": Duration(minutes=-30)}, "duration", "a duration of zero or more"),
        ({"gap_before": Duration(minutes=-5)}, "gap_before", "a duration of zero"),
        ({"attendees": []}, "attendees", "at least one person"),
        ({"venue_ids": ["office"]}, "venue", "exactly one of venue, area or region"),
        ({"region_id": None}, "venue", "exactly one of venue, area or region"),
        ({"lead": "bob"}, "lead", "one of the attendees alice"),
        ({"optional_attendees": ["alice"]}, "optional", "not also required"),
        ({"min_capacity": -1}, "min_capacity", "0 or more"),
        (
            {"earliest_on": Date(2008, 9, 15), "latest_on": Date(2008, 9, 12)},
            "latest",
            "on or after earliest",
        ),
        ({"pin_at": Time(10, 0)}, "pin_at", "a pinned day"),
        ({"follows": "visit-Q30"}, "follows", "another request"),
        ({"kind": "Big Event"}, "kind", "a lower-case word"),
        ({"title": "  "}, "title", "a non-empty text"),
    ],
)
def test_invalid_requests(changes: dict[str, Any], field: str, expected: str) -> None:
    """Each broken request rule names the request, the field and what was expected."""
    with pytest.raises(InvalidModelError) as caught:
        request(**changes)
    assert caught.value.field == field
    assert expected in (caught.value.expected or "")


def test_two_places_are_named_in_file_terms() -> None:
    """A request with both an area and a region says so in the file's words."""
    with pytest.raises(InvalidModelError) as caught:
        request(area_id="5ND")
    assert caught.value.got == Described("area and region")
    assert str(caught.value).endswith("got area and region.")


def test_slot_days_must_be_weekdays() -> None:
    """Slots need at least one day 0-6."""
    with pytest.raises(InvalidModelError, match="weekdays 0-6"):
        Slot(days=[], window=TimeWindow.parse("10:00-11:00"))
    with pytest.raises(InvalidModelError, match="weekdays 0-6"):
        Slot(days=[7], window=TimeWindow.parse("10:00-11:00"))


# --- people, rules and travel -------------------------------------------------------


def test_person_email_and_travel_mode() -> None:
    """An e-mail needs an @ and a travel mode must be walk, car or rail."""
    with pytest.raises(InvalidModelError, match="email"):
        Person(person_id="a", name="A", home_venue_id="o", email="nobody")
    with pytest.raises(InvalidModelError, match="travel_mode"):
        Person(person_id="a", name="A", home_venue_id="o", travel_mode="boat")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"speed_kmh": 0}, "speed_kmh"),
        ({"speed_kmh": -150}, "speed_kmh"),
        ({"speed_kmh": math.inf}, "speed_kmh"),
        ({"speed_kmh": math.nan}, "speed_kmh"),
        ({"circuity": 0.9}, "circuity"),
        ({"circuity": math.nan}, "circuity"),
        ({"mode": "boat"}, "mode"),
    ],
)
def test_invalid_travel_modes(changes: dict[str, Any], field: str) -> None:
    """Speeds must be positive and finite, circuity at least 1, modes known."""
    base: dict[str, Any] = {
        "mode": "rail",
        "speed_kmh": 150.0,
        "circuity": 1.15,
        "overhead": Duration(minutes=45),
    }
    with pytest.raises(InvalidModelError) as caught:
        ModeParams(**(base | changes))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"walk_up_to_km": -1.0}, "walk_up_to_km"),
        ({"car_up_to_km": math.inf}, "car_up_to_km"),
        ({"walk_up_to_km": 10.0, "car_up_to_km": 5.0}, "car_up_to_km"),
        ({"mode": "boat"}, "mode"),
        ({"modes": ()}, "modes"),
    ],
)
def test_invalid_travel_settings(changes: dict[str, Any], field: str) -> None:
    """Switch distances are 0 km or more, car at least walk; all modes present."""
    with pytest.raises(InvalidModelError) as caught:
        TravelSettings(**changes)
    assert caught.value.field == field


def test_invalid_travel_override() -> None:
    """A known travel time needs a real mode and no negative minutes."""
    with pytest.raises(InvalidModelError, match="minutes"):
        TravelOverride(from_id="a", to_id="b", mode="car", minutes=-5)
    with pytest.raises(InvalidModelError, match="mode"):
        TravelOverride(from_id="a", to_id="b", mode="cart", minutes=5)


def test_travel_override_to_an_unknown_place() -> None:
    """An override must join two venues of the scenario."""
    override = TravelOverride(from_id="office", to_id="ofice", mode="car", minutes=5)
    with pytest.raises(UnknownReferenceError) as caught:
        scenario(travel=TravelSettings(overrides=[override]))
    assert caught.value.suggestion == "office"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PlanningRules(max_nights_away_in_row=-1), "max_nights_away_in_row"),
        (lambda: PlanningRules(start_step_minutes=7), "start_step"),
        (lambda: PlanningRules(start_step_minutes=0), "start_step"),
        (
            lambda: KindRules(kind="tour", max_per_person_per_day=0),
            "max_per_person_per_day",
        ),
        (
            lambda: KindRules(kind="tour", max_per_region_per_week=-2),
            "max_per_region_per_week",
        ),
        (lambda: KindRules(kind="tour", neighbour_km=-1.0), "neighbour_km"),
    ],
)
def test_invalid_rules(build: Any, field: str) -> None:
    """Planning and kind rules refuse limits that make no sense."""
    with pytest.raises(InvalidModelError) as caught:
        build()
    assert caught.value.field == field


def test_models_are_frozen() -> None:
    """Models cannot be changed in place; evolve validates the copy."""
    office = venue()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        office.lat = 0.0  # type: ignore[misc]
    with pytest.raises(InvalidModelError):
        attrs.evolve(office, lat=100.0)


# --- the error type itself ----------------------------------------------------------


def test_input_error_message_shape() -> None:
    """<where>: <problem>; expected <form>, got <value>. Did you mean <x>?"""
    error = ScenarioFileError(
        "unknown colour",
        source="scenario.toml",
        location="venues[0].colour",
        expected="red or blue",
        got="rde",
        suggestion="red",
    )
    assert str(error) == (
        "scenario.toml, venues[0].colour: unknown colour; expected red or blue, "
        'got "rde". Did you mean "red"?'
    )
    assert isinstance(error, ValueError)
    assert isinstance(error, InputError)


def test_messages_stay_on_one_line() -> None:
    """Control characters from the input are shown escaped, never as line breaks."""
    error = InputError(source="a.toml", location="id", expected="an id", got="x\ny\tz")
    assert str(error) == 'a.toml, id: expected an id, got "x\\ny\\tz".'


def test_long_values_are_cut() -> None:
    """Values longer than 80 characters are cut, so one bad cell cannot flood."""
    error = InputError(expected="a short text", got="x" * 500)
    assert len(str(error)) < 120
    assert str(error).endswith('...".')


def test_relocated_keeps_the_parts() -> None:
    """A model error moved into a file keeps problem, expected, got and suggestion."""
    with pytest.raises(UnknownReferenceError) as caught:
        scenario(requests=[request(attendees=["alcie"])])
    moved = caught.value.relocated(source="s.toml", location="requests[0].attendees")
    assert isinstance(moved, ScenarioFileError)
    assert str(moved) == (
        's.toml, requests[0].attendees: unknown person "alcie". Did you mean "alice"?'
    )


@pytest.mark.parametrize(
    ("name", "known", "found"),
    [
        ("5nd", ["5ND", "5J9"], "5ND"),
        ("Europe/Londn", ["Europe/London", "Europe/Paris"], "Europe/London"),
        ("leds", ["leeds", "derby"], "leeds"),
        ("zzz", ["leeds", "derby"], None),
        ("x", [], None),
    ],
)
def test_closest(name: str, known: list[str], found: str | None) -> None:
    """Suggestions ignore case first, then allow small misspellings."""
    assert closest(name, known) == found


def test_an_events_region_and_area_are_derived_in_one_place() -> None:
    """place_of fixes (region, area) when a plan is built; event_place reads them."""
    hall = Venue(venue_id="hall", name="Town Hall", lat=54.78, lon=-1.57, area_id="5ND")
    tiny = scenario(venues=[venue(), hall])
    by_venue = request(region_id=None, venue_ids=["hall"])
    assert tiny.place_of(tiny.requests[0], "hall") == ("Q30", "5ND")
    assert tiny.place_of(by_venue, "hall") == ("Q30", "5ND")
    assert tiny.place_of(tiny.requests[0], "office") == ("Q30", None)
    fixed = ScheduledEvent(
        request_id="visit-Q30",
        title="Listening event",
        kind="tour",
        venue_id="office",
        start=at(9, 10),
        end=at(9, 12),
        attendees=["alice"],
        region_id="Q30",
        area_id="5ND",
    )
    assert tiny.event_place(fixed) == ("Q30", "5ND")
    bare = attrs.evolve(fixed, venue_id="hall", region_id=None, area_id=None)
    assert tiny.event_place(bare) == ("Q30", "5ND")
    assert tiny.event_place(attrs.evolve(bare, venue_id="gone")) == (None, None)
