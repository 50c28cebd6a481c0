"""The programme at a glance: the chart, the map, the unplaced list and the verdict."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs
import pendulum

from roadshow.checks import ERROR, WARNING, Violation
from roadshow.exporters.overview import build_overview, render_overview
from roadshow.model import Plan, Scenario, Unplaced


class Cells(HTMLParser):
    """The chart's rows (person id -> cell texts) and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.tags: list[str] = []
        self._row: str | None = None
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "tr" and found.get("data-person"):
            self._row = found["data-person"]
            self.rows[self._row] = []
        if tag == "td" and self._row:
            self.rows[self._row].append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._row:
            self.rows[self._row][-1] += data.strip()


def test_the_chart_puts_each_event_on_its_day(scenario: Scenario, plan: Plan) -> None:
    """Each person's row counts their events on the right day of the window."""
    overview = build_overview(scenario, plan, ())
    days = [day.on for day in overview.days]
    assert days[0] == scenario.start_on
    assert days[-1] == scenario.end_on
    for row in overview.people:
        for event in plan.events_for(row.person_id):
            on = event.start.in_tz(scenario.timezone).date()
            count, kinds = row.cells[days.index(on)]
            assert count >= 1
            assert event.kind in kinds
        assert sum(count for count, _ in row.cells) == row.total


def test_the_page_shows_rows_unplaced_and_verdict(
    scenario: Scenario, plan: Plan
) -> None:
    """Rendered: one row per person with events, the unplaced reason, the errors."""
    hostile = attrs.evolve(
        plan,
        unplaced=(Unplaced(request_id="x", reason="<script>no room</script>"),),
    )
    problem = Violation(
        rule="overlap", severity=ERROR, message="Lord Minister: two places at once"
    )
    page = render_overview(
        scenario,
        hostile,
        (problem,),
        version=4,
        issued=pendulum.datetime(2008, 9, 1, tz="UTC"),
    )
    cells = Cells()
    cells.feed(page)
    assert set(cells.rows) == {p for p in ("minister", "chair-Y") if plan.events_for(p)}
    assert "script" not in cells.tags  # the reason is text, not markup
    assert "&lt;script&gt;no room&lt;/script&gt;" in page
    assert "Error: Lord Minister: two places at once" in page
    assert "Plan version 4, issued Mon 1 Sep 2008" in page
    assert page.count('class="route-map"') == 1


def test_the_public_page_counts_but_never_names_problems(
    scenario: Scenario, plan: Plan
) -> None:
    """The public overview keeps the chart and map, and only counts what is
    unplaced and what the checker found: their text may name diary entries."""
    hidden = attrs.evolve(
        plan,
        unplaced=(
            Unplaced(request_id="x", reason="Lord Minister unavailable: Cabinet"),
        ),
    )
    problem = Violation(
        rule="commitment",
        severity=WARNING,
        message="Lord Minister: travel clashes with a dental appointment",
    )
    page = render_overview(scenario, hidden, (problem,), audience="public")
    assert "Cabinet" not in page
    assert "dental" not in page
    assert "1 request not placed yet." in page
    assert "0 errors, 1 warning." in page
    cells = Cells()
    cells.feed(page)
    assert set(cells.rows) == {p for p in ("minister", "chair-Y") if plan.events_for(p)}
    assert page.count('class="route-map"') == 1
    internal = render_overview(scenario, hidden, (problem,))
    assert "Cabinet" in internal
    assert "dental appointment" in internal
