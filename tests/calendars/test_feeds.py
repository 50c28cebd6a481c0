"""The feed server, tested as a real HTTP server on loopback."""

from __future__ import annotations

import email.utils
import http.client
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import icalendar
import pytest

from roadshow.errors import InputError, OutputError
from roadshow.feeds import (
    SECRET_FILE,
    FeedServer,
    calendar_folder,
    check_base_url,
    feed_secret,
    make_server,
)

FEED = "/calendars/public/programme.ics"


@pytest.fixture
def out_dir(tmp_path, published_sample) -> Path:
    """A copy of the published folder for one test."""
    return Path(shutil.copytree(published_sample, tmp_path / "out", symlinks=True))


@contextmanager
def running(server: FeedServer) -> Iterator[tuple[str, int]]:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.fixture
def feed_server(out_dir) -> Iterator[FeedServer]:
    """A running feed server (internal and public) on a free loopback port."""
    server = make_server(calendar_folder(out_dir), port=0, secret=feed_secret(out_dir))
    with running(server):
        yield server


@pytest.fixture
def server(feed_server) -> tuple[str, int]:
    return "127.0.0.1", feed_server.server_address[1]


def fetch(address, path, method="GET", headers=None):
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def links(page: bytes, scheme: str) -> list[str]:
    return re.findall(rf'href="({scheme}://[^"]+)"', page.decode())


def test_feed_is_served_as_text_calendar(server, out_dir):
    """A feed comes over HTTP/1.1 with its type, ETag, Last-Modified and bytes."""
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.request("GET", FEED)
        response = connection.getresponse()
        body = response.read()
        assert response.version == 11
        # The connection stays open for a second request (keep-alive).
        connection.request("GET", FEED)
        assert connection.getresponse().read() == body
    finally:
        connection.close()
    assert response.status == 200
    headers = dict(response.getheaders())
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]).tzinfo
    assert body == (out_dir / "latest/calendars/public/programme.ics").read_bytes()
    assert icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_conditional_get_with_etag(server):
    """If-None-Match with the current ETag gives 304 and no body."""
    _, headers, _ = fetch(server, FEED)
    status, again, body = fetch(
        server, FEED, headers={"If-None-Match": headers["ETag"]}
    )
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]
    other = fetch(server, FEED, headers={"If-None-Match": '"0000"'})
    assert other[0] == 200


def test_conditional_get_with_date(server):
    """If-Modified-Since at or after Last-Modified gives 304; earlier gives 200."""
    _, headers, _ = fetch(server, FEED)
    status, _, _ = fetch(
        server, FEED, headers={"If-Modified-Since": headers["Last-Modified"]}
    )
    assert status == 304
    old = "Mon, 01 Sep 2008 00:00:00 GMT"
    assert fetch(server, FEED, headers={"If-Modified-Since": old})[0] == 200
    assert fetch(server, FEED, headers={"If-Modified-Since": "not a date"})[0] == 200


def test_updated_file_is_served_with_a_new_etag(server, out_dir):
    """After the file changes, the old ETag no longer matches and the new bytes come."""
    _, headers, _ = fetch(server, FEED)
    path = out_dir / "latest/calendars/public/programme.ics"
    path.write_bytes(path.read_bytes().replace(b"SEQUENCE:0", b"SEQUENCE:1"))
    status, fresh, body = fetch(
        server, FEED, headers={"If-None-Match": headers["ETag"]}
    )
    assert status == 200
    assert fresh["ETag"] != headers["ETag"]
    assert b"SEQUENCE:1" in body


def test_head_sends_headers_only(server):
    """HEAD gives the feed's headers and no body."""
    status, headers, body = fetch(server, FEED, method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) > 0


