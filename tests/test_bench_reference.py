"""The CP-SAT reference under a fixed budget gives the same plan in every run.

One search worker, a fixed seed and a deterministic time budget (CP-SAT's own
measure of work, not the clock): runs on a loaded machine compare with runs on
an idle one. Needs the ``bench`` extra (OR-Tools).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytest.importorskip("ortools", reason="needs OR-Tools: pip install -e '.[bench]'")

import attrs
from bench import reference
from bench.instances import scenario

from roadshow.checks import check
from roadshow.exporters.plan_file import render_plan_file
from roadshow.importers.scenario import parse_scenario
from roadshow.model import Plan, Scenario
from roadshow.objective import Objective, evaluate


def test_fixed_budget_repeats() -> None:
    """Two runs with the same deterministic budget give byte-identical plans."""
    full = scenario("nhs-2008-tour")
    keep = {"Q30", "Q31", "Q32"}  # three listening events and their follow-ons
    tour = attrs.evolve(
        full, requests=[r for r in full.requests if r.request_id[-3:] in keep]
    )
    params = reference.ReferenceParams(deterministic_s=1.0)
    first = reference.solve(tour, params)
    second = reference.solve(tour, params)
    assert first.plan.events
    assert render_plan_file(first.plan) == render_plan_file(second.plan)
    assert first.bound == second.bound
    used = [p.deterministic for p in first.parts]
    # CP-SAT sums its work units in floating point: equal to the last bits or so.
    assert used == pytest.approx([p.deterministic for p in second.parts], rel=1e-9)
    # The budget is shared out by size, at least 0.2 a part, and kept to.
    assert 0 < sum(used) <= 1.0 + 0.2 * len(used) + 0.1


# --- the humane rules of #13, on the planner's own small cases ---------------------

_HEAD = """\
id = "{id}"
timezone = "Europe/London"
start = 2008-09-08
end = 2008-09-12

[rules]
{rules}

[travel]
mode = "{mode}"

[[people]]
id = "ann"
name = "Ann"
home = "home"
working_hours = "{hours}"
travel_hours = "07:00-22:00"
late_after = "{late}"
"""

_VENUE = """
[[venues]]
id = "{id}"
name = "{id}"
lat = {lat}
lon = {lon}
"""

_REQUEST = """
[[requests]]
id = "{id}"
title = "{id}"
attendees = ["ann"]
venue = "{venue}"
duration = "2h"
{when}
"""

_PLACES = {
    "home": (51.5025, -0.1252),
    "reading": (51.4543, -0.9781),
    "chelmsford": (51.7356, 0.4685),
    "newcastle": (54.9733, -1.6140),
    "leeds": (53.7965, -1.5478),
}


def _scenario(
    requests: list[tuple[str, str, str]],
    *,
    rules: str = "",
    mode: str = "car",
    hours: str = "09:00-18:00",
    late: str = "19:00",
) -> Scenario:
    """Ann at home in London with (id, venue, when) requests, as TOML parsed."""
    used = {"home"} | {venue for _, venue, _ in requests}
    text = _HEAD.format(id="ref", rules=rules, mode=mode, hours=hours, late=late)
    text += "".join(
        _VENUE.format(id=v, lat=_PLACES[v][0], lon=_PLACES[v][1]) for v in sorted(used)
    )
    text += "".join(
        _REQUEST.format(id=i, venue=v, when=when) for i, v, when in requests
    )
    return parse_scenario(text)


def _solve(s: Scenario) -> tuple[Plan, Objective, list[str]]:
    """The reference's plan, its score and the checker's findings (rule names)."""
    plan = reference.solve(s, reference.ReferenceParams(deterministic_s=2.0)).plan
    return plan, evaluate(s, plan), [v.rule for v in check(s, plan)]


_MEETINGS = [
    ("reading", "reading", "pinned = 2008-09-08T14:00:00"),
    ("chelmsford", "chelmsford", "pinned = 2008-09-09T14:00:00"),
]


def test_no_night_that_saves_under_min_night_saving() -> None:
    """A night near Chelmsford saves 15 minutes: by default Ann sleeps at home."""
    plan, score, found = _solve(_scenario(_MEETINGS))
    assert plan.stays == ()
    assert score.unplaced == 0
    assert found == []


def test_a_lower_min_night_saving_allows_that_night() -> None:
    """With 15 minutes enough the night saves travel, so the reference takes it."""
    plan, score, found = _solve(_scenario(_MEETINGS, rules='min_night_saving = "15m"'))
    assert [(s.night_of.isoformat(), s.venue_id) for s in plan.stays] == [
        ("2008-09-08", "chelmsford")
    ]
    assert score.unplaced == 0
    assert found == []


def _newcastle_then_leeds(leeds: str) -> Scenario:
    """Newcastle on Monday evening (no way home), Leeds on Wednesday morning."""
    return _scenario(
        [
            ("newcastle", "newcastle", "pinned = 2008-09-08T18:00:00"),
            ("leeds", "leeds", f"pinned = 2008-09-10T{leeds}:00"),
        ],
        mode="rail",
        hours="09:00-21:00",
        late="21:00",
    )


def test_home_rather_than_an_idle_day_away() -> None:
    """Leeds at 10:30 is in reach from home: Tuesday at home, at a cost in travel."""
    plan, score, found = _solve(_newcastle_then_leeds("10:30"))
    assert [s.night_of.isoformat() for s in plan.stays] == ["2008-09-08"]
    assert (score.unplaced, score.idle_days) == (0, 0)
    assert found == []


def test_an_unavoidable_idle_day_is_taken() -> None:
    """Leeds at 09:30 is out of reach from home: Tuesday away is the only way."""
    plan, score, found = _solve(_newcastle_then_leeds("09:30"))
    assert [(s.night_of.isoformat(), s.venue_id) for s in plan.stays] == [
        ("2008-09-08", "newcastle"),
        ("2008-09-09", "leeds"),
    ]
    assert (score.unplaced, score.idle_days) == (0, 1)
    assert found == ["idle-day"]


def test_meetings_keep_their_slack() -> None:
    """Three meetings in two days: the two on one day keep 30 minutes apart."""
    when = 'slots = ["tue-wed 09:00-15:30"]'
    s = _scenario([(f"m{i}", "home", when) for i in (1, 2, 3)])
    plan, score, found = _solve(s)
    assert len(plan.events) == 3
    assert (score.unplaced, score.tight_days) == (0, 0)
    assert found == []


def _pinned_to(plan: Plan, s: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the reference place every group where *plan* has it (day, venue, start)."""
    from bench.reference import _model

    where = {}
    for e in plan.events:
        local = e.start.in_tz(s.timezone)
        where[e.request_id] = (e.venue_id, local.date(), local.hour * 60 + local.minute)
    build = _model._Part._build

    def pinned(part: _model._Part) -> None:
        build(part)
        for g in part.groups:
            if g.diary:
                continue
            v, day, start = where[g.root.request_id]
            part.model.Add(part.x[(g.index, v, part.cal.index[day])] == 1)
            part.model.Add(part.start[g.index] == start)

    monkeypatch.setattr(_model._Part, "_build", pinned)


