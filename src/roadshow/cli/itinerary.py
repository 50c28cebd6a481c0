"""``roadshow itinerary`` and ``roadshow export``: day sheets, the programme table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from roadshow.cli._app import AppContext, emit, pass_app, plan_file
from roadshow.errors import InputError
from roadshow.exporters.choices import FORMATS

if TYPE_CHECKING:
    from roadshow.model import Plan, Scenario

_SCENARIO = click.argument("scenario", required=False, metavar="[SCENARIO]")
_PLAN = click.option(
    "--plan",
    "plan_path",
    type=click.Path(),
    metavar="PLAN",
    help="A plan file (plan.json) or a plan --out folder; by default the scenario "
    "is planned.",
)
_OUT = click.option(
    "-o",
    "--out",
    metavar="FILE",
    help="Write to FILE (atomically) instead of stdout; '-' means stdout.",
)


def plan_for(app: AppContext, scenario: Scenario, plan_path: str | None) -> Plan:
    """Return the plan to show: the plan file if given, else a fresh plan.

    Raises:
        InputError: the plan file is malformed or belongs to another scenario.
    """
    from roadshow.importers.plan_file import load_plan_file
    from roadshow.planner import plan as plan_scenario

    if plan_path is None:
        app.progress(f"Planning {scenario.scenario_id} (give --plan to reuse a plan)")
        return plan_scenario(scenario)
    plan = load_plan_file(plan_file(plan_path))
    if plan.scenario_id != scenario.scenario_id:
        msg = "the plan belongs to another scenario"
        raise InputError(
            msg,
            source=plan_path,
            location="scenario",
            expected=f'a plan of scenario "{scenario.scenario_id}"',
            got=plan.scenario_id,
        )
    return plan


@click.command()
@_SCENARIO
@_PLAN
@click.option(
    "--person",
    "person_ids",
    multiple=True,
    metavar="ID",
    help="Only this person (repeat for several); default: every principal and chair.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for the terminal, md for Markdown, html to print from a browser, "
    "pdf (needs the pdf extra: pip install 'roadshow[pdf]').",
)
@_OUT
@pass_app
def itinerary(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    person_ids: tuple[str, ...],
    fmt: str,
    out: str | None,
) -> None:
    """Print day-by-day itineraries: travel, events, free time and nights."""
    from roadshow.exporters.itinerary import (
        build_itinerary,
        itinerary_people,
        render_itinerary,
    )

    loaded = app.load(scenario)
    plan = plan_for(app, loaded, plan_path)
    people = person_ids or itinerary_people(loaded)
    rendered = render_itinerary(
        [build_itinerary(loaded, plan, person_id) for person_id in people], fmt
    )
    if isinstance(rendered, bytes) and out in (None, "-"):
        click.echo(rendered, nl=False)  # binary (PDF): click writes the bytes as is
        return
    emit(rendered, out)


@click.command()
@_SCENARIO
@_PLAN
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "json")),
    default="csv",
    show_default=True,
    help="csv for spreadsheets, json for tools (schema roadshow-programme/1).",
)
@_OUT
@pass_app
def export(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """Export every scheduled item as a table: ids, UTC and local times, places."""
    from roadshow.exporters.programme import (
        render_programme_csv,
        render_programme_json,
    )

    loaded = app.load(scenario)
    plan = plan_for(app, loaded, plan_path)
    render = render_programme_csv if fmt == "csv" else render_programme_json
    emit(render(loaded, plan), out)
