"""Diary commitments have a place: people travel to them and are there (#13)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
from click.testing import CliRunner

from builders import MONDAY, person, scenario, visit
from roadshow.checks import check
from roadshow.cli import cli
from roadshow.importers.scenario import load_scenario
from roadshow.model import Commitment, OvernightStay, Plan, Scenario
from roadshow.planner import plan

TZ = "Europe/London"


def at(hour: int, minute: int = 0, *, day: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(
        MONDAY.year, MONDAY.month, MONDAY.day + day, hour, minute, tz=TZ
    )


def board(venue: str | None, *, start: int = 10, end: int = 12) -> Commitment:
    return Commitment(
        person_id="ann",
        start=at(start),
        end=at(end),
        label="Board meeting",
        venue_id=venue,
    )


def _afternoon_in_leeds(commitment: Commitment) -> Scenario:
    """Ann (London) has a board meeting; a visit in Leeds is pinned to 15:00."""
    return scenario(
        [visit("leeds-1", "leeds", pin_on=MONDAY, pin_at=pendulum.time(15, 0))],
        people=[person("ann")],
        commitments=[commitment],
    )


def test_planner_travels_to_the_commitment_and_on_to_the_event() -> None:
    """A board meeting in Birmingham: to it before 10:00, on to Leeds after 12:00."""
    s = _afternoon_in_leeds(board("birmingham"))
    result = plan(s)
    legs = [(leg.from_id, leg.to_id) for leg in result.legs if leg.depart < at(23)]
    assert legs[:2] == [("london", "birmingham"), ("birmingham", "leeds")]
    first, second = result.legs[0], result.legs[1]
    assert first.arrive <= at(10)
    assert second.depart >= at(12)
    assert [v.message for v in check(s, result) if v.is_hard] == []


def test_commitment_without_a_place_is_at_home() -> None:
    """No place: the person is at home during it, and leaves for Leeds after it."""
    s = _afternoon_in_leeds(board(None, start=9, end=10))
    result = plan(s)
    first = result.legs[0]
    assert (first.from_id, first.to_id) == ("london", "leeds")
    assert first.depart >= at(10)
    assert check(s, result) == ()


def test_no_travel_during_a_commitment_in_the_default_plan(
    nhs2008_scenario: Scenario,
) -> None:
    """The bundled commitments have their places, and the plan keeps to them."""
    places = {c.label.split(" (")[0]: c.venue_id for c in nhs2008_scenario.commitments}
    assert places["NHS Management Board"] == "richmond-house"
    assert places["House of Lords business"] == "palace-of-westminster"
    sha = [c for c in nhs2008_scenario.commitments if c.label.startswith("SHA board")]
    assert {c.venue_id for c in sha} == {
        f"{c.person_id.removeprefix('chair-')}-hq" for c in sha
    }


def test_checker_reports_someone_elsewhere_during_a_commitment() -> None:
    """A plan that keeps Ann in Leeds during an evening call at home is wrong."""
    s = _afternoon_in_leeds(board(None, start=20, end=21))
    good = plan(s)
    assert [v.message for v in check(s, good) if v.is_hard] == []
    stay_away = attrs.evolve(
        good,
        legs=[leg for leg in good.legs if leg.to_id != "london"],
        stays=[OvernightStay(person_id="ann", night_of=MONDAY, venue_id="leeds")],
    )
    found = [v for v in check(s, stay_away) if v.is_hard]
    assert [(v.rule, v.person_id) for v in found] == [("commitment-place", "ann")]
    assert found[0].message == "Ann: at Leeds but Board meeting is at home"
    assert found[0].when == at(20)


def test_checker_reports_a_commitment_at_another_venue() -> None:
    """Ann at home while her board meeting is in Birmingham: named with the venue."""
    s = scenario([], people=[person("ann")], commitments=[board("birmingham")])
    found = [v for v in check(s, Plan(scenario_id="test")) if v.is_hard]
    assert [v.rule for v in found] == ["commitment-place"]
    assert found[0].message == "Ann: at London but Board meeting is at Birmingham"


SCENARIO = """\
id = "t"
name = "T"
start = 2008-09-08
end = 2008-09-12

[tables]
commitments = "commitments.csv"

[[venues]]
id = "home-base"
name = "Home"
lat = 51.5
lon = -0.12

[[venues]]
id = "hq"
name = "HQ"
lat = 53.8
lon = -1.55

[[people]]
id = "ann"
name = "Ann"
home = "home-base"
"""


def _write(folder: Path, commitments: str) -> Path:
    (folder / "commitments.csv").write_text(commitments, encoding="utf-8")
    path = folder / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_scenario_table_reads_places(tmp_path: Path) -> None:
    """The commitments table's place column: a venue id, 'home', or nothing."""
    path = _write(
        tmp_path,
        "person,start,end,label,place\n"
        "ann,2008-09-08T10:00,2008-09-08T12:00,Board,hq\n"
        "ann,2008-09-09T10:00,2008-09-09T12:00,Calls,home\n"
        "ann,2008-09-10T10:00,2008-09-10T12:00,Reading,\n",
    )
    loaded = load_scenario(path)
    assert [c.venue_id for c in loaded.commitments] == ["hq", None, None]
    assert [loaded.commitment_place(c) for c in loaded.commitments] == [
        "hq",
        "home-base",
        "home-base",
    ]


def test_unknown_place_is_a_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    """A place that is no venue: exit 2, naming the file, the row and the venue."""
    path = _write(
        tmp_path,
        "person,start,end,label,place\n"
        "ann,2008-09-08T10:00,2008-09-08T12:00,Board,hqq\n",
    )
    result = runner.invoke(cli, ["show", str(path)])
    assert result.exit_code == 2
    assert "commitments.csv" in result.stderr
    assert 'column "place": unknown venue "hqq". Did you mean "hq"?' in result.stderr
    assert "Traceback" not in result.stderr
