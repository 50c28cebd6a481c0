"""The routing limit's two figures bracket the shortest tour (bench.routing).

Checked on small matrices whose shortest tour is known: exhaustively (Held-Karp
dynamic programming over subsets) for a dozen seeded random points. Needs the
``bench`` extra (PyVRP, numpy).
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

pytest.importorskip("pyvrp", reason="needs PyVRP: pip install -e '.[bench]'")

from bench import routing


def _points(n: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)  # noqa: S311 - seeded test points
    xy = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n)]
    return [[round(math.dist(a, b)) for b in xy] for a in xy]


def _optimum(d: list[list[int]]) -> int:
    """The shortest closed tour, by dynamic programming over subsets."""
    n = len(d)
    best = {(1 << j, j): d[0][j] for j in range(1, n)}
    for size in range(2, n):
        for subset in itertools.combinations(range(1, n), size):
            bits = sum(1 << j for j in subset)
            for j in subset:
                rest = bits & ~(1 << j)
                best[(bits, j)] = min(
                    best[(rest, k)] + d[k][j] for k in subset if k != j
                )
    full = (1 << n) - 2
    return min(best[(full, j)] + d[j][0] for j in range(1, n))


def test_square() -> None:
    """Four corners of a square: the tour is the perimeter and the bound meets it."""
    d = [[0, 10, 14, 10], [10, 0, 10, 14], [14, 10, 0, 10], [10, 14, 10, 0]]
    assert routing.triangle_holds(d)
    assert routing.tsp_length(d) == 40
    assert routing.held_karp_bound(d, 40) == 40


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_and_tour_bracket_the_optimum(seed: int) -> None:
    """Bound <= optimum <= PyVRP's tour, and PyVRP finds the optimum of 11 points."""
    d = _points(11, seed)
    optimum = _optimum(d)
    tour = routing.tsp_length(d)
    bound = routing.held_karp_bound(d, tour)
    assert bound <= optimum <= tour
    assert tour == optimum
    assert bound >= 0.9 * optimum  # Held-Karp is within a few percent on such points


def test_small_tours_exact() -> None:
    """One, two and three places: the tour is worked out directly."""
    assert routing.tsp_length([[0]]) == 0
    assert routing.tsp_length([[0, 7], [7, 0]]) == 14
    d = [[0, 3, 4], [3, 0, 5], [4, 5, 0]]
    assert routing.tsp_length(d) == routing.held_karp_bound(d, 12) == 12


def test_triangle_broken() -> None:
    """A shortcut through a third place is detected."""
    assert not routing.triangle_holds([[0, 1, 5], [1, 0, 1], [5, 1, 0]])
