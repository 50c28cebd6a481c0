"""roadshow publish --caldav against real CalDAV servers on loopback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import caldav
import icalendar
import pytest

from caldav_servers import (
    PASSWORD,
    PROGRAMME,
    USER,
    edit_on_server,
    planned_uids,
    publish,
    server_events,
)
from roadshow._fs import lock_folder
from roadshow.cli import cli
from roadshow.errors import FolderInUseError, InputError
from roadshow.outputs import LOCK_FILE
from roadshow.publish import (
    PASSWORD_ENV,
    STATE_FILE,
    ServerError,
    check_url,
    credentials,
    publish_caldav,
)


@pytest.fixture
def out_dir(tmp_path, published_sample) -> Path:
    """A copy of the published sample plan folder for one test."""
    return Path(shutil.copytree(published_sample, tmp_path / "out", symlinks=True))


def test_publish_creates_every_event_and_a_rerun_sends_nothing(out_dir, caldav_server):
    """First run creates the calendar and each event; the second sends no write."""
    first = publish(out_dir, caldav_server)
    (calendar,) = first.calendars
    assert calendar.made
    assert calendar.count("create") == len(planned_uids(out_dir)) > 0
    on_server = server_events(caldav_server)
    assert set(on_server) == planned_uids(out_dir)
    assert all("METHOD" not in str(e) for e in on_server.values())
    again = publish(out_dir, caldav_server)
    assert again.writes == 0
    assert not again.calendars[0].made
    assert again.calendars[0].count("keep") == len(on_server)


def test_changed_plan_updates_and_deletes_with_etags(out_dir, caldav_server):
    """A moved event is updated, an event gone from the plan is deleted."""
    publish(out_dir, caldav_server)
    path = out_dir / PROGRAMME
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    events = parsed.walk("VEVENT")
    moved, dropped = str(events[0]["UID"]), str(events[1]["UID"])
    events[0]["SUMMARY"] = icalendar.vText("Moved in the plan")
    parsed.subcomponents.remove(events[1])
    path.unlink()  # the version folder's files are not to be rewritten in place
    path.write_bytes(parsed.to_ical())
    result = publish(out_dir, caldav_server)
    counts = {k: result.calendars[0].count(k) for k in ("update", "delete", "create")}
    assert counts == {"update": 1, "delete": 1, "create": 0}
    on_server = server_events(caldav_server)
    assert str(on_server[moved]["SUMMARY"]) == "Moved in the plan"
    assert dropped not in on_server
    assert publish(out_dir, caldav_server).writes == 0


def test_hand_edit_is_a_conflict_left_unless_forced(out_dir, caldav_server, runner):
    """An event edited in the shared calendar is reported, kept, then --force wins."""
    publish(out_dir, caldav_server)
    uid = min(planned_uids(out_dir))
    edit_on_server(caldav_server, uid, location="The pub across the road")
    args = ["publish", str(out_dir), "--caldav", caldav_server.url]
    if caldav_server.user:
        args += ["--user", caldav_server.user]
    result = runner.invoke(cli, args, env={PASSWORD_ENV: PASSWORD})
    assert result.exit_code == 1, result.output
    assert "1 conflicts, left as they are (--force overwrites them):" in result.stdout
    assert "edited in the calendar" in result.stdout
    assert re.search(
        r"LOCATION: plan says .+; calendar says The pub across the road", result.stdout
    )
    assert (
        str(server_events(caldav_server)[uid]["LOCATION"]) == "The pub across the road"
    )
    forced = runner.invoke(cli, [*args, "--force"], env={PASSWORD_ENV: PASSWORD})
    assert forced.exit_code == 0, forced.output
    assert "1 updated" in forced.stdout
    assert (
        str(server_events(caldav_server)[uid]["LOCATION"]) != "The pub across the road"
    )
    quiet = runner.invoke(cli, args, env={PASSWORD_ENV: PASSWORD})
    assert quiet.exit_code == 0
    assert "Nothing to send" in quiet.stdout


def test_dry_run_sends_nothing(out_dir, radicale, runner):
    """--dry-run lists what would be sent and leaves the server as it was."""
    args = ["publish", str(out_dir), "--caldav", radicale.url, "--user", USER]
    result = runner.invoke(cli, [*args, "--dry-run"], env={PASSWORD_ENV: PASSWORD})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run: nothing was sent.")
    assert "roadshow-programme (new calendar): 5 to create," in result.stdout
    assert "would create: " in result.stdout
    assert not (out_dir / STATE_FILE).exists()
    with caldav.DAVClient(
        url=radicale.url, username=USER, password=PASSWORD, timeout=30
    ) as client:
        assert client.propfind(radicale.url + "roadshow-programme/").status == 404


def test_wrong_password_exits_3_without_the_password(out_dir, radicale, runner):
    """A refused login is exit 3 with one clear line; the password is in no output."""
    args = ["publish", str(out_dir), "--caldav", radicale.url, "--user", USER]
    result = runner.invoke(cli, args, env={PASSWORD_ENV: "wrong horse"})
    assert result.exit_code == 3
    assert "refused the user name or password" in result.stderr
    assert "wrong horse" not in result.output
    assert "Traceback" not in result.output


def test_server_killed_mid_publish_then_rerun_completes(out_dir, radicale):
    """The server dying part-way is exit 3 with a message; a rerun finishes the job."""
    sent = []

    def kill_after_three() -> None:
        sent.append(1)
        if len(sent) == 3:
            radicale.stop()

    with pytest.raises(ServerError, match="run the same command again to finish"):
        publish(out_dir, radicale, on_write=kill_after_three)
    radicale.start()
    finish = publish(out_dir, radicale)
    assert finish.calendars[0].count("conflict") == 0
    assert set(server_events(radicale)) == planned_uids(out_dir)
    assert publish(out_dir, radicale).writes == 0


def test_server_down_from_the_start(out_dir, radicale, runner):
    """No server: exit 3 and a clear line."""
    radicale.stop()
    args = ["publish", str(out_dir), "--caldav", radicale.url, "--user", USER]
    result = runner.invoke(cli, args, env={PASSWORD_ENV: PASSWORD})
    assert result.exit_code == 3
    assert "connection refused (is the server running?)" in result.stderr


def test_split_per_person_makes_a_calendar_each(out_dir, radicale):
    """--split person (internal) gives one calendar per person."""
    result = publish(out_dir, radicale, splits=("person",), audience="internal")
    slugs = [c.slug for c in result.calendars]
    people = sorted(
        p.stem for p in (out_dir / "latest/calendars/internal/people").iterdir()
    )
    assert slugs == [f"roadshow-people-{p}" for p in people]
    darzi = server_events(radicale, "roadshow-people-darzi")
    assert set(darzi) == planned_uids(
        out_dir, "latest/calendars/internal/people/darzi.ics"
    )


def test_public_has_no_person_split(out_dir):
    with pytest.raises(InputError, match="the public calendars have no person split"):
        publish_caldav(out_dir, "http://127.0.0.1:9/x/", splits=("person",))


def test_the_record_holds_no_credentials(out_dir, radicale):
    publish(out_dir, radicale)
    text = (out_dir / STATE_FILE).read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "roadshow-programme" in text


def test_the_folder_lock_is_held(out_dir, radicale):
    """publish takes DIR's lock: a plan --out writing DIR meanwhile is refused."""
    with lock_folder(out_dir, LOCK_FILE), pytest.raises(FolderInUseError):
        publish(out_dir, radicale)


