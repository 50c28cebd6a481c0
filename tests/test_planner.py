"""The planner: hard rules, the default programme, optimality, determinism."""

from __future__ import annotations

from itertools import permutations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pendulum import Date

from builders import kind_rules, person, scenario, slots, visit
from roadshow.checks import check
from roadshow.errors import PlanningError
from roadshow.exporters.plan_file import render_plan_file
from roadshow.model import Blackout, Commitment, KindRules, PlanningRules, Scenario
from roadshow.objective import W_TRAVEL, evaluate
from roadshow.planner import PlanParams, plan, solve
from roadshow.planner._context import Context
from roadshow.planner._schedule import Placement, Schedule


def hard(scenario_: Scenario, plan_: object) -> list[str]:
    """Hard violations other than 'unplaced' (which the plan reports itself)."""
    return [
        v.message for v in check(scenario_, plan_) if v.is_hard and v.rule != "unplaced"
    ]  # type: ignore[arg-type]


# --- the default programme ------------------------------------------------------------


@pytest.fixture(scope="module")
def default_result(nhs2008_scenario: Scenario):
    return solve(nhs2008_scenario)


def test_default_tour_visits_every_region_in_the_window(
    nhs2008_scenario: Scenario, default_result
) -> None:
    """All ten regional visits, both principals, between 8 Sep and 8 Oct 2008."""
    tour = [
        e for e in default_result.plan.events if e.request_id.startswith("listening-")
    ]
    assert sorted(e.region_id for e in tour) == sorted(
        r.region_id for r in nhs2008_scenario.regions
    )
    for event in tour:
        assert set(event.attendees) == {"darzi", "nicholson"}
        assert Date(2008, 9, 8) <= event.start.date() <= Date(2008, 10, 8)
        assert event.start.weekday() < 5


def test_default_plan_has_no_violations(
    nhs2008_scenario: Scenario, default_result
) -> None:
    """The default plan passes the independent checker with nothing to report."""
    assert default_result.plan.unplaced == ()
    assert check(nhs2008_scenario, default_result.plan) == ()


def test_one_consultation_per_pct_led_by_its_chair(
    nhs2008_scenario: Scenario, default_result
) -> None:
    """Each of the 152 PCT areas has exactly one event, led by its own SHA's chair."""
    events = [e for e in default_result.plan.events if e.kind == "consultation"]
    assert sorted(e.area_id for e in events) == sorted(
        a.area_id for a in nhs2008_scenario.areas
    )
    for event in events:
        chair = nhs2008_scenario.person_by_id[event.lead or ""]
        assert chair.role == "chair"
        assert (
            chair.region_id
            == nhs2008_scenario.area_by_id[event.area_id or ""].region_id
        )
        assert event.start.date() <= Date(2008, 10, 17)


def test_national_events_and_the_end_of_summer_time(default_result) -> None:
    """The HSJ conference stays on 22 Oct (BST); the leadership event is in GMT."""
    by_id = {e.request_id: e for e in default_result.plan.events}
    hsj = by_id["hsj-change-management"]
    assert hsj.start.isoformat() == "2008-10-22T10:00:00+01:00"
    leadership = by_id["leadership-event"]
    assert leadership.start.month == 11
    assert leadership.start.utcoffset() == pendulum.duration(0)
    assert leadership.start.tzname() == "GMT"
    assert leadership.venue_id in {
        "qeii-centre",
        "icc-birmingham",
        "manchester-central",
    }


def test_default_tour_is_proven_optimal(default_result) -> None:
    """The exact search finishes on the default tour: its travel is proven optimal."""
    (tour,) = default_result.tours
    assert tour.optimal
    assert len(tour.request_ids) == 10


def test_planner_cost_is_the_objective(nhs2008_scenario: Scenario) -> None:
    """The planner's internal cost equals the shared objective of its plan."""
    ctx = Context(nhs2008_scenario)
    schedule = Schedule(ctx)
    from roadshow.planner._materialize import materialize
    from roadshow.planner._search import construct

    construct(ctx, schedule, list(ctx.groups))
    assert (
        schedule.cost
        == evaluate(nhs2008_scenario, materialize(ctx, schedule, [])).scalar
    )


def test_same_scenario_same_bytes(nhs2008_scenario: Scenario) -> None:
    """Planning twice gives byte-identical plan files."""
    assert render_plan_file(plan(nhs2008_scenario)) == render_plan_file(
        plan(nhs2008_scenario)
    )


# --- hard rules on small scenarios ----------------------------------------------------


