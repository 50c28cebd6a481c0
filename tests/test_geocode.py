"""The opt-in geocoder against a real loopback server that answers like Nominatim."""

from __future__ import annotations

import csv
import io
import itertools
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from attrs import define, field
from click.testing import CliRunner

from roadshow.cli import cli
from roadshow.errors import (
    AddressNotFoundError,
    GeocodeError,
    InputError,
    RoadshowWarning,
)
from roadshow.geocode import (
    MIN_DELAY_SECONDS,
    TIMEOUT_VARIABLE,
    URL_VARIABLE,
    USER_AGENT,
    CachingGeocoder,
    cache_path,
    caching_locator,
    nominatim_lookup,
)
from roadshow.importers.scenario import load_scenario

KNOWN = {
    "1 park row, leeds": ("53.7997", "-1.5492"),
    "2 broad street, birmingham": ("52.4777", "-1.9117"),
    "3 mosley street, newcastle": ("54.9700", "-1.6120"),
}
"""Addresses the fake service knows (lower case), with lat and lon as texts."""


@define
class Seen:
    """One request the fake service received."""

    path: str
    query: dict[str, list[str]]
    user_agent: str | None
    at: float  # time.monotonic() on arrival


@define
class FakeNominatim:
    """A loopback server answering ``/search?q=...&format=json`` like Nominatim.

    ``mode`` picks the behaviour: ``ok`` (answer from KNOWN, else ``[]``),
    ``slow`` (never answer until the test ends), ``error`` (HTTP 500), ``junk``
    (not JSON), ``nonsense`` (JSON of the wrong shape), ``empty`` (an empty body).
    """

    url: str
    mode: str = "ok"
    seen: list[Seen] = field(factory=list)
    release: threading.Event = field(factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        fake.seen.append(
            Seen(parts.path, query, self.headers.get("User-Agent"), time.monotonic())
        )
        if fake.mode == "slow":
            fake.release.wait(10)
            return
        if fake.mode == "error":
            self._send(500, b"<h1>Internal Server Error</h1>\nstack trace here")
        elif fake.mode == "junk":
            self._send(200, b"<html>\nThis is not JSON\n</html>")
        elif fake.mode == "nonsense":
            self._send(200, json.dumps([{"lat": "north", "lon": "up"}]).encode())
        elif fake.mode == "empty":
            self._send(200, b"")
        else:
            address = query.get("q", [""])[0].lower()
            places = []
            if address in KNOWN:
                lat, lon = KNOWN[address]
                places = [{"lat": lat, "lon": lon, "display_name": address}]
            self._send(200, json.dumps(places).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Keep the test output quiet."""


class _Server(ThreadingHTTPServer):
    fake: FakeNominatim
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is expected; stay quiet."""


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    """A fake Nominatim on 127.0.0.1, stopped after the test."""
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.fake = FakeNominatim(url=f"http://{host!s}:{port}")
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.fake
    finally:
        server.fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test's geocode cache in its own folder, never the user's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ROADSHOW_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def free_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the lookup -------------------------------------------------------------------


def test_lookup_finds_an_address(nominatim: FakeNominatim) -> None:
    """A known address comes back as (lat, lon) floats."""
    lookup = nominatim_lookup(nominatim.url)
    assert lookup("1 Park Row, Leeds") == (53.7997, -1.5492)


def test_lookup_sends_the_user_agent_and_a_nominatim_query(
    nominatim: FakeNominatim,
) -> None:
    """The request is /search, format=json, limited to GB, under roadshow's agent."""
    nominatim_lookup(nominatim.url)("1 Park Row, Leeds")
    (seen,) = nominatim.seen
    assert seen.path == "/search"
    assert seen.query["q"] == ["1 Park Row, Leeds"]
    assert seen.query["format"] == ["json"]
    assert seen.query["countrycodes"] == ["gb"]
    assert seen.user_agent == USER_AGENT
    assert seen.user_agent.startswith("roadshow/")


def test_unknown_address_is_none(nominatim: FakeNominatim) -> None:
    """An empty answer list means not found: None, not an error."""
    assert nominatim_lookup(nominatim.url)("Nowhere Lane") is None


def test_requests_are_at_least_a_second_apart(nominatim: FakeNominatim) -> None:
    """The server sees consecutive requests at least MIN_DELAY_SECONDS apart."""
    lookup = nominatim_lookup(nominatim.url)
    for address in KNOWN:
        assert lookup(address) is not None
    times = [seen.at for seen in nominatim.seen]
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= MIN_DELAY_SECONDS


def test_timeout_is_a_clean_geocode_error(nominatim: FakeNominatim) -> None:
    """A server that never answers gives a GeocodeError naming server and timeout."""
    nominatim.mode = "slow"
    with pytest.raises(GeocodeError) as caught:
        nominatim_lookup(nominatim.url, timeout=0.3)("1 Park Row, Leeds")
    message = str(caught.value)
    assert message.startswith(f"the geocoder at {nominatim.url} did not answer in time")
    assert "0.3 s" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("error", "failed (HTTP Error 500: Internal Server Error)"),
        ("junk", "answered with something that is not JSON"),
        ("nonsense", "answered nonsense"),
        ("empty", "answered with something that is not JSON"),
    ],
)
def test_service_failures_are_geocode_errors(
    nominatim: FakeNominatim, mode: str, words: str
) -> None:
    """HTTP 500, junk, wrong-shaped JSON and an empty body give a one-line error."""
    nominatim.mode = mode
    with pytest.raises(GeocodeError) as caught:
        nominatim_lookup(nominatim.url)("1 Park Row, Leeds")
    message = str(caught.value)
    assert message.startswith(f"the geocoder at {nominatim.url} ")
    assert words in message
    assert "\n" not in message
    assert "stack trace" not in message


