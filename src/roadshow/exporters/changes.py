"""What changed between two issued plan versions: a table, and an e-mail notice.

The renderers are pure and take the changes computed by
:meth:`roadshow.history.PlanHistory.changes` (or :func:`roadshow.versions.diff`),
and optionally the reasons a re-plan recorded for them
(:class:`~roadshow.model.ChangeReason`, by request). Names, titles and reasons
are made inert (:func:`~roadshow.exporters._text.inert`): the table goes to a
terminal, the notice into an e-mail. Times are shown in the scenario's zone
(Europe/London by default) with the day, so a reader never has to convert.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pendulum import DateTime

from roadshow.exporters._text import inert, table
from roadshow.model import (
    ChangeReason,
    OvernightStay,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)
from roadshow.timeutil import DEFAULT_TZ
from roadshow.versions import CalendarItem, Change, EntryNames

_ORDER: Final = (
    "moved",
    "venue changed",
    "route changed",
    "added",
    "reinstated",
    "cancelled",
)
_HEADINGS: Final = {
    "moved": "Moved",
    "venue changed": "New venue",
    "route changed": "New route",
    "added": "Added",
    "reinstated": "Back in the programme",
    "cancelled": "Cancelled",
}


SCHEMA: Final = "roadshow-changes/1"
"""The ``changes --format json`` schema (see ``docs/changes-json.md``)."""

Reasons = Mapping[str, ChangeReason]
"""Why events changed, by request id."""


def reason_of(change: Change, reasons: Reasons | None) -> ChangeReason | None:
    """The recorded reason for an event's change (None for travel or none kept)."""
    item = change.item.item
    if not reasons or not isinstance(item, ScheduledEvent):
        return None
    return reasons.get(item.request_id)


def render_changes_table(
    changes: Sequence[Change],
    scenario: Scenario | None = None,
    reasons: Reasons | None = None,
    *,
    names: EntryNames | None = None,
) -> str:
    """Return the changes as an aligned text table, one row per entry.

    With *reasons*, a last column says why each event changed. People and
    venues are named from *scenario*, else from the version's stored *names*.
    """
    if not changes:
        return "No changes.\n"
    shown = _Names(scenario, names)
    rows: list[tuple[str, ...]] = [
        (
            ", ".join(change.what),
            shown.title(change.item),
            shown.when(change.before) if change.before else "",
            shown.when(change.after) if change.after and _live(change) else "",
            shown.place(change.before) if change.before else "",
            shown.place(change.after) if change.after and _live(change) else "",
        )
        for change in changes
    ]
    headings: tuple[str, ...] = ("change", "entry", "was", "now", "was at", "now at")
    if reasons:
        rows = [
            (*row, _why(reason_of(change, reasons)))
            for row, change in zip(rows, changes, strict=True)
        ]
        headings = (*headings, "why")
    return table(headings, rows)


def _why(reason: ChangeReason | None) -> str:
    return "" if reason is None else reason.reason


def render_changes_json(
    changes: Sequence[Change],
    scenario: Scenario | None = None,
    reasons: Reasons | None = None,
    *,
    since: int,
    until: int | None,
    names: EntryNames | None = None,
) -> str:
    """Return the changes as JSON (schema ``roadshow-changes/1``).

    *until* is None for a change not yet published (``plan --dry-run``).
    *names* are the version's stored names, used when there is no *scenario*.
    """
    shown = _Names(scenario, names)
    out = {
        "schema": SCHEMA,
        "since": since,
        "until": until,
        "changes": [
            _json_change(shown, change, reason_of(change, reasons))
            for change in changes
        ],
    }
    # ASCII (\uXXXX escapes): the report goes to a terminal, and JSON alone
    # leaves C1 controls and bidi overrides in names as they are.
    return json.dumps(out, indent=2, ensure_ascii=True) + "\n"


def _json_change(
    names: _Names, change: Change, reason: ChangeReason | None
) -> dict[str, Any]:
    item = change.item.item
    return {
        "uid": change.uid,
        "kind": change.item.kind,
        "request_id": item.request_id if isinstance(item, ScheduledEvent) else None,
        "entry": names.title(change.item),
        "what": list(change.what),
        "was": _json_form(change.before),
        "now": _json_form(change.after) if _live(change) else None,
        "reason": None
        if reason is None
        else {
            "change": reason.change,
            "cause": reason.cause,
            "text": reason.reason,
            "made_room_for": reason.made_room_for,
        },
    }


