"""Publishing plan --out versions: layout, recovery, pruning, the lock, and readers."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from roadshow import outputs
from roadshow.cli import cli
from roadshow.errors import FolderInUseError, OutputError
from roadshow.exporters.plan_file import render_plan_file
from roadshow.feeds import calendar_folder, make_server
from roadshow.history import PlanHistory
from roadshow.importers.scenario import load_scenario
from roadshow.model import Plan, Scenario, ScheduledEvent
from roadshow.outputs import (
    KEEP_VERSIONS,
    OutputFolder,
    latest_folder,
    latest_version,
    plan_outputs,
    publish_plan,
)
from safety_kit import SMALL_SCENARIO, history_numbers, integrity, snapshot

STAMP = pendulum.datetime(2008, 9, 1, 8, tz="UTC")


@pytest.fixture(scope="module")
def small_toml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario (one principal, a briefing pinned at 11:00) as a file."""
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(SMALL_SCENARIO.format(hour=11), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(small_toml: Path) -> Scenario:
    """The small scenario: quick to render in every format."""
    return load_scenario(small_toml)


def briefing_plan(scenario: Scenario, hour: int) -> Plan:
    """A one-event plan: the press briefing at *hour* on Fri 7 Nov 2008."""
    request = scenario.request_by_id["briefing"]
    start = pendulum.datetime(2008, 11, 7, hour, tz="Europe/London")
    return Plan(
        scenario_id=scenario.scenario_id,
        events=[
            ScheduledEvent(
                request_id=request.request_id,
                title=request.title,
                kind=request.kind,
                venue_id="whitehall",
                start=start,
                end=start.add(minutes=request.duration_minutes),
                attendees=request.attendees,
            )
        ],
    )


def publish(folder: Path, scenario: Scenario, hour: int) -> int:
    """Publish the plan with the briefing at *hour*; return its version number."""
    return publish_plan(
        folder, scenario, briefing_plan(scenario, hour), issued_at=STAMP
    ).version.number


def version_dirs(folder: Path) -> list[str]:
    """The names in DIR/versions, sorted."""
    return sorted(p.name for p in (folder / "versions").iterdir())


def test_layout_of_a_first_version(tmp_path, small):
    """The first run writes versions/0001, latest.txt and latest (a link), history,
    lock and journal (empty: nothing is left to clean up)."""
    plan = briefing_plan(small, 10)
    done = publish_plan(tmp_path, small, plan, issued_at=STAMP)
    assert done.is_new
    assert done.folder == tmp_path / "versions" / "0001"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".journal",
        ".lock",
        "history.sqlite",
        "latest",
        "latest.txt",
        "versions",
    ]
    assert (tmp_path / "latest.txt").read_text(encoding="utf-8") == "versions/0001\n"
    assert (tmp_path / "latest").readlink() == Path("versions/0001")
    assert (tmp_path / ".journal").read_bytes() == b""
    assert snapshot(tmp_path / "latest") == plan_outputs(small, plan, done.version)
    assert latest_version(tmp_path) == 1
    assert latest_folder(tmp_path) == tmp_path / "latest"


def test_a_new_version_gets_its_own_folder(tmp_path, small):
    """A changed plan is written beside the previous one and latest moves to it."""
    publish(tmp_path, small, 10)
    first = snapshot(tmp_path / "latest")
    assert publish(tmp_path, small, 14) == 2
    assert version_dirs(tmp_path) == ["0001", "0002"]
    assert snapshot(tmp_path / "versions" / "0001") == first
    assert snapshot(tmp_path / "latest") == snapshot(tmp_path / "versions" / "0002")
    assert (
        b"T140000"
        in (tmp_path / "latest/calendars/internal/programme.ics").read_bytes()
    )


def test_an_unchanged_plan_issues_nothing(tmp_path, small):
    """Planning the same plan again keeps the version and its bytes."""
    publish(tmp_path, small, 10)
    before = snapshot(tmp_path)
    again = publish_plan(tmp_path, small, briefing_plan(small, 10), issued_at=STAMP)
    assert not again.is_new
    assert again.version.number == 1
    assert snapshot(tmp_path) == before


def test_old_version_folders_are_pruned_but_stay_in_the_history(
    tmp_path, small, small_toml, runner: CliRunner
):
    """Only the last KEEP_VERSIONS folders stay; older versions render from history."""
    total = KEEP_VERSIONS + 2
    for hour in range(9, 9 + total):
        publish(tmp_path, small, hour)
    assert version_dirs(tmp_path) == [f"{n:04d}" for n in range(3, total + 1)]
    assert history_numbers(tmp_path) == list(range(1, total + 1))
    result = runner.invoke(
        cli,
        ["ics", str(small_toml), "--plan", str(tmp_path), "--version", "1"],
        env={"SOURCE_DATE_EPOCH": "0"},
    )
    assert result.exit_code == 0, result.output
    assert "DTSTART;TZID=Europe/London:20081107T090000" in result.stdout


