"""Commands about scenarios: ``scenarios``, ``show``, ``init``."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from roadshow.cli._app import AppContext, pass_app
from roadshow.errors import InputError, OutputError

DEFAULT_SCENARIO = "nhs-2008"
"""roadshow.data.DEFAULT_SCENARIO, spelt out so that listing this command loads no
package data (a test checks that the two agree)."""


@click.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    from roadshow import data

    for name in sorted(data.SCENARIOS):
        bundled = data.scenario(name)
        click.echo(f"{name}\t{bundled.start_on} to {bundled.end_on}\t{bundled.name}")


@click.command()
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@pass_app
def show(app: AppContext, scenario: str | None) -> None:
    """Summarise a scenario: window, people, regions, requests.

    SCENARIO is a bundled id (default nhs-2008), a .toml file or a folder.
    """
    from roadshow.exporters.summary import render_scenario_summary

    click.echo(render_scenario_summary(app.load(scenario)), nl=False)


@click.command()
@click.argument(
    "folder", type=click.Path(file_okay=False, path_type=Path), metavar="DIR"
)
@click.option(
    "--scenario",
    "name",
    default=DEFAULT_SCENARIO,
    show_default=True,
    help="Bundled scenario to copy.",
)
@click.option(
    "--force", is_flag=True, help="Overwrite files that already exist in DIR."
)
@pass_app
def init(app: AppContext, folder: Path, name: str, force: bool) -> None:
    """Write a bundled scenario into DIR as editable files (TOML + CSV).

    Load it back with `roadshow show DIR` or `roadshow plan DIR`.
    """
    from roadshow import data
    from roadshow._fs import ensure_folder, write_atomic

    files = data.scenario_files(name)
    existing = sorted(n for n in files if (folder / n).exists())
    if existing and not force:
        msg = "the folder already holds scenario files"
        raise InputError(
            msg,
            source=str(folder / existing[0]),
            expected="an empty folder, or --force to overwrite",
        )
    made_folder = not folder.exists()
    ensure_folder(folder)
    created: list[Path] = []
    try:
        for file_name, content in files.items():
            target = folder / file_name
            is_new = not target.exists()
            write_atomic(target, content)
            if is_new:
                created.append(target)
    except OutputError:
        # Leave no half-copied scenario behind: remove what this run created.
        for path in created:
            with contextlib.suppress(OSError):
                path.unlink()
        if made_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    app.progress(
        f"Wrote {len(files)} files to {folder}; "
        f"edit {folder / data.SCENARIO_FILE}, then run: roadshow plan {folder}"
    )
