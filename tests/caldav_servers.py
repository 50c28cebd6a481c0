"""Real CalDAV servers on loopback for the publish and pull tests.

Radicale (with htpasswd users) and Xandikos (no authentication) run as
subprocesses of this interpreter on a free port of 127.0.0.1, storing their
calendars in a temporary folder. Nothing goes beyond loopback.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import caldav
import icalendar

from roadshow.publish import PASSWORD_ENV, publish_caldav

PROGRAMME = "latest/calendars/public/programme.ics"
USER = "alice"
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test server's


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackServer:
    """A CalDAV server subprocess that can be stopped and started again."""

    name = "server"
    user: str | None = None
    password: str | None = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        log = (self.folder / "server.log").open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=log, cwd=self.folder
            )
        finally:
            log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log_text = (self.folder / "server.log").read_text(errors="replace")
                msg = f"{self.name} exited: {log_text[-2000:]}"
                raise RuntimeError(msg)
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                    return
            except OSError:
                time.sleep(0.1)
        msg = f"{self.name} did not start"
        raise RuntimeError(msg)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)
        self.process = None


class Radicale(LoopbackServer):
    name = "Radicale"
    user = USER
    password = PASSWORD

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{USER}/"

    def command(self) -> list[str]:
        users = self.folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
        return [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder",
            str(self.folder / "collections"),
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--rights-type",
            "owner_only",
            "--logging-level",
            "warning",
        ]


class Xandikos(LoopbackServer):
    name = "Xandikos"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/user/calendars/"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "xandikos.web",
            "--defaults",
            "-d",
            str(self.folder / "dav"),
            "--state-dir",
            str(self.folder / "state"),
            "-l",
            "127.0.0.1",
            "-p",
            str(self.port),
            "--no-detect-systemd",
        ]


# --- helpers: publish, and read or edit the server as a person would ---


def env(server) -> dict[str, str]:
    return {PASSWORD_ENV: server.password} if server.password else {}


def publish(out_dir, server, **kwargs):
    return publish_caldav(
        out_dir, server.url, user=server.user, environ=env(server), **kwargs
    )


def planned_uids(out_dir: Path, name: str = PROGRAMME) -> set[str]:
    data = (out_dir / name).read_bytes()
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def server_events(server, slug="roadshow-programme") -> dict[str, icalendar.Event]:
    """The events on the server, read with the caldav client and icalendar."""
    with caldav.DAVClient(
        url=server.url, username=server.user, password=server.password, timeout=30
    ) as client:
        calendar = caldav.Calendar(client=client, url=server.url + slug + "/")
        found = {}
        for item in calendar.search(event=True):
            for event in icalendar.Calendar.from_ical(item.data).walk("VEVENT"):
                found[str(event["UID"])] = event
        return found


def edit_on_server(server, uid: str, slug="roadshow-programme", **changes) -> None:
    """Change an event as a person would in their calendar program (no If-Match)."""
    with caldav.DAVClient(
        url=server.url, username=server.user, password=server.password, timeout=30
    ) as client:
        calendar = caldav.Calendar(client=client, url=server.url + slug + "/")
        for item in calendar.search(event=True):
            parsed = icalendar.Calendar.from_ical(item.data)
            for event in parsed.walk("VEVENT"):
                if str(event["UID"]) == uid:
                    for name, value in changes.items():
                        event.pop(name.upper(), None)
                        event.add(name.upper(), value)
                    response = client.put(
                        str(item.url),
                        parsed.to_ical().decode(),
                        {"Content-Type": "text/calendar; charset=utf-8"},
                    )
                    assert response.status in {200, 201, 204}
                    return
    raise AssertionError(uid)


def delete_on_server(server, uid: str) -> None:
    with caldav.DAVClient(
        url=server.url, username=server.user, password=server.password, timeout=30
    ) as client:
        calendar = caldav.Calendar(
            client=client, url=server.url + "roadshow-programme/"
        )
        for item in calendar.search(event=True):
            if uid in item.data:
                assert client.delete(str(item.url)).status in {200, 204}
                return
    raise AssertionError(uid)