def test_unreachable_server_is_a_geocode_error(free_url: str) -> None:
    """Nothing listening on the port gives a GeocodeError saying so."""
    with pytest.raises(GeocodeError, match="Connection refused"):
        nominatim_lookup(free_url)("1 Park Row, Leeds")


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org", "nominatim.openstreetmap.org", "http://", "http://x/?a=1"],
)
def test_bad_service_url_is_input_error(url: str) -> None:
    """A URL that is not http(s) with a host is refused before any request."""
    with pytest.raises(InputError, match="expected an http or https URL"):
        nominatim_lookup(url)


# --- the cache --------------------------------------------------------------------


def test_answers_are_cached_on_disk(nominatim: FakeNominatim, tmp_path: Path) -> None:
    """A second lookup, even by a new geocoder reading the file, asks nothing."""
    cache = tmp_path / "cache" / "geocode.json"
    first = CachingGeocoder(nominatim_lookup(nominatim.url), cache)
    assert first(place=None, address="1 Park Row, Leeds") == (53.7997, -1.5492)
    assert first(place=None, address="1  PARK ROW,  Leeds") == (53.7997, -1.5492)
    again = CachingGeocoder(nominatim_lookup(nominatim.url), cache)
    assert again(place=None, address="1 Park Row, Leeds") == (53.7997, -1.5492)
    assert len(nominatim.seen) == 1
    assert json.loads(cache.read_text()) == {"1 park row, leeds": [53.7997, -1.5492]}


def test_not_found_is_cached_and_raised(
    nominatim: FakeNominatim, tmp_path: Path
) -> None:
    """An address the service does not know raises AddressNotFoundError, asked once."""
    geocoder = CachingGeocoder(nominatim_lookup(nominatim.url), tmp_path / "g.json")
    for _ in range(2):
        with pytest.raises(AddressNotFoundError) as caught:
            geocoder(place=None, address="Nowhere Lane")
        assert caught.value.got == "Nowhere Lane"
    assert len(nominatim.seen) == 1


