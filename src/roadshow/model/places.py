"""Places: venues, regions and the areas inside them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import attrs
from attrs import field, frozen
from pendulum import Date, DateTime

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import _describe, _id_validator, _nonempty, _text_length
from roadshow.timeutil import local_datetime, to_aware

VENUE_TO_CONFIRM: Final = "Venue to be confirmed"
"""The name of a venue known only by its town (an area's representative point)."""


def _check_lat(
    inst: Venue | Lodging, _attribute: attrs.Attribute[Any], value: float
) -> None:
    if not -90 <= value <= 90:  # noqa: PLR2004 - the range of a latitude
        raise InvalidModelError(
            obj=_describe(inst),
            field="lat",
            expected="a latitude between -90 and 90",
            got=value,
        )


def _check_lon(
    inst: Venue | Lodging, _attribute: attrs.Attribute[Any], value: float
) -> None:
    if not -180 <= value <= 180:  # noqa: PLR2004 - the range of a longitude
        raise InvalidModelError(
            obj=_describe(inst),
            field="lon",
            expected="a longitude between -180 and 180",
            got=value,
        )


@frozen(kw_only=True)
class Venue:
    """A place where an event, a home base or an overnight stay can be."""

    venue_id: str = field(validator=_id_validator("venue"))
    name: str = field(validator=_nonempty)
    lat: float = field(converter=float, validator=_check_lat)
    lon: float = field(converter=float, validator=_check_lon)
    address: str = field(default="", validator=_text_length)
    capacity: int | None = None
    region_id: str | None = None
    area_id: str | None = None
    accessible: bool | None = None

    def __attrs_post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise InvalidModelError(
                obj=_describe(self),
                field="capacity",
                expected="a capacity of 0 or more",
                got=self.capacity,
            )

    @classmethod
    def at(
        cls, venue_id: str, name: str, lat: float, lon: float, **details: Any
    ) -> Venue:
        """Make a venue at a point (a short form of the keyword constructor)."""
        return cls(venue_id=venue_id, name=name, lat=lat, lon=lon, **details)

    @property
    def label(self) -> str:
        """The venue's name and address for printing (address left out if empty)."""
        return f"{self.name}, {self.address}" if self.address else self.name


@frozen(kw_only=True)
class Lodging:
    """A place to spend a night away: a hotel the office can book.

    Nights away are put at the best lodging near where the person must be; a
    plan records the lodging's id as the night's place, and journeys run to and
    from it like any venue's.
    """

    lodging_id: str = field(validator=_id_validator("lodging"))
    name: str = field(validator=_nonempty)
    lat: float = field(converter=float, validator=_check_lat)
    lon: float = field(converter=float, validator=_check_lon)
    address: str = field(default="", validator=_text_length)

    @property
    def venue(self) -> Venue:
        """The lodging as a place to travel to (a venue with its id and address)."""
        return Venue(
            venue_id=self.lodging_id,
            name=self.name,
            lat=self.lat,
            lon=self.lon,
            address=self.address,
        )

    @property
    def label(self) -> str:
        """The lodging's name and address for printing (address left out if empty)."""
        return f"{self.name}, {self.address}" if self.address else self.name


@frozen(kw_only=True)
class Region:
    """A region (in the 2008 programme: a strategic health authority)."""

    region_id: str = field(validator=_id_validator("region"))
    name: str = field(validator=_nonempty)
    hq_venue_id: str = field(validator=_id_validator("region"))


@frozen(kw_only=True)
class Area:
    """An area inside a region (in 2008: a primary care trust)."""

    area_id: str = field(validator=_id_validator("area"))
    name: str = field(validator=_nonempty)
    region_id: str = field(validator=_id_validator("area"))
    venue_id: str = field(validator=_id_validator("area"))
    """The default venue: the area's representative point."""


@frozen(kw_only=True)
class Closure:
    """A time a venue cannot be used (refurbishment, an election count, ...).

    ``start`` is inclusive and ``end`` exclusive; whole days run from local
    midnight to the midnight after the last day (see :meth:`days`). No event may
    overlap a closure of its venue.
    """

    venue_id: str = field(validator=_id_validator("closure"))
    start: DateTime = field(converter=to_aware)
    end: DateTime = field(converter=to_aware)
    reason: str = field(default="", validator=_text_length)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj=f"closure at {self.venue_id}",
                field="end",
                expected=f"an end after the start {self.start.isoformat()}",
                got=self.end.isoformat(),
            )

    @classmethod
    def days(
        cls, venue_id: str, first: Date, last: Date, *, tz: str, reason: str = ""
    ) -> Closure:
        """Close *venue_id* for the whole days *first* to *last* (inclusive).

        Raises:
            InvalidModelError: *last* is before *first*.
        """
        if last < first:
            raise InvalidModelError(
                obj=f"closure at {venue_id}",
                field="end",
                expected=f"a date on or after the start {first}",
                got=str(last),
            )
        return cls(
            venue_id=venue_id,
            start=local_datetime(first, 0, tz),
            end=local_datetime(last.add(days=1), 0, tz),
            reason=reason,
        )

    def overlaps(self, start: DateTime, end: DateTime) -> bool:
        """Tell whether ``[start, end)`` falls (partly) inside the closure."""
        return self.start < end and start < self.end

    def describe(self, venue_name: str, tz: str) -> str:
        """``Leeds Town Hall closed 15-19 Sep 2008: refurbishment``."""
        start, end = self.start.in_tz(tz), self.end.in_tz(tz)
        why = f": {self.reason}" if self.reason else ""
        if (start.hour, start.minute, end.hour, end.minute) == (0, 0, 0, 0):
            first, last = start.date(), end.date().subtract(days=1)
            if first == last:
                when = f"{first:%a} {first.day} {first:%b %Y}"
            elif (first.year, first.month) == (last.year, last.month):
                when = f"{first.day}-{last.day} {last:%b %Y}"
            elif first.year == last.year:
                when = f"{first.day} {first:%b}-{last.day} {last:%b %Y}"
            else:
                when = f"{first.day} {first:%b %Y}-{last.day} {last:%b %Y}"
        else:
            until = (
                f"{end:%H:%M}"
                if end.date() == start.date()
                else f"{end:%a} {end.day} {end:%b %Y %H:%M}"
            )
            when = f"{start:%a} {start.day} {start:%b %Y %H:%M}-{until}"
        return f"{venue_name} closed {when}{why}"


def venue_named(venues: Iterable[Venue], text: str) -> str | None:
    """The id of the venue *text* names (its id, name, address or label), if any.

    Spaces and case do not matter: ``richmond  house`` names "Richmond House".
    """
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    for venue in venues:
        names = (venue.venue_id, venue.name, venue.address, venue.label)
        if wanted in {" ".join(n.split()).casefold() for n in names if n}:
            return venue.venue_id
    return None
