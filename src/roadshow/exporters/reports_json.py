r"""``check --format json`` and ``areas --format json``: the reports for tools.

Schemas ``roadshow-check/1`` and ``roadshow-areas/1``, documented in
``docs/cli-json.md``. Keys come in a fixed order, and the text is ASCII (other
characters as ``\uXXXX`` escapes), so the output is the same bytes for the same
plan and holds no character a terminal would act on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from pendulum import DateTime

from roadshow.checks import Violation
from roadshow.exporters.summary import AreaEntry
from roadshow.model import Plan, Scenario
from roadshow.objective import Objective

CHECK_SCHEMA: Final = "roadshow-check/1"
AREAS_SCHEMA: Final = "roadshow-areas/1"


def render_check_json(
    scenario: Scenario,
    plan: Plan,
    violations: Sequence[Violation],
    objective: Objective,
) -> str:
    """Return the check report as JSON (schema ``roadshow-check/1``)."""
    errors = sum(v.is_hard for v in violations)
    data = {
        "schema": CHECK_SCHEMA,
        "scenario": scenario.scenario_id,
        "errors": errors,
        "warnings": len(violations) - errors,
        "objective": {
            "travel_minutes": objective.travel_minutes,
            "nights_away": objective.nights_away,
            "late_finishes": objective.late_finishes,
            "neighbour_clashes": objective.neighbour_clashes,
            "preference_minutes": objective.preference_minutes,
            "unplaced": len(plan.unplaced),
            "idle_days": objective.idle_days,
            "tight_days": objective.tight_days,
        },
        "violations": [
            {
                "severity": v.severity,
                "rule": v.rule,
                "person": v.person_id,
                "request": v.request_id,
                "when": _time(v.when, scenario),
                "message": v.message,
            }
            for v in violations
        ],
    }
    return _dump(data)


def render_areas_json(scenario: Scenario, entries: Sequence[AreaEntry]) -> str:
    """Return ``roadshow areas`` as JSON (schema ``roadshow-areas/1``)."""
    rows = []
    for entry in entries:
        area, event = entry.area, entry.event
        venue = scenario.venue_by_id.get(event.venue_id) if event else None
        rows.append(
            {
                "area": area.area_id,
                "name": area.name,
                "region": area.region_id,
                "region_name": scenario.region_by_id[area.region_id].name,
                "request": entry.request_id,
                "planned": event is not None,
                "start": _time(event.start, scenario) if event else None,
                "end": _time(event.end, scenario) if event else None,
                "venue": event.venue_id if event else None,
                "venue_name": venue.name if venue else None,
                "reason": entry.reason if event is None else None,
            }
        )
    data = {
        "schema": AREAS_SCHEMA,
        "scenario": scenario.scenario_id,
        "timezone": scenario.timezone,
        "areas": rows,
        "totals": {
            "areas": len({entry.area.area_id for entry in entries}),
            "planned": sum(entry.event is not None for entry in entries),
            "not_planned": sum(entry.is_missing for entry in entries),
        },
    }
    return _dump(data)


def _time(value: DateTime | None, scenario: Scenario) -> str | None:
    """Return an instant as ISO 8601 local time with its offset (``+01:00``)."""
    return value.in_tz(scenario.timezone).isoformat() if value is not None else None


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=True) + "\n"
