"""iCalendar (RFC 5545) calendars of a plan, for subscription feeds and imports.

Every byte of iCalendar text is produced by the ``icalendar`` package (escaping,
75-octet folding, CRLF); this module only decides what goes in. The output is a
pure function of the scenario, the plan and the :class:`PlanVersion` it was issued
as, so the same plan version always renders to the same bytes.

What clients need to update events in place, and how this module provides it:

- ``UID``: derived from the scenario id and the request id (travel legs and
  overnight stays from the person and the event they lead to), never from times or
  list positions, so a re-planned event keeps its UID (:func:`event_uid`).
- ``SEQUENCE``: how many issued versions changed the item's time, place or status
  (kept by :mod:`roadshow.history`); ``DTSTAMP`` is the version's issue time.
- An item dropped from the plan stays in the calendar as ``STATUS:CANCELLED`` with
  a higher ``SEQUENCE``, so clients remove it.
- Timed values carry ``TZID`` with an IANA id and a ``VTIMEZONE`` written as
  yearly ``RRULE`` observances, the form Outlook reads reliably.
- Published calendars have no ``ORGANIZER`` or ``ATTENDEE`` (clients would make
  the events read-only or send invitations); people are named in ``DESCRIPTION``.
  :func:`render_invites` writes ``METHOD:REQUEST`` files when invitations are wanted.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Final, TypeVar

from attrs import field, frozen
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vGeo,
    vText,
    vUri,
)
from pendulum import Date, DateTime

from roadshow.errors import InvalidModelError
from roadshow.exporters.choices import AUDIENCES, INTERNAL, PUBLIC, SPLITS
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    check_id,
)
from roadshow.timeutil import format_duration, minutes_of

ROADSHOW_NS: Final = uuid.UUID("3d0b8f5e-6c1a-4e57-9b2f-8a41c7d2e913")
"""The fixed namespace of roadshow's UIDs: never change it, or every UID changes."""

PRODID: Final = "-//roadshow//roadshow calendars//EN"


REFRESH: Final = dt.timedelta(hours=1)
"""How often subscribed clients are asked to refresh a feed."""

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_UTC = dt.UTC

Item = ScheduledEvent | TravelLeg | OvernightStay
_Thing = TypeVar("_Thing", TravelLeg, OvernightStay)


# --- identity: UIDs and the items of a plan ----------------------------------------


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
        items += _anchored(
            plan.scenario_id,
            person_id,
            "travel",
            things=legs,
            events=events,
            comes_before=lambda leg, e: e.start >= leg.arrive,
        )
        items += _anchored(
            plan.scenario_id,
            person_id,
            "stay",
            things=plan.stays_for(person_id),
            events=events,
            comes_before=lambda stay, e: e.start.date() > stay.night_of,
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
    things: Sequence[_Thing],
    events: tuple[ScheduledEvent, ...],
    comes_before: Callable[[_Thing, ScheduledEvent], bool],
) -> list[CalendarItem]:
    """Key each thing by the event it leads to (counted back) or follows."""
    keys: list[tuple[str, str]] = []
    for thing in things:
        following = next((e for e in events if comes_before(thing, e)), None)
        if following is not None:
            keys.append((f"{noun}-before", following.request_id))
        else:
            before = [e for e in events if not comes_before(thing, e)]
            keys.append((f"{noun}-after", before[-1].request_id if before else "-"))
    result: list[CalendarItem] = []
    for index, thing in enumerate(things):
        relation, request_id = keys[index]
        same = [i for i, key in enumerate(keys) if key == keys[index]]
        # Legs before an event count back from it; legs after count forward.
        rank = (
            len(same) - same.index(index)
            if relation.endswith("before")
            else same.index(index) + 1
        )
        key = f"{scenario_id}/{request_id}/{relation}/{person_id}/{rank}"
        result.append(CalendarItem(uid=_uid(key), item=thing))
    return result


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