def test_travel_that_cannot_fit_leaves_a_request_unplaced() -> None:
    """Two events pinned too close for the journey between them: one is unplaced."""
    s = scenario(
        [
            visit("york", "york", pin_on=Date(2008, 9, 9), pin_at=pendulum.Time(10, 0)),
            visit(
                "bristol",
                "bristol",
                pin_on=Date(2008, 9, 9),
                slots=slots("tue 12:30-15:00"),
            ),
        ],
        end=Date(2008, 9, 10),
    )
    result = plan(s)
    assert [e.request_id for e in result.events] == ["york"]
    (unplaced,) = result.unplaced
    assert unplaced.request_id == "bristol"
    assert unplaced.rules == ("pinned", "travel")
    assert "9 Sep would need" in unplaced.reason
    assert "travel hours allow" in unplaced.reason
    assert hard(s, result) == []


def test_a_blackout_explains_itself_with_dates() -> None:
    """A request with only blacked-out days is unplaced, saying who, when, why."""
    s = scenario(
        [
            visit(
                "leeds",
                "leeds",
                earliest_on=Date(2008, 9, 15),
                latest_on=Date(2008, 9, 19),
            )
        ],
        blackouts=[
            Blackout(
                person_id="ann",
                start_on=Date(2008, 9, 15),
                end_on=Date(2008, 9, 19),
                reason="leave",
            )
        ],
    )
    (unplaced,) = plan(s).unplaced
    assert (
        unplaced.reason
        == "Visit leeds: no day left - 15-19 Sep Ann unavailable (leave)"
    )
    assert unplaced.rules == ("blackout",)


def test_weekends_and_bank_holidays_are_skipped() -> None:
    """Without weekend slots events fall on weekdays; bank holidays are never used."""
    s = scenario(
        [
            visit(
                "oxford",
                "oxford",
                earliest_on=Date(2008, 8, 23),
                latest_on=Date(2008, 8, 26),
            )
        ],
        start=Date(2008, 8, 23),
        end=Date(2008, 8, 29),
    )
    (event,) = plan(s).events
    assert event.start.date() == Date(
        2008, 8, 26
    )  # Sat, Sun and the bank holiday Monday skipped


def test_weekend_slots_allow_saturdays() -> None:
    """A request with a Saturday slot may be placed on a Saturday."""
    s = scenario(
        [visit("oxford", "oxford", slots=slots("sat 10:00-12:00"))],
        start=Date(2008, 9, 8),
        end=Date(2008, 9, 14),
    )
    (event,) = plan(s).events
    assert event.start.format("ddd HH:mm") == "Sat 10:00"


def test_commitments_are_avoided() -> None:
    """No event or journey overlaps a diary commitment."""
    busy = Commitment(
        person_id="ann",
        start=pendulum.datetime(2008, 9, 8, 7, 0, tz="Europe/London"),
        end=pendulum.datetime(2008, 9, 9, 22, 0, tz="Europe/London"),
        label="board",
    )
    s = scenario([visit("leeds", "leeds")], commitments=[busy], end=Date(2008, 9, 12))
    (event,) = plan(s).events
    assert event.start.date() == Date(2008, 9, 10)


def test_pins_stay_where_they_are() -> None:
    """A request pinned to a day and time is placed exactly there."""
    s = scenario(
        [
            visit(
                "leeds", "leeds", pin_on=Date(2008, 9, 11), pin_at=pendulum.Time(14, 15)
            )
        ]
    )
    (event,) = plan(s).events
    assert event.start.isoformat() == "2008-09-11T14:15:00+01:00"


def test_joint_events_bring_everyone() -> None:
    """A joint event needs all its people free; it lands on a day both are available."""
    s = scenario(
        [visit("leeds", "leeds", people=("ann", "bob"))],
        people=[person("ann"), person("bob")],
        blackouts=[
            Blackout(
                person_id="bob", start_on=Date(2008, 9, 8), end_on=Date(2008, 9, 10)
            )
        ],
    )
    (event,) = plan(s).events
    assert event.start.date() == Date(2008, 9, 11)
    assert set(event.attendees) == {"ann", "bob"}


def test_trips_beat_day_trips() -> None:
    """Northern visits share a trip with a night away instead of three day trips."""
    s = scenario(
        [visit(v, v) for v in ("newcastle", "leeds", "york")], end=Date(2008, 9, 12)
    )
    result = plan(s)
    ctx = Context(s)
    day_trips = sum(
        ctx.minutes("ann", "london", v) + ctx.minutes("ann", v, "london")
        for v in ("newcastle", "leeds", "york")
    )
    assert evaluate(s, result).travel_minutes < day_trips * 0.6
    assert result.stays
    assert hard(s, result) == []


