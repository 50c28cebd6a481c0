"""Time to arrive: journeys end ``arrive_before`` ahead of events (#13)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
import pytest
from pendulum import Duration

from builders import MONDAY, person, scenario, visit
from roadshow.checks import check
from roadshow.exporters.itinerary import build_itinerary, render_itinerary_text
from roadshow.importers.scenario import load_scenario
from roadshow.model import KindRules, Plan, PlanningRules, Scenario
from roadshow.planner import plan
from roadshow.timeutil import minutes_of

TZ = "Europe/London"


def _leeds(*, kind_minutes: int, person_minutes: int) -> Scenario:
    """Ann (London) has a visit in Leeds pinned to Monday 14:00."""
    rules = PlanningRules(
        kinds=(KindRules(kind="visit", arrive_before=Duration(minutes=kind_minutes)),)
    )
    return attrs.evolve(
        scenario(
            [visit("leeds-1", "leeds", pin_on=MONDAY, pin_at=pendulum.time(14, 0))],
            people=[person("ann", arrive_before=Duration(minutes=person_minutes))],
        ),
        rules=rules,
    )


def _arrival_gap(p: Plan) -> int:
    leg = next(leg for leg in p.legs if leg.to_id == "leeds")
    return minutes_of(p.events[0].start - leg.arrive)


@pytest.mark.parametrize(
    ("kind_minutes", "person_minutes", "wanted"),
    [(0, 0, 0), (15, 0, 15), (15, 30, 30), (45, 30, 45)],
)
def test_journey_ends_the_larger_margin_before_the_event(
    kind_minutes: int, person_minutes: int, wanted: int
) -> None:
    """The kind's and the person's arrive_before: the longer one holds, exactly."""
    s = _leeds(kind_minutes=kind_minutes, person_minutes=person_minutes)
    p = plan(s)
    assert s.arrive_before("ann", "visit") == wanted
    assert _arrival_gap(p) == wanted
    assert [v.message for v in check(s, p) if v.is_hard] == []


def test_checker_reports_a_late_arrival() -> None:
    """A journey that ends at the start of the event is 30 minutes short."""
    s = _leeds(kind_minutes=15, person_minutes=30)
    p = plan(s)
    leg = next(leg for leg in p.legs if leg.to_id == "leeds")
    late = attrs.evolve(
        p,
        legs=[
            attrs.evolve(
                x, depart=x.depart.add(minutes=30), arrive=x.arrive.add(minutes=30)
            )
            if x == leg
            else x
            for x in p.legs
        ],
    )
    found = [v for v in check(s, late) if v.is_hard]
    assert [(v.rule, v.person_id, v.request_id) for v in found] == [
        ("arrive-by", "ann", "leeds-1")
    ]
    assert found[0].message == (
        "Ann: arrives at Leeds at 14:00, 0 minutes before Visit leeds-1 (30 wanted)"
    )


def test_default_plan_arrives_in_time(nhs2008_scenario: Scenario) -> None:
    """Bundled scenario: principals arrive 30 minutes early, chairs 15."""
    assert nhs2008_scenario.arrive_before("darzi", "tour") == 30
    assert nhs2008_scenario.arrive_before("chair-Q30", "consultation") == 15
    p = plan(nhs2008_scenario.restricted_to(["tour"]))
    gaps = [
        minutes_of(e.start - leg.arrive)
        for leg in p.legs
        for e in p.events
        if leg.person_id in e.attendees
        and leg.to_id == e.venue_id
        and leg.arrive <= e.start
        and e.start.date() == leg.arrive.date()
    ]
    assert gaps
    assert min(gaps) >= 30


def test_scenario_file_reads_arrive_before(tmp_path: Path) -> None:
    """[rules.kinds.X] arrive_before and [[people]] arrive_before are durations."""
    path = tmp_path / "s.toml"
    path.write_text(
        """\
id = "t"
name = "T"
start = 2008-09-08
end = 2008-09-12

[rules.kinds.visit]
arrive_before = "20m"

[[venues]]
id = "home-base"
name = "Home"
lat = 51.5
lon = -0.12

[[people]]
id = "ann"
name = "Ann"
home = "home-base"
arrive_before = "45m"

[[people]]
id = "bob"
name = "Bob"
home = "home-base"
""",
        encoding="utf-8",
    )
    loaded = load_scenario(path)
    assert loaded.arrive_before("ann", "visit") == 45
    assert loaded.arrive_before("bob", "visit") == 20
    assert loaded.arrive_before("bob", "other") == 0


def test_itinerary_says_arrive_by() -> None:
    """The journey's line in the itinerary names the time to be there."""
    s = _leeds(kind_minutes=15, person_minutes=30)
    text = render_itinerary_text([build_itinerary(s, plan(s), "ann")])
    lines = [line for line in text.splitlines() if "Travel rail" in line]
    assert lines[0].endswith("; arrive by 13:30 BST")
    assert "arrive by" not in lines[1]  # the way home leads to no event
