"""The checker: each kind of broken rule is caught and named in plain words.

Most tests start from the planner's plan of the bundled 2008 programme (planned
once per module) and break it one way with ``attrs.evolve``; the per-kind limits
and some soft warnings use a tiny hand-made programme whose plan is written out
by hand.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

import attrs
import pendulum
import pytest
from pendulum import Date, Duration, Time

from roadshow.checks import ERROR, WARNING, Violation, check
from roadshow.model import (
    CalendarRules,
    Commitment,
    EventRequest,
    KindRules,
    OvernightStay,
    Person,
    Plan,
    PlanningRules,
    Region,
    Scenario,
    ScheduledEvent,
    TimeWindow,
    TravelLeg,
    Unplaced,
    Venue,
)
from roadshow.planner import plan as make_plan

TZ = "Europe/London"
HOME = "richmond-house"
LONDON_DAY = ("listening-Q36", "clinical-Q36")
PRINCIPALS = ("darzi", "nicholson")


@pytest.fixture(scope="module")
def default_plan(nhs2008_scenario: Scenario) -> Plan:
    """The planner's plan of the bundled programme."""
    return make_plan(nhs2008_scenario)


# --- helpers: find parts of a plan and break them ------------------------------------


def _day(moment: pendulum.DateTime) -> Date:
    return moment.in_tz(TZ).date()


def _event(plan: Plan, request_id: str) -> ScheduledEvent:
    return next(e for e in plan.events if e.request_id == request_id)


def _legs_on(plan: Plan, person_id: str, day: Date) -> list[TravelLeg]:
    return [leg for leg in plan.legs_for(person_id) if _day(leg.depart) == day]


def _with_event(plan: Plan, request_id: str, **changes: object) -> Plan:
    return attrs.evolve(
        plan,
        events=[
            attrs.evolve(e, **changes) if e.request_id == request_id else e
            for e in plan.events
        ],
    )


def _with_leg(plan: Plan, leg: TravelLeg, **changes: object) -> Plan:
    return attrs.evolve(
        plan,
        legs=[attrs.evolve(x, **changes) if x == leg else x for x in plan.legs],
    )


def _shift(
    plan: Plan,
    request_ids: Iterable[str],
    people: Iterable[str],
    on: Date,
    *,
    days: int = 0,
    minutes: int = 0,
) -> Plan:
    """Move some events, and their people's journeys that day, by wall-clock time."""
    ids, who = set(request_ids), set(people)

    def moved(value: pendulum.DateTime) -> pendulum.DateTime:
        return value.in_tz(TZ).add(days=days, minutes=minutes)

    events = [
        attrs.evolve(e, start=moved(e.start), end=moved(e.end))
        if e.request_id in ids
        else e
        for e in plan.events
    ]
    legs = [
        attrs.evolve(leg, depart=moved(leg.depart), arrive=moved(leg.arrive))
        if leg.person_id in who and _day(leg.depart) == on
        else leg
        for leg in plan.legs
    ]
    return attrs.evolve(plan, events=events, legs=legs)


def _london_day(plan: Plan) -> Date:
    """The day of the London visit: both principals walk from home and back."""
    day = _day(_event(plan, "listening-Q36").start)
    for person_id in PRINCIPALS:
        legs = _legs_on(plan, person_id, day)
        assert legs[0].from_id == HOME
        assert legs[-1].to_id == HOME
        assert not [s for s in plan.stays_for(person_id) if s.night_of == day]
    return day


def _move_london_day(plan: Plan, to: Date) -> Plan:
    day = _london_day(plan)
    return _shift(plan, LONDON_DAY, PRINCIPALS, day, days=(to - day).days)


def _first_evening(plan: Plan, chair: str) -> ScheduledEvent:
    """A chair's first consultation, reached from home and left for home."""
    event = plan.events_for(chair)[0]
    legs = _legs_on(plan, chair, _day(event.start))
    assert [legs[0].to_id, legs[-1].from_id] == [event.venue_id, event.venue_id]
    return event


