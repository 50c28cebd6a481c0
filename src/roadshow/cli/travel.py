"""``roadshow travel``: door-to-door time between two places."""

from __future__ import annotations

import click

from roadshow.cli._app import AppContext, pass_app

MODES = ("walk", "car", "rail")
"""roadshow.model.MODES, spelt out so that listing this command loads no model
(a test checks that the two agree)."""


@click.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    help="Travel mode (default: chosen by distance).",
)
@click.option(
    "--scenario",
    "scenario_name",
    metavar="SCENARIO",
    help="Scenario whose places and travel settings to use.",
)
@pass_app
def travel(
    app: AppContext,
    origin: str,
    destination: str,
    mode: str | None,
    scenario_name: str | None,
) -> None:
    """Estimate distance, mode and door-to-door time between two places.

    FROM and TO are venue ids (richmond-house), region or area codes (Q30, 5ND),
    person ids (their home base) or place names (Leeds).
    """
    from roadshow.exporters.summary import render_journey
    from roadshow.travel import EstimatedTravel, find_venue

    scenario = app.load(scenario_name)
    start, end = find_venue(scenario, origin), find_venue(scenario, destination)
    model = EstimatedTravel(scenario.place_by_id, scenario.travel)
    journey = model.journey(start.venue_id, end.venue_id, mode)
    click.echo(render_journey(journey, start, end, scenario.travel), nl=False)