def test_failures_are_not_cached(nominatim: FakeNominatim, tmp_path: Path) -> None:
    """After a failure the next run asks again and succeeds once the service is up."""
    cache = tmp_path / "g.json"
    nominatim.mode = "error"
    with pytest.raises(GeocodeError):
        CachingGeocoder(nominatim_lookup(nominatim.url), cache)(
            place=None, address="1 Park Row, Leeds"
        )
    assert not cache.exists()
    nominatim.mode = "ok"
    geocoder = CachingGeocoder(nominatim_lookup(nominatim.url), cache)
    assert geocoder(place=None, address="1 Park Row, Leeds") == (53.7997, -1.5492)
    assert len(nominatim.seen) == 2


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '{"1 park row, leeds": "junk"}',
        '{"1 park row, leeds": [91, 0]}',
        '{"1 park row, leeds": [1]}',
    ],
)
def test_damaged_cache_entries_are_ignored(
    nominatim: FakeNominatim, tmp_path: Path, content: str
) -> None:
    """A damaged cache file or entry is asked again rather than trusted."""
    cache = tmp_path / "g.json"
    cache.write_text(content)
    geocoder = CachingGeocoder(nominatim_lookup(nominatim.url), cache)
    assert geocoder(place=None, address="1 Park Row, Leeds") == (53.7997, -1.5492)
    assert len(nominatim.seen) == 1


def test_bundled_place_needs_no_request(
    nominatim: FakeNominatim, tmp_path: Path
) -> None:
    """A bundled place name wins over the address and asks the service nothing."""
    geocoder = CachingGeocoder(nominatim_lookup(nominatim.url), tmp_path / "g.json")
    assert geocoder(place="Leeds", address="1 Park Row, Leeds") is not None
    assert nominatim.seen == []


# --- configuration ----------------------------------------------------------------


def test_locator_reads_the_url_and_caches_in_the_cache_dir(
    nominatim: FakeNominatim, private_cache: Path
) -> None:
    """ROADSHOW_NOMINATIM_URL points the locator elsewhere; answers are cached."""
    locator = caching_locator({URL_VARIABLE: nominatim.url, TIMEOUT_VARIABLE: "2.5"})
    assert locator(place=None, address="1 Park Row, Leeds") == (53.7997, -1.5492)
    assert len(nominatim.seen) == 1
    assert (private_cache / "geocode.json").exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (URL_VARIABLE, "gopher://example.org"),
        (TIMEOUT_VARIABLE, "soon"),
        (TIMEOUT_VARIABLE, "0"),
        (TIMEOUT_VARIABLE, "-1"),
        (TIMEOUT_VARIABLE, "nan"),
    ],
)
def test_bad_settings_name_the_variable(variable: str, value: str) -> None:
    """A bad environment value is an InputError naming the variable."""
    with pytest.raises(InputError) as caught:
        caching_locator({variable: value})
    assert caught.value.source == variable
    assert caught.value.got == value


# --- through the CLI --------------------------------------------------------------

SCENARIO = """\
id = "geo"
start = 2008-09-08
end = 2008-09-12

[tables]
venues = "venues.csv"

[[people]]
id = "alice"
name = "Alice"
home = "office"
"""


def _scenario(folder: Path, address: str) -> Path:
    folder.mkdir()
    (folder / "scenario.toml").write_text(SCENARIO)
    (folder / "venues.csv").write_text(
        f'id,name,address\noffice,The office,"{address}"\n'
    )
    return folder


