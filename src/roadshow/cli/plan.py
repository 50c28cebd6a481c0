"""``roadshow plan``: plan a scenario and report."""

from __future__ import annotations

import click

from roadshow.cli._app import AppContext, pass_app
from roadshow.exporters.summary import render_scenario_summary


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@pass_app
def plan(app: AppContext, scenario: str | None) -> None:
    """Plan a scenario (default: the bundled nhs-2008) and print a summary."""
    click.echo(render_scenario_summary(app.load(scenario)), nl=False)
