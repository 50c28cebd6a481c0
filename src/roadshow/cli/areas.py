"""``roadshow areas``: each area's planned event, or why it is not planned."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from roadshow.cli._app import (
    AppContext,
    pass_app,
    plan_option,
    plan_version_option,
    resolve_plan,
    scenario_argument,
)
from roadshow.errors import InputError, closest, quote

if TYPE_CHECKING:
    from roadshow.model import Scenario


@click.command()
@scenario_argument
@click.option(
    "--region",
    "region_id",
    metavar="CODE",
    help="List only the areas of this region (e.g. Q30).",
)
@plan_option
@plan_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for the terminal, json for tools (schema roadshow-areas/1).",
)
@pass_app
def areas(
    app: AppContext,
    *,
    scenario: str | None,
    region_id: str | None,
    plan_path: str | None,
    plan_version: int | None,
    fmt: str,
) -> None:
    """List each area with its planned event: date, local time and venue.

    Plans SCENARIO (default: the bundled nhs-2008), or reads the plan given with
    --plan (its own scenario unless SCENARIO is given). Areas whose event is not
    planned say why; then the command exits 1.
    """
    from roadshow.exporters.reports_json import render_areas_json
    from roadshow.exporters.summary import area_entries, render_areas

    def check_region(loaded: Scenario) -> None:
        if region_id is not None:
            _check_region(loaded, region_id)

    resolved = resolve_plan(
        app,
        scenario,
        plan_path,
        plan_version=plan_version,
        before_planning=check_region,
    )
    entries = area_entries(resolved.scenario, resolved.plan, region_id)
    render = render_areas_json if fmt == "json" else render_areas
    click.echo(render(resolved.scenario, entries), nl=False)
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
