"""Shared calendar commands: ``publish`` and ``pull`` (CalDAV)."""

from __future__ import annotations

import click

from roadshow.cli._app import AppContext, pass_app
from roadshow.exporters.choices import AUDIENCES, PUBLIC, SPLITS

_URL_HELP = "The CalDAV calendar home, e.g. https://cloud.example.org/dav/calendars/me/"


@click.command("publish")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--caldav", "url", required=True, help=_URL_HELP)
@click.option(
    "--split",
    "splits",
    type=click.Choice(SPLITS),
    multiple=True,
    help="One calendar for the programme, or one per person, region or area"
    " (repeat for several; default: programme).",
)
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default=PUBLIC,
    show_default=True,
    help="internal adds travel, overnight stays, contacts and notes.",
)
@click.option("--user", help="The user name (password: see the README).")
@click.option("--force", is_flag=True, help="Overwrite events edited in the calendar.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option(
    "--prefix",
    default="roadshow",
    show_default=True,
    help="The calendars' names start with this.",
)
@pass_app
def publish(
    app: AppContext,
    *,
    folder: str,
    url: str,
    splits: tuple[str, ...],
    audience: str,
    user: str | None,
    force: bool,
    dry_run: bool,
    prefix: str,
) -> None:
    """Publish the latest plan of plan --out FOLDER to shared CalDAV calendars.

    Events are created, updated and deleted by UID; a second run with nothing
    new sends nothing. An event someone edited in the shared calendar is left
    and reported as a conflict (exit 1) unless --force. The password comes from
    $ROADSHOW_CALDAV_PASSWORD, ~/.netrc or the system keyring, never from a file
    of roadshow's.
    """
    from roadshow.publish import publish_caldav, render_publish

    app.progress("Publishing..." if not dry_run else "Checking (dry run)...")
    result = publish_caldav(
        folder,
        url,
        splits=splits or ("programme",),
        audience=audience,
        user=user,
        force=force,
        dry_run=dry_run,
        prefix=prefix,
    )
    click.echo(render_publish(result), nl=False)
    if result.conflicts:
        click.get_current_context().exit(1)


@click.command("pull")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--caldav", "url", required=True, help=_URL_HELP)
@click.option("--user", help="The user name (password: see the README).")
@click.option(
    "--pins",
    "pins_path",
    type=click.Path(dir_okay=False),
    help="Also write the moved events as an .ics of pins for a re-plan.",
)
@pass_app
def pull(
    app: AppContext,
    *,
    folder: str,
    url: str,
    user: str | None,
    pins_path: str | None,
) -> None:
    """Show what changed in the shared calendars since the last publish.

    Events moved, cancelled (or deleted), edited or added in the calendars that
    roadshow publish made from FOLDER, as a table. With --pins FILE the moved
    events are also written as an .ics that a re-plan can take as pins
    (roadshow plan --pins FILE).
    """
    from roadshow._fs import write_atomic
    from roadshow.publish import pull_caldav, render_pull

    result = pull_caldav(folder, url, user=user)
    click.echo(render_pull(result), nl=False)
    if pins_path is not None:
        write_atomic(pins_path, result.pins())
        app.progress(f"Wrote {result.pin_count} pins to {pins_path}")
