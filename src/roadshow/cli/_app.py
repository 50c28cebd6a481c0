"""What every command shares: the app context, scenario loading, output helpers."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadshow.errors import InputError

if TYPE_CHECKING:
    from pendulum import DateTime

    from roadshow.importers.scenario import Locator
    from roadshow.model import Scenario


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
        return load_scenario(
            path, locate=self.locator(), allow_outside=self.allow_outside_paths
        )


pass_app = click.make_pass_decorator(AppContext)


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