# --- recovering from a killed run ----------------------------------------------------


class Killed(BaseException):
    """Raised by the step hook: the run stops there, as if killed."""


@pytest.fixture
def kill_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make the next publishing stop (raise Killed) at step N; 0 disarms it.

    The outputs are cut to three small files, so that a run is quick: what is
    tested is how versions are published, whatever their files.
    """

    def quick(
        scenario: Scenario, plan: Plan, version: object = None, **_options: object
    ) -> dict[str, bytes]:
        text = render_plan_file(plan).encode("utf-8")
        return {"plan.json": text, "a/one.txt": b"1", "a/b/two.txt": text}

    monkeypatch.setattr(outputs, "plan_outputs", quick)

    def arm(at: int) -> None:
        def hook(step: int) -> None:
            if step == at:
                raise Killed

        monkeypatch.setattr(outputs, "step_hook", hook if at else None)

    return arm


def test_leftovers_of_a_killed_run_are_removed(tmp_path, small, kill_at):
    """Whatever a run killed at any step left in versions/ (unfinished .tmp,
    uncommitted, half-pruned .gone folders) is removed; a user's entries stay."""
    seen = set()
    for step in range(1, 100):
        folder = tmp_path / f"step-{step}"
        for hour in range(9, 9 + KEEP_VERSIONS):
            publish(folder, small, hour)
        mine = folder / "versions" / "mine"
        mine.mkdir()
        (mine / "notes.txt").write_text("keep me", encoding="utf-8")
        (folder / "versions" / "0042.tmp").mkdir()  # a name like ours, not ours
        kill_at(step)
        try:
            publish(folder, small, 20)
        except Killed:
            pass
        else:
            break
        finally:
            kill_at(0)
        seen |= set(version_dirs(folder))
        with OutputFolder.open(folder):
            names = version_dirs(folder)
        assert all(n.isdigit() for n in names if n not in {"mine", "0042.tmp"})
        assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
        assert (folder / "versions" / "0042.tmp").is_dir()
        assert publish(folder, small, 20) == KEEP_VERSIONS + 1
        assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    else:
        pytest.fail("publishing never got past its last step")
    assert {"0006.tmp", "0006", "0001.gone"} <= seen


def test_a_folder_the_history_never_committed_is_removed(tmp_path, small, kill_at):
    """versions/0002 without a version 2 in the history (killed before commit) goes."""
    for step in range(1, 100):
        folder = tmp_path / f"step-{step}"
        publish(folder, small, 10)
        kill_at(step)
        with pytest.raises(Killed):
            publish(folder, small, 15)
        kill_at(0)
        if (folder / "versions" / "0002").is_dir():
            break  # killed after the rename into place, before the commit
    assert history_numbers(folder) == [1]
    assert (folder / ".journal").read_text(encoding="utf-8") == "0002\n0002.tmp\n"
    assert publish(folder, small, 15) == 2
    written = (folder / "latest" / "plan.json").read_text(encoding="utf-8")
    assert written == render_plan_file(briefing_plan(small, 15))


def test_a_version_folder_roadshow_did_not_write_is_never_replaced(tmp_path, small):
    """A versions/0002 nobody journalled stays as it is; the run stops, saying so."""
    publish(tmp_path, small, 10)
    (tmp_path / "versions" / "0002").mkdir()
    (tmp_path / "versions" / "0002" / "plan.json").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        publish(tmp_path, small, 15)
    assert str(caught.value) == (
        f"cannot write version 2: {tmp_path / 'versions' / '0002'} is in the way and"
        " roadshow did not write it; move it away and run again"
    )
    assert (tmp_path / "versions" / "0002" / "plan.json").read_text() == "mine"
    assert history_numbers(tmp_path) == [1]
    assert latest_version(tmp_path) == 1


