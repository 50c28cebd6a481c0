"""``roadshow plan`` and ``roadshow check``: plan a scenario, check any plan."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.cli._app import (
    AppContext,
    issue_time,
    pass_app,
    plan_file,
    plan_version_option,
    resolve_plan,
    warnings_to_stderr,
)
from roadshow.errors import InputError, closest

if TYPE_CHECKING:
    from roadshow.model import Plan, Scenario
    from roadshow.outputs import OutputFolder
    from roadshow.planner import Result


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "-o",
    "--out",
    "--out-dir",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("roadshow-out"),
    show_default=True,
    help="Folder for the plan file, calendars and plan history.",
)
@click.option("--no-out", is_flag=True, help="Print the summary only; write no files.")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write PDF itineraries (needs the pdf extra; slower).",
)
@click.option(
    "--only",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Plan only requests of this kind (tour, consultation, ...); repeatable.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help=(
        "Plan from scratch instead of re-planning the published version (each"
        " change still records why)."
    ),
)
@click.option(
    "--now",
    "now_text",
    metavar="DATETIME",
    help="Keep everything that started before this as published (2008-09-15T12:00).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the changes a re-plan would make (the changes table); publish nothing.",
)
@click.option(
    "--pins",
    "pins_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.ics",
    help="Events moved by hand in an exported calendar (same UID) become pins.",
)
@click.option(
    "--allow-cancel",
    "allow_cancel",
    multiple=True,
    metavar="ID",
    help="Publish even though this published event is lost ('all': any); repeatable.",
)
@pass_app
def plan(
    app: AppContext,
    scenario: str | None,
    out_dir: Path,
    no_out: bool,
    kinds: tuple[str, ...],
    *,
    pdf: bool = False,
    fresh: bool = False,
    now_text: str | None = None,
    dry_run: bool = False,
    allow_cancel: tuple[str, ...] = (),
    pins_path: Path | None = None,
) -> None:
    """Plan a scenario (default: the bundled nhs-2008) and print a summary.

    Writes the plan, its calendars, itineraries (PDFs too with --pdf) and a new
    plan version into OUT. When OUT
    already has a published version, re-plans it: every event still valid stays
    where it is, and each change is recorded with its reason (--fresh plans from
    scratch). A plan that would cancel or leave unplaced a published event is
    not published without --allow-cancel. Exits 1 when some requests could not
    be placed (the summary says why) or the plan was not published.
    """
    from roadshow.checks import check as check_plan
    from roadshow.cli import _replan
    from roadshow.exporters.summary import render_plan_summary
    from roadshow.planner import solve

    loaded = _only(app.load(scenario), kinds)
    now = _replan.parse_now(now_text, loaded.timezone) if now_text else None
    if pdf and not (no_out or dry_run):
        _need_pdf()
    with contextlib.ExitStack() as stack:
        # Lock OUT before planning, so a second run fails at once, not after it.
        folder = None if no_out or dry_run else stack.enter_context(_open(out_dir))
        published = None if no_out else _replan.published_plan(out_dir, loaded)
        _replan.check_allowed(allow_cancel, published)
        if pins_path is not None:
            with warnings_to_stderr():
                loaded = _replan.load_pins(pins_path, loaded, published)
        app.progress(
            f"Planning {len(loaded.requests)} requests for {len(loaded.people)} people"
            + (" against the published version" if published and not fresh else "")
        )
        result = solve(
            loaded,
            baseline=published,
            now=now,
            fresh=fresh,
            progress=app.progress,
        )
        if dry_run:
            click.echo(
                _replan.render_dry_run(out_dir, loaded, result.plan, result.changes),
                nl=False,
            )
            lost = _replan.lost_events(
                published or result.plan, result.plan, result.changes, allow_cancel
            )
            if lost:
                click.echo(_replan.render_lost(lost, loaded.timezone), nl=False)
            return
        violations = check_plan(loaded, result.plan)
        click.echo(
            render_plan_summary(
                loaded, result.plan, result.objective, violations, _notes(result)
            ),
            nl=False,
        )
        if folder is not None:
            lost = _replan.lost_events(
                published or result.plan, result.plan, result.changes, allow_cancel
            )
            if lost:
                click.echo(
                    _replan.render_lost(lost, loaded.timezone), err=True, nl=False
                )
                click.get_current_context().exit(1)
            done = folder.publish(
                loaded,
                result.plan,
                issued_at=issue_time(),
                reasons=result.changes,
                pdf=pdf,
                problems=violations,  # checked above for the summary
            )
            what = "Wrote" if done.is_new else "Plan unchanged, kept"
            from roadshow.outputs import latest_folder

            app.progress(
                f"{what} {len(done.files)} files in"
                f" {latest_folder(out_dir) or done.folder}"
                f" (plan version {done.version.number})"
            )
            if done.is_new and done.version.number > 1:
                app.progress(_itineraries_note(loaded, done.changed_itineraries))
    if not result.plan.is_complete or any(v.is_hard for v in violations):
        click.get_current_context().exit(1)


def _open(out_dir: Path) -> contextlib.AbstractContextManager[OutputFolder]:
    """Open and lock OUT; the writers are imported only when a plan is written."""
    from roadshow.outputs import OutputFolder

    return OutputFolder.open(out_dir)


def _itineraries_note(scenario: Scenario, changed: tuple[str, ...]) -> str:
    """Which itineraries to send again; the others keep their version stamp."""
    from roadshow.exporters.itinerary import itinerary_people

    people = {p.person_id: p.name for p in scenario.people}
    names = ", ".join(people.get(p, p) for p in changed) or "none"
    total = len(itinerary_people(scenario))
    kept = total - len(changed)
    return f"Itineraries changed: {names}" + (
        f" ({kept} unchanged keep their earlier plan version)" if kept else ""
    )


def _need_pdf() -> None:
    """Fail before planning if PDFs were asked for and cannot be printed."""
    from roadshow.errors import MissingDependencyError
    from roadshow.exporters.itinerary import PDF_INSTALL_HINT, is_pdf_available

    if not is_pdf_available():
        msg = (
            "--pdf needs ReportLab, which is not installed;"
            f" install the extra with: {PDF_INSTALL_HINT}"
        )
        raise MissingDependencyError(msg)


def _only(scenario: Scenario, kinds: tuple[str, ...]) -> Scenario:
    known = {r.kind for r in scenario.requests}
    for kind in kinds:
        if kind not in known:
            msg = f"no requests of kind {kind!r}"
            raise InputError(
                msg,
                source="--only",
                expected="one of " + ", ".join(sorted(known)),
                suggestion=closest(kind, known),
            )
    return scenario.restricted_to(kinds)


def _notes(result: Result) -> list[str]:
    notes = []
    for tour in result.tours:
        how = (
            "proven optimal by exact search"
            if tour.optimal
            else "not proven optimal (search budget reached)"
        )
        notes.append(
            f"Tour       travel of {len(tour.request_ids)} visits {how}"
            f" ({tour.states} states)"
        )
    return notes


@click.command()
@click.argument("target", metavar="PLAN_OR_SCENARIO", required=False)
@click.option(
    "--scenario",
    "scenario_name",
    metavar="SCENARIO",
    help="The scenario a plan file or calendar belongs to.",
)
@plan_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for the terminal, json for tools (schema roadshow-check/1).",
)
@pass_app
def check(
    app: AppContext,
    target: str | None,
    scenario_name: str | None,
    plan_version: int | None,
    fmt: str,
) -> None:
    """Check a plan against the rules and say what is wrong.

    PLAN_OR_SCENARIO is a plan file (plan.json), a plan --out folder, an edited
    calendar (.ics), or a scenario (which is planned, then checked). Exits 1 if a
    hard rule is broken.
    """
    from roadshow.checks import check as check_plan
    from roadshow.exporters.reports_json import render_check_json
    from roadshow.exporters.summary import render_violations
    from roadshow.objective import evaluate

    scenario, plan = _target(app, target, scenario_name, plan_version)
    violations = check_plan(scenario, plan)
    objective = evaluate(scenario, plan)
    if fmt == "json":
        click.echo(render_check_json(scenario, plan, violations, objective), nl=False)
    else:
        click.echo(render_violations(scenario, violations), nl=False)
        click.echo(
            f"Objective: travel {objective.travel_hours:.1f} person-hours,"
            f" {objective.nights_away} nights away,"
            f" {objective.late_finishes} late finishes, {len(plan.unplaced)} unplaced"
        )
    if any(v.is_hard for v in violations):
        click.get_current_context().exit(1)


def _target(
    app: AppContext,
    target: str | None,
    scenario_name: str | None,
    plan_version: int | None,
) -> tuple[Scenario, Plan]:
    """The plan to check: a plan file or folder, a calendar, or a scenario planned."""
    from roadshow.importers.plan_ics import load_plan_ics

    path = Path(target) if target else None
    is_plan_folder = path is not None and path.is_dir() and plan_file(path).exists()
    if path is not None and (is_plan_folder or path.suffix == ".json"):
        resolved = resolve_plan(app, scenario_name, path, plan_version=plan_version)
        return resolved.scenario, resolved.plan
    if plan_version is not None:
        msg = "--plan-version needs a plan --out folder to check"
        raise InputError(msg, source="--plan-version")
    if path is not None and path.suffix == ".ics":
        scenario = app.load(scenario_name)
        with warnings_to_stderr():
            return scenario, load_plan_ics(path, scenario)
    resolved = resolve_plan(app, target, None)
    return resolved.scenario, resolved.plan
