"""Reading roadshow's own calendars back into a Plan, for ``roadshow check FILE.ics``.

Someone may move events around in their calendar program and export the result;
this reader turns that file back into a :class:`~roadshow.model.Plan` of the
scenario, so the checker can say what the edits broke.

Entries are recognised by their ``X-ROADSHOW-*`` properties, which roadshow
writes. Calendar programs may drop those on export, so an event is also
recognised by its UID (which roadshow derives from the scenario and request ids)
and its venue by the ``LOCATION`` text. Times are read as written (``DTSTART``,
``DTEND``); names, attendees and places come from the scenario. Cancelled events
become :class:`~roadshow.model.Unplaced`. Entries that cannot be recognised are
skipped with a :class:`~roadshow.errors.SkippedContentWarning`.

:func:`parse_plan_ics` is pure; :func:`load_plan_ics` reads a file.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zoneinfo
from collections import defaultdict
from pathlib import Path

import icalendar
import pendulum
from attrs import define, field
from pendulum import DateTime

from roadshow import icsfields
from roadshow.errors import DiaryFileError, SkippedContentWarning
from roadshow.importers._ics import Block, decode_ics, read_ics, value_of
from roadshow.importers._source import read_source_bytes
from roadshow.model import (
    MODES,
    OvernightStay,
    Person,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    Unplaced,
)
from roadshow.timeutil import as_date
from roadshow.travel import EstimatedTravel
from roadshow.versions import event_uid


def load_plan_ics(path: str | Path, scenario: Scenario) -> Plan:
    """Read a calendar file of *scenario*'s plan; see :func:`parse_plan_ics`.

    Raises:
        DiaryFileError: the file cannot be read, is malformed, or an event's venue
            cannot be told.
    """
    path = Path(path)
    text = decode_ics(read_source_bytes(path, error=DiaryFileError), source=str(path))
    return parse_plan_ics(text, source=str(path), scenario=scenario)


def parse_plan_ics(text: str, *, source: str, scenario: Scenario) -> Plan:
    """Return the plan a calendar of *scenario* shows.

    Raises:
        DiaryFileError: malformed iCalendar (with the line), an all-day or
            recurring programme event, or an event whose venue cannot be told.
    """
    _calendars, components = read_ics(
        text, source, reads="roadshow reads only its own events (VEVENT)"
    )
    reader = _Reader(scenario, source)
    latest: dict[str, tuple[int, icalendar.Component, Block]] = {}
    for component, block in components:
        if block.name != "VEVENT":
            continue
        uid = str(component.get("UID", ""))
        sequence = int(component.get("SEQUENCE", 0))
        # Calendars merged from several files may repeat a UID: the newest wins.
        if uid not in latest or sequence > latest[uid][0]:
            latest[uid or f"line {block.line}"] = (sequence, component, block)
    events: list[ScheduledEvent] = []
    legs: list[TravelLeg] = []
    stays: list[OvernightStay] = []
    unplaced: list[Unplaced] = []
    for _sequence, component, block in latest.values():
        entry = reader.entry(component, block)
        if isinstance(entry, ScheduledEvent):
            events.append(entry)
        elif isinstance(entry, TravelLeg):
            legs.append(entry)
        elif isinstance(entry, OvernightStay):
            stays.append(entry)
        elif isinstance(entry, Unplaced):
            unplaced.append(entry)
    legs += _staying_put(scenario, events, legs, stays)
    return Plan(
        scenario_id=scenario.scenario_id,
        events=events,
        legs=legs,
        stays=stays,
        unplaced=unplaced,
    )


def _staying_put(
    scenario: Scenario,
    events: list[ScheduledEvent],
    legs: list[TravelLeg],
    stays: list[OvernightStay],
) -> list[TravelLeg]:
    """The zero-length legs the plan had, which its calendar does not show.

    A walk of no time (to a venue beside headquarters, say) is not exported, as
    it is no calendar entry; without it a chair would seem never to leave
    headquarters. Each person is followed through their days as the checker
    does, and where they must be somewhere else and the travel model makes the
    journey take no time, the planner's leg is put back: to an event at its
    start, and back home (or to the night's stay) at the end of the day's last
    item. A move that takes time is left missing, for the checker to report.
    """
    put_back = _PutBack(
        EstimatedTravel(scenario.place_by_id, scenario.travel),
        set(scenario.place_by_id),
    )
    for person in scenario.people:
        days: dict[dt.date, list[ScheduledEvent | TravelLeg]] = defaultdict(list)
        for item in [e for e in events if person.person_id in e.attendees] + [
            leg for leg in legs if leg.person_id == person.person_id
        ]:
            days[_when(item)[0].in_tz(person.timezone).date()].append(item)
        nights = {
            s.night_of: s.venue_id for s in stays if s.person_id == person.person_id
        }
        for day, items in sorted(days.items()):
            previous = as_date(day - dt.timedelta(days=1))
            here = nights.get(previous, person.home_venue_id)
            for item in sorted(items, key=_when):
                if isinstance(item, TravelLeg):
                    here = item.to_id
                else:
                    here = put_back.step(person, here, item.venue_id, item.start)
            night = nights.get(as_date(day), person.home_venue_id)
            put_back.step(person, here, night, max(_when(i)[1] for i in items))
    return put_back.added


@define
class _PutBack:
    """The zero-length legs found missing so far."""

    travel: EstimatedTravel
    venues: set[str]
    added: list[TravelLeg] = field(factory=list)

    def step(self, person: Person, here: str, there: str, at: DateTime) -> str:
        """Move *person* from *here* to *there* at *at*; return where they are."""
        if here == there or not {here, there} <= self.venues:
            return there
        journey = self.travel.journey(here, there, person.travel_mode)
        if journey.minutes == 0:
            self.added.append(
                TravelLeg(
                    person_id=person.person_id,
                    from_id=here,
                    to_id=there,
                    mode=journey.mode,
                    depart=at,
                    arrive=at,
                    distance_km=journey.distance_km,
                )
            )
        return there


def _when(item: ScheduledEvent | TravelLeg) -> tuple[DateTime, DateTime]:
    if isinstance(item, ScheduledEvent):
        return item.start, item.end
    return item.depart, item.arrive


Entry = ScheduledEvent | TravelLeg | OvernightStay | Unplaced | None


class _Reader:
    def __init__(self, scenario: Scenario, source: str) -> None:
        self.scenario = scenario
        self.source = source
        self.zone = zoneinfo.ZoneInfo(scenario.timezone)
        self.by_uid = {
            event_uid(scenario.scenario_id, r.request_id): r.request_id
            for r in scenario.requests
        }

    def skip(self, block: Block, why: str) -> None:
        warnings.warn(
            f"{self.source}, line {block.line}: event skipped; {why}",
            SkippedContentWarning,
            stacklevel=4,
        )

    def error(
        self, block: Block, name: str, problem: str, expected: str
    ) -> DiaryFileError:
        line = block.properties.get(name, block.line)
        return DiaryFileError(
            problem, source=self.source, location=f"line {line}", expected=expected
        )

    def entry(self, event: icalendar.Component, block: Block) -> Entry:
        kind = _text(event, icsfields.KIND)
        if "RECURRENCE-ID" in event or "RRULE" in event or "RDATE" in event:
            self.skip(block, "roadshow's programme has no recurring events")
            return None
        if kind == "travel":
            return self.leg(event, block)
        if kind == "stay":
            return self.stay(event, block)
        request_id = _text(event, icsfields.REQUEST) or self.by_uid.get(
            str(event.get("UID", ""))
        )
        if request_id is None or request_id not in self.scenario.request_by_id:
            self.skip(
                block,
                f"not an event of scenario {self.scenario.scenario_id} (travel"
                " and stays are read only with roadshow's X-ROADSHOW-* properties)",
            )
            return None
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            return Unplaced(
                request_id=request_id,
                reason=f"cancelled in {self.source}",
                rules=("cancelled",),
            )
        return self.event(event, block, request_id)

    def event(
        self, event: icalendar.Component, block: Block, request_id: str
    ) -> ScheduledEvent:
        request = self.scenario.request_by_id[request_id]
        start, end = self.when(event, block)
        venue_id = self.venue(event, block, request_id)
        region_id, area_id = self.scenario.place_of(request, venue_id)
        return ScheduledEvent(
            request_id=request_id,
            title=request.title,
            kind=request.kind,
            venue_id=venue_id,
            start=start,
            end=end,
            attendees=request.attendees,
            lead=request.lead,
            region_id=region_id,
            area_id=area_id,
        )

    def venue(self, event: icalendar.Component, block: Block, request_id: str) -> str:
        written = _text(event, icsfields.VENUE)
        if written in self.scenario.venue_by_id:
            return written
        request = self.scenario.request_by_id[request_id]
        candidates = self.scenario.candidate_venues(request)
        location = _text(event, "LOCATION").strip().casefold()
        for venue in candidates:
            if location in {venue.label.casefold(), venue.name.casefold()}:
                return venue.venue_id
        if len(candidates) == 1 and not location:
            return candidates[0].venue_id
        raise self.error(
            block,
            "LOCATION",
            f"the venue of {request_id} cannot be told from LOCATION "
            f"{_text(event, 'LOCATION')!r}",
            "one of: " + "; ".join(v.label for v in candidates),
        )

    def leg(self, event: icalendar.Component, block: Block) -> TravelLeg | None:
        fields = {name: _text(event, name) for name, _ in icsfields.LEG_FIELDS}
        if not all(fields.values()) or fields[icsfields.MODE] not in MODES:
            self.skip(block, "a travel leg without roadshow's X-ROADSHOW-* details")
            return None
        try:
            distance = float(fields[icsfields.DISTANCE_KM])
        except ValueError:
            raise self.error(
                block,
                icsfields.DISTANCE_KM,
                "not a distance",
                "kilometres like 12.5",
            ) from None
        depart, arrive = self.when(event, block)
        return TravelLeg(
            person_id=fields[icsfields.PERSON],
            from_id=fields[icsfields.FROM],
            to_id=fields[icsfields.TO],
            mode=fields[icsfields.MODE],
            depart=depart,
            arrive=arrive,
            distance_km=distance,
        )

    def stay(self, event: icalendar.Component, block: Block) -> OvernightStay | None:
        person, venue = (_text(event, name) for name, _ in icsfields.STAY_FIELDS)
        night = value_of(event, "DTSTART")
        if not person or not venue or night is None:
            self.skip(
                block, "an overnight stay without roadshow's X-ROADSHOW-* details"
            )
            return None
        if isinstance(night, dt.datetime):
            night = night.astimezone(self.zone).date() if night.tzinfo else night.date()
        return OvernightStay(person_id=person, night_of=as_date(night), venue_id=venue)

    def when(
        self, event: icalendar.Component, block: Block
    ) -> tuple[DateTime, DateTime]:
        start, end = value_of(event, "DTSTART"), value_of(event, "DTEND")
        duration = getattr(event.get("DURATION"), "dt", None)
        if end is None and start is not None and isinstance(duration, dt.timedelta):
            end = start + duration
        if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
            raise self.error(
                block,
                "DTSTART",
                "a programme event must have a start and end time",
                "DTSTART and DTEND with times, not whole days",
            )
        return self.instant(start), self.instant(end)

    def instant(self, value: dt.datetime) -> DateTime:
        """An aware instant; floating times are in the scenario's zone."""
        aware = value if value.tzinfo is not None else value.replace(tzinfo=self.zone)
        return pendulum.instance(aware.astimezone(dt.UTC)).in_timezone(
            self.scenario.timezone
        )


def _text(event: icalendar.Component, name: str) -> str:
    value = event.get(name)
    return "" if value is None else str(value)
