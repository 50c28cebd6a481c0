"""Route maps: one person's journey drawn over an outline of England, as SVG.

The projection is fixed, so every map of every person shares one frame and the
same place is always drawn at the same spot: an equirectangular projection with
longitude scaled by cos(53 N), the middle of England, which keeps shapes true
to within a few per cent between the Channel and the Scottish border. Points
outside England (rare) widen the frame; they never move the projection.

The outline is Natural Earth's 1:50m England, bundled as ``data/england.json``
(public domain; see ``data/england.SOURCES.md``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Final

from attrs import field, frozen
from markupsafe import Markup

from roadshow.exporters._templates import html_environment
from roadshow.model import Venue

REFERENCE_LATITUDE: Final = 53.0
"""Longitudes are scaled by the cosine of this latitude (the middle of England)."""

PIXELS_PER_DEGREE: Final = 100.0
"""SVG user units per degree of latitude."""

_WEST, _NORTH = -6.0, 56.0  # the projection's origin (top left)
_FRAME: Final = (0.0, 0.0, 560.0, 610.0)  # England plus room for east-coast labels
_LABEL_FONT = 11.0
_LABEL_DX, _LABEL_DY = 6.0, 4.0  # label offset from its point
_CHAR_WIDTH = 0.56 * _LABEL_FONT  # rough average glyph width, for collisions
_POSTCODE = re.compile(r"\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\(.*\)\s*$")


def project(lat: float, lon: float) -> tuple[float, float]:
    """Return the SVG position ``(x, y)`` of a point (degrees WGS84)."""
    x = (lon - _WEST) * math.cos(math.radians(REFERENCE_LATITUDE)) * PIXELS_PER_DEGREE
    y = (_NORTH - lat) * PIXELS_PER_DEGREE
    return round(x, 1), round(y, 1)


def town_label(venue: Venue) -> str:
    """Return a short place label for a venue: its town where the data tells.

    The town is the last part of the address, without a trailing UK postcode or
    a parenthesis: ``"79 Whitehall, London SW1A 2NS"`` gives ``"London"``,
    ``"Durham (representative point of ...)"`` gives ``"Durham"``. Without an
    address the venue's name is used.
    """
    last = venue.address.rsplit(",", 1)[-1]
    town = _POSTCODE.sub("", _PARENTHESIS.sub("", last)).strip()
    return town or venue.name


@frozen(kw_only=True)
class MapPoint:
    """A venue on the map, with the label drawn beside it (None: no label)."""

    venue_id: str
    name: str
    x: float
    y: float
    role: str
    """``"home"``, ``"event"``, ``"travel"`` or ``"night"`` (its first role)."""
    label: str | None

    @property
    def label_x(self) -> float:
        """Where the label starts (left edge)."""
        return round(self.x + _LABEL_DX, 1)

    @property
    def label_y(self) -> float:
        """The label's baseline."""
        return round(self.y + _LABEL_DY, 1)


@frozen(kw_only=True)
class MapLeg:
    """A travel leg drawn as a straight line between two venues."""

    x1: float
    y1: float
    x2: float
    y2: float
    mode: str


def _points(values: Sequence[MapPoint]) -> tuple[MapPoint, ...]:
    return tuple(values)


def _legs(values: Sequence[MapLeg]) -> tuple[MapLeg, ...]:
    return tuple(values)


@frozen(kw_only=True)
class RouteMap:
    """Everything the SVG template draws, already projected."""

    title: str
    view_box: tuple[float, float, float, float]
    outline: tuple[str, ...]
    """SVG path data, one string per polygon."""
    points: tuple[MapPoint, ...] = field(converter=_points)
    legs: tuple[MapLeg, ...] = field(converter=_legs)


@cache
def _outline_paths() -> tuple[str, ...]:
    data = json.loads(
        files("roadshow.data").joinpath("england.json").read_text(encoding="utf-8")
    )
    paths = []
    for polygon in data["geometry"]["coordinates"]:
        for ring in polygon:
            points = [project(lat, lon) for lon, lat in ring]
            paths.append("M" + " L".join(f"{x:g},{y:g}" for x, y in points) + " Z")
    return tuple(paths)


def build_route_map(
    stops: Sequence[tuple[Venue, str]],
    legs: Sequence[tuple[Venue, Venue, str]],
    *,
    title: str,
) -> RouteMap:
    """Project a journey onto the fixed frame.

    Args:
        stops: Venues in the order first visited, each with its role (``home``,
            ``event``, ``travel``, ``night``); a venue listed twice is drawn
            once, with its first role.
        legs: ``(from, to, mode)`` for each travel leg.
        title: The map's accessible title.

    Labels go to the first venue of each town; a label that would overlap one
    already placed is left out (the point stays), so a day of London boroughs
    does not print a smudge.
    """
    points: list[MapPoint] = []
    seen: set[str] = set()
    towns: set[str] = set()
    boxes: list[tuple[float, float, float, float]] = []
    for venue, role in stops:
        if venue.venue_id in seen:
            continue
        seen.add(venue.venue_id)
        x, y = project(venue.lat, venue.lon)
        town = town_label(venue)
        label = None
        if town not in towns:
            box = (
                x + _LABEL_DX,
                y + _LABEL_DY - _LABEL_FONT,
                x + _LABEL_DX + _CHAR_WIDTH * len(town),
                y + _LABEL_DY,
            )
            if not any(_overlap(box, other) for other in boxes):
                boxes.append(box)
                towns.add(town)
                label = town
        points.append(
            MapPoint(
                venue_id=venue.venue_id,
                name=venue.name,
                x=x,
                y=y,
                role=role,
                label=label,
            )
        )
    drawn = []
    for origin, destination, mode in legs:
        x1, y1 = project(origin.lat, origin.lon)
        x2, y2 = project(destination.lat, destination.lon)
        drawn.append(MapLeg(x1=x1, y1=y1, x2=x2, y2=y2, mode=mode))
    return RouteMap(
        title=title,
        view_box=_frame(points, boxes),
        outline=_outline_paths(),
        points=points,
        legs=drawn,
    )


def _overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _frame(
    points: Sequence[MapPoint], boxes: Sequence[tuple[float, float, float, float]]
) -> tuple[float, float, float, float]:
    left, top, right, bottom = _FRAME
    for point in points:
        left, top = min(left, point.x - 10), min(top, point.y - 10)
        right, bottom = max(right, point.x + 10), max(bottom, point.y + 10)
    for box in boxes:
        right = max(right, box[2] + 4)
    return (left, top, right - left, bottom - top)


def render_route_map(route_map: RouteMap, *, map_id: str) -> Markup:
    """Return the map as an inline SVG element (safe to embed in HTML).

    Args:
        route_map: The projected journey.
        map_id: A document-unique id prefix for the SVG's title element.
    """
    template = html_environment().get_template("routemap.svg.j2")
    return Markup(template.render(map=route_map, map_id=map_id))  # noqa: S704 - rendered by an auto-escaping template