@frozen
class View:
    """One calendar of a split: the whole programme, a person, a region or an area."""

    split: str = "programme"
    key: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.split not in SPLITS:
            raise InvalidModelError(
                obj="calendar",
                field="split",
                expected="one of " + ", ".join(SPLITS),
                got=self.split,
            )

    def includes(self, scenario: Scenario, entry: CalendarItem) -> bool:
        """Tell whether *entry* belongs in this calendar."""
        item = entry.item
        if self.split == "programme":
            return True
        if self.split == "person":
            if isinstance(item, ScheduledEvent):
                return self.key in item.attendees
            return item.person_id == self.key
        if not isinstance(item, ScheduledEvent):
            return False  # travel and stays belong to people, not places
        if self.split == "region":
            return _region_of(scenario, item) == self.key
        return item.area_id == self.key


def _region_of(scenario: Scenario, event: ScheduledEvent) -> str | None:
    if event.region_id is not None:
        return event.region_id
    if event.venue_id in scenario.venue_by_id:
        return scenario.venue_region(event.venue_id)
    return None


# --- rendering -----------------------------------------------------------------------


def render_ics(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion,
    *,
    view: View | None = None,
    audience: str = INTERNAL,
    travel: bool = True,
) -> bytes:
    """Render one calendar of a plan as iCalendar bytes (``METHOD:PUBLISH``).

    Args:
        scenario: The scenario the plan is for (names, venues, purposes).
        plan: The plan.
        version: The issued version: ``DTSTAMP``, ``SEQUENCE`` and cancellations.
        view: Which entries: the whole programme (default), a person, a region or
            an area.
        audience: ``internal`` (everything) or ``public`` (no travel, stays,
            contacts or internal notes).
        travel: Include travel legs and overnight stays (internal audience only).

    Raises:
        InvalidModelError: an unknown audience or split, or a plan for another
            scenario.
    """
    renderer = _Renderer(scenario, plan, version, audience=audience, travel=travel)
    return renderer.render(view or View())


class _Renderer:
    """Renders calendars of one plan version for one audience.

    Each entry's component is built once and shared by every calendar it is in
    (the programme, its people, its region and its area).
    """

    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        version: PlanVersion,
        *,
        audience: str,
        travel: bool,
    ) -> None:
        _check_audience(audience)
        _check_scenario(scenario, plan)
        self.scenario = scenario
        self.audience = audience
        self.writer = _Writer(scenario, plan, version, audience)
        with_travel = travel and audience == INTERNAL
        entries = [(e, False) for e in plan_items(plan)]
        entries += [(e, True) for e in version.cancelled]
        self.entries = sorted(
            (pair for pair in entries if with_travel or pair[0].kind == "event"),
            key=lambda pair: pair[0].sort_key,
        )
        self.components: dict[tuple[str, bool], Event] = {}

    def component(self, entry: CalendarItem, *, cancelled: bool) -> Event:
        key = (entry.uid, cancelled)
        if key not in self.components:
            self.components[key] = self.writer.component(entry, cancelled=cancelled)
        return self.components[key]

    def render(self, view: View) -> bytes:
        entries = [
            (entry, gone)
            for entry, gone in self.entries
            if view.includes(self.scenario, entry)
        ]
        calendar = self.writer.calendar(
            _calendar_name(self.scenario, view, self.audience)
        )
        components = [self.component(entry, cancelled=gone) for entry, gone in entries]
        for tzid in sorted({tzid for c in components for tzid in _tzids(c)}):
            calendar.add_component(vtimezone(tzid, _years(entries)))
        for component in components:
            calendar.add_component(component)
        return bytes(calendar.to_ical())