def test_min_stay_km_sends_people_home() -> None:
    """Venues near home never get an overnight stay."""
    rules = PlanningRules(min_stay_km=150)
    s = scenario(
        [visit(v, v) for v in ("oxford", "cambridge")],
        end=Date(2008, 9, 12),
        rules=rules,
    )
    result = plan(s)
    assert result.stays == ()
    assert hard(s, result) == []


def test_one_event_a_day_per_chair() -> None:
    """max_per_person_per_day spreads a chair's events over different days."""
    requests = [
        visit(f"e{i}", "london", kind="consultation", hours=1) for i in range(3)
    ]
    s = scenario(
        requests,
        end=Date(2008, 9, 12),
        rules=kind_rules("consultation", max_per_person_per_day=1),
    )
    days = {e.start.date() for e in plan(s).events}
    assert len(days) == 3


def test_region_week_limit_and_overflow_reasons() -> None:
    """More events than the weekly limit: the rest are unplaced, naming the rule."""
    requests = [
        visit(f"e{i}", "london", kind="consultation", hours=1) for i in range(4)
    ]
    rules = kind_rules(
        "consultation", max_per_person_per_day=1, max_per_region_per_week=2
    )
    s = scenario(requests, end=Date(2008, 9, 12), rules=rules)
    result = plan(s)
    assert len(result.events) == 2
    assert len(result.unplaced) == 2
    for unplaced in result.unplaced:
        assert unplaced.rules == ("per-person-day", "per-region-week")
        assert unplaced.reason.endswith(
            "no day left - 8-9 Sep Ann already has the most consultation events"
            " allowed that day; 10-12 Sep the region already has the most"
            " consultation events allowed that week"
        )
    assert hard(s, result) == []


def test_no_consultation_on_the_regions_tour_day() -> None:
    """avoid_region_days_of keeps consultation events off the region's tour day."""
    rules = PlanningRules(
        kinds=(
            KindRules(kind="tour", max_per_person_per_day=1),
            KindRules(kind="consultation", avoid_region_days_of="tour"),
        )
    )
    tour = visit("t", "leeds", kind="tour", pin_on=Date(2008, 9, 8))
    consultation = visit(
        "c", "york", kind="consultation", people=("bob",), latest_on=Date(2008, 9, 9)
    )
    s = scenario(
        [tour, consultation],
        people=[person("ann"), person("bob", home="york")],
        end=Date(2008, 9, 12),
        rules=rules,
    )
    by_id = {e.request_id: e for e in plan(s).events}
    assert by_id["t"].start.date() == Date(2008, 9, 8)
    assert by_id["c"].start.date() == Date(2008, 9, 9)


def test_neighbouring_areas_avoid_the_same_evening() -> None:
    """Events of a kind with neighbour_km set go to different days where they can."""
    rules = kind_rules("consultation", neighbour_km=80)
    requests = [
        visit("a", "leeds", kind="consultation", people=("ann",)),
        visit("b", "york", kind="consultation", people=("bob",)),
    ]
    s = scenario(
        requests,
        people=[person("ann", home="leeds"), person("bob", home="york")],
        end=Date(2008, 9, 9),
        rules=rules,
    )
    result = plan(s)
    assert len({e.start.date() for e in result.events}) == 2
    assert evaluate(s, result).neighbour_clashes == 0


# --- optimality against brute force ---------------------------------------------------


def brute_force_travel(s: Scenario) -> int:
    """Try every assignment of the groups to days (one start each): the least travel."""
    ctx = Context(s)
    groups = list(ctx.groups)
    days = sorted({d for g in groups for d in ctx.candidate_days[g.index]})
    best = None
    for assignment in permutations(days, len(groups)):
        schedule = Schedule(ctx)
        for group, day in zip(groups, assignment, strict=True):
            if day not in ctx.candidate_days[group.index]:
                break
            starts = ctx.starts(group, day)
            placement = Placement(day=day, start=starts[0], venue=group.venues[0])
            if (
                not schedule.fits(group, placement)
                or schedule.trial(group, placement) is None
            ):
                break
            schedule.place(group, placement)
        else:
            travel = schedule.cost // W_TRAVEL
            best = travel if best is None else min(best, travel)
    assert best is not None
    return best


