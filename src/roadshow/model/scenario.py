"""The scenario: everything a plan needs, with its references checked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cached_property

import attrs
from attrs import field, frozen
from pendulum import Date, DateTime

from roadshow.errors import (
    InvalidModelError,
    UnknownReferenceError,
    quote,
)
from roadshow.model._common import _id_validator, _text_length
from roadshow.model.advance import AdvanceTemplate
from roadshow.model.people import Blackout, Commitment, Contact, Person
from roadshow.model.places import (
    VENUE_TO_CONFIRM,
    Area,
    Closure,
    Lodging,
    Region,
    Venue,
    venue_named,
)
from roadshow.model.plan import ScheduledEvent
from roadshow.model.requests import EventRequest
from roadshow.model.settings import CalendarRules, PlanningRules, TravelSettings
from roadshow.timeutil import (
    DEFAULT_TZ,
    check_timezone,
    minutes_of,
)

FIRST_YEAR = 1900
"""The earliest year a planning window may start in."""
LAST_YEAR = 2999
"""The latest year a planning window may end in."""
MAX_WINDOW_DAYS = 366
"""The longest planning window: a year (longer ones take minutes to plan)."""
MAX_REQUESTS_PER_PERSON = 500
"""The most requests one person may attend (more take many minutes to plan)."""


def _venues(values: Iterable[Venue]) -> tuple[Venue, ...]:
    return tuple(values)


def _lodging(values: Iterable[Lodging]) -> tuple[Lodging, ...]:
    return tuple(values)


def _regions(values: Iterable[Region]) -> tuple[Region, ...]:
    return tuple(values)


def _areas(values: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(values)


def _requests(values: Iterable[EventRequest]) -> tuple[EventRequest, ...]:
    return tuple(values)


def _commitments(values: Iterable[Commitment]) -> tuple[Commitment, ...]:
    return tuple(values)


def _blackouts(values: Iterable[Blackout]) -> tuple[Blackout, ...]:
    return tuple(values)


def _people(values: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(values)


def _templates(values: Iterable[AdvanceTemplate]) -> tuple[AdvanceTemplate, ...]:
    return tuple(values)


def _closures(values: Iterable[Closure]) -> tuple[Closure, ...]:
    return tuple(values)


def _contacts(values: Iterable[Contact]) -> tuple[Contact, ...]:
    return tuple(values)


@frozen(kw_only=True)
class Scenario:
    """Everything a plan needs: people, places, requests, diaries, rules, window.

    The planning window ``start_on``..``end_on`` is inclusive. Construction checks
    that ids are unique and every reference resolves.
    """

    scenario_id: str = field(validator=_id_validator("scenario"))
    name: str
    timezone: str = DEFAULT_TZ
    start_on: Date
    end_on: Date
    people: tuple[Person, ...] = field(converter=_people)
    venues: tuple[Venue, ...] = field(converter=_venues)
    regions: tuple[Region, ...] = field(default=(), converter=_regions)
    areas: tuple[Area, ...] = field(default=(), converter=_areas)
    requests: tuple[EventRequest, ...] = field(default=(), converter=_requests)
    commitments: tuple[Commitment, ...] = field(default=(), converter=_commitments)
    blackouts: tuple[Blackout, ...] = field(default=(), converter=_blackouts)
    calendar: CalendarRules = CalendarRules()
    rules: PlanningRules = PlanningRules()
    travel: TravelSettings = TravelSettings()
    advance: tuple[AdvanceTemplate, ...] = field(default=(), converter=_templates)
    """The advance-work templates (``[[advance]]``); empty: roadshow's defaults."""
    contacts: tuple[Contact, ...] = field(default=(), converter=_contacts)
    """Contacts for requests and venues, printed on itineraries."""
    closures: tuple[Closure, ...] = field(default=(), converter=_closures)
    """Times venues cannot be used (no event may overlap one)."""
    lodging: tuple[Lodging, ...] = field(default=(), converter=_lodging)
    """Hotels for nights away (empty: itineraries ask for a hotel to be booked)."""
    description: str = field(default="", validator=_text_length)

    def __attrs_post_init__(self) -> None:
        check_timezone(self.timezone)
        for key, day in (("start_on", self.start_on), ("end_on", self.end_on)):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise InvalidModelError(
                    obj="scenario",
                    field=key,
                    expected=f"a date in the years {FIRST_YEAR} to {LAST_YEAR}",
                    got=str(day),
                )
        if self.end_on < self.start_on:
            raise InvalidModelError(
                obj="scenario",
                field="end",
                expected=f"a date on or after the start {self.start_on}",
                got=str(self.end_on),
            )
        days = (self.end_on - self.start_on).in_days() + 1
        if days > MAX_WINDOW_DAYS:
            msg = f"a planning window of {days:,} days"
            raise InvalidModelError(
                msg,
                obj="scenario",
                field="end_on",
                expected=f"at most {MAX_WINDOW_DAYS} days (a year) from the start",
                got=str(self.end_on),
            )
        # Regions and areas before venues: a region's HQ venue is derived from
        # its id, and the region is what the user wrote twice.
        for kind, items, key in (
            ("person", self.people, "person_id"),
            ("region", self.regions, "region_id"),
            ("area", self.areas, "area_id"),
            ("venue", self.venues, "venue_id"),
            ("lodging", self.lodging, "lodging_id"),
            ("request", self.requests, "request_id"),
        ):
            _check_unique(kind, [getattr(item, key) for item in items])
        self._check_lodging_ids()
        self._check_references()
        self._check_load()

    def _check_lodging_ids(self) -> None:
        """A lodging's id names a night's place in a plan: no venue may share it."""
        for lodging in self.lodging:
            if lodging.lodging_id in self.venue_by_id:
                msg = f"the lodging id {quote(lodging.lodging_id)} is also a venue's"
                raise InvalidModelError(
                    msg,
                    obj=f"lodging {lodging.lodging_id}",
                    field="id",
                    expected="an id no venue has",
                )

    def _check_load(self) -> None:
        per_person = Counter(p for r in self.requests for p in r.attendees)
        if per_person and max(per_person.values()) > MAX_REQUESTS_PER_PERSON:
            person_id, count = max(per_person.items(), key=lambda kv: (kv[1], kv[0]))
            msg = f"{count:,} requests for one person"
            raise InvalidModelError(
                msg,
                obj=f"person {person_id}",
                field="id",
                expected=f"at most {MAX_REQUESTS_PER_PERSON:,} requests per person",
            )

    def _check_references(self) -> None:  # noqa: C901 - one check per reference kind
        people, venues = self.person_by_id, self.venue_by_id
        regions, areas = self.region_by_id, self.area_by_id

        def ref(
            obj: str,
            fld: str,
            kind: str,
            value: str | None,
            known: Mapping[str, object],
        ) -> None:
            if value is not None and value not in known:
                raise UnknownReferenceError(
                    obj=obj, field=fld, kind=kind, ref=value, known=known
                )

        for venue in self.venues:
            ref(f"venue {venue.venue_id}", "region", "region", venue.region_id, regions)
            ref(f"venue {venue.venue_id}", "area", "area", venue.area_id, areas)
        for region in self.regions:
            ref(f"region {region.region_id}", "hq", "venue", region.hq_venue_id, venues)
        for area in self.areas:
            ref(f"area {area.area_id}", "region", "region", area.region_id, regions)
            ref(f"area {area.area_id}", "venue", "venue", area.venue_id, venues)
        for person in self.people:
            ref(
                f"person {person.person_id}",
                "home",
                "venue",
                person.home_venue_id,
                venues,
            )
            ref(
                f"person {person.person_id}",
                "region",
                "region",
                person.region_id,
                regions,
            )
        for request in self.requests:
            obj = f"request {request.request_id}"
            for person_id in (*request.attendees, *request.optional_attendees):
                ref(obj, "attendees", "person", person_id, people)
            for venue_id in request.venue_ids:
                ref(obj, "venue", "venue", venue_id, venues)
            ref(obj, "area", "area", request.area_id, areas)
            ref(obj, "region", "region", request.region_id, regions)
            ref(obj, "follows", "request", request.follows, self.request_by_id)
        self._check_follow_chains()
        diary: tuple[Commitment | Blackout, ...] = (*self.commitments, *self.blackouts)
        for item in diary:
            noun = type(item).__name__.lower()
            ref(
                f"{noun} for {item.person_id}",
                "person",
                "person",
                item.person_id,
                people,
            )
        for c in self.commitments:
            ref(f"commitment for {c.person_id}", "place", "venue", c.venue_id, venues)
        for closure in self.closures:
            obj = f"closure at {closure.venue_id}"
            ref(obj, "venue", "venue", closure.venue_id, venues)
        for contact in self.contacts:
            obj = f"contact {contact.name}"
            ref(obj, "request", "request", contact.request_id, self.request_by_id)
            ref(obj, "venue", "venue", contact.venue_id, venues)
        for override in self.travel.overrides:
            places = self.place_by_id  # a journey may run to or from a lodging
            ref("travel time", "from", "place", override.from_id, places)
            ref("travel time", "to", "place", override.to_id, places)

    def contacts_for(self, request_id: str, venue_id: str) -> tuple[Contact, ...]:
        """Return the contacts of a request, then those of its venue."""
        return tuple(c for c in self.contacts if c.request_id == request_id) + tuple(
            c for c in self.contacts if c.venue_id == venue_id
        )

    def _check_follow_chains(self) -> None:
        by_id = self.request_by_id
        for request in self.requests:
            seen = {request.request_id}
            current = request
            while current.follows is not None:
                if current.follows in seen:
                    msg = "requests follow each other in a circle"
                    raise InvalidModelError(
                        msg,
                        obj=f"request {request.request_id}",
                        field="follows",
                        got=current.follows,
                    )
                seen.add(current.follows)
                current = by_id[current.follows]

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People by id."""
        return {p.person_id: p for p in self.people}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        """Venues by id."""
        return {v.venue_id: v for v in self.venues}

    @cached_property
    def lodging_by_id(self) -> dict[str, Lodging]:
        """Lodging by id."""
        return {lodging.lodging_id: lodging for lodging in self.lodging}

    @cached_property
    def place_by_id(self) -> dict[str, Venue]:
        """Every place a journey or a night can be at: venues, then lodging.

        A lodging is given as a :class:`Venue` with its id, name and address, so
        travel times and printed places treat it like any other place.
        """
        return {
            **self.venue_by_id,
            **{lodging.lodging_id: lodging.venue for lodging in self.lodging},
        }

    @cached_property
    def region_by_id(self) -> dict[str, Region]:
        """Regions by id."""
        return {r.region_id: r for r in self.regions}

    @cached_property
    def area_by_id(self) -> dict[str, Area]:
        """Areas by id."""
        return {a.area_id: a for a in self.areas}

    @cached_property
    def request_by_id(self) -> dict[str, EventRequest]:
        """Requests by id."""
        return {r.request_id: r for r in self.requests}

    def find_person(self, person_id: str, *, obj: str, field: str) -> Person:
        """Return the person with this id.

        Raises:
            UnknownReferenceError: no such person (named as *obj*'s *field*).
        """
        person = self.person_by_id.get(person_id)
        if person is None:
            raise UnknownReferenceError(
                obj=obj,
                field=field,
                kind="person",
                ref=person_id,
                known=self.person_by_id,
            )
        return person

    def find_venue(self, venue_id: str, *, obj: str, field: str) -> Venue:
        """Return the venue with this id.

        Raises:
            UnknownReferenceError: no such venue (named as *obj*'s *field*).
        """
        venue = self.venue_by_id.get(venue_id)
        if venue is None:
            raise UnknownReferenceError(
                obj=obj,
                field=field,
                kind="venue",
                ref=venue_id,
                known=self.venue_by_id,
            )
        return venue

    def find_place(self, place_id: str, *, obj: str, field: str) -> Venue:
        """Return the venue or lodging with this id (as a venue).

        Raises:
            UnknownReferenceError: no such place (named as *obj*'s *field*).
        """
        place = self.place_by_id.get(place_id)
        if place is None:
            raise UnknownReferenceError(
                obj=obj, field=field, kind="place", ref=place_id, known=self.place_by_id
            )
        return place

    def arrive_before(self, person_id: str, kind: str) -> int:
        """Minutes before an event of *kind* that *person_id* arrives, at least."""
        person = self.person_by_id.get(person_id)
        own = minutes_of(person.arrive_before) if person else 0
        return max(own, minutes_of(self.rules.for_kind(kind).arrive_before))

    def max_event_days_in_row(self, person_id: str) -> int | None:
        """The most days in a row with an event *person_id* may have (None: any)."""
        person = self.person_by_id.get(person_id)
        if person is not None and person.max_event_days_in_row is not None:
            return person.max_event_days_in_row
        return self.rules.max_event_days_in_row

    def venue_named(self, text: str) -> str | None:
        """The id of the venue *text* names (its id, name, or address), if any."""
        return venue_named(self.venues, text)

    def commitment_place(self, commitment: Commitment) -> str:
        """Return the venue of a commitment: its own, or the person's home base."""
        if commitment.venue_id is not None:
            return commitment.venue_id
        return self.person_by_id[commitment.person_id].home_venue_id

    def region_of(self, request: EventRequest) -> str | None:
        """Return the region a request takes place in, if the scenario can tell."""
        if request.region_id is not None:
            return request.region_id
        if request.area_id is not None:
            return self.area_by_id[request.area_id].region_id
        regions = {self.venue_region(v) for v in request.venue_ids}
        return regions.pop() if len(regions) == 1 else None

    def venue_region(self, venue_id: str) -> str | None:
        """Return the region a venue lies in (directly or through its area)."""
        venue = self.venue_by_id[venue_id]
        if venue.region_id is not None:
            return venue.region_id
        return self.area_by_id[venue.area_id].region_id if venue.area_id else None

    def area_of(self, request: EventRequest) -> str | None:
        """Return the area a request takes place in, if the scenario can tell."""
        if request.area_id is not None:
            return request.area_id
        areas = {self.venue_by_id[v].area_id for v in request.venue_ids}
        return areas.pop() if len(areas) == 1 else None

    def place_of(
        self, request: EventRequest, venue_id: str
    ) -> tuple[str | None, str | None]:
        """Return the ``(region, area)`` of an event of *request* at *venue_id*.

        What the request names wins; otherwise where the venue lies. This is
        what a plan fixes on each :class:`~roadshow.model.ScheduledEvent` when
        it is built, so renderers read the event's own fields.
        """
        venue = self.venue_by_id.get(venue_id)
        region = self.region_of(request) or (
            self.venue_region(venue_id) if venue is not None else None
        )
        area = self.area_of(request) or (venue.area_id if venue is not None else None)
        return region, area

    def event_place(self, event: ScheduledEvent) -> tuple[str | None, str | None]:
        """Return the ``(region, area)`` an event is in.

        As the plan fixed them; for a plan built without them (by hand, or an
        old plan file), where the event's venue lies.
        """
        venue = self.venue_by_id.get(event.venue_id)
        region, area = event.region_id, event.area_id
        if region is None and venue is not None:
            region = self.venue_region(event.venue_id)
        if area is None and venue is not None:
            area = venue.area_id
        return region, area

    def candidate_venues(self, request: EventRequest) -> tuple[Venue, ...]:
        """Return the venues a request may use, before any capacity filter.

        Listed venues of the area or region win over its default point (the
        area's representative point, the region's HQ).
        """
        if request.venue_ids:
            return tuple(self.venue_by_id[v] for v in request.venue_ids)
        if request.area_id is not None:
            default = self.area_by_id[request.area_id].venue_id
            listed = [
                v
                for v in self.venues
                if v.area_id == request.area_id and v.venue_id != default
            ]
        else:
            default = self.region_by_id[request.region_id or ""].hq_venue_id
            listed = [
                v
                for v in self.venues
                if v.region_id == request.region_id and v.venue_id != default
            ]
        return tuple(listed) if listed else (self.venue_by_id[default],)

    def closure_of(self, venue_id: str, start: DateTime, end: DateTime) -> str | None:
        """Say why *venue_id* is closed during ``[start, end)``, or None if open.

        ``Leeds Town Hall closed 15-19 Sep 2008: refurbishment``.
        """
        for closure in self.closures:
            if closure.venue_id == venue_id and closure.overlaps(start, end):
                return closure.describe(self.venue_title(venue_id), self.timezone)
        return None

    def venue_title(self, venue_id: str) -> str:
        """A venue's name in a sentence; its town too if it is still to be confirmed."""
        venue = self.venue_by_id.get(venue_id)
        if venue is None:
            return venue_id
        return venue.label if venue.name == VENUE_TO_CONFIRM else venue.name

    def restricted_to(self, kinds: Iterable[str]) -> Scenario:
        """Return the scenario with only the requests of *kinds* (all if empty)."""
        wanted = frozenset(kinds)
        if not wanted:
            return self
        return attrs.evolve(
            self, requests=[r for r in self.requests if r.kind in wanted]
        )

    def summary(self) -> dict[str, int]:
        """Counts of the scenario's parts (for ``roadshow show``)."""
        kinds = Counter(r.kind for r in self.requests)
        return {
            "people": len(self.people),
            "venues": len(self.venues),
            "regions": len(self.regions),
            "areas": len(self.areas),
            "requests": len(self.requests),
            "commitments": len(self.commitments),
            "blackouts": len(self.blackouts),
            **({"lodging": len(self.lodging)} if self.lodging else {}),
            **{f"requests.{kind}": n for kind, n in sorted(kinds.items())},
        }


def _check_unique(kind: str, ids: list[str]) -> None:
    counts = Counter(ids)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        msg = f"duplicate {kind} id {quote(duplicates[0])}"
        # The object is the duplicate itself, so loaders can point at it.
        raise InvalidModelError(
            msg, obj=f"{kind} {duplicates[0]}", field="id", expected="each id once"
        )
    # Ids name files, and "Alice" and "alice" are one file on Windows and macOS.
    seen: dict[str, str] = {}
    for item in ids:
        other = seen.setdefault(item.casefold(), item)
        if other != item:
            msg = f"{kind} ids {quote(other)} and {quote(item)} differ only in case"
            raise InvalidModelError(
                msg,
                obj=f"{kind} {item}",
                field="id",
                expected="ids that differ in more than case (they name files)",
            )