def calendar_files(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion,
    *,
    splits: Iterable[str] = SPLITS,
    audience: str = INTERNAL,
    travel: bool = True,
) -> dict[str, bytes]:
    """Render the calendars of a plan, split as asked, named by safe relative paths.

    File names: ``programme.ics``, ``people/<person>.ics``, ``regions/<region>.ics``
    and ``areas/<area>.ics``, one for each person, region or area that has (or had)
    an entry. Ids are checked with :func:`roadshow.model.check_id` before they
    become file names.

    Raises:
        InvalidModelError: an unknown split or audience, an id that is not safe as
            a file name, or two names that differ only in case.
    """
    renderer = _Renderer(scenario, plan, version, audience=audience, travel=travel)
    files: dict[str, bytes] = {}
    views = {View(split) for split in splits}  # checks each split's name
    for split in sorted(views, key=lambda view: SPLITS.index(view.split)):
        for name, view in _views(scenario, [e for e, _ in renderer.entries], split):
            files[name] = renderer.render(view)
    _check_no_case_clash(files)
    return files


def _views(
    scenario: Scenario, entries: list[CalendarItem], split: View
) -> Iterator[tuple[str, View]]:
    if split.split == "programme":
        yield "programme.ics", View()
        return
    keys: set[str] = set()
    for entry in entries:
        item = entry.item
        if split.split == "person":
            keys.update(
                item.attendees if isinstance(item, ScheduledEvent) else [item.person_id]
            )
        elif isinstance(item, ScheduledEvent):
            key = (
                _region_of(scenario, item) if split.split == "region" else item.area_id
            )
            if key is not None:
                keys.add(key)
    folder = {"person": "people", "region": "regions", "area": "areas"}[split.split]
    for key in sorted(keys):
        check_id(key, obj=f"{split.split} calendar", field="file name")
        yield f"{folder}/{key}.ics", View(split.split, key)


def _check_no_case_clash(files: Mapping[str, bytes]) -> None:
    seen: dict[str, str] = {}
    for name in files:
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            msg = "two calendars would share a file name on a case-insensitive disk"
            raise InvalidModelError(
                msg,
                obj="calendar",
                field="file name",
                expected="ids that differ in more than case",
                got=f"{other}, {name}",
            )


def render_invites(
    scenario: Scenario, plan: Plan, version: PlanVersion, *, organizer: str
) -> dict[str, bytes]:
    """Render one ``METHOD:REQUEST`` invitation file per event, for e-mailing.

    Only people with an e-mail address become ``ATTENDEE``s; events with none are
    left out. Cancelled events get a ``METHOD:CANCEL`` file. File names are
    ``<request id>.ics``.

    Args:
        scenario: The scenario (people's names and addresses).
        plan: The plan.
        version: The issued version (``DTSTAMP``, ``SEQUENCE``, cancellations).
        organizer: The organiser's e-mail address (replies go there).

    Raises:
        InvalidModelError: *organizer* is not an e-mail address, or a request id is
            not safe as a file name.
    """
    if "@" not in organizer or any(c in organizer for c in "\r\n <>"):
        raise InvalidModelError(
            obj="invitations",
            field="organizer",
            expected="an e-mail address",
            got=organizer,
        )
    _check_scenario(scenario, plan)
    writer = _Writer(scenario, plan, version, INTERNAL)
    files: dict[str, bytes] = {}
    entries = [(e, False) for e in plan_items(plan) if e.kind == "event"]
    entries += [(e, True) for e in version.cancelled if e.kind == "event"]
    for entry, gone in sorted(entries, key=lambda pair: pair[0].sort_key):
        assert isinstance(entry.item, ScheduledEvent)  # noqa: S101 - kind == "event"
        people = [
            scenario.person_by_id[p]
            for p in entry.item.attendees
            if p in scenario.person_by_id and scenario.person_by_id[p].email
        ]
        if not people:
            continue
        event = writer.component(entry, cancelled=gone)
        event.add("ORGANIZER", f"mailto:{organizer}")
        for person in people:
            event.add(
                "ATTENDEE",
                f"mailto:{person.email}",
                parameters={
                    "CN": person.name,
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                },
            )
        calendar = writer.calendar(
            entry.item.title, method="CANCEL" if gone else "REQUEST"
        )
        for tzid in _tzids(event):
            calendar.add_component(vtimezone(tzid, _years([(entry, gone)])))
        calendar.add_component(event)
        name = check_id(entry.item.request_id, obj="invitation", field="file name")
        files[f"{name}.ics"] = bytes(calendar.to_ical())
    return files