REDUCED = [
    (
        "north",
        ("newcastle", "leeds", "york", "manchester"),
        Date(2008, 9, 8),
        Date(2008, 9, 16),
    ),
    (
        "mixed",
        ("bristol", "birmingham", "cambridge", "sheffield"),
        Date(2008, 9, 11),
        Date(2008, 9, 17),
    ),
    (
        "five",
        ("newcastle", "leeds", "bristol", "oxford", "york"),
        Date(2008, 9, 8),
        Date(2008, 9, 15),
    ),
]


@pytest.mark.parametrize(
    ("towns", "start", "end"), [r[1:] for r in REDUCED], ids=[r[0] for r in REDUCED]
)
def test_tour_travel_is_optimal_on_reduced_instances(
    towns: tuple[str, ...], start: Date, end: Date
) -> None:
    """On small tours (one start a day) the travel equals exhaustive search's."""
    requests = [
        visit(
            t,
            t,
            kind="tour",
            people=("ann", "bob"),
            hours=2.5,
            slots=slots("mon-fri 10:30-13:00"),
        )
        for t in towns
    ]
    rules = PlanningRules(
        kinds=kind_rules("tour", max_per_person_per_day=1).kinds, min_stay_km=40
    )
    s = scenario(
        requests,
        people=[person("ann"), person("bob")],
        start=start,
        end=end,
        rules=rules,
    )
    result = solve(s)
    assert result.plan.unplaced == ()
    assert hard(s, result.plan) == []
    assert result.objective.travel_minutes == brute_force_travel(s)


# --- properties on random small scenarios ---------------------------------------------

TOWNS = (
    "london",
    "leeds",
    "newcastle",
    "manchester",
    "birmingham",
    "bristol",
    "cambridge",
    "oxford",
)


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    """Small random scenarios: 1-3 people, up to 6 requests, diaries, pins, weekends."""
    people_ids = draw(
        st.lists(
            st.sampled_from(["ann", "bob", "cat"]), min_size=1, max_size=3, unique=True
        )
    )
    homes = {p: draw(st.sampled_from(TOWNS)) for p in people_ids}
    start = Date(2008, 10, 20)  # the programme crosses the end of summer time (26 Oct)
    requests = []
    for i in range(draw(st.integers(1, 6))):
        who = draw(
            st.lists(
                st.sampled_from(people_ids),
                min_size=1,
                max_size=len(people_ids),
                unique=True,
            )
        )
        extra = {}
        if draw(st.booleans()):
            extra["slots"] = slots(
                draw(
                    st.sampled_from(
                        [
                            "mon-fri 09:00-17:00",
                            "mon-sat 10:00-16:00",
                            "sat 10:00-12:30",
                        ]
                    )
                )
            )
        if draw(st.integers(0, 5)) == 0:
            extra["pin_on"] = start.add(days=draw(st.integers(0, 9)))
        if draw(st.booleans()):
            extra["preferred_start"] = pendulum.Time(draw(st.integers(9, 14)), 0)
        requests.append(
            visit(
                f"r{i}",
                draw(st.sampled_from(TOWNS)),
                people=who,
                hours=draw(st.sampled_from([1, 1.5, 2, 3])),
                **extra,
            )
        )
    commitments = []
    for p in people_ids:
        if draw(st.booleans()):
            day = start.add(days=draw(st.integers(0, 9)))
            begin = pendulum.datetime(
                day.year,
                day.month,
                day.day,
                draw(st.integers(8, 16)),
                tz="Europe/London",
            )
            commitments.append(
                Commitment(
                    person_id=p, start=begin, end=begin.add(hours=2), label="meeting"
                )
            )
    rules = PlanningRules(
        max_nights_away_in_row=draw(st.integers(0, 3)),
        min_stay_km=draw(st.sampled_from([0, 60])),
    )
    return scenario(
        requests,
        people=[person(p, home=homes[p]) for p in people_ids],
        start=start,
        end=start.add(days=draw(st.integers(4, 13))),
        commitments=commitments,
        rules=rules,
    )


@given(small_scenarios())
def test_every_plan_passes_the_checker(s: Scenario) -> None:
    """Any scenario's plan breaks no hard rule and accounts for every request."""
    result = plan(s, PlanParams(max_passes=2))
    assert hard(s, result) == []
    placed = [e.request_id for e in result.events]
    unplaced = [u.request_id for u in result.unplaced]
    assert sorted(placed + unplaced) == sorted(r.request_id for r in s.requests)
    assert len(set(placed)) == len(placed)
    assert all(u.reason for u in result.unplaced)


@given(small_scenarios())
def test_planning_is_deterministic(s: Scenario) -> None:
    """The same scenario always gives the same plan, byte for byte."""
    assert render_plan_file(plan(s)) == render_plan_file(plan(s))


