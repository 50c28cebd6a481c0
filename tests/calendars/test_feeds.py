"""The feed server, tested as a real HTTP server on loopback."""

from __future__ import annotations

import email.utils
import http.client
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from roadshow.errors import InputError, OutputError
from roadshow.feeds import calendar_folder, make_server
from roadshow.outputs import publish_plan

FEED = "/calendars/internal/programme.ics"


@pytest.fixture
def out_dir(tmp_path, nhs2008_scenario, plan, kit) -> Path:
    """A plan --out folder with calendars and a history."""
    publish_plan(tmp_path, nhs2008_scenario, plan, issued_at=kit.stamp)
    return tmp_path


@pytest.fixture
def server(out_dir) -> Iterator[tuple[str, int]]:
    """A running feed server on a free loopback port, stopped after the test."""
    httpd = make_server(calendar_folder(out_dir), host="127.0.0.1", port=0)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def fetch(address, path, method="GET", headers=None):
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_feed_is_served_as_text_calendar(server, out_dir):
    """A feed comes with its type, ETag, Last-Modified and the file's bytes."""
    status, headers, body = fetch(server, FEED)
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]).tzinfo
    assert body == (out_dir / "latest/calendars/internal/programme.ics").read_bytes()
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
    """After a new plan --out, the old ETag no longer matches and the new bytes come."""
    _, headers, _ = fetch(server, FEED)
    path = out_dir / "latest/calendars/internal/programme.ics"
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


def test_index_page_links_every_feed(server, out_dir):
    """The index page has a webcal:// and an http:// link for each feed."""
    status, headers, body = fetch(server, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    host = f"{server[0]}:{server[1]}"
    count = len(list((out_dir / "latest/calendars").rglob("*.ics")))
    assert page.count('href="webcal://') == count
    assert f'href="webcal://{host}{FEED}"' in page
    assert f'href="http://{host}/calendars/public/programme.ics"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/calendars/../history.sqlite",
        "/calendars/%2e%2e/plan.json",
        "/plan.json",
        "/calendars/internal/people/nobody.ics",
        "/calendars/internal",
    ],
    ids=["dots", "encoded-dots", "outside", "unknown", "folder"],
)
def test_only_listed_feeds_are_served(server, path):
    """Paths outside the listing, traversal included, are 404."""
    assert fetch(server, path)[0] == 404


def test_hostile_host_header_is_not_echoed(server):
    """A Host header that is not a host name is replaced by the server's address."""
    _, _, body = fetch(server, "/", headers={"Host": 'evil"><script>'})
    assert b"<script>" not in body
    assert f"webcal://127.0.0.1:{server[1]}/".encode() in body


def test_audience_folder(out_dir):
    """--audience picks one subfolder; a folder without calendars is bad input."""
    assert calendar_folder(out_dir, "public") == out_dir / "latest/calendars/public"
    with pytest.raises(InputError, match="no calendars here"):
        calendar_folder(out_dir / "latest/calendars")


def test_port_in_use(server, out_dir):
    """A taken port is an OutputError, not a traceback."""
    with pytest.raises(OutputError, match=r"cannot serve on 127\.0\.0\.1"):
        make_server(calendar_folder(out_dir), port=server[1])


def test_serve_command_in_a_subprocess(out_dir):
    """`roadshow serve DIR --port 0` announces its address and serves the feeds."""
    script = Path(sys.executable).parent / "roadshow"
    process = subprocess.Popen(
        [str(script), "serve", str(out_dir), "--port", "0", "--audience", "public"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
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
        status, headers, body = fetch(address, "/calendars/programme.ics")
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert b"CATEGORIES:travel" not in body
        assert fetch(address, "/calendars/internal/programme.ics")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()
