"""Serving a plan's calendars as subscription feeds over HTTP (shell side).

``roadshow serve DIR`` serves the ``.ics`` files that ``roadshow plan --out DIR``
wrote under ``DIR/calendars``, plus an index page with ``webcal://`` links.
Subscribing is the dependable way to push updates: clients poll the feed and
replace its contents, whereas some one-off imports ignore updated UIDs.

Each feed is served as ``text/calendar; charset=utf-8`` with a strong ``ETag``
(a hash of the bytes) and ``Last-Modified`` (the file's time), and answers
conditional requests (``If-None-Match``, then ``If-Modified-Since``) with
``304 Not Modified``. Files are read on every request, so a new ``plan --out``
is served at once. Only files found under the calendars folder are served:
request paths are looked up in that listing, never joined onto the disk path.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import re
import string
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from roadshow.errors import InputError, OutputError
from roadshow.exporters.choices import AUDIENCES
from roadshow.outputs import latest_folder

CALENDAR_TYPE: Final = "text/calendar; charset=utf-8"

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
_PAGE = string.Template("""\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>$title</title></head>
<body>
<h1>$title</h1>
<p>Subscribe to a calendar (recommended): the calendar program then keeps it
up to date. Or download the file to import it once.</p>
<table>
<thead><tr><th>Calendar</th><th>Subscribe</th><th>Download</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
</body>
</html>
""")
_ROW = string.Template(
    '<tr><td>$name</td><td><a href="$webcal">$webcal</a></td>'
    '<td><a href="$http">$path</a></td></tr>'
)


def calendar_folder(folder: str | Path, audience: str | None = None) -> Path:
    """Return the folder of feeds under a ``plan --out`` folder.

    That is ``DIR/latest/calendars``, through the link, so the server follows each
    new version as soon as it is complete; a folder without ``latest`` (a version
    folder itself) is served as it is.

    Raises:
        InputError: there are no calendars there, or the audience is unknown.
    """
    root = (latest_folder(folder) or Path(folder)) / "calendars"
    if audience is not None:
        if audience not in AUDIENCES:
            raise InputError(
                source="--audience",
                expected="one of " + ", ".join(AUDIENCES),
                got=audience,
            )
        root = root / audience
    if not root.is_dir():
        msg = "no calendars here"
        raise InputError(
            msg,
            source=str(root),
            expected="a folder written by roadshow plan --out",
        )
    return root


def feeds(root: Path) -> dict[str, Path]:
    """Return the served feeds: URL path (``/calendars/...``) to file, sorted."""
    base = root.resolve()
    found = {}
    for path in sorted(base.rglob("*.ics")):
        resolved = path.resolve()
        if path.is_file() and resolved.is_relative_to(base):
            found["/calendars/" + path.relative_to(base).as_posix()] = resolved
    return found


def make_server(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8008,
    title: str = "Calendars",
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """Return an HTTP server for the feeds under *root* (call ``serve_forever``).

    Args:
        root: The folder of feeds (see :func:`calendar_folder`).
        host: The address to listen on (loopback by default).
        port: The port; 0 picks a free one (read ``server.server_address``).
        title: The index page's title.
        log: Called with each access log line; None is silent.

    Raises:
        OutputError: the address cannot be used (port taken, unknown host).
    """
    handler = partial(FeedHandler, root=root, title=title, log=log)
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        msg = f"cannot serve on {host}:{port}: {exc.strerror or exc}"
        raise OutputError(msg) from None


class FeedHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the index page and the feeds."""

    server_version = "roadshow"

    def __init__(
        self,
        *args: object,
        root: Path,
        title: str,
        log: Callable[[str], None] | None,
    ) -> None:
        self.root = root
        self.title = title
        self.log = log
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        """Serve the index page or a feed."""
        self.answer(body=True)

    def do_HEAD(self) -> None:
        """Serve the headers of the index page or a feed."""
        self.answer(body=False)

    def answer(self, *, body: bool) -> None:
        """Send the index page, a feed, 304 Not Modified or 404."""
        path = unquote(urlsplit(self.path).path)
        available = feeds(self.root)
        if path in {"/", "/index.html"}:
            self.send(
                HTTPStatus.OK,
                "text/html; charset=utf-8",
                self.index(available),
                body=body,
            )
            return
        file = available.get(path)
        try:
            if file is None:
                raise FileNotFoundError(path)
            data = file.read_bytes()
            modified = int(file.stat().st_mtime)
        except OSError:  # not a feed, or gone since the listing (a new version)
            self.send(
                HTTPStatus.NOT_FOUND,
                "text/plain; charset=utf-8",
                b"Not found\n",
                body=body,
            )
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self.not_modified(etag, modified):
            self.send(HTTPStatus.NOT_MODIFIED, None, b"", body=False, headers=headers)
            return
        self.send(HTTPStatus.OK, CALENDAR_TYPE, data, body=body, headers=headers)

    def not_modified(self, etag: str, modified: int) -> bool:
        """Tell whether the client's copy is current (RFC 9110, 13.2.2)."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.timestamp() >= modified

    def index(self, available: dict[str, Path]) -> bytes:
        """Return the index page: a subscribe and a download link per feed."""
        host = self.headers.get("Host", "")
        if not _HOST.match(host):
            host = "{}:{}".format(*self.connection.getsockname()[:2])
        rows = "\n".join(
            _ROW.substitute(
                name=html.escape(path.removeprefix("/calendars/")),
                webcal=html.escape(f"webcal://{host}{path}"),
                http=html.escape(f"http://{host}{path}"),
                path=html.escape(path),
            )
            for path in available
        )
        return _PAGE.substitute(title=html.escape(self.title), rows=rows).encode(
            "utf-8"
        )

    def send(
        self,
        status: HTTPStatus,
        content_type: str | None,
        data: bytes,
        *,
        body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send a response: status, type and length, extra headers, and the body."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and data:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Pass access log lines to ``log`` (silent when it is None)."""
        if self.log is not None:
            self.log(format % args)
