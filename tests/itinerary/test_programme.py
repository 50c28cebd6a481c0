"""The programme table: CSV that round-trips, JSON that meets its schema."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pendulum
import pytest

from roadshow.exporters.programme import (
    COLUMNS,
    neutralize_cell,
    programme_rows,
    render_programme_csv,
    render_programme_json,
)
from roadshow.model import Plan, Scenario, TravelLeg

SCHEMA = Path(__file__).parent.parent.parent / "docs" / "programme.schema.json"


def read_csv(text: str) -> list[dict[str, str]]:
    """Read CSV text as a spreadsheet export would be read back."""
    data = text.encode("utf-8")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def expected_rows(plan: Plan) -> int:
    return sum(len(e.attendees) for e in plan.events) + len(plan.legs) + len(plan.stays)


def test_csv_round_trips_with_the_right_row_count(
    scenario: Scenario, plan: Plan
) -> None:
    """A row per attendee per event, per journey, per night; every column."""
    rows = read_csv(render_programme_csv(scenario, plan))
    assert len(rows) == expected_rows(plan) == 9
    assert list(rows[0]) == list(COLUMNS)
    assert len({r["id"] for r in rows}) == len(rows)


def test_csv_is_spreadsheet_friendly(scenario: Scenario, plan: Plan) -> None:
    """UTF-8 with a byte order mark, CRLF line ends, a header row."""
    text = render_programme_csv(scenario, plan)
    assert text.startswith("\ufeffid,item,kind,")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_csv_times_and_places(scenario: Scenario, plan: Plan) -> None:
    """UTC and local times differ by the offset in force; places carry lat/lon."""
    rows = {r["id"]: r for r in read_csv(render_programme_csv(scenario, plan))}
    visit = rows["visit-Y/minister"]
    assert (visit["start_utc"], visit["start_local"], visit["zone"]) == (
        "2008-10-24T09:30:00Z",
        "2008-10-24T10:30:00+01:00",
        "BST",
    )
    board = rows["board/minister"]
    assert (board["start_utc"], board["start_local"], board["zone"]) == (
        "2008-10-27T10:00:00Z",
        "2008-10-27T10:00:00+00:00",
        "GMT",
    )
    assert (visit["region"], visit["region_name"]) == ("Y", "Yorkshire")
    assert (float(visit["lat"]), float(visit["lon"])) == (53.7965, -1.5478)
    journey = rows["travel:minister:20081024T0635Z/minister"]
    assert (journey["kind"], journey["from_venue"], journey["venue"]) == (
        "travel",
        "whitehall",
        "leeds-hq",
    )
    assert (journey["mode"], journey["distance_km"], journey["minutes"]) == (
        "rail",
        "272.4",
        "165",
    )


def test_rows_sorted_by_utc_start(scenario: Scenario, plan: Plan) -> None:
    """Rows come in time order, ties broken by item then person."""
    rows = programme_rows(scenario, plan)
    keys = [(r["start_utc"], r["item"], r["person"]) for r in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://e.test","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_csv_neutralises_formulas(
    make_scenario: Callable[..., Scenario],
    make_plan: Callable[..., Plan],
    hostile: str,
) -> None:
    """A title or venue that starts like a formula is written as quoted text."""
    scenario = make_scenario(**{"leeds-hq": hostile})
    plan = make_plan(**{"visit-Y": hostile})
    rows = {r["id"]: r for r in read_csv(render_programme_csv(scenario, plan))}
    visit = rows["visit-Y/minister"]
    assert visit["title"] == "'" + hostile
    assert visit["venue_name"] == "'" + hostile
    assert visit["lon"] == "-1.5478"  # numbers stay numbers


def test_neutralize_leaves_ordinary_text() -> None:
    """Ordinary text, including inner signs, is left alone."""
    assert neutralize_cell("Leeds - City Hall") == "Leeds - City Hall"
    assert neutralize_cell("") == ""


def test_json_meets_its_documented_schema(scenario: Scenario, plan: Plan) -> None:
    """The JSON validates against docs/programme.schema.json and holds every row."""
    data = json.loads(render_programme_json(scenario, plan))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["schema"] == "roadshow-programme/1"
    assert len(data["items"]) == expected_rows(plan)
    assert data["items"] == programme_rows(scenario, plan)


def test_json_keeps_hostile_text_verbatim(
    make_scenario: Callable[..., Scenario], plan: Plan
) -> None:
    """JSON is for tools: text is exact, with no spreadsheet apostrophe."""
    scenario = make_scenario(**{"leeds-hq": "=1+1"})
    items = json.loads(render_programme_json(scenario, plan))["items"]
    assert {i["venue_name"] for i in items if i["venue"] == "leeds-hq"} == {"=1+1"}


def test_same_plan_same_bytes(scenario: Scenario, plan: Plan) -> None:
    """Rendering twice gives identical CSV and JSON."""
    assert render_programme_csv(scenario, plan) == render_programme_csv(scenario, plan)
    assert render_programme_json(scenario, plan) == render_programme_json(
        scenario, plan
    )


def test_a_journey_across_the_clock_change(scenario: Scenario) -> None:
    """A night drive from 00:30 BST to 01:30 GMT is two hours, zone BST/GMT."""
    leg = TravelLeg(
        person_id="minister",
        from_id="york-hotel",
        to_id="whitehall",
        mode="car",
        depart=pendulum.datetime(2008, 10, 25, 23, 30, tz="UTC"),
        arrive=pendulum.datetime(2008, 10, 26, 1, 30, tz="UTC"),
        distance_km=300.0,
    )
    (row,) = programme_rows(scenario, Plan(scenario_id="small", legs=[leg]))
    assert (row["start_local"], row["end_local"]) == (
        "2008-10-26T00:30:00+01:00",
        "2008-10-26T01:30:00+00:00",
    )
    assert (row["zone"], row["minutes"]) == ("BST/GMT", 120)
