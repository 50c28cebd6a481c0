"""The route map: fixed projection, town labels, the bundled outline."""

from __future__ import annotations

import itertools
import math
from html.parser import HTMLParser

import pytest

from roadshow.data import nhs2008
from roadshow.exporters.itinerary import build_itinerary
from roadshow.exporters.routemap import (
    build_route_map,
    project,
    render_route_map,
    town_label,
)
from roadshow.model import Plan, Scenario, Venue


def test_projection_is_fixed_and_oriented() -> None:
    """North is up and east is right; the same point always lands in one place."""
    london = project(51.5074, -0.1278)
    newcastle = project(54.9783, -1.6178)
    assert newcastle[1] < london[1]
    assert newcastle[0] < london[0]
    assert project(51.5074, -0.1278) == london


def test_projection_keeps_shapes_near_true() -> None:
    """A degree of longitude at 53 N is about 0.6 of a degree of latitude."""
    x0, y0 = project(53.0, -2.0)
    x1, _ = project(53.0, -1.0)
    _, y1 = project(52.0, -2.0)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(0.6018, abs=0.002)


@pytest.mark.parametrize(
    ("address", "name", "town"),
    [
        ("79 Whitehall, London SW1A 2NS", "Richmond House", "London"),
        ("Durham (representative point of County Durham PCT)", "Durham", "Durham"),
        ("Newcastle upon Tyne", "NHS North East headquarters", "Newcastle upon Tyne"),
        ("", "Town Hall", "Town Hall"),
        ("Broad Street, Birmingham B1 2EA", "ICC", "Birmingham"),
    ],
    ids=["postcode", "parenthesis", "town-only", "no-address", "street"],
)
def test_town_label(address: str, name: str, town: str) -> None:
    """Labels are the town: the address's last part without postcode or note."""
    venue = Venue.at("v", name, 52.0, -1.0, address=address)
    assert town_label(venue) == town


def test_each_venue_is_drawn_once_with_its_first_role() -> None:
    """A venue visited twice is one point, marked with the role it had first."""
    home = Venue.at("home", "Home", 51.5, -0.12, address="London")
    hq = Venue.at("hq", "HQ", 53.8, -1.55, address="Leeds")
    route_map = build_route_map(
        [(home, "home"), (hq, "event"), (hq, "night"), (home, "travel")],
        [(home, hq, "rail"), (hq, home, "rail")],
        title="t",
    )
    assert [(p.venue_id, p.role) for p in route_map.points] == [
        ("home", "home"),
        ("hq", "event"),
    ]
    assert len(route_map.legs) == 2


def test_a_crowded_label_moves_to_a_free_side() -> None:
    """Of two venues a few hundred metres apart, the second is labelled on its left."""
    a = Venue.at("a", "A", 51.500, -0.120, address="Westminster")
    b = Venue.at("b", "B", 51.502, -0.118, address="Lambeth")
    c = Venue.at("c", "C", 53.800, -1.550, address="Leeds")
    route_map = build_route_map(
        [(a, "event"), (b, "event"), (c, "event")], [], title="t"
    )
    assert [(p.label, p.label_anchor) for p in route_map.points] == [
        ("Westminster", "start"),
        ("Lambeth", "end"),
        ("Leeds", "start"),
    ]


def test_crowded_labels_without_room_are_left_out() -> None:
    """Six venues within 300 metres: four sides, so some labels are left out."""
    towns = ("Acton", "Barnes", "Chelsea", "Dulwich", "Erith", "Fulham")
    cluster = [
        Venue.at(t.lower(), t, 51.500 + i * 0.0005, -0.120, address=t)
        for i, t in enumerate(towns)
    ]
    route_map = build_route_map([(v, "event") for v in cluster], [], title="t")
    labels = [p.label for p in route_map.points]
    assert labels[0] == "Acton"
    assert 1 < sum(label is not None for label in labels) < len(towns)


def test_outline_is_englands() -> None:
    """The bundled outline is two polygons inside the frame, drawn as SVG paths."""
    route_map = build_route_map([], [], title="t")
    assert len(route_map.outline) == 2
    assert all(p.startswith("M") and p.endswith("Z") for p in route_map.outline)
    assert route_map.view_box == (0.0, 0.0, 560.0, 610.0)


def test_every_bundled_venue_is_inside_the_frame() -> None:
    """All 2008 venues fall inside the fixed frame, so no map ever grows."""
    scenario = nhs2008.scenario()
    stops = [(v, "event") for v in scenario.venues]
    route_map = build_route_map(stops, [], title="t")
    left, top, width, height = route_map.view_box
    assert (left, top, height) == (0.0, 0.0, 610.0)
    for point in route_map.points:
        assert 0 <= point.x <= width
        assert 0 <= point.y <= height


