"""Nights at lodging: the optional ``lodging`` table and where nights are spent (#14).

The planner puts a night away at the nearest lodging (within ``lodging_km``) to
where the person must be; journeys run to and from it; without lodging near,
the itinerary still asks for a hotel to be booked. Tested on the example in
``examples/lodging`` (CSV table) and on small scenarios built in code.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import icalendar
import jsonschema
import pendulum
import pytest

from builders import MONDAY, person, scenario, visit
from roadshow.advance import advance_tasks
from roadshow.checks import check
from roadshow.errors import InvalidModelError
from roadshow.exporters.ics import render_ics
from roadshow.exporters.itinerary import build_itinerary, render_itinerary_text
from roadshow.exporters.programme import render_programme_json
from roadshow.importers.scenario import load_scenario, parse_scenario
from roadshow.model import Lodging, Plan, PlanningRules, Scenario
from roadshow.planner import plan
from roadshow.versions import PlanVersion
from safety_kit import run_roadshow

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "lodging" / "scenario.toml"
SCHEMA = ROOT / "docs" / "programme.schema.json"
NINE_THIRTY = pendulum.time(9, 30)


@pytest.fixture(scope="module")
def example() -> tuple[Scenario, Plan]:
    s = load_scenario(EXAMPLE)
    return s, plan(s)


def _hotel(lodging_id: str, lat: float, lon: float) -> Lodging:
    return Lodging(
        lodging_id=lodging_id,
        name=f"Hotel {lodging_id}",
        address=f"1 Station Road, {lodging_id.title()}",
        lat=lat,
        lon=lon,
    )


def _two_mornings(*lodging: Lodging, lodging_km: float = 25) -> Scenario:
    """Ann (London) in Newcastle on Tuesday and Leeds on Wednesday, at 09:30."""
    requests = [
        visit(
            "newcastle-1", "newcastle", pin_on=MONDAY.add(days=1), pin_at=NINE_THIRTY
        ),
        visit("leeds-1", "leeds", pin_on=MONDAY.add(days=2), pin_at=NINE_THIRTY),
    ]
    base = scenario(requests, people=[person("ann")])
    return attrs.evolve(
        base,
        lodging=lodging,
        rules=PlanningRules(min_stay_km=40, lodging_km=lodging_km),
    )


def test_example_reads_its_lodging_table(example: tuple[Scenario, Plan]) -> None:
    """The CSV table gives four lodging places with names and addresses."""
    s, _ = example
    assert [item.lodging_id for item in s.lodging] == [
        "quayside-hotel",
        "durham-station-hotel",
        "leeds-square-hotel",
        "york-hotel",
    ]
    assert s.lodging_by_id["quayside-hotel"].address.startswith("Quayside, Newcastle")


def test_example_nights_are_at_lodging_never_at_a_venue(
    example: tuple[Scenario, Plan],
) -> None:
    """Every night away is at a lodging; before Newcastle, at Newcastle's."""
    s, p = example
    assert p.stays
    assert {stay.venue_id for stay in p.stays} <= set(s.lodging_by_id)
    assert not {stay.venue_id for stay in p.stays} & set(s.venue_by_id)
    first = p.stays[0]
    assert (first.night_of, first.venue_id) == (
        pendulum.date(2008, 11, 3),
        "quayside-hotel",
    )
    assert [v.message for v in check(s, p) if v.is_hard] == []


def test_example_journeys_run_to_and_from_the_lodging(
    example: tuple[Scenario, Plan],
) -> None:
    """Each night's lodging is where that evening's last journey ends and the
    next day's first starts, with the lodging's own travel time."""
    s, p = example
    tz = s.timezone
    for stay in p.stays:
        evening = [
            leg for leg in p.legs if leg.arrive.in_tz(tz).date() <= stay.night_of
        ]
        morning = [leg for leg in p.legs if leg.depart.in_tz(tz).date() > stay.night_of]
        assert evening[-1].to_id == stay.venue_id
        assert morning[0].from_id == stay.venue_id
    walk = next(leg for leg in p.legs if leg.from_id == "quayside-hotel")
    assert (walk.to_id, walk.mode, walk.minutes) == ("newcastle", "walk", 19)


