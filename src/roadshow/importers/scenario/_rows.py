"""The parser's base: where each object came from, and the CSV tables."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import attrs
from pendulum import DateTime

from roadshow.errors import (
    GeocodeError,
    InputError,
    InvalidModelError,
    RoadshowWarning,
    ScenarioFileError,
    closest,
    quote,
)
from roadshow.importers._source import decode_text, reason
from roadshow.importers.scenario._table import (
    _file_key,
    _join,
    _parse_bool,
    _Table,
    _to_date,
    _to_datetime,
)
from roadshow.importers.tables import Row, number, read_rows, whole_number
from roadshow.model import (
    MODES,
    Area,
    Closure,
    Commitment,
    Contact,
    Lodging,
    Region,
    TravelOverride,
    Venue,
)
from roadshow.model.places import VENUE_TO_CONFIRM, venue_named
from roadshow.timeutil import (
    DEFAULT_TZ,
    local_datetime,
)

ReadTable = Callable[[str], tuple[str, bytes]]
"""Given a table's file name as written in the scenario, return (source, bytes)."""


class Locator(Protocol):
    """Turns a place name or an address into coordinates (or None if unknown)."""

    def __call__(
        self, *, place: str | None, address: str | None
    ) -> tuple[float, float] | None:
        """Return ``(lat, lon)`` for a place name or address, or None.

        Raises:
            InputError: the locator looked the address up and found nothing
                (the parser places the error at the venue).
            GeocodeError: the lookup service failed.
        """
        ...