def test_credentials_from_env_netrc_or_none(tmp_path, monkeypatch):
    """The password: the environment, then ~/.netrc; none for a user is bad input."""
    monkeypatch.setenv("HOME", str(tmp_path))
    url = "https://cal.example.org/dav/"
    assert credentials(url, "bob", {PASSWORD_ENV: "pw"}) == ("bob", "pw")
    assert credentials(url, None, {}) == (None, None)
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine cal.example.org login carol password s3cret\n")
    netrc.chmod(0o600)
    assert credentials(url, None, {}) == ("carol", "s3cret")
    assert credentials(url, "carol", {}) == ("carol", "s3cret")
    with pytest.raises(InputError, match="no password for dave"):
        credentials(url, "dave", {})


def test_a_password_in_the_url_is_refused():
    with pytest.raises(InputError, match="put the user name in --user"):
        check_url("https://bob:pw@cal.example.org/")
    with pytest.raises(InputError, match="--caldav"):
        check_url("cal.example.org")
    assert check_url("https://cal.example.org/dav") == "https://cal.example.org/dav/"


def test_an_edit_between_reading_and_writing_is_a_conflict(out_dir, radicale):
    """If-Match: an event edited after publish read it is not overwritten."""
    publish(out_dir, radicale)
    path = out_dir / PROGRAMME
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    events = sorted(parsed.walk("VEVENT"), key=lambda e: str(e["UID"]))
    for event in events[:2]:
        event["SUMMARY"] = icalendar.vText("Changed in the plan")
    path.unlink()
    path.write_bytes(parsed.to_ical())
    second = str(events[1]["UID"])

    def someone_edits_the_second() -> None:
        if not edited:
            edited.append(1)
            edit_on_server(radicale, second, location="Moved by hand just now")

    edited: list[int] = []
    result = publish(out_dir, radicale, on_write=someone_edits_the_second)
    kinds = {a.uid: (a.kind, a.reason) for a in result.calendars[0].actions}
    assert kinds[str(events[0]["UID"])][0] == "update"
    assert kinds[second] == ("conflict", "edited in the calendar just now")
    assert str(server_events(radicale)[second]["LOCATION"]) == "Moved by hand just now"


def test_no_plan_and_a_broken_record_are_bad_input(tmp_path, out_dir, runner):
    """A folder with no plan, or a record that is not roadshow's: exit 2, one line."""
    args = ["--caldav", "http://127.0.0.1:9/alice/", "--user", USER]
    empty = runner.invoke(cli, ["publish", str(tmp_path / "nothing"), *args])
    assert empty.exit_code == 2
    (tmp_path / "bare").mkdir()
    bare = runner.invoke(
        cli, ["publish", str(tmp_path / "bare"), *args], env={PASSWORD_ENV: "x"}
    )
    assert bare.exit_code == 2
    assert "no plan recorded here yet" in bare.stderr
    (out_dir / STATE_FILE).write_text("[1, 2]", encoding="utf-8")
    broken = runner.invoke(cli, ["pull", str(out_dir), *args], env={PASSWORD_ENV: "x"})
    assert broken.exit_code == 2
    assert "not a record of published calendars" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


def test_a_new_plan_version_keeps_the_record_and_the_feed_secret(
    out_dir, radicale, nhs2008_scenario, plan, kit
):
    """plan --out DIR after publish and serve leaves their files in DIR alone."""
    from roadshow.feeds import SECRET_FILE, feed_secret
    from roadshow.outputs import publish_plan

    publish(out_dir, radicale)
    secret = feed_secret(out_dir)
    record = (out_dir / STATE_FILE).read_bytes()
    publish_plan(out_dir, nhs2008_scenario, plan, issued_at=kit.stamp.add(days=1))
    assert (out_dir / STATE_FILE).read_bytes() == record
    assert (out_dir / SECRET_FILE).read_bytes().strip() == secret
    assert publish(out_dir, radicale).calendars[0].count("conflict") == 0
