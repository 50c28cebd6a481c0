"""The programme as a table: every scheduled item, for spreadsheets and tools.

One row per person per item: an event appears once for each attendee, a travel
leg and a night away once (for its traveller). Rows carry stable ids, UTC and
local times, the person, region, area and venue (or lodging) with its
coordinates. :func:`render_programme_csv` writes CSV for spreadsheets;
:func:`render_programme_json` writes JSON with the schema
``roadshow-programme/1`` documented in ``docs/programme-json.md`` (a JSON Schema
is in ``docs/programme.schema.json``).

Both are pure and deterministic: rows are sorted by UTC start, then item id,
then person.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any, Final

import pendulum
from pendulum import Date, DateTime

from roadshow.exporters.routemap import town_label
from roadshow.model import OvernightStay, Plan, Scenario, Venue
from roadshow.timeutil import minutes_of, tz_abbreviation

SCHEMA: Final = "roadshow-programme/1"

COLUMNS: Final = (
    "id",
    "item",
    "kind",
    "event_kind",
    "title",
    "person",
    "person_name",
    "start_utc",
    "end_utc",
    "start_local",
    "end_local",
    "zone",
    "minutes",
    "region",
    "region_name",
    "area",
    "area_name",
    "venue",
    "venue_name",
    "address",
    "lat",
    "lon",
    "from_venue",
    "mode",
    "distance_km",
)
"""The CSV columns, in order (the JSON items use the same keys)."""

# A spreadsheet runs a cell that starts with one of these as a formula (CSV
# injection); a leading apostrophe makes it text. Only text cells are touched:
# numbers are written by us from numbers.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def programme_rows(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    """Return the programme's rows: JSON-ready values keyed by :data:`COLUMNS`.

    Raises:
        UnknownReferenceError: the plan names a venue the scenario lacks.
    """
    tz = scenario.timezone
    people = scenario.person_by_id
    rows: list[dict[str, Any]] = []
    for event in plan.events:
        venue = scenario.find_venue(
            event.venue_id, obj=f"event {event.request_id}", field="venue"
        )
        region_id, area_id = scenario.event_place(event)
        rows.extend(
            {
                "id": f"{event.request_id}/{person_id}",
                "item": event.request_id,
                "kind": "event",
                "event_kind": event.kind,
                "title": event.title,
                "person": person_id,
                "person_name": _name(people, person_id),
                **_times(event.start, event.end, tz),
                "region": region_id,
                "region_name": _name(scenario.region_by_id, region_id),
                "area": area_id,
                "area_name": _name(scenario.area_by_id, area_id),
                **_place(venue),
                "from_venue": None,
                "mode": None,
                "distance_km": None,
            }
            for person_id in event.attendees
        )
    for leg in plan.legs:
        obj = f"leg of {leg.person_id}"
        origin = scenario.find_place(leg.from_id, obj=obj, field="venue")
        destination = scenario.find_place(leg.to_id, obj=obj, field="venue")
        item = f"travel:{leg.person_id}:{leg.depart.in_tz('UTC'):%Y%m%dT%H%MZ}"
        region_id = (
            scenario.venue_region(leg.to_id)
            if leg.to_id in scenario.venue_by_id
            else None  # a lodging lies in no region
        )
        rows.append(
            {
                "id": f"{item}/{leg.person_id}",
                "item": item,
                "kind": "travel",
                "event_kind": None,
                "title": f"{leg.mode.capitalize()} to {destination.name}",
                "person": leg.person_id,
                "person_name": _name(people, leg.person_id),
                **_times(leg.depart, leg.arrive, tz),
                "region": region_id,
                "region_name": _name(scenario.region_by_id, region_id),
                "area": destination.area_id,
                "area_name": _name(scenario.area_by_id, destination.area_id),
                **_place(destination),
                "from_venue": origin.venue_id,
                "mode": leg.mode,
                "distance_km": leg.distance_km,
            }
        )
    rows.extend(_night_row(scenario, plan, stay) for stay in plan.stays)
    rows.sort(key=lambda r: (r["start_utc"], r["item"], r["person"]))
    return rows


def _night_row(scenario: Scenario, plan: Plan, stay: OvernightStay) -> dict[str, Any]:
    """A night away: from the end of the person's day to the start of the next.

    At a lodging, the row names it; with none near, the venue the night is near,
    titled "Hotel to be booked near <town>" as the itinerary says.
    """
    tz = scenario.timezone
    person_id = stay.person_id
    obj = f"night of {person_id}"
    place = scenario.find_place(stay.venue_id, obj=obj, field="venue")
    lodging = scenario.lodging_by_id.get(stay.venue_id)
    morning = stay.night_of.add(days=1)
    events, legs = plan.events_for(person_id), plan.legs_for(person_id)
    ends = [e.end for e in events if e.end.in_tz(tz).date() == stay.night_of]
    ends += [leg.arrive for leg in legs if leg.arrive.in_tz(tz).date() == stay.night_of]
    starts = [e.start for e in events if e.start.in_tz(tz).date() == morning]
    starts += [leg.depart for leg in legs if leg.depart.in_tz(tz).date() == morning]
    start = max(ends, default=_local(stay.night_of, _EVENING, tz))
    end = min(starts, default=_local(morning, _MORNING, tz))
    region_id = None if lodging else scenario.venue_region(stay.venue_id)
    item = f"night:{person_id}:{stay.night_of.isoformat()}"
    return {
        "id": f"{item}/{person_id}",
        "item": item,
        "kind": "night",
        "event_kind": None,
        "title": f"Night at {lodging.name}"
        if lodging
        else f"Hotel to be booked near {town_label(place)}",
        "person": person_id,
        "person_name": _name(scenario.person_by_id, person_id),
        **_times(start, max(start, end), tz),
        "region": region_id,
        "region_name": _name(scenario.region_by_id, region_id),
        "area": place.area_id,
        "area_name": _name(scenario.area_by_id, place.area_id),
        **_place(place),
        "from_venue": None,
        "mode": None,
        "distance_km": None,
    }


_EVENING: Final = 20
"""The hour a night away starts when the person has no item that evening."""
_MORNING: Final = 8
"""The hour it ends when they have none the next morning."""


def _local(on: Date, hour: int, tz: str) -> DateTime:
    return pendulum.datetime(on.year, on.month, on.day, hour, tz=tz)


def _name(table: Mapping[str, object], key: str | None) -> str | None:
    if key is None:
        return None
    return str(getattr(table.get(key), "name", key))


def _times(start: DateTime, end: DateTime, tz: str) -> dict[str, Any]:
    local_start, local_end = start.in_tz(tz), end.in_tz(tz)
    zones = dict.fromkeys((tz_abbreviation(local_start), tz_abbreviation(local_end)))
    return {
        "start_utc": _utc(start),
        "end_utc": _utc(end),
        "start_local": local_start.isoformat(),
        "end_local": local_end.isoformat(),
        "zone": "/".join(zones),
        "minutes": minutes_of(end - start),
    }


def _utc(value: DateTime) -> str:
    # strftime, not pendulum's format(): the same text, without parsing tokens.
    return value.in_tz("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _place(venue: Venue) -> dict[str, Any]:
    return {
        "venue": venue.venue_id,
        "venue_name": venue.name,
        "address": venue.address,
        "lat": venue.lat,
        "lon": venue.lon,
    }


def neutralize_cell(value: str) -> str:
    """Return a text cell a spreadsheet will not run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe, which spreadsheets show as text.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralize_cell(value)
    return str(value)


