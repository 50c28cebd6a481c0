"""``roadshow plan`` and ``roadshow check``: plan a scenario, check any plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.cli._app import AppContext, issue_time, pass_app, warnings_to_stderr
from roadshow.errors import InputError, closest

if TYPE_CHECKING:
    from roadshow.model import Plan, Scenario
    from roadshow.planner import Result


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("roadshow-out"),
    show_default=True,
    help="Folder for the plan file, calendars and plan history.",
)
@click.option("--no-out", is_flag=True, help="Print the summary only; write no files.")
@click.option(
    "--only",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Plan only requests of this kind (tour, consultation, ...); repeatable.",
)
@pass_app
def plan(
    app: AppContext,
    scenario: str | None,
    out_dir: Path,
    no_out: bool,
    kinds: tuple[str, ...],
) -> None:
    """Plan a scenario (default: the bundled nhs-2008) and print a summary.

    Writes the plan, its calendars and a new plan version into OUT. Exits 1 when
    some requests could not be placed (the summary says why).
    """
    from roadshow.checks import check as check_plan
    from roadshow.exporters.summary import render_plan_summary
    from roadshow.outputs import record_plan, write_outputs
    from roadshow.planner import solve

    loaded = _only(app.load(scenario), kinds)
    app.progress(
        f"Planning {len(loaded.requests)} requests for {len(loaded.people)} people"
    )
    result = solve(loaded, progress=app.progress)
    violations = check_plan(loaded, result.plan)
    click.echo(
        render_plan_summary(
            loaded, result.plan, result.objective, violations, _notes(result)
        ),
        nl=False,
    )
    if not no_out:
        version, files = record_plan(
            out_dir, loaded, result.plan, issued_at=issue_time()
        )
        write_outputs(out_dir, files)
        app.progress(
            f"Wrote {len(files)} files to {out_dir} (plan version {version.number})"
        )
    if result.plan.unplaced or any(v.is_hard for v in violations):
        click.get_current_context().exit(1)


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
@pass_app
def check(app: AppContext, target: str | None, scenario_name: str | None) -> None:
    """Check a plan against the rules and say what is wrong.

    PLAN_OR_SCENARIO is a plan file (plan.json), a plan --out folder, an edited
    calendar (.ics), or a scenario (which is planned, then checked). Exits 1 if a
    hard rule is broken.
    """
    from roadshow.checks import check as check_plan
    from roadshow.exporters.summary import render_violations
    from roadshow.objective import evaluate

    scenario, plan = _target(app, target, scenario_name)
    violations = check_plan(scenario, plan)
    objective = evaluate(scenario, plan)
    click.echo(render_violations(scenario, violations), nl=False)
    click.echo(
        f"Objective: travel {objective.travel_hours:.1f} person-hours,"
        f" {objective.nights_away} nights away,"
        f" {objective.late_finishes} late finishes, {len(plan.unplaced)} unplaced"
    )
    if any(v.is_hard for v in violations):
        click.get_current_context().exit(1)


def _target(
    app: AppContext, target: str | None, scenario_name: str | None
) -> tuple[Scenario, Plan]:
    from roadshow.importers.plan_file import load_plan_file
    from roadshow.importers.plan_ics import load_plan_ics
    from roadshow.planner import solve

    path = Path(target) if target else None
    if path is not None and path.is_dir() and (path / "plan.json").exists():
        path = path / "plan.json"
    if path is not None and path.suffix == ".json":
        plan = load_plan_file(path)
        return app.load(scenario_name or plan.scenario_id), plan
    if path is not None and path.suffix == ".ics":
        scenario = app.load(scenario_name)
        with warnings_to_stderr():
            return scenario, load_plan_ics(path, scenario)
    scenario = app.load(target)
    return scenario, solve(scenario, progress=app.progress).plan
