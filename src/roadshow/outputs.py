"""Everything ``roadshow plan --out DIR`` writes, gathered in one place (shell side).

Each renderer is pure and returns bytes; this module only decides file names.
"""

from __future__ import annotations

from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import Plan, Scenario


def plan_outputs(scenario: Scenario, plan: Plan) -> dict[str, bytes]:  # noqa: ARG001 - renderers added by later issues use it
    """Return the files of a planned programme: relative file name to content."""
    return {"plan.json": render_plan_file(plan).encode("utf-8")}