def test_public_index_names_and_groups_the_public_feeds(server, out_dir):
    """`/` lists every public feed by name, grouped, and no internal one."""
    status, headers, body = fetch(server, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    host = f"{server[0]}:{server[1]}"
    public = sorted((out_dir / "latest/calendars/public").rglob("*.ics"))
    assert len(links(body, "webcal")) == len(public)
    assert len(links(body, "http")) == len(public)
    assert f'href="webcal://{host}{FEED}"' in page
    assert f'href="http://{host}{FEED}"' in page
    assert "/private/" not in page
    assert "<h2>Regions (SHAs), public</h2>" in page
    assert "<h2>Areas (PCTs), public</h2>" in page
    # Names, not only codes: the region of Newcastle and its PCT.
    assert "<td>NHS North East</td><td>Q30</td>" in page
    assert "<td>County Durham PCT</td><td>5ND</td>" in page


def test_internal_feeds_need_their_secret_link(server, out_dir):
    """Internal feeds are served only at their private links, one link per feed."""
    assert fetch(server, "/calendars/internal/programme.ics")[0] == 404
    assert fetch(server, "/calendars/internal/people/darzi.ics")[0] == 404
    secret = feed_secret(out_dir)
    server_ = make_server(calendar_folder(out_dir), port=0, secret=secret)
    index = server_.site.private_index()
    server_.server_close()
    assert index is not None
    status, headers, body = fetch(server, index)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    private = [u for u in links(body, "http") if "/private/" in u]
    internal = sorted((out_dir / "latest/calendars/internal").rglob("*.ics"))
    assert len(private) == len(internal)
    assert "<h2>People, internal</h2>" in body.decode()
    assert "<td>Lord Darzi</td><td>darzi</td>" in body.decode()
    darzi = next(u for u in private if u.endswith("/people/darzi.ics"))
    path = darzi.split(f"{server[1]}", 1)[1]
    status, _, feed = fetch(server, path)
    assert status == 200
    assert feed == (out_dir / "latest/calendars/internal/people/darzi.ics").read_bytes()
    # One person's token opens no other feed; a made-up token opens nothing.
    token = path.split("/")[2]
    assert fetch(server, f"/private/{token}/programme.ics")[0] == 404
    assert fetch(server, f"/private/{'0' * 32}/people/darzi.ics")[0] == 404
    assert fetch(server, "/private/" + "0" * 32 + "/")[0] == 404


def test_the_secret_is_private_and_kept(out_dir):
    """The secret file is mode 0600, kept between runs and renewed on request."""
    first = feed_secret(out_dir)
    path = out_dir / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert feed_secret(out_dir) == first
    path.chmod(0o644)
    assert feed_secret(out_dir) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert feed_secret(out_dir, renew=True) != first


def test_a_linked_secret_file_is_refused(out_dir, tmp_path_factory):
    """A symbolic link in place of the secret file is not followed."""
    target = tmp_path_factory.mktemp("elsewhere") / "target"
    (out_dir / SECRET_FILE).symlink_to(target)
    with pytest.raises(OutputError, match="it is a link"):
        feed_secret(out_dir)
    assert not target.exists()


def test_hostile_host_header_is_not_echoed(server):
    """Links come from the bound address, never from the request's Host header."""
    for host in ('evil"><script>', "evil.example.org"):
        _, _, body = fetch(server, "/", headers={"Host": host})
        assert b"<script>" not in body
        assert b"evil" not in body
        assert f"webcal://127.0.0.1:{server[1]}/".encode() in body


def test_base_url_makes_https_ready_links(out_dir):
    """--base-url: links for a server behind a TLS proxy."""
    base = check_base_url("https://calendars.example.org/roadshow/")
    server = make_server(calendar_folder(out_dir), port=0, base_url=base)
    with running(server) as address:
        _, _, body = fetch(address, "/")
    assert f'href="https://calendars.example.org/roadshow{FEED}"'.encode() in body
    assert f'href="webcal://calendars.example.org/roadshow{FEED}"'.encode() in body


@pytest.mark.parametrize(
    "value",
    ["calendars.example.org", "ftp://x.org", "https://x.org/?a=1", 'https://x"y.org'],
)
def test_bad_base_url(value):
    with pytest.raises(InputError, match="--base-url"):
        check_base_url(value)


def test_public_only_server_has_no_private_side(out_dir):
    """Without a secret (--audience public) no internal feed and no private index."""
    server = make_server(calendar_folder(out_dir), port=0, audiences=("public",))
    assert server.site.private_index() is None
    with running(server) as address:
        assert fetch(address, FEED)[0] == 200
        paths = list(server.site.feeds())
    assert all(p.startswith("/calendars/public/") for p in paths)


@pytest.mark.parametrize(
    "path",
    [
        "/calendars/../history.sqlite",
        "/calendars/%2e%2e/plan.json",
        "/plan.json",
        "/.feed-secret",
        "/calendars/public/people/nobody.ics",
        "/calendars/public",
        "/private/%C3%A9/",
        "/%00",
    ],
    ids=[
        "dots",
        "encoded-dots",
        "outside",
        "secret",
        "unknown",
        "folder",
        "non-ascii",
        "nul",
    ],
)
def test_only_listed_feeds_are_served(server, path):
    """Paths outside the listing, traversal included, are 404."""
    assert fetch(server, path)[0] == 404


def test_the_feed_list_is_read_once_per_version(out_dir):
    """The listing is cached, and listed again when DIR/latest moves."""
    server = make_server(calendar_folder(out_dir), port=0, secret=b"x" * 64)
    server.server_close()
    first = server.site.feeds()
    assert server.site.feeds() is first
    shutil.copytree(out_dir / "versions/0001", out_dir / "versions/0002")
    (out_dir / "next").symlink_to("versions/0002")
    (out_dir / "next").rename(out_dir / "latest")
    again = server.site.feeds()
    assert again is not first
    assert again.keys() == first.keys()


def test_silent_connections_time_out_and_never_pile_up_threads(out_dir):
    """A silent client is dropped after the read timeout; the pool stays bounded."""
    server = make_server(calendar_folder(out_dir), port=0, workers=2, timeout=0.5)
    with running(server) as address:
        silent = [socket.create_connection(address, timeout=30) for _ in range(20)]
        try:
            workers = [
                t for t in threading.enumerate() if t.name.startswith("roadshow-feed")
            ]
            assert len(workers) <= 2
            # Each silent connection is closed by the server (EOF or reset).
            for connection in silent:
                with suppress(ConnectionResetError):
                    assert connection.recv(1) == b""
        finally:
            for connection in silent:
                connection.close()
        assert fetch(address, FEED)[0] == 200


def test_a_trickling_client_is_cut_off(out_dir):
    """A client sending a byte now and then is disconnected after the lifetime."""
    server = make_server(calendar_folder(out_dir), port=0, timeout=30, lifetime=1)
    with running(server) as address:
        connection = socket.create_connection(address, timeout=30)
        try:
            cut = False
            for byte in b"GET / HTTP/1.1\r\nX-Slow: " + b"a" * 600:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    cut = True
                    break
                time.sleep(0.1)
                connection.setblocking(False)
                try:
                    if connection.recv(1) == b"":
                        cut = True
                        break
                except BlockingIOError:
                    pass
                except OSError:
                    cut = True
                    break
                finally:
                    connection.setblocking(True)
            assert cut
        finally:
            connection.close()
        assert fetch(address, FEED)[0] == 200


def test_the_access_log_hides_private_tokens(out_dir):
    """Log lines name the private path without its token."""
    lines: list[str] = []
    server = make_server(
        calendar_folder(out_dir), port=0, secret=feed_secret(out_dir), log=lines.append
    )
    index = server.site.private_index()
    assert index is not None
    with running(server) as address:
        assert fetch(address, index)[0] == 200
    token = index.split("/")[2]
    assert lines
    assert not any(token in line for line in lines)
    assert any("/private/[hidden]/" in line for line in lines)


def test_port_in_use(server, out_dir):
    """A taken port is an OutputError, not a traceback."""
    with pytest.raises(OutputError, match=r"cannot serve on 127\.0\.0\.1"):
        make_server(calendar_folder(out_dir), port=server[1])


def test_folder_without_calendars(out_dir):
    with pytest.raises(InputError, match="no calendars here"):
        calendar_folder(out_dir / "latest/calendars")


def _serve(args: list[str]) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "roadshow"
    return subprocess.Popen(
        [str(script), "serve", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)
    if process.stderr is not None:
        process.stderr.close()


def test_serve_command_in_a_subprocess(out_dir):
    """`roadshow serve DIR --port 0` binds loopback and prints the private page."""
    process = _serve([str(out_dir), "--port", "0"])
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(
            r"Serving (\d+) calendars at http://127\.0\.0\.1:(\d+)/", line
        )
        assert match, line
        assert int(match[1]) == len(list((out_dir / "latest/calendars").rglob("*.ics")))
        private = process.stderr.readline().decode()
        found = re.search(
            r"private\): http://127\.0\.0\.1:\d+(/private/\w+/)$", private
        )
        assert found, private
        address = ("127.0.0.1", int(match[2]))
        status, _, page = fetch(address, found[1])
        assert status == 200
        assert b"/people/darzi.ics" in page
    finally:
        _stop(process)
    assert stat.S_IMODE((out_dir / SECRET_FILE).stat().st_mode) == 0o600


def test_serve_public_in_a_subprocess(out_dir):
    """`--audience public` serves the public feeds only and makes no secret."""
    process = _serve([str(out_dir), "--port", "0", "--audience", "public"])
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(
            r"Serving (\d+) calendars at http://127\.0\.0\.1:(\d+)/", line
        )
        assert match, line
        address = ("127.0.0.1", int(match[2]))
        assert int(match[1]) == len(
            list((out_dir / "latest/calendars/public").rglob("*.ics"))
        )
        status, _, body = fetch(address, FEED)
        assert status == 200
        assert b"CATEGORIES:travel" not in body
        assert fetch(address, "/calendars/internal/programme.ics")[0] == 404
    finally:
        _stop(process)
    assert not (out_dir / SECRET_FILE).exists()


def test_the_overview_is_served_behind_the_private_link(server, out_dir):
    """The programme at a glance is at <private index>overview.html, not at /."""
    secret = feed_secret(out_dir)
    server_ = make_server(calendar_folder(out_dir), port=0, secret=secret)
    index = server_.site.private_index()
    server_.server_close()
    assert index is not None
    status, _, page = fetch(server, index)
    assert status == 200
    assert 'href="overview.html"' in page.decode()
    status, headers, body = fetch(server, f"{index}overview.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (out_dir / "latest/overview.html").read_bytes()
    assert fetch(server, "/private/" + "0" * 32 + "/overview.html")[0] == 404


def test_the_public_overview_is_linked_from_the_index(server, out_dir):
    """/ links /overview.html: the chart and map, no unplaced reasons or findings."""
    status, _, index = fetch(server, "/")
    assert status == 200
    assert 'href="overview.html"' in index.decode()
    status, headers, body = fetch(server, "/overview.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (out_dir / "latest/overview-public.html").read_bytes()
    assert body != (out_dir / "latest/overview.html").read_bytes()
    assert b'<svg class="route-map"' in body
