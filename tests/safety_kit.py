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
NATIONAL = ("--only", "national")  # 2 events, about 0.4 s a run
TOUR = ("--only", "tour")  # the 10 listening visits and clinical sessions, about 1 s


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
