"""Route maps: one person's journey drawn over an outline of England, as SVG.

The projection is fixed, so the same place is always drawn at the same spot of
the same plane: an equirectangular projection with longitude scaled by
cos(53 N), the middle of England, which keeps shapes true to within a few per
cent between the Channel and the Scottish border. A journey that crosses the
country is shown on the whole of England; one that stays in a region (a chair's
consultation evenings) is shown zoomed in on it, with the same projection, so
London boroughs do not merge into one dot. Points outside England (rare) widen
the view; they never move the projection.

The outline is Natural Earth's 1:50m England, bundled as ``data/england.json``
(public domain; see ``data/england.SOURCES.md``).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Final

from attrs import field, frozen
from markupsafe import Markup

from roadshow.model import Venue

REFERENCE_LATITUDE: Final = 53.0
"""Longitudes are scaled by the cosine of this latitude (the middle of England)."""

PIXELS_PER_DEGREE: Final = 100.0
"""SVG user units per degree of latitude."""

_WEST, _NORTH = -6.0, 56.0  # the projection's origin (top left)
_FRAME: Final = (0.0, 0.0, 560.0, 610.0)  # the whole of England, with label room
_MIN_WIDTH = 55.0  # the closest zoom: about 60 km across, so a city's stops stand apart
_MARGIN = 0.12  # room around the journey, as a share of the view on each side
_SPREAD_PASSES = 8  # enough for the tightest 2008 cluster
_ZOOM_LIMIT = 0.6  # a journey needing more of the frame than this gets all of it
# Sizes on the whole-England view; a zoomed view scales them down so they print
# at the same size.
_LABEL_FONT = 11.0
_LABEL_GAP = 2.5  # between a dot's edge and its label
_CHAR_WIDTH = 0.56  # rough average glyph width as a share of the font size
_ASCENT, _DESCENT = (
    0.92,
    0.24,
)  # a label's height above and below its baseline, in fonts
# Dot radii on the whole-England view, as routemap.svg.j2 and the PDF itinerary
# draw them: home, a numbered stop, any other venue.
HOME_RADIUS, STOP_RADIUS, DOT_RADIUS = 5.0, 6.5, 3.5

Box = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in view units."""
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
    # The parenthesis goes first: it may hold commas of its own, as in
    # "Wigan (representative point of Ashton, Leigh and Wigan PCT)".
    last = _PARENTHESIS.sub("", venue.address).rsplit(",", 1)[-1]
    town = _POSTCODE.sub("", last).strip()
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
    town: str = ""
    """The venue's town (:func:`town_label`), labelled on the map or not."""
    label: str | None
    label_x: float = 0.0
    label_y: float = 0.0
    label_anchor: str = "start"
    """``start``: the label is right of the point; ``end``: left of it;
    ``middle``: above or below it."""
    number: int | None = None
    """The stop's number in route order (events only, on an itinerary's map)."""
    when: str = ""
    """The dates of the stop's events, e.g. ``"9 Sep, 24 Sep"``."""


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
    """``(left, top, width, height)`` in projected units."""
    outline: tuple[str, ...]
    """SVG path data, one string per polygon."""
    points: tuple[MapPoint, ...] = field(converter=_points)
    legs: tuple[MapLeg, ...] = field(converter=_legs)

    @property
    def modes(self) -> tuple[str, ...]:
        """The travel modes drawn, for the legend."""
        return tuple(sorted({leg.mode for leg in self.legs}))

    @property
    def stops(self) -> tuple[MapPoint, ...]:
        """The numbered stops, in route order."""
        numbered = [p for p in self.points if p.number is not None]
        return tuple(sorted(numbered, key=lambda p: p.number or 0))

    @property
    def scale(self) -> float:
        """Size of the view against the whole-England frame (1.0, or less zoomed)."""
        return round(min(1.0, self.view_box[2] / _FRAME[2]), 4)

    @property
    def font_size(self) -> float:
        """Label size in view units (prints the same at every zoom)."""
        return round(_LABEL_FONT * self.scale, 2)


