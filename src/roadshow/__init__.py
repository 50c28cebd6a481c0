"""roadshow: plan listening tours and consultation programmes.

The public API in a few names: build or load a :class:`Scenario` (a
:class:`Series` repeats a request per region or area), :func:`plan` it
(or :func:`solve` it for the score and search report), :func:`check` any plan,
and :func:`evaluate` its objective. Exporters and importers live in
:mod:`roadshow.exporters` and :mod:`roadshow.importers`; the bundled 2008
programme in :mod:`roadshow.data.nhs2008`.

Names are imported on first use, so ``roadshow --help`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roadshow.checks import Violation as Violation
    from roadshow.checks import check as check
    from roadshow.errors import InputError as InputError
    from roadshow.errors import RoadshowError as RoadshowError
    from roadshow.importers.scenario import load_scenario as load_scenario
    from roadshow.model import Plan as Plan
    from roadshow.model import Scenario as Scenario
    from roadshow.model import Series as Series
    from roadshow.objective import Objective as Objective
    from roadshow.objective import evaluate as evaluate
    from roadshow.planner import PlanParams as PlanParams
    from roadshow.planner import plan as plan
    from roadshow.planner import solve as solve

_WHERE = {
    "Violation": "roadshow.checks",
    "check": "roadshow.checks",
    "InputError": "roadshow.errors",
    "RoadshowError": "roadshow.errors",
    "load_scenario": "roadshow.importers.scenario",
    "Plan": "roadshow.model",
    "Scenario": "roadshow.model",
    "Series": "roadshow.model",
    "Objective": "roadshow.objective",
    "evaluate": "roadshow.objective",
    "PlanParams": "roadshow.planner",
    "plan": "roadshow.planner",
    "solve": "roadshow.planner",
}

__all__ = [
    "InputError",
    "Objective",
    "Plan",
    "PlanParams",
    "RoadshowError",
    "Scenario",
    "Series",
    "Violation",
    "__version__",
    "check",
    "evaluate",
    "load_scenario",
    "plan",
    "solve",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - slow; only on request

        return version("roadshow")
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    msg = f"module 'roadshow' has no attribute {name!r}"
    raise AttributeError(msg)
