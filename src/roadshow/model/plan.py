"""Plans: scheduled events, travel legs, overnight stays and what is left unplaced."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from attrs import field, frozen
from pendulum import Date, DateTime

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import _str_tuple
from roadshow.timeutil import (
    minutes_of,
    to_aware,
)


@frozen(kw_only=True)
class ScheduledEvent:
    """A request placed at a venue, with a start and an end."""

    request_id: str
    title: str
    kind: str
    venue_id: str
    start: DateTime = field(converter=to_aware)
    end: DateTime = field(converter=to_aware)
    attendees: tuple[str, ...] = field(converter=_str_tuple)
    lead: str | None = None
    region_id: str | None = None
    area_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj=f"event {self.request_id}",
                field="end",
                expected=f"an end after the start {self.start.isoformat()}",
                got=self.end.isoformat(),
            )


@frozen(kw_only=True)
class TravelLeg:
    """One person's journey between two places."""

    person_id: str
    from_id: str
    to_id: str
    mode: str
    depart: DateTime = field(converter=to_aware)
    arrive: DateTime = field(converter=to_aware)
    distance_km: float

    def __attrs_post_init__(self) -> None:
        if self.arrive < self.depart:
            raise InvalidModelError(
                obj=f"travel leg for {self.person_id}",
                field="arrive",
                expected=f"an arrival after the departure {self.depart.isoformat()}",
                got=self.arrive.isoformat(),
            )

    @property
    def minutes(self) -> int:
        """Door-to-door time in whole minutes."""
        return minutes_of(self.arrive - self.depart)


@frozen(kw_only=True)
class OvernightStay:
    """A night away from home, near a venue; ``night_of`` is the evening's date."""

    person_id: str
    night_of: Date
    venue_id: str


@frozen(kw_only=True)
class Unplaced:
    """A request the planner could not place, and why (in plain words)."""

    request_id: str
    reason: str
    rules: tuple[str, ...] = field(default=(), converter=_str_tuple)


def _events(values: Iterable[ScheduledEvent]) -> tuple[ScheduledEvent, ...]:
    return tuple(sorted(values, key=lambda e: (e.start, e.request_id)))


def _legs(values: Iterable[TravelLeg]) -> tuple[TravelLeg, ...]:
    return tuple(
        sorted(values, key=lambda leg: (leg.person_id, leg.depart, leg.arrive))
    )


def _stays(values: Iterable[OvernightStay]) -> tuple[OvernightStay, ...]:
    return tuple(sorted(values, key=lambda s: (s.person_id, s.night_of)))


def _unplaced(values: Iterable[Unplaced]) -> tuple[Unplaced, ...]:
    return tuple(sorted(values, key=lambda u: u.request_id))


@frozen(kw_only=True)
class Plan:
    """A timed programme: events, travel legs, overnight stays, and what is left.

    Contents are kept in a canonical order (events by start, legs and stays by
    person then time, unplaced by request id), so equal plans compare equal and
    render identically.
    """

    scenario_id: str
    events: tuple[ScheduledEvent, ...] = field(default=(), converter=_events)
    legs: tuple[TravelLeg, ...] = field(default=(), converter=_legs)
    stays: tuple[OvernightStay, ...] = field(default=(), converter=_stays)
    unplaced: tuple[Unplaced, ...] = field(default=(), converter=_unplaced)

    @property
    def is_complete(self) -> bool:
        """Tell whether every request was placed."""
        return not self.unplaced

    def events_for(self, person_id: str) -> tuple[ScheduledEvent, ...]:
        """Return the events *person_id* attends, in time order."""
        return self._by_person.events.get(person_id, ())

    def legs_for(self, person_id: str) -> tuple[TravelLeg, ...]:
        """Return *person_id*'s travel legs in time order."""
        return self._by_person.legs.get(person_id, ())

    def stays_for(self, person_id: str) -> tuple[OvernightStay, ...]:
        """Return *person_id*'s nights away in date order."""
        return self._by_person.stays.get(person_id, ())

    @cached_property
    def _by_person(self) -> _PersonIndex:
        # Built once per plan: renderers ask per person and per event, and a
        # scan of the whole plan each time made calendar export quadratic.
        return _PersonIndex.of(self)


@frozen
class _PersonIndex:
    """A plan's events, legs and stays grouped by person, each in plan order."""

    events: dict[str, tuple[ScheduledEvent, ...]]
    legs: dict[str, tuple[TravelLeg, ...]]
    stays: dict[str, tuple[OvernightStay, ...]]

    @classmethod
    def of(cls, plan: Plan) -> _PersonIndex:
        events: dict[str, list[ScheduledEvent]] = {}
        for event in plan.events:
            for person_id in dict.fromkeys(event.attendees):
                events.setdefault(person_id, []).append(event)
        legs: dict[str, list[TravelLeg]] = {}
        for leg in plan.legs:
            legs.setdefault(leg.person_id, []).append(leg)
        stays: dict[str, list[OvernightStay]] = {}
        for stay in plan.stays:
            stays.setdefault(stay.person_id, []).append(stay)
        return cls(
            {k: tuple(v) for k, v in events.items()},
            {k: tuple(v) for k, v in legs.items()},
            {k: tuple(v) for k, v in stays.items()},
        )


@frozen(kw_only=True)
class ChangeReason:
    """Why a re-plan changed a published event (or could not keep it).

    ``change`` says what happened to the event: ``"day"`` (moved to another
    day), ``"venue"`` (same day, another venue), ``"time"`` (same day and venue,
    another time), ``"unplaced"`` (it no longer fits anywhere), ``"cancelled"``
    (its request left the scenario) or ``"added"`` (new in this version).
    ``cause`` is a stable slug for what forced it (``"commitment"``,
    ``"blackout"``, ``"made-room"``, ...) and ``reason`` says it in words, e.g.
    ``Lord Darzi unavailable Wed 10 Sep 08:00-19:00: Cabinet committee``. An
    event moved out of the way names the request it made room for in
    ``made_room_for``, whose own reason leads back to the disruption.
    """

    request_id: str
    change: str
    cause: str
    reason: str
    made_room_for: str | None = None
