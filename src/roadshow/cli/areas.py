"""``roadshow areas``: each area's planned event, or why it is not planned."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.cli._app import AppContext, pass_app
from roadshow.errors import InputError, closest, quote

if TYPE_CHECKING:
    from roadshow.model import Scenario

PLAN_FILE = "plan.json"


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--region",
    "region_id",
    metavar="CODE",
    help="List only the areas of this region (e.g. Q30).",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, path_type=Path),
    metavar="PLAN",
    help="Read this plan file (or plan --out folder) instead of planning.",
)
@pass_app
def areas(
    app: AppContext,
    scenario: str | None,
    region_id: str | None,
    plan_path: Path | None,
) -> None:
    """List each area with its planned event: date, local time and venue.

    Plans SCENARIO (default: the bundled nhs-2008), or reads the plan given with
    --plan (its own scenario unless SCENARIO is given). Areas whose event is not
    planned say why; then the command exits 1.
    """
    from roadshow.exporters.summary import area_entries, render_areas
    from roadshow.importers.plan_file import load_plan_file
    from roadshow.planner import solve

    plan = None
    if plan_path is not None:
        plan = load_plan_file(
            plan_path / PLAN_FILE if plan_path.is_dir() else plan_path
        )
    loaded = app.load(scenario or (plan.scenario_id if plan else None))
    if region_id is not None:
        _check_region(loaded, region_id)  # before planning: bad input fails fast
    if plan is None:
        app.progress(f"Planning {len(loaded.requests)} requests")
        plan = solve(loaded, progress=app.progress).plan
    entries = area_entries(loaded, plan, region_id)
    click.echo(render_areas(loaded, entries), nl=False)
    if any(entry.is_missing for entry in entries):
        click.get_current_context().exit(1)


def _check_region(scenario: Scenario, region_id: str) -> None:
    known = [r.region_id for r in scenario.regions]
    if region_id not in known:
        msg = f"unknown region {quote(region_id)}"
        raise InputError(
            msg,
            source="--region",
            expected=f"one of {', '.join(known)}" if known else "no region",
            suggestion=closest(region_id, known),
        )
