"""A read-only or full output folder: exit 3 naming it, earlier outputs intact.

Root ignores file modes, so these tests mount a small tmpfs (root only; skipped
with the reason elsewhere, or where mounting is not allowed) and remount it
read-only, or fill it.
"""

from __future__ import annotations

from pathlib import Path

from safety_kit import (
    NATIONAL,
    TOUR,
    history_numbers,
    integrity,
    plan_into,
    remount_read_only,
    run_roadshow,
    snapshot,
    tmpfs,
)


def test_read_only_folder_exits_3_and_keeps_the_outputs(tmp_path: Path) -> None:
    """A folder on a read-only file system: exit 3, one line naming it, no change."""
    with tmpfs(tmp_path / "mount", "1m") as mount:
        out = mount / "out"
        plan_into(out, NATIONAL)
        before = snapshot(out)
        remount_read_only(mount)
        done = run_roadshow("-q", "plan", *TOUR, "--out", str(out))
        assert done.returncode == 3, done.stderr
        assert done.stderr == f"Error: cannot write to {out}: Read-only file system\n"
        assert snapshot(out) == before
        assert history_numbers(out) == [1]


def test_full_folder_exits_3_and_keeps_the_outputs(tmp_path: Path) -> None:
    """A file system that fills up mid-version: exit 3, and the last version stands."""
    # 1 MiB holds the national plan's version (about 530 KiB with the history)
    # but not the tour's next to it (about 900 KiB more).
    with tmpfs(tmp_path / "mount", "1m") as mount:
        out = mount / "out"
        plan_into(out, NATIONAL)
        before = snapshot(out)
        done = run_roadshow(
            "-q", "plan", *TOUR, "--allow-cancel", "all", "--out", str(out)
        )
        assert done.returncode == 3, done.stderr
        assert done.stderr.startswith(f"Error: cannot write {out}/versions/0002.tmp/")
        assert done.stderr.endswith(
            f": No space left on device; the outputs already in {out} are unchanged\n"
        )
        assert "Traceback" not in done.stderr
        assert snapshot(out) == before  # no new version, no leftovers
        assert sorted(p.name for p in (out / "versions").iterdir()) == ["0001"]
        assert history_numbers(out) == [1]
        assert integrity(out) == "ok"
