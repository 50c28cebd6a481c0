"""Issue #13's "done", read from the published per-person calendars.

The default plan is published by the real CLI in a subprocess; its per-person
.ics files are read with icalendar, and the scenario's commitments and margins
with the stdlib's csv and tomllib, so nothing here goes through roadshow's own
readers. Each check below is one line of the issue's "Done means".
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
import zoneinfo
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import icalendar
import pytest
from geopy.distance import geodesic

from roadshow.data import scenario_folder
from safety_kit import run_roadshow

TZ = zoneinfo.ZoneInfo("Europe/London")
MAX_DAYS_IN_ROW = 5


class Entry(NamedTuple):
    kind: str  # "event", "travel" or "stay"
    start: dt.datetime
    end: dt.datetime
    venue: str  # where it is (travel: where it goes)
    origin: str  # travel: where it leaves from
    event_kind: str


@pytest.fixture(scope="module")
def calendars(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Entry]]:
    out = tmp_path_factory.mktemp("published")
    run_roadshow("-q", "plan", "--out", str(out))
    folder = out / "latest" / "calendars" / "internal" / "people"
    if not folder.is_dir():
        folder = next(out.glob("versions/*/calendars/internal/people"))
    found = {}
    for path in sorted(folder.glob("*.ics")):
        found[path.stem] = _entries(path)
    return found


def _entries(path: Path) -> list[Entry]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    out = []
    for ev in cal.walk("VEVENT"):
        kind = str(ev.get("X-ROADSHOW-KIND"))
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if not isinstance(start, dt.datetime):  # an all-day stay
            start = dt.datetime.combine(start, dt.time(), TZ)
            end = dt.datetime.combine(end, dt.time(), TZ)
        venue = str(ev.get("X-ROADSHOW-TO") or ev.get("X-ROADSHOW-VENUE"))
        out.append(
            Entry(
                kind=kind,
                start=start,
                end=end,
                venue=venue,
                origin=str(ev.get("X-ROADSHOW-FROM", "")),
                event_kind=str(ev.get("X-ROADSHOW-EVENT-KIND", "")),
            )
        )
    return sorted(out, key=lambda e: (e.start, e.end, e.kind))


def _scenario() -> dict[str, object]:
    folder = scenario_folder()
    return tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))


def _commitments() -> list[dict[str, str]]:
    text = (scenario_folder() / "commitments.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def _homes() -> dict[str, str]:
    return {p["id"]: p["home"] for p in _scenario()["people"]}  # type: ignore[index, union-attr]


def test_no_travel_during_a_diary_commitment(calendars) -> None:
    """No journey in a person's calendar overlaps one of their commitments."""
    for c in _commitments():
        start, end = _at(c["start"]), _at(c["end"])
        clashes = [
            e
            for e in calendars[c["person"]]
            if e.kind == "travel" and e.start < end and start < e.end
        ]
        assert clashes == [], (c, clashes)


def test_people_are_where_their_commitments_are(calendars) -> None:
    """At each commitment's start the person is at its place (home if none)."""
    homes = _homes()
    for c in _commitments():
        person, start = c["person"], _at(c["start"])
        day = [
            e
            for e in calendars[person]
            if e.kind != "stay" and e.start.date() == start.date() and e.start < start
        ]
        slept = [
            e
            for e in calendars[person]
            if e.kind == "stay"
            and e.start.date() == start.date() - dt.timedelta(days=1)
        ]
        here = day[-1].venue if day else (slept[0].venue if slept else homes[person])
        place = c.get("place") or "home"
        assert here == (homes[person] if place == "home" else place), c


def test_every_event_is_reached_in_time(calendars) -> None:
    """A journey into an event ends its margin before the start, at least."""
    toml = _scenario()
    kinds = toml["rules"]["kinds"]  # type: ignore[index]
    people = {p["id"]: p for p in toml["people"]}  # type: ignore[index, union-attr]

    def minutes(text: str | None) -> int:
        return int(text.removesuffix("m")) if text else 0

    checked = 0
    for person, entries in calendars.items():
        for before, after in pairwise(e for e in entries if e.kind != "stay"):
            if (
                before.kind == "travel"
                and after.kind == "event"
                and before.venue == after.venue
            ):
                margin = max(
                    minutes(kinds.get(after.event_kind, {}).get("arrive_before")),
                    minutes(people[person].get("arrive_before")),
                )
                spare = (after.start - before.end).total_seconds() / 60
                assert spare >= margin, (person, after)
                checked += 1
    assert checked > 100


