"""The bundled 2008 NHS data and the default scenario."""

from __future__ import annotations

from collections import Counter

import pytest

from roadshow.data import nhs2008
from roadshow.model import Scenario


def test_ten_shas_and_152_pcts() -> None:
    """The bundled data holds the 10 SHAs and 152 PCTs of September 2008."""
    assert len(nhs2008.regions()) == 10
    assert len(nhs2008.areas()) == 152


def test_every_pct_belongs_to_one_known_sha() -> None:
    """Each PCT names exactly one SHA, and the counts per SHA match the sources."""
    region_ids = {r.region_id for r in nhs2008.regions()}
    counts = Counter(a.region_id for a in nhs2008.areas())
    assert set(counts) == region_ids
    assert counts == {
        "Q30": 12,
        "Q31": 24,
        "Q32": 14,
        "Q33": 9,
        "Q34": 17,
        "Q35": 14,
        "Q36": 31,
        "Q37": 8,
        "Q38": 9,
        "Q39": 14,
    }


@pytest.mark.parametrize(
    ("area_id", "name", "region_id", "lat", "lon"),
    [
        ("5ND", "County Durham PCT", "Q30", 54.7768, -1.5757),
        ("5M1", "South Birmingham PCT", "Q34", 52.4370, -1.9350),
        ("TAM", "Solihull Care Trust", "Q34", None, None),
        ("5HG", "Ashton, Leigh and Wigan PCT", "Q31", 53.5430, -2.6371),
    ],
    ids=["durham", "selly-oak", "solihull", "quoted-name"],
)
def test_spot_check_pcts(
    nhs2008_scenario: Scenario,
    area_id: str,
    name: str,
    region_id: str,
    lat: float | None,
    lon: float | None,
) -> None:
    """Spot checks of PCT codes, names, SHAs and coordinates against the source CSV."""
    area = nhs2008_scenario.area_by_id[area_id]
    assert (area.name, area.region_id) == (name, region_id)
    point = nhs2008_scenario.venue_by_id[area.venue_id]
    if lat is not None:
        assert (point.lat, point.lon) == (lat, lon)


def test_sha_codes_and_hqs(nhs2008_scenario: Scenario) -> None:
    """SHA codes map to the expected names and HQ points."""
    region = nhs2008_scenario.region_by_id["Q30"]
    assert region.name == "NHS North East"
    hq = nhs2008_scenario.venue_by_id[region.hq_venue_id]
    assert (hq.lat, hq.lon) == (54.9733, -1.6140)
    assert nhs2008_scenario.region_by_id["Q39"].name == "NHS South West"


def test_default_scenario_shape(nhs2008_scenario: Scenario) -> None:
    """The default scenario has the 2008 programme's people, window and requests."""
    s = nhs2008_scenario
    assert (str(s.start_on), str(s.end_on)) == ("2008-09-01", "2008-11-28")
    assert {p.person_id for p in s.people if p.role == "principal"} == {
        "darzi",
        "nicholson",
    }
    assert sum(p.role == "chair" for p in s.people) == 10
    kinds = Counter(r.kind for r in s.requests)
    assert kinds == {"tour": 20, "consultation": 152, "national": 2}
    for request in s.requests:
        if request.kind == "consultation":
            chair = s.person_by_id[request.lead or ""]
            assert chair.role == "chair"
            assert chair.region_id == s.area_by_id[request.area_id or ""].region_id
    hsj = s.request_by_id["hsj-change-management"]
    assert str(hsj.pin_on) == "2008-10-22"
