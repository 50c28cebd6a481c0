"""Calendar export cost: roadshow's .ics against plain icalendar on the same events.

Both sides turn the same plan's events into one VCALENDAR with icalendar: the
plain side writes the fields a calendar needs (UID, DTSTAMP, times with their
zone, summary, location); roadshow's exporter adds its descriptions, categories,
sequence numbers and the VTIMEZONE it builds. The ratio is what roadshow's
exporter costs over the bare library. Run through ``python -m bench``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import icalendar
import pendulum

from roadshow.exporters.ics import PlanVersion, event_uid, render_ics
from roadshow.importers.plan_file import load_plan_file
from roadshow.model import Plan, Scenario

STAMP = pendulum.datetime(2008, 9, 1, 8, tz="UTC")


def plain_ics(scenario: Scenario, plan: Plan) -> bytes:
    """The plan's events as a minimal calendar, straight from icalendar."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//plain icalendar//EN")
    calendar.add("version", "2.0")
    venues = scenario.venue_by_id
    for e in plan.events:
        event = icalendar.Event()
        event.add("uid", event_uid(scenario.scenario_id, e.request_id))
        event.add("dtstamp", STAMP)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", e.title)
        event.add("location", venues[e.venue_id].label)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def roadshow_ics(scenario: Scenario, plan: Plan) -> bytes:
    """The plan's programme calendar (events only, as published) from roadshow."""
    return render_ics(
        scenario, plan, PlanVersion.unrecorded(STAMP), audience="public", travel=False
    )


def measure(scenario: Scenario, plan_path: Path, repeats: int = 3) -> dict[str, Any]:
    """Time both renderers on the plan saved at *plan_path* (median of *repeats*)."""
    plan = load_plan_file(plan_path)
    times: dict[str, list[float]] = {"roadshow": [], "plain": []}
    sizes = {}
    for _ in range(repeats):
        for name, render in (("plain", plain_ics), ("roadshow", roadshow_ics)):
            began = time.perf_counter()
            data = render(scenario, plan)
            times[name].append(time.perf_counter() - began)
            sizes[name] = len(data)
    roadshow = statistics.median(times["roadshow"])
    plain = statistics.median(times["plain"])
    return {
        "events": len(plan.events),
        "roadshow_seconds": round(roadshow, 3),
        "plain_seconds": round(plain, 3),
        "ratio": round(roadshow / plain, 2),
        "roadshow_bytes": sizes["roadshow"],
        "plain_bytes": sizes["plain"],
    }
