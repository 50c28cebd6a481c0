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
