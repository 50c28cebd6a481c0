"""Itineraries and day sheets: one person's programme, day by day, for printing.

:func:`build_itinerary` turns a scenario and a plan into a view model (pure);
the ``render_itinerary_*`` functions lay it out as plain text, Markdown, HTML
(self-contained, with an inline SVG route map and a page break per day) or PDF
(the same pages laid out by ReportLab, the optional ``pdf`` extra, in
:mod:`roadshow.exporters.itinerary_pdf`). The other layouts are Jinja2
templates in ``exporters/templates``; each template language escapes every
value it prints (see :mod:`roadshow.exporters._templates`).

Times are shown in the scenario's time zone with the abbreviation in force at
that instant, so a programme that crosses 26 October 2008 reads ``BST`` before
and ``GMT`` after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

from attrs import field, frozen
from pendulum import Date, DateTime

from roadshow.errors import InputError, MissingDependencyError, closest
from roadshow.exporters._templates import (
    html_environment,
    markdown_environment,
    text_environment,
)
from roadshow.exporters.choices import FORMATS
from roadshow.exporters.routemap import (
    RouteMap,
    build_route_map,
    render_route_map,
    town_label,
)
from roadshow.exporters.summary import events_by_kind
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    Venue,
)
from roadshow.nights import night_reasons
from roadshow.timeutil import minutes_of

ITINERARY_ROLES: Final = ("principal", "chair")
"""Roles that always get an itinerary, in this order, before anyone else."""

EXTENSIONS: Final = {"text": "txt", "md": "md", "html": "html", "pdf": "pdf"}
"""The file extension of each format."""

MIN_GAP_MINUTES: Final = 15
"""Free time shorter than this is transfer slack, not worth a line of its own."""

PDF_INSTALL_HINT: Final = "pip install 'roadshow[pdf]'"


@frozen(kw_only=True)
class Place:
    """A venue as an itinerary prints it."""

    venue_id: str
    name: str
    address: str
    town: str

    @classmethod
    def of(cls, venue: Venue) -> Place:
        """Make the printable form of a venue."""
        return cls(
            venue_id=venue.venue_id,
            name=venue.name,
            address=venue.address,
            town=town_label(venue),
        )


@frozen(kw_only=True)
class TravelItem:
    """A journey: mode, departure and arrival, distance and door-to-door time."""

    kind: str = field(default="travel", init=False)
    start: DateTime
    end: DateTime
    mode: str
    origin: Place
    destination: Place
    distance_km: float
    arrive_by: DateTime | None = None
    """When the person wants to be there: the next event's start less its
    ``arrive_before`` (None when the journey leads to no event or no margin)."""

    @property
    def minutes(self) -> int:
        """Door-to-door time in whole minutes."""
        return minutes_of(self.end - self.start)


@frozen(kw_only=True)
class EventItem:
    """An event the person attends."""

    kind: str = field(default="event", init=False)
    start: DateTime
    end: DateTime
    request_id: str
    title: str
    event_kind: str
    place: Place
    attendees: tuple[str, ...]
    """Attendees' names, in the plan's order."""
    lead: str | None
    purpose: str
    contact: str
    notes: str
    contacts: tuple[str, ...]
    """The event's and its venue's contacts, one printed line each."""
    also_invited: tuple[str, ...]
    """Optional attendees' names (a private secretary, say)."""
    optional: bool
    """True when this person is an optional attendee of the event."""
    region: str | None
    area: str | None


@frozen(kw_only=True)
class DiaryItem:
    """A commitment already in the person's diary (from the scenario)."""

    kind: str = field(default="diary", init=False)
    start: DateTime
    end: DateTime
    label: str


@frozen(kw_only=True)
class GapItem:
    """Free time between two items, where the person is at the time (if known)."""

    kind: str = field(default="gap", init=False)
    start: DateTime
    end: DateTime
    place: Place | None

    @property
    def minutes(self) -> int:
        """Length in whole minutes."""
        return minutes_of(self.end - self.start)


Item = TravelItem | EventItem | DiaryItem | GapItem


@frozen(kw_only=True)
class Day:
    """One day of an itinerary: where it starts, what happens, where the night is."""

    on: Date
    starts_at: Place
    items: tuple[Item, ...]
    night: Place
    night_away: bool
    night_reason: str = ""
    """Why the night is away (late finish, early start, far from home), with
    the times or distance behind it; "" for a night at home."""

    @property
    def anchor(self) -> str:
        """The day's ISO date, for ids and links."""
        return self.on.isoformat()