@cache
def outline_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The outline of England, projected: one closed ring of ``(x, y)`` per polygon."""
    data = json.loads(
        files("roadshow.data").joinpath("england.json").read_text(encoding="utf-8")
    )
    return tuple(
        tuple(project(lat, lon) for lon, lat in ring)
        for polygon in data["geometry"]["coordinates"]
        for ring in polygon
    )


@cache
def _outline_paths() -> tuple[str, ...]:
    return tuple(
        "M" + " L".join(f"{x:g},{y:g}" for x, y in ring) + " Z"
        for ring in outline_rings()
    )


def build_route_map(
    stops: Sequence[tuple[Venue, str]],
    legs: Sequence[tuple[Venue, Venue, str]],
    *,
    title: str,
    dates: Mapping[str, str] | None = None,
) -> RouteMap:
    """Project a journey and choose the view: all of England, or its region.

    Args:
        stops: Venues in the order first visited, each with its role (``home``,
            ``event``, ``travel``, ``night``); a venue listed twice is drawn
            once, with its first role.
        legs: ``(from, to, mode)`` for each travel leg.
        title: The map's accessible title.
        dates: When given, the venues it names (by id) are numbered in route
            order and carry these dates, so the map reads as a numbered route.

    Labels go to the first venue of each town: right of the point, else left of
    it, above or below it, wherever the label stays inside the view and covers
    no other label and no other venue's dot (a numbered stop's number stays
    readable). A label with no such place is left out and the point stays, so a
    cluster of venues prints clean.
    """
    unique: dict[str, tuple[Venue, str, float, float]] = {}
    for venue, role in stops:
        if venue.venue_id not in unique:
            unique[venue.venue_id] = (venue, role, *project(venue.lat, venue.lon))
    view_box = _view_box([(x, y) for _, _, x, y in unique.values()])
    scale = min(1.0, view_box[2] / _FRAME[2])
    # Numbered in the order *dates* lists them (first event first), which is
    # not the drawing order: home comes first there even if visited last.
    numbers = {
        venue_id: number
        for number, venue_id in enumerate(
            (v for v in dates or {} if v in unique), start=1
        )
    }
    radii = {
        venue_id: scale
        * (
            HOME_RADIUS
            if role == "home"
            else STOP_RADIUS
            if venue_id in numbers
            else DOT_RADIUS
        )
        for venue_id, (_, role, _, _) in unique.items()
    }
    unique = _apart(unique, radii, numbers)
    dots = {
        venue_id: (
            x - radii[venue_id],
            y - radii[venue_id],
            x + radii[venue_id],
            y + radii[venue_id],
        )
        for venue_id, (_, _, x, y) in unique.items()
    }
    points: list[MapPoint] = []
    towns: set[str] = set()
    boxes: list[Box] = []
    for venue_id, (venue, role, x, y) in unique.items():
        town = town_label(venue)
        others = [box for other, box in dots.items() if other != venue_id]
        spot = None
        if town not in towns:
            spot = next(
                (
                    found
                    for found in _label_spots(x, y, radii[venue_id], town, scale)
                    if _inside(found[0], view_box)
                    and not any(_overlap(found[0], b) for b in (*boxes, *others))
                ),
                None,
            )
        if spot is not None:
            boxes.append(spot[0])
            towns.add(town)
        _, label_x, label_y, anchor = spot or (None, x, y, "start")
        points.append(
            MapPoint(
                venue_id=venue_id,
                name=venue.name,
                x=x,
                y=y,
                role=role,
                town=town,
                label=town if spot is not None else None,
                label_x=round(label_x, 2),
                label_y=round(label_y, 2),
                label_anchor=anchor,
                number=numbers.get(venue_id),
                when=(dates or {}).get(venue_id, ""),
            )
        )
    drawn = []
    for origin, destination, mode in legs:
        x1, y1 = _where(unique, origin)
        x2, y2 = _where(unique, destination)
        drawn.append(MapLeg(x1=x1, y1=y1, x2=x2, y2=y2, mode=mode))
    return RouteMap(
        title=title,
        view_box=view_box,
        outline=_outline_paths(),
        points=points,
        legs=drawn,
    )


def _apart(
    places: dict[str, tuple[Venue, str, float, float]],
    radii: Mapping[str, float],
    numbered: Mapping[str, int],
) -> dict[str, tuple[Venue, str, float, float]]:
    """Nudge numbered stops that would cover each other just far enough apart.

    Some areas sit closer than a dot's width even on a regional view (Newcastle
    and Gateshead, across the Tyne): each of the two moves half the overlap
    along the line between them, so both numbers read and the route keeps its
    shape. A few passes settle a cluster of three or more.
    """
    xy = {venue_id: [x, y] for venue_id, (_, _, x, y) in places.items()}
    stops = sorted(numbered, key=numbered.__getitem__)
    for _ in range(_SPREAD_PASSES):
        moved = False
        for a, b in itertools.combinations(stops, 2):
            dx, dy = xy[b][0] - xy[a][0], xy[b][1] - xy[a][1]
            gap, need = math.hypot(dx, dy), radii[a] + radii[b]
            if gap >= need:
                continue
            if gap == 0:  # one spot: side by side, in route order
                dx, dy, gap = 1.0, 0.0, 1.0
            push = (need - gap) / 2 / gap
            xy[a][0] -= dx * push
            xy[a][1] -= dy * push
            xy[b][0] += dx * push
            xy[b][1] += dy * push
            moved = True
        if not moved:
            break
    return {
        venue_id: (venue, role, xy[venue_id][0], xy[venue_id][1])
        for venue_id, (venue, role, _, _) in places.items()
    }


def _where(
    places: Mapping[str, tuple[Venue, str, float, float]], venue: Venue
) -> tuple[float, float]:
    """A venue's point as drawn (nudged apart if a stop), else its projection."""
    found = places.get(venue.venue_id)
    return (found[2], found[3]) if found else project(venue.lat, venue.lon)


