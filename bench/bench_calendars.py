"""Time the calendar outputs of a full-size plan (run: python bench/bench_calendars.py).

The plan places every request of the bundled scenario (174 events), one a day at
10:00 from 1 Sep 2008, with a rail leg there and back for each attendee, and
times what ``plan --out`` adds: recording the version in the history, rendering
every calendar (internal and public splits) and writing the version folder.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

import pendulum

from roadshow.data import nhs2008
from roadshow.model import Plan, ScheduledEvent, TravelLeg
from roadshow.outputs import publish_plan


def full_plan() -> Plan:
    """Every request placed, one a day, with legs there and back."""
    scenario = nhs2008.scenario()
    events, legs = [], []
    start = pendulum.datetime(2008, 9, 1, 10, tz="Europe/London")
    for day, request in enumerate(scenario.requests):
        begin = start.add(days=day)
        venue = scenario.candidate_venues(request)[0].venue_id
        events.append(
            ScheduledEvent(
                request_id=request.request_id,
                title=request.title,
                kind=request.kind,
                venue_id=venue,
                start=begin,
                end=begin.add(minutes=request.duration_minutes),
                attendees=request.attendees,
                lead=request.lead,
                region_id=scenario.region_of(request),
                area_id=scenario.area_of(request),
            )
        )
        for person_id in request.attendees:
            home = scenario.person_by_id[person_id].home_venue_id
            legs.append(
                TravelLeg(
                    person_id=person_id,
                    from_id=home,
                    to_id=venue,
                    mode="rail",
                    depart=begin.subtract(hours=3),
                    arrive=begin.subtract(minutes=15),
                    distance_km=300.0,
                )
            )
            end = begin.add(minutes=request.duration_minutes)
            legs.append(
                TravelLeg(
                    person_id=person_id,
                    from_id=venue,
                    to_id=home,
                    mode="rail",
                    depart=end.add(minutes=15),
                    arrive=end.add(hours=3),
                    distance_km=300.0,
                )
            )
    return Plan(scenario_id=scenario.scenario_id, events=events, legs=legs)


def main() -> None:
    """Record, render and write once; print time, size and memory."""
    scenario = nhs2008.scenario()
    plan = full_plan()
    stamp = pendulum.datetime(2008, 9, 1, 8, tz="UTC")
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        files = publish_plan(folder, scenario, plan, issued_at=stamp).files
        written = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    # Memory in a second run: tracemalloc slows the code it watches.
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        publish_plan(folder, scenario, plan, issued_at=stamp)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"events {len(plan.events)}, legs {len(plan.legs)}, files {len(files)}")
    print(f"record + render + write (one version, fsynced): {written - began:.2f} s")
    print(f"output {size / 1e6:.1f} MB; peak traced memory {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