@frozen(kw_only=True)
class Itinerary:
    """One person's itinerary: the cover's figures and the days in order."""

    person_id: str
    name: str
    role: str
    scenario_id: str
    scenario_name: str
    timezone: str
    home: Place
    days: tuple[Day, ...]
    regions: tuple[str, ...]
    """Names of the regions visited, in the order first visited."""
    event_count: int
    event_kinds: str
    """The events by series or kind: ``10 listening, 10 clinical, 1 national``."""
    travel_minutes: int
    nights_away: int
    route: tuple[str, ...]
    """Towns in the order travelled, without repeats in a row."""
    route_map: RouteMap
    version: int | None = None
    """The published plan version this itinerary belongs to (None: a draft)."""
    issued: DateTime | None = None
    """When that version was issued."""

    @property
    def event_days(self) -> int:
        """The number of days with at least one event."""
        return sum(
            any(isinstance(item, EventItem) for item in day.items) for day in self.days
        )

    @property
    def first_on(self) -> Date | None:
        """The first day with anything on it (None for an empty itinerary)."""
        return self.days[0].on if self.days else None

    @property
    def last_on(self) -> Date | None:
        """The last day with anything on it (None for an empty itinerary)."""
        return self.days[-1].on if self.days else None


def itinerary_people(scenario: Scenario) -> tuple[str, ...]:
    """Return the ids of the people who get itineraries.

    Principals, then chairs, then everyone else who attends a request whatever
    their role (a guest speaker, a clinical lead) or is invited to one as an
    optional attendee (a private secretary), each in scenario order.
    """
    attending = {
        p for r in scenario.requests for p in (*r.attendees, *r.optional_attendees)
    }
    by_role = [
        p.person_id
        for role in ITINERARY_ROLES
        for p in scenario.people
        if p.role == role
    ]
    others = [
        p.person_id
        for p in scenario.people
        if p.role not in ITINERARY_ROLES and p.person_id in attending
    ]
    return (*by_role, *others)


def build_itinerary(
    scenario: Scenario,
    plan: Plan,
    person_id: str,
    *,
    version: int | None = None,
    issued: DateTime | None = None,
) -> Itinerary:
    """Build one person's day-by-day itinerary from a scenario and its plan.

    Days are the local dates (scenario time zone) on which the person has an
    event, starts a journey, spends a night away or has a diary commitment in
    the planning window. Every page carries the plan *version* and when it was
    *issued* (or says it is a draft), so printed copies can be told apart. A day
    starts where the
    previous night was spent (home unless the plan has a stay) and ends where
    the plan puts the night.

    Raises:
        UnknownReferenceError: *person_id* is not in the scenario, or the plan
            names a venue the scenario does not have.
    """
    person = scenario.find_person(person_id, obj="itinerary", field="person")
    tz = scenario.timezone
    home = Place.of(
        scenario.find_venue(person.home_venue_id, obj="person", field="home")
    )
    stays = {s.night_of: s for s in plan.stays_for(person_id)}
    dated: dict[Date, list[Item]] = {}

    def add(item: Item) -> None:
        dated.setdefault(item.start.in_tz(tz).date(), []).append(item)

    events = plan.events_for(person_id)
    for event in events:
        add(_event_item(scenario, event, tz))
    # Events the person may join (optional attendee): listed, marked, but with
    # no travel planned for them, as the planner does not wait for them.
    requests = scenario.request_by_id
    for event in plan.events:
        request = requests.get(event.request_id)
        if request is not None and person_id in request.optional_attendees:
            add(_event_item(scenario, event, tz, optional=True))
    for leg in plan.legs_for(person_id):
        add(
            TravelItem(
                start=leg.depart.in_tz(tz),
                end=leg.arrive.in_tz(tz),
                mode=leg.mode,
                origin=Place.of(
                    scenario.find_place(
                        leg.from_id, obj=f"leg of {person_id}", field="from"
                    )
                ),
                destination=Place.of(
                    scenario.find_place(
                        leg.to_id, obj=f"leg of {person_id}", field="to"
                    )
                ),
                distance_km=leg.distance_km,
                arrive_by=_arrive_by(scenario, person_id, leg, events),
            )
        )
    for night_of in stays:
        dated.setdefault(night_of, [])
    for commitment in scenario.commitments:
        # Diary-only days count too: the office needs to see the whole week.
        day = commitment.start.in_tz(tz).date()
        if commitment.person_id == person_id and (
            scenario.start_on <= day <= scenario.end_on
        ):
            add(
                DiaryItem(
                    start=commitment.start.in_tz(tz),
                    end=commitment.end.in_tz(tz),
                    label=commitment.label or "Diary commitment",
                )
            )

    reasons = night_reasons(scenario, plan, person_id)
    days = []
    for on in sorted(dated):
        night_before = stays.get(on.subtract(days=1))
        tonight = stays.get(on)
        days.append(
            Day(
                on=on,
                starts_at=_lodging(scenario, night_before) if night_before else home,
                items=_with_gaps(dated[on]),
                night=_lodging(scenario, tonight) if tonight else home,
                night_away=tonight is not None,
                night_reason=reasons[person_id, on].text if tonight else "",
            )
        )
    return Itinerary(
        person_id=person_id,
        name=person.name,
        role=person.role,
        scenario_id=scenario.scenario_id,
        scenario_name=scenario.name,
        timezone=tz,
        home=home,
        days=tuple(days),
        regions=_regions_visited(days),
        event_count=len(events),
        event_kinds=events_by_kind(scenario, events),
        travel_minutes=sum(leg.minutes for leg in plan.legs_for(person_id)),
        nights_away=len(stays),
        route=_route(home, days),
        route_map=_route_map(scenario, person.name, home, days),
        version=version,
        issued=issued.in_tz(tz) if issued is not None else None,
    )


