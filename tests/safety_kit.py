"""Helpers for the safety tests: real roadshow processes, folder snapshots, tmpfs."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from roadshow.history import HISTORY_FILE

EPOCH = "1220256000"  # 2008-09-01T08:00:00Z: every run issues its version then
NATIONAL = ("--only", "national")  # the default scenario's 2 national events
TOUR = ("--only", "tour")  # its 10 listening visits and 10 clinical sessions

SMALL_SCENARIO = """\
id = "small-tour"
name = "A small tour, November 2008"
start = 2008-11-03
end = 2008-11-07
timezone = "Europe/London"

[[venues]]
id = "whitehall"
name = "Richmond House"
lat = 51.5025
lon = -0.1252

[[venues]]
id = "leeds"
name = "Leeds Civic Hall"
lat = 53.8018
lon = -1.5486

[[venues]]
id = "york"
name = "York Guildhall"
lat = 53.9600
lon = -1.0873

[[people]]
id = "ann"
name = "Ann Patel"
role = "principal"
home = "whitehall"

[[requests]]
id = "leeds"
title = "Listening event, Leeds"
attendees = ["ann"]
venue = "leeds"
duration = "2h"
slots = ["mon-fri 10:00-16:30"]

[[requests]]
id = "york"
title = "Round table, York"
attendees = ["ann"]
venue = "york"
duration = "1h30m"
slots = ["mon-fri 10:00-16:30"]

[[requests]]
id = "briefing"
title = "Press briefing"
attendees = ["ann"]
venue = "whitehall"
duration = "1h"
pinned = 2008-11-07T{hour}:00:00
"""
"""A small scenario (one principal, three events) as TOML; ``{hour}`` is when the
pinned press briefing on Fri 7 Nov 2008 starts. Quick to plan and to write."""


def roadshow_env(**extra: str) -> dict[str, str]:
    """The environment of a roadshow subprocess: pinned clock, no test hooks."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROADSHOW_TEST_") and k != "PYTHONHASHSEED"
    }
    return {**env, "SOURCE_DATE_EPOCH": EPOCH, **extra}


def roadshow_command(*args: str) -> list[str]:
    """The command line of a real roadshow process."""
    return [sys.executable, "-m", "roadshow", *args]


def run_roadshow(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run roadshow as a real process and wait for it."""
    return subprocess.run(
        roadshow_command(*args),
        capture_output=True,
        text=True,
        check=False,
        env=env or roadshow_env(),
        timeout=timeout,
    )


def plan_into(folder: Path, only: Sequence[str], **env: str) -> None:
    """Run `roadshow -q plan --only ... --out FOLDER` to the end; fail loudly."""
    done = run_roadshow(
        "-q", "plan", *only, "--out", str(folder), env=roadshow_env(**env)
    )
    assert done.returncode in {0, 1}, done.stderr
    assert "Traceback" not in done.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* (through links): relative name to bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def integrity(folder: Path) -> str:
    """The history database's ``PRAGMA integrity_check`` answer."""
    with contextlib.closing(sqlite3.connect(folder / HISTORY_FILE)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def history_numbers(folder: Path) -> list[int]:
    """The version numbers in the folder's history, in order."""
    with contextlib.closing(sqlite3.connect(folder / HISTORY_FILE)) as db:
        return [n for (n,) in db.execute("SELECT number FROM versions ORDER BY number")]


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of *size* on *folder* (made if needed); skip where impossible.

    Only root can mount; elsewhere (or where mounting is not allowed) the test is
    skipped with the reason.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount_read_only(folder: Path) -> None:
    """Make the tmpfs on *folder* read-only (as a full disk or a lost mount would)."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
