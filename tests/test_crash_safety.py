"""SIGKILL `roadshow plan --out DIR` anywhere: DIR/latest is always a whole version.

A base folder holds KEEP_VERSIONS versions of a small scenario (so the next run
also prunes the oldest); the versions differ in the time of a pinned press
briefing. Each trial copies the base, runs the real ``roadshow plan --out`` on
the copy with the briefing moved again, and kills the process with SIGKILL:

- at every step of publishing, one trial per step, through the test hook
  ``roadshow.outputs.step_hook`` that ``tests/kill_at.py N`` installs (the
  process kills itself at its N-th step), until a run gets past the last step; and
- after seeded random delays spread over the whole run (planning included),
  from outside.

After each kill, the latest version (``DIR/latest.txt``) must hold exactly the
previous version's files or exactly the new version's (compared byte for byte
with reference runs), and the history must pass ``PRAGMA integrity_check`` with
consecutive versions. Then the folder is used again, once for each kind of
leftover a kill made: a second kill during recovery, and a run to the end, must
leave exactly the new version.

The scenario is small (one principal, three events) so that a run takes about a
second: every format is still written (plan file, calendars, itineraries in
each format, the programme table), one file a step.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

import kill_at
from roadshow.importers.scenario import load_scenario
from roadshow.outputs import KEEP_VERSIONS, latest_folder, latest_version, publish_plan
from roadshow.planner import solve
from safety_kit import (
    EPOCH,
    SMALL_SCENARIO,
    history_numbers,
    integrity,
    roadshow_command,
    roadshow_env,
    run_roadshow,
    snapshot,
)

pytestmark = pytest.mark.slow

SIGKILLED = -9
TIMED_KILLS = 10


class Trials:
    """The base folder, the reference outputs, and the checks after a kill."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = root / "base"
        self.early, self.late = root / "early.toml", root / "late.toml"
        self.early.write_text(SMALL_SCENARIO.format(hour=11), encoding="utf-8")
        self.late.write_text(SMALL_SCENARIO.format(hour=15), encoding="utf-8")
        # Versions 1..KEEP_VERSIONS alternate early and late briefings, ending
        # early; the trials' run (late) makes KEEP_VERSIONS + 1.
        assert KEEP_VERSIONS % 2 == 1
        for i in range(KEEP_VERSIONS):
            self.plan_into(self.base, self.late if i % 2 else self.early)
        self.old_number = KEEP_VERSIONS
        self.new_number = KEEP_VERSIONS + 1
        self.old = snapshot(self.base / "latest")
        assert self.old == snapshot(self.base / "versions" / f"{KEEP_VERSIONS:04d}")
        reference = self.copy("reference")
        began = time.monotonic()
        self.plan_into(reference, self.late)
        self.run_seconds = time.monotonic() - began
        self.new = snapshot(reference / "latest")
        assert self.old != self.new
        assert latest_version(reference) == self.new_number
        self.scenario = load_scenario(self.late)
        self.plan = solve(self.scenario).plan
        self.kills = 0
        self.recovered: set[frozenset[str]] = set()

    @staticmethod
    def plan_into(folder: Path, scenario: Path) -> None:
        """Run `roadshow -q plan SCENARIO --out FOLDER` to the end."""
        done = run_roadshow("-q", "plan", str(scenario), "--out", str(folder))
        assert done.returncode == 0, done.stderr

    def copy(self, name: str) -> Path:
        """A fresh copy of the base folder (the latest link copied as a link)."""
        target = self.root / name
        shutil.copytree(self.base, target, symlinks=True)
        return target

    def start(self, folder: Path, step: int | None = None) -> subprocess.Popen[bytes]:
        """Start `roadshow -q plan late.toml --out FOLDER`."""
        args = ("-q", "plan", str(self.late), "--out", str(folder))
        return subprocess.Popen(
            kill_at.command(step, *args) if step else roadshow_command(*args),
            env=roadshow_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def finish(self, process: subprocess.Popen[bytes]) -> int:
        """Wait for the process; return its exit status (-9 when killed)."""
        _, err = process.communicate(timeout=300)
        if process.returncode != SIGKILLED:
            assert process.returncode in {0, 1}, err.decode()
        else:
            self.kills += 1
        return process.returncode

    def check_whole(self, folder: Path, what: str) -> bool:
        """Check the folder after a kill; return True if it shows the new version."""
        assert integrity(folder) == "ok", what
        numbers = history_numbers(folder)
        assert numbers == list(range(1, len(numbers) + 1)), what
        assert numbers[-1] in {self.old_number, self.new_number}, what
        shown = latest_version(folder)
        shown_folder = latest_folder(folder)
        assert shown_folder is not None, what
        files = snapshot(shown_folder)
        if files == self.new:
            assert shown == self.new_number, what
            assert numbers[-1] == self.new_number, what
            return True
        assert files == self.old, f"{what}: latest is neither whole version"
        assert shown == self.old_number, what
        return False

    def check_recovers(self, folder: Path, what: str) -> None:
        """Kill once more during recovery, then finish: the new version, whole."""
        last = history_numbers(folder)[-1]
        leftovers = frozenset(
            p.suffix or ("uncommitted" if int(p.name) > last else "")
            for p in (folder / "versions").iterdir()
        ) - {""}
        if latest_version(folder) != last:
            leftovers |= {"unlinked"}
        elif (folder / "latest").readlink() != Path(f"versions/{last:04d}"):
            leftovers |= {"link behind"}
        if leftovers and leftovers not in self.recovered:
            # The first step of the next run is a step of recovery; once for each
            # kind of leftover is enough.
            self.recovered.add(leftovers)
            self.finish(self.start(folder, step=1))
            self.check_whole(folder, f"{what}, killed again in recovery")
        # The rest of the run, in this process: the same code and the same plan.
        publish_plan(
            folder,
            self.scenario,
            self.plan,
            issued_at=pendulum.from_timestamp(int(EPOCH), tz="UTC"),
        )
        assert self.check_whole(folder, f"{what}, then run to the end"), what
        assert history_numbers(folder) == list(range(1, self.new_number + 1)), what
        versions = sorted(p.name for p in (folder / "versions").iterdir())
        assert versions == [f"{n:04d}" for n in range(2, self.new_number + 1)], (
            f"{what}: {versions}"
        )


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trials]:
    """The base folder and reference outputs, made once for this module.

    They live in memory (/dev/shm) where there is one: a process killed by a
    signal loses nothing the kernel already has, so the file system makes no
    difference to what this test checks, and fsync is free there.
    """
    shm = Path("/dev/shm")  # noqa: S108 - a private folder made inside it
    if shm.is_dir() and os.access(shm, os.W_OK):
        root = Path(tempfile.mkdtemp(prefix="roadshow-crash-", dir=shm))
        try:
            yield Trials(root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    else:
        yield Trials(tmp_path_factory.mktemp("crash"))


def test_a_kill_at_every_publishing_step_leaves_a_whole_version(trials: Trials) -> None:
    """SIGKILL at each step in turn: latest is the old or the new version, whole."""
    step = 0
    outcomes = []
    while True:
        step += 1
        folder = trials.copy(f"step-{step}")
        status = trials.finish(trials.start(folder, step=step))
        is_new = trials.check_whole(folder, f"killed at step {step}")
        if status != SIGKILLED:
            break  # this run went past the last step
        outcomes.append(is_new)
        trials.check_recovers(folder, f"killed at step {step}")
        shutil.rmtree(folder)
    # Every file written is a step, so a run has more steps than files; early
    # kills show the old version and late ones the new.
    assert len(outcomes) > len(trials.new)
    assert not outcomes[0]
    assert outcomes[-1]
    # The kinds of leftovers recovery met (and was killed in, once each).
    assert {".tmp", "uncommitted", "unlinked", "link behind", ".gone"} <= set().union(
        *trials.recovered
    )
    print(f"{len(outcomes)} publishing steps, each killed once")  # noqa: T201


def test_kills_at_random_moments_leave_a_whole_version(trials: Trials) -> None:
    """SIGKILL after seeded random delays over the run: always a whole version."""
    chance = random.Random(2008)  # noqa: S311 - a reproducible spread, not secrecy
    killed = 0
    # Runs take longer or shorter as the machine's load changes; when a run
    # ends before its kill, later delays shrink, so some kills always land.
    scale = trials.run_seconds * 1.2
    for trial in range(TIMED_KILLS):
        folder = trials.copy(f"timed-{trial}")
        delay = chance.uniform(0, scale)
        process = trials.start(folder)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.kill()
        if trials.finish(process) == SIGKILLED:
            killed += 1
        else:
            scale *= 0.6
        what = f"killed after {delay:.2f} s"
        trials.check_whole(folder, what)
        trials.check_recovers(folder, what)
        shutil.rmtree(folder)
    assert killed  # most delays are shorter than a run
    print(f"{killed} of {TIMED_KILLS} runs killed from outside")  # noqa: T201