def test_nobody_has_more_than_five_event_days_in_a_row(calendars) -> None:
    """Event days in a row: at most five, for everyone."""
    for person, entries in calendars.items():
        days = sorted({e.start.date() for e in entries if e.kind == "event"})
        longest = run = 1
        for a, b in pairwise(days):
            run = run + 1 if (b - a).days == 1 else 1
            longest = max(longest, run)
        assert longest <= MAX_DAYS_IN_ROW, person


def test_every_commitment_person_has_a_calendar(calendars) -> None:
    """The checks above saw every commitment's person."""
    assert {c["person"] for c in _commitments()} <= set(calendars)


def _places() -> dict[str, tuple[float, float]]:
    """Every venue id of the bundled scenario with its coordinates (from the CSVs)."""
    folder = scenario_folder()

    def rows(name: str) -> list[dict[str, str]]:
        text = (folder / name).read_text(encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    found = {r["id"]: (float(r["lat"]), float(r["lon"])) for r in rows("venues.csv")}
    for r in rows("regions.csv"):
        found[f"{r['id']}-hq"] = (float(r["lat"]), float(r["lon"]))
    for r in rows("areas.csv"):
        found[f"{r['id']}-point"] = (float(r["lat"]), float(r["lon"]))
    return found


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic km (geopy, as roadshow's min_stay_km is measured)."""
    return float(geodesic(a, b).km)


def _journey_minutes(km: float) -> float:
    """The scenario's [travel] section read with tomllib: auto mode by distance."""
    travel = _scenario()["travel"]
    modes = travel["modes"]  # type: ignore[index]
    mode = (
        "walk"
        if km <= travel["walk_up_to_km"]  # type: ignore[index]
        else "car"
        if km <= travel["car_up_to_km"]  # type: ignore[index]
        else "rail"
    )
    m = modes[mode]
    overhead = int(str(m["overhead"]).removesuffix("m"))
    return km * m["circuity"] / m["speed_kmh"] * 60 + overhead


def _clock(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def test_no_night_near_home_without_a_late_finish_or_early_start(calendars) -> None:
    """A night within 80 km of home: going home would end after late_after, or
    leaving home the next morning would be before working hours (5 minutes'
    grace for rounding in this independent travel estimate)."""
    places, people = _places(), {p["id"]: p for p in _scenario()["people"]}  # type: ignore[union-attr]
    diary: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    for c in _commitments():
        place = c.get("place") or "home"
        diary.setdefault(c["person"], []).append(
            (_at(c["start"]), _at(c["end"]), place)
        )
    grace = dt.timedelta(minutes=5)
    stays = 0
    for person, entries in calendars.items():
        info = people[person]
        home = places[info["home"]]
        items = [(e.start, e.end, e.venue) for e in entries if e.kind == "event"]
        items += [
            (s, t, info["home"] if p == "home" else p)
            for s, t, p in diary.get(person, [])
        ]
        for stay in (e for e in entries if e.kind == "stay"):
            stays += 1
            if _km(home, places[stay.venue]) >= 80:
                continue
            night = stay.start.date()
            today = sorted(i for i in items if i[0].date() == night)
            tomorrow = sorted(
                i for i in items if i[0].date() == night + dt.timedelta(1)
            )
            late = bool(today) and (
                today[-1][1]
                + dt.timedelta(
                    minutes=_journey_minutes(_km(places[today[-1][2]], home))
                )
                + grace
                > dt.datetime.combine(night, _clock(info["late_after"]), TZ)
            )
            work_start = _clock(info["working_hours"].split("-")[0])
            early = bool(tomorrow) and (
                tomorrow[0][0]
                - dt.timedelta(
                    minutes=_journey_minutes(_km(home, places[tomorrow[0][2]]))
                )
                - grace
                < dt.datetime.combine(tomorrow[0][0].date(), work_start, TZ)
            )
            assert late or early, (person, night, stay.venue)
    assert stays > 10  # every night away was looked at


def test_no_idle_day_away(calendars) -> None:
    """No day between two nights away without an event in the person's calendar."""
    for person, entries in calendars.items():
        nights = {e.start.date() for e in entries if e.kind == "stay"}
        busy = {e.start.date() for e in entries if e.kind == "event"}
        busy |= {
            _at(c["start"]).date() for c in _commitments() if c["person"] == person
        }
        idle = sorted(
            d for d in nights if d - dt.timedelta(days=1) in nights and d not in busy
        )
        assert idle == [], (person, idle)
