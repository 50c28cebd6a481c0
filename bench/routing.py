"""The routing limit: how far a plan's travel is from a tour through its places.

For each person, the places of their events in a plan and their home base form
one travelling-salesman problem on roadshow's own travel metric (the minutes of
:class:`roadshow.travel.EstimatedTravel` in the person's travel mode). Any plan
that holds those events is a closed walk from home through every one of those
places (day by day, home or a hotel in between), so when the metric keeps the
triangle inequality (checked here) its travel is at least the shortest tour.
Two figures bracket that tour:

- ``tsp``: a tour found by PyVRP (hybrid genetic search, a fixed number of
  iterations and a fixed seed, so runs repeat), an upper bound on the optimum;
- ``lower_bound``: the Held-Karp bound (the best 1-tree under subgradient
  node penalties), which no tour beats.

The person's travel in the plan against these is "the distance to the limit".
When every request has a single candidate venue (``pct-tour``, the ten-visit
tour) the places are the scenario's, all of them, so the bound holds for every
plan that places everything (a plan that leaves visits out may travel less);
where requests choose among venues it is the limit for the venues the plan
chose, a limit on the order of the visits and the nights, not on the choice.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roadshow.model import Plan, Scenario
from roadshow.travel import EstimatedTravel

PYVRP_ITERATIONS = 5000
"""PyVRP's search iterations per tour (deterministic with the seed)."""
HK_ITERATIONS = 3000
"""Subgradient steps of the Held-Karp bound at most."""
SEED = 1


def matrix(scenario: Scenario, person_id: str, venue_ids: list[str]) -> list[list[int]]:
    """Travel minutes between the person's home (index 0) and *venue_ids*."""
    person = scenario.person_by_id[person_id]
    travel = EstimatedTravel(scenario.venue_by_id, scenario.travel)
    places = [
        person.home_venue_id,
        *(v for v in venue_ids if v != person.home_venue_id),
    ]
    return [
        [
            0 if a == b else travel.journey(a, b, person.travel_mode).minutes
            for b in places
        ]
        for a in places
    ]


def triangle_holds(d: list[list[int]]) -> bool:
    """Tell whether d[i][k] <= d[i][j] + d[j][k] for all i, j, k."""
    m = np.asarray(d, dtype=np.int64)
    return all(bool((m <= m[:, j, None] + m[None, j, :]).all()) for j in range(len(m)))


def _small_tour(d: list[list[int]]) -> int:
    n = len(d)
    if n <= 1:
        return 0
    if n == 2:
        return d[0][1] + d[1][0]
    return min(d[0][1] + d[1][2] + d[2][0], d[0][2] + d[2][1] + d[1][0])


def tsp_length(d: list[list[int]], iterations: int = PYVRP_ITERATIONS) -> int:
    """A short closed tour through every place (PyVRP), as its length."""
    if len(d) <= 3:
        return _small_tour(d)
    from pyvrp import Model  # noqa: PLC0415 - an optional extra
    from pyvrp.stop import MaxIterations  # noqa: PLC0415

    model = Model()
    where = [model.add_location(0, 0) for _ in d]
    model.add_depot(where[0])
    model.add_vehicle_type(num_available=1)
    for place in where[1:]:
        model.add_client(place)
    for i, row in enumerate(d):
        for j, minutes in enumerate(row):
            if i != j:
                model.add_edge(where[i], where[j], distance=minutes)
    result = model.solve(stop=MaxIterations(iterations), seed=SEED, display=False)
    return int(result.best.distance())


def _one_tree(w: NDArray[np.float64]) -> tuple[float, NDArray[np.int64]]:
    """The minimum 1-tree: a spanning tree on 1..n-1 and node 0's two cheapest edges."""
    n = len(w)
    done = np.zeros(n, dtype=bool)
    done[0] = done[1] = True
    best = w[1].copy()
    parent = np.ones(n, dtype=np.int64)
    best[0] = best[1] = np.inf
    degree = np.zeros(n, dtype=np.int64)
    cost = 0.0
    for _ in range(n - 2):
        j = int(np.argmin(np.where(done, np.inf, best)))
        cost += float(best[j])
        degree[j] += 1
        degree[parent[j]] += 1
        done[j] = True
        closer = (w[j] < best) & ~done
        best[closer] = w[j][closer]
        parent[closer] = j
    two = np.argpartition(w[0, 1:], 2)[:2] + 1
    cost += float(w[0, two].sum())
    degree[two] += 1
    degree[0] += 2
    return cost, degree


def held_karp_bound(
    d: list[list[int]], upper: int, iterations: int = HK_ITERATIONS
) -> int:
    """The Held-Karp lower bound on the shortest tour (integer minutes, rounded up).

    Subgradient ascent on node penalties (Held and Karp 1971) with Polyak steps
    towards *upper* (a known tour's length); the step halves after 50 steps
    without progress. Edges in both directions count at their shorter length, so
    the bound also holds for an asymmetric metric.
    """
    n = len(d)
    if n <= 3:
        return _small_tour(d)
    m = np.asarray(d, dtype=np.float64)
    m = np.minimum(m, m.T)
    np.fill_diagonal(m, np.inf)
    pi = np.zeros(n)
    best = -math.inf
    step, stale = 2.0, 0
    for _ in range(iterations):
        cost, degree = _one_tree(m + pi[:, None] + pi[None, :])
        bound = cost - 2 * float(pi.sum())
        if bound > best + 1e-9:
            best, stale = bound, 0
        else:
            stale += 1
            if stale >= 50:
                step, stale = step / 2, 0
        g = degree - 2
        norm = int((g * g).sum())
        if norm == 0 or step < 1e-6 or best >= upper:
            break
        pi += step * (upper - bound) / norm * g
    return min(math.ceil(best - 1e-6), upper)


def limits(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """Per person: the plan's travel, the tour's length and the bound; and the sums."""
    began = time.perf_counter()
    fixed = all(len(scenario.candidate_venues(r)) == 1 for r in scenario.requests)
    places: dict[str, set[str]] = defaultdict(set)
    if fixed:  # the scenario's places: the limit for any plan, placed or not
        for request in scenario.requests:
            for person_id in request.attendees:
                places[person_id].add(scenario.candidate_venues(request)[0].venue_id)
    else:  # the places the plan chose
        for event in plan.events:
            for person_id in event.attendees:
                places[person_id].add(event.venue_id)
    travel: dict[str, int] = defaultdict(int)
    for leg in plan.legs:
        travel[leg.person_id] += leg.minutes
    people = []
    triangle = True
    for person_id in sorted(places):
        d = matrix(scenario, person_id, sorted(places[person_id]))
        triangle = triangle and triangle_holds(d)
        tour = tsp_length(d)
        people.append(
            {
                "person": person_id,
                "places": len(d),
                "travel": travel[person_id],
                "tsp": tour,
                "lower_bound": held_karp_bound(d, tour),
            }
        )
    total = {k: sum(p[k] for p in people) for k in ("travel", "tsp", "lower_bound")}
    return {
        **total,
        "travel_over_tsp": round(total["travel"] / total["tsp"], 3)
        if total["tsp"]
        else None,
        "travel_over_bound": round(total["travel"] / total["lower_bound"], 3)
        if total["lower_bound"]
        else None,
        "people": people,
        "venues_fixed": fixed,
        "unplaced": len(plan.unplaced),
        "triangle_inequality": triangle,
        "seconds": round(time.perf_counter() - began, 3),
    }
