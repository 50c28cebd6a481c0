"""Series in the Python API: one request template expanded per region or area."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import roadshow
from roadshow.errors import InvalidModelError, UnknownReferenceError
from roadshow.importers.scenario import parse_scenario
from roadshow.model import Area, EventRequest, Person, Region, Series, Slot, Venue

OFFICE = Venue.at("office", "Regional office", 54.9733, -1.6140)
REGIONS = (
    Region(region_id="Q30", name="NHS North East", hq_venue_id="office"),
    Region(region_id="Q31", name="NHS North West", hq_venue_id="office"),
)
AREAS = (
    Area(area_id="5ND", name="County Durham PCT", region_id="Q30", venue_id="office"),
    Area(area_id="5J9", name="Darlington PCT", region_id="Q30", venue_id="office"),
    Area(area_id="5NT", name="Manchester PCT", region_id="Q31", venue_id="office"),
)
PEOPLE = (
    Person(
        person_id="alice",
        name="Alice",
        role="chair",
        region_id="Q30",
        home_venue_id="office",
    ),
    Person(
        person_id="bob",
        name="Bob",
        role="chair",
        region_id="Q31",
        home_venue_id="office",
    ),
)
CONSULTATION = Series(
    series_id="consultation",
    per="area",
    kind="consultation",
    title="Consultation: {area_name} ({region_name})",
    attendees=["role:chair"],
    lead="role:chair",
    duration=pendulum.duration(hours=2),
    slots=[Slot.parse("mon-fri 18:30-20:30"), Slot.parse("sat 10:00-12:00")],
)


def expand(series: Series) -> dict[str, EventRequest]:
    requests = series.expand(people=PEOPLE, regions=REGIONS, areas=AREAS)
    return {r.request_id: r for r in requests}


def test_series_is_public() -> None:
    """Series is part of the top-level API, beside Scenario."""
    assert roadshow.Series is Series
    assert "Series" in roadshow.__all__


def test_expand_per_area_resolves_roles() -> None:
    """One request per area, titled from the area, led by its region's chair."""
    by_id = expand(CONSULTATION)
    assert list(by_id) == ["consultation-5ND", "consultation-5J9", "consultation-5NT"]
    durham = by_id["consultation-5ND"]
    assert durham.title == "Consultation: County Durham PCT (NHS North East)"
    assert (durham.attendees, durham.lead, durham.area_id, durham.kind) == (
        ("alice",),
        "alice",
        "5ND",
        "consultation",
    )
    assert by_id["consultation-5NT"].attendees == ("bob",)


def test_expand_matches_the_file_reader() -> None:
    """The file's [[series]] and the API's Series give the same requests."""
    text = """
id = "tiny"
start = 2008-09-08
end = 2008-11-28
[[venues]]
id = "office"
name = "Regional office"
lat = 54.9733
lon = -1.6140
[[regions]]
id = "Q30"
name = "NHS North East"
hq = "office"
[[regions]]
id = "Q31"
name = "NHS North West"
hq = "office"
[[areas]]
id = "5ND"
name = "County Durham PCT"
region = "Q30"
venue = "office"
[[areas]]
id = "5J9"
name = "Darlington PCT"
region = "Q30"
venue = "office"
[[areas]]
id = "5NT"
name = "Manchester PCT"
region = "Q31"
venue = "office"
[[people]]
id = "alice"
name = "Alice"
role = "chair"
region = "Q30"
home = "office"
[[people]]
id = "bob"
name = "Bob"
role = "chair"
region = "Q31"
home = "office"
[[series]]
id = "consultation"
per = "area"
kind = "consultation"
title = "Consultation: {area_name} ({region_name})"
attendees = ["role:chair"]
lead = "role:chair"
duration = "2h"
slots = ["mon-fri 18:30-20:30", "sat 10:00-12:00"]
"""
    loaded = parse_scenario(text, source="tiny.toml")
    assert loaded.requests == tuple(expand(CONSULTATION).values())


def test_expand_per_region_with_count_filter_and_follows() -> None:
    """count numbers the requests; regions narrows; follows pairs them up."""
    clinical = attrs.evolve(
        CONSULTATION,
        series_id="clinical",
        per="region",
        title="Clinical session, {region_name}",
        count=2,
        regions=["Q31"],
        follows="listening",
    )
    by_id = expand(clinical)
    assert list(by_id) == ["clinical-Q31-1", "clinical-Q31-2"]
    assert by_id["clinical-Q31-2"].follows == "listening-Q31-2"
    assert by_id["clinical-Q31-2"].region_id == "Q31"


def test_expand_matching_nothing_is_an_error() -> None:
    """Filters that leave no area make expansion fail, not return nothing."""
    narrow = attrs.evolve(CONSULTATION, regions=["Q31"], areas=["5ND"])
    with pytest.raises(InvalidModelError, match="the series matches no area"):
        narrow.expand(people=PEOPLE, regions=REGIONS, areas=AREAS)


def test_expand_unknown_filter_suggests() -> None:
    """An unknown area in the filter is an unknown reference with a suggestion."""
    typo = attrs.evolve(CONSULTATION, areas=["5nt"])
    with pytest.raises(UnknownReferenceError) as caught:
        typo.expand(people=PEOPLE, regions=REGIONS, areas=AREAS)
    assert str(caught.value) == (
        'series consultation, areas: unknown area "5nt". Did you mean "5NT"?'
    )


def test_expand_role_must_name_one_person() -> None:
    """role:<role> must find exactly one person in the region."""
    nobody = attrs.evolve(CONSULTATION, attendees=["role:director"], lead=None)
    with pytest.raises(InvalidModelError) as caught:
        nobody.expand(people=PEOPLE, regions=REGIONS, areas=AREAS)
    assert str(caught.value) == (
        "series consultation, attendees: expected exactly one person with role "
        '"director" in region Q30, got nobody.'
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"per": "town"},
            'series consultation, per: expected "region" or "area", got "town".',
        ),
        ({"count": 0}, "series consultation, count: expected 1 to 100, got 0."),
        (
            {"per": "region"},
            (
                "series consultation, title: unknown placeholder {area_name}; "
                "expected placeholders among {region_id}, {region_name} (per region). "
                'Did you mean "region_name"?'
            ),
        ),
    ],
)
def test_series_is_checked_when_made(changes: dict[str, object], message: str) -> None:
    """per, count and the title's placeholders are checked on construction."""
    with pytest.raises(InvalidModelError) as caught:
        attrs.evolve(CONSULTATION, **changes)
    assert str(caught.value) == message
