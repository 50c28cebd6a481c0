"""``roadshow advance``: the advance-work list behind a plan."""

from __future__ import annotations

import click

from roadshow.cli._app import AppContext, emit, issue_time, pass_app
from roadshow.cli.itinerary import plan_for

_FORMATS = ("text", "md", "csv", "ics")


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(),
    metavar="PLAN",
    help="A plan file (plan.json) or a plan --out folder; by default the scenario "
    "is planned.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="text for the terminal, md for a checklist, csv for a spreadsheet, "
    "ics for a task list (VTODO with due dates) that updates on re-import.",
)
@click.option(
    "-o",
    "--out",
    metavar="FILE",
    help="Write to FILE (atomically) instead of stdout; '-' means stdout.",
)
@pass_app
def advance(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """List what must be booked and prepared, by when, for every event and night."""
    from roadshow.advance import advance_tasks
    from roadshow.exporters.advance import (
        render_advance_csv,
        render_advance_ics,
        render_advance_markdown,
        render_advance_text,
    )

    loaded = app.load(scenario)
    tasks = advance_tasks(loaded, plan_for(app, loaded, plan_path))
    if fmt == "ics":
        emit(render_advance_ics(tasks, issued_at=issue_time()), out)
        return
    render = {
        "text": render_advance_text,
        "md": render_advance_markdown,
        "csv": render_advance_csv,
    }[fmt]
    emit(render(tasks), out)
