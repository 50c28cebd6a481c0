"""Serving a plan's calendars as subscription feeds over HTTP (shell side).

``roadshow serve DIR`` serves the ``.ics`` files that ``roadshow plan --out DIR``
wrote under ``DIR/latest/calendars``, with index pages of ``webcal://`` links.
Subscribing is the dependable way to push updates: clients poll the feed and
replace its contents, whereas some one-off imports ignore updated UIDs.

What is served, and to whom:

- ``/calendars/public/...``: the public feeds (no travel, stays, contacts or
  notes), open to anyone who can reach the server; ``/`` lists them and links
  ``/overview.html``, the programme at a glance as the public may see it (the
  chart, the map and counts; ``overview-public.html`` from ``plan --out``).
  The full overview, with the unplaced requests' reasons and the checker's
  findings (which may name diary entries), is behind the private index.
- ``/private/<token>/...``: each internal feed (a minister's travel and overnight
  locations) at its own unguessable address. The token is an HMAC of the feed's
  name under a secret kept in ``DIR/.feed-secret`` (mode 0600, made on first use),
  so the link for one person's feed tells nothing about another's. The private
  index ``/private/<index token>/`` lists every feed with its link; ``serve``
  prints its address. A new secret (``serve --new-secret``) withdraws every link.
  Tokens never reach the access log.

Each feed is served over HTTP/1.1 as ``text/calendar; charset=utf-8`` with a
strong ``ETag`` (a hash of the bytes) and ``Last-Modified`` (the file's time),
and answers conditional requests (``If-None-Match``, then ``If-Modified-Since``)
with ``304 Not Modified``. Links are made from ``--base-url`` or the address the
server is bound to, never from the request's ``Host`` header. The list of feeds is
read once per version (``DIR/latest`` moving makes a new list); only listed files
are served, so request paths are never joined onto a disk path. Connections are
handled by a fixed pool of worker threads; each read times out, each connection
is cut after two minutes in all (so trickling bytes cannot hold a worker), and
connections beyond what the pool can queue are closed at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import hashlib
import hmac
import html
import os
import re
import secrets
import socket
import stat
import string
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from attrs import frozen

from roadshow.errors import InputError, OutputError
from roadshow.exporters.choices import AUDIENCES, INTERNAL, PUBLIC
from roadshow.outputs import latest_folder

CALENDAR_TYPE: Final = "text/calendar; charset=utf-8"

SECRET_FILE: Final = ".feed-secret"  # noqa: S105 - a file name, not a password
"""The file (in the ``plan --out`` folder) holding the secret of the private links."""

READ_TIMEOUT: Final = 30.0
"""Seconds a connection may stay silent before the server closes it."""

LIFETIME: Final = 120.0
"""Seconds a connection may last in all: a client that trickles bytes is cut off."""

WORKERS: Final = 8
"""Worker threads; connections beyond four times this wait for none and are closed."""

_GROUPS: Final = (
    ("programme", "Programme"),
    ("people", "People"),
    ("regions", "Regions (SHAs)"),
    ("areas", "Areas (PCTs)"),
)
_SECRET_BYTES: Final = 32
_TOKEN = re.compile(r"/private/[0-9a-f]+")
_CALNAME = re.compile(rb"^X-WR-CALNAME:(.*?)\r?$", re.MULTILINE)
_PAGE = string.Template("""\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>$title</title></head>
<body>
<h1>$title</h1>
<p>Subscribe to a calendar (recommended): the calendar program then keeps it
up to date. Or download the file to import it once.</p>
$note
$sections
</body>
</html>
""")
_SECTION = string.Template("""\
<h2>$heading</h2>
<table>
<thead><tr><th>Calendar</th><th>Code</th><th>Subscribe</th><th>Download</th></tr></thead>
<tbody>
$rows
</tbody>
</table>""")
_ROW = string.Template(
    '<tr><td>$name</td><td>$code</td><td><a href="$webcal">$webcal</a></td>'
    '<td><a href="$http">$http</a></td></tr>'
)
_PUBLIC_NOTE = (
    "<p>These calendars are public. Internal calendars (with travel and"
    " overnight stays) have private links: ask whoever runs this server.</p>"
)
_PUBLIC_OVERVIEW = (
    '<p><a href="overview.html">The programme at a glance</a>: who has events'
    " on which day, and every event on a map.</p>"
)
_PRIVATE_NOTE = (
    "<p><strong>Private page.</strong> Each internal link is a secret: give a"
    " person only the links they need.</p>"
    '<p><a href="overview.html">The programme at a glance</a>: who is where, day'
    " by day, the unplaced requests and the checker's verdict.</p>"
)


def calendar_folder(folder: str | Path) -> Path:
    """Return the folder of feeds under a ``plan --out`` folder.

    That is ``DIR/latest/calendars``, through the link, so the server follows each
    new version as soon as it is complete; a folder without ``latest`` (a version
    folder itself) is served as it is.

    Raises:
        InputError: there are no calendars there.
    """
    root = (latest_folder(folder) or Path(folder)) / "calendars"
    if not root.is_dir():
        msg = "no calendars here"
        raise InputError(
            msg,
            source=str(root),
            expected="a folder written by roadshow plan --out",
        )
    return root


def feed_secret(folder: str | Path, *, renew: bool = False) -> bytes:
    """Return the secret of the private feed links, kept in ``folder/.feed-secret``.

    The file is made on first use (or with *renew*, replacing the old one) with
    mode 0600; an existing file that others can read is made 0600. A symbolic
    link there is refused.

    Raises:
        OutputError: the file cannot be read or written, or is a link.
    """
    path = Path(folder) / SECRET_FILE
    if renew:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        reason = "it is a link" if exc.errno == errno.ELOOP else exc.strerror
        msg = f"cannot use the feed secret {path}: {reason}"
        raise OutputError(msg) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            msg = f"cannot use the feed secret {path}: not a regular file"
            raise OutputError(msg)
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        text = os.read(fd, 4096).strip()
        if len(text) < _SECRET_BYTES:  # new (or emptied): make one
            text = secrets.token_hex(_SECRET_BYTES).encode("ascii")
            os.ftruncate(fd, 0)
            os.pwrite(fd, text + b"\n", 0)
            os.fsync(fd)
    except OSError as exc:
        msg = f"cannot use the feed secret {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    finally:
        os.close(fd)
    return text


def check_base_url(value: str) -> str:
    """Return *value* (``http(s)://host[:port][/path]``) without a trailing slash.

    Raises:
        InputError: it is not such an address.
    """
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() or c in "\"'<>" for c in value)
    ):
        raise InputError(
            source="--base-url",
            expected="an address like https://calendars.example.org/roadshow",
            got=value,
        )
    return value.rstrip("/")


@frozen
class Feed:
    """One served feed: where it is, whose it is, and its URL path."""

    audience: str
    group: str
    code: str
    name: str
    file: Path
    url_path: str


class FeedSite:
    """The feeds under a calendars folder, their addresses and index pages.

    The listing is read once per version of the folder (the folder
    ``DIR/latest`` points at) and shared by every request.
    """

    def __init__(
        self,
        root: Path,
        *,
        secret: bytes | None,
        audiences: tuple[str, ...] = AUDIENCES,
        title: str = "Calendars",
    ) -> None:
        self.root = root
        self.secret = secret
        self.audiences = tuple(a for a in audiences if a == PUBLIC or secret)
        self.title = title
        self.base_url = ""
        """Where users reach the server (``https://...``): links start with it."""
        self._lock = threading.Lock()
        self._key: str | None = None
        self._feeds: Mapping[str, Feed] = {}

    def token(self, name: str) -> str:
        """Return the private token of *name* (a feed's path, or ``index``)."""
        assert self.secret is not None  # noqa: S101 - only called with a secret
        digest = hmac.new(self.secret, name.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    def private_index(self) -> str | None:
        """Return the URL path of the page listing every feed (None: no secret)."""
        if self.secret is None or INTERNAL not in self.audiences:
            return None
        return f"/private/{self.token('index')}/"

    def feeds(self) -> Mapping[str, Feed]:
        """Return the feeds by URL path, listed again only for a new version."""
        key = os.path.realpath(self.root)
        with self._lock:
            if key != self._key:
                self._feeds = self._list()
                self._key = key
            return self._feeds

    def _list(self) -> dict[str, Feed]:
        base = self.root.resolve()
        found: dict[str, Feed] = {}
        for audience in self.audiences:
            folder = base / audience
            programme = _calendar_name(folder / "programme.ics")
            for path in sorted(folder.rglob("*.ics")):
                resolved = path.resolve()
                if not path.is_file() or not resolved.is_relative_to(folder):
                    continue
                relative = path.relative_to(folder).as_posix()
                group, _, code = relative.removesuffix(".ics").rpartition("/")
                url_path = (
                    f"/calendars/{PUBLIC}/{relative}"
                    if audience == PUBLIC
                    else f"/private/{self.token(relative)}/{relative}"
                )
                found[url_path] = Feed(
                    audience=audience,
                    group=group or "programme",
                    code=code if group else "",
                    name=_short_name(_calendar_name(resolved), programme) or code,
                    file=resolved,
                    url_path=url_path,
                )
        return found

    def page(self, path: str) -> bytes | None:
        """Return the page at *path*: ``/``, the private index or its overview.

        None when *path* is none of them.
        """
        private = self.private_index()
        if private is not None and hmac.compare_digest(
            path.encode("utf-8", "surrogatepass"),
            f"{private}overview.html".encode("ascii"),
        ):
            # The overview names unplaced requests and the checker's findings
            # (diary labels among them), so it sits behind the private link.
            return self._overview("overview.html")
        if path == "/overview.html":
            # The public page: chart, map and counts, nothing the public
            # calendars do not show (no unplaced reasons, no findings).
            return self._overview("overview-public.html")
        if path in {"/", "/index.html"}:
            listed = [f for f in self.feeds().values() if f.audience == PUBLIC]
            note = _PUBLIC_NOTE if INTERNAL in self.audiences else ""
            if (self.root.resolve().parent / "overview-public.html").is_file():
                note = _PUBLIC_OVERVIEW + note
        elif private is not None and hmac.compare_digest(
            path.encode("utf-8", "surrogatepass"), private.encode("ascii")
        ):
            listed = list(self.feeds().values())
            note = _PRIVATE_NOTE
        else:
            return None
        return self._render(listed, note)

    def _overview(self, name: str) -> bytes | None:
        try:
            return (self.root.resolve().parent / name).read_bytes()
        except OSError:  # a folder written before overview.html existed
            return None

    def _render(self, listed: list[Feed], note: str) -> bytes:
        webcal = "webcal://" + self.base_url.split("://", 1)[-1]
        sections = []
        for audience in AUDIENCES:
            for group, heading in _GROUPS:
                rows = [
                    _ROW.substitute(
                        name=html.escape(feed.name),
                        code=html.escape(feed.code),
                        webcal=html.escape(webcal + feed.url_path),
                        http=html.escape(self.base_url + feed.url_path),
                    )
                    for feed in listed
                    if feed.audience == audience and feed.group == group
                ]
                if rows:
                    sections.append(
                        _SECTION.substitute(
                            heading=f"{heading}, {audience}", rows="\n".join(rows)
                        )
                    )
        page = _PAGE.substitute(
            title=html.escape(self.title),
            note=note,
            sections="\n".join(sections) or "<p>No calendars.</p>",
        )
        return page.encode("utf-8")


def _calendar_name(path: Path) -> str:
    """The ``X-WR-CALNAME`` of a calendar file ("" when it has none)."""
    try:
        with path.open("rb") as file:
            head = file.read(8192).replace(b"\r\n ", b"").replace(b"\n ", b"")
    except OSError:
        return ""
    match = _CALNAME.search(head)
    if match is None:
        return ""
    text = match[1].decode("utf-8", "replace")
    return re.sub(r"\\([\\;,])", r"\1", text).replace("\\n", " ").replace("\\N", " ")


def _short_name(name: str, programme: str) -> str:
    """A split calendar's name without the programme's ("Lord Darzi")."""
    name = name.removesuffix(" (public)")
    programme = programme.removesuffix(" (public)")
    if programme and name != programme:
        return name.removesuffix(f": {programme}")
    return name


class FeedServer(HTTPServer):
    """An HTTP/1.1 server with a bounded pool of worker threads.

    A connection is handed to a worker; when every worker is busy and the queue
    (three times the pool) is full too, new connections are closed at once
    instead of piling up threads. Each read times out after ``read_timeout``
    seconds, and a watchman thread shuts every connection that has lasted
    ``lifetime`` seconds, so a client sending a byte now and then cannot hold a
    worker for ever either.
    """

    def __init__(
        self,
        address: tuple[str, int],
        handler: Callable[..., BaseHTTPRequestHandler],
        *,
        site: FeedSite,
        workers: int = WORKERS,
    ) -> None:
        self.read_timeout = READ_TIMEOUT
        self.lifetime = LIFETIME
        self.site = site
        self._slots = threading.BoundedSemaphore(workers * 4)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="roadshow-feed")
        self._open: dict[socket.socket, float] = {}
        self._open_lock = threading.Lock()
        self._closing = threading.Event()
        super().__init__(address, handler)
        self._watchman = threading.Thread(
            target=self._watch, name="roadshow-watchman", daemon=True
        )
        self._watchman.start()

    def _watch(self) -> None:
        """Shut connections that have lasted too long (their reads then end)."""
        while not self._closing.wait(0.5):
            now = time.monotonic()
            with self._open_lock:
                expired = [s for s, end in self._open.items() if end <= now]
            for connection in expired:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def process_request(
        self,
        request: socket.socket,  # type: ignore[override]
        client_address: tuple[str, int],
    ) -> None:
        """Queue the connection for a worker, or close it when the queue is full."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        with self._open_lock:
            self._open[request] = time.monotonic() + self.lifetime
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one bad connection must not stop a worker
            self.handle_error(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(request, None)
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(
        self,
        request: object,
        client_address: object,
    ) -> None:
        """Drop a broken connection quietly (no traceback on stderr)."""

    def server_close(self) -> None:
        """Stop listening, then let the workers finish their connections."""
        super().server_close()
        self._pool.shutdown(wait=True)
        self._closing.set()
        watchman = getattr(self, "_watchman", None)  # None: binding failed
        if watchman is not None:
            watchman.join()


def make_server(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8008,
    title: str = "Calendars",
    log: Callable[[str], None] | None = None,
    secret: bytes | None = None,
    audiences: tuple[str, ...] = AUDIENCES,
    base_url: str | None = None,
    workers: int = WORKERS,
    timeout: float = READ_TIMEOUT,
    lifetime: float = LIFETIME,
) -> FeedServer:
    """Return an HTTP server for the feeds under *root* (call ``serve_forever``).

    Args:
        root: The folder of feeds (see :func:`calendar_folder`).
        host: The address to listen on (loopback by default).
        port: The port; 0 picks a free one (read ``server.server_address``).
        title: The index page's title.
        log: Called with each access log line (tokens hidden); None is silent.
        secret: The secret of the private links (:func:`feed_secret`); without
            it only public feeds are served.
        audiences: The audiences to serve (``internal`` needs *secret*).
        base_url: The address users reach the server at (``https://...``);
            default: the bound address.
        workers: Worker threads.
        timeout: Seconds a connection may stay silent.
        lifetime: Seconds a connection may last in all.

    Raises:
        OutputError: the address cannot be used (port taken, unknown host).
    """
    site = FeedSite(root, secret=secret, audiences=audiences, title=title)
    handler = partial(FeedHandler, site=site, log=log)
    try:
        server = FeedServer((host, port), handler, site=site, workers=workers)
    except OSError as exc:
        msg = f"cannot serve on {host}:{port}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    server.read_timeout = timeout
    server.lifetime = lifetime
    bound_host, bound_port = server.server_address[:2]
    if base_url is None:
        shown = str(bound_host)
        if shown in {"0.0.0.0", "::"}:  # noqa: S104 - naming the wildcard, not binding
            shown = socket.gethostname()
        if ":" in shown:
            shown = f"[{shown}]"
        base_url = f"http://{shown}:{bound_port}"
    site.base_url = base_url
    return server


class FeedHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the index pages and the feeds."""

    server_version = "roadshow"
    protocol_version = "HTTP/1.1"

    def __init__(
        self,
        *args: object,
        site: FeedSite,
        log: Callable[[str], None] | None,
    ) -> None:
        self.site = site
        self.log = log
        super().__init__(*args)  # type: ignore[arg-type]

    def setup(self) -> None:
        """Apply the server's read timeout to the connection."""
        super().setup()
        self.connection.settimeout(getattr(self.server, "read_timeout", READ_TIMEOUT))

    def do_GET(self) -> None:
        """Serve an index page or a feed."""
        self.answer(body=True)

    def do_HEAD(self) -> None:
        """Serve the headers of an index page or a feed."""
        self.answer(body=False)

    def answer(self, *, body: bool) -> None:
        """Send an index page, a feed, 304 Not Modified or 404."""
        path = unquote(urlsplit(self.path).path)
        page = self.site.page(path)
        if page is not None:
            headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
            self.send(
                HTTPStatus.OK,
                "text/html; charset=utf-8",
                page,
                body=body,
                headers=headers,
            )
            return
        feed = self.site.feeds().get(path)
        try:
            if feed is None:
                raise FileNotFoundError(path)
            data = feed.file.read_bytes()
            modified = int(feed.file.stat().st_mtime)
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
        """Pass access log lines to ``log``, private tokens hidden."""
        if self.log is not None:
            self.log(_TOKEN.sub("/private/[hidden]", format % args))
