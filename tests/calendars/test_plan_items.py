"""A plan's calendar UIDs and sort keys, made faster, are the ones made before."""

from __future__ import annotations

import pendulum
import pytest

from roadshow.model import OvernightStay, Plan, Scenario
from roadshow.planner import solve
from roadshow.versions import CalendarItem, _uid, _utc_text, event_uid, plan_items


def _scanned_items(plan: Plan) -> tuple[CalendarItem, ...]:
    """plan_items as it was: each leg and night scans its person's events."""
    items = [
        CalendarItem(uid=event_uid(plan.scenario_id, e.request_id), item=e)
        for e in plan.events
    ]
    people = sorted(
        {leg.person_id for leg in plan.legs} | {s.person_id for s in plan.stays}
    )
    for person_id in people:
        events = plan.events_for(person_id)
        groups = (
            (
                "travel",
                [leg for leg in plan.legs_for(person_id) if leg.arrive > leg.depart],
                lambda leg, e: e.start >= leg.arrive,
            ),
            (
                "stay",
                list(plan.stays_for(person_id)),
                lambda stay, e: e.start.date() > stay.night_of,
            ),
        )
        for noun, things, comes_before in groups:
            keys = []
            for thing in things:
                following = next((e for e in events if comes_before(thing, e)), None)
                if following is not None:
                    keys.append((f"{noun}-before", following.request_id))
                else:
                    before = [e for e in events if not comes_before(thing, e)]
                    keys.append(
                        (f"{noun}-after", before[-1].request_id if before else "-")
                    )
            for index, thing in enumerate(things):
                relation, request_id = keys[index]
                same = [i for i, key in enumerate(keys) if key == keys[index]]
                rank = (
                    len(same) - same.index(index)
                    if relation.endswith("before")
                    else same.index(index) + 1
                )
                key = f"{plan.scenario_id}/{request_id}/{relation}/{person_id}/{rank}"
                items.append(CalendarItem(uid=_uid(key), item=thing))
    return tuple(items)


def test_uids_are_the_scans(nhs2008_scenario: Scenario, plan: Plan, kit) -> None:
    """On the sample plan and the planner's plan of the default programme."""
    planned = solve(nhs2008_scenario).plan
    for sample in (plan, planned):
        assert plan_items(sample) == _scanned_items(sample)
    assert len(plan_items(planned)) > 2 * len(planned.events)


def test_days_in_mixed_zones_are_scanned(nhs2008_scenario: Scenario, kit) -> None:
    """Starts given in two zones, whose days are out of time order, find the scan's."""
    early = kit.event(
        nhs2008_scenario,
        "listening-Q30",
        pendulum.datetime(2008, 9, 9, 0, 30, tz="Europe/London"),
    )
    late = kit.event(
        nhs2008_scenario,
        "leadership-event",
        pendulum.datetime(2008, 9, 8, 23, 45, tz="UTC"),
    )
    assert early.start < late.start
    assert early.start.date() > late.start.date()
    stays = [
        OvernightStay(person_id=person, night_of=night, venue_id="Q30-hq")
        for person in ("darzi", "nicholson")
        for night in (pendulum.date(2008, 9, 7), pendulum.date(2008, 9, 8))
    ]
    plan = Plan(scenario_id="nhs-2008", events=[early, late], stays=stays)
    assert plan_items(plan) == _scanned_items(plan)


@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "America/St_Johns"])
def test_utc_text_is_pendulums_format(zone: str) -> None:
    """Sort keys and signatures read as pendulum wrote them, over years and DST."""
    starts = [
        pendulum.datetime(year, 1, 1, tz=zone) for year in (1, 10, 999, 2008, 9998)
    ]
    starts += [
        pendulum.datetime(2008, 10, 25, 23, 59, 59, 999999, tz=zone).add(minutes=m)
        for m in range(0, 3 * 24 * 60, 37)
    ]
    for value in starts:
        expected = value.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]")
        assert _utc_text(value) == expected
