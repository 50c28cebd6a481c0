"""Publishing never deletes or rewrites what roadshow did not write (issue 16).

Each case was a data loss found in a hostile review; each test fails if it comes
back. They run the real CLI (as a subprocess where the case is a whole run) on
real folders with a real history:

- a user's folder in ``DIR/versions`` survives every run;
- with ``history.sqlite`` gone, no version folder is removed (the run stops);
- a symbolic link at ``versions``, ``latest``, ``latest.txt``, ``.journal`` or
  ``.lock`` is refused (exit 3, one line) and nothing behind it changes;
- writing over a file keeps its mode (an owner-only file stays owner-only);
- where symbolic links cannot be made, ``latest.txt`` is the pointer and every
  reader of the latest version follows it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from roadshow._fs import write_atomic
from roadshow.cli import cli
from roadshow.feeds import calendar_folder
from roadshow.importers.scenario import load_scenario
from roadshow.outputs import latest_folder, latest_version, publish_plan
from roadshow.planner import solve
from safety_kit import SMALL_SCENARIO, history_numbers, run_roadshow, snapshot


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The small scenario with its press briefing at 11:00 and at 15:00."""
    folder = tmp_path_factory.mktemp("scenarios")
    found = {}
    for hour in (11, 15):
        found[hour] = folder / f"small-{hour}.toml"
        found[hour].write_text(SMALL_SCENARIO.format(hour=hour), encoding="utf-8")
    return found


def plan(scenario: Path, out: Path) -> tuple[int, str]:
    """Run `roadshow -q plan SCENARIO --out OUT` as a process: (exit code, stderr)."""
    done = run_roadshow("-q", "plan", str(scenario), "--out", str(out))
    assert "Traceback" not in done.stderr
    return done.returncode, done.stderr


def precious(folder: Path) -> dict[str, bytes]:
    """Fill *folder* with a user's files; return their snapshot."""
    (folder / "sub").mkdir(parents=True)
    (folder / "letter.txt").write_text("dear diary", encoding="utf-8")
    (folder / "sub" / "0001").write_text("not a version", encoding="utf-8")
    return snapshot(folder)


def test_a_users_folder_in_versions_survives_every_run(tmp_path, scenarios):
    """DIR/versions/mine/ vanished with exit 0; now publishing leaves it alone."""
    out = tmp_path / "out"
    assert plan(scenarios[11], out)[0] == 0
    mine = precious(out / "versions" / "mine")
    assert plan(scenarios[15], out)[0] == 0  # a new version, recovery and pruning
    assert snapshot(out / "versions" / "mine") == mine
    assert history_numbers(out) == [1, 2]
    assert latest_version(out) == 2


def test_without_a_history_no_version_folder_is_removed(tmp_path, scenarios):
    """history.sqlite missing: every earlier version folder went; now none does."""
    out = tmp_path / "out"
    assert plan(scenarios[11], out)[0] == 0
    assert plan(scenarios[15], out)[0] == 0
    (out / "history.sqlite").unlink()
    before = snapshot(out / "versions")
    code, stderr = plan(scenarios[11], out)
    assert code == 3
    assert stderr == (
        f"Error: {out / 'history.sqlite'} is missing, but {out / 'versions'} holds"
        " version folders (0001, 0002): roadshow will not remove or overwrite them;"
        " move them away (or restore the history) and run again\n"
    )
    assert snapshot(out / "versions") == before


def test_a_symlinked_versions_folder_is_refused(tmp_path, scenarios):
    """DIR/versions -> a user's folder: it was emptied; now the run is refused."""
    out, elsewhere = tmp_path / "out", tmp_path / "Documents"
    kept = precious(elsewhere)
    out.mkdir()
    (out / "versions").symlink_to(elsewhere)
    code, stderr = plan(scenarios[11], out)
    assert code == 3
    assert stderr == (
        f"Error: {out / 'versions'} is a symbolic link (to {elsewhere}): roadshow"
        " will not write version folders through a link; remove the link or use"
        " another folder\n"
    )
    assert snapshot(elsewhere) == kept
    assert not (out / "history.sqlite").exists()