class _RowReader:
    """Reads the CSV tables a scenario names; places model errors in the file."""

    def __init__(
        self, source: str, read_table: ReadTable | None, locate: Locator | None
    ) -> None:
        self.source = source
        self.read_table = read_table
        self.locate = locate
        self.tz = DEFAULT_TZ
        # Where each object came from ("request visit-Q30" -> "requests[3]").
        self.origins: dict[str, tuple[str, str]] = {}
        # Where each [rules.kinds.<kind>] and its avoid_region_days_of are.
        self.kind_keys: dict[str, tuple[str, str]] = {}

    @contextmanager
    def at(self, source: str, location: str, obj: str | None = None) -> Iterator[None]:
        """Turn model errors raised inside into errors at *location* in *source*.

        *location* "" is the top level of the file.
        """
        if obj is not None:
            self.origins[obj] = (source, location)
        try:
            yield
        except InvalidModelError as exc:
            raise exc.relocated(
                source=source, location=_join(location, _file_key(exc))
            ) from None

    @contextmanager
    def scenario_errors(self) -> Iterator[None]:
        """Place the scenario's cross-reference errors where the object came from."""
        try:
            yield
        except InvalidModelError as exc:
            source, location = self.origins.get(exc.obj, (self.source, exc.obj))
            raise exc.relocated(
                source=source, location=_join(location, _file_key(exc))
            ) from None

    def table_rows(self, tables: _Table, key: str, name: str) -> list[Row]:
        if self.read_table is None:
            raise tables.error(
                key, "no CSV tables here (the scenario was given as text)", name
            )
        try:
            table_source, data = self.read_table(name)
        except OSError as exc:
            msg = f"cannot read the table ({reason(exc)})"
            raise tables.error(
                key, "a CSV file (relative to the scenario file)", name, msg
            ) from None
        text = decode_text(data, source=table_source, error=ScenarioFileError)
        columns = _COLUMNS[key]
        return list(
            read_rows(
                text, source=table_source, required=columns[0], optional=columns[1]
            )
        )

    # --- CSV tables ----------------------------------------------------------------

    def region_rows(
        self, rows: list[Row], regions: list[Region], venues: list[Venue]
    ) -> None:
        for row in rows:
            region_id = row.required("id", "a region id")
            hq = f"{region_id}-hq"
            with self.at(row.source, row.where(), f"region {region_id}"):
                regions.append(
                    Region(
                        region_id=region_id,
                        name=row.required("name", "a name"),
                        hq_venue_id=hq,
                    )
                )
            town = row.text("hq_town")
            street = row.text("hq_address")
            lat, lon = self.coordinates(row)
            with self.at(row.source, row.where(), f"venue {hq}"):
                venues.append(
                    Venue(
                        venue_id=hq,
                        name=f"{row.text('name')} headquarters",
                        address=f"{street}, {town}" if street and town else town,
                        lat=lat,
                        lon=lon,
                        region_id=region_id,
                    )
                )

    def area_rows(
        self, rows: list[Row], areas: list[Area], venues: list[Venue]
    ) -> None:
        for row in rows:
            area_id = row.required("id", "an area id")
            point = f"{area_id}-point"
            with self.at(row.source, row.where(), f"area {area_id}"):
                areas.append(
                    Area(
                        area_id=area_id,
                        name=row.required("name", "a name"),
                        region_id=row.required("region", "a region id"),
                        venue_id=point,
                    )
                )
            town = row.required("town", "a town")
            lat, lon = self.coordinates(row)
            with self.at(row.source, row.where(), f"venue {point}"):
                venues.append(
                    # Only the area's town is known, not a building: say so
                    # plainly wherever the venue is printed.
                    Venue(
                        venue_id=point,
                        name=VENUE_TO_CONFIRM,
                        address=f"{town} ({row.text('name')})",
                        lat=lat,
                        lon=lon,
                        area_id=area_id,
                    )
                )

    def venue_rows(self, rows: list[Row]) -> Iterator[Venue]:
        for row in rows:
            venue_id = row.required("id", "a venue id")
            name = row.required("name", "a name")
            address = row.text("address")
            place = row.text("place") or None
            if row.text("lat") or row.text("lon"):
                lat, lon = self.coordinates(row)
            else:
                lat, lon = self.locate_venue(
                    venue_id, place, address, row.source, row.where
                )
            with self.at(row.source, row.where(), f"venue {venue_id}"):
                yield Venue(
                    venue_id=venue_id,
                    name=name,
                    address=address,
                    lat=lat,
                    lon=lon,
                    capacity=row.optional(
                        "capacity", whole_number, "a whole number of seats"
                    ),
                    region_id=row.text("region") or None,
                    area_id=row.text("area") or None,
                    accessible=row.optional("accessible", _parse_bool, "true or false"),
                )

    def lodging_rows(self, rows: list[Row]) -> Iterator[Lodging]:
        for row in rows:
            lodging_id = row.required("id", "a lodging id")
            name = row.required("name", "a name")
            lat, lon = self.coordinates(row)
            with self.at(row.source, row.where(), f"lodging {lodging_id}"):
                yield Lodging(
                    lodging_id=lodging_id,
                    name=name,
                    address=row.text("address"),
                    lat=lat,
                    lon=lon,
                )

    def commitment_rows(
        self, rows: list[Row], venues: list[Venue]
    ) -> Iterator[Commitment]:
        for row in rows:
            person = row.required("person", "a person id")
            start = row.convert(
                "start", self.parse_datetime, "a date and time like 2008-09-17T09:30"
            )
            end = row.convert(
                "end", self.parse_datetime, "a date and time like 2008-09-17T12:30"
            )
            with self.at(row.source, row.where(), None):
                yield Commitment(
                    person_id=person,
                    start=start,
                    end=end,
                    label=row.text("label"),
                    venue_id=self.commitment_venue(
                        person, row.text("place"), venues, row.source, row.where
                    ),
                )
            self.origins[f"commitment for {person}"] = (row.source, row.where())

    def closure_rows(self, rows: list[Row]) -> Iterator[Closure]:
        expected = "a date (2008-09-15) or a local time (2008-09-15T09:00)"
        for row in rows:
            venue = row.required("venue", "a venue id")
            start = row.convert("start", self._bound(end=False), expected)
            end = row.convert("end", self._bound(end=True), expected)
            first, last = _to_date(row.text("start")), _to_date(row.text("end"))
            if first is not None and last is not None and last < first:
                raise ScenarioFileError(
                    source=row.source,
                    location=row.where("end"),
                    expected=f"a date on or after the start {first}",
                    got=row.text("end"),
                )
            with self.at(row.source, row.where(), None):
                yield Closure(
                    venue_id=venue, start=start, end=end, reason=row.text("reason")
                )
            self.origins.setdefault(f"closure at {venue}", (row.source, row.where()))

    def _bound(self, *, end: bool) -> Callable[[str], DateTime]:
        def parse(text: str) -> DateTime:
            value = closure_bound(text, self.tz, end=end)
            if value is None:
                msg = f"not a date or datetime: {text!r}"
                raise ValueError(msg)
            return value

        return parse

    def commitment_venue(
        self,
        person: str,
        text: str,
        venues: list[Venue],
        source: str,
        where: Callable[[str], str],
    ) -> str | None:
        """A commitment's place: a venue (by id, name or address), home, or an address.

        An address no venue has is looked up with ``--geocode`` and becomes a
        venue of its own (appended to *venues*); an id-like text that is no
        venue is left for the scenario's check ("unknown venue ...").

        Raises:
            ScenarioFileError: an address, without ``--geocode`` or not found.
            GeocodeError: the geocoder failed (naming the commitment).
        """
        place = commitment_place(text)
        if place is None or place in {v.venue_id for v in venues}:
            return place
        if (known := venue_named(venues, place)) is not None:
            return known
        what = f"the commitment for {quote(person)}"
        try:
            found = self.locate(place=None, address=place) if self.locate else None
        except InputError as exc:  # the geocoder found nothing for the address
            if _ID_LIKE.fullmatch(place):
                return place  # "unknown venue", as without --geocode
            raise ScenarioFileError(
                f"{what}: {exc.problem}" if exc.problem else what,
                source=source,
                location=where("place"),
                expected="a venue id, home, or an address the geocoder knows",
                got=place,
            ) from None
        except GeocodeError as exc:
            msg = f"{source}, {where('place')}: looking up {what} failed: {exc}"
            raise GeocodeError(msg) from None
        if found is None:
            if _ID_LIKE.fullmatch(place):
                return place  # "unknown venue", with a suggestion
            msg = f"{what}: no venue has that name or address"
            raise ScenarioFileError(
                msg,
                source=source,
                location=where("place"),
                expected="a venue id, home, or an address looked up with --geocode",
                got=place,
            )
        return _add_venue(venues, place, found)

    def diary_venue(
        self, commitment: Commitment, venues: list[Venue], source: str
    ) -> Commitment:
        """A diary event with its ``LOCATION`` as its place, as import-diary reads it.

        The venue the location names, else (with ``--geocode``) the address as a
        venue of its own when the geocoder finds it, else the home base, with a
        warning: a diary is someone else's file, so an unknown place does not
        stop the plan.

        Raises:
            GeocodeError: the geocoder failed (naming the diary and the event).
        """
        place = commitment_place(commitment.location)
        if place is None:
            return commitment
        known = venue_named(venues, place)
        what = (
            f"{source}: {commitment.label} on {commitment.start:%d %b %Y}:"
            f" LOCATION {place!r}"
        )
        if known is None and self.locate is not None:
            try:
                found = self.locate(place=None, address=place)
            except InputError:
                found = None
            except GeocodeError as exc:
                msg = f"looking up {what} failed: {exc}"
                raise GeocodeError(msg) from None
            if found is not None:
                known = _add_venue(venues, place, found)
        if known is None:
            why = (
                "is no venue of the scenario nor an address found with --geocode;"
                " read as the home base"
            )
            warnings.warn(f"{what} {why}", RoadshowWarning, stacklevel=2)
            return commitment
        return attrs.evolve(commitment, venue_id=known)

    def contact_rows(self, rows: list[Row]) -> Iterator[Contact]:
        for row in rows:
            name = row.required("name", "a name")
            with self.at(row.source, row.where(), f"contact {name}"):
                yield Contact(
                    name=name,
                    role=row.text("role"),
                    phone=row.text("phone"),
                    email=row.text("email"),
                    meets_principal=bool(
                        row.optional("meets_principal", _parse_bool, "true or false")
                    ),
                    request_id=row.text("request") or None,
                    venue_id=row.text("venue") or None,
                )
            self.origins[f"contact {name}"] = (row.source, row.where())

    def travel_rows(self, rows: list[Row]) -> Iterator[TravelOverride]:
        for row in rows:
            mode = row.required("mode", "a mode: " + ", ".join(MODES))
            if mode not in MODES:
                raise ScenarioFileError(
                    source=row.source,
                    location=row.where("mode"),
                    expected="one of " + ", ".join(MODES),
                    got=mode,
                    suggestion=closest(mode, MODES),
                )
            minutes = row.convert("minutes", whole_number, "whole minutes")
            with self.at(row.source, row.where(), "travel time"):
                yield TravelOverride(
                    from_id=row.required("from", "a venue id"),
                    to_id=row.required("to", "a venue id"),
                    mode=mode,
                    minutes=minutes,
                )

    def coordinates(self, row: Row) -> tuple[float, float]:
        return (
            row.convert("lat", number, "a latitude in degrees, like 51.5025"),
            row.convert("lon", number, "a longitude in degrees, like -0.1252"),
        )

    def locate_venue(
        self,
        venue_id: str,
        place: str | None,
        address: str,
        source: str,
        where: Callable[[str], str],
    ) -> tuple[float, float]:
        """Find a venue's coordinates from its place name or address.

        Raises:
            ScenarioFileError: nothing found (at the place or address).
            GeocodeError: the geocoder failed (naming the venue).
        """
        venue = f"venue {quote(venue_id)}"
        try:
            found = (
                self.locate(place=place, address=address or None)
                if self.locate
                else None
            )
        except InputError as exc:  # the geocoder found nothing for the address
            raise ScenarioFileError(
                f"{venue}: {exc.problem}" if exc.problem else venue,
                source=source,
                location=where("address"),
                expected=exc.expected,
                got=address,
            ) from None
        except GeocodeError as exc:
            msg = f"{source}, {where('address')}: looking up {venue} failed: {exc}"
            raise GeocodeError(msg) from None
        if found is not None:
            return found
        if place:
            msg = f"{venue}: no bundled place of that name"
            raise ScenarioFileError(
                msg,
                source=source,
                location=where("place"),
                expected=_NO_COORDINATES,
                got=place,
            )
        msg = f"{venue} has no coordinates"
        raise ScenarioFileError(
            msg,
            source=source,
            location=where("lat"),
            expected=_NO_COORDINATES,
        )

    def parse_datetime(self, text: str) -> DateTime:
        value = _to_datetime(text, self.tz)
        if value is None:
            msg = f"not a datetime: {text!r}"
            raise ValueError(msg)
        return value