def _label_spots(
    x: float, y: float, radius: float, text: str, scale: float
) -> Iterator[tuple[Box, float, float, str]]:
    """Where a label may go, best first: right, left, above and below its dot.

    Each is ``(box, x, y, text-anchor)``: the box the text covers (estimated
    from its length) and the SVG text position.
    """
    font = _LABEL_FONT * scale
    width = _CHAR_WIDTH * font * len(text)
    gap = _LABEL_GAP * scale
    up, down = _ASCENT * font, _DESCENT * font
    middle = y + (up - down) / 2  # the baseline that centres the text on the dot
    right, left = x + radius + gap, x - radius - gap
    yield (right, middle - up, right + width, middle + down), right, middle, "start"
    yield (left - width, middle - up, left, middle + down), left, middle, "end"
    above = y - radius - gap - down
    yield (x - width / 2, above - up, x + width / 2, above + down), x, above, "middle"
    below = y + radius + gap + up
    yield (x - width / 2, below - up, x + width / 2, below + down), x, below, "middle"


def _inside(box: Box, view_box: tuple[float, float, float, float]) -> bool:
    left, top, width, height = view_box
    return (
        box[0] >= left
        and box[1] >= top
        and box[2] <= left + width
        and box[3] <= top + height
    )


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _view_box(
    points: Sequence[tuple[float, float]],
) -> tuple[float, float, float, float]:
    """Frame the points with the frame's proportions: zoomed in, or all England."""
    frame_left, frame_top, frame_width, frame_height = _FRAME
    if not points:
        return _FRAME
    xs, ys = [x for x, _ in points], [y for _, y in points]
    inner = 1 - 2 * _MARGIN
    width = max(max(xs) - min(xs), _MIN_WIDTH * inner) / inner
    height = (max(ys) - min(ys)) / inner
    aspect = frame_width / frame_height
    width, height = max(width, height * aspect), max(height, width / aspect)
    if width < _ZOOM_LIMIT * frame_width and height < _ZOOM_LIMIT * frame_height:
        centre_x, centre_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        return (
            round(centre_x - width / 2, 2),
            round(centre_y - height / 2, 2),
            round(width, 2),
            round(height, 2),
        )
    # The whole of England, widened for any point outside it.
    left = min(frame_left, min(xs) - 10)
    top = min(frame_top, min(ys) - 10)
    right = max(frame_left + frame_width, max(xs) + 10)
    bottom = max(frame_top + frame_height, max(ys) + 10)
    return (left, top, right - left, bottom - top)


def render_route_map(route_map: RouteMap, *, map_id: str) -> Markup:
    """Return the map as an inline SVG element (safe to embed in HTML).

    Args:
        route_map: The projected journey.
        map_id: A document-unique id prefix for the SVG's title element.
    """
    # jinja2 loads here, not with town_label (the plan summary's only need).
    from roadshow.exporters._templates import html_environment  # noqa: PLC0415

    template = html_environment().get_template("routemap.svg.j2")
    return Markup(template.render(map=route_map, map_id=map_id))  # noqa: S704 - rendered by an auto-escaping template
