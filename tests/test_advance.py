"""The advance-work list: deadlines in working days, stable UIDs, the formats."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import icalendar
import pendulum
import pytest
import vobject
from click.testing import CliRunner

from builders import person, scenario, visit
from roadshow.advance import NIGHT, AdvanceTemplate, advance_tasks
from roadshow.cli import cli
from roadshow.exporters.advance import (
    render_advance_csv,
    render_advance_ics,
    render_advance_markdown,
    render_advance_text,
)
from roadshow.model import OvernightStay, Plan, Scenario, ScheduledEvent

TEMPLATES = (
    AdvanceTemplate(kind="*", task="Book travel", days_before=10),
    AdvanceTemplate(kind="visit", task="Brief the principal", days_before=2),
    AdvanceTemplate(kind=NIGHT, task="Book lodging", days_before=3),
)
STAMP = pendulum.datetime(2008, 9, 1, tz="UTC")


@pytest.fixture
def small() -> Scenario:
    return scenario([visit("leeds-visit", "leeds")], people=[person("ann")])


def _plan_on(day: int) -> Plan:
    start = pendulum.datetime(2008, 9, day, 10, tz="Europe/London")
    return Plan(
        scenario_id="test",
        events=[
            ScheduledEvent(
                request_id="leeds-visit",
                title="Visit leeds-visit",
                kind="visit",
                venue_id="leeds",
                start=start,
                end=start.add(hours=2),
                attendees=("ann",),
            )
        ],
        stays=[OvernightStay(person_id="ann", night_of=start.date(), venue_id="leeds")],
    )


def test_deadlines_count_working_days_and_skip_bank_holidays() -> None:
    """Default scenario: 15 working days before Mon 8 Sep 2008 is Fri 15 Aug."""
    from roadshow.data import nhs2008

    nhs = nhs2008.scenario()
    start = pendulum.datetime(2008, 9, 8, 10, 30, tz="Europe/London")
    plan = Plan(
        scenario_id=nhs.scenario_id,
        events=[
            ScheduledEvent(
                request_id="visit-Q31",
                title="Listening event",
                kind="tour",
                venue_id="Q31-hq",
                start=start,
                end=start.add(hours=2),
                attendees=("darzi",),
            )
        ],
    )
    (confirm,) = [t for t in advance_tasks(nhs, plan) if t.task == "Confirm the venue"]
    # 25 Aug 2008 (the summer bank holiday) and four weekends are skipped.
    assert confirm.due == pendulum.date(2008, 8, 15)


def test_a_moved_event_moves_its_deadlines_and_keeps_its_uids(
    small: Scenario,
) -> None:
    """Re-planned from Wed 17 to Mon 22 Sep: same UIDs, later due dates."""
    before = advance_tasks(small, _plan_on(17), TEMPLATES)
    after = advance_tasks(small, _plan_on(22), TEMPLATES)
    assert {t.task for t in before} == {
        "Book travel",
        "Brief the principal",
        "Book lodging",
    }
    by_task = {t.task: t for t in before}
    moved = {t.task: t for t in after}
    travel_uid = by_task["Book travel"].uid
    assert moved["Book travel"].uid == travel_uid
    assert by_task["Book travel"].due == pendulum.date(2008, 9, 3)
    assert moved["Book travel"].due == pendulum.date(2008, 9, 8)
    assert by_task["Brief the principal"].due == pendulum.date(2008, 9, 15)
    assert by_task["Book lodging"].item == "Night away for Ann"


def test_a_template_must_say_a_sane_number_of_days() -> None:
    """Days before outside 0..260 are refused with the field named."""
    with pytest.raises(ValueError, match="days_before"):
        AdvanceTemplate(kind="*", task="Book travel", days_before=-1)


def test_ics_tasks_read_the_same_in_two_parsers(small: Scenario) -> None:
    """One VTODO per task with its DUE date and UID, in icalendar and vobject."""
    tasks = advance_tasks(small, _plan_on(17), TEMPLATES)
    data = render_advance_ics(tasks, issued_at=STAMP)
    todos = icalendar.Calendar.from_ical(data).walk("VTODO")
    assert [str(t["UID"]) for t in todos] == [t.uid for t in tasks]
    assert [t["DUE"].dt for t in todos] == [
        pendulum.date(t.due.year, t.due.month, t.due.day) for t in tasks
    ]
    parsed = vobject.readOne(data.decode("utf-8"))
    assert len(parsed.vtodo_list) == len(tasks)


def test_text_markdown_and_csv_list_every_task(small: Scenario) -> None:
    """Every format names each task; CSV cells that look like formulas are defused."""
    tasks = advance_tasks(small, _plan_on(17), TEMPLATES)
    text = render_advance_text(tasks)
    markdown = render_advance_markdown(tasks)
    for task in tasks:
        assert task.task in text
        assert task.task in markdown
    rows = list(csv.DictReader(io.StringIO(render_advance_csv(tasks).lstrip("\ufeff"))))
    assert [row["uid"] for row in rows] == [t.uid for t in tasks]
    assert rows[0]["due"] == "2008-09-03"


def test_the_cli_writes_the_list(runner: CliRunner, tmp_path: Path) -> None:
    """`roadshow advance --plan plan.json --format csv` lists that plan's tasks."""
    from roadshow.data import nhs2008
    from roadshow.planfile import render_plan_file

    nhs = nhs2008.scenario()
    start = pendulum.datetime(2008, 9, 10, 18, 30, tz="Europe/London")
    plan = Plan(
        scenario_id=nhs.scenario_id,
        events=[
            ScheduledEvent(
                request_id="consultation-5P6",
                title="Public consultation: West Sussex PCT",
                kind="consultation",
                venue_id="5P6-point",
                start=start,
                end=start.add(hours=2),
                attendees=("chair-Q37",),
            )
        ],
    )
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(render_plan_file(plan), encoding="utf-8")
    out = tmp_path / "advance.csv"
    result = runner.invoke(
        cli, ["advance", "--plan", str(plan_path), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {row["task"] for row in rows} == {
        "Confirm the venue",
        "Book travel",
        "Publicise the event locally",
    }
    assert {row["request"] for row in rows} == {"consultation-5P6"}


def test_the_scenario_file_sets_the_tasks(tmp_path: Path) -> None:
    """[[advance]] entries replace the defaults; a misspelt kind is refused."""
    from roadshow.errors import ScenarioFileError
    from roadshow.importers.scenario import load_scenario

    base = """
id = "t"
start = 2008-09-08
end = 2008-09-19
[[venues]]
id = "leeds"
name = "Leeds Town Hall"
lat = 53.80
lon = -1.55
[[people]]
id = "ann"
name = "Ann"
home = "leeds"
[[requests]]
id = "visit"
title = "Visit"
kind = "visit"
attendees = ["ann"]
venue = "leeds"
duration = "1h"
[[advance]]
kind = "{kind}"
task = "Order the sandwiches"
days_before = 3
"""
    good = tmp_path / "good.toml"
    good.write_text(base.format(kind="visit"), encoding="utf-8")
    (template,) = load_scenario(good).advance
    assert (template.kind, template.task, template.days_before) == (
        "visit",
        "Order the sandwiches",
        3,
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(base.format(kind="vist"), encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(bad)
    assert "advance[0].kind" in str(caught.value)
    assert caught.value.suggestion == "visit"
