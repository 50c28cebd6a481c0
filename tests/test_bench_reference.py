"""The CP-SAT reference under a fixed budget gives the same plan in every run.

One search worker, a fixed seed and a deterministic time budget (CP-SAT's own
measure of work, not the clock): runs on a loaded machine compare with runs on
an idle one. Needs the ``bench`` extra (OR-Tools).
"""

from __future__ import annotations

import pytest

pytest.importorskip("ortools", reason="needs OR-Tools: pip install -e '.[bench]'")

import attrs
from bench import reference
from bench.instances import scenario

from roadshow.exporters.plan_file import render_plan_file


def test_fixed_budget_repeats() -> None:
    """Two runs with the same deterministic budget give byte-identical plans."""
    full = scenario("nhs-2008-tour")
    keep = {"Q30", "Q31", "Q32"}  # three listening events and their follow-ons
    tour = attrs.evolve(
        full, requests=[r for r in full.requests if r.request_id[-3:] in keep]
    )
    params = reference.ReferenceParams(deterministic_s=1.0)
    first = reference.solve(tour, params)
    second = reference.solve(tour, params)
    assert first.plan.events
    assert render_plan_file(first.plan) == render_plan_file(second.plan)
    assert first.bound == second.bound
    used = [p.deterministic for p in first.parts]
    # CP-SAT sums its work units in floating point: equal to the last bits or so.
    assert used == pytest.approx([p.deterministic for p in second.parts], rel=1e-9)
    # The budget is shared out by size, at least 0.2 a part, and kept to.
    assert 0 < sum(used) <= 1.0 + 0.2 * len(used) + 0.1
