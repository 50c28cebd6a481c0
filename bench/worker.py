"""Measure one solver on one instance in a fresh process; print the figures as JSON.

Run by the harness (``python -m bench.worker roadshow nhs-2008``): a process of
its own gives each run a clean peak-memory reading (``ru_maxrss``) and keeps one
run's caches from speeding up the next.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.instances import scenario as build
from roadshow.checks import check
from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import Plan, Scenario
from roadshow.objective import evaluate


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figures(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """Score and check *plan*: the objective, hard violations and unplaced requests."""
    objective = evaluate(scenario, plan)
    began = time.perf_counter()
    violations = check(scenario, plan)
    checked = time.perf_counter() - began
    # An unplaced request is reported by the checker as a hard "unplaced"
    # violation; it is counted on its own, the rest are the real breaches.
    hard = [v for v in violations if v.is_hard and v.rule != "unplaced"]
    return {
        "objective": {
            "unplaced": objective.unplaced,
            "idle_days": objective.idle_days,
            "travel_minutes": objective.travel_minutes,
            "nights_away": objective.nights_away,
            "late_finishes": objective.late_finishes,
            "tight_days": objective.tight_days,
            "neighbour_clashes": objective.neighbour_clashes,
            "preference_minutes": objective.preference_minutes,
        },
        "key": list(objective.key),
        "hard_violations": len(hard),
        "violation_examples": [f"{v.rule}: {v.message}" for v in hard[:5]],
        "unplaced": len(plan.unplaced),
        "check_seconds": round(checked, 3),
    }


def run_roadshow(
    scenario: Scenario, save: Path | None, *, tours: bool = False
) -> dict[str, Any]:
    """Plan with roadshow's planner; with *tours*, also its routing limit."""
    from roadshow.planner import solve  # noqa: PLC0415 - timed from a cold import

    base = _peak_mib()
    cpu = _cpu()
    began = time.perf_counter()
    result = solve(scenario)
    seconds = time.perf_counter() - began
    cpu = _cpu() - cpu
    peak = _peak_mib()
    if save is not None:
        save.write_text(render_plan_file(result.plan), encoding="utf-8")
    out = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_mib": round(peak, 1),
        "base_mib": round(base, 1),
        "passes": result.passes,
        "tours_proven": [t.optimal for t in result.tours],
    }
    if tours:
        from bench import routing  # noqa: PLC0415 - PyVRP is an optional extra

        out["limit"] = routing.limits(scenario, result.plan)
    return out | figures(scenario, result.plan)


def run_reference(
    scenario: Scenario, limit: float, *, wall: bool = False
) -> dict[str, Any]:
    """Plan with the OR-Tools reference model.

    *limit* is CP-SAT's deterministic time (one worker, fixed seed: the same
    plan in every run); with *wall*, a wall-clock limit with 8 workers instead.
    """
    from bench import reference  # noqa: PLC0415 - OR-Tools is an optional extra

    base = _peak_mib()
    cpu = _cpu()
    began = time.perf_counter()
    params = (
        reference.ReferenceParams(deterministic_s=None, time_limit_s=limit, workers=8)
        if wall
        else reference.ReferenceParams(deterministic_s=limit)
    )
    result = reference.solve(scenario, params)
    seconds = time.perf_counter() - began
    cpu = _cpu() - cpu
    peak = _peak_mib()
    out = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_mib": round(peak, 1),
        "base_mib": round(base, 1),
        "budget": {"wall_s": limit, "workers": 8}
        if wall
        else {"deterministic_s": limit, "workers": 1},
        "deterministic_used": round(sum(p.deterministic for p in result.parts), 3),
        "build_seconds": round(result.build_seconds, 3),
        "solve_seconds": round(result.solve_seconds, 3),
        "status": result.status,
        "optimal": result.optimal,
        "bound": dict(zip(result.bound_names, result.bound, strict=True)),
        "parts": len(result.parts),
        "parts_unsolved": sum(
            p.status not in {"OPTIMAL", "FEASIBLE"} for p in result.parts
        ),
        "sequential": result.sequential,
        "arcs": result.arcs,
        "thinned": result.thinned,
    }
    return out | figures(scenario, result.plan)


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("side", choices=("roadshow", "reference"))
    parser.add_argument("instance")
    parser.add_argument(
        "--limit",
        type=float,
        default=60.0,
        help="reference budget: CP-SAT deterministic time (or wall s with --wall)",
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help="a wall-clock limit and 8 workers instead (runs differ)",
    )
    parser.add_argument(
        "--save-plan", type=Path, help="write roadshow's plan file here"
    )
    parser.add_argument(
        "--tours",
        action="store_true",
        help="also the TSP tour and Held-Karp bound of each person's places",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    scenario = build(args.instance)
    built = time.perf_counter() - began
    if args.side == "roadshow":
        out = run_roadshow(scenario, args.save_plan, tours=args.tours)
    else:
        out = run_reference(scenario, args.limit, wall=args.wall)
    out["scenario_seconds"] = round(built, 3)
    out["events"] = len(scenario.requests)
    out["people"] = len(scenario.people)
    out["days"] = (scenario.end_on - scenario.start_on).days + 1
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