def _check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise InvalidModelError(
            obj="calendar",
            field="audience",
            expected="one of " + ", ".join(AUDIENCES),
            got=audience,
        )


def _check_scenario(scenario: Scenario, plan: Plan) -> None:
    if plan.scenario_id != scenario.scenario_id:
        msg = "the plan is for another scenario"
        raise InvalidModelError(
            msg,
            obj="plan",
            field="scenario",
            expected=f'a plan of "{scenario.scenario_id}"',
            got=plan.scenario_id,
        )


def _calendar_name(scenario: Scenario, view: View, audience: str) -> str:
    name = scenario.name
    if view.split == "person" and view.key in scenario.person_by_id:
        name = f"{scenario.person_by_id[view.key].name}: {name}"
    elif view.split == "region" and view.key in scenario.region_by_id:
        name = f"{scenario.region_by_id[view.key].name}: {name}"
    elif view.split == "area" and view.key in scenario.area_by_id:
        name = f"{scenario.area_by_id[view.key].name}: {name}"
    elif view.key is not None:
        name = f"{view.key}: {name}"
    return f"{name} (public)" if audience == PUBLIC else name


class _Writer:
    """Builds the components of one plan version for one audience."""

    def __init__(
        self, scenario: Scenario, plan: Plan, version: PlanVersion, audience: str
    ) -> None:
        self.scenario = scenario
        self.plan = plan
        self.version = version
        self.public = audience == PUBLIC
        self.zone = zoneinfo.ZoneInfo(scenario.timezone)

    def calendar(self, name: str, *, method: str = "PUBLISH") -> Calendar:
        calendar = Calendar()
        calendar.add("PRODID", PRODID)
        calendar.add("VERSION", "2.0")
        calendar.add("CALSCALE", "GREGORIAN")
        calendar.add("METHOD", method)
        calendar.add("NAME", vText(name))
        calendar.add("X-WR-CALNAME", vText(name))
        calendar.add(
            "REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"}
        )
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
        return calendar

    def component(self, entry: CalendarItem, *, cancelled: bool) -> Event:
        event = Event()
        event.add("UID", entry.uid)
        event.add(
            "DTSTAMP",
            dt.datetime.fromtimestamp(self.version.issued_at.timestamp(), tz=_UTC),
        )
        event.add("SEQUENCE", self.version.sequence(entry.uid))
        event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
        item = entry.item
        if isinstance(item, ScheduledEvent):
            self._event(event, item, cancelled=cancelled)
        elif isinstance(item, TravelLeg):
            self._leg(event, item, cancelled=cancelled)
        else:
            self._stay(event, item, cancelled=cancelled)
        return event

    def _summary(self, event: Event, text: str, *, cancelled: bool) -> None:
        # Clients that keep a cancelled entry (some one-off imports) show why.
        event.add("SUMMARY", f"Cancelled: {text}" if cancelled else text)

    def _event(self, event: Event, item: ScheduledEvent, *, cancelled: bool) -> None:
        self._summary(event, item.title, cancelled=cancelled)
        event.add("DTSTART", self.local(item.start))
        event.add("DTEND", self.local(item.end))
        self._place(event, item.venue_id)
        event.add("DESCRIPTION", self.describe_event(item))
        event.add("CATEGORIES", [item.kind])
        event.add("TRANSP", "OPAQUE")
        event.add("X-ROADSHOW-KIND", vText("event"))
        event.add("X-ROADSHOW-REQUEST", vText(item.request_id))
        event.add("X-ROADSHOW-EVENT-KIND", vText(item.kind))
        event.add("X-ROADSHOW-VENUE", vText(item.venue_id))
        event.add("X-ROADSHOW-ATTENDEES", vText(" ".join(item.attendees)))
        for name, value in (
            ("X-ROADSHOW-LEAD", item.lead),
            ("X-ROADSHOW-REGION", item.region_id),
            ("X-ROADSHOW-AREA", item.area_id),
        ):
            if value is not None:
                event.add(name, vText(value))

    def _leg(self, event: Event, leg: TravelLeg, *, cancelled: bool) -> None:
        who = self.person_name(leg.person_id)
        route = f"{self.venue_name(leg.from_id)} to {self.venue_name(leg.to_id)}"
        self._summary(
            event, f"Travel ({who}): {route} by {leg.mode}", cancelled=cancelled
        )
        event.add("DTSTART", self.local(leg.depart))
        event.add("DTEND", self.local(leg.arrive))
        venue = self.scenario.venue_by_id.get(leg.from_id)
        if venue is not None:
            event.add("LOCATION", venue.label)
        how = f"{leg.mode}, {leg.distance_km:.0f} km, {format_duration(leg.minutes)}"
        event.add(
            "DESCRIPTION",
            f"Who: {who}\nFrom: {self.venue_label(leg.from_id)}\n"
            f"To: {self.venue_label(leg.to_id)}\nMode: {how} door to door",
        )
        event.add("CATEGORIES", ["travel"])
        event.add("TRANSP", "OPAQUE")
        event.add("X-ROADSHOW-KIND", vText("travel"))
        event.add("X-ROADSHOW-PERSON", vText(leg.person_id))
        event.add("X-ROADSHOW-FROM", vText(leg.from_id))
        event.add("X-ROADSHOW-TO", vText(leg.to_id))
        event.add("X-ROADSHOW-MODE", vText(leg.mode))
        event.add("X-ROADSHOW-DISTANCE-KM", vText(repr(leg.distance_km)))

    def _stay(self, event: Event, stay: OvernightStay, *, cancelled: bool) -> None:
        who = self.person_name(stay.person_id)
        self._summary(
            event,
            f"Overnight stay ({who}): {self.venue_name(stay.venue_id)}",
            cancelled=cancelled,
        )
        # All day, the night's evening: DTEND is the exclusive next day.
        event.add("DTSTART", _date(stay.night_of))
        event.add("DTEND", _date(stay.night_of.add(days=1)))
        self._place(event, stay.venue_id)
        event.add(
            "DESCRIPTION",
            f"Who: {who}\nNight of {stay.night_of.format('dddd D MMMM YYYY')}",
        )
        event.add("CATEGORIES", ["stay"])
        # A night away does not make the whole day busy.
        event.add("TRANSP", "TRANSPARENT")
        event.add("X-ROADSHOW-KIND", vText("stay"))
        event.add("X-ROADSHOW-PERSON", vText(stay.person_id))
        event.add("X-ROADSHOW-VENUE", vText(stay.venue_id))

    def _place(self, event: Event, venue_id: str) -> None:
        venue = self.scenario.venue_by_id.get(venue_id)
        if venue is None:
            event.add("LOCATION", venue_id)
            return
        event.add("LOCATION", venue.label)
        event.add("GEO", vGeo((venue.lat, venue.lon)))
        event.add(
            "X-APPLE-STRUCTURED-LOCATION",
            vUri(f"geo:{venue.lat},{venue.lon}"),
            parameters={
                "VALUE": "URI",
                "X-ADDRESS": venue.address or venue.name,
                "X-APPLE-RADIUS": "100",
                "X-TITLE": venue.name,
            },
        )

    def describe_event(self, item: ScheduledEvent) -> str:
        request = self.scenario.request_by_id.get(item.request_id)
        lines: list[str] = []
        if request is not None and request.purpose:
            lines.append(f"Purpose: {request.purpose}")
        people = [
            self.person_name(p) + (" (lead)" if p == item.lead else "")
            for p in item.attendees
        ]
        lines.append("Attending: " + ", ".join(people))
        if request is not None and request.optional_attendees:
            lines.append(
                "Also invited: "
                + ", ".join(self.person_name(p) for p in request.optional_attendees)
            )
        if self.public:
            return "\n".join(lines)
        for person_id in item.attendees:
            before, after = self.travel_around(person_id, item)
            who = self.person_name(person_id)
            if before is not None:
                lines.append(f"Travel before ({who}): {self.leg_text(before, 'from')}")
            if after is not None:
                lines.append(f"Travel after ({who}): {self.leg_text(after, 'to')}")
        if request is not None and request.contact:
            lines.append(f"Contact: {request.contact}")
        if request is not None and request.notes:
            lines.append(f"Notes: {request.notes}")
        return "\n".join(lines)

    def travel_around(
        self, person_id: str, item: ScheduledEvent
    ) -> tuple[TravelLeg | None, TravelLeg | None]:
        """Return the person's last leg before *item* and first leg after it.

        Only legs between the person's neighbouring events count, so a journey
        days earlier is never shown as "travel before".
        """
        legs = [leg for leg in self.plan.legs_for(person_id) if leg.arrive > leg.depart]
        events = self.plan.events_for(person_id)
        earlier = [e.end for e in events if e.end <= item.start]
        later = [e.start for e in events if e.start >= item.end]
        before = [
            leg
            for leg in legs
            if leg.arrive <= item.start and (not earlier or leg.depart >= earlier[-1])
        ]
        after = [
            leg
            for leg in legs
            if leg.depart >= item.end and (not later or leg.arrive <= later[0])
        ]
        return (before[-1] if before else None, after[0] if after else None)

    def leg_text(self, leg: TravelLeg, end: str) -> str:
        place = self.venue_name(leg.from_id if end == "from" else leg.to_id)
        span = f"{self.clock(leg.depart)}-{self.clock(leg.arrive)}"
        length = format_duration(minutes_of(leg.arrive - leg.depart))
        return f"{leg.mode} {end} {place}, {span} ({length})"

    def clock(self, value: DateTime) -> str:
        return self.local(value).strftime("%H:%M")

    def local(self, value: DateTime) -> dt.datetime:
        """The instant as a stdlib datetime in the scenario's zone (TZID=<IANA id>).

        A wall-clock time in the hour repeated when summer time ends (01:00-02:00
        on 26 Oct 2008) means its first occurrence (RFC 5545, 3.3.5), so an
        instant in the second occurrence is written in UTC instead.
        """
        local = dt.datetime.fromtimestamp(value.timestamp(), tz=self.zone)
        if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
            return local.astimezone(_UTC)
        return local

    def person_name(self, person_id: str) -> str:
        person = self.scenario.person_by_id.get(person_id)
        return person.name if person is not None else person_id

    def venue_name(self, venue_id: str) -> str:
        venue = self.scenario.venue_by_id.get(venue_id)
        return venue.name if venue is not None else venue_id

    def venue_label(self, venue_id: str) -> str:
        venue = self.scenario.venue_by_id.get(venue_id)
        return venue.label if venue is not None else venue_id