def _json_form(entry: CalendarItem | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    item = entry.item
    if isinstance(item, ScheduledEvent):
        return {
            "start": item.start.isoformat(),
            "end": item.end.isoformat(),
            "venue_id": item.venue_id,
        }
    if isinstance(item, TravelLeg):
        return {
            "start": item.depart.isoformat(),
            "end": item.arrive.isoformat(),
            "from_id": item.from_id,
            "to_id": item.to_id,
            "mode": item.mode,
        }
    return {"night_of": item.night_of.isoformat(), "venue_id": item.venue_id}


def render_change_notice(
    changes: Sequence[Change],
    scenario: Scenario | None = None,
    *,
    since: int,
    until: int,
    issued_at: DateTime,
    reasons: Reasons | None = None,
    names: EntryNames | None = None,
) -> str:
    """Return a short plain-text notice of the changes, ready to e-mail.

    Args:
        changes: The changes from version *since* to *until*.
        scenario: For names and venues (ids are shown without it).
        since: The version compared against (0: none).
        until: The version the notice announces.
        issued_at: When version *until* was issued.
        reasons: Why events changed, by request id (each shown under its line).
        names: The version's stored names, used when there is no *scenario*.
    """
    shown = _Names(scenario, names)
    # Mailed as is: every value is made one inert line, so a name with a newline
    # cannot add a header (Bcc:) or a line of its own to the body.
    title = (
        inert(shown.scenario_name)
        if shown.scenario_name is not None
        else "The programme"
    )
    lines = [
        f"Subject: {title}: changes in version {until}",
        "",
        f"Version {until} of the programme was issued on "
        f"{shown.day_time(issued_at)}."
        + (f" Since version {since}:" if since else " It holds:"),
    ]
    if not changes:
        lines.append("")
        lines.append("Nothing has changed.")
    for what in _ORDER:
        group = [c for c in changes if c.what[0] == what]
        if not group:
            continue
        lines += ["", _HEADINGS[what]]
        for change in group:
            lines.append(f"- {inert(shown.sentence(change))}")
            why = reason_of(change, reasons)
            if why is not None:
                lines.append(f"  Why: {inert(why.reason)}")
    lines += [
        "",
        "Subscribed calendars update by themselves within a few hours. If you",
        "imported a calendar file instead, import the new one: moved and",
        "cancelled events are matched by their UID and replaced.",
    ]
    return "\n".join(lines) + "\n"


def _live(change: Change) -> bool:
    return "cancelled" not in change.what


class _Names:
    """Names, places and times of entries.

    From the scenario when there is one, else from the names the version was
    issued with, else the ids themselves.
    """

    def __init__(
        self, scenario: Scenario | None, stored: EntryNames | None = None
    ) -> None:
        known = EntryNames.of(scenario) if scenario is not None else stored
        self.scenario_name = known.scenario if known is not None else None
        self.tz = known.timezone if known is not None else DEFAULT_TZ
        self.people: Mapping[str, str] = known.people if known is not None else {}
        self.venues: Mapping[str, str] = known.venues if known is not None else {}

    def person(self, person_id: str) -> str:
        return self.people.get(person_id, person_id)

    def venue(self, venue_id: str) -> str:
        return self.venues.get(venue_id, venue_id)

    def title(self, entry: CalendarItem) -> str:
        item = entry.item
        if isinstance(item, ScheduledEvent):
            return item.title
        if isinstance(item, TravelLeg):
            return f"Travel ({self.person(item.person_id)})"
        return f"Overnight stay ({self.person(item.person_id)})"

    def day_time(self, value: DateTime) -> str:
        return value.in_timezone(self.tz).format("ddd D MMM YYYY HH:mm")

    def when(self, entry: CalendarItem) -> str:
        item = entry.item
        if isinstance(item, OvernightStay):
            return f"night of {item.night_of.format('ddd D MMM YYYY')}"
        start, end = (
            (item.start, item.end)
            if isinstance(item, ScheduledEvent)
            else (item.depart, item.arrive)
        )
        return f"{self.day_time(start)}-{end.in_timezone(self.tz).format('HH:mm')}"

    def place(self, entry: CalendarItem) -> str:
        item = entry.item
        if isinstance(item, TravelLeg):
            return f"{self.venue(item.from_id)} to {self.venue(item.to_id)}"
        return self.venue(item.venue_id)

    def sentence(self, change: Change) -> str:
        title = self.title(change.item)
        after, before = change.after, change.before
        if "cancelled" in change.what and before is not None:
            return f"{title}: was {self.when(before)}, {self.place(before)}"
        if after is None:  # pragma: no cover - only cancellations lack an "after"
            return title
        now = f"{title}: {self.when(after)}, {self.place(after)}"
        if before is None or change.what in {("added",), ("reinstated",)}:
            return now
        return f"{now} (was {self.when(before)}, {self.place(before)})"