def _shift_evening(
    plan: Plan, chair: str, *, days: int = 0, minutes: int = 0
) -> tuple[Plan, ScheduledEvent]:
    event = _first_evening(plan, chair)
    moved = _shift(
        plan,
        [event.request_id],
        [chair],
        _day(event.start),
        days=days,
        minutes=minutes,
    )
    return moved, event


def _keep_away(plan: Plan, leg: TravelLeg) -> Plan:
    """Stay the night where *leg* starts and make the journey at 07:00 next day."""
    night = _day(leg.depart)
    depart = pendulum.datetime(night.year, night.month, night.day, 7, tz=TZ).add(days=1)
    later = [x for x in plan.legs_for(leg.person_id) if _day(x.depart) == _day(depart)]
    assert all(x.depart >= depart.add(minutes=leg.minutes) for x in later)
    moved = attrs.evolve(leg, depart=depart, arrive=depart.add(minutes=leg.minutes))
    stay = OvernightStay(person_id=leg.person_id, night_of=night, venue_id=leg.from_id)
    return attrs.evolve(
        plan,
        legs=[moved if x == leg else x for x in plan.legs],
        stays=[*plan.stays, stay],
    )


def _first_run_of_nights(plan: Plan, person_id: str, length: int) -> list[Date]:
    nights = [s.night_of for s in plan.stays_for(person_id)]
    for i in range(len(nights) - length + 1):
        run = nights[i : i + length]
        if (run[-1] - run[0]).days == length - 1:
            return run
    pytest.fail(f"{person_id} has no {length} nights away in a row")


def _home_leg_after(plan: Plan, person_id: str, night: Date) -> TravelLeg:
    """The journey home on the day after *night*."""
    legs = _legs_on(plan, person_id, night.add(days=1))
    assert legs[-1].to_id == HOME
    return legs[-1]


def _found(violations: Iterable[Violation], rule: str) -> list[Violation]:
    return [v for v in violations if v.rule == rule]


def _one(violations: Iterable[Violation], rule: str) -> Violation:
    found = _found(violations, rule)
    assert len(found) == 1, found
    return found[0]


def _rules(violations: Iterable[Violation]) -> set[str]:
    return {v.rule for v in violations}


def _with_request(scenario: Scenario, request_id: str, **changes: object) -> Scenario:
    return attrs.evolve(
        scenario,
        requests=[
            attrs.evolve(r, **changes) if r.request_id == request_id else r
            for r in scenario.requests
        ],
    )


# --- the unbroken plan ---------------------------------------------------------------


