"""Plain-text reports: scenario and plan summaries, journeys, violations, areas.

Each ``render_*`` function is pure and returns the text; the CLI prints it on a
terminal, so every name, title and reason from a scenario or plan goes through
:func:`~roadshow.exporters._text.inert` (tables do it for their cells).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from attrs import frozen

from roadshow.checks import Violation
from roadshow.exporters._text import inert, table
from roadshow.exporters.routemap import town_label
from roadshow.model import (
    Area,
    OvernightStay,
    Person,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelSettings,
    Venue,
)
from roadshow.model.places import VENUE_TO_CONFIRM
from roadshow.nights import night_reasons
from roadshow.objective import Objective
from roadshow.rules import working_days
from roadshow.timeutil import format_duration, short_day, tz_abbreviation
from roadshow.travel import Journey


def render_scenario_summary(scenario: Scenario) -> str:
    """Return a readable summary: window, calendar, people, regions, requests."""
    days = working_days(scenario.start_on, scenario.end_on, scenario.calendar)
    out = [
        f"{inert(scenario.name)} ({scenario.scenario_id})",
        (
            f"Window     {short_day(scenario.start_on)} to {short_day(scenario.end_on)}"
            f" ({len(days)} working days, {scenario.timezone})"
        ),
        f"Calendar   holidays {scenario.calendar.holidays or 'none'}",
        "",
        "People",
    ]
    people_rows = [
        (
            p.person_id,
            p.name,
            p.role,
            p.region_id or "",
            scenario.venue_by_id[p.home_venue_id].name,
            str(p.working_hours),
        )
        for p in scenario.people
    ]
    out.append(
        table(
            ("id", "name", "role", "region", "home", "working hours"),
            people_rows,
            indent="  ",
        )
    )
    if scenario.regions:
        area_counts = Counter(a.region_id for a in scenario.areas)
        region_rows = [
            (
                r.region_id,
                r.name,
                scenario.venue_by_id[r.hq_venue_id].address,
                area_counts[r.region_id],
            )
            for r in scenario.regions
        ]
        out += [
            "Regions",
            table(("id", "name", "hq", "areas"), region_rows, indent="  "),
        ]
    kinds = Counter(r.kind for r in scenario.requests)
    request_rows = [(kind, n) for kind, n in sorted(kinds.items())]
    out += ["Requests", table(("kind", "count"), request_rows, indent="  ")]
    closures = f", {len(scenario.closures)} venue closures" if scenario.closures else ""
    out.append(
        f"Diaries    {len(scenario.commitments)} commitments, "
        f"{len(scenario.blackouts)} blackouts{closures}; {len(scenario.venues)} venues"
    )
    return "\n".join(out) + "\n"


def render_journey(
    journey: Journey, start: Venue, end: Venue, settings: TravelSettings
) -> str:
    """Return the ``roadshow travel`` answer: places, distance, mode, time and why."""
    if journey.source == "table":
        how = "from the scenario's travel-time table"
    elif journey.minutes == 0:
        how = "same place"
    else:
        params = settings.params(journey.mode)
        how = (
            f"{params.circuity:g} x {journey.distance_km:.1f} km"
            f" at {params.speed_kmh:g} km/h"
            f" + {format_duration(params.overhead)} overhead"
        )
    rows = [
        ("From", inert(start.label)),
        ("To", inert(end.label)),
        ("Distance", f"{journey.distance_km:.1f} km (geodesic)"),
        ("Mode", journey.mode),
        ("Time", f"{format_duration(journey.minutes)} door to door ({how})"),
    ]
    return "".join(f"{label:<10}{value}\n" for label, value in rows)


def render_plan_summary(
    scenario: Scenario,
    plan: Plan,
    objective: Objective,
    violations: Sequence[Violation],
    notes: Sequence[str] = (),
) -> str:
    """Return the plan report: people's load, regions, figures, problems."""
    kinds = Counter(r.kind for r in scenario.requests)
    placed = Counter(e.kind for e in plan.events)
    out = [
        f"{inert(scenario.name)} ({scenario.scenario_id})",
        f"Placed {sum(placed.values())} of {sum(kinds.values())} events ("
        + ", ".join(f"{placed[k]}/{n} {k}" for k, n in sorted(kinds.items()))
        + f"); {len(plan.unplaced)} unplaced.",
        "",
    ]
    for role, title in (("principal", "Principals"), ("chair", "Chairs")):
        people = [p for p in scenario.people if p.role == role]
        if people:
            out += [
                title,
                table(_LOAD_HEADERS, [_load(p, plan) for p in people], indent="  "),
            ]
    others = [p for p in scenario.people if p.role not in ("principal", "chair")]
    if others:
        out += [
            "Others",
            table(_LOAD_HEADERS, [_load(p, plan) for p in others], indent="  "),
        ]
    out += _people_lines(scenario, plan)
    by_region = Counter((e.region_id, e.kind) for e in plan.events if e.region_id)
    if scenario.regions and by_region:
        kind_names = sorted({k for _, k in by_region})
        rows = [
            (r.name, *(by_region[(r.region_id, k)] for k in kind_names))
            for r in scenario.regions
        ]
        out += ["Events by region", table(("region", *kind_names), rows, indent="  ")]
    out.append(
        f"Objective  travel {objective.travel_hours:.1f} person-hours;"
        f" {objective.nights_away} nights away;"
        f" {objective.late_finishes} late finishes;"
        f" {objective.neighbour_clashes} neighbour clashes;"
        f" {objective.preference_minutes} minutes from preferred times"
    )
    out.extend(notes)
    errors = sum(v.is_hard for v in violations)
    out.append(f"Checker    {_problems(errors, len(violations) - errors)}")
    if plan.unplaced:
        out += ["", "Unplaced"]
        out += [f"  - {inert(u.reason)}" for u in plan.unplaced]
    return "\n".join(out) + "\n"


