"""Plain-text summaries of a scenario (``roadshow show``)."""

from __future__ import annotations

from collections import Counter

from pendulum import Date

from roadshow.exporters._text import table
from roadshow.model import Scenario, TravelSettings, Venue
from roadshow.rules import working_days
from roadshow.timeutil import format_duration
from roadshow.travel import Journey


def render_scenario_summary(scenario: Scenario) -> str:
    """Return a readable summary: window, calendar, people, regions, requests."""
    days = working_days(scenario.start_on, scenario.end_on, scenario.calendar)
    out = [
        f"{scenario.name} ({scenario.scenario_id})",
        (
            f"Window     {_day(scenario.start_on)} to {_day(scenario.end_on)}"
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
    out.append(
        f"Diaries    {len(scenario.commitments)} commitments, "
        f"{len(scenario.blackouts)} blackouts; {len(scenario.venues)} venues"
    )
    return "\n".join(out) + "\n"


def _day(day: Date) -> str:
    return day.format("ddd D MMM YYYY")


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
        ("From", start.label),
        ("To", end.label),
        ("Distance", f"{journey.distance_km:.1f} km (geodesic)"),
        ("Mode", journey.mode),
        ("Time", f"{format_duration(journey.minutes)} door to door ({how})"),
    ]
    return "".join(f"{label:<10}{value}\n" for label, value in rows)