@pytest.mark.parametrize("name", ["latest.txt", ".journal"])
def test_a_symlinked_pointer_or_journal_is_refused(tmp_path, name, runner: CliRunner):
    """latest.txt or .journal linked elsewhere: refused, the target untouched."""
    out, target = tmp_path / "out", tmp_path / "target.txt"
    target.write_text("versions/0001\n", encoding="utf-8")
    out.mkdir()
    (out / name).symlink_to(target)
    result = runner.invoke(cli, ["plan", "--only", "national", "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {out / name} is a symbolic link (to ")
    assert target.read_text(encoding="utf-8") == "versions/0001\n"


@pytest.mark.parametrize("kind", ["link elsewhere", "folder", "file"])
def test_a_latest_that_is_not_roadshows_link_is_refused(
    tmp_path, kind, runner: CliRunner
):
    """DIR/latest that is not a link to a version folder is never replaced."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    kept = precious(elsewhere)
    out.mkdir()
    latest = out / "latest"
    if kind == "link elsewhere":
        latest.symlink_to(elsewhere)
    elif kind == "folder":
        precious(latest)
    else:
        latest.write_text("my notes", encoding="utf-8")
    before = snapshot(out)
    result = runner.invoke(cli, ["plan", "--only", "national", "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {latest} ")
    assert "roadshow will not replace it" in result.stderr
    after = snapshot(out)
    assert after.pop(".lock") == b""  # only the (empty) lock file is new
    assert after == before
    assert snapshot(elsewhere) == kept


def test_a_symlinked_lock_is_refused_and_creates_nothing(tmp_path, scenarios):
    """DIR/.lock -> a missing file: its target was created; now it is refused."""
    out, target = tmp_path / "out", tmp_path / "made-by-roadshow"
    out.mkdir()
    (out / ".lock").symlink_to(target)
    code, stderr = plan(scenarios[11], out)
    assert code == 3
    assert stderr == (
        f"Error: {out / '.lock'} is a symbolic link (to {target}): roadshow will"
        " not write the lock file through a link; remove the link or use another"
        " folder\n"
    )
    assert not target.exists()
    assert sorted(p.name for p in out.iterdir()) == [".lock"]


def test_a_symlinked_lock_to_a_file_leaves_it_whole(tmp_path, runner: CliRunner):
    """DIR/.lock -> a user's file: neither truncated nor rewritten."""
    out, target = tmp_path / "out", tmp_path / "thesis.txt"
    target.write_text("chapter one", encoding="utf-8")
    out.mkdir()
    (out / ".lock").symlink_to(target)
    result = runner.invoke(cli, ["plan", "--only", "national", "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert target.read_text(encoding="utf-8") == "chapter one"


def test_writing_over_a_private_file_keeps_it_private(tmp_path, scenarios):
    """`-o FILE` turned an existing 0600 file into 0644; now it stays 0600."""
    target = tmp_path / "programme.ics"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    done = run_roadshow("ics", str(scenarios[11]), "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path, mode):
    """Any existing mode is kept, whatever the umask."""
    target = tmp_path / "file"
    target.write_bytes(b"old")
    target.chmod(mode)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == mode


# --- where symbolic links cannot be made ---------------------------------------------


def no_symlinks(*_args: object, **_kwargs: object) -> None:
    """os.symlink where links are not allowed (Windows without developer mode)."""
    raise OSError(errno.EPERM, "A required privilege is not held by the client")


def test_without_symlinks_latest_txt_is_the_pointer(
    tmp_path, scenarios, monkeypatch, runner: CliRunner
):
    """No links: latest.txt names the version, and every reader follows it."""
    monkeypatch.setattr(os, "symlink", no_symlinks)
    out = tmp_path / "out"
    stamp = pendulum.datetime(2008, 9, 1, 8, tz="UTC")
    for hour in (11, 15):
        scenario = load_scenario(scenarios[hour])
        publish_plan(out, scenario, solve(scenario).plan, issued_at=stamp)
    assert not (out / "latest").exists()
    assert not (out / "latest").is_symlink()
    assert (out / "latest.txt").read_text(encoding="utf-8") == "versions/0002\n"
    assert latest_version(out) == 2
    assert latest_folder(out) == out / "versions" / "0002"
    assert calendar_folder(out) == out / "versions" / "0002" / "calendars"
    shown = runner.invoke(cli, ["ics", str(scenarios[15]), "--plan", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "DTSTART;TZID=Europe/London:20081107T150000" in shown.stdout
    changes = runner.invoke(cli, ["changes", str(out)])
    assert changes.stdout.startswith("Changes from version 1 to 2:"), changes.output
    checked = runner.invoke(cli, ["check", str(out), "--scenario", str(scenarios[15])])
    assert checked.exit_code == 0, checked.output


def test_without_symlinks_a_stale_link_is_removed(
    tmp_path, scenarios, monkeypatch, runner: CliRunner
):
    """A folder made where links work, then used where they do not: no stale link."""
    out = tmp_path / "out"
    assert plan(scenarios[11], out)[0] == 0
    assert (out / "latest").readlink() == Path("versions/0001")
    monkeypatch.setattr(os, "symlink", no_symlinks)
    result = runner.invoke(cli, ["-q", "plan", str(scenarios[15]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "latest").is_symlink()
    assert latest_version(out) == 2
    assert snapshot(out / "versions" / "0002")["plan.json"].find(b"15:00") > 0


@pytest.mark.parametrize("syncfs", ["works", "missing"])
def test_sync_files_flushes_every_file(tmp_path, monkeypatch, syncfs: str) -> None:
    """sync_files flushes a folder's files: one syncfs, or each file without it."""
    from roadshow import _fs

    synced: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(_fs, "_syncfs", lambda fd: 0 if syncfs == "works" else -1)

    def fsync(fd: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    (tmp_path / "people").mkdir()
    _fs.write_new(tmp_path / "a.ics", b"a", sync=False)
    _fs.write_new(tmp_path / "people" / "b.ics", b"b", sync=False)
    _fs.sync_files(tmp_path)
    expected = [] if syncfs == "works" else ["a.ics", "people/b.ics"]
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in synced) == expected


def test_write_files_replaces_whole_files_and_keeps_their_mode(tmp_path) -> None:
    """write_files writes new files, replaces old ones (mode kept), leaves no temp."""
    from roadshow import _fs

    _fs.write_files(tmp_path, {"programme.ics": b"old", "people/a.ics": b"a"})
    (tmp_path / "programme.ics").chmod(0o600)
    _fs.write_files(tmp_path, {"programme.ics": b"new", "people/b.ics": b"b"})
    found = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    assert found == {
        "programme.ics": b"new",
        "people/a.ics": b"a",
        "people/b.ics": b"b",
    }
    assert stat.S_IMODE((tmp_path / "programme.ics").stat().st_mode) == 0o600