def _date(value: Date) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def _utc_text(value: DateTime) -> str:
    return value.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]")


def _tzids(event: Event) -> set[str]:
    found = set()
    for name in ("DTSTART", "DTEND"):
        value = event.get(name)
        if value is not None and "TZID" in value.params:
            found.add(str(value.params["TZID"]))
    return found


def _years(entries: Iterable[tuple[CalendarItem, bool]]) -> tuple[int, int]:
    years = [int(entry.sort_key[0][:4]) for entry, _ in entries]
    return (min(years), max(years))


# --- VTIMEZONE in rule form ---------------------------------------------------------


@frozen
class _Transition:
    onset: dt.datetime  # local wall time before the change (naive)
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    is_dst: bool
    name: str


def vtimezone(tzid: str, years: tuple[int, int]) -> Timezone:
    """Return a ``VTIMEZONE`` for an IANA zone, valid through the given years.

    Observances are written as yearly ``RRULE``s (e.g. the last Sunday of March and
    of October for Europe/London), the form Outlook reads reliably, starting the
    year before *years* so every date in them is covered. A zone whose changes in
    that span follow no yearly rule falls back to ``RDATE`` lists.
    """
    first, last = years[0] - 1, years[1] + 1
    transitions = _transitions(tzid, first, last)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    if not transitions:
        zone = zoneinfo.ZoneInfo(tzid)
        moment = dt.datetime(first, 1, 1, tzinfo=zone)
        offset = moment.utcoffset() or dt.timedelta()
        standard = TimezoneStandard()
        standard.add("DTSTART", dt.datetime(first, 1, 1))  # noqa: DTZ001 - local time by definition
        standard.add("TZOFFSETFROM", offset)
        standard.add("TZOFFSETTO", offset)
        standard.add("TZNAME", moment.tzname() or tzid)
        timezone.add_component(standard)
        return timezone
    groups: dict[tuple[dt.timedelta, dt.timedelta, bool, str], list[dt.datetime]] = {}
    for t in transitions:
        groups.setdefault((t.offset_from, t.offset_to, t.is_dst, t.name), []).append(
            t.onset
        )
    for (offset_from, offset_to, is_dst, name), onsets in sorted(
        groups.items(), key=lambda kv: kv[1][0]
    ):
        part = TimezoneDaylight() if is_dst else TimezoneStandard()
        part.add("DTSTART", onsets[0])
        rule = _yearly_rule(onsets, first, last)
        if rule is not None:
            part.add("RRULE", rule)
        elif len(onsets) > 1:
            part.add("RDATE", onsets[1:])
        part.add("TZOFFSETFROM", offset_from)
        part.add("TZOFFSETTO", offset_to)
        part.add("TZNAME", name)
        timezone.add_component(part)
    return timezone


