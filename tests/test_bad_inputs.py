"""The bad-input corpus: every malformed file gives its exact one-line message, exit 2.

Each case in ``tests/bad_inputs/<kind>/`` is an input file plus a sibling
``.expected`` file holding the message roadshow prints after ``Error:``. Adding a
case of an existing kind is dropping in those two files; see
``tests/bad_inputs/README.md``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from attrs import frozen
from click.testing import CliRunner

from roadshow.cli import cli
from safety_kit import SMALL_SCENARIO

CORPUS = Path(__file__).parent / "bad_inputs"


@frozen
class Outcome:
    """What running one bad input produced."""

    exit_code: int
    stdout: str
    stderr: str


Runner = Callable[[Path, Path, CliRunner], Outcome]
"""Run one case file (in a scratch folder) and return what happened."""


def _invoke(runner: CliRunner, args: list[str]) -> Outcome:
    result = runner.invoke(cli, args)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_scenario(case: Path, scratch: Path, runner: CliRunner) -> Outcome:
    """`roadshow show CASE.toml`, run beside the file so messages name it plainly."""
    shutil.copy(case, scratch / case.name)
    return _invoke(runner, ["show", case.name])


def run_csv(case: Path, scratch: Path, runner: CliRunner) -> Outcome:
    """`roadshow show` on csv/_scenario.toml with CASE as its table.

    ``venues.no-coordinates.csv`` is copied as ``venues.csv`` and named in
    ``[tables]`` as ``venues``.
    """
    table = case.name.split(".", 1)[0]
    base = (case.parent / "_scenario.toml").read_text(encoding="utf-8")
    tables = f'\n[tables]\n{table} = "{table}.csv"\n'
    (scratch / "scenario.toml").write_text(base + tables, encoding="utf-8")
    shutil.copy(case, scratch / f"{table}.csv")
    return _invoke(runner, ["show", "scenario.toml"])


def run_plan(case: Path, scratch: Path, runner: CliRunner) -> Outcome:
    """`roadshow check CASE.json`: check a (hand-edited) plan file."""
    shutil.copy(case, scratch / case.name)
    return _invoke(runner, ["check", case.name])


def run_diary(case: Path, scratch: Path, runner: CliRunner) -> Outcome:
    """`roadshow import-diary CASE.ics --person darzi`: read a diary's busy time."""
    shutil.copy(case, scratch / case.name)
    return _invoke(runner, ["import-diary", case.name, "--person", "darzi"])


def run_cli(case: Path, scratch: Path, runner: CliRunner) -> Outcome:
    """`roadshow ARGS...`, ARGS the JSON list in CASE.args.

    The folder holds ``small.toml`` (``safety_kit.SMALL_SCENARIO``) and, when the
    arguments name ``{out}``, its ``plan --out`` folder, ``out``.
    """
    args = json.loads(case.read_text(encoding="utf-8"))
    text = SMALL_SCENARIO.format(hour=11)
    (scratch / "small.toml").write_text(text, encoding="utf-8")
    if "{out}" in args:
        planned = runner.invoke(cli, ["-q", "plan", "small.toml", "--out", "out"])
        assert planned.exit_code == 0, planned.output
    return _invoke(runner, [arg.replace("{out}", "out") for arg in args])


KINDS: dict[str, tuple[str, Runner]] = {
    "scenario": (".toml", run_scenario),
    "csv": (".csv", run_csv),
    "plan": (".json", run_plan),
    "ics": (".ics", run_diary),
    "cli": (".args", run_cli),
}
"""Each corpus folder: the suffix of its inputs and how to run one."""


def corpus() -> list[tuple[str, Path]]:
    """Return every (kind, input file) in the corpus, in a stable order."""
    found = []
    for kind, (suffix, _) in KINDS.items():
        found += [
            (kind, path)
            for path in sorted((CORPUS / kind).glob(f"*{suffix}"))
            if not path.name.startswith("_")
        ]
    return found


def expected_of(case: Path) -> Path:
    """Return the ``.expected`` file beside an input."""
    return case.with_suffix(".expected")


CASES = corpus()


@pytest.mark.parametrize(
    ("kind", "case"), CASES, ids=[f"{kind}/{case.name}" for kind, case in CASES]
)
def test_bad_input_gives_its_message(
    kind: str,
    case: Path,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The input exits 2 with exactly its expected one-line message, no traceback."""
    expected = expected_of(case).read_text(encoding="utf-8").strip()
    monkeypatch.chdir(tmp_path)
    outcome = KINDS[kind][1](case, tmp_path, runner)
    assert outcome.exit_code == 2, outcome
    assert outcome.stdout == ""
    assert outcome.stderr == f"Error: {expected}\n"
    assert "Traceback" not in outcome.stderr


def test_corpus_is_complete() -> None:
    """Every input has its .expected and every .expected its input; 40+ cases."""
    inputs = {expected_of(case) for _, case in CASES}
    expectations = set(CORPUS.glob("*/*.expected"))
    assert inputs == expectations
    assert len(CASES) >= 40


# The diary's own limits: roadshow's calendars have no recurring events, so
# `check FILE.ics` skips these with a warning instead.
DIARY_ONLY = ("rule-every-second.ics", "rule-every-minute.ics")
CALENDARS = [
    case for kind, case in CASES if kind == "ics" and case.name not in DIARY_ONLY
]


@pytest.mark.parametrize("case", CALENDARS, ids=[case.name for case in CALENDARS])
def test_bad_calendar_fails_check_the_same_way(
    case: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`roadshow check CASE.ics` (an edited calendar) gives the same message."""
    expected = expected_of(case).read_text(encoding="utf-8").strip()
    monkeypatch.chdir(tmp_path)
    shutil.copy(case, tmp_path / case.name)
    outcome = _invoke(runner, ["check", case.name])
    assert outcome.exit_code == 2, outcome
    assert (outcome.stdout, outcome.stderr) == ("", f"Error: {expected}\n")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_cases(kind: str) -> None:
    """Each kind of input (scenario, CSV table, plan file, .ics) has ten or more."""
    assert sum(1 for k, _ in CASES if k == kind) >= 10


def test_expected_messages_are_one_line_naming_the_file() -> None:
    """Each expected message is one line and starts with the file it blames."""
    for kind, case in CASES:
        message = expected_of(case).read_text(encoding="utf-8")
        assert message.count("\n") == 1, case
        if kind == "cli":
            continue  # blames the option or the file its arguments name
        # A CSV case blames its table, or the scenario for a clash with it.
        table = f"{case.name.split('.', 1)[0]}.csv"
        blamed = (table, "scenario.toml") if kind == "csv" else (case.name,)
        assert message.startswith(tuple(f"{name}" for name in blamed)), case


# --- as a real process, with and without --debug ------------------------------------

CASE = CORPUS / "scenario" / "unknown-key-top.toml"


def _roadshow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roadshow", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_process_prints_one_paragraph_and_exits_2() -> None:
    """The installed CLI prints only the message on stderr and exits 2."""
    done = _roadshow("show", CASE.name, cwd=CASE.parent)
    expected = expected_of(CASE).read_text(encoding="utf-8").strip()
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"Error: {expected}\n"


def test_debug_shows_the_traceback() -> None:
    """With --debug the same bad input shows the traceback, and still exits 2."""
    done = _roadshow("--debug", "show", CASE.name, cwd=CASE.parent)
    expected = expected_of(CASE).read_text(encoding="utf-8").strip()
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert f"roadshow.errors.ScenarioFileError: {expected}" in done.stderr
