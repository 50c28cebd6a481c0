"""Plan identity and versions: UIDs, a plan's calendar items, issued versions.

Pure: no I/O. An item's UID is derived from the scenario and request ids, so a
re-planned event keeps it; a :class:`PlanVersion` says how a plan was issued
(number, time, ``SEQUENCE`` per UID, cancellations). :func:`advance` gives the
next version's entry states and :func:`diff` what changed between two versions.
Exporters render these; :mod:`roadshow.history` stores them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Final, TypeVar

from attrs import field, frozen
from pendulum import Date, DateTime

from roadshow.errors import InvalidModelError
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)

ROADSHOW_NS: Final = uuid.UUID("3d0b8f5e-6c1a-4e57-9b2f-8a41c7d2e913")
"""The fixed namespace of roadshow's UIDs: never change it, or every UID changes."""

CONFIRMED: Final = "CONFIRMED"
CANCELLED: Final = "CANCELLED"

Item = ScheduledEvent | TravelLeg | OvernightStay
_When = TypeVar("_When", DateTime, Date)


def event_uid(scenario_id: str, request_id: str) -> str:
    """Return the UID of a request's event: stable across re-plans, globally unique."""
    return _uid(f"{scenario_id}/{request_id}")


def _uid(key: str) -> str:
    return f"{uuid.uuid5(ROADSHOW_NS, key)}@roadshow"


