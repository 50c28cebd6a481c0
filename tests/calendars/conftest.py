"""Fixtures for the calendar tests: small hand-built plans of the bundled scenario."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pendulum
import pytest
from pendulum import DateTime

from caldav_servers import LoopbackServer, Radicale, Xandikos
from roadshow.model import (
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)
from roadshow.outputs import publish_plan

LONDON = "Europe/London"
STAMP = pendulum.datetime(2008, 9, 1, 8, 0, tz="UTC")
GOLDEN = Path(__file__).parent.parent / "golden"

_DTSTAMP = re.compile(rb"^DTSTAMP:\d{8}T\d{6}Z(?=\r?$)", re.MULTILINE)


def at(month: int, day: int, hour: int, minute: int = 0) -> DateTime:
    """A wall-clock time in London, 2008."""
    return pendulum.datetime(2008, month, day, hour, minute, tz=LONDON)


def event(
    scenario: Scenario,
    request_id: str,
    start: DateTime,
    *,
    venue_id: str | None = None,
) -> ScheduledEvent:
    """The scheduled event of a request, at its first candidate venue by default."""
    request = scenario.request_by_id[request_id]
    return ScheduledEvent(
        request_id=request_id,
        title=request.title,
        kind=request.kind,
        venue_id=venue_id or scenario.candidate_venues(request)[0].venue_id,
        start=start,
        end=start.add(minutes=request.duration_minutes),
        attendees=request.attendees,
        lead=request.lead,
        region_id=scenario.region_of(request),
        area_id=scenario.area_of(request),
    )


def leg(
    person_id: str, from_id: str, to_id: str, depart: DateTime, minutes: int
) -> TravelLeg:
    """A rail journey."""
    return TravelLeg(
        person_id=person_id,
        from_id=from_id,
        to_id=to_id,
        mode="rail",
        depart=depart,
        arrive=depart.add(minutes=minutes),
        distance_km=400.0,
    )


def sample_plan(scenario: Scenario) -> Plan:
    """A small plan: a tour day in summer time, a consultation, two autumn events.

    Lord Darzi travels to Newcastle on 8 Sep 2008, stays the night and travels home
    the next morning; the leadership event is on 3 Nov 2008 after summer time.
    """
    return Plan(
        scenario_id=scenario.scenario_id,
        events=[
            event(scenario, "listening-Q30", at(9, 8, 10)),
            event(scenario, "clinical-Q30", at(9, 8, 13)),
            event(scenario, "consultation-5ND", at(9, 9, 18, 30)),
            event(scenario, "hsj-change-management", at(10, 22, 10)),
            event(scenario, "leadership-event", at(11, 3, 10)),
        ],
        legs=[
            leg("darzi", "richmond-house", "Q30-hq", at(9, 8, 6, 30), 195),
            leg("darzi", "Q30-hq", "richmond-house", at(9, 9, 8), 195),
        ],
        stays=[
            OvernightStay(
                person_id="darzi", night_of=at(9, 8, 0).date(), venue_id="Q30-hq"
            )
        ],
    )


@pytest.fixture(scope="session")
def published_sample(
    tmp_path_factory: pytest.TempPathFactory, nhs2008_scenario: Scenario
) -> Path:
    """A plan --out folder of the sample plan, made once: copy it before changing it."""
    folder = tmp_path_factory.mktemp("published")
    publish_plan(
        folder, nhs2008_scenario, sample_plan(nhs2008_scenario), issued_at=STAMP
    )
    return folder


@pytest.fixture
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """A Radicale server with one htpasswd user, on a free loopback port."""
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["radicale", "xandikos"])
def caldav_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoopbackServer]:
    """Each real CalDAV server in turn (Radicale, then Xandikos)."""
    kind = Radicale if request.param == "radicale" else Xandikos
    server = kind(tmp_path_factory.mktemp(request.param))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def plan(nhs2008_scenario: Scenario) -> Plan:
    """The sample plan of the bundled scenario."""
    return sample_plan(nhs2008_scenario)


def normalize_ics(data: bytes) -> bytes:
    """Unfold RFC 5545 lines and pin DTSTAMP so CLI output compares exactly."""
    return _DTSTAMP.sub(b"DTSTAMP:20080901T080000Z", data.replace(b"\r\n ", b""))


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, bytes], None]:
    """Compare bytes with a golden file (``--update-golden`` rewrites it)."""

    def check(name: str, data: bytes) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.write_bytes(data)
        assert data.decode("utf-8") == path.read_bytes().decode("utf-8")

    return check


@pytest.fixture
def kit() -> SimpleNamespace:
    """The plan builders of this folder, for tests to call."""
    return SimpleNamespace(
        at=at,
        event=event,
        leg=leg,
        sample_plan=sample_plan,
        stamp=STAMP,
        normalize_ics=normalize_ics,
    )
