"""Calendar commands: ``ics``, ``changes``, ``serve`` and ``import-diary``."""

from __future__ import annotations

import csv
import io
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.cli._app import (
    AppContext,
    emit,
    issue_time,
    pass_app,
    plan_version_option,
    resolve_plan,
    scenario_argument,
    warnings_to_stderr,
)
from roadshow.errors import InputError
from roadshow.exporters.choices import AUDIENCES, INTERNAL, SPLITS

if TYPE_CHECKING:
    from roadshow.importers.scenario import Locator
    from roadshow.model import Commitment, Scenario


def _scenario_for(
    app: AppContext, scenario: str | None, folder: str
) -> Scenario | None:
    """For names in ``changes``: SCENARIO, else the folder's scenario if bundled."""
    from roadshow import data
    from roadshow.history import PlanHistory

    if scenario is not None:
        return app.load(scenario)
    versions = PlanHistory.in_folder(folder).versions()
    if versions and versions[-1].scenario_id in data.SCENARIOS:
        return app.load(versions[-1].scenario_id)
    return None


def _latest(folder: str) -> int:
    """The version a plan --out folder's ``latest`` shows (its last complete one)."""
    from roadshow.outputs import latest_version

    number = latest_version(folder)
    if number is None:
        msg = "no plan recorded here yet"
        raise InputError(msg, source=folder, expected="a plan --out folder")
    return number


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


@click.command("ics")
@scenario_argument
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(),
    metavar="PLAN",
    help="A plan file (plan.json) or a plan --out folder (its recorded version).",
)
@plan_version_option
@click.option(
    "--version",
    "old_version",
    type=click.IntRange(min=1),
    hidden=True,
    help="Deprecated name of --plan-version.",
)
@click.option(
    "-o",
    "--out",
    metavar="FILE",
    help="Write the programme calendar to FILE instead of stdout; '-' means stdout.",
)
@click.option(
    "--out-dir",
    metavar="DIR",
    help="Write the calendars (and invitations) as files in folder DIR.",
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
    help="Also write METHOD:REQUEST invitations (needs --organizer and --out-dir).",
)
@click.option("--organizer", help="The invitations' organiser e-mail address.")
@pass_app
def ics(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
    old_version: int | None,
    out: str | None,
    out_dir: str | None,
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
    from roadshow.versions import PlanVersion

    version_option = "--plan-version"
    if old_version is not None:
        _warn("ics --version N is deprecated; use --plan-version N.")
        if plan_version is not None:
            msg = "--version is the old name of --plan-version"
            raise InputError(msg, source="--version", expected="one of the two")
        plan_version, version_option = old_version, "--version"
    several = split != "programme" or invite
    if out is not None and out_dir is None and (several or Path(out).is_dir()):
        _warn("-o DIR for a folder of calendars is deprecated; use --out-dir DIR.")
        out, out_dir = None, out
    if several and out_dir is None:
        msg = "splits and invitations are several files"
        raise InputError(msg, source="--out-dir", expected="a folder to write them in")
    if out is not None and out_dir is not None:
        msg = "-o is one calendar file and --out-dir a folder of them"
        raise InputError(msg, source="--out", expected="one of the two")
    resolved = resolve_plan(
        app,
        scenario,
        plan_path,
        plan_version=plan_version,
        recorded=True,
        version_option=version_option,
    )
    loaded, plan = resolved.scenario, resolved.plan
    version = resolved.version or PlanVersion.unrecorded(issue_time())
    if out_dir is None:
        emit(render_ics(loaded, plan, version, audience=audience, travel=travel), out)
        return
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
    write_outputs(out_dir, files)
    app.progress(f"Wrote {len(files)} calendar files to {out_dir}")


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
    # A version names its own entries (people, venues) from the names stored
    # with it; only a history written before those were stored falls back to
    # the bundled scenario of the same id.
    names = history.names(latest.number)
    loaded = _scenario_for(app, scenario, folder) if scenario or names is None else None
    # The reasons a re-plan recorded; over several versions the latest one wins.
    reasons = {
        r.request_id: r
        for number in range(since + 1, latest.number + 1)
        for r in history.reasons(number)
    }
    if form == "json":
        click.echo(
            render_changes_json(
                found,
                loaded,
                reasons,
                since=since,
                until=latest.number,
                names=names,
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
                names=names,
            ),
            nl=False,
        )
        return
    click.echo(f"Changes from version {since} to {latest.number}:")
    click.echo(render_changes_table(found, loaded, reasons, names=names), nl=False)


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
    a scenario's commitments table: person,start,end,label,place. The place is
    the venue the event's LOCATION names (its id, name or address); with
    --geocode, an address the geocoder finds is kept as the place; any other
    LOCATION is read as the home base, with a warning. To have the planner
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
    writer.writerow(["person", "start", "end", "label", "place"])
    locate = app.locator() if app.geocode else None
    with warnings_to_stderr() as unplaced:
        for c in found.commitments:
            place = _diary_place(loaded, c, locate, diary)
            row = [c.person_id, c.start.isoformat(), c.end.isoformat(), c.label, place]
            writer.writerow(row)
    caught += unplaced
    emit(buffer.getvalue(), out)
    app.progress(
        f"{len(found.commitments)} busy periods for {inert(person.name)} from"
        f" {inert(diary)}; floating times read in {found.floating_zone}"
        f" ({found.floating_from}){_warned(caught)}"
    )


def _diary_place(
    loaded: Scenario, c: Commitment, locate: Locator | None, diary: str
) -> str:
    """The place column for a diary event: its venue, its address, or "" (home).

    A LOCATION naming a venue gives the venue's id; with ``--geocode`` an
    address the geocoder knows is kept as written (the scenario's loader looks
    it up again, from the cache); any other LOCATION warns and reads as home.

    Raises:
        GeocodeError: the geocoder failed (naming the diary and the event).
    """
    from roadshow.errors import AddressNotFoundError, GeocodeError, RoadshowWarning

    if not c.location:
        return ""
    if (venue := loaded.venue_named(c.location)) is not None:
        return venue
    what = f"{c.label} on {c.start:%d %b %Y}: LOCATION {c.location!r}"
    if locate is None:
        why = "is no venue of the scenario; read as the home base"
        why += " (--geocode looks addresses up)"
    else:
        try:
            if locate(place=None, address=c.location) is not None:
                return c.location
        except AddressNotFoundError:
            pass
        except GeocodeError as exc:
            msg = f"{diary}: looking up {what} failed: {exc}"
            raise GeocodeError(msg) from None
        why = (
            "is no venue of the scenario and the geocoder found no such place;"
            " read as the home base"
        )
    warnings.warn(f"{what} {why}", RoadshowWarning, stacklevel=1)
    return ""


def _warned(caught: list[warnings.WarningMessage]) -> str:
    """Count the warnings by kind for the summary: "; 2 warnings: 1 skipped, ..."."""
    from roadshow.errors import (
        DuplicateEventWarning,
        RepairedTextWarning,
        RoadshowWarning,
    )

    kinds: dict[type[Warning], str] = {
        DuplicateEventWarning: "shared UID",
        RepairedTextWarning: "text repair",
        RoadshowWarning: "unknown place",
    }
    counts = Counter(kinds.get(w.category, "skipped") for w in caught)
    if not counts:
        return ""
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    total = sum(counts.values())
    return f"; {total} warning{'s' if total > 1 else ''}: {parts}"
