"""What every command shares: the app context, scenario and plan resolution, output.

:func:`resolve_plan` is the one answer to "which scenario, which plan" for every
command that shows or exports a plan; :func:`emit` writes ``-o FILE|-``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.errors import InputError

if TYPE_CHECKING:
    from pendulum import DateTime

    from roadshow.importers.scenario import Locator
    from roadshow.model import Plan, Scenario
    from roadshow.versions import PlanVersion


@dataclass(frozen=True)
class AppContext:
    """Options of the root command, passed to every command."""

    debug: bool = False
    geocode: bool = False
    quiet: bool = False
    allow_outside_paths: bool = False

    def progress(self, message: str) -> None:
        """Print a progress message on stderr (unless --quiet)."""
        if not self.quiet:
            click.echo(message, err=True)

    def locator(self) -> Locator:
        """Return how venues without coordinates are located."""
        from roadshow import data

        if not self.geocode:
            return data.locate_place
        from roadshow.geocode import caching_locator

        return caching_locator()

    def load(self, scenario: str | None) -> Scenario:
        """Load a scenario: a bundled id, a .toml file, or a folder with scenario.toml.

        Raises:
            InputError: the scenario cannot be found or is malformed.
        """
        from roadshow import data
        from roadshow.importers.scenario import load_scenario

        name = scenario or data.DEFAULT_SCENARIO
        if name in data.SCENARIOS:
            return data.scenario(name)
        path = Path(name)
        if path.is_dir():
            path = path / data.SCENARIO_FILE
        if not path.exists():
            msg = "no such scenario"
            raise InputError(
                msg,
                source=name,
                expected="a bundled scenario ("
                + ", ".join(sorted(data.SCENARIOS))
                + "), a .toml file or a folder "
                "holding scenario.toml",
            )
        # What a scenario's diaries skip or cannot place is said, not raised.
        with warnings_to_stderr():
            return load_scenario(
                path, locate=self.locator(), allow_outside=self.allow_outside_paths
            )


pass_app = click.make_pass_decorator(AppContext)

# The options every command that shows or exports a plan spells the same way.
scenario_argument = click.argument("scenario", required=False, metavar="[SCENARIO]")
plan_option = click.option(
    "--plan",
    "plan_path",
    type=click.Path(),
    metavar="PLAN",
    help="A plan file (plan.json) or a plan --out folder; by default the scenario "
    "is planned.",
)
plan_version_option = click.option(
    "--plan-version",
    "plan_version",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --plan FOLDER: the plan version to use (default: the latest).",
)
out_option = click.option(
    "-o",
    "--out",
    metavar="FILE",
    help="Write to FILE (atomically) instead of stdout; '-' means stdout.",
)


def emit(text: str | bytes, out: str | None) -> None:
    """Write *text* atomically to the file *out*, or to stdout for None or ``-``."""
    if out is None or out == "-":
        click.echo(text.decode("utf-8") if isinstance(text, bytes) else text, nl=False)
        return
    from roadshow._fs import write_atomic

    write_atomic(out, text)


def issue_time() -> DateTime:
    """Read the clock once: ``SOURCE_DATE_EPOCH`` when set, else now (UTC).

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is not a whole number of seconds.
    """
    import pendulum

    pinned = os.environ.get("SOURCE_DATE_EPOCH")
    if pinned is None:
        return pendulum.now("UTC").replace(microsecond=0)
    try:
        return pendulum.from_timestamp(int(pinned), tz="UTC")
    except ValueError:
        raise InputError(
            source="SOURCE_DATE_EPOCH",
            expected="whole seconds since 1970-01-01 UTC",
            got=pinned,
        ) from None


SHOWN_WARNINGS = 20
"""The most warnings shown one by one; the rest are counted (a hostile file may
hold a hundred thousand skipped parts)."""


@contextmanager
def warnings_to_stderr() -> Iterator[list[warnings.WarningMessage]]:
    """Show roadshow's warnings (skipped content) as one line each on stderr.

    Yields the list the warnings are caught in (filled when the block ends), for
    a summary that counts them.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    from roadshow.exporters._text import inert

    for warning in caught[:SHOWN_WARNINGS]:
        click.echo(f"Warning: {inert(str(warning.message))}", err=True)
    if len(caught) > SHOWN_WARNINGS:
        more = len(caught) - SHOWN_WARNINGS
        click.echo(f"Warning: {more:,} more warnings like these not shown", err=True)


