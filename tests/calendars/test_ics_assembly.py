"""Calendars are assembled from components serialised once (issue 17): the bytes
are exactly what icalendar gives for the whole calendar."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from roadshow.exporters.choices import INTERNAL, PUBLIC
from roadshow.exporters.ics import render as ics_render
from roadshow.exporters.ics._writer import _tzids, _Writer
from roadshow.model import Plan, Scenario, ScheduledEvent, TravelLeg
from roadshow.planner import solve
from roadshow.versions import PlanVersion, plan_items


def whole_calendar(
    self: ics_render._Renderer, view: ics_render.View, _held: object = None
) -> bytes:
    """One calendar made and serialised by icalendar in one piece (the old way).

    Its events are icalendar ``Event`` objects (``_Writer.component``), so the
    files compare the content lines made without them too (``_lines``).

    It picks the view's entries itself with ``View.includes``, ignoring the ones
    calendar_files sorted into each calendar in one pass: so the files compare
    that sorting too.
    """
    entries = [(e, g) for e, g in self.entries if view.includes(self.scenario, e)]
    calendar = self.writer.calendar(
        ics_render._calendar_name(self.scenario, view, self.audience)
    )
    components = [self.writer.component(e, cancelled=g) for e, g in entries]
    for tzid in sorted({t for c in components for t in _tzids(c)}):
        calendar.add_component(ics_render.vtimezone(tzid, ics_render._years(entries)))
    for component in components:
        calendar.add_component(component)
    return bytes(calendar.to_ical())


@pytest.mark.parametrize("audience", [INTERNAL, PUBLIC])
def test_every_split_file_is_what_icalendar_writes(
    nhs2008_scenario: Scenario,
    plan: Plan,
    kit,
    audience: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every split calendar of a plan with events, travel and stays, byte for byte."""
    version = PlanVersion.unrecorded(kit.stamp)
    fast = ics_render.calendar_files(nhs2008_scenario, plan, version, audience=audience)
    monkeypatch.setattr(ics_render._Renderer, "render", whole_calendar)
    whole = ics_render.calendar_files(
        nhs2008_scenario, plan, version, audience=audience
    )
    assert len(fast) >= 5  # programme, people, regions, areas
    assert fast == whole


def test_updates_cancellations_and_the_repeated_hour_are_what_icalendar_writes(
    nhs2008_scenario: Scenario, plan: Plan, kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sequences, cancelled entries and times in UTC come out byte for byte too."""
    repeated = [
        kit.event(
            nhs2008_scenario,
            "listening-Q38",
            pendulum.datetime(2008, 10, 26, 0, 30, tz="UTC"),
        ),
        kit.event(
            nhs2008_scenario,
            "listening-Q31",
            pendulum.datetime(2008, 10, 26, 1, 30, tz="UTC"),
        ),
    ]
    plan = attrs.evolve(plan, events=[*plan.events, *repeated])
    items = plan_items(plan)
    gone = [attrs.evolve(item, uid=f"gone-{item.uid}") for item in items[::2]]
    version = PlanVersion(
        number=3,
        issued_at=kit.stamp,
        sequences={item.uid: n % 3 for n, item in enumerate([*items, *gone])},
        cancelled=tuple(gone),
    )
    fast = ics_render.calendar_files(nhs2008_scenario, plan, version)
    monkeypatch.setattr(ics_render._Renderer, "render", whole_calendar)
    whole = ics_render.calendar_files(nhs2008_scenario, plan, version)
    programme = fast["programme.ics"]
    assert b"STATUS:CANCELLED" in programme
    assert b"SEQUENCE:2" in programme
    assert b"DTSTART:20081026T013000Z" in programme
    assert fast == whole


def _scan_travel_around(
    plan: Plan, person_id: str, item: ScheduledEvent
) -> tuple[TravelLeg | None, TravelLeg | None]:
    """The legs around an event by scanning all the person's items (the old way)."""
    legs = [leg for leg in plan.legs_for(person_id) if leg.arrive > leg.depart]
    events = plan.events_for(person_id)
    earlier = [e.end for e in events if e.end <= item.start]
    later = [e.start for e in events if e.start >= item.end]
    before = [
        leg
        for leg in legs
        if leg.arrive <= item.start and (not earlier or leg.depart >= earlier[-1])
    ]
    after = [
        leg
        for leg in legs
        if leg.depart >= item.end and (not later or leg.arrive <= later[0])
    ]
    return (before[-1] if before else None, after[0] if after else None)


def test_travel_around_searches_like_a_scan(
    nhs2008_scenario: Scenario, plan: Plan, kit
) -> None:
    """The legs before and after each event, found by search, are the scan's.

    On the sample plan and on the planner's plan of the default programme.
    """
    planned = solve(nhs2008_scenario).plan
    for sample in (plan, planned):
        writer = _Writer(
            nhs2008_scenario, sample, PlanVersion.unrecorded(kit.stamp), INTERNAL
        )
        found = 0
        for event in sample.events:
            for person_id in event.attendees:
                expected = _scan_travel_around(sample, person_id, event)
                assert writer.travel_around(person_id, event) == expected
                found += sum(leg is not None for leg in expected)
        assert found > 0
    assert found > len(planned.events)  # most events have travel around them
