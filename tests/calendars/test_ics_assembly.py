"""Calendars are assembled from components serialised once (issue 17): the bytes
are exactly what icalendar gives for the whole calendar."""

from __future__ import annotations

import pytest

from roadshow.exporters.choices import INTERNAL, PUBLIC
from roadshow.exporters.ics import render as ics_render
from roadshow.model import Plan, Scenario
from roadshow.versions import PlanVersion


def whole_calendar(
    self: ics_render._Renderer, view: ics_render.View, _held: object = None
) -> bytes:
    """One calendar made and serialised by icalendar in one piece (the old way).

    It picks the view's entries itself with ``View.includes``, ignoring the ones
    calendar_files sorted into each calendar in one pass: so the files compare
    that sorting too.
    """
    entries = [(e, g) for e, g in self.entries if view.includes(self.scenario, e)]
    calendar = self.writer.calendar(
        ics_render._calendar_name(self.scenario, view, self.audience)
    )
    components = [self.component(e, cancelled=g) for e, g in entries]
    for tzid in sorted({t for c in components for t in ics_render._tzids(c)}):
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
