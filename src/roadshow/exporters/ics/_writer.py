"""The components of one plan version: events, travel legs, stays, as iCalendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Final

from icalendar import (
    Calendar,
    Event,
    vDuration,
    vText,
)
from pendulum import Date, DateTime

from roadshow import icsfields
from roadshow.errors import InvalidModelError
from roadshow.exporters.choices import AUDIENCES, PUBLIC
from roadshow.exporters.routemap import town_label
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)
from roadshow.timeutil import format_duration, minutes_of
from roadshow.versions import CalendarItem, PlanVersion

PRODID: Final = "-//roadshow//roadshow calendars//EN"


REFRESH: Final = dt.timedelta(hours=1)
"""How often subscribed clients are asked to refresh a feed."""

_UTC = dt.UTC

Property = tuple[str, object, dict[str, str] | None]
"""An entry's property: name, value and parameters, as ``Event.add`` takes them."""


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
        self.stamp = dt.datetime.fromtimestamp(version.issued_at.timestamp(), tz=_UTC)
        self._texts: dict[str, vText] = {}
        # Instants are shared by many entries (an event's start, the legs'
        # times around it): each is converted and formatted once.
        self._locals: dict[DateTime, dt.datetime] = {}
        self._clocks: dict[DateTime, str] = {}
        self._timelines: dict[
            str, tuple[tuple[TravelLeg, ...], list[DateTime], list[DateTime]]
        ] = {}

    def text(self, value: str) -> vText:
        """*value* as a TEXT property value; one object per distinct value."""
        text = self._texts.get(value)
        if text is None:
            text = self._texts[value] = vText(value)
        return text

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
        """The entry as an icalendar ``VEVENT`` (its :meth:`properties`, added)."""
        event = Event()
        for name, value, parameters in self.properties(entry, cancelled=cancelled):
            event.add(name, value, parameters=dict(parameters or {}))
        return event

    def properties(self, entry: CalendarItem, *, cancelled: bool) -> list[Property]:
        """The entry's properties, as ``Event.add`` takes them, in the order added.

        One list for both ways out: an icalendar ``Event`` (:meth:`component`, for
        invitations) and the content lines of calendar files (``_lines``).
        """
        props: list[Property] = [
            ("UID", entry.uid, None),
            ("DTSTAMP", self.stamp, None),
            ("SEQUENCE", self.version.sequence(entry.uid), None),
            ("STATUS", "CANCELLED" if cancelled else "CONFIRMED", None),
        ]
        item = entry.item
        if isinstance(item, ScheduledEvent):
            self._event(props, item, cancelled=cancelled)
        elif isinstance(item, TravelLeg):
            self._leg(props, item, cancelled=cancelled)
        else:
            self._stay(props, item, cancelled=cancelled)
        # Last, so a calendar can be read back into a plan (importers.plan_ics).
        props += [
            (name, self.text(value), None) for name, value in icsfields.properties(item)
        ]
        return props

    def _summary(self, props: list[Property], text: str, *, cancelled: bool) -> None:
        # Clients that keep a cancelled entry (some one-off imports) show why.
        props.append(("SUMMARY", f"Cancelled: {text}" if cancelled else text, None))

    def _event(
        self, props: list[Property], item: ScheduledEvent, *, cancelled: bool
    ) -> None:
        self._summary(props, item.title, cancelled=cancelled)
        props.append(("DTSTART", self.local(item.start), None))
        props.append(("DTEND", self.local(item.end), None))
        self._place(props, item.venue_id)
        props.append(("DESCRIPTION", self.describe_event(item), None))
        props.append(("CATEGORIES", [item.kind], None))
        props.append(("TRANSP", "OPAQUE", None))

    def _leg(self, props: list[Property], leg: TravelLeg, *, cancelled: bool) -> None:
        who = self.person_name(leg.person_id)
        route = f"{self.venue_name(leg.from_id)} to {self.venue_name(leg.to_id)}"
        self._summary(
            props, f"Travel ({who}): {route} by {leg.mode}", cancelled=cancelled
        )
        props.append(("DTSTART", self.local(leg.depart), None))
        props.append(("DTEND", self.local(leg.arrive), None))
        venue = self.scenario.place_by_id.get(leg.from_id)
        if venue is not None:
            props.append(("LOCATION", venue.label, None))
        length = format_duration(_minutes(leg))
        how = f"{leg.mode}, {leg.distance_km:.0f} km, {length}"
        description = (
            f"Who: {who}\nFrom: {self.venue_label(leg.from_id)}\n"
            f"To: {self.venue_label(leg.to_id)}\nMode: {how} door to door"
        )
        props.append(("DESCRIPTION", description, None))
        props.append(("CATEGORIES", ["travel"], None))
        props.append(("TRANSP", "OPAQUE", None))

    def _stay(
        self, props: list[Property], stay: OvernightStay, *, cancelled: bool
    ) -> None:
        who = self.person_name(stay.person_id)
        # At a lodging: its name and address. Near a venue (no lodging known),
        # never the venue itself, an office nobody sleeps in: the hotel that is
        # still to be booked near it, as the itinerary says.
        near = self.scenario.venue_by_id.get(stay.venue_id)
        where = (
            f"Hotel to be booked near {town_label(near)}"
            if near is not None
            else self.venue_name(stay.venue_id)
        )
        self._summary(props, f"Overnight stay ({who}): {where}", cancelled=cancelled)
        # All day, the night's evening: DTEND is the exclusive next day.
        props.append(("DTSTART", _date(stay.night_of), None))
        props.append(("DTEND", _date(stay.night_of.add(days=1)), None))
        if near is not None:
            props.append(("LOCATION", where, None))
            props.append(("GEO", (near.lat, near.lon), None))
        else:
            self._place(props, stay.venue_id)
        night = stay.night_of.format("dddd D MMMM YYYY")
        props.append(("DESCRIPTION", f"Who: {who}\nNight of {night}", None))
        props.append(("CATEGORIES", ["stay"], None))
        # A night away does not make the whole day busy.
        props.append(("TRANSP", "TRANSPARENT", None))

    def _place(self, props: list[Property], venue_id: str) -> None:
        venue = self.scenario.place_by_id.get(venue_id)
        if venue is None:
            props.append(("LOCATION", venue_id, None))
            return
        props.append(("LOCATION", venue.label, None))
        props.append(("GEO", (venue.lat, venue.lon), None))
        props.append(
            (
                "X-APPLE-STRUCTURED-LOCATION",
                f"geo:{venue.lat},{venue.lon}",
                {
                    "VALUE": "URI",
                    "X-ADDRESS": venue.address or venue.name,
                    "X-APPLE-RADIUS": "100",
                    "X-TITLE": venue.name,
                },
            )
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
        legs, departs, starts = self._timeline(person_id)
        events = self.plan.events_for(person_id)
        # Events and legs are in time order (events by start, legs by
        # departure): search from the item's place instead of scanning them all.
        first_after = bisect_left(starts, item.end)
        later = starts[first_after] if first_after < len(starts) else None
        earlier = None
        for e in reversed(events[: bisect_right(starts, item.start)]):
            if e.end <= item.start:
                earlier = e.end
                break
        before = None
        for leg in reversed(legs[: bisect_left(departs, item.start)]):
            if earlier is not None and leg.depart < earlier:
                break
            if leg.arrive <= item.start:
                before = leg
                break
        after = None
        for leg in legs[bisect_left(departs, item.end) :]:
            if later is not None and leg.depart >= later:
                break
            if later is None or leg.arrive <= later:
                after = leg
                break
        return before, after

    def _timeline(
        self, person_id: str
    ) -> tuple[tuple[TravelLeg, ...], list[DateTime], list[DateTime]]:
        """The person's legs that take time, their departures and event starts."""
        found = self._timelines.get(person_id)
        if found is None:
            legs = tuple(
                leg for leg in self.plan.legs_for(person_id) if leg.arrive > leg.depart
            )
            found = (
                legs,
                [leg.depart for leg in legs],
                [e.start for e in self.plan.events_for(person_id)],
            )
            self._timelines[person_id] = found
        return found

    def leg_text(self, leg: TravelLeg, end: str) -> str:
        place = self.venue_name(leg.from_id if end == "from" else leg.to_id)
        span = f"{self.clock(leg.depart)}-{self.clock(leg.arrive)}"
        length = format_duration(_minutes(leg))
        return f"{leg.mode} {end} {place}, {span} ({length})"

    def clock(self, value: DateTime) -> str:
        found = self._clocks.get(value)
        if found is None:
            found = self._clocks[value] = self.local(value).strftime("%H:%M")
        return found

    def local(self, value: DateTime) -> dt.datetime:
        """The instant as a stdlib datetime in the scenario's zone (TZID=<IANA id>).

        A wall-clock time in the hour repeated when summer time ends (01:00-02:00
        on 26 Oct 2008) means its first occurrence (RFC 5545, 3.3.5), so an
        instant in the second occurrence is written in UTC instead.
        """
        # One instant is one answer, whatever zone it came in: found by value.
        found = self._locals.get(value)
        if found is not None:
            return found
        local = dt.datetime.fromtimestamp(value.timestamp(), tz=self.zone)
        if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
            local = local.astimezone(_UTC)
        self._locals[value] = local
        return local

    def person_name(self, person_id: str) -> str:
        person = self.scenario.person_by_id.get(person_id)
        return person.name if person is not None else person_id

    def venue_name(self, venue_id: str) -> str:
        venue = self.scenario.place_by_id.get(venue_id)
        return venue.name if venue is not None else venue_id

    def venue_label(self, venue_id: str) -> str:
        venue = self.scenario.place_by_id.get(venue_id)
        return venue.label if venue is not None else venue_id


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


def _minutes(leg: TravelLeg) -> int:
    """``leg.minutes`` with stdlib arithmetic (pendulum's builds an Interval)."""
    return minutes_of(dt.datetime.__sub__(leg.arrive, leg.depart))


def _date(value: Date) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def _tzids(event: Event) -> set[str]:
    found = set()
    for name in ("DTSTART", "DTEND"):
        value = event.get(name)
        if value is not None and "TZID" in value.params:
            found.add(str(value.params["TZID"]))
    return found


def _years(entries: Sequence[tuple[CalendarItem, bool]]) -> tuple[int, int]:
    """The first and last year of *entries*, in file order (by ``sort_key``)."""
    # A sort key starts with the ISO date, so the first entry has the first year.
    first, last = entries[0][0].sort_key[0], entries[-1][0].sort_key[0]
    return (int(first[:4]), int(last[:4]))


# --- VTIMEZONE in rule form ---------------------------------------------------------
