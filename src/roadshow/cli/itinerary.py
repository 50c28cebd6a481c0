"""``roadshow itinerary`` and ``roadshow export``: day sheets, the programme table."""

from __future__ import annotations

import click

from roadshow.cli._app import (
    AppContext,
    emit,
    out_option,
    pass_app,
    plan_option,
    plan_version_option,
    resolve_plan,
    scenario_argument,
)
from roadshow.exporters.choices import FORMATS


@click.command()
@scenario_argument
@plan_option
@plan_version_option
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
@out_option
@pass_app
def itinerary(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
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

    resolved = resolve_plan(app, scenario, plan_path, plan_version=plan_version)
    loaded, plan = resolved.scenario, resolved.plan
    people = person_ids or itinerary_people(loaded)
    rendered = render_itinerary(
        [build_itinerary(loaded, plan, person_id) for person_id in people], fmt
    )
    if isinstance(rendered, bytes) and out in (None, "-"):
        click.echo(rendered, nl=False)  # binary (PDF): click writes the bytes as is
        return
    emit(rendered, out)


@click.command()
@scenario_argument
@plan_option
@plan_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "json")),
    default="csv",
    show_default=True,
    help="csv for spreadsheets, json for tools (schema roadshow-programme/1).",
)
@out_option
@pass_app
def export(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
    fmt: str,
    out: str | None,
) -> None:
    """Export every scheduled item as a table: ids, UTC and local times, places."""
    from roadshow.exporters.programme import (
        render_programme_csv,
        render_programme_json,
    )

    resolved = resolve_plan(app, scenario, plan_path, plan_version=plan_version)
    render = render_programme_csv if fmt == "csv" else render_programme_json
    emit(render(resolved.scenario, resolved.plan), out)
