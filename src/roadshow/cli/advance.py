"""``roadshow advance``: the advance-work list behind a plan."""

from __future__ import annotations

import click

from roadshow.cli._app import (
    AppContext,
    emit,
    issue_time,
    out_option,
    pass_app,
    plan_option,
    plan_version_option,
    resolve_plan,
    scenario_argument,
)
from roadshow.exporters.choices import ADVANCE_FORMATS


@click.command()
@scenario_argument
@plan_option
@plan_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ADVANCE_FORMATS),
    default="text",
    show_default=True,
    help="text for the terminal, md for a checklist, csv for a spreadsheet, "
    "ics for a task list (VTODO with due dates) that updates on re-import.",
)
@out_option
@pass_app
def advance(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
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

    resolved = resolve_plan(app, scenario, plan_path, plan_version=plan_version)
    tasks = advance_tasks(resolved.scenario, resolved.plan)
    if fmt == "ics":
        emit(render_advance_ics(tasks, issued_at=issue_time()), out)
        return
    render = {
        "text": render_advance_text,
        "md": render_advance_markdown,
        "csv": render_advance_csv,
    }[fmt]
    emit(render(tasks), out)
