"""Calendar commands: ``ics``, ``changes``, ``serve`` and ``import-diary``."""

from __future__ import annotations

import csv
import io
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow import data
from roadshow.cli._app import AppContext, emit, issue_time, pass_app, warnings_to_stderr
from roadshow.errors import InputError
from roadshow.exporters.choices import AUDIENCES, INTERNAL, SPLITS

if TYPE_CHECKING:
    from roadshow.exporters.ics import PlanVersion
    from roadshow.history import PlanHistory
    from roadshow.model import Plan, Scenario


def _plan_and_version(
    app: AppContext, scenario: Scenario, plan_path: str | None, number: int | None
) -> tuple[Plan, PlanVersion]:
    """The plan to export: a plan --out folder's history, a plan file, or a new plan."""
    from roadshow.exporters.ics import PlanVersion
    from roadshow.history import PlanHistory
    from roadshow.importers.plan_file import load_plan_file
    from roadshow.planner import plan as plan_scenario

    if plan_path is not None and Path(plan_path).is_dir():
        history = PlanHistory.in_folder(plan_path)
        version = history.version(number or _latest(plan_path))
        return history.plan(version.number), version
    if number is not None:
        msg = "--version needs --plan with a plan --out folder"
        raise InputError(msg, source="--version")
    if plan_path is not None:
        return load_plan_file(plan_path), PlanVersion.unrecorded(issue_time())
    app.progress("Planning...")
    plan = plan_scenario(scenario)
    return plan, PlanVersion.unrecorded(issue_time())


def _latest(folder: str) -> int:
    """The version a plan --out folder's ``latest`` shows (its last complete one)."""
    from roadshow.outputs import latest_version

    number = latest_version(folder)
    if number is None:
        msg = "no plan recorded here yet"
        raise InputError(msg, source=folder, expected="a plan --out folder")
    return number


def _scenario_for(
    app: AppContext, scenario: str | None, plan_path: str | None
) -> Scenario:
    """The named scenario, or the one a plan --out folder's history is of."""
    from roadshow.history import PlanHistory

    if scenario is None and plan_path is not None and Path(plan_path).is_dir():
        versions = PlanHistory.in_folder(plan_path).versions()
        if versions and versions[-1].scenario_id in data.SCENARIOS:
            return app.load(versions[-1].scenario_id)
    return app.load(scenario)


@click.command("ics")
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True),
    help="A plan file (plan.json) or a plan --out folder (its recorded version).",
)
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    help="With a plan --out folder: the version to export (default: the latest).",
)
@click.option(
    "-o",
    "--out",
    help="A file for the programme calendar; a folder for splits. Default: stdout.",
)
@click.option(
    "--split",
    type=click.Choice([*SPLITS, "all"]),
    default="programme",
    show_default=True,
    help="One calendar for the programme, or one per person, region or area.",
)
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default="internal",
    show_default=True,
    help="public leaves out travel, overnight stays, contacts and notes.",
)
@click.option(
    "--travel/--no-travel",
    default=True,
    show_default=True,
    help="Include travel legs and overnight stays.",
)
@click.option(
    "--invite",
    is_flag=True,
    help="Also write METHOD:REQUEST invitations (needs --organizer and --out DIR).",
)
@click.option("--organizer", help="The invitations' organiser e-mail address.")
@pass_app
def ics(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    number: int | None,
    out: str | None,
    split: str,
    audience: str,
    travel: bool,
    invite: bool,
    organizer: str | None,
) -> None:
    """Export a plan as iCalendar (.ics) files for calendar programs.

    Without --plan the scenario is planned first. Published calendars carry no
    organiser or attendees, so imported events stay editable; use --invite to
    write invitations for people with e-mail addresses.
    """
    from roadshow.exporters.ics import calendar_files, render_ics, render_invites
    from roadshow.outputs import write_outputs

    loaded = _scenario_for(app, scenario, plan_path)
    plan, version = _plan_and_version(app, loaded, plan_path, number)
    if split == "programme" and not invite and (out is None or not Path(out).is_dir()):
        emit(render_ics(loaded, plan, version, audience=audience, travel=travel), out)
        return
    if out is None:
        msg = "splits and invitations are several files"
        raise InputError(msg, source="--out", expected="a folder to write them in")
    splits = SPLITS if split == "all" else (split,)
    files = calendar_files(
        loaded, plan, version, splits=splits, audience=audience, travel=travel
    )
    if invite:
        if organizer is None:
            msg = "invitations need an organiser"
            raise InputError(msg, source="--organizer", expected="an e-mail address")
        invites = render_invites(loaded, plan, version, organizer=organizer)
        files |= {f"invites/{name}": body for name, body in invites.items()}
        if not invites:
            app.progress("No invitations: nobody attending has an e-mail address.")
    write_outputs(out, files)
    app.progress(f"Wrote {len(files)} calendar files to {out}")


