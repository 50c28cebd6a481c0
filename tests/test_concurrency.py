"""Two `roadshow plan --out DIR` runs at once: one fails at once, nothing is lost."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from roadshow.history import HISTORY_FILE
from roadshow.outputs import latest_version
from safety_kit import (
    NATIONAL,
    TOUR,
    history_numbers,
    integrity,
    roadshow_command,
    roadshow_env,
    run_roadshow,
    snapshot,
)

pytestmark = pytest.mark.slow

ROUNDS = 4
WROTE = re.compile(r"^Wrote \d+ files in .* \(plan version (\d+)\)$", re.MULTILINE)


def in_use(folder: Path) -> str:
    """The message of a run that finds *folder* locked."""
    return (
        f"Error: {folder} is in use by another roadshow run; try again when it"
        " has finished\n"
    )


def kinds_of_version(folder: Path, number: int) -> set[str]:
    """The kinds of event in the plan the history holds as version *number*."""
    with contextlib.closing(sqlite3.connect(folder / HISTORY_FILE)) as db:
        (text,) = db.execute(
            "SELECT plan FROM versions WHERE number = ?", (number,)
        ).fetchone()
    return {event["kind"] for event in json.loads(text)["events"]}


def test_a_second_run_fails_at_once_while_the_first_plans(tmp_path: Path) -> None:
    """While one run plans into DIR, another exits 3 at once naming DIR."""
    out = tmp_path / "out"
    first = subprocess.Popen(
        roadshow_command("plan", *TOUR, "--out", str(out)),
        env=roadshow_env(PYTHONUNBUFFERED="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stderr is not None
        # The lock is taken before planning starts.
        assert first.stderr.readline().startswith("Planning ")
        second = run_roadshow("plan", *NATIONAL, "--out", str(out))
        assert second.returncode == 3
        assert second.stdout == ""
        assert second.stderr == in_use(out)
        rest = first.stderr.read()
        assert first.wait(timeout=300) in {0, 1}, rest
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        if first.stderr is not None:
            first.stderr.close()
    assert "(plan version 1)" in rest
    assert history_numbers(out) == [1]
    assert kinds_of_version(out, 1) == {"tour"}


def test_runs_started_together_never_interleave_or_lose_versions(
    tmp_path: Path,
) -> None:
    """Pairs of runs started together: each new version is whole and accounted for."""
    out = tmp_path / "out"
    issued: dict[int, str] = {}  # version -> the kind of plan that issued it
    refused = 0
    for _ in range(ROUNDS):
        runs = {
            kind: subprocess.Popen(
                roadshow_command("plan", *only, "--out", str(out)),
                env=roadshow_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for kind, only in (("tour", TOUR), ("national", NATIONAL))
        }
        for kind, process in runs.items():
            _, err = process.communicate(timeout=300)
            if process.returncode == 3:
                assert err == in_use(out)
                refused += 1
                continue
            assert process.returncode in {0, 1}, err
            for number in WROTE.findall(err):
                assert int(number) not in issued, err  # never issued twice
                issued[int(number)] = kind
        assert integrity(out) == "ok"
        numbers = history_numbers(out)
        assert numbers == list(range(1, len(numbers) + 1))
        assert sorted(issued) == numbers  # every version came from a finished run
        assert latest_version(out) == numbers[-1]
    for number, kind in issued.items():
        assert kinds_of_version(out, number) == {kind}
    # The latest folder is the whole of the last version.
    last = out / "versions" / f"{max(issued):04d}"
    assert snapshot(out / "latest") == snapshot(last)
    print(f"{ROUNDS} rounds: {len(issued)} versions, {refused} runs refused")  # noqa: T201