def _lodging(scenario: Scenario, stay: OvernightStay) -> Place:
    """Where a night away is spent, as the office must book it.

    The plan puts the night at a lodging (its name and address), or, when the
    scenario has none near, near a venue (where the day ends or the next one
    starts); nobody sleeps in an office, so the itinerary asks for a hotel there.
    """
    lodging = scenario.lodging_by_id.get(stay.venue_id)
    if lodging is not None:
        return Place.of(lodging.venue)
    near = town_label(scenario.find_venue(stay.venue_id, obj="stay", field="venue"))
    return Place(
        venue_id=stay.venue_id,
        name=f"Hotel to be booked near {near}",
        address="",
        town=near,
    )


def _arrive_by(
    scenario: Scenario,
    person_id: str,
    leg: TravelLeg,
    events: Sequence[ScheduledEvent],
) -> DateTime | None:
    """The event the journey leads to, less the person's margin for it."""
    tz = scenario.timezone
    following = [e for e in events if e.start >= leg.arrive]
    if not following:
        return None
    event = following[0]
    if (
        event.venue_id != leg.to_id
        or event.start.in_tz(tz).date() != leg.arrive.in_tz(tz).date()
    ):
        return None
    margin = scenario.arrive_before(person_id, event.kind)
    if margin <= 0:
        return None
    return event.start.subtract(minutes=margin).in_tz(tz)


def _event_item(
    scenario: Scenario, event: ScheduledEvent, tz: str, *, optional: bool = False
) -> EventItem:
    place = scenario.find_venue(
        event.venue_id, obj=f"event {event.request_id}", field="venue"
    )
    request = scenario.request_by_id.get(event.request_id)
    region_id, area_id = scenario.event_place(event)
    people = scenario.person_by_id
    return EventItem(
        start=event.start.in_tz(tz),
        end=event.end.in_tz(tz),
        request_id=event.request_id,
        title=event.title,
        event_kind=event.kind,
        place=Place.of(place),
        attendees=tuple(people[a].name if a in people else a for a in event.attendees),
        lead=(
            (people[event.lead].name if event.lead in people else event.lead)
            if event.lead
            else None
        ),
        purpose=request.purpose if request else "",
        contact=request.contact if request else "",
        notes=request.notes if request else "",
        contacts=tuple(
            c.line for c in scenario.contacts_for(event.request_id, event.venue_id)
        ),
        also_invited=tuple(
            people[a].name if a in people else a
            for a in (request.optional_attendees if request else ())
        ),
        optional=optional,
        region=_name(scenario.region_by_id, region_id),
        area=_name(scenario.area_by_id, area_id),
    )


def _name(table: Mapping[str, object], key: str | None) -> str | None:
    if key is None or key not in table:
        return key
    return str(getattr(table[key], "name", key))


def _with_gaps(items: Iterable[Item]) -> tuple[Item, ...]:
    """Sort a day's items by time and add the free time between them."""
    ordered = sorted(items, key=_order)
    out: list[Item] = []
    busy_until: DateTime | None = None
    where: Place | None = None
    for item in ordered:
        if (
            busy_until is not None
            and minutes_of(item.start - busy_until) >= MIN_GAP_MINUTES
        ):
            out.append(GapItem(start=busy_until, end=item.start, place=where))
        out.append(item)
        if busy_until is None or item.end > busy_until:
            busy_until = item.end
            where = _place_after(item)
    return tuple(out)


def _order(item: Item) -> tuple[DateTime, DateTime, int]:
    rank = {"travel": 0, "diary": 1, "event": 2, "gap": 3}[item.kind]
    return (item.start, item.end, rank)


def _place_after(item: Item) -> Place | None:
    if isinstance(item, TravelItem):
        return item.destination
    if isinstance(item, EventItem):
        return item.place
    return None


def _regions_visited(days: Sequence[Day]) -> tuple[str, ...]:
    names = [
        item.region
        for day in days
        for item in day.items
        if isinstance(item, EventItem) and item.region
    ]
    return tuple(dict.fromkeys(names))


