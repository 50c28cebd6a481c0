"""The advance-work list: what must be booked and prepared, by when, for a plan.

Each event and each night away needs work done beforehand: lodging and travel
booked, the venue confirmed, the principal briefed, the press notice issued,
local stakeholders invited. :class:`AdvanceTemplate` says what, for which kind
of item, and how many working days ahead; :func:`advance_tasks` turns a plan
into dated tasks (pure: no clock, no I/O). Deadlines count working days back
from the item's local date, skipping weekends and bank holidays, so a re-plan
that moves an event moves its deadlines with it. Task UIDs are derived from
the scenario, the item and the template, so they stay the same across re-plans
and calendar clients update the task rather than duplicate it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from attrs import frozen
from pendulum import Date

from roadshow.model import Plan, Scenario
from roadshow.model.advance import ANY_EVENT, NIGHT, AdvanceTemplate
from roadshow.rules import is_working_day
from roadshow.versions import event_uid

DEFAULT_TEMPLATES: Final = (
    AdvanceTemplate(kind=ANY_EVENT, task="Confirm the venue", days_before=15),
    AdvanceTemplate(kind=ANY_EVENT, task="Book travel", days_before=10),
    AdvanceTemplate(
        kind="tour", task="Invite local stakeholders", days_before=15, audience="public"
    ),
    AdvanceTemplate(kind="tour", task="Brief the principal", days_before=2),
    AdvanceTemplate(
        kind="tour", task="Issue the press notice", days_before=5, audience="public"
    ),
    AdvanceTemplate(
        kind="consultation",
        task="Publicise the event locally",
        days_before=10,
        audience="public",
    ),
    AdvanceTemplate(kind="national", task="Brief the principal", days_before=3),
    AdvanceTemplate(kind=NIGHT, task="Book lodging", days_before=10),
)
"""Sensible defaults for the 2008 programme's kinds (illustrative, not sourced)."""


@frozen(kw_only=True)
class AdvanceTask:
    """A dated piece of advance work for one event or one night away."""

    uid: str
    due: Date
    task: str
    item: str
    """What the task is for: the event's title, or "Night away for <person>"."""
    item_on: Date
    """The event's (or night's) local date."""
    kind: str
    people: tuple[str, ...]
    """Names of the people concerned."""
    request_id: str | None
    audience: str


def advance_tasks(
    scenario: Scenario,
    plan: Plan,
    templates: Sequence[AdvanceTemplate] | None = None,
) -> tuple[AdvanceTask, ...]:
    """Return the advance work a plan needs, sorted by due date then item.

    The templates are, first found: *templates*, the scenario's ``[[advance]]``
    entries, :data:`DEFAULT_TEMPLATES`.
    """
    if templates is None:
        templates = scenario.advance or DEFAULT_TEMPLATES
    tz = scenario.timezone
    names = {p.person_id: p.name for p in scenario.people}
    tasks: list[AdvanceTask] = []
    for event in plan.events:
        on = event.start.in_tz(tz).date()
        for template in templates:
            if template.kind not in (ANY_EVENT, event.kind):
                continue
            tasks.append(
                AdvanceTask(
                    uid=event_uid(
                        scenario.scenario_id,
                        f"advance/{event.request_id}/{template.task}",
                    ),
                    due=_working_days_before(on, template.days_before, scenario),
                    task=template.task,
                    item=event.title,
                    item_on=on,
                    kind=event.kind,
                    people=tuple(names.get(a, a) for a in event.attendees),
                    request_id=event.request_id,
                    audience=template.audience,
                )
            )
    for stay in plan.stays:
        # At a lodging, the task names it ("Book lodging at Quayside Hotel"); the
        # UID does not, so a re-plan that changes the hotel updates the task.
        lodging = scenario.lodging_by_id.get(stay.venue_id)
        for template in templates:
            if template.kind != NIGHT:
                continue
            person = names.get(stay.person_id, stay.person_id)
            tasks.append(
                AdvanceTask(
                    uid=event_uid(
                        scenario.scenario_id,
                        f"advance/night/{stay.person_id}/{stay.night_of}/{template.task}",
                    ),
                    due=_working_days_before(
                        stay.night_of, template.days_before, scenario
                    ),
                    task=f"{template.task} at {lodging.name}"
                    if lodging
                    else template.task,
                    item=f"Night away for {person}",
                    item_on=stay.night_of,
                    kind=NIGHT,
                    people=(person,),
                    request_id=None,
                    audience=template.audience,
                )
            )
    return tuple(sorted(tasks, key=lambda t: (t.due, t.item_on, t.item, t.task, t.uid)))


def _working_days_before(on: Date, days: int, scenario: Scenario) -> Date:
    """The date *days* working days before *on* (weekends and holidays skipped)."""
    due = on
    left = days
    while left > 0:
        due = due.subtract(days=1)
        if is_working_day(due, scenario.calendar):
            left -= 1
    return due


__all__ = [
    "ANY_EVENT",
    "DEFAULT_TEMPLATES",
    "NIGHT",
    "AdvanceTask",
    "AdvanceTemplate",
    "advance_tasks",
]
