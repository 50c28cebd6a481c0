"""The one guarded way in for files: regular files only, a size limit, confinement.

Every ``load_*`` reads through :mod:`roadshow.importers._source`; these tests hit
the guard directly and through the real CLI (FIFOs, devices, folders, symlinks
out of the scenario's folder), where each case must be one line and exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from roadshow.cli import cli
from roadshow.errors import DiaryFileError, InputError, PlanFileError
from roadshow.importers._source import (
    MAX_SOURCE_BYTES,
    SourceRefusedError,
    fetch,
    read_source,
    read_source_bytes,
)
from roadshow.importers.diary import load_diary
from roadshow.importers.plan_file import load_plan_file
from roadshow.importers.scenario import load_scenario
from safety_kit import run_roadshow

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def tour(runner: CliRunner, tmp_path: Path) -> Path:
    """A scenario folder written by `roadshow init`."""
    folder = tmp_path / "tour"
    result = runner.invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def name_venues(folder: Path, name: str) -> None:
    """Point the scenario's venues table at *name*."""
    toml = folder / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'venues = "venues.csv"' in text
    toml.write_text(text.replace('"venues.csv"', f'"{name}"', 1), encoding="utf-8")


def add_diary(folder: Path, name: str) -> None:
    """Give the scenario's first person (darzi) a diary file *name*."""
    toml = folder / "scenario.toml"
    entry = f'\n[[diaries]]\nperson = "darzi"\nfile = "{name}"\n'
    toml.write_text(toml.read_text(encoding="utf-8") + entry, encoding="utf-8")


def show(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run `roadshow [args]` and return (exit code, stdout, stderr)."""
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_error(runner: CliRunner, *args: str) -> str:
    """Run roadshow, check it failed with exit 2 and one line; return that line."""
    code, out, err = show(runner, *args)
    assert (code, out) == (2, ""), err
    assert err.startswith("Error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


# --- the guard itself ---------------------------------------------------------------


def test_reads_a_regular_file(tmp_path: Path) -> None:
    """A plain file comes back whole, as bytes and as text (byte-order mark dropped)."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\nx,Caf\xc3\xa9\n")
    assert fetch(path).endswith(b"Caf\xc3\xa9\n")
    assert read_source_bytes(path).startswith(b"\xef\xbb\xbf")
    assert read_source(path) == "id,name\nx,Caf\u00e9\n"


def test_folder_is_refused(tmp_path: Path) -> None:
    """A folder is named as one, not read (no IsADirectoryError)."""
    with pytest.raises(SourceRefusedError, match="not a regular file but a folder"):
        fetch(tmp_path)


@needs_fifo
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO with no writer would block an open() for ever; it is refused first."""
    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    with pytest.raises(
        InputError,
        match=r"t\.csv: cannot read the file \(not a regular file but a FIFO",
    ):
        read_source(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused() -> None:
    """/dev/zero is endless: it is refused as a device, not read into memory."""
    with pytest.raises(DiaryFileError, match="not a regular file but a device"):
        read_source("/dev/zero", error=DiaryFileError)


def test_size_limit(tmp_path: Path) -> None:
    """A file over the limit is refused by its size, with the limit in the message."""
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 1001)
    assert fetch(path, limit=1001) == b"x" * 1001
    with pytest.raises(SourceRefusedError, match="larger than the 1000 bytes limit"):
        fetch(path, limit=1000)
    assert MAX_SOURCE_BYTES == 50 * 1024 * 1024


def test_default_limit_is_50_mb(tmp_path: Path) -> None:
    """A sparse file just over 50 MB is refused (without reading it)."""
    path = tmp_path / "huge.ics"
    with path.open("wb") as file:
        file.truncate(MAX_SOURCE_BYTES + 1)
    with pytest.raises(
        DiaryFileError,
        match=r"huge\.ics: cannot read the file \(larger than the 50 MB limit\)",
    ):
        read_source(path, error=DiaryFileError)


def test_nul_in_name_is_refused(tmp_path: Path) -> None:
    """A NUL in a file name is an input error, not a ValueError from os.stat."""
    with pytest.raises(PlanFileError, match="the file name holds a NUL character"):
        read_source(tmp_path / "a\x00.json", error=PlanFileError)


def test_missing_file_names_the_reason(tmp_path: Path) -> None:
    """A missing file keeps the operating system's words."""
    with pytest.raises(InputError, match=r"cannot read the diary \(No such file"):
        read_source(tmp_path / "nope.ics", what="diary")