_LOAD_HEADERS = ("person", "events", "travel h", "nights away", "first", "last")


def events_by_kind(scenario: Scenario, events: Sequence[ScheduledEvent]) -> str:
    """Say what a person's events are: ``10 listening, 10 clinical, 1 national``.

    Events are counted by the series their request was made from (the listening
    events and the clinical leaders sessions share the kind ``tour``), else by
    kind; most first, then by name.
    """
    requests = scenario.request_by_id
    counts = Counter(
        (r.series if (r := requests.get(e.request_id)) and r.series else e.kind)
        for e in events
    )
    ranked = sorted(counts.items(), key=lambda kc: (-kc[1], kc[0]))
    return ", ".join(f"{n} {inert(kind)}" for kind, n in ranked)


def _people_lines(scenario: Scenario, plan: Plan) -> list[str]:
    """Per person: events by kind, and each night away with its reason."""
    reasons = night_reasons(scenario, plan)
    out = []
    for person in scenario.people:
        events = plan.events_for(person.person_id)
        stays = plan.stays_for(person.person_id)
        if not events and not stays:
            continue
        noun = "event" if len(events) == 1 else "events"
        line = f"  {inert(person.name)}: {len(events)} {noun}"
        if events:
            line += f" ({events_by_kind(scenario, events)})"
        out.append(line)
        nights = [
            f"{stay.night_of.day} {stay.night_of:%b} {_night_town(scenario, stay)}"
            f" ({', '.join(reasons[stay.person_id, stay.night_of].reasons)})"
            for stay in stays
        ]
        if nights:
            out += _wrapped("    nights away: ", nights, "      ")
    return ["Events by kind and nights away (why)", *out, ""] if out else []


def _wrapped(
    first: str, parts: Sequence[str], indent: str, width: int = 88
) -> list[str]:
    """Join *parts* with "; " into lines of at most *width*, never splitting one."""
    lines, line = [], first
    for n, part in enumerate(parts):
        text = part + (";" if n < len(parts) - 1 else "")
        if line not in (first, indent) and len(line) + 1 + len(text) > width:
            lines.append(line)
            line = indent
        line += ("" if line in (first, indent) else " ") + text
    return [*lines, line]


def _night_town(scenario: Scenario, stay: OvernightStay) -> str:
    """The lodging's name, or the town the night is near."""
    lodging = scenario.lodging_by_id.get(stay.venue_id)
    if lodging is not None:
        return inert(lodging.name)
    venue = scenario.place_by_id.get(stay.venue_id)
    return inert(town_label(venue)) if venue is not None else inert(stay.venue_id)


def _load(person: Person, plan: Plan) -> tuple[object, ...]:
    events = plan.events_for(person.person_id)
    minutes = sum(leg.minutes for leg in plan.legs_for(person.person_id))
    first = events[0].start.format("D MMM") if events else ""
    last = events[-1].start.format("D MMM") if events else ""
    return (
        person.name,
        len(events),
        round(minutes / 60, 1),
        len(plan.stays_for(person.person_id)),
        first,
        last,
    )


def _problems(errors: int, warnings: int) -> str:
    """Say ``1 error, 2 warnings``: singular for one, plural otherwise."""
    return (
        f"{errors} error{'' if errors == 1 else 's'},"
        f" {warnings} warning{'' if warnings == 1 else 's'}"
    )


