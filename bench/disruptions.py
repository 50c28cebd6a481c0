"""Disruption benchmark: how much a re-plan changes, against a plan from scratch.

``python -m bench.disruptions`` plans the default programme (nhs-2008), then
applies seeded single disruptions to it one at a time: a person unavailable for
a working day or an evening, a venue lost for a week, a request added, one
removed, and a pin moved. For each it re-plans against the published plan (the
baseline) and plans afresh, and reports:

- ``invalid``: published events the disruption directly invalidates, a lower
  bound on what any plan must change. The independent checker
  (:func:`roadshow.checks.check`) judges the published plan under the disrupted
  scenario; every event it reports a hard violation for counts, as does an
  event whose request was removed.
- ``re-plan``/``fresh``: published events each plan changes (moved to another
  day, venue or time, or no longer placed).
- travel and unplaced before and after, and the time of each plan.

A venue is lost for a week: the week (Monday to Sunday) of a published event,
as a venue closure. Figures are counted, not timed, except the two times.
``--count`` sets the number of disruptions (default 24, four of each kind).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pendulum

from roadshow.checks import check
from roadshow.data import nhs2008
from roadshow.model import Closure, Commitment, Plan, Scenario, ScheduledEvent
from roadshow.planner import Result, solve

SATURDAY = 5

KINDS = ("day", "evening", "venue", "add", "remove", "pin")


@attrs.frozen
class Disruption:
    """One change to the scenario, in words, and the scenario it makes."""

    kind: str
    label: str
    scenario: Scenario


def _events(plan: Plan) -> list[ScheduledEvent]:
    return sorted(plan.events, key=lambda e: (e.start, e.request_id))


def disrupt(base: Scenario, plan: Plan, kind: str, rng: random.Random) -> Disruption:
    """Make one disruption of *kind* to *base*, aimed at an event of *plan*."""
    tz = base.timezone
    events = _events(plan)
    event = rng.choice(events)
    local = event.start.in_tz(tz)
    requests = base.request_by_id
    if kind in {"day", "evening"}:
        who = rng.choice(event.attendees)
        hours = (8, 19) if kind == "day" else (17, 23)
        busy = Commitment(
            person_id=who,
            start=local.replace(hour=hours[0], minute=0),
            end=local.replace(hour=hours[1], minute=0),
            label=f"Bench {kind}",
        )
        name = base.person_by_id[who].name
        return Disruption(
            kind=kind,
            label=f"{name} busy {local:%a %d %b} {hours[0]}-{hours[1]}h",
            scenario=attrs.evolve(base, commitments=(*base.commitments, busy)),
        )
    if kind == "venue":
        # The venue of a published event lost for that event's week (Mon-Sun).
        day = local.date()
        monday = day.subtract(days=day.weekday())
        shut = Closure.days(
            event.venue_id, monday, monday.add(days=6), tz=tz, reason="Bench closure"
        )
        name = base.venue_title(event.venue_id)
        return Disruption(
            kind=kind,
            label=shut.describe(name, tz).removesuffix(": Bench closure"),
            scenario=attrs.evolve(base, closures=(*base.closures, shut)),
        )
    if kind == "add":
        roots = [r for r in base.requests if r.follows is None and r.pin_on is None]
        copy = rng.choice(roots)
        extra = attrs.evolve(copy, request_id=f"{copy.request_id}-extra")
        return Disruption(
            kind=kind,
            label=f"request {extra.request_id} added",
            scenario=attrs.evolve(base, requests=(*base.requests, extra)),
        )
    followed = {r.follows for r in base.requests}
    if kind == "remove":
        leaves = [e for e in events if e.request_id not in followed]
        gone = rng.choice(leaves).request_id
        return Disruption(
            kind=kind,
            label=f"request {gone} removed",
            scenario=attrs.evolve(
                base,
                requests=tuple(r for r in base.requests if r.request_id != gone),
            ),
        )
    movable = [
        e
        for e in events
        if requests[e.request_id].follows is None
        and e.request_id not in followed
        and requests[e.request_id].pin_on is None
    ]
    event = rng.choice(movable)
    local = event.start.in_tz(tz)
    day = local.date()
    while day == local.date() or day.weekday() >= SATURDAY:
        day = local.date().add(days=rng.choice([-2, -1, 1, 2]))
    pinned = attrs.evolve(requests[event.request_id], pin_on=day, pin_at=local.time())
    return Disruption(
        kind=kind,
        label=f"{event.request_id} pinned to {day:%a %d %b}",
        scenario=attrs.evolve(
            base,
            requests=tuple(
                pinned if r.request_id == event.request_id else r for r in base.requests
            ),
        ),
    )


def changed_events(before: Plan, after: Plan) -> int:
    """Published events *after* moves (day, venue or time) or no longer places."""
    now = {e.request_id: e for e in after.events}
    return sum(
        1
        for e in before.events
        if e.request_id not in now
        or (now[e.request_id].start, now[e.request_id].end, now[e.request_id].venue_id)
        != (e.start, e.end, e.venue_id)
    )


def invalidated(scenario: Scenario, plan: Plan) -> int:
    """Published events the checker finds broken under *scenario* (a lower bound).

    A violation of an event counts for it; one of a person at a time (a diary
    clash, a journey that no longer fits) counts for that person's next event
    that day (else their last before it), the one the broken journey serves.
    """
    published = {e.request_id for e in plan.events}
    known = scenario.request_by_id
    tz = scenario.timezone
    broken = {rid for rid in published if rid not in known}
    for v in check(scenario, plan):
        if not v.is_hard:
            continue
        if v.request_id in published:
            broken.add(v.request_id)
        elif v.person_id is not None and v.when is not None:
            when = v.when
            day = [
                e
                for e in plan.events_for(v.person_id)
                if e.start.in_tz(tz).date() == when.in_tz(tz).date()
            ]
            after = [e for e in day if e.end > when]
            if after or day:
                broken.add((after or day[::-1])[0].request_id)
    return len(broken)


def _timed(run: Callable[[], Result]) -> tuple[Result, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def measure(count: int, seed: int) -> dict[str, Any]:
    """Plan the default programme; after each disruption, re-plan and plan afresh."""
    base = nhs2008.scenario()
    published, fresh_seconds = _timed(lambda: solve(base))
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        disruption = disrupt(base, published.plan, KINDS[index % len(KINDS)], rng)
        scenario = disruption.scenario
        replan, replan_seconds = _timed(
            lambda s=scenario: solve(s, baseline=published.plan)
        )
        fresh, seconds = _timed(lambda s=scenario: solve(s))
        rows.append(
            {
                "kind": disruption.kind,
                "disruption": disruption.label,
                "invalid": invalidated(scenario, published.plan),
                "replan_changed": changed_events(published.plan, replan.plan),
                "fresh_changed": changed_events(published.plan, fresh.plan),
                "travel_before": round(published.objective.travel_hours, 1),
                "replan_travel": round(replan.objective.travel_hours, 1),
                "fresh_travel": round(fresh.objective.travel_hours, 1),
                "replan_unplaced": replan.objective.unplaced,
                "fresh_unplaced": fresh.objective.unplaced,
                "replan_seconds": round(replan_seconds, 2),
                "fresh_seconds": round(seconds, 2),
            }
        )
    return {
        "scenario": base.scenario_id,
        "events": len(published.plan.events),
        "seed": seed,
        "first_plan_seconds": round(fresh_seconds, 2),
        "rows": rows,
        "summary": summary(rows),
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Medians and totals of the rows, and whether the targets are met."""

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in rows))

    invalid, changed = median("invalid"), median("replan_changed")
    return {
        "median_invalid": invalid,
        "median_replan_changed": changed,
        "median_fresh_changed": median("fresh_changed"),
        "median_replan_seconds": median("replan_seconds"),
        "median_fresh_seconds": median("fresh_seconds"),
        "changed_target_met": float(changed <= 1.5 * invalid),
        "time_target_met": float(
            all(r["replan_seconds"] <= r["fresh_seconds"] for r in rows)
        ),
    }


