"""Shared fixtures: the CLI runner, the bundled scenario, hypothesis profiles."""

from __future__ import annotations

import os

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from roadshow.data import nhs2008
from roadshow.model import Scenario

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner (stdout and stderr kept apart)."""
    return CliRunner()


@pytest.fixture(scope="session")
def nhs2008_scenario() -> Scenario:
    """The bundled default scenario."""
    return nhs2008.scenario()


@pytest.fixture(scope="session")
def two_weeks() -> Scenario:
    """One principal visits the PCT areas of three regions in two weeks."""
    from bench.synthetic import pct_tour

    full = pct_tour(weeks=2)
    areas = {a.area_id for a in full.areas if a.region_id in {"Q32", "Q35", "Q36"}}
    return attrs.evolve(full, requests=[r for r in full.requests if r.area_id in areas])


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden``: rewrite golden files instead of comparing."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the current output, then review the diff",
    )
