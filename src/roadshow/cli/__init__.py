"""The ``roadshow`` command line: one root group, one module per command family.

Commands are loaded lazily (click's LazyGroup pattern): :data:`COMMANDS` names
each command's module and function, and a module is imported only when its
command runs or a help page lists it. Command modules import the engine
(planner, iCalendar, templates, SQLite) inside their functions, so
``import roadshow.cli`` and ``roadshow --help`` load none of it.

Exit codes: 0 done; 1 the command ran and found problems (unplaced requests,
hard violations); 2 bad input (usage errors and every
:class:`~roadshow.errors.InputError`); 3 the command could not finish. Each
error class carries its own code (:attr:`~roadshow.errors.RoadshowError.exit_code`);
an unexpected exception is a bug, reported in one line with exit 3.
``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import errno
import importlib
from typing import Any, Final, NoReturn

import click

from roadshow.cli._app import AppContext
from roadshow.errors import RoadshowError

COMMANDS: Final[dict[str, str]] = {
    "advance": "roadshow.cli.advance:advance",
    "areas": "roadshow.cli.areas:areas",
    "changes": "roadshow.cli.calendars:changes",
    "check": "roadshow.cli.plan:check",
    "export": "roadshow.cli.itinerary:export",
    "ics": "roadshow.cli.calendars:ics",
    "import-diary": "roadshow.cli.calendars:import_diary",
    "init": "roadshow.cli.scenario:init",
    "itinerary": "roadshow.cli.itinerary:itinerary",
    "plan": "roadshow.cli.plan:plan",
    "publish": "roadshow.cli.share:publish",
    "pull": "roadshow.cli.share:pull",
    "scenarios": "roadshow.cli.scenario:scenarios",
    "serve": "roadshow.cli.calendars:serve",
    "show": "roadshow.cli.scenario:show",
    "travel": "roadshow.cli.travel:travel",
}
"""Each command's name and where it lives, as ``"module:function"``.

A new command is one line here (its module imports heavy libraries inside the
command function, so listing it in ``roadshow --help`` stays cheap)."""


class RoadshowGroup(click.Group):
    """The root group: loads commands on demand and owns the error reporting."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command name, eager and lazy, sorted."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command, importing its module the first time it is needed."""
        where = COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, name = where.partition(":")
        command = getattr(importlib.import_module(module_name), name)
        if not isinstance(command, click.Command):  # pragma: no cover - a typo
            msg = f"{where} is not a click command"
            raise TypeError(msg)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report errors in one line with their exit codes."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except RoadshowError as exc:
            _report(ctx, exc, str(exc), exc.exit_code)
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # click's own handling: output piped into `head` and closed
            _report(ctx, exc, _unexpected(exc), 3)


def _report(ctx: click.Context, exc: Exception, message: str, code: int) -> NoReturn:
    """Show ``Error: <message>`` (or, with --debug, the traceback); exit *code*."""
    if isinstance(ctx.obj, AppContext) and ctx.obj.debug:
        import traceback

        traceback.print_exception(exc)
    else:
        click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


def _unexpected(exc: Exception) -> str:
    from roadshow.exporters._text import inert

    detail = str(exc)
    shown = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return (
        f"unexpected {inert(shown, limit=200)}. This is a bug in roadshow: rerun"
        " with --debug (roadshow --debug COMMAND ...) to see the traceback,"
        " and report it."
    )


@click.group(
    cls=RoadshowGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="roadshow")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.option(
    "--geocode",
    is_flag=True,
    help="Look up venue addresses online (Nominatim), cached on disk.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no progress messages.")
@click.option(
    "--allow-outside-paths",
    is_flag=True,
    help="Let a scenario name tables and diaries outside its folder.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    debug: bool,
    geocode: bool,
    quiet: bool,
    allow_outside_paths: bool,
) -> None:
    """Plan listening tours and consultation programmes.

    With no scenario, commands use the bundled 2008 NHS programme (nhs-2008).
    """
    ctx.obj = AppContext(
        debug=debug,
        geocode=geocode,
        quiet=quiet,
        allow_outside_paths=allow_outside_paths,
    )


def main() -> None:
    """Run the command line (the ``roadshow`` console script)."""
    cli(prog_name="roadshow")