def _yearly_rule(
    onsets: list[dt.datetime], first: int, last: int
) -> dict[str, object] | None:
    """Return an RRULE if the onsets are one a year on the same weekday rule."""
    if [o.year for o in onsets] != list(range(first, last + 1)):
        return None
    shapes = {(o.month, o.weekday(), o.time()) for o in onsets}
    if len(shapes) != 1:
        return None
    month, weekday, _ = shapes.pop()
    if all(_is_last_in_month(o) for o in onsets):
        ordinal = -1
    else:
        ordinals = {(o.day - 1) // 7 + 1 for o in onsets}
        if len(ordinals) != 1:
            return None
        ordinal = ordinals.pop()
    return {
        "FREQ": "YEARLY",
        "BYMONTH": month,
        "BYDAY": f"{ordinal}{_WEEKDAYS[weekday]}",
    }


def _is_last_in_month(value: dt.datetime) -> bool:
    return (value + dt.timedelta(days=7)).month != value.month


@cache
def _transitions(tzid: str, first: int, last: int) -> tuple[_Transition, ...]:
    """Find the zone's offset changes from *first* to *last* (years, inclusive)."""
    zone = zoneinfo.ZoneInfo(tzid)
    found = []
    moment = dt.datetime(first, 1, 1, tzinfo=_UTC)
    end = dt.datetime(last + 1, 1, 1, tzinfo=_UTC)
    state = _state(moment, zone)
    while moment < end:
        later = moment + dt.timedelta(days=1)
        if _state(later, zone) != state:
            # Narrow the change down to the minute (changes fall on whole minutes).
            low, high = moment, later
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if _state(middle, zone) == state:
                    low = middle
                else:
                    high = middle
            new = _state(high, zone)
            found.append(
                _Transition(
                    onset=(high + state[0]).replace(tzinfo=None),
                    offset_from=state[0],
                    offset_to=new[0],
                    is_dst=new[1] != dt.timedelta(),
                    name=new[2],
                )
            )
            state = new
        moment = later
    return tuple(found)


def _state(
    moment: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[dt.timedelta, dt.timedelta, str]:
    local = moment.astimezone(zone)
    return (
        local.utcoffset() or dt.timedelta(),
        local.dst() or dt.timedelta(),
        local.tzname() or "",
    )