def render(figures: dict[str, Any]) -> str:
    """The figures as a Markdown table with a summary line."""
    head = (
        "| # | disruption | invalid | changed (re-plan) | changed (fresh)"
        " | travel h before | re-plan | fresh | unplaced re-plan/fresh"
        " | re-plan s | fresh s |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for number, r in enumerate(figures["rows"], 1):
        lines.append(
            f"| {number} | {r['disruption']} | {r['invalid']} | {r['replan_changed']}"
            f" | {r['fresh_changed']} | {r['travel_before']} | {r['replan_travel']}"
            f" | {r['fresh_travel']} | {r['replan_unplaced']}/{r['fresh_unplaced']}"
            f" | {r['replan_seconds']} | {r['fresh_seconds']} |"
        )
    s = figures["summary"]
    lines.append("")
    lines.append(
        f"Median events changed: re-plan {s['median_replan_changed']:g}, fresh"
        f" {s['median_fresh_changed']:g}; directly invalidated"
        f" {s['median_invalid']:g}. Median time: re-plan"
        f" {s['median_replan_seconds']:g} s, fresh {s['median_fresh_seconds']:g} s."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.disruptions [--count N] [--seed N] [--json FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m bench.disruptions")
    parser.add_argument("--count", type=int, default=24, help="disruptions to try")
    parser.add_argument("--seed", type=int, default=12, help="random seed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = measure(args.count, args.seed)
    figures["machine_note"] = f"python {sys.version.split()[0]}"
    figures["measured_at"] = pendulum.now("UTC").to_iso8601_string()
    sys.stdout.write(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