@frozen(kw_only=True)
class CalendarItem:
    """One calendar entry of a plan: an event, a travel leg or an overnight stay.

    Attributes:
        uid: The entry's UID (see :func:`plan_items` for how it is derived).
        item: The plan object the entry shows.
    """

    uid: str
    item: Item

    @property
    def kind(self) -> str:
        """``event``, ``travel`` or ``stay``."""
        if isinstance(self.item, ScheduledEvent):
            return "event"
        return "travel" if isinstance(self.item, TravelLeg) else "stay"

    @property
    def person_id(self) -> str | None:
        """The person a travel leg or stay belongs to (None for events)."""
        return None if isinstance(self.item, ScheduledEvent) else self.item.person_id

    @property
    def signature(self) -> tuple[str, ...]:
        """What counts as a change for ``SEQUENCE``: the item's time and place."""
        item = self.item
        if isinstance(item, ScheduledEvent):
            return (_utc_text(item.start), _utc_text(item.end), item.venue_id)
        if isinstance(item, TravelLeg):
            return (
                _utc_text(item.depart),
                _utc_text(item.arrive),
                item.from_id,
                item.to_id,
                item.mode,
            )
        return (item.night_of.isoformat(), item.venue_id)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Order in a file: UTC start, then UID."""
        item = self.item
        if isinstance(item, ScheduledEvent):
            return (_utc_text(item.start), self.uid)
        if isinstance(item, TravelLeg):
            return (_utc_text(item.depart), self.uid)
        return (item.night_of.isoformat(), self.uid)


def plan_items(plan: Plan) -> tuple[CalendarItem, ...]:
    """Return a plan's calendar entries with their UIDs.

    An event's UID comes from the scenario and request ids. A travel leg is tied
    to the next event its person attends ("the 1st, 2nd... leg before visit-Q30"),
    or to the last one when no event follows (the way home); an overnight stay
    likewise to the next event after the night. So UIDs survive re-planning
    whenever the shape of a person's programme is unchanged. Zero-length legs
    (staying put) are not entries.

    Raises:
        InvalidModelError: the plan places a request twice.
    """
    items = [
        CalendarItem(uid=event_uid(plan.scenario_id, e.request_id), item=e)
        for e in plan.events
    ]
    people = sorted(
        {leg.person_id for leg in plan.legs} | {s.person_id for s in plan.stays}
    )
    for person_id in people:
        events = plan.events_for(person_id)
        legs = [leg for leg in plan.legs_for(person_id) if leg.arrive > leg.depart]
        # A leg leads to the first event starting at or after its arrival; a
        # night to the first event on a later day.
        items += _anchored(
            plan.scenario_id,
            person_id,
            "travel",
            things=[(leg, leg.arrive) for leg in legs],
            events=events,
            starts=[e.start for e in events],
        )
        items += _anchored(
            plan.scenario_id,
            person_id,
            "stay",
            things=[
                (stay, stay.night_of.add(days=1)) for stay in plan.stays_for(person_id)
            ],
            events=events,
            starts=[e.start.date() for e in events],
        )
    requests = [e.request_id for e in plan.events]
    if len(set(requests)) != len(requests):
        twice = sorted(r for r in set(requests) if requests.count(r) > 1)
        msg = "the plan places a request twice (one UID per request)"
        raise InvalidModelError(msg, obj="plan", field="events", got=twice[0])
    return tuple(items)


def _anchored(
    scenario_id: str,
    person_id: str,
    noun: str,
    *,
    things: Sequence[tuple[Item, _When]],
    events: tuple[ScheduledEvent, ...],
    starts: Sequence[_When],
) -> list[CalendarItem]:
    """Key each thing by the event it leads to (counted back) or follows.

    A thing leads to the first of *events* whose start (in *starts*) is at or
    after the thing's time. Events are in time order, so their starts normally
    are too and a binary search finds it; otherwise (days of starts in mixed
    zones) the events are scanned.
    """
    in_order = all(a <= b for a, b in pairwise(starts))
    keys: list[tuple[str, str]] = []
    for _, when in things:
        index = (
            bisect_left(starts, when)
            if in_order
            else next((i for i, s in enumerate(starts) if s >= when), len(starts))
        )
        if index < len(events):
            keys.append((f"{noun}-before", events[index].request_id))
        else:
            keys.append((f"{noun}-after", events[-1].request_id if events else "-"))
    same: dict[tuple[str, str], list[int]] = {}
    for index, key in enumerate(keys):
        same.setdefault(key, []).append(index)
    ranks = [0] * len(keys)
    for (relation, _), indices in same.items():
        for n, index in enumerate(indices):
            # Legs before an event count back from it; legs after count forward.
            ranks[index] = len(indices) - n if relation.endswith("before") else n + 1
    return [
        CalendarItem(
            uid=_uid(f"{scenario_id}/{request_id}/{relation}/{person_id}/{rank}"),
            item=thing,
        )
        for (thing, _), (relation, request_id), rank in zip(
            things, keys, ranks, strict=True
        )
    ]


# --- versions ----------------------------------------------------------------------


def _frozen_map(values: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(sorted(values.items())))


@frozen(kw_only=True)
class PlanVersion:
    """A plan as issued: its version number, issue time, sequences, cancellations.

    Attributes:
        number: 1 for the first recorded version; 0 for a plan exported without a
            history (:meth:`unrecorded`).
        issued_at: When the version was issued (UTC, whole seconds): every entry's
            ``DTSTAMP``.
        sequences: ``SEQUENCE`` by UID; UIDs not listed have 0.
        cancelled: Entries of earlier versions that this plan no longer has, in
            their last issued form; they are exported as ``STATUS:CANCELLED``.
    """

    number: int
    issued_at: DateTime
    sequences: Mapping[str, int] = field(factory=dict, converter=_frozen_map)
    cancelled: tuple[CalendarItem, ...] = ()

    @classmethod
    def unrecorded(cls, issued_at: DateTime) -> PlanVersion:
        """Return the version of a plan exported without a history: nothing changed."""
        return cls(number=0, issued_at=issued_at)

    def sequence(self, uid: str) -> int:
        """Return the ``SEQUENCE`` of *uid*."""
        return self.sequences.get(uid, 0)


# --- views: which entries go in one calendar ----------------------------------------


def _utc_text(value: DateTime) -> str:
    """``2008-09-08T09:00:00Z``: pendulum's ``YYYY-MM-DDTHH:mm:ss[Z]`` in UTC.

    Built from the fields: pendulum's formatter took most of the time spent
    sorting a large plan's calendar entries (issue 17).
    """
    utc = value.astimezone(dt.UTC)
    return (
        f"{utc.year}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


# --- advancing and comparing versions ------------------------------------------


@frozen(kw_only=True)
class EntryState:
    """What the history knows of one entry in one version."""

    kind: str
    status: str
    sequence: int
    signature: tuple[str, ...]
    seen_in: int


def advance(
    previous: Mapping[str, EntryState], items: tuple[CalendarItem, ...], number: int
) -> dict[str, EntryState]:
    """Return the entries of version *number*, given the previous version's.

    ``SEQUENCE`` goes up by one when an entry's time or place changes, when it is
    cancelled (it left the plan) and when a cancelled entry comes back. Cancelled
    entries are carried forward unchanged.
    """
    states: dict[str, EntryState] = {}
    for item in items:
        before = previous.get(item.uid)
        if before is None:
            sequence = 0
        elif before.status == CANCELLED or before.signature != item.signature:
            sequence = before.sequence + 1
        else:
            sequence = before.sequence
        states[item.uid] = EntryState(
            kind=item.kind,
            status=CONFIRMED,
            sequence=sequence,
            signature=item.signature,
            seen_in=number,
        )
    for uid, before in previous.items():
        if uid in states:
            continue
        bump = 1 if before.status == CONFIRMED else 0
        states[uid] = EntryState(
            kind=before.kind,
            status=CANCELLED,
            sequence=before.sequence + bump,
            signature=before.signature,
            seen_in=before.seen_in,
        )
    return dict(sorted(states.items()))


@frozen(kw_only=True)
class Change:
    """How one calendar entry changed between two versions.

    Attributes:
        uid: The entry's UID.
        what: ``added``, ``reinstated``, ``cancelled``, ``moved`` and/or
            ``venue changed`` (``route changed`` for travel).
        before: The entry as it was (None when added).
        after: The entry as it is now (its last form when cancelled).
    """

    uid: str
    what: tuple[str, ...]
    before: CalendarItem | None
    after: CalendarItem | None

    @property
    def item(self) -> CalendarItem:
        """The entry in its latest form."""
        found = self.after or self.before
        if found is None:  # pragma: no cover - diff() never makes such a change
            msg = "a change without an entry"
            raise ValueError(msg)
        return found


def diff(
    old: Mapping[str, tuple[EntryState, CalendarItem]],
    new: Mapping[str, tuple[EntryState, CalendarItem]],
) -> tuple[Change, ...]:
    """Return what changed from *old* to *new* (entries by UID), in time order."""
    changes: list[Change] = []
    for uid, (state, item) in new.items():
        previous = old.get(uid)
        was_live = previous is not None and previous[0].status == CONFIRMED
        is_live = state.status == CONFIRMED
        before = previous[1] if previous is not None else None
        if is_live and not was_live:
            what: tuple[str, ...] = ("reinstated",) if previous else ("added",)
        elif was_live and not is_live:
            what = ("cancelled",)
        elif is_live and before is not None:
            what = _moves(before, item)
        else:
            what = ()
        if what:
            changes.append(Change(uid=uid, what=what, before=before, after=item))
    return tuple(sorted(changes, key=lambda c: c.item.sort_key))


def _moves(before: CalendarItem, after: CalendarItem) -> tuple[str, ...]:
    old, new = before.item, after.item
    what = []
    if isinstance(old, ScheduledEvent) and isinstance(new, ScheduledEvent):
        if (old.start, old.end) != (new.start, new.end):
            what.append("moved")
        if old.venue_id != new.venue_id:
            what.append("venue changed")
    elif isinstance(old, TravelLeg) and isinstance(new, TravelLeg):
        if (old.depart, old.arrive) != (new.depart, new.arrive):
            what.append("moved")
        if (old.from_id, old.to_id, old.mode) != (new.from_id, new.to_id, new.mode):
            what.append("route changed")
    elif before.signature != after.signature:
        what.append("moved")
    return tuple(what)


# --- names an issued version carries --------------------------------------------------


def _names_map(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(values.items())))


@frozen(kw_only=True)
class EntryNames:
    """The names a version needs to describe its own entries without the scenario.

    Stored with each issued version, so ``roadshow changes`` names people and
    venues as they were when the version was issued, even when the scenario file
    has since changed or is not at hand.

    Attributes:
        scenario: The scenario's name.
        timezone: The scenario's zone (times are shown in it).
        people: Person names by id.
        venues: Venue names by id.
    """

    scenario: str
    timezone: str
    people: Mapping[str, str] = field(factory=dict, converter=_names_map)
    venues: Mapping[str, str] = field(factory=dict, converter=_names_map)

    @classmethod
    def of(cls, scenario: Scenario) -> EntryNames:
        """Return the names of *scenario*'s people and venues."""
        return cls(
            scenario=scenario.name,
            timezone=scenario.timezone,
            people={p.person_id: p.name for p in scenario.people},
            venues={v.venue_id: v.name for v in scenario.venues},
        )

    def to_data(self) -> dict[str, Any]:
        """Return the names as JSON-ready data."""
        return {
            "scenario": self.scenario,
            "timezone": self.timezone,
            "people": dict(self.people),
            "venues": dict(self.venues),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> EntryNames:
        """Return the names stored by :meth:`to_data`."""
        return cls(
            scenario=str(data["scenario"]),
            timezone=str(data["timezone"]),
            people={str(k): str(v) for k, v in dict(data["people"]).items()},
            venues={str(k): str(v) for k, v in dict(data["venues"]).items()},
        )