def test_example_itinerary_names_the_lodging(example: tuple[Scenario, Plan]) -> None:
    """The night line gives the hotel's name and address, never 'to be booked'."""
    s, p = example
    text = render_itinerary_text([build_itinerary(s, p, "minister")])
    assert "Night      Quayside Hotel (example), Quayside, Newcastle upon Tyne" in text
    assert "Starts at  Quayside Hotel (example)" in text
    assert "to be booked" not in text


def test_example_ics_night_location_is_the_lodging(
    example: tuple[Scenario, Plan],
) -> None:
    """The calendar's overnight item has the lodging's name and address as LOCATION."""
    s, p = example
    data = render_ics(s, p, PlanVersion.unrecorded(pendulum.datetime(2008, 10, 1)))
    stays = [
        e
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
        if "stay" in str(e.get("CATEGORIES").to_ical())
    ]
    assert len(stays) == len(p.stays)
    assert str(stays[0]["LOCATION"]) == (
        "Quayside Hotel (example), Quayside, Newcastle upon Tyne NE1 3DX"
    )
    assert "Quayside Hotel (example)" in str(stays[0]["SUMMARY"])


def test_example_export_has_a_row_per_night_at_its_lodging(
    example: tuple[Scenario, Plan],
) -> None:
    """The programme JSON meets its schema; each night is a row at its lodging,
    from the evening's arrival there to the next morning's departure."""
    s, p = example
    data = json.loads(render_programme_json(s, p))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    nights = [row for row in data["items"] if row["kind"] == "night"]
    assert len(nights) == len(p.stays)
    first = nights[0]
    assert {k: first[k] for k in ("item", "title", "venue", "address")} == {
        "item": "night:minister:2008-11-03",
        "title": "Night at Quayside Hotel (example)",
        "venue": "quayside-hotel",
        "address": "Quayside, Newcastle upon Tyne NE1 3DX",
    }
    arrive = next(leg for leg in p.legs if leg.to_id == "quayside-hotel")
    leave = next(leg for leg in p.legs if leg.from_id == "quayside-hotel")
    assert (first["start_utc"], first["end_utc"]) == (
        arrive.arrive.in_tz("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]"),
        leave.depart.in_tz("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]"),
    )


def test_example_advance_names_the_lodging_to_book(
    example: tuple[Scenario, Plan],
) -> None:
    """Each night's "Book lodging" task names the hotel; its UID does not."""
    s, p = example
    books = [t for t in advance_tasks(s, p) if t.task.startswith("Book lodging")]
    assert len(books) == len(p.stays)
    assert {t.task for t in books} == {
        "Book lodging at Quayside Hotel (example)",
        "Book lodging at Station Hotel (example)",
    }
    bare = advance_tasks(s, attrs.evolve(p, stays=()))
    assert not [t for t in bare if t.task.startswith("Book lodging")]


def test_without_lodging_the_calendar_asks_for_a_hotel_not_an_office() -> None:
    """No lodging: the night's calendar item says where a hotel is to be booked."""
    s = _two_mornings()
    p = plan(s)
    data = render_ics(s, p, PlanVersion.unrecorded(pendulum.datetime(2008, 9, 1)))
    stays = [
        e
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
        if "stay" in str(e.get("CATEGORIES").to_ical())
    ]
    assert [str(e["LOCATION"]) for e in stays] == [
        "Hotel to be booked near Newcastle upon Tyne",
        "Hotel to be booked near Leeds",
    ]
    assert str(stays[0]["SUMMARY"]) == (
        "Overnight stay (Ann): Hotel to be booked near Newcastle upon Tyne"
    )


