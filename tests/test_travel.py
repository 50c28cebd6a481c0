"""The travel model: geodesic distance, modes, overheads, override table."""

from __future__ import annotations

import attrs
import pytest
from geopy.distance import geodesic

from roadshow.errors import InputError
from roadshow.model import Scenario, TravelOverride, Venue
from roadshow.travel import EstimatedTravel, distance_km, find_venue


def model(scenario: Scenario) -> EstimatedTravel:
    return EstimatedTravel(scenario.venue_by_id, scenario.travel)


def test_london_newcastle_by_rail_takes_hours(nhs2008_scenario: Scenario) -> None:
    """Richmond House to the NHS North East HQ is about 400 km: hours by rail."""
    journey = model(nhs2008_scenario).journey("richmond-house", "Q30-hq")
    assert journey.mode == "rail"
    assert 390 < journey.distance_km < 410
    assert 3 * 60 <= journey.minutes <= 5 * 60


def test_distance_is_geopys_geodesic(nhs2008_scenario: Scenario) -> None:
    """distance_km is geopy's geodesic distance to the last bit (plans depend on it)."""
    far = [
        Venue(venue_id=f"far-{i}", name="Far", lat=lat, lon=lon)
        for i, (lat, lon) in enumerate(
            [(-89.5, -180.0), (0.0, 0.0), (0.5, 179.7), (-33.9, 151.2), (90.0, 45.0)]
        )
    ]
    venues = [*sorted(nhs2008_scenario.venues, key=lambda v: v.venue_id)[:40], *far]
    for a in venues:
        for b in venues:
            expected = geodesic((a.lat, a.lon), (b.lat, b.lon)).km
            assert distance_km(a, b) == expected, (a.venue_id, b.venue_id)


def test_modes_by_distance(nhs2008_scenario: Scenario) -> None:
    """Short hops walk, middle distances drive, long ones go by rail."""
    travel = model(nhs2008_scenario)
    assert travel.journey("richmond-house", "qeii-centre").mode == "walk"
    assert travel.journey("richmond-house", "Q37-hq").mode == "car"
    assert travel.journey("richmond-house", "Q39-hq").mode == "rail"


def test_forced_mode_and_symmetry(nhs2008_scenario: Scenario) -> None:
    """A forced mode is used; distance is the same both ways."""
    travel = model(nhs2008_scenario)
    by_car = travel.journey("Q32-hq", "Q30-hq", "car")
    assert by_car.mode == "car"
    assert by_car.distance_km == travel.journey("Q30-hq", "Q32-hq").distance_km
    assert by_car.minutes > travel.journey("Q32-hq", "Q30-hq", "rail").minutes


def test_override_table_wins_both_ways(nhs2008_scenario: Scenario) -> None:
    """A table row replaces the estimate, in both directions."""
    settings = attrs.evolve(
        nhs2008_scenario.travel,
        overrides=(
            TravelOverride(
                from_id="richmond-house", to_id="Q30-hq", mode="rail", minutes=200
            ),
        ),
    )
    travel = EstimatedTravel(nhs2008_scenario.venue_by_id, settings)
    assert travel.journey("richmond-house", "Q30-hq").minutes == 200
    assert travel.journey("Q30-hq", "richmond-house").source == "table"


def test_find_venue_by_code_name_and_person(nhs2008_scenario: Scenario) -> None:
    """Places resolve from region codes, area codes, person ids and town names."""
    assert find_venue(nhs2008_scenario, "Q30").venue_id == "Q30-hq"
    assert find_venue(nhs2008_scenario, "5ND").venue_id == "5ND-point"
    assert find_venue(nhs2008_scenario, "darzi").venue_id == "richmond-house"
    assert find_venue(nhs2008_scenario, "leeds").venue_id == "Q32-hq"


def test_find_venue_suggests(nhs2008_scenario: Scenario) -> None:
    """An unknown place names the closest match."""
    with pytest.raises(InputError, match='Did you mean "leeds"'):
        find_venue(nhs2008_scenario, "Leds")