def test_svg_escapes_labels_and_titles() -> None:
    """A venue named with markup stays text inside the SVG."""
    venue = Venue.at("v", "<script>x</script>", 52.0, -1.0, address="</text><b>Town")
    svg = str(
        render_route_map(
            build_route_map([(venue, "event")], [], title="<t>"), map_id="m"
        )
    )
    tags: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            tags.append(tag)

    Tags().feed(svg)
    assert "script" not in tags
    assert "b" not in tags
    assert "&lt;script&gt;x&lt;/script&gt;" in svg


def test_a_regional_journey_is_shown_zoomed_in() -> None:
    """A London-only journey gets a close view with the frame's proportions."""
    scenario = nhs2008.scenario()
    london = [
        (scenario.venue_by_id[a.venue_id], "event")
        for a in scenario.areas
        if a.region_id == "Q36"
    ]
    assert len(london) == 31
    route_map = build_route_map(london, [], title="t")
    _, _, width, height = route_map.view_box
    assert width < 200
    assert width / height == pytest.approx(560 / 610, rel=0.01)
    assert route_map.scale < 0.4
    assert route_map.font_size == pytest.approx(11 * route_map.scale, abs=0.01)


@pytest.mark.parametrize("region", [f"Q{n}" for n in range(30, 40)])
def test_numbered_stops_never_cover_each_other(region: str) -> None:
    """On each 2008 chair's map every stop's number reads: dots too close to
    tell apart (Newcastle and Gateshead) are nudged apart by at most a dot's
    width, and the route's lines follow them."""
    scenario = nhs2008.scenario()
    venues = [
        scenario.venue_by_id[a.venue_id]
        for a in scenario.areas
        if a.region_id == region
    ]
    home = Venue.at("home", "Home", 52.5, -1.5, address="Home")
    route_map = build_route_map(
        [(v, "event") for v in venues],
        [(home, v, "car") for v in venues],
        title="t",
        dates={v.venue_id: "1 Sep" for v in venues},
    )
    stops = route_map.stops
    assert len(stops) == len(venues)
    radius = 6.5 * route_map.scale
    for a, b in itertools.combinations(stops, 2):
        assert math.dist((a.x, a.y), (b.x, b.y)) >= 2 * radius * (1 - 1e-9), (a, b)
    for stop, venue in zip(stops, venues, strict=True):
        assert math.dist((stop.x, stop.y), project(venue.lat, venue.lon)) <= 2 * radius
    assert {(leg.x2, leg.y2) for leg in route_map.legs} == {(p.x, p.y) for p in stops}


def test_a_national_journey_is_shown_on_all_england() -> None:
    """From Penzance to Newcastle the view is the whole-England frame."""
    penzance = Venue.at("p", "P", 50.118, -5.537, address="Penzance")
    newcastle = Venue.at("n", "N", 54.978, -1.618, address="Newcastle")
    route_map = build_route_map(
        [(penzance, "home"), (newcastle, "event")], [], title="t"
    )
    assert route_map.view_box == (0.0, 0.0, 560.0, 610.0)
    assert route_map.scale == 1.0


def test_labels_at_the_right_edge_go_left() -> None:
    """A label that would run off the view is set to the left of its point."""
    west = Venue.at("w", "W", 52.0, -2.0, address="Worcester")
    east = Venue.at("e", "E", 52.0, -1.2, address="A very long town name indeed")
    route_map = build_route_map([(west, "event"), (east, "event")], [], title="t")
    anchors = {p.venue_id: p.label_anchor for p in route_map.points}
    assert anchors == {"w": "start", "e": "end"}
    east_point = route_map.points[1]
    assert east_point.label_x < east_point.x


def test_an_itinerary_map_numbers_its_stops_in_route_order(
    scenario: Scenario, plan: Plan
) -> None:
    """Event venues are numbered 1, 2, ... in the order visited, with their dates."""
    itinerary = build_itinerary(scenario, plan, "minister")
    stops = itinerary.route_map.stops
    assert [stop.number for stop in stops] == list(range(1, len(stops) + 1))
    event_venues = [
        item.place.venue_id
        for day in itinerary.days
        for item in day.items
        if item.kind == "event"
    ]
    assert [stop.venue_id for stop in stops] == list(dict.fromkeys(event_venues))
    assert all(stop.when for stop in stops)
    svg = render_route_map(itinerary.route_map, map_id="m")
    assert svg.count('class="stop-number"') == len(stops)
