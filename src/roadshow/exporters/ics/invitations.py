"""Invitations: one ``METHOD:REQUEST`` (or ``CANCEL``) file per event, for e-mail."""

from __future__ import annotations

from roadshow.errors import InvalidModelError
from roadshow.exporters.choices import INTERNAL
from roadshow.exporters.ics._writer import _check_scenario, _tzids, _Writer, _years
from roadshow.exporters.ics.vtimezone import vtimezone
from roadshow.model import (
    Plan,
    Scenario,
    ScheduledEvent,
    check_id,
)
from roadshow.versions import PlanVersion, plan_items


def render_invites(
    scenario: Scenario, plan: Plan, version: PlanVersion, *, organizer: str
) -> dict[str, bytes]:
    """Render one ``METHOD:REQUEST`` invitation file per event, for e-mailing.

    Only people with an e-mail address become ``ATTENDEE``s; events with none are
    left out. Cancelled events get a ``METHOD:CANCEL`` file. File names are
    ``<request id>.ics``.

    Args:
        scenario: The scenario (people's names and addresses).
        plan: The plan.
        version: The issued version (``DTSTAMP``, ``SEQUENCE``, cancellations).
        organizer: The organiser's e-mail address (replies go there).

    Raises:
        InvalidModelError: *organizer* is not an e-mail address, or a request id is
            not safe as a file name.
    """
    if "@" not in organizer or any(c in organizer for c in "\r\n <>"):
        raise InvalidModelError(
            obj="invitations",
            field="organizer",
            expected="an e-mail address",
            got=organizer,
        )
    _check_scenario(scenario, plan)
    writer = _Writer(scenario, plan, version, INTERNAL)
    files: dict[str, bytes] = {}
    entries = [(e, False) for e in plan_items(plan) if e.kind == "event"]
    entries += [(e, True) for e in version.cancelled if e.kind == "event"]
    for entry, gone in sorted(entries, key=lambda pair: pair[0].sort_key):
        assert isinstance(entry.item, ScheduledEvent)  # noqa: S101 - kind == "event"
        people = [
            scenario.person_by_id[p]
            for p in entry.item.attendees
            if p in scenario.person_by_id and scenario.person_by_id[p].email
        ]
        if not people:
            continue
        event = writer.component(entry, cancelled=gone)
        event.add("ORGANIZER", f"mailto:{organizer}")
        for person in people:
            event.add(
                "ATTENDEE",
                f"mailto:{person.email}",
                parameters={
                    "CN": person.name,
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                },
            )
        calendar = writer.calendar(
            entry.item.title, method="CANCEL" if gone else "REQUEST"
        )
        for tzid in _tzids(event):
            calendar.add_component(vtimezone(tzid, _years([(entry, gone)])))
        calendar.add_component(event)
        name = check_id(entry.item.request_id, obj="invitation", field="file name")
        files[f"{name}.ics"] = bytes(calendar.to_ical())
    return files