def render_programme_csv(scenario: Scenario, plan: Plan) -> str:
    """Return the programme as CSV (RFC 4180: header row, CRLF line ends).

    The text starts with a UTF-8 byte order mark so spreadsheets read names with
    accents correctly; :mod:`csv` reads it back with ``encoding="utf-8-sig"``.

    Raises:
        UnknownReferenceError: the plan names a venue the scenario lacks.
    """
    return _csv(programme_rows(scenario, plan))


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
    return "\ufeff" + out.getvalue()


def render_programme_json(scenario: Scenario, plan: Plan) -> str:
    """Return the programme as JSON (schema ``roadshow-programme/1``).

    Raises:
        UnknownReferenceError: the plan names a venue the scenario lacks.
    """
    return _json(scenario, programme_rows(scenario, plan))


def render_programme_tables(scenario: Scenario, plan: Plan) -> tuple[str, str]:
    """Return the programme as CSV and as JSON, from one pass over the plan.

    Raises:
        UnknownReferenceError: the plan names a venue the scenario lacks.
    """
    rows = programme_rows(scenario, plan)
    return _csv(rows), _json(scenario, rows)


def _json(scenario: Scenario, rows: list[dict[str, Any]]) -> str:
    data = {
        "schema": SCHEMA,
        "scenario": scenario.scenario_id,
        "timezone": scenario.timezone,
        "items": rows,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
