"""The travel model: how long it takes a person to get from one place to another.

Distance is geodesic (geopy's WGS84 ellipsoid, solved by geographiclib). Time by
mode is ``circuity x distance / speed + overhead``; the mode is chosen by distance
(walk, then car, then rail) unless the scenario or the person fixes it. A table of
known door-to-door times overrides the estimate pair by pair (in both directions
unless the reverse pair has its own row). Everything is cached per pair.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Protocol

from attrs import frozen

from roadshow.errors import InputError, UnknownReferenceError, closest
from roadshow.model import Scenario, TravelSettings, Venue
from roadshow.timeutil import minutes_of


@frozen(kw_only=True)
class Journey:
    """A door-to-door estimate between two places."""

    from_id: str
    to_id: str
    mode: str
    minutes: int
    distance_km: float
    source: str
    """``"model"`` (estimated) or ``"table"`` (from the override table)."""


class TravelModel(Protocol):
    """Anything that can tell the door-to-door time between two places."""

    def journey(self, from_id: str, to_id: str, mode: str | None = None) -> Journey:
        """Return the journey from *from_id* to *to_id* (by *mode*, if given)."""
        ...


def distance_km(a: Venue, b: Venue) -> float:
    """Return the geodesic distance between two venues in kilometres.

    The same float as geopy's ``geodesic((a.lat, a.lon), (b.lat, b.lon)).km``:
    geopy's WGS-84 ellipsoid in kilometres, solved by geographiclib (which geopy
    calls), without geopy's per-call set-up and its slow import.
    """
    geod = _wgs84_km()
    return float(geod.Inverse(a.lat, a.lon, b.lat, b.lon, geod.DISTANCE)["s12"])


@functools.cache
def _wgs84_km() -> Any:  # geographiclib ships no type information
    # geopy's ELLIPSOIDS["WGS-84"]: major semi-axis in km, and the flattening.
    from geographiclib.geodesic import Geodesic  # type: ignore[import-untyped]  # noqa: PLC0415

    return Geodesic(6378.137, 1 / 298.257223563)


class EstimatedTravel:
    """The standard travel model over a fixed set of venues.

    Args:
        venues: The places journeys can start and end at.
        settings: Speeds, circuity, overheads, mode bands and the override table.
    """

    def __init__(self, venues: dict[str, Venue], settings: TravelSettings) -> None:
        self._venues = venues
        self._settings = settings
        self._table = {(o.from_id, o.to_id): o for o in settings.overrides}
        self._cache: dict[tuple[str, str, str | None], Journey] = {}
        self._distances: dict[tuple[str, str], float] = {}

    def distance(self, from_id: str, to_id: str) -> float:
        """Return the geodesic distance in km between two places (cached)."""
        key = (from_id, to_id) if from_id <= to_id else (to_id, from_id)
        found = self._distances.get(key)
        if found is None:
            found = (
                0.0
                if from_id == to_id
                else distance_km(self._venue(from_id), self._venue(to_id))
            )
            self._distances[key] = found
        return found

    def choose_mode(self, km: float) -> str:
        """Return the mode the distance bands pick for *km* kilometres."""
        if self._settings.mode != "auto":
            return self._settings.mode
        if km <= self._settings.walk_up_to_km:
            return "walk"
        return "car" if km <= self._settings.car_up_to_km else "rail"

    def journey(self, from_id: str, to_id: str, mode: str | None = None) -> Journey:
        """Return the door-to-door journey between two places.

        Args:
            from_id: Venue id the journey starts at.
            to_id: Venue id the journey ends at.
            mode: Force a mode; by default the table's, else the distance bands'.

        Raises:
            UnknownReferenceError: either place is unknown.
        """
        key = (from_id, to_id, mode)
        found = self._cache.get(key)
        if found is None:
            found = self._compute(from_id, to_id, mode)
            self._cache[key] = found
        return found

    def _compute(self, from_id: str, to_id: str, mode: str | None) -> Journey:
        km = self.distance(from_id, to_id)
        if from_id == to_id:
            return Journey(
                from_id=from_id,
                to_id=to_id,
                mode=mode or "walk",
                minutes=0,
                distance_km=0.0,
                source="model",
            )
        row = self._table.get((from_id, to_id)) or self._table.get((to_id, from_id))
        if row is not None and (mode is None or row.mode == mode):
            return Journey(
                from_id=from_id,
                to_id=to_id,
                mode=row.mode,
                minutes=row.minutes,
                distance_km=round(km, 1),
                source="table",
            )
        chosen = mode or self.choose_mode(km)
        params = self._settings.params(chosen)
        hours = params.circuity * km / params.speed_kmh
        minutes = math.ceil(hours * 60 + minutes_of(params.overhead))
        return Journey(
            from_id=from_id,
            to_id=to_id,
            mode=chosen,
            minutes=minutes,
            distance_km=round(km, 1),
            source="model",
        )

    def _venue(self, venue_id: str) -> Venue:
        try:
            return self._venues[venue_id]
        except KeyError:
            raise UnknownReferenceError(
                obj="journey",
                field="place",
                kind="place",
                ref=venue_id,
                known=self._venues,
            ) from None


def find_venue(scenario: Scenario, query: str) -> Venue:  # noqa: C901 - one lookup per kind
    """Find a place by venue id, region or area code, person id or name.

    Region codes give the region's HQ, area codes the area's representative point,
    person ids the person's home base; names match venue names and towns without
    regard to case.

    Raises:
        InputError: nothing matches (with the closest name).
    """
    if query in scenario.venue_by_id:
        return scenario.venue_by_id[query]
    if query in scenario.region_by_id:
        return scenario.venue_by_id[scenario.region_by_id[query].hq_venue_id]
    if query in scenario.area_by_id:
        return scenario.venue_by_id[scenario.area_by_id[query].venue_id]
    if query in scenario.person_by_id:
        return scenario.venue_by_id[scenario.person_by_id[query].home_venue_id]
    wanted = query.strip().lower()
    names: dict[str, Venue] = {}
    for venue in scenario.venues:
        town = venue.address.split(" (")[0]
        # The town is the address's last part ("Blenheim House, Leeds").
        for name in (venue.name, town.rsplit(", ", 1)[-1], town, venue.address):
            if name:
                names.setdefault(name.lower(), venue)
    for region in scenario.regions:
        names.setdefault(region.name.lower(), scenario.venue_by_id[region.hq_venue_id])
    for area in scenario.areas:
        names.setdefault(area.name.lower(), scenario.venue_by_id[area.venue_id])
    if wanted in names:
        return names[wanted]
    known = [
        *scenario.venue_by_id,
        *scenario.region_by_id,
        *scenario.area_by_id,
        *names,
    ]
    suggestion = closest(wanted, known)
    msg = f"no place called {query!r} in scenario {scenario.scenario_id}"
    raise InputError(
        msg,
        expected="a venue id, a region or area code, a person id or a place name",
        suggestion=suggestion,
    )


_EARTH_KM = 6371.0088  # mean Earth radius (IUGG)
_SPHERE_ERROR = 0.006  # spherical and ellipsoidal distances differ by under 0.6%


def within_km(a: Venue, b: Venue, km: float) -> bool:
    """Tell whether two venues are closer than *km* (geodesic), cheaply.

    A spherical estimate settles clear cases; only near the limit is the slower
    geodesic distance computed, so the answer is always the geodesic one.
    """
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1)
        * math.cos(lat2)
        * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    rough = 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(half)))
    if rough > km * (1 + _SPHERE_ERROR):
        return False
    if rough < km * (1 - _SPHERE_ERROR):
        return True
    return distance_km(a, b) < km
