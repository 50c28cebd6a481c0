"""The disruption benchmark's generator and counts (the timing is bench/'s job)."""

from __future__ import annotations

import random

import pytest
from bench.disruptions import KINDS, changed_events, disrupt, invalidated, render

from roadshow.model import Scenario
from roadshow.planner import Result, solve


@pytest.fixture(scope="module")
def published(nhs2008_scenario: Scenario) -> Result:
    return solve(nhs2008_scenario)


def test_each_disruption_breaks_at_most_what_it_names(
    nhs2008_scenario: Scenario, published: Result
) -> None:
    """Every kind changes the scenario; removing a request invalidates just it."""
    rng = random.Random(1)  # noqa: S311 - a seeded benchmark generator, not secrets
    for kind in KINDS:
        made = disrupt(nhs2008_scenario, published.plan, kind, rng)
        assert made.kind == kind
        assert made.scenario != nhs2008_scenario
        if kind == "remove":
            assert invalidated(made.scenario, published.plan) == 1
        if kind == "add":
            assert invalidated(made.scenario, published.plan) == 0
        if kind == "venue":
            # A week's closure of a published event's venue breaks that event.
            (closure,) = made.scenario.closures
            assert invalidated(made.scenario, published.plan) >= 1
            assert (closure.end - closure.start).in_days() == 7
            assert " closed " in made.label
    assert invalidated(nhs2008_scenario, published.plan) == 0
    assert changed_events(published.plan, published.plan) == 0


def test_the_table_has_a_row_per_disruption() -> None:
    """The Markdown table: header, one row per disruption, the medians."""
    row = {
        "disruption": "x",
        "invalid": 1,
        "replan_changed": 1,
        "fresh_changed": 5,
        "travel_before": 1.0,
        "replan_travel": 1.0,
        "fresh_travel": 1.0,
        "replan_unplaced": 0,
        "fresh_unplaced": 0,
        "replan_seconds": 0.5,
        "fresh_seconds": 2.0,
    }
    summary = {
        "median_replan_changed": 1,
        "median_fresh_changed": 5,
        "median_invalid": 1,
        "median_replan_seconds": 0.5,
        "median_fresh_seconds": 2.0,
    }
    text = render({"rows": [row, row], "summary": summary})
    assert text.count(" | x | ") == 2
    assert "re-plan 1, fresh 5; directly invalidated 1" in text