def _route(home: Place, days: Sequence[Day]) -> tuple[str, ...]:
    towns = [home.town]
    for day in days:
        towns.append(day.starts_at.town)
        towns.extend(
            item.destination.town for item in day.items if isinstance(item, TravelItem)
        )
        towns.append(day.night.town)
    return tuple(t for i, t in enumerate(towns) if i == 0 or t != towns[i - 1])


def _route_map(
    scenario: Scenario, name: str, home: Place, days: Sequence[Day]
) -> RouteMap:
    venues = scenario.place_by_id  # lodging too: journeys and nights end there
    stops: list[tuple[Venue, str]] = [(venues[home.venue_id], "home")]
    legs: list[tuple[Venue, Venue, str]] = []
    dates: dict[str, list[str]] = {}
    for day in days:
        for item in day.items:
            if isinstance(item, EventItem):
                stops.append((venues[item.place.venue_id], "event"))
                when = dates.setdefault(item.place.venue_id, [])
                if short_date(day.on) not in when:
                    when.append(short_date(day.on))
            elif isinstance(item, TravelItem):
                origin = venues[item.origin.venue_id]
                destination = venues[item.destination.venue_id]
                stops += [(origin, "travel"), (destination, "travel")]
                legs.append((origin, destination, item.mode))
        if day.night_away:
            stops.append((venues[day.night.venue_id], "night"))
    return build_route_map(
        stops,
        legs,
        title=f"Route map: {name}",
        dates={venue_id: ", ".join(when) for venue_id, when in dates.items()},
    )


def short_date(on: Date) -> str:
    """A date as a map label prints it: ``9 Sep``."""
    return f"{on.day} {on.format('MMM')}"


# --- rendering -------------------------------------------------------------------


def render_itinerary_text(itineraries: Sequence[Itinerary]) -> str:
    """Return itineraries as plain text: a cover, then one block a day."""
    template = text_environment().get_template("itinerary.txt.j2")
    return template.render(itineraries=itineraries)


def render_itinerary_markdown(itineraries: Sequence[Itinerary]) -> str:
    """Return itineraries as Markdown (CommonMark with GitHub-style tables)."""
    template = markdown_environment().get_template("itinerary.md.j2")
    return template.render(itineraries=itineraries)


def render_itinerary_html(itineraries: Sequence[Itinerary]) -> str:
    """Return itineraries as one self-contained HTML document.

    Styles are inline and the route maps inline SVG, so the file needs nothing
    else; the print stylesheet starts each person and each day on a new page.
    """
    template = html_environment().get_template("itinerary.html.j2")
    maps = {
        it.person_id: render_route_map(it.route_map, map_id=f"map-{it.person_id}")
        for it in itineraries
    }
    return template.render(itineraries=itineraries, maps=maps)


def is_pdf_available() -> bool:
    """Tell whether PDFs can be written: ReportLab (the ``pdf`` extra) loads."""
    try:
        import reportlab  # noqa: F401, PLC0415 - an optional extra, loaded on demand
    except ImportError:
        return False
    return True


def available_formats() -> tuple[str, ...]:
    """Return the itinerary formats this installation can write."""
    return tuple(f for f in FORMATS if f != "pdf" or is_pdf_available())


def render_itinerary_pdf(itineraries: Sequence[Itinerary]) -> bytes:
    """Return itineraries as PDF: the cover, then each day on a page of its own.

    Laid out by :mod:`roadshow.exporters.itinerary_pdf` (ReportLab); the same
    itineraries give the same bytes.

    Raises:
        MissingDependencyError: ReportLab (the ``pdf`` extra) is missing.
    """
    if not is_pdf_available():
        msg = (
            "PDF itineraries need ReportLab, which is not installed;"
            f" install the extra with: {PDF_INSTALL_HINT}"
        )
        raise MissingDependencyError(msg)
    from roadshow.exporters.itinerary_pdf import render_pdf  # noqa: PLC0415

    return render_pdf(itineraries)


def render_itinerary(itineraries: Sequence[Itinerary], fmt: str) -> str | bytes:
    """Render itineraries in *fmt*: one of :data:`FORMATS`.

    Raises:
        MissingDependencyError: *fmt* is ``pdf`` and ReportLab is missing.
        InputError: *fmt* is not a known format.
    """
    renderers: dict[str, Callable[[Sequence[Itinerary]], str | bytes]] = {
        "text": render_itinerary_text,
        "md": render_itinerary_markdown,
        "html": render_itinerary_html,
        "pdf": render_itinerary_pdf,
    }
    if fmt not in renderers:
        msg = "unknown itinerary format"
        raise InputError(
            msg,
            source="format",
            expected="one of " + ", ".join(FORMATS),
            got=fmt,
            suggestion=closest(fmt, FORMATS),
        )
    return renderers[fmt](itineraries)