def test_repair_prefers_the_larger_group() -> None:
    """With room for two of three, a request and its follow-on beat a single one."""
    rules = kind_rules("visit", max_per_person_per_day=1)
    window = {"earliest_on": Date(2008, 9, 8), "latest_on": Date(2008, 9, 9)}
    requests = [
        visit("bristol", "bristol", **window),
        visit("cambridge", "cambridge", **window),
        # Oxford comes last in the sweep from London, so the greedy pass fills
        # both days first and repair has to make room for it and its session.
        visit("oxford", "oxford", hours=1, **window),
        visit("oxford-talk", "oxford", hours=1, follows="oxford", **window),
    ]
    s = scenario(requests, end=Date(2008, 9, 12), rules=rules)
    result = plan(s)
    placed = {e.request_id for e in result.events}
    assert {"oxford", "oxford-talk"} <= placed
    assert len(result.unplaced) == 1
    assert result.unplaced[0].request_id in {"bristol", "cambridge"}
    assert hard(s, result) == []


def test_capacity_no_venue_holds_is_unplaced_with_its_reason() -> None:
    """min_capacity above every candidate venue: unplaced and why, not an IndexError."""
    big = visit("big", "leeds", min_capacity=100_000)
    result = plan(scenario([big, visit("small", "york")]))
    assert [e.request_id for e in result.events] == ["small"]
    assert [(u.request_id, u.reason) for u in result.unplaced] == [
        ("big", "Visit big: no venue holds 100000 people")
    ]


def test_rebuilt_week_places_two_short_visits_instead_of_one_long() -> None:
    """Ruin and recreate swaps one long visit for two that fit the day together."""
    friday = {"earliest_on": Date(2008, 9, 12), "latest_on": Date(2008, 9, 12)}
    requests = [
        visit("london", "london", hours=4, **friday),
        visit("leeds", "leeds", hours=3, **friday),
        visit("york", "york", hours=2, **friday),
    ]
    s = scenario(requests, end=Date(2008, 9, 12))
    # Without the rebuild, London goes in first and nothing can join it;
    # moving one visit at a time (repair) cannot trade one for two.
    greedy = plan(s, PlanParams(ruin_starts=0))
    assert {e.request_id for e in greedy.events} == {"london"}
    result = plan(s)
    assert {e.request_id for e in result.events} == {"leeds", "york"}
    assert [u.request_id for u in result.unplaced] == ["london"]
    assert hard(s, result) == []
    assert render_plan_file(result) == render_plan_file(plan(s))
    # Without the local-search polish, the cheapest refill is kept as it is.
    unpolished = plan(s, PlanParams(ruin_polish=0))
    assert {e.request_id for e in unpolished.events} == {"leeds", "york"}


def test_a_full_day_leaves_out_the_far_request() -> None:
    """With room for one of two visits, the one far from home is left out."""
    monday = {"earliest_on": Date(2008, 9, 8), "latest_on": Date(2008, 9, 8)}
    requests = [visit("far", "newcastle", **monday), visit("near", "oxford", **monday)]
    rules = kind_rules("visit", max_per_person_per_day=1)
    s = scenario(requests, end=Date(2008, 9, 12), rules=rules)
    # The construction places Newcastle first; only the rebuild trades it.
    assert [e.request_id for e in plan(s, PlanParams(ruin_starts=0)).events] == ["far"]
    result = plan(s)
    assert [e.request_id for e in result.events] == ["near"]
    assert [u.request_id for u in result.unplaced] == ["far"]
    assert hard(s, result) == []


@given(small_scenarios())
def test_rebuilt_weeks_never_score_worse(s: Scenario) -> None:
    """The week rebuild keeps a refill only where it places more or costs less."""
    without = evaluate(s, plan(s, PlanParams(ruin_starts=0)))
    assert evaluate(s, plan(s)).key <= without.key


def test_ruin_settings_must_not_be_negative() -> None:
    """A negative ruin setting is a PlanningError naming the settings."""
    with pytest.raises(PlanningError, match="ruin_starts, ruin_shuffles"):
        PlanParams(ruin_polish=-1)


def test_the_week_rebuild_is_announced_only_when_it_runs() -> None:
    """Progress says "Rebuilding each person's weeks" only with the stage on."""
    s = scenario([visit("a", "leeds"), visit("b", "york")])
    said: list[str] = []
    solve(s, PlanParams(ruin_starts=0), progress=said.append)
    assert "Rebuilding each person's weeks" not in said
    said.clear()
    solve(s, progress=said.append)
    assert said[-1] == "Rebuilding each person's weeks"