def test_a_committed_version_is_shown_only_once_latest_points_at_it(
    tmp_path, small, small_toml, runner: CliRunner
):
    """Readers follow latest, not the history; the next run repoints latest."""
    publish(tmp_path, small, 11)
    publish(tmp_path, small, 16)
    # As if killed after the commit of version 2 but before latest moved.
    (tmp_path / "latest.txt").write_text("versions/0001\n", encoding="utf-8")
    (tmp_path / "latest.tmp").symlink_to("versions/0001")
    (tmp_path / "latest.tmp").replace(tmp_path / "latest")
    assert latest_version(tmp_path) == 1
    shown = runner.invoke(cli, ["ics", str(small_toml), "--plan", str(tmp_path)])
    assert "DTSTART;TZID=Europe/London:20081107T110000" in shown.stdout
    changes = runner.invoke(cli, ["changes", str(tmp_path), "--since", "0"])
    assert changes.stdout.startswith("Changes from version 0 to 1:")
    check = ["check", str(tmp_path), "--scenario", str(small_toml)]
    checked = runner.invoke(cli, check)
    assert checked.exit_code == 1, checked.output  # the hand-made plan lacks events
    assert "starts 16:00, pinned to 11:00" not in checked.stdout  # version 2's fault
    with OutputFolder.open(tmp_path):
        assert latest_version(tmp_path) == 2
    checked = runner.invoke(cli, check)
    assert "starts 16:00, pinned to 11:00" in checked.stdout


def test_a_missing_folder_of_the_latest_version_is_written_again(tmp_path, small):
    """If versions/ was deleted, an unchanged plan writes its version's folder again."""
    publish(tmp_path, small, 10)
    before = snapshot(tmp_path / "latest")
    for path in sorted((tmp_path / "versions").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert latest_version(tmp_path) is None
    assert publish(tmp_path, small, 10) == 1
    assert snapshot(tmp_path / "latest") == before


def test_a_failure_while_writing_records_nothing(tmp_path, small):
    """If the files cannot be written, the history keeps no new version."""
    publish(tmp_path, small, 10)
    history = PlanHistory.in_folder(tmp_path)

    def fail(version):
        assert version.number == 2
        msg = "disk on fire"
        raise OutputError(msg)

    with pytest.raises(OutputError, match="disk on fire"):
        history.record(briefing_plan(small, 11), issued_at=STAMP, before_commit=fail)
    assert history_numbers(tmp_path) == [1]
    assert integrity(tmp_path) == "ok"


# --- the lock ------------------------------------------------------------------------


def test_a_locked_folder_refuses_a_second_writer(tmp_path):
    """While one OutputFolder is open, opening it again fails at once."""
    with OutputFolder.open(tmp_path), pytest.raises(FolderInUseError) as caught:
        OutputFolder.open(tmp_path).__enter__()
    assert str(caught.value) == (
        f"{tmp_path} is in use by another roadshow run; try again when it has finished"
    )
    with OutputFolder.open(tmp_path):  # released: open again
        pass


def test_plan_into_a_locked_folder_exits_3(tmp_path, runner: CliRunner):
    """`roadshow plan --out DIR` while DIR is locked: exit 3, one line, no files."""
    out = tmp_path / "out"
    with OutputFolder.open(out):
        result = runner.invoke(cli, ["plan", "--only", "national", "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {out} is in use by another roadshow run; try again when it has"
        " finished\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [".lock"]


# --- readers -------------------------------------------------------------------------


def test_the_feed_server_follows_each_new_version(tmp_path, small):
    """`serve` keeps serving DIR/latest: a new version is served without a restart."""
    publish(tmp_path, small, 10)
    server = make_server(calendar_folder(tmp_path), host="127.0.0.1", port=0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()

    def programme() -> bytes:
        connection = http.client.HTTPConnection(
            "127.0.0.1", server.server_address[1], timeout=30
        )
        try:
            connection.request("GET", "/calendars/public/programme.ics")
            return connection.getresponse().read()
        finally:
            connection.close()

    try:
        assert b"20081107T100000" in programme()
        publish(tmp_path, small, 17)
        assert b"20081107T170000" in programme()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_check_reads_the_latest_version(tmp_path, small, runner: CliRunner):
    """`roadshow check DIR` checks DIR/latest/plan.json, naming it in its errors."""
    publish(tmp_path, small, 10)
    (tmp_path / "latest" / "plan.json").write_text("{", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(tmp_path), "--scenario", "nhs-2008"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: {tmp_path / 'latest' / 'plan.json'}, line 1"
    )


def test_readers_of_a_folder_without_a_version(tmp_path, runner: CliRunner):
    """ics and changes on a folder with no complete version: exit 2, naming it."""
    for args in (["ics", "--plan", str(tmp_path)], ["changes", str(tmp_path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"Error: {tmp_path}: no plan recorded here yet; expected a plan --out"
            " folder.\n"
        )


def test_outputs_are_readable_by_others(tmp_path: Path) -> None:
    """Written files get the umask's usual mode, not mkstemp's owner-only 0600."""
    import os
    import stat

    from roadshow._fs import write_atomic

    target = tmp_path / "out.txt"
    old = os.umask(0o022)
    try:
        write_atomic(target, "hello")
    finally:
        os.umask(old)
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o044 == 0o044
