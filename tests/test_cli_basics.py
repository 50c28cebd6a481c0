"""The foundation commands through click's CliRunner and as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from roadshow.cli import cli
from roadshow.data import nhs2008
from roadshow.importers.scenario import load_scenario


def test_scenarios_lists_the_default(runner: CliRunner) -> None:
    """`roadshow scenarios` lists nhs-2008."""
    result = runner.invoke(cli, ["scenarios"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("nhs-2008\t")


def test_show_summarises(runner: CliRunner) -> None:
    """`roadshow show` prints the window, people and request counts."""
    result = runner.invoke(cli, ["show"])
    assert result.exit_code == 0, result.output
    assert "Mon 1 Sep 2008 to Fri 28 Nov 2008" in result.stdout
    assert "consultation" in result.stdout
    assert "152" in result.stdout


def test_travel_london_newcastle(runner: CliRunner) -> None:
    """`roadshow travel` prints distance, mode and time."""
    result = runner.invoke(cli, ["travel", "richmond-house", "Q30"])
    assert result.exit_code == 0, result.output
    assert "rail" in result.stdout
    assert "km (geodesic)" in result.stdout


def test_travel_unknown_place_exits_2(runner: CliRunner) -> None:
    """An unknown place is bad input: exit 2, one line on stderr, no traceback."""
    result = runner.invoke(cli, ["travel", "Leds", "Q30"])
    assert result.exit_code == 2
    assert 'Did you mean "leeds"?' in result.stderr
    assert "Traceback" not in result.stderr


def test_init_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    """`roadshow init DIR` writes files that load back equal to the bundled scenario."""
    result = runner.invoke(cli, ["init", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "s" / "scenario.toml") == nhs2008.scenario()
    again = runner.invoke(cli, ["init", str(tmp_path / "s")])
    assert again.exit_code == 2
    assert "--force" in again.stderr


def test_console_script_runs() -> None:
    """The installed entry point runs as a real process."""
    done = subprocess.run(
        [sys.executable, "-m", "roadshow", "scenarios"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "nhs-2008" in done.stdout


def test_version_comes_from_package_metadata(runner: CliRunner) -> None:
    """roadshow.__version__ and --version read the installed package's metadata."""
    from importlib.metadata import version

    import roadshow

    assert roadshow.__version__ == version("roadshow")
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert version("roadshow") in result.stdout


def test_public_api_names_resolve() -> None:
    """Every name in roadshow.__all__ imports; unknown names raise AttributeError."""
    import pytest

    import roadshow

    for name in roadshow.__all__:
        assert getattr(roadshow, name) is not None
    with pytest.raises(AttributeError):
        _ = roadshow.no_such_name