def render_violations(scenario: Scenario, violations: Sequence[Violation]) -> str:
    """Return violations grouped by person and day, errors marked, then a total."""
    if not violations:
        return "No problems found.\n"
    tz = scenario.timezone
    groups: dict[tuple[str, str], list[Violation]] = {}
    for v in violations:
        who = (
            scenario.person_by_id[v.person_id].name
            if v.person_id in scenario.person_by_id
            else "Programme"
        )
        day = short_day(v.when.in_tz(tz).date()) if v.when else "any day"
        groups.setdefault((who, day), []).append(v)
    out = []
    for (who, day), found in groups.items():
        out.append(f"{inert(who)}, {day}")
        out += [
            f"  {'ERROR' if v.is_hard else 'warn '} [{v.rule}] {inert(v.message)}"
            for v in found
        ]
    errors = sum(v.is_hard for v in violations)
    out.append(_problems(errors, len(violations) - errors))
    return "\n".join(out) + "\n"


@frozen(kw_only=True)
class AreaEntry:
    """One row of ``roadshow areas``: an area and one of its requests, placed or not.

    ``request_id`` is None when the scenario asks for nothing in the area;
    ``event`` is None when the request is not in the plan, and ``reason`` then
    says why (the planner's words, or that the plan does not list it).
    """

    area: Area
    request_id: str | None = None
    event: ScheduledEvent | None = None
    reason: str = ""

    @property
    def is_missing(self) -> bool:
        """Tell whether something was asked for in the area but is not planned."""
        return self.request_id is not None and self.event is None


def area_entries(
    scenario: Scenario, plan: Plan, region_id: str | None = None
) -> tuple[AreaEntry, ...]:
    """Return each area's requests with their planned events, in scenario order.

    Args:
        scenario: The scenario the plan belongs to.
        plan: The plan to read events and unplaced reasons from.
        region_id: Only the areas of this region (all when None).
    """
    placed = {e.request_id: e for e in plan.events}
    unplaced = {u.request_id: u.reason for u in plan.unplaced}
    by_area: dict[str, list[str]] = {}
    for request in scenario.requests:
        area_id = scenario.area_of(request)
        if area_id is not None:
            by_area.setdefault(area_id, []).append(request.request_id)
    entries = []
    for area in scenario.areas:
        if region_id is not None and area.region_id != region_id:
            continue
        requests = by_area.get(area.area_id, [])
        if not requests:
            entries.append(AreaEntry(area=area, reason="nothing requested"))
        entries.extend(
            AreaEntry(area=area, request_id=request_id, event=placed[request_id])
            if request_id in placed
            else AreaEntry(
                area=area,
                request_id=request_id,
                reason=unplaced.get(request_id, "not in the plan"),
            )
            for request_id in requests
        )
    return tuple(entries)


def render_areas(scenario: Scenario, entries: Sequence[AreaEntry]) -> str:
    """Return one row per entry: area, region, date, local time and venue.

    Times are in the scenario's time zone and carry its abbreviation (``BST``
    until summer time ends on 26 Oct 2008, ``GMT`` after). Rows not planned say
    "not planned" and give the reason in place of the venue.
    """
    if not entries:
        return "No areas.\n"
    rows = []
    for entry in entries:
        area = entry.area
        region = scenario.region_by_id[area.region_id].name
        event = entry.event
        if event is None:
            when, time, where = "not planned", "", entry.reason
        else:
            start = event.start.in_tz(scenario.timezone)
            end = event.end.in_tz(scenario.timezone)
            when = short_day(start.date())
            time = f"{start:%H:%M}-{end:%H:%M} {tz_abbreviation(start)}"
            venue = scenario.venue_by_id.get(event.venue_id)
            where = _venue_name(venue) if venue else event.venue_id
        rows.append((area.area_id, area.name, region, when, time, where))
    planned = sum(entry.event is not None for entry in entries)
    missing = sum(entry.is_missing for entry in entries)
    areas = len({entry.area.area_id for entry in entries})
    total = f"{areas} areas: {planned} events planned, {missing} not planned.\n"
    return table(("area", "name", "region", "date", "time", "venue"), rows) + total


def _venue_name(venue: Venue) -> str:
    # A venue known only by its town reads "Durham (to be confirmed)", not a
    # column of identical "Venue to be confirmed".
    if venue.name == VENUE_TO_CONFIRM:
        return f"{venue.address.split(' (')[0]} (to be confirmed)"
    return venue.name