def test_default_plan_has_no_violations(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The planner's plan of the bundled programme breaks no rule, hard or soft."""
    assert check(nhs2008_scenario, default_plan) == ()


def test_check_is_repeatable(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """Checking a broken plan twice gives the same violations in the same order."""
    broken = _move_london_day(default_plan, Date(2008, 9, 14))
    first = check(nhs2008_scenario, broken)
    assert first
    assert check(nhs2008_scenario, broken) == first


def test_checker_never_imports_the_planner() -> None:
    """Importing and running the checker loads no part of the planner."""
    code = (
        "import sys\n"
        "from roadshow.checks import check\n"
        "from roadshow.data import nhs2008\n"
        "from roadshow.model import Plan\n"
        "s = nhs2008.scenario()\n"
        "found = check(s, Plan(scenario_id=s.scenario_id))\n"
        "missing = [v for v in found if v.rule == 'missing']\n"
        "assert len(missing) == len(s.requests), len(missing)\n"
        "print(sorted(m for m in sys.modules if m.startswith('roadshow.planner')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


# --- time and place: overlaps, journeys, continuity -------------------------------


def test_two_events_at_once(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A session moved into the one before it is an overlap for Lord Darzi."""
    clinical = _event(default_plan, "clinical-Q36")
    early = clinical.start.subtract(hours=1)
    broken = _with_event(
        default_plan, "clinical-Q36", start=early, end=clinical.end.subtract(hours=1)
    )
    v = _one(check(nhs2008_scenario, broken), "overlap")
    assert (v.severity, v.person_id, v.when) == (ERROR, "darzi", early)
    assert v.message == (
        "Lord Darzi: Listening event: NHS London and Clinical leaders session:"
        " NHS London overlap"
    )


def test_event_and_journey_at_once(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """Leaving before the listening event ends is an overlap with the journey home."""
    day = _london_day(default_plan)
    home = _legs_on(default_plan, "nicholson", day)[-1]
    listening = _event(default_plan, "listening-Q36")
    depart = listening.end.subtract(minutes=30)
    broken = _with_leg(
        default_plan, home, depart=depart, arrive=depart.add(minutes=home.minutes)
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"overlap"}
    v = _one(found, "overlap")
    assert (v.severity, v.person_id) == (ERROR, "nicholson")
    assert "Listening event: NHS London and travel to Richmond House" in v.message


def test_journey_shorter_than_travel_model(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A walk allowed less time than the travel model needs is too short."""
    walk = _legs_on(default_plan, "darzi", _london_day(default_plan))[0]
    broken = _with_leg(default_plan, walk, depart=walk.arrive.subtract(minutes=5))
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"travel-too-short"}
    v = _one(found, "travel-too-short")
    assert (v.severity, v.person_id) == (ERROR, "darzi")
    assert (
        f"Richmond House (Department of Health) to NHS London headquarters takes"
        f" {walk.minutes}m, the plan allows 5m"
    ) in v.message


def test_journey_outside_travel_hours(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """Setting off at 05:30 is outside Lord Darzi's travel hours 06:30-22:00."""
    walk = _legs_on(default_plan, "darzi", _london_day(default_plan))[0]
    depart = walk.depart.in_tz(TZ).replace(hour=5, minute=30)
    broken = _with_leg(
        default_plan, walk, depart=depart, arrive=depart.add(minutes=walk.minutes)
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"travel-hours"}
    v = _one(found, "travel-hours")
    assert (v.severity, v.person_id) == (ERROR, "darzi")
    arrive = depart.add(minutes=walk.minutes)
    assert f"travels 05:30-{arrive:%H:%M}, travel hours are 06:30-22:00" in v.message


def test_day_not_starting_where_slept(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """Leaving from home the morning after a night away breaks continuity."""
    stay, morning = next(
        (stay, legs[0])
        for stay in default_plan.stays_for("darzi")
        if (legs := _legs_on(default_plan, "darzi", stay.night_of.add(days=1)))
    )
    assert morning.from_id == stay.venue_id
    broken = _with_leg(default_plan, morning, from_id=HOME)
    v = _one(check(nhs2008_scenario, broken), "continuity")
    assert (v.severity, v.person_id) == (ERROR, "darzi")
    place = nhs2008_scenario.venue_by_id[stay.venue_id].name
    assert f"leaves Richmond House (Department of Health) but is at {place}" in (
        v.message
    )


def test_stay_elsewhere_is_reported_once(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A night listed at another place is one error; the next day starts there."""
    stay, morning = next(
        (stay, legs[0])
        for stay in default_plan.stays_for("darzi")
        if (legs := _legs_on(default_plan, "darzi", stay.night_of.add(days=1)))
    )
    elsewhere = morning.to_id
    broken = _with_leg(default_plan, morning, from_id=elsewhere)
    broken = attrs.evolve(
        broken,
        stays=[
            attrs.evolve(s, venue_id=elsewhere) if s == stay else s
            for s in broken.stays
        ],
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"continuity"}
    v = _one(found, "continuity")
    names = nhs2008_scenario.venue_by_id
    assert v.message == (
        f"Lord Darzi: sleeps near {names[elsewhere].name} on"
        f" {stay.night_of.format('ddd D MMM YYYY')} but ends the day at"
        f" {names[stay.venue_id].name}"
    )


def test_missing_overnight_stay(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A day that ends away from home with no stay listed is reported for that night."""
    stay = default_plan.stays_for("darzi")[0]
    broken = attrs.evolve(
        default_plan, stays=[s for s in default_plan.stays if s != stay]
    )
    found = [v for v in check(nhs2008_scenario, broken) if v.person_id == "darzi"]
    place = nhs2008_scenario.venue_by_id[stay.venue_id].name
    night = next(v for v in found if "no overnight stay" in v.message)
    assert (night.rule, night.severity) == ("continuity", ERROR)
    assert f"ends {stay.night_of.format('ddd D MMM YYYY')} at {place}, not home" in (
        night.message
    )
    assert night.when is not None
    assert _day(night.when) == stay.night_of


def test_too_many_nights_away(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A fourth night away in a row breaks the scenario's limit of three."""
    run = _first_run_of_nights(default_plan, "darzi", 3)
    broken = _keep_away(default_plan, _home_leg_after(default_plan, "darzi", run[-1]))
    found = check(nhs2008_scenario, broken)
    # The extra night is one no late finish or early start needs, too.
    assert _rules(found) == {"nights-away", "night-saving"}
    v = _one(found, "nights-away")
    assert (v.severity, v.person_id) == (ERROR, "darzi")
    last = run[-1].add(days=1).format("ddd D MMM YYYY")
    assert f"4 nights away in a row by {last}, at most 3 allowed" in v.message


def test_many_nights_is_a_warning_when_allowed(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """Four nights away in a row, allowed by the scenario, is still a soft warning."""
    run = _first_run_of_nights(default_plan, "darzi", 3)
    broken = _keep_away(default_plan, _home_leg_after(default_plan, "darzi", run[-1]))
    lenient = attrs.evolve(
        nhs2008_scenario,
        rules=attrs.evolve(nhs2008_scenario.rules, max_nights_away_in_row=5),
    )
    found = check(lenient, broken)
    # The extra night is one no late finish or early start needs, too.
    assert _rules(found) == {"many-nights", "night-saving"}
    v = _one(found, "many-nights")
    assert (v.severity, v.person_id) == (WARNING, "darzi")
    assert "Lord Darzi: 4 nights away in a row by" in v.message


def test_stay_closer_than_min_stay_km(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A night at NHS London's headquarters is under 80 km from Richmond House."""
    home = _legs_on(default_plan, "darzi", _london_day(default_plan))[-1]
    broken = _keep_away(default_plan, home)
    found = check(nhs2008_scenario, broken)
    # The extra night is one no late finish or early start needs, too.
    assert _rules(found) == {"stay-too-close", "night-saving"}
    v = _one(found, "stay-too-close")
    assert (v.severity, v.person_id) == (ERROR, "darzi")
    night = _london_day(default_plan).format("ddd D MMM YYYY")
    assert (
        f"a night near NHS London headquarters on {night}, under 80 km from home"
        in v.message
    )


# --- days and times of events --------------------------------------------------------


def test_event_on_a_weekend(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """The London visit moved to a Sunday breaks the weekday-only slots."""
    sunday = Date(2008, 9, 14)
    broken = _move_london_day(default_plan, sunday)
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"weekend"}
    assert len(found) == 2
    v = _found(found, "weekend")[0]
    assert (v.severity, v.person_id, v.request_id) == (ERROR, None, "listening-Q36")
    assert v.message == (
        "Listening event: NHS London: on a Sunday, not one of the request's days"
    )


def test_event_on_a_bank_holiday(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """An event on a day the calendar lists as a holiday is reported."""
    day = _london_day(default_plan)
    holiday = attrs.evolve(
        nhs2008_scenario,
        calendar=attrs.evolve(nhs2008_scenario.calendar, extra_holidays={day}),
    )
    found = check(holiday, default_plan)
    assert _rules(found) == {"bank-holiday"}
    v = _found(found, "bank-holiday")[0]
    assert v.severity == ERROR
    assert f"on {day.format('ddd D MMM YYYY')}, a bank holiday" in v.message


def test_event_before_the_planning_window(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The London visit moved to Friday 5 Sep is before the programme starts."""
    broken = _move_london_day(default_plan, Date(2008, 9, 5))
    v = _found(check(nhs2008_scenario, broken), "window")[0]
    assert (v.severity, v.request_id) == (ERROR, "listening-Q36")
    assert "on Fri 5 Sep 2008, outside Mon 8 Sep 2008 to Wed 8 Oct 2008" in v.message


def test_event_after_the_request_window(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A consultation seven weeks later falls after the consultation closes (17 Oct)."""
    broken, event = _shift_evening(default_plan, "chair-Q36", days=49)
    v = _one(check(nhs2008_scenario, broken), "window")
    assert (v.severity, v.request_id) == (ERROR, event.request_id)
    day = _day(event.start).add(days=49).format("ddd D MMM YYYY")
    assert f"on {day}, outside Mon 1 Sep 2008 to Fri 17 Oct 2008" in v.message


def test_event_outside_slot_times(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """An evening consultation an hour early is outside its 18:30-20:30 slot."""
    broken, event = _shift_evening(default_plan, "chair-Q36", minutes=-60)
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"slot"}
    v = _one(found, "slot")
    assert (v.severity, v.request_id) == (ERROR, event.request_id)
    start = event.start.in_tz(TZ).subtract(hours=1)
    assert (
        f"{event.title}: at {start:%H:%M}, outside the request's times 18:30-20:30"
    ) == v.message


def test_event_outside_working_hours(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """An evening consultation ending at 22:00 is past the chair's 21:00 finish."""
    broken, _ = _shift_evening(default_plan, "chair-Q36", minutes=90)
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"slot", "working-hours"}
    v = _one(found, "working-hours")
    assert (v.severity, v.person_id) == (ERROR, "chair-Q36")
    assert "Chair, NHS London works 09:00-21:00; the event is 20:00-22:00" in v.message


def test_event_during_a_blackout(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The London visit moved into the party conference is a blackout for Darzi."""
    broken = _move_london_day(default_plan, Date(2008, 9, 22))
    found = _found(check(nhs2008_scenario, broken), "blackout")
    assert {v.request_id for v in found} == set(LONDON_DAY)
    assert {(v.severity, v.person_id) for v in found} == {(ERROR, "darzi")}
    assert "Lord Darzi is unavailable (Labour Party conference, Manchester" in (
        found[0].message
    )


def test_event_clashing_with_a_commitment(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The London visit moved to 14 Oct runs into Darzi's House of Lords business."""
    broken = _move_london_day(default_plan, Date(2008, 10, 14))
    found = _found(check(nhs2008_scenario, broken), "commitment")
    assert {(v.severity, v.person_id) for v in found} == {(ERROR, "darzi")}
    assert (
        "Lord Darzi: Clinical leaders session: NHS London clashes with"
        " House of Lords business (illustrative)"
    ) in {v.message for v in found}


def test_journey_clashing_with_a_commitment(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A diary commitment during the walk home clashes with the journey."""
    walk = _legs_on(default_plan, "nicholson", _london_day(default_plan))[-1]
    dinner = Commitment(
        person_id="nicholson",
        start=walk.depart,
        end=walk.depart.add(hours=2),
        label="Dinner with the Secretary of State",
        venue_id=walk.from_id,  # where he is: only the journey is wrong
    )
    busy = attrs.evolve(
        nhs2008_scenario, commitments=[*nhs2008_scenario.commitments, dinner]
    )
    found = check(busy, default_plan)
    # The dinner also leaves him a tight day while other days stay free.
    assert _rules(found) == {"commitment", "tight-day"}
    v = _one(found, "commitment")
    assert (v.severity, v.person_id, v.when) == (ERROR, "nicholson", walk.depart)
    assert v.message == (
        "David Nicholson: travel to Richmond House (Department of Health) clashes"
        " with Dinner with the Secretary of State"
    )


# --- each event against its request -----------------------------------------------


def test_wrong_attendees(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A listening event without the chief executive has the wrong attendees."""
    broken = _with_event(default_plan, "listening-Q36", attendees=("darzi",))
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"attendees"}
    v = _one(found, "attendees")
    assert (v.severity, v.person_id, v.request_id) == (ERROR, None, "listening-Q36")
    assert v.message == (
        "Listening event: NHS London: attended by Lord Darzi,"
        " expected Lord Darzi, David Nicholson"
    )


def test_wrong_venue(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """The London visit held at Richmond House is at a venue the request rules out."""
    day = _london_day(default_plan)
    broken = attrs.evolve(
        default_plan,
        events=[
            attrs.evolve(e, venue_id=HOME) if e.request_id in LONDON_DAY else e
            for e in default_plan.events
        ],
        legs=[
            leg
            for leg in default_plan.legs
            if not (leg.person_id in PRINCIPALS and _day(leg.depart) == day)
        ],
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"venue"}
    v = _found(found, "venue")[0]
    assert (v.severity, v.request_id) == (ERROR, "listening-Q36")
    assert v.message == (
        "Listening event: NHS London: at Richmond House (Department of Health),"
        " expected NHS London headquarters"
    )


def test_venue_too_small(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A leadership event for 1000 at a venue that holds 900 is under capacity."""
    venue_id = _event(default_plan, "leadership-event").venue_id
    small = attrs.evolve(
        nhs2008_scenario,
        venues=[
            attrs.evolve(v, capacity=900) if v.venue_id == venue_id else v
            for v in nhs2008_scenario.venues
        ],
    )
    found = check(small, default_plan)
    assert _rules(found) == {"capacity"}
    v = _one(found, "capacity")
    name = small.venue_by_id[venue_id].name
    assert (v.severity, v.request_id) == (ERROR, "leadership-event")
    assert f"{name} holds 900, 1000 needed" in v.message


def test_wrong_duration(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A listening event cut to 1h30m is shorter than the 2h30m requested."""
    listening = _event(default_plan, "listening-Q36")
    broken = _with_event(
        default_plan, "listening-Q36", end=listening.end.subtract(hours=1)
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"duration"}
    v = _one(found, "duration")
    assert v.message == "Listening event: NHS London: lasts 1h30m, 2h30m expected"


def test_pinned_event_moved_to_another_day(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The HSJ conference session moved off 22 Oct breaks its pin."""
    broken = _shift(
        default_plan,
        ["hsj-change-management"],
        ["nicholson"],
        Date(2008, 10, 22),
        days=1,
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"pinned"}
    v = _one(found, "pinned")
    assert (v.severity, v.request_id) == (ERROR, "hsj-change-management")
    assert "on Thu 23 Oct 2008, pinned to Wed 22 Oct 2008" in v.message


def test_pinned_event_at_10_utc_is_11_bst(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A pinned 10:00 start written as 10:00 UTC is 11:00 in London summer time."""
    hsj = _event(default_plan, "hsj-change-management")
    assert hsj.start.in_tz(TZ).hour == 10
    broken = _shift(
        default_plan,
        ["hsj-change-management"],
        ["nicholson"],
        Date(2008, 10, 22),
        minutes=60,
    )
    assert _event(broken, "hsj-change-management").start == pendulum.datetime(
        2008, 10, 22, 10, tz="UTC"
    )
    v = _one(check(nhs2008_scenario, broken), "pinned")
    assert "starts 11:00, pinned to 10:00" in v.message


def test_follow_on_session_moved_away(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """A clinical session straight after the listening event, not 30 min later."""
    listening = _event(default_plan, "listening-Q36")
    broken = _with_event(
        default_plan,
        "clinical-Q36",
        start=listening.end,
        end=listening.end.add(minutes=90),
    )
    found = check(nhs2008_scenario, broken)
    v = _one(found, "follows")
    assert (v.severity, v.request_id) == (ERROR, "clinical-Q36")
    assert v.message == (
        "Clinical leaders session: NHS London: must follow Listening event: NHS London"
        " at the same venue, the same day, 30 minutes after"
    )


# --- requests: each placed once or listed as unplaced -----------------------------


def test_request_missing(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """A request neither placed nor listed as unplaced is missing."""
    broken = attrs.evolve(
        default_plan,
        events=[
            e for e in default_plan.events if e.request_id != "hsj-change-management"
        ],
    )
    v = _one(check(nhs2008_scenario, broken), "missing")
    assert (v.severity, v.request_id) == (ERROR, "hsj-change-management")
    assert v.message == (
        "HSJ NHS Change Management conference: not in the plan and not listed as"
        " unplaced"
    )


def test_request_placed_twice(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """The same request scheduled twice is reported once as a duplicate."""
    hsj = _event(default_plan, "hsj-change-management")
    again = attrs.evolve(hsj, start=hsj.start.add(days=1), end=hsj.end.add(days=1))
    broken = attrs.evolve(default_plan, events=[*default_plan.events, again])
    v = _one(check(nhs2008_scenario, broken), "duplicate")
    assert (v.severity, v.person_id) == (ERROR, None)
    assert v.message == (
        "HSJ NHS Change Management conference: scheduled 2 times, once expected"
    )


def test_unknown_request(nhs2008_scenario: Scenario, default_plan: Plan) -> None:
    """An event for a request the scenario does not have is reported by its id."""
    hsj = _event(default_plan, "hsj-change-management")
    ghost = attrs.evolve(hsj, request_id="ghost-event", title="Ghost event")
    broken = attrs.evolve(default_plan, events=[*default_plan.events, ghost])
    v = _one(check(nhs2008_scenario, broken), "unknown-request")
    assert (v.severity, v.request_id) == (ERROR, "ghost-event")
    assert v.message == (
        "ghost-event: an event for a request the scenario does not have"
    )


def test_unplaced_request_reason_is_the_message(
    nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """An unplaced request is an error whose message is the planner's reason."""
    reason = "HSJ NHS Change Management conference: no day left (test reason)."
    broken = attrs.evolve(
        default_plan,
        events=[
            e for e in default_plan.events if e.request_id != "hsj-change-management"
        ],
        unplaced=[Unplaced(request_id="hsj-change-management", reason=reason)],
    )
    found = check(nhs2008_scenario, broken)
    assert _rules(found) == {"unplaced"}
    v = _one(found, "unplaced")
    assert (v.severity, v.request_id, v.message) == (
        ERROR,
        "hsj-change-management",
        reason,
    )


# --- per-kind limits and soft warnings, on a tiny hand-made programme -----------


def _at(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2008, 10, day, hour, minute, tz=TZ)


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    """Two people at home in two halls 1.6 km apart; talks limited per day and week."""
    hour = Duration(hours=1)

    def request(request_id: str, kind: str, who: str, where: str) -> EventRequest:
        return EventRequest(
            request_id=request_id,
            title=request_id.replace("-", " ").title(),
            kind=kind,
            duration=hour,
            attendees=(who,),
            venue_ids=(where,),
        )

    return Scenario(
        scenario_id="tiny",
        name="Tiny programme",
        start_on=Date(2008, 10, 6),
        end_on=Date(2008, 10, 17),
        people=[
            Person(
                person_id="ann",
                name="Ann Smith",
                home_venue_id="alpha",
                working_hours=TimeWindow(Time(7), Time(20)),
            ),
            Person(person_id="bob", name="Bob Jones", home_venue_id="beta"),
        ],
        venues=[
            Venue.at("alpha", "Alpha Hall", 53.800, -1.550, region_id="R1"),
            Venue.at("beta", "Beta Hall", 53.810, -1.530, region_id="R1"),
        ],
        regions=[Region(region_id="R1", name="North Region", hq_venue_id="alpha")],
        requests=[
            request("talk-1", "talk", "ann", "alpha"),
            request("talk-2", "talk", "ann", "alpha"),
            request("talk-3", "talk", "bob", "beta"),
            request("visit", "visit", "ann", "alpha"),
            request("meeting", "meeting", "ann", "alpha"),
        ],
        calendar=CalendarRules(holidays=""),
        rules=PlanningRules(
            kinds=[
                KindRules(
                    kind="talk",
                    max_per_person_per_day=1,
                    max_per_region_per_week=2,
                    avoid_region_days_of="visit",
                    neighbour_km=5,
                )
            ]
        ),
    )


@pytest.fixture(scope="module")
def tiny_plan(tiny: Scenario) -> Plan:
    """A hand-written plan of the tiny programme that keeps every rule."""
    starts = {
        "talk-1": _at(6, 10),
        "talk-2": _at(7, 10),
        "talk-3": _at(13, 10),
        "visit": _at(8, 10),
        "meeting": _at(8, 14),
    }
    return Plan(
        scenario_id="tiny",
        events=[
            ScheduledEvent(
                request_id=r.request_id,
                title=r.title,
                kind=r.kind,
                venue_id=r.venue_ids[0],
                start=starts[r.request_id],
                end=starts[r.request_id].add(hours=1),
                attendees=r.attendees,
                region_id="R1",
            )
            for r in tiny.requests
        ],
    )


def _moved(plan: Plan, request_id: str, start: pendulum.DateTime) -> Plan:
    return _with_event(plan, request_id, start=start, end=start.add(hours=1))


def test_tiny_plan_keeps_every_rule(tiny: Scenario, tiny_plan: Plan) -> None:
    """The hand-written tiny plan has no violations: each break below is the cause."""
    assert check(tiny, tiny_plan) == ()


def test_two_talks_a_day(tiny: Scenario, tiny_plan: Plan) -> None:
    """A second talk for Ann on Monday breaks the one-a-day limit."""
    broken = _moved(tiny_plan, "talk-2", _at(6, 14))
    found = check(tiny, broken)
    # Two talks in one hall on one day are also less than 5 km apart.
    assert _rules(found) == {"per-person-day", "neighbours"}
    v = _one(found, "per-person-day")
    assert (v.severity, v.person_id) == (ERROR, "ann")
    assert v.message == (
        "Ann Smith has 2 talk events on Mon 6 Oct 2008, at most 1 allowed"
    )
    assert v.when == _at(6, 10)


def test_three_talks_a_week_in_a_region(tiny: Scenario, tiny_plan: Plan) -> None:
    """Bob's talk moved into the first week makes three in the region that week."""
    broken = _moved(tiny_plan, "talk-3", _at(9, 10))
    found = check(tiny, broken)
    assert _rules(found) == {"per-region-week"}
    v = _one(found, "per-region-week")
    assert (v.severity, v.person_id) == (ERROR, None)
    assert v.message == (
        "North Region has 3 talk events in the week of Mon 6 Oct 2008, at most 2"
        " allowed"
    )


def test_talk_on_the_regions_visit_day(tiny: Scenario, tiny_plan: Plan) -> None:
    """A visit on the day of a talk in the same region breaks the region-day rule."""
    broken = _moved(tiny_plan, "visit", _at(6, 14))
    found = check(tiny, broken)
    assert _rules(found) == {"region-day"}
    v = _one(found, "region-day")
    assert (v.severity, v.person_id) == (ERROR, None)
    assert v.message == "North Region has talk and visit events on Mon 6 Oct 2008"


def test_region_comes_from_the_venue_not_the_plan(
    tiny: Scenario, tiny_plan: Plan
) -> None:
    """An event the plan file puts in no region still counts where its venue is."""
    broken = _with_event(
        _moved(tiny_plan, "visit", _at(6, 14)), "visit", region_id=None
    )
    assert _rules(check(tiny, broken)) == {"region-day"}


def test_neighbouring_talks_same_day(tiny: Scenario, tiny_plan: Plan) -> None:
    """Talks in halls 1.6 km apart on the same day are a soft warning."""
    broken = _moved(tiny_plan, "talk-2", _at(13, 14))
    found = check(tiny, broken)
    assert _rules(found) == {"neighbours"}
    v = _one(found, "neighbours")
    assert v.severity == WARNING
    assert v.message == ("Talk 3 and Talk 2 are on the same day less than 5 km apart")


def test_back_to_back_events(tiny: Scenario, tiny_plan: Plan) -> None:
    """Ten minutes between Ann's visit and her meeting is a tight warning."""
    broken = _moved(tiny_plan, "meeting", _at(8, 11, 10))
    found = check(tiny, broken)
    # Its tight day (the meeting could go on another, empty day) is not said twice.
    assert _rules(found) == {"tight"}
    v = _one(found, "tight")
    assert (v.severity, v.person_id, v.when) == (WARNING, "ann", _at(8, 11, 10))
    assert v.message == (
        "Ann Smith: only 10 minutes to spare between Visit and Meeting"
    )


def test_long_day(tiny: Scenario, tiny_plan: Plan) -> None:
    """A 07:00 visit and a meeting until 19:30 make a 12.5-hour day."""
    broken = _moved(_moved(tiny_plan, "visit", _at(8, 7)), "meeting", _at(8, 18, 30))
    found = check(tiny, broken)
    assert _rules(found) == {"long-day"}
    v = _one(found, "long-day")
    assert (v.severity, v.person_id) == (WARNING, "ann")
    assert v.message == "Ann Smith: a day of 12.5 hours on Wed 8 Oct 2008"
