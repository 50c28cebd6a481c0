"""The benchmark instances by name, and the settings of the quick and full runs."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from bench.synthetic import ProgrammeSpec, national_programme, pct_tour
from roadshow.data import nhs2008
from roadshow.model import Scenario

SYNTHETIC = {
    spec.name: spec
    for spec in (
        ProgrammeSpec(events=200, people=5, weeks=4),
        ProgrammeSpec(events=1000, people=12, weeks=8),
        ProgrammeSpec(events=5000, people=40, weeks=12),
        ProgrammeSpec(events=20000, people=100, weeks=16),
    )
}


def _nhs() -> Scenario:
    return nhs2008.scenario()


def _nhs_tour() -> Scenario:
    return nhs2008.scenario().restricted_to({"tour"})


BUILDERS: dict[str, Callable[[], Scenario]] = {
    "nhs-2008": _nhs,
    "nhs-2008-tour": _nhs_tour,
    **{
        name: (lambda spec=spec: national_programme(spec))
        for name, spec in SYNTHETIC.items()
    },
    "pct-tour": pct_tour,
}


def scenario(name: str) -> Scenario:
    """Build the named instance (deterministic)."""
    return BUILDERS[name]()


@frozen
class Case:
    """One instance in a run: roadshow's repeats and the reference's budget."""

    name: str
    repeats: int
    reference_s: float | None
    """CP-SAT's deterministic time (one worker; about 5 s of CPU each on the
    2-core bench machine); None: the reference is not run."""
    tours: bool = False
    """Also the routing limit of roadshow's plan (:mod:`bench.routing`)."""


# Budgets: about the CPU the earlier wall-clock limits gave 8 workers on 2 cores.
QUICK = (
    Case("nhs-2008-tour", 3, 3, tours=True),
    Case("nhs-2008", 3, 5, tours=True),
    Case("synthetic-200", 3, 3, tours=True),
    Case("synthetic-1000", 1, 5),
)
FULL = (
    Case("nhs-2008-tour", 3, 12, tours=True),
    Case("nhs-2008", 3, 36, tours=True),
    # The small mixed programmes are compared with the reference given 120 s
    # (issue 17): 24 units, about 120 s of CPU.
    Case("synthetic-200", 3, 24, tours=True),
    Case("synthetic-1000", 3, 24, tours=True),
    Case("synthetic-5000", 3, 36),
    Case("synthetic-20000", 1, 48),
    Case("pct-tour", 1, 24, tours=True),
)
SMOKE = (Case("nhs-2008-tour", 1, 5, tours=True),)
