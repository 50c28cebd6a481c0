"""The whole run: groups, parts, one model a part, the plan put together."""

from __future__ import annotations

import time

from bench.reference._decode import (
    _CRITERIA,
    _decode_bound,
    _diary_legs,
    _extract,
    _unplaced,
)
from bench.reference._groups import _Calendar, _diaries, _groups
from bench.reference._model import _Fixed, _Part
from bench.reference._params import PartReport, ReferenceParams, ReferenceResult
from bench.reference._parts import _parts, _size, _split
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    Unplaced,
)


def solve(scenario: Scenario, params: ReferenceParams | None = None) -> ReferenceResult:
    """Plan *scenario* with the reference model (see the module docstring)."""
    params = params or ReferenceParams()
    began = time.perf_counter()
    cal = _Calendar(scenario)
    groups = _groups(scenario)
    starts: dict[tuple[int, int], list[int]] = {}
    days: dict[int, list[int]] = {}
    for g in groups:
        found = []
        if g.venues:
            for d in range(len(cal.dates)):
                values = cal.starts(g, d)
                if values:
                    starts[(g.index, d)] = values
                    found.append(d)
        days[g.index] = found
    near: set[tuple[str, int]] = {
        (p, d + step)
        for g in groups
        for p in g.people
        for d in days[g.index]
        for step in (-1, 0, 1)
    }
    attending = {p for g in groups for p in g.people}
    diaries = [
        c
        for c in _diaries(scenario, cal, len(groups))
        if (c.people[0], cal.index[c.day]) in near
        or (
            c.people[0] in attending
            and c.venues[0] != cal.people[c.people[0]].home_venue_id
        )
    ]
    for i, c in enumerate(diaries):
        c.index = len(groups) + i
        day = cal.index[c.day]
        starts[(c.index, day)] = [c.start]
        days[c.index] = [day]
    groups = [*groups, *diaries]  # type: ignore[list-item]
    parts_spec = _split(_parts(groups, days, scenario), starts, params)
    exact = all(not sequential for _, _, sequential in parts_spec)
    fixed = _Fixed()
    left_size = sum(_size(members, ds, starts) for members, ds, _ in parts_spec) or 1
    total_size = left_size
    deadline = time.perf_counter() + params.time_limit_s
    reports = []
    events: list[ScheduledEvent] = []
    legs: list[TravelLeg] = []
    stays: list[OvernightStay] = []
    unplaced: list[Unplaced] = []
    bounds: list[list[int]] = []
    optimal = True
    build_seconds = time.perf_counter() - began
    for members, ds, _ in parts_spec:
        if not ds:
            for g in members:
                unplaced += _unplaced(
                    g, "no day, venue and start fit the calendar and diaries"
                )
            reports.append(
                PartReport(
                    groups=len(members),
                    days=0,
                    arcs=0,
                    status="OPTIMAL",
                    seconds=0.0,
                    thinned=False,
                )
            )
            continue
        # Each part gets its share of the budget in proportion to its size.
        size = _size(members, ds, starts)
        if params.deterministic_s is not None:
            share = params.deterministic_s * size / total_size
        else:
            share = (deadline - time.perf_counter()) * size / left_size
        left_size -= size
        t = time.perf_counter()
        part = _Part(cal, members, ds, starts, params, fixed)
        build_seconds += time.perf_counter() - t
        t = time.perf_counter()
        status, stage_report = part.solve(max(share, 0.2))
        seconds = time.perf_counter() - t
        reports.append(
            PartReport(
                groups=len(members),
                days=len(part.days),
                arcs=len(part.arcs),
                status=status,
                seconds=seconds,
                thinned=part.thinned,
                deterministic=part.deterministic,
            )
        )
        if not stage_report:
            optimal = False
            for g in members:
                unplaced += _unplaced(g, f"the reference found no solution ({status})")
            diary_legs, diary_stays = _diary_legs(cal, members)
            legs += diary_legs
            stays += diary_stays
            bounds.append([])
            continue
        if status != "OPTIMAL" or len(stage_report) < len(part.stages):
            optimal = False
        bounds.append(_decode_bound(part, stage_report))
        e, lg, st, un = _extract(cal, part)
        for gi, (v, d, _) in part.placed.items():
            fixed.add(scenario, part.by_index[gi], v, d)
        events += e
        legs += lg
        stays += st
        unplaced += un
    solved = time.perf_counter()
    plan = Plan(
        scenario_id=scenario.scenario_id,
        events=events,
        legs=legs,
        stays=stays,
        unplaced=unplaced,
    )
    # Parts solved one after another are not a relaxation: no global bound.
    known = min((len(b) for b in bounds), default=0) if exact else 0
    return ReferenceResult(
        plan=plan,
        bound=tuple(sum(b[i] for b in bounds) for i in range(known)),
        bound_names=_CRITERIA[:known],
        optimal=optimal and exact,
        sequential=not exact,
        parts=tuple(reports),
        build_seconds=build_seconds,
        solve_seconds=solved - began - build_seconds,
    )