@pytest.fixture
def geo_env(
    nominatim: FakeNominatim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> FakeNominatim:
    """Point --geocode at the fake service with a private cache and short timeout."""
    monkeypatch.setenv(URL_VARIABLE, nominatim.url)
    monkeypatch.setenv(TIMEOUT_VARIABLE, "0.5")
    return nominatim


def test_cli_geocodes_an_address(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """`roadshow --geocode show` locates a venue by address and caches it."""
    folder = _scenario(tmp_path / "s", "1 Park Row, Leeds")
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 0, result.output
    assert "geo" in result.stdout
    assert len(geo_env.seen) == 1
    again = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert again.exit_code == 0, again.output
    assert len(geo_env.seen) == 1
    assert (tmp_path / "cache" / "geocode.json").exists()


def test_cli_without_geocode_asks_nothing(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """Without --geocode an address alone is bad input, and no request is made."""
    folder = _scenario(tmp_path / "s", "1 Park Row, Leeds")
    result = runner.invoke(cli, ["show", str(folder)])
    assert result.exit_code == 2, result.output
    assert 'venue "office" has no coordinates' in result.stderr
    assert "--geocode" in result.stderr
    assert geo_env.seen == []


def test_cli_address_not_found_exits_2(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """An address the service does not know is bad input naming the venue and cell."""
    folder = _scenario(tmp_path / "s", "Nowhere Lane")
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 2, result.output
    venues = folder / "venues.csv"
    assert result.stderr == (
        f'Error: {venues}, line 2, column "address": venue "office": the geocoder '
        "found no place for the address; expected an address the geocoder knows, "
        'or lat and lon, got "Nowhere Lane".\n'
    )


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("slow", "did not answer in time"),
        ("error", "failed (HTTP Error 500: Internal Server Error)"),
        ("junk", "answered with something that is not JSON"),
        ("empty", "answered with something that is not JSON"),
        ("nonsense", "answered nonsense"),
    ],
)
def test_cli_service_failure_exits_3(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path, mode: str, words: str
) -> None:
    """A slow, failing or babbling service: exit 3, one line naming the venue."""
    geo_env.mode = mode
    folder = _scenario(tmp_path / "s", "1 Park Row, Leeds")
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 3, result.output
    venues = folder / "venues.csv"
    assert result.stderr.startswith(
        f'Error: {venues}, line 2, column "address": looking up venue "office" '
        f"failed: the geocoder at {geo_env.url} {words}"
    )
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_unreachable_service_exits_3(
    runner: CliRunner, free_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service nobody answers for is a could-not-finish error (exit 3)."""
    monkeypatch.setenv(URL_VARIABLE, free_url)
    folder = _scenario(tmp_path / "s", "1 Park Row, Leeds")
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 3, result.output
    assert f"the geocoder at {free_url} failed" in result.stderr
    assert "Connection refused" in result.stderr


def test_cli_bad_url_setting_exits_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed ROADSHOW_NOMINATIM_URL is bad input naming the variable."""
    monkeypatch.setenv(URL_VARIABLE, "nominatim.example")
    folder = _scenario(tmp_path / "s", "1 Park Row, Leeds")
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {URL_VARIABLE}: expected an http")


# --- where the cache lives ---------------------------------------------------------


def test_the_cache_lives_in_roadshow_cache_dir_when_set(private_cache: Path) -> None:
    """$ROADSHOW_CACHE_DIR wins over the platform's cache folder."""
    assert cache_path() == private_cache / "geocode.json"


def test_the_cache_otherwise_lives_in_the_platforms_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without it, platformdirs' user cache folder for roadshow (XDG on Linux)."""
    import platformdirs

    monkeypatch.delenv("ROADSHOW_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    expected = platformdirs.user_cache_path("roadshow", appauthor=False)
    assert cache_path() == expected / "geocode.json"
    if sys.platform.startswith("linux"):
        assert cache_path() == tmp_path / "xdg" / "roadshow" / "geocode.json"


# --- commitments and diaries at an address (#13) ------------------------------------

PLACES = """\
id = "geo-diary"
start = 2008-09-08
end = 2008-09-12

[tables]
commitments = "commitments.csv"

[[venues]]
id = "office"
name = "The office"
lat = 51.5
lon = -0.12

[[venues]]
id = "hq"
name = "Regional HQ"
address = "3 Mosley Street, Newcastle"
lat = 54.97
lon = -1.612

[[people]]
id = "alice"
name = "Alice"
home = "office"
"""


def _places(folder: Path, commitments: str) -> Path:
    folder.mkdir()
    (folder / "scenario.toml").write_text(PLACES, encoding="utf-8")
    (folder / "commitments.csv").write_text(commitments, encoding="utf-8")
    return folder


def test_commitment_at_an_address_is_geocoded(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """With --geocode an address in the place column becomes a venue there; a
    venue's name or address needs no lookup; the answer is cached."""
    folder = _places(
        tmp_path / "s",
        "person,start,end,label,place\n"
        'alice,2008-09-09T10:00,2008-09-09T12:00,Board,"1 Park Row, Leeds"\n'
        "alice,2008-09-10T10:00,2008-09-10T12:00,Visit,Regional HQ\n"
        'alice,2008-09-11T10:00,2008-09-11T12:00,Site,"3 mosley street,  Newcastle"\n',
    )
    loaded = load_scenario(folder / "scenario.toml", locate=caching_locator())
    assert [c.venue_id for c in loaded.commitments] == [
        "place-1-park-row-leeds",
        "hq",
        "hq",
    ]
    venue = loaded.venue_by_id["place-1-park-row-leeds"]
    assert (venue.name, venue.lat, venue.lon) == ("1 Park Row, Leeds", 53.7997, -1.5492)
    assert [s.query["q"] for s in geo_env.seen] == [["1 Park Row, Leeds"]]
    result = runner.invoke(cli, ["--geocode", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(geo_env.seen) == 1  # from the cache


def test_commitment_address_without_geocode_exits_2(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """Without --geocode an address is bad input naming file, row and field."""
    folder = _places(
        tmp_path / "s",
        "person,start,end,label,place\n"
        'alice,2008-09-09T10:00,2008-09-09T12:00,Board,"1 Park Row, Leeds"\n',
    )
    result = runner.invoke(cli, ["show", str(folder)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f'Error: {folder / "commitments.csv"}, line 2, column "place": the '
        'commitment for "alice": no venue has that name or address; expected a '
        "venue id, home, or an address looked up with --geocode, got "
        '"1 Park Row, Leeds".\n'
    )
    assert geo_env.seen == []


def test_commitment_address_not_found_exits_2(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """An address the geocoder does not know: exit 2 at the cell; an id-like
    place that is no venue keeps the 'unknown venue' message."""
    folder = _places(
        tmp_path / "s",
        "person,start,end,label,place\n"
        'alice,2008-09-09T10:00,2008-09-09T12:00,Board,"Nowhere Lane, Leeds"\n',
    )
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        f'Error: {folder / "commitments.csv"}, line 2, column "place": the '
        'commitment for "alice": the geocoder found no place for the address'
    )
    (folder / "commitments.csv").write_text(
        "person,start,end,label,place\nalice,2008-09-09T10:00,2008-09-09T12:00,B,ofice\n"
    )
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 2, result.output
    assert 'unknown venue "ofice". Did you mean "office"?' in result.stderr


def test_commitment_geocoder_failure_exits_3(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """A failing service: exit 3, one line naming the cell and the commitment."""
    geo_env.mode = "error"
    folder = _places(
        tmp_path / "s",
        "person,start,end,label,place\n"
        'alice,2008-09-09T10:00,2008-09-09T12:00,Board,"1 Park Row, Leeds"\n',
    )
    result = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(
        f'Error: {folder / "commitments.csv"}, line 2, column "place": looking up '
        f'the commitment for "alice" failed: the geocoder at {geo_env.url} failed'
    )
    assert result.stderr.count("\n") == 1


DIARY = """\
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:a
SUMMARY:Board
LOCATION:1 Park Row\\, Leeds
DTSTART;TZID=Europe/London:20080909T100000
DTEND;TZID=Europe/London:20080909T120000
END:VEVENT
BEGIN:VEVENT
UID:b
SUMMARY:Lunch
LOCATION:Nowhere Lane
DTSTART;TZID=Europe/London:20080910T120000
DTEND;TZID=Europe/London:20080910T130000
END:VEVENT
BEGIN:VEVENT
UID:c
SUMMARY:Visit
LOCATION:Regional HQ
DTSTART;TZID=Europe/London:20080911T100000
DTEND;TZID=Europe/London:20080911T120000
END:VEVENT
END:VCALENDAR
"""


def test_import_diary_geocodes_the_location(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """import-diary --geocode keeps an address the geocoder finds as the place;
    one it does not find warns and reads as home; the scenario then loads the
    CSV with --geocode from the cache."""
    folder = _places(tmp_path / "s", "person,start,end,label,place\n")
    diary = tmp_path / "alice.ics"
    diary.write_text(DIARY, encoding="utf-8")
    args = ["--geocode", "import-diary", str(diary), "--person", "alice"]
    result = runner.invoke(cli, [*args, "--scenario", str(folder)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [(r[3], r[4]) for r in rows[1:]] == [
        ("Board", "1 Park Row, Leeds"),
        ("Lunch", ""),
        ("Visit", "hq"),
    ]
    assert (
        "Warning: Lunch on 10 Sep 2008: LOCATION 'Nowhere Lane' is no venue of the"
        " scenario and the geocoder found no such place; read as the home base"
    ) in result.stderr
    asked = len(geo_env.seen)
    assert asked == 2
    (folder / "commitments.csv").write_text(result.stdout, encoding="utf-8")
    shown = runner.invoke(cli, ["--geocode", "show", str(folder)])
    assert shown.exit_code == 0, shown.output
    assert len(geo_env.seen) == asked  # both answers came from the cache
    without = runner.invoke(cli, [*args[1:], "--scenario", str(folder)])
    assert without.exit_code == 2  # the CSV's address needs --geocode to load
    assert "looked up with --geocode" in without.stderr


def test_import_diary_geocoder_failure_exits_3(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """A failing service while importing: exit 3, naming the diary and event."""
    geo_env.mode = "junk"
    diary = tmp_path / "darzi.ics"
    diary.write_text(DIARY, encoding="utf-8")
    args = ["--geocode", "import-diary", str(diary), "--person", "darzi"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines()[-1].startswith(
        f"Error: {diary}: looking up Board on 09 Sep 2008: LOCATION "
        "'1 Park Row, Leeds' failed: the geocoder at"
    )
    assert result.stdout == ""


def test_scenario_diary_reads_the_location(
    runner: CliRunner, geo_env: FakeNominatim, tmp_path: Path
) -> None:
    """A [[diaries]] file's LOCATION is the commitment's place, as import-diary
    reads it: a venue it names, an address found with --geocode, else home with
    a warning (a diary is someone else's file: no exit 2)."""
    folder = _places(tmp_path / "s", "person,start,end,label,place\n")
    (folder / "alice.ics").write_text(DIARY, encoding="utf-8")
    scenario = folder / "scenario.toml"
    scenario.write_text(
        PLACES + '\n[[diaries]]\nperson = "alice"\nfile = "alice.ics"\n',
        encoding="utf-8",
    )
    with pytest.warns(RoadshowWarning) as caught:
        loaded = load_scenario(scenario, locate=caching_locator())
    assert [c.venue_id for c in loaded.commitments] == [
        "place-1-park-row-leeds",
        None,
        "hq",
    ]
    lunch = (
        f"{folder / 'alice.ics'}: Lunch on 10 Sep 2008: LOCATION 'Nowhere Lane' is"
        " no venue of the scenario nor an address found with --geocode; read as"
        " the home base"
    )
    assert [str(w.message) for w in caught] == [lunch]
    result = runner.invoke(cli, ["show", str(folder)])  # no --geocode: two warnings
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "LOCATION" in line]
    assert [line.split("LOCATION ")[1].split(" is")[0] for line in warned] == [
        "'1 Park Row, Leeds'",
        "'Nowhere Lane'",
    ]
    assert all(line.startswith("Warning: ") for line in warned)