def test_without_lodging_export_and_advance_say_to_book() -> None:
    """No lodging: the night row asks for a hotel near the town; the task is bare."""
    s = _two_mornings()
    p = plan(s)
    rows = json.loads(render_programme_json(s, p))["items"]
    assert {r["title"] for r in rows if r["kind"] == "night"} == {
        "Hotel to be booked near Newcastle upon Tyne",
        "Hotel to be booked near Leeds",
    }
    tasks = {t.task for t in advance_tasks(s, p)}
    assert "Book lodging" in tasks
    assert not [t for t in tasks if t.startswith("Book lodging at ")]


def test_nearest_lodging_to_the_next_morning_wins() -> None:
    """Of two hotels near Newcastle, the nearer; Leeds's hotel is not taken for it."""
    s = _two_mornings(
        _hotel("far-newcastle", 54.90, -1.52),  # about 10 km out
        _hotel("near-newcastle", 54.9700, -1.6100),
        _hotel("leeds-hotel", 53.7960, -1.5460),
    )
    p = plan(s)
    nights = {stay.night_of: stay.venue_id for stay in p.stays}
    assert nights[MONDAY] == "near-newcastle"
    assert set(nights.values()) <= {"near-newcastle", "leeds-hotel"}
    assert [v.message for v in check(s, p) if v.is_hard] == []


def test_without_lodging_the_itinerary_asks_for_a_hotel() -> None:
    """No lodging table: the night stays near the venue, 'Hotel to be booked near'."""
    s = _two_mornings()
    p = plan(s)
    assert p.stays
    assert {stay.venue_id for stay in p.stays} <= {"newcastle", "leeds"}
    text = render_itinerary_text([build_itinerary(s, p, "ann")])
    assert "Hotel to be booked near Newcastle upon Tyne" in text


def test_lodging_further_than_lodging_km_is_not_used() -> None:
    """A hotel in Durham (23 km from Newcastle) is too far at 10 km, taken at 40 km."""
    hotel = _hotel("durham", 54.7765, -1.5757)
    near = plan(_two_mornings(hotel, lodging_km=10))
    assert "durham" not in {stay.venue_id for stay in near.stays}
    far = plan(_two_mornings(hotel, lodging_km=40))
    assert {stay.night_of: stay.venue_id for stay in far.stays}[MONDAY] == "durham"


def test_toml_lodging_table() -> None:
    """``[[lodging]]`` in the scenario file reads like the CSV table."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '[tables]\nlodging = "lodging.csv"\n', ""
    )
    text += (
        '\n[[lodging]]\nid = "quayside"\nname = "Quayside Hotel"\n'
        'address = "Quayside, Newcastle upon Tyne"\nlat = 54.9695\nlon = -1.6040\n'
    )
    s = parse_scenario(text)
    assert s.lodging == (
        Lodging(
            lodging_id="quayside",
            name="Quayside Hotel",
            address="Quayside, Newcastle upon Tyne",
            lat=54.9695,
            lon=-1.6040,
        ),
    )
    assert plan(s).stays[0].venue_id == "quayside"


def test_a_lodging_id_may_not_be_a_venue_id() -> None:
    """A night's place is named by id in plan files: no lodging shares a venue's."""
    with pytest.raises(InvalidModelError, match="also a venue's"):
        _two_mornings(_hotel("leeds", 53.7960, -1.5460))


def test_cli_itinerary_of_the_example() -> None:
    """The real CLI plans the example and prints the lodging in the itinerary."""
    done = run_roadshow("itinerary", str(EXAMPLE), "--person", "minister")
    assert done.returncode == 0, done.stderr
    assert "Night      Station Hotel (example), North Road, Durham DH1 4SE" in (
        done.stdout
    )


def test_cli_plan_out_then_check_its_calendar(tmp_path: Path) -> None:
    """Real processes: plan --out the example, then check the plan and the
    internal calendar it wrote; journeys to the lodging read back and hold."""
    out = tmp_path / "out"
    done = run_roadshow("-q", "plan", str(EXAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    for written in (out, out / "latest/calendars/internal/programme.ics"):
        checked = run_roadshow("check", str(written), "--scenario", str(EXAMPLE))
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("No problems found.")
    programme = (out / "latest/programme.csv").read_text(encoding="utf-8-sig")
    assert "Night at Quayside Hotel (example)" in programme