@click.command("changes")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--since",
    type=click.IntRange(min=0),
    help="Compare with this version (default: the one before the latest; 0: none).",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["table", "notice", "json"]),
    default="table",
    show_default=True,
    help="A table, a notice a private office can e-mail, or JSON"
    " (docs/changes-json.md).",
)
@click.option("--travel", is_flag=True, help="Include travel legs and overnight stays.")
@click.option("--scenario", help="The scenario, for names (default: the plan's own).")
@pass_app
def changes(
    app: AppContext,
    *,
    folder: str,
    since: int | None,
    form: str,
    travel: bool,
    scenario: str | None,
) -> None:
    """Show what changed between plan versions recorded by plan --out FOLDER."""
    from roadshow.exporters.changes import (
        render_change_notice,
        render_changes_json,
        render_changes_table,
    )
    from roadshow.history import PlanHistory

    history = PlanHistory.in_folder(folder)
    latest = history.version(_latest(folder))
    since = max(latest.number - 1, 0) if since is None else since
    found = [
        c
        for c in history.changes(since, latest.number)
        if travel or c.item.kind == "event"
    ]
    loaded = (
        _scenario_for(app, scenario, folder) if scenario or _bundled(history) else None
    )
    # The reasons a re-plan recorded; over several versions the latest one wins.
    reasons = {
        r.request_id: r
        for number in range(since + 1, latest.number + 1)
        for r in history.reasons(number)
    }
    if form == "json":
        click.echo(
            render_changes_json(
                found, loaded, reasons, since=since, until=latest.number
            ),
            nl=False,
        )
        return
    if form == "notice":
        click.echo(
            render_change_notice(
                found,
                loaded,
                since=since,
                until=latest.number,
                issued_at=latest.issued_at,
                reasons=reasons,
            ),
            nl=False,
        )
        return
    click.echo(f"Changes from version {since} to {latest.number}:")
    click.echo(render_changes_table(found, loaded, reasons), nl=False)


def _bundled(history: PlanHistory) -> bool:
    versions = history.versions()
    return bool(versions) and versions[-1].scenario_id in data.SCENARIOS


@click.command("serve")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen here.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8008,
    show_default=True,
    help="0 picks a free port.",
)
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    help="Serve only the internal or only the public calendars (default: both).",
)
@click.option(
    "--base-url",
    help="The address users reach this server at, for links"
    " (e.g. https://calendars.example.org behind a proxy).",
)
@click.option(
    "--new-secret",
    is_flag=True,
    help="Make a new secret: every earlier private link stops working.",
)
@pass_app
def serve(
    app: AppContext,
    *,
    folder: str,
    host: str,
    port: int,
    audience: str | None,
    base_url: str | None,
    new_secret: bool,
) -> None:
    """Serve the calendars of plan --out FOLDER as subscription feeds.

    Public calendars are open at /calendars/public/...; each internal calendar
    (travel, overnight stays) has its own secret link, listed on a private page
    whose address is printed here. The secret is kept in FOLDER/.feed-secret.
    """
    from roadshow.exporters._text import inert
    from roadshow.feeds import calendar_folder, check_base_url, feed_secret, make_server

    root = calendar_folder(folder)
    if base_url is not None:
        base_url = check_base_url(base_url)
    audiences = AUDIENCES if audience is None else (audience,)
    secret = None
    if INTERNAL in audiences:
        secret = feed_secret(folder, renew=new_secret)
    log = None if app.quiet else (lambda line: click.echo(inert(line), err=True))
    server = make_server(
        root,
        host=host,
        port=port,
        title="roadshow calendars",
        log=log,
        secret=secret,
        audiences=audiences,
        base_url=base_url,
    )
    bound_host, bound_port = server.server_address[:2]
    site = server.site
    click.echo(
        f"Serving {len(site.feeds())} calendars at http://{bound_host!s}:{bound_port}/"
        " (Ctrl+C stops)",
        err=True,
    )
    private = site.private_index()
    if private is not None:
        click.echo(
            f"Internal calendars (keep this address private): {site.base_url}{private}",
            err=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()


@click.command("import-diary")
@click.argument("diary", type=click.Path(dir_okay=False))
@click.option("--person", "person_id", required=True, help="Whose diary it is.")
@click.option(
    "--scenario",
    help="The scenario: its window and the person's time zone (default: nhs-2008).",
)
@click.option("-o", "--out", help="Write the CSV here (default: stdout).")
@pass_app
def import_diary(
    app: AppContext, diary: str, person_id: str, scenario: str | None, out: str | None
) -> None:
    """Turn a diary's busy time into commitments (CSV for a scenario's table).

    Recurring events are expanded within the scenario's planning window; free
    (transparent) and cancelled events are left out. The CSV has the columns of
    a scenario's commitments table: person,start,end,label. To have the planner
    read the diary directly, add a [[diaries]] entry to the scenario instead.
    """
    from roadshow.exporters._text import inert
    from roadshow.importers.diary import load_diary_import

    loaded = app.load(scenario)
    person = loaded.find_person(person_id, obj="import-diary", field="--person")
    with warnings_to_stderr() as caught:
        found = load_diary_import(
            diary,
            person_id=person_id,
            start_on=loaded.start_on,
            end_on=loaded.end_on,
            timezone=person.timezone,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["person", "start", "end", "label"])
    for c in found.commitments:
        writer.writerow([c.person_id, c.start.isoformat(), c.end.isoformat(), c.label])
    emit(buffer.getvalue(), out)
    app.progress(
        f"{len(found.commitments)} busy periods for {inert(person.name)} from"
        f" {inert(diary)}; floating times read in {found.floating_zone}"
        f" ({found.floating_from}){_warned(caught)}"
    )


def _warned(caught: list[warnings.WarningMessage]) -> str:
    """Count the warnings by kind for the summary: "; 2 warnings: 1 skipped, ..."."""
    from roadshow.errors import DuplicateEventWarning, RepairedTextWarning

    kinds: dict[type[Warning], str] = {
        DuplicateEventWarning: "shared UID",
        RepairedTextWarning: "text repair",
    }
    counts = Counter(kinds.get(w.category, "skipped") for w in caught)
    if not counts:
        return ""
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    total = sum(counts.values())
    return f"; {total} warning{'s' if total > 1 else ''}: {parts}"
