"""Series: one request template repeated per region or per area.

A series is how a programme says "a listening event in every region" or "two
consultations in every area of the North West" without writing each request.
:meth:`Series.expand` turns it into one :class:`EventRequest` per region or area
(``count`` of them each), with ids ``<series id>-<region or area id>[-<n>]`` and
the title filled from ``{region_id}``, ``{region_name}``, ``{area_id}`` and
``{area_name}``. An attendee written ``role:<role>`` is the one person with that
role in the event's region.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any, Final

from attrs import field, frozen
from pendulum import Date, Duration, Time

from roadshow.errors import (
    Described,
    InvalidModelError,
    UnknownReferenceError,
    closest,
    quote,
)
from roadshow.model._common import _describe, _str_tuple
from roadshow.model._time import Slot
from roadshow.model.people import Person
from roadshow.model.places import Area, Region
from roadshow.model.requests import EventRequest

PER: Final = ("region", "area")
"""What a series repeats over."""

MAX_COUNT: Final = 100
"""Events per region or area at most; more is surely a typo."""

ROLE_PREFIX: Final = "role:"
"""An attendee written ``role:chair`` is the region's person with that role."""


def _slots(values: Iterable[Slot]) -> tuple[Slot, ...]:
    return tuple(values)


@frozen(kw_only=True)
class Series:
    """A request template repeated per region or per area.

    Attributes:
        series_id: The prefix of the expanded requests' ids.
        per: ``"region"`` or ``"area"``.
        title: The title, with ``{region_id}``, ``{region_name}`` and (per area)
            ``{area_id}``, ``{area_name}`` placeholders.
        attendees: Person ids or ``role:<role>`` (the region's person with it).
        optional_attendees: As *attendees*, for people who may come.
        lead: A person id or ``role:<role>``.
        follows: Another series' id: each request follows that series' request
            for the same region or area (and number).
        count: Requests per region or area (1-100).
        regions: Only regions with these ids (and areas in them); empty means all.
        areas: Only areas with these ids; empty means all.

    The other fields are the expanded requests' own (see :class:`EventRequest`).
    """

    series_id: str
    per: str
    title: str
    attendees: tuple[str, ...] = field(converter=_str_tuple)
    optional_attendees: tuple[str, ...] = field(default=(), converter=_str_tuple)
    lead: str | None = None
    follows: str | None = None
    count: int = 1
    regions: tuple[str, ...] = field(default=(), converter=_str_tuple)
    areas: tuple[str, ...] = field(default=(), converter=_str_tuple)
    kind: str = "event"
    duration: Duration
    min_capacity: int | None = None
    earliest_on: Date | None = None
    latest_on: Date | None = None
    slots: tuple[Slot, ...] = field(default=(), converter=_slots)
    preferred_start: Time | None = None
    pin_on: Date | None = None
    pin_at: Time | None = None
    gap_before: Duration = field(factory=Duration)
    gap_after: Duration = field(factory=Duration)
    purpose: str = ""
    contact: str = ""
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        me = _describe(self)
        if self.per not in PER:
            raise InvalidModelError(
                obj=me, field="per", expected='"region" or "area"', got=self.per
            )
        if not 1 <= self.count <= MAX_COUNT:
            raise InvalidModelError(
                obj=me, field="count", expected=f"1 to {MAX_COUNT}", got=self.count
            )
        self._check_title()

    def _check_title(self) -> None:
        """Check the title's {placeholders} against what *per* provides."""
        me = _describe(self)
        allowed = set(self.placeholders)
        expected = "placeholders among " + ", ".join(
            "{" + a + "}" for a in sorted(allowed)
        )
        try:
            names = {
                name
                for _, name, _, _ in string.Formatter().parse(self.title)
                if name is not None
            }
        except ValueError:
            raise InvalidModelError(
                obj=me,
                field="title",
                expected="a title with {placeholders} in braces",
                got=self.title,
            ) from None
        unknown = sorted(names - allowed)
        if unknown:
            msg = f"unknown placeholder {{{unknown[0]}}}"
            raise InvalidModelError(
                msg,
                obj=me,
                field="title",
                expected=f"{expected} (per {self.per})",
                suggestion=closest(unknown[0], allowed),
            )
        try:  # conversions and format specs ({x!r}, {x:>{y}}) can still fail
            self.title.format_map(dict.fromkeys(allowed, "x"))
        except (ValueError, KeyError, IndexError, AttributeError, TypeError):
            raise InvalidModelError(
                obj=me, field="title", expected=expected, got=self.title
            ) from None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The names the title may use."""
        names = ("region_id", "region_name")
        return (*names, "area_id", "area_name") if self.per == "area" else names

    def places(
        self, regions: Iterable[Region], areas: Iterable[Area]
    ) -> list[tuple[str, str, dict[str, str]]]:
        """Return ``(key, region id, title values)`` per region or area it covers."""
        regions, areas = list(regions), list(areas)
        only_regions, only_areas = set(self.regions), set(self.areas)
        region_names = {r.region_id: r.name for r in regions}
        items: list[tuple[str, str, dict[str, str]]] = []
        if self.per == "region":
            for region in regions:
                if not only_regions or region.region_id in only_regions:
                    values = {
                        "region_id": region.region_id,
                        "region_name": region.name,
                    }
                    items.append((region.region_id, region.region_id, values))
            return items
        for area in areas:
            if (not only_regions or area.region_id in only_regions) and (
                not only_areas or area.area_id in only_areas
            ):
                values = {
                    "area_id": area.area_id,
                    "area_name": area.name,
                    "region_id": area.region_id,
                    "region_name": region_names.get(area.region_id, area.region_id),
                }
                items.append((area.area_id, area.region_id, values))
        return items

    def expand(
        self,
        *,
        people: Iterable[Person],
        regions: Iterable[Region],
        areas: Iterable[Area] = (),
    ) -> tuple[EventRequest, ...]:
        """Return the series' requests, in region or area order then by number.

        Raises:
            UnknownReferenceError: a region or area in *regions*/*areas* is unknown.
            InvalidModelError: the series covers no region or area; a role names
                no one or several people in a region; an expanded request is
                invalid.
        """
        people, regions, areas = list(people), list(regions), list(areas)
        me = _describe(self)
        for key, wanted, known in (
            ("regions", self.regions, [r.region_id for r in regions]),
            ("areas", self.areas, [a.area_id for a in areas]),
        ):
            for name in wanted:
                if name not in known:
                    raise UnknownReferenceError(
                        obj=me,
                        field=key,
                        kind=key.removesuffix("s"),
                        ref=name,
                        known=known,
                    )
        items = self.places(regions, areas)
        if not items:
            msg = f"the series matches no {self.per}"
            raise InvalidModelError(
                msg,
                obj=me,
                field="per",
                expected=f"at least one {self.per} (check per, regions and areas)",
            )
        shared = self._request_fields()
        requests = []
        for key, region_id, values in items:
            for n in range(1, self.count + 1):
                suffix = f"{key}-{n}" if self.count > 1 else key
                place: dict[str, Any] = (
                    {"region_id": key} if self.per == "region" else {"area_id": key}
                )
                requests.append(
                    EventRequest(
                        request_id=f"{self.series_id}-{suffix}",
                        series=self.series_id,
                        title=self.title.format_map(values),
                        attendees=self._people(
                            "attendees", self.attendees, people, region_id
                        ),
                        optional_attendees=self._people(
                            "optional_attendees",
                            self.optional_attendees,
                            people,
                            region_id,
                        ),
                        lead=self._people("lead", (self.lead,), people, region_id)[0]
                        if self.lead
                        else None,
                        follows=f"{self.follows}-{suffix}" if self.follows else None,
                        **place,
                        **shared,
                    )
                )
        return tuple(requests)

    def _request_fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "duration": self.duration,
            "min_capacity": self.min_capacity,
            "earliest_on": self.earliest_on,
            "latest_on": self.latest_on,
            "slots": self.slots,
            "preferred_start": self.preferred_start,
            "pin_on": self.pin_on,
            "pin_at": self.pin_at,
            "gap_before": self.gap_before,
            "gap_after": self.gap_after,
            "purpose": self.purpose,
            "contact": self.contact,
            "notes": self.notes,
        }

    def _people(
        self,
        fld: str,
        names: tuple[str, ...],
        people: list[Person],
        region_id: str,
    ) -> tuple[str, ...]:
        """Resolve ``role:<role>`` to the person with that role in the region."""
        out = []
        for name in names:
            if not name.startswith(ROLE_PREFIX):
                out.append(name)
                continue
            role = name.removeprefix(ROLE_PREFIX)
            found = [
                p.person_id
                for p in people
                if p.role == role and p.region_id == region_id
            ]
            if len(found) != 1:
                raise InvalidModelError(
                    obj=_describe(self),
                    field=fld,
                    expected=f"exactly one person with role {quote(role)} "
                    f"in region {region_id}",
                    got=Described(", ".join(found) or "nobody"),
                )
            out.append(found[0])
        return tuple(out)
