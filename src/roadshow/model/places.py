"""Places: venues, regions and the areas inside them."""

from __future__ import annotations

from typing import Any, Final

import attrs
from attrs import field, frozen

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import _describe, _id_validator, _nonempty, _text_length

VENUE_TO_CONFIRM: Final = "Venue to be confirmed"
"""The name of a venue known only by its town (an area's representative point)."""


def _check_lat(inst: Venue, _attribute: attrs.Attribute[Any], value: float) -> None:
    if not -90 <= value <= 90:  # noqa: PLR2004 - the range of a latitude
        raise InvalidModelError(
            obj=_describe(inst),
            field="lat",
            expected="a latitude between -90 and 90",
            got=value,
        )


def _check_lon(inst: Venue, _attribute: attrs.Attribute[Any], value: float) -> None:
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