_NO_COORDINATES = (
    "lat and lon, a bundled place name in 'place', "
    "or an address looked up with --geocode"
)

_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "regions": (("id", "name", "lat", "lon"), ("hq_town", "hq_address")),
    "areas": (("id", "name", "region", "town", "lat", "lon"), ()),
    "venues": (
        ("id", "name"),
        ("address", "place", "lat", "lon", "capacity", "region", "area", "accessible"),
    ),
    "lodging": (("id", "name", "lat", "lon"), ("address",)),
    "commitments": (("person", "start", "end"), ("label", "place")),
    "closures": (("venue", "start", "end"), ("reason",)),
    "contacts": (
        ("name",),
        ("request", "venue", "role", "phone", "email", "meets_principal"),
    ),
    "travel": (("from", "to", "mode", "minutes"), ()),
}


def closure_bound(value: object, tz: str, *, end: bool) -> DateTime | None:
    """A closure's start or end: a local time, or a date (whole days, inclusive).

    A date starts at its local midnight; as an *end* it runs to the midnight
    after it. None when *value* is neither.

    Raises:
        SkippedTimeError: a local time the clocks skip.
    """
    day = _to_date(value)
    if day is not None:
        return local_datetime(day.add(days=1) if end else day, 0, tz)
    return _to_datetime(value, tz)


_ID_LIKE = re.compile(r"[A-Za-z0-9_.-]+")
"""A place written like a venue id (no spaces, commas, ...): a venue, not an address."""


def _new_id(address: str, taken: set[str]) -> str:
    """A venue id for a looked-up address: ``place-1-park-row-leeds``, unique."""
    slug = re.sub(r"[^a-z0-9]+", "-", address.casefold()).strip("-")[:48].strip("-")
    base = f"place-{slug or 'address'}"
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


def _add_venue(venues: list[Venue], address: str, at: tuple[float, float]) -> str:
    """Append a venue for a geocoded *address* to *venues*; return its new id."""
    venue = Venue(
        venue_id=_new_id(address, {v.venue_id for v in venues}),
        name=address,
        lat=at[0],
        lon=at[1],
    )
    venues.append(venue)
    return venue.venue_id


def commitment_place(text: str) -> str | None:
    """A commitment's place: a venue id, or None for ``home`` (or nothing)."""
    place = text.strip()
    return None if place.lower() in {"", "home"} else place
