"""The command line's frame: lazy commands, exit codes owned by the errors.

`import roadshow.cli` and every help page must load no engine (iCalendar,
templates, SQLite, holidays, the planner...), so `roadshow --help` starts fast;
this is checked in a fresh interpreter. Speed itself is measured in bench/, not
asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import click
import pytest
from click.testing import CliRunner

from roadshow import data, errors, model
from roadshow.cli import COMMANDS, cli
from roadshow.cli import scenario as scenario_command
from roadshow.cli import travel as travel_command

ENGINES = (
    "icalendar",
    "jinja2",
    "sqlite3",
    "holidays",
    "recurring_ical_events",
    "reportlab",
    "geopy",
    "roadshow.planner",
    "roadshow.model",
)
"""Modules that neither `import roadshow.cli` nor a help page may load."""


def _modules_after(code: str) -> set[str]:
    """Run *code* in a fresh interpreter; return the modules it had loaded."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        print(json.dumps(sorted(sys.modules)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_loads_no_engine() -> None:
    """`import roadshow.cli` loads none of the engines."""
    loaded = _modules_after("import roadshow.cli")
    assert "roadshow.cli" in loaded
    assert sorted(loaded & set(ENGINES)) == []


def test_help_pages_load_no_engine() -> None:
    """`roadshow --help` and each command's --help load none of the engines."""
    loaded = _modules_after(
        """
        import contextlib, io
        from roadshow.cli import COMMANDS, cli
        for args in (["--help"], *([name, "--help"] for name in COMMANDS)):
            with contextlib.redirect_stdout(io.StringIO()):
                cli.main(args, prog_name="roadshow", standalone_mode=False)
        """
    )
    assert {"roadshow.cli.calendars", "roadshow.cli.plan"} <= loaded
    assert sorted(loaded & set(ENGINES)) == []
    assert "roadshow.data" not in loaded  # package data only when a command runs


def test_plan_without_out_loads_no_writer() -> None:
    """`plan --no-out` loads no output writer (calendars, templates, history)."""
    loaded = _modules_after(
        """
        import contextlib, io
        from roadshow.cli import cli
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(["-q", "plan", "--no-out", "--only", "national"],
                     prog_name="roadshow", standalone_mode=False)
        """
    )
    assert {"roadshow.planner", "holidays.countries.united_kingdom"} <= loaded
    writers = {"roadshow.outputs", "icalendar", "jinja2", "sqlite3"}
    assert sorted(loaded & writers) == []


def test_every_command_is_listed_and_loads() -> None:
    """Each COMMANDS entry names a click command of that name, listed in --help."""
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name
    shown = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in shown for name in COMMANDS)


def test_travel_modes_match_the_model() -> None:
    """The travel command spells out the model's modes (to stay light); they agree."""
    assert travel_command.MODES == model.MODES


def test_default_scenario_matches_the_data() -> None:
    """`init` spells out the default scenario's id (to stay light); they agree."""
    assert scenario_command.DEFAULT_SCENARIO == data.DEFAULT_SCENARIO


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InputError, 2),
        (errors.ScenarioFileError, 2),
        (errors.DiaryFileError, 2),
        (errors.PlanFileError, 2),
        (errors.AddressNotFoundError, 2),
        (errors.InvalidModelError, 2),
        (errors.UnknownReferenceError, 2),
        (errors.RoadshowError, 3),
        (errors.OutputError, 3),
        (errors.FolderInUseError, 3),
        (errors.GeocodeError, 3),
        (errors.MissingDependencyError, 3),
        (errors.PlanningError, 3),
    ],
)
def test_each_error_carries_its_exit_code(error: type[Exception], code: int) -> None:
    """Exit codes belong to the error classes: 2 bad input, 3 could not finish."""
    assert getattr(error, "exit_code", None) == code


def _break_show(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `roadshow show` hit a bug: an error whose text has a newline and an ESC."""
    from roadshow.exporters import summary

    def broken(*_: object) -> str:
        raise RuntimeError("venue\n\x1b[2Jx")

    monkeypatch.setattr(summary, "render_scenario_summary", broken)


def test_unexpected_error_is_one_line_and_exits_3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug reports one line with a hint to rerun with --debug, and exits 3, not 1."""
    _break_show(monkeypatch)
    result = CliRunner().invoke(cli, ["show"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unexpected RuntimeError: venue\\n\\x1b[2Jx. This is a bug in"
        " roadshow: rerun with --debug (roadshow --debug COMMAND ...) to see the"
        " traceback, and report it.\n"
    )


def test_debug_shows_the_traceback_of_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --debug a bug shows its traceback, and still exits 3."""
    _break_show(monkeypatch)
    result = CliRunner().invoke(cli, ["--debug", "show"])
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: venue" in result.stderr


def test_usage_errors_keep_exit_2() -> None:
    """Click's own usage errors (an unknown option) still exit 2."""
    result = CliRunner().invoke(cli, ["show", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.stderr
