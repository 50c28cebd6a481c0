"""The hostile-input benchmark itself, run tiny: inputs as named, a row per case.

``python -m bench.hostile`` is run as a user runs it (a subprocess from the
repository root) on inputs of a few kilobytes. No timing is asserted: the
figures at 50 MB are measured by hand and reported in the README.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench import hostile

ROOT = Path(__file__).resolve().parent.parent
SIZE = 20_000


@pytest.mark.parametrize("case", sorted(hostile.DIARIES))
def test_each_diary_is_a_calendar_of_about_the_size(case: str) -> None:
    """Each generated diary fits the size, is one calendar, and is not trivial."""
    text = hostile.DIARIES[case](SIZE)
    assert SIZE / 2 < len(text) <= SIZE
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("\nBEGIN:") + 1 == text.count("\nEND:")  # nesting closed


def test_busy_person_has_its_requests_for_one_person(tmp_path: Path) -> None:
    """The busy-person scenario holds the requests asked for, all for Ann."""
    path = hostile.busy_person(7, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.count("[[requests]]") == 7
    assert text.count('attendees = ["ann"]') == 7
    assert "start = 2008-01-01" in text
    assert "end = 2008-12-31" in text


def test_the_harness_runs_the_real_cli_and_reports_each_case(tmp_path: Path) -> None:
    """A tiny run: one row per case with an exit code, memory and times."""
    out = tmp_path / "rows.json"
    cases = ["past-events", "nested", "table", "busy-person"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.hostile",
            "--mb",
            "0.02",
            *[f"--only={case}" for case in cases],
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode in {0, 1}, done.stderr  # 1: over a limit on a slow machine
    rows = {row["case"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert sorted(rows) == sorted(cases)
    for row in rows.values():
        assert row["peak_kb"] > 0
        assert row["wall"] > 0
        assert row["case"] in done.stdout
    assert rows["past-events"]["code"] == 0
    assert "0 busy periods for Lord Darzi" in rows["past-events"]["last"]
    assert rows["nested"]["code"] == 2
    assert "the components are nested too deeply" in rows["nested"]["last"]
    assert rows["table"]["code"] == 0
    assert rows["busy-person"]["code"] in {0, 1}
