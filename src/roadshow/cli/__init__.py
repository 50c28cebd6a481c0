"""The ``roadshow`` command line: one root group, one module per command family.

Exit codes are decided here, once: 0 done; 1 the command ran and found problems
(unplaced requests, hard violations); 2 bad input (usage errors and every
:class:`~roadshow.errors.InputError`); 3 the command could not finish (an output,
history or network problem). ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

from typing import Any

import click

from roadshow.cli._app import AppContext
from roadshow.errors import InputError, RoadshowError


class BadInput(click.ClickException):
    """Bad input: the message says where and what was expected."""

    exit_code = 2


class CouldNotFinish(click.ClickException):
    """The command could not finish (output, history, network)."""

    exit_code = 3


class RoadshowGroup(click.Group):
    """Translate roadshow's errors into exit codes and one-paragraph messages."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, turning roadshow errors into exit codes 2 and 3."""
        try:
            return super().invoke(ctx)
        except InputError as exc:
            if _debug(ctx):
                raise
            raise BadInput(str(exc)) from exc
        except RoadshowError as exc:
            if _debug(ctx):
                raise
            raise CouldNotFinish(str(exc)) from exc


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, AppContext) and ctx.obj.debug


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


def _register() -> None:
    # Import here so each family module can import this package's helpers.
    from roadshow.cli import areas, calendars, itinerary, plan, scenario, travel

    for command in (
        scenario.scenarios,
        scenario.show,
        scenario.init,
        travel.travel,
        plan.plan,
        plan.check,
        areas.areas,
        calendars.ics,
        calendars.changes,
        calendars.serve,
        calendars.import_diary,
        itinerary.itinerary,
        itinerary.export,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    """Run the command line (the ``roadshow`` console script)."""
    cli(prog_name="roadshow")
