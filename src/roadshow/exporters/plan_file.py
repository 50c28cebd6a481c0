"""The plan file: a plan as JSON (``roadshow-plan/1``); importers.plan_file reads it.

Times are ISO 8601 with their UTC offset; keys are sorted and the layout fixed,
so the same plan always renders to the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from roadshow.model import Plan

SCHEMA = "roadshow-plan/1"


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """Return the plan as plain JSON-ready data."""
    return {
        "schema": SCHEMA,
        "scenario": plan.scenario_id,
        "events": [
            {
                "request": e.request_id,
                "title": e.title,
                "kind": e.kind,
                "venue": e.venue_id,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "attendees": list(e.attendees),
                "lead": e.lead,
                "region": e.region_id,
                "area": e.area_id,
            }
            for e in plan.events
        ],
        "legs": [
            {
                "person": leg.person_id,
                "from": leg.from_id,
                "to": leg.to_id,
                "mode": leg.mode,
                "depart": leg.depart.isoformat(),
                "arrive": leg.arrive.isoformat(),
                "distance_km": leg.distance_km,
            }
            for leg in plan.legs
        ],
        "stays": [
            {
                "person": s.person_id,
                "night_of": s.night_of.isoformat(),
                "venue": s.venue_id,
            }
            for s in plan.stays
        ],
        "unplaced": [
            {"request": u.request_id, "reason": u.reason, "rules": list(u.rules)}
            for u in plan.unplaced
        ],
    }


def render_plan_file(plan: Plan) -> str:
    """Return the plan file text (UTF-8 JSON, two-space indent, trailing newline)."""
    return (
        json.dumps(plan_to_data(plan), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n"
    )
