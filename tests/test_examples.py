"""Every script in examples/ runs as a process and prints what it should.

Each script's stdout is compared with ``tests/golden/examples/<name>.txt``
(``pytest --update-golden`` rewrites it; review the diff like code).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
GOLDEN = Path(__file__).parent / "golden" / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def _run(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_there_are_examples() -> None:
    """The examples folder holds scripts (so the test below runs something)."""
    assert "small_programme.py" in [s.name for s in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_runs(
    script: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The script exits 0, writes no file, says nothing on stderr, prints its golden."""
    done = _run(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert list(tmp_path.iterdir()) == []
    golden = GOLDEN / f"{script.stem}.txt"
    if request.config.getoption("--update-golden"):
        golden.write_text(done.stdout, encoding="utf-8")
    assert done.stdout == golden.read_text(encoding="utf-8")


def test_small_programme_places_everything(tmp_path: Path) -> None:
    """The small programme places all four requests, the pinned one as pinned."""
    lines = _run(EXAMPLES / "small_programme.py", tmp_path).stdout.splitlines()
    titles = ("Leeds", "York", "Manchester", "Press briefing")
    assert [any(t in line for line in lines[:4]) for t in titles] == [True] * 4
    assert lines[3].startswith("Fri 7 Nov 11:00 GMT  Press briefing")
    assert not any(line.startswith("Not placed") for line in lines)
    assert "Checker: 0 errors, " in lines[5]  # no clash with Tuesday's Cabinet