def test_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    """Undecodable bytes name the file, the line and the byte."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"id\n\xff\n")
    with pytest.raises(InputError, match=r"t\.csv, line 2: the file is not UTF-8"):
        read_source(path)


def test_confinement(tmp_path: Path) -> None:
    """Inside the base folder is read; `..`, absolute paths and symlinks out are not."""
    base = tmp_path / "tour"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "in.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "out.csv").write_text("secret\n", encoding="utf-8")
    (base / "inner-link.csv").symlink_to(base / "sub" / "in.csv")
    (base / "outer-link.csv").symlink_to(tmp_path / "out.csv")
    assert fetch(base / "sub" / "in.csv", base=base) == b"id\n"
    assert fetch(base / "inner-link.csv", base=base) == b"id\n"
    assert fetch(base / "sub" / ".." / "sub" / "in.csv", base=base) == b"id\n"
    for name in ("../out.csv", str(tmp_path / "out.csv"), "outer-link.csv"):
        with pytest.raises(SourceRefusedError, match="outside the scenario's folder"):
            fetch(base / name, base=base)
    assert fetch(base / "../out.csv") == b"secret\n"  # no base: not confined


# --- through the loaders and the CLI --------------------------------------------------


def test_every_loader_uses_the_guard(tmp_path: Path) -> None:
    """Scenario, plan file and diary loaders all refuse a folder with exit-2 errors."""
    folder = tmp_path / "x.toml"
    folder.mkdir()
    for load in (
        load_scenario,
        load_plan_file,
        lambda p: load_diary(
            p,
            person_id="darzi",
            start_on=pendulum.date(2008, 9, 1),
            end_on=pendulum.date(2008, 9, 30),
            timezone="Europe/London",
        ),
    ):
        with pytest.raises(InputError, match="not a regular file but a folder"):
            load(folder)


def test_table_outside_the_folder_is_refused_without_its_content(
    runner: CliRunner, tour: Path, tmp_path: Path
) -> None:
    """A table path leading out names the key and the flag, never the file's content."""
    secret = tmp_path / "secret.csv"
    secret.write_text("root:*:20228:0:99999:7:::\n", encoding="utf-8")
    name_venues(tour, "../secret.csv")
    err = one_error(runner, "show", str(tour))
    assert "tables.venues: cannot read the table (outside the scenario's folder;" in err
    assert "--allow-outside-paths" in err
    assert "root:" not in err


def test_symlinked_table_out_of_the_folder_is_refused(
    runner: CliRunner, tour: Path, tmp_path: Path
) -> None:
    """A symlink inside the folder that points out of it is refused the same way."""
    (tmp_path / "elsewhere.csv").write_bytes((tour / "venues.csv").read_bytes())
    (tour / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    name_venues(tour, "link.csv")
    err = one_error(runner, "show", str(tour))
    assert "outside the scenario's folder" in err


def test_allow_outside_paths_reads_the_table(
    runner: CliRunner, tour: Path, tmp_path: Path
) -> None:
    """`roadshow --allow-outside-paths` reads a table outside the folder."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (tour / "venues.csv").rename(shared / "venues.csv")
    name_venues(tour, "../shared/venues.csv")
    one_error(runner, "show", str(tour))
    code, out, err = show(runner, "--allow-outside-paths", "show", str(tour))
    assert code == 0, err
    assert out


def test_python_api_allow_outside(tour: Path, tmp_path: Path) -> None:
    """load_scenario(allow_outside=True) is the API's way to allow it."""
    (tour / "venues.csv").rename(tmp_path / "venues.csv")
    name_venues(tour, "../venues.csv")
    with pytest.raises(InputError, match="outside the scenario's folder"):
        load_scenario(tour / "scenario.toml")
    assert load_scenario(tour / "scenario.toml", allow_outside=True).venues


@needs_fifo
@pytest.mark.parametrize("what", ["table", "diary", "scenario"])
def test_fifo_anywhere_exits_2_at_once(tour: Path, what: str) -> None:
    """A FIFO as table, diary or scenario: exit 2 and one line, as a real process."""
    fifo = tour / "pipe"
    os.mkfifo(fifo)
    target = str(tour)
    if what == "table":
        name_venues(tour, "pipe")
    elif what == "diary":
        add_diary(tour, "pipe")
    else:
        target = str(fifo)
    done = run_roadshow("show", target, timeout=120)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.count("\n") == 1
    assert "not a regular file but a FIFO" in done.stderr


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("darzi.ics", "cannot read the diary (No such file or directory)"),
        (".", "cannot read the diary (not a regular file but a folder)"),
        ("dar\\u0000zi.ics", "cannot read the diary (the file name holds a NUL"),
    ],
)
def test_bad_diary_entry_in_show_and_plan(
    runner: CliRunner, tour: Path, name: str, why: str
) -> None:
    """A missing diary, a folder or a NUL in its name: exit 2, one line, show, plan."""
    add_diary(tour, name)
    for command in ("show", "plan"):
        extra = ("--no-out",) if command == "plan" else ()
        err = one_error(runner, command, str(tour), *extra)
        assert f"diaries[0].file: {why}" in err


def test_allowed_foreign_file_is_not_quoted(
    runner: CliRunner, tour: Path, tmp_path: Path
) -> None:
    """Even allowed, a file that is not a table is refused without its content."""
    secret = tmp_path / "shadow"
    secret.write_text("root:*:20228:0:99999:7:::\n", encoding="utf-8")
    name_venues(tour, "../shadow")
    err = one_error(runner, "--allow-outside-paths", "show", str(tour))
    assert "the first line is not a header of this table" in err
    assert "root:" not in err