def plan_file(path: str | Path) -> Path:
    """Resolve a ``--plan`` argument: a plan file, or a ``plan --out`` folder.

    A folder gives its latest complete version's ``plan.json`` (or a
    ``plan.json`` directly inside it).
    """
    from roadshow.outputs import latest_folder

    path = Path(path)
    if path.is_dir():
        latest = latest_folder(path)
        return (latest or path) / "plan.json"
    return path


@dataclass(frozen=True)
class Resolved:
    """The scenario and plan a command works on.

    Attributes:
        scenario: The scenario the plan belongs to.
        plan: The plan: read from a file or a ``plan --out`` folder, or planned now.
        version: The recorded version, when the plan came from a folder's history
            (``plan_version`` given, or ``recorded=True``); else None.
        source: Where the plan came from, for messages (None: planned now).
    """

    scenario: Scenario
    plan: Plan
    version: PlanVersion | None = None
    source: str | None = None


def resolve_plan(
    app: AppContext,
    scenario: str | None,
    plan: str | Path | None,
    *,
    plan_version: int | None = None,
    recorded: bool = False,
    version_option: str = "--plan-version",
    before_planning: Callable[[Scenario], None] | None = None,
) -> Resolved:
    """Work out which scenario and which plan a command shows or exports.

    The same rules for every command:

    - *plan* None: the scenario (SCENARIO, else the bundled ``nhs-2008``) is
      planned now;
    - *plan* a ``plan --out`` folder: its latest complete version, or version
      *plan_version* from its history (also used with *recorded*, for commands
      that need the version's identity, e.g. calendar SEQUENCEs);
    - *plan* a file: that plan file (``plan.json``);
    - the scenario is SCENARIO when given, else the one the plan names if it is
      bundled; a plan of another scenario than SCENARIO is refused.

    Args:
        app: The root command's options.
        scenario: The SCENARIO argument (a bundled id, a .toml file or a folder).
        plan: The ``--plan`` option.
        plan_version: The ``--plan-version`` option (needs a folder as *plan*).
        recorded: Read a folder's plan from its history, with its version.
        version_option: The option's name as the user gave it, for messages.
        before_planning: Checks of the command's own options against the
            scenario, run as soon as it is known (before planning, so bad
            input fails fast).

    Raises:
        InputError: no such scenario, plan file or version; a plan of another
            scenario; *plan_version* without a ``plan --out`` folder.
    """
    if plan_version is not None and (plan is None or not Path(plan).is_dir()):
        msg = f"{version_option} needs --plan with a plan --out folder"
        raise InputError(msg, source=version_option)
    if plan is None:
        loaded = app.load(scenario)
        if before_planning is not None:
            before_planning(loaded)
        app.progress(f"Planning {loaded.scenario_id} (give --plan to reuse a plan)")
        from roadshow.planner import solve

        return Resolved(loaded, solve(loaded, progress=app.progress).plan)
    version = None
    if Path(plan).is_dir() and (plan_version is not None or recorded):
        from roadshow.history import PlanHistory

        history = PlanHistory.in_folder(plan)
        version = history.version(plan_version or _latest(plan))
        found = history.plan(version.number)
    else:
        from roadshow.importers.plan_file import load_plan_file

        found = load_plan_file(plan_file(plan))
    loaded = _scenario_of(app, scenario, found, str(plan))
    if before_planning is not None:
        before_planning(loaded)
    return Resolved(loaded, found, version, str(plan))


def _latest(folder: str | Path) -> int:
    """The version a plan --out folder's ``latest`` shows (its last complete one)."""
    from roadshow.outputs import latest_version

    number = latest_version(folder)
    if number is None:
        msg = "no plan recorded here yet"
        raise InputError(msg, source=str(folder), expected="a plan --out folder")
    return number


def _scenario_of(
    app: AppContext, scenario: str | None, plan: Plan, source: str
) -> Scenario:
    """SCENARIO, else the bundled scenario the plan names; refuse a mismatch."""
    from roadshow import data

    if scenario is None and plan.scenario_id not in data.SCENARIOS:
        msg = "the plan's scenario is not a bundled one"
        raise InputError(
            msg,
            source=source,
            location="scenario",
            expected="its scenario file or folder given as SCENARIO",
            got=plan.scenario_id,
        )
    loaded = app.load(scenario or plan.scenario_id)
    if plan.scenario_id != loaded.scenario_id:
        msg = "the plan belongs to another scenario"
        raise InputError(
            msg,
            source=source,
            location="scenario",
            expected=f'a plan of scenario "{loaded.scenario_id}"',
            got=plan.scenario_id,
        )
    return loaded
