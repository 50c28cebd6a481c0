"""The programme at a glance: one self-contained HTML page for the whole plan.

A people-by-days chart (who has events on which day, weekends and bank holidays
shaded), a map of England with every event, the unplaced requests with their
reasons and the checker's verdict. ``plan --out`` writes it as ``overview.html``
beside the calendars; it needs nothing else (styles inline, the map inline SVG,
no scripts), so it can be mailed, served or printed as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs
from attrs import frozen
from pendulum import Date, DateTime

from roadshow.checks import ERROR, WARNING, Violation
from roadshow.exporters._templates import html_environment
from roadshow.exporters.choices import INTERNAL, PUBLIC
from roadshow.exporters.routemap import build_route_map, render_route_map
from roadshow.model import Plan, Scenario, Venue
from roadshow.rules import days_between, is_bank_holiday, is_weekend

_ROLE_ORDER = ("principal", "chair")  # then every other role, by name


@frozen(kw_only=True)
class DayColumn:
    """One day of the programme: its date and whether work stops on it."""

    on: Date
    closed: str
    """``"weekend"``, ``"holiday"`` or ``""`` (a working day)."""


@frozen(kw_only=True)
class PersonRow:
    """One person's line in the chart: events per day, as ``(count, kinds)``."""

    person_id: str
    name: str
    role: str
    cells: tuple[tuple[int, str], ...]
    """Per day column: the number of events and their kinds (comma-joined)."""
    total: int


@frozen(kw_only=True)
class Overview:
    """Everything the overview page shows."""

    scenario_name: str
    scenario_id: str
    version: int | None
    issued: DateTime | None
    days: tuple[DayColumn, ...]
    people: tuple[PersonRow, ...]
    kinds: tuple[tuple[str, int], ...]
    """Event kinds and their counts, most frequent first."""
    placed: int
    requested: int
    unplaced: tuple[tuple[str, str], ...]
    """``(request title, reason)`` for each unplaced request."""
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    public: bool = False
    """The public page: counts of unplaced requests and findings, not their text."""


def build_overview(
    scenario: Scenario,
    plan: Plan,
    problems: Sequence[Violation],
    *,
    version: int | None = None,
    issued: DateTime | None = None,
) -> Overview:
    """Collect what the overview shows from a scenario, its plan and the checker."""
    tz = scenario.timezone
    days = tuple(
        DayColumn(on=on, closed=_closed(on, scenario))
        for on in days_between(scenario.start_on, scenario.end_on)
    )
    column = {day.on: i for i, day in enumerate(days)}
    people = sorted(
        (p for p in scenario.people if plan.events_for(p.person_id)),
        key=lambda p: (
            _ROLE_ORDER.index(p.role) if p.role in _ROLE_ORDER else len(_ROLE_ORDER),
            p.role,
        ),
    )
    rows = []
    for person in people:
        counts: list[Counter[str]] = [Counter() for _ in days]
        for event in plan.events_for(person.person_id):
            on = event.start.in_tz(tz).date()
            if on in column:
                counts[column[on]][event.kind] += 1
        rows.append(
            PersonRow(
                person_id=person.person_id,
                name=person.name,
                role=person.role,
                cells=tuple((c.total(), ", ".join(sorted(c))) for c in counts),
                total=len(plan.events_for(person.person_id)),
            )
        )
    titles = {r.request_id: r.title for r in scenario.requests}
    return Overview(
        scenario_name=scenario.name,
        scenario_id=scenario.scenario_id,
        version=version,
        issued=issued.in_tz(tz) if issued is not None else None,
        days=days,
        people=tuple(rows),
        kinds=tuple(Counter(e.kind for e in plan.events).most_common()),
        placed=len(plan.events),
        requested=len(plan.events) + len(plan.unplaced),
        unplaced=tuple(
            (titles.get(u.request_id, u.request_id), u.reason) for u in plan.unplaced
        ),
        errors=tuple(p.message for p in problems if p.severity == ERROR),
        warnings=tuple(p.message for p in problems if p.severity == WARNING),
    )


def _closed(on: Date, scenario: Scenario) -> str:
    if is_bank_holiday(on, scenario.calendar):
        return "holiday"
    if is_weekend(on, scenario.calendar):
        return "weekend"
    return ""


def render_overview(
    scenario: Scenario,
    plan: Plan,
    problems: Sequence[Violation],
    *,
    version: int | None = None,
    issued: DateTime | None = None,
    audience: str = INTERNAL,
) -> str:
    """Return the overview page: self-contained HTML, printable on A4 landscape.

    For the ``public`` *audience* the page keeps the chart, the map and the
    counts, which the public calendars show too (events and who attends), but
    not the unplaced requests' titles and reasons nor the checker's findings:
    those may name diary commitments, journeys and nights.
    """
    overview = attrs.evolve(
        build_overview(scenario, plan, problems, version=version, issued=issued),
        public=audience == PUBLIC,
    )
    venues = scenario.venue_by_id
    stops: list[tuple[Venue, str]] = [
        (venues[e.venue_id], "event") for e in plan.events if e.venue_id in venues
    ]
    route_map = build_route_map(stops, [], title="Every event of the programme")
    template = html_environment().get_template("overview.html.j2")
    return template.render(
        o=overview, map=render_route_map(route_map, map_id="map-programme")
    )