def _three_tour_visits() -> Scenario:
    """Three of the 2008 tour's listening events and their follow-ons."""
    full = scenario("nhs-2008-tour")
    keep = {"Q30", "Q31", "Q32"}
    return attrs.evolve(
        full, requests=[r for r in full.requests if r.request_id[-3:] in keep]
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: _newcastle_then_leeds("09:30"),
        lambda: _newcastle_then_leeds("10:30"),
        lambda: _scenario(_MEETINGS),
        _three_tour_visits,
    ],
    ids=["idle-day", "home-tuesday", "night-saving", "tour"],
)
def test_roadshow_plan_scores_the_same_in_the_reference(
    build: Callable[[], Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held to roadshow's days, venues and starts, the reference finds its score.

    So the reference's routing, nights, idle and tight days forbid none of
    roadshow's plan and count as roadshow.objective does.
    """
    from roadshow.planner import solve

    s = build()
    theirs = solve(s).plan
    _pinned_to(theirs, s, monkeypatch)
    plan, score, _ = _solve(s)
    assert theirs.events
    assert score == evaluate(s, theirs)
    assert len(plan.events) == len(theirs.events)


_BOARD_IN_LEEDS = """
[[commitments]]
person = "ann"
start = 2008-09-10T11:00:00
end = 2008-09-10T13:00:00
label = "Board"
place = "leeds"
"""


def test_a_part_without_solution_still_keeps_the_diary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When CP-SAT finds nothing in a part's budget, its events are left out with
    that reason, and Ann still gets to her Leeds commitment, in her travel
    hours, and home again."""
    from bench.reference import _model

    text = _HEAD.format(
        id="ref", rules="", mode="car", hours="09:00-18:00", late="19:00"
    )
    text += "".join(
        _VENUE.format(id=v, lat=_PLACES[v][0], lon=_PLACES[v][1])
        for v in ("chelmsford", "home", "leeds", "reading")
    )
    text += "".join(_REQUEST.format(id=i, venue=v, when=w) for i, v, w in _MEETINGS)
    s = parse_scenario(text + _BOARD_IN_LEEDS)
    monkeypatch.setattr(_model._Part, "solve", lambda _part, _budget: ("UNKNOWN", []))

    result = reference.solve(s, reference.ReferenceParams(deterministic_s=2.0))

    assert result.plan.events == ()
    assert {u.request_id for u in result.plan.unplaced} == {"reading", "chelmsford"}
    assert sorted(u.reason for u in result.plan.unplaced) == [
        "chelmsford: the reference found no solution (UNKNOWN)",
        "reading: the reference found no solution (UNKNOWN)",
    ]
    assert not result.optimal
    # 343 minutes from London by car: leaving at 05:17 would break her travel
    # hours (07:00-22:00), so she goes the evening before and sleeps in Leeds.
    out, back = result.plan.legs
    assert [(out.from_id, out.to_id), (back.from_id, back.to_id)] == [
        ("home", "leeds"),
        ("leeds", "home"),
    ]
    board = s.commitments[0]
    assert out.arrive == board.start.subtract(days=1).replace(hour=19, minute=0)
    assert [(n.night_of.isoformat(), n.venue_id) for n in result.plan.stays] == [
        ("2008-09-09", "leeds")
    ]
    assert back.depart == board.end
    assert {v.rule for v in check(s, result.plan) if v.is_hard} == {"unplaced"}
