"""The lexicographic objective in stages, and solving a part stage by stage."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from bench.reference._model import _Part

_LOG = False
_EXTRA: dict[str, object] = {}


def objective_stages(part: _Part) -> list[list[tuple[str, int]]]:
    """The criteria in three stages, each weighted lexicographically.

    One weighted sum of all eight criteria would need weights far beyond 64
    bits, and large weights also spoil CP-SAT's linear relaxation; so
    (unplaced, idle days, travel) come first, then (nights, late finishes,
    tight days), then (neighbours, preference), each stage holding the value
    the one before reached: roadshow's order (:mod:`roadshow.objective`).
    """
    people = {p for g in part.groups for p in g.people}
    span = len(part.days) + 2
    window = max(
        (part.cal.travel_window(p)[1] - part.cal.travel_window(p)[0] for p in people),
        default=0,
    )
    bounds = {
        "unplaced": sum(c for _, c in part.terms["unplaced"]),
        "idle": len(part.terms["idle"]),
        "travel": len(people) * span * window,
        "nights": len(people) * span,
        "late": sum(c for _, c in part.terms["late"]),
        "tight": len(part.terms["tight"]),
        "neighbours": len(part.terms["neighbours"]),
        "preference": 24 * 60 * len(part.terms["preference"]),
    }
    return [
        list(zip(names, _weights(list(names), bounds), strict=True))
        for names in (
            ("unplaced", "idle", "travel"),
            ("nights", "late", "tight"),
            ("neighbours", "preference"),
        )
    ]


def solve_stages(part: _Part, seconds: float) -> tuple[str, list[tuple[str, int, int]]]:
    """Solve stage by stage; return the status and (names, value, bound) each."""
    m = part.model
    stages = objective_stages(part)
    part.stages = stages
    began = time.perf_counter()
    fixed = part.params.deterministic_s is not None
    used = 0.0  # deterministic time spent so far
    report = []
    status_name = "OPTIMAL"
    shares = (0.7, 0.67, 1.0)
    for i, stage in enumerate(stages):
        pairs = [
            (var, c * w) for name, w in stage for var, c in part.terms.get(name, [])
        ]
        if not pairs:
            report.append((",".join(n for n, _ in stage), 0, 0))
            continue
        expr = cp_model.LinearExpr.WeightedSum(
            [v for v, _ in pairs], [c for _, c in pairs]
        )
        m.Minimize(expr)
        solver = cp_model.CpSolver()
        if fixed:
            left = seconds - used
            solver.parameters.max_deterministic_time = max(left * shares[i], 0.05)
        else:
            left = seconds - (time.perf_counter() - began)
            solver.parameters.max_time_in_seconds = max(left * shares[i], 0.05)
        solver.parameters.num_workers = part.params.workers
        solver.parameters.random_seed = part.params.seed
        solver.parameters.log_search_progress = _LOG
        # Probing the whole model in presolve costs more than it finds here.
        solver.parameters.cp_model_probing_level = 0
        for key, val in _EXTRA.items():
            setattr(solver.parameters, key, val)
        status = solver.Solve(m)
        used += solver.deterministic_time
        part.deterministic = used
        name = solver.StatusName(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if i == 0:
                return name, report
            status_name = "FEASIBLE"
            break
        if status == cp_model.FEASIBLE:
            status_name = "FEASIBLE"
        value = round(solver.ObjectiveValue())
        bound = math.floor(solver.BestObjectiveBound() + 1e-6)
        report.append((",".join(n for n, _ in stage), value, bound))
        part.solution = {id(v): solver.Value(v) for v in _all_vars(part)}
        # Hold this stage's value and hint the next with the whole solution
        # (auxiliary flags included, so the hint is complete and feasible).
        m.Add(expr <= value)
        m.ClearHints()
        for index, val in enumerate(solver.ResponseProto().solution):
            m.AddHint(m.GetIntVarFromProtoIndex(index), val)
    return status_name, report


def _all_vars(part: _Part) -> Iterable[cp_model.IntVar]:
    yield from part.x.values()
    yield from part.unplaced.values()
    yield from part.start.values()
    for arc in part.arcs:
        yield arc.lit


def _weights(names: list[str], bounds: dict[str, int]) -> list[int]:
    """Weights that order the named criteria lexicographically (first = heaviest)."""
    weights = []
    w = 1
    for name in reversed(names):
        weights.append(w)
        w *= bounds[name] + 1
    return list(reversed(weights))
