"""The advance-work list as text, Markdown, CSV and an iCalendar of VTODO tasks.

The ``.ics`` holds one ``VTODO`` per task with a ``DUE`` date and a UID that
stays the same across re-plans, so a task list imported into Outlook, Apple
Reminders or Thunderbird updates its deadlines when the plan moves an event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from itertools import groupby

import icalendar
from pendulum import DateTime

from roadshow.advance import AdvanceTask
from roadshow.exporters._templates import escape_markdown
from roadshow.exporters._text import inert
from roadshow.timeutil import short_day

_PRODID = "-//roadshow//advance work//EN"


def render_advance_text(tasks: Sequence[AdvanceTask]) -> str:
    """Return the tasks as a plain-text checklist grouped by due date."""
    if not tasks:
        return "No advance work: the plan has no events or nights away.\n"
    lines = [f"Advance work: {len(tasks)} tasks"]
    for due, group in groupby(tasks, key=lambda t: t.due):
        lines += ["", f"Due {short_day(due)}"]
        lines += [
            f"  [ ] {inert(t.task)}: {inert(t.item)}, {short_day(t.item_on)}"
            f" ({inert(', '.join(t.people))})"
            for t in group
        ]
    return "\n".join(lines) + "\n"


def render_advance_markdown(tasks: Sequence[AdvanceTask]) -> str:
    """Return the tasks as a Markdown checklist grouped by due date."""
    lines = ["# Advance work"]
    for due, group in groupby(tasks, key=lambda t: t.due):
        lines += ["", f"## Due {short_day(due)}", ""]
        lines += [
            f"- [ ] **{escape_markdown(t.task)}**: {escape_markdown(t.item)},"
            f" {short_day(t.item_on)} ({escape_markdown(', '.join(t.people))})"
            for t in group
        ]
    return "\n".join(lines) + "\n"


def render_advance_csv(tasks: Sequence[AdvanceTask]) -> str:
    """Return the tasks as CSV (UTF-8 with a BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["due", "task", "for", "on", "kind", "people", "request", "audience", "uid"]
    )
    for t in tasks:
        writer.writerow(
            [
                t.due.isoformat(),
                _cell(t.task),
                _cell(t.item),
                t.item_on.isoformat(),
                t.kind,
                _cell("; ".join(t.people)),
                t.request_id or "",
                t.audience,
                t.uid,
            ]
        )
    return "\ufeff" + out.getvalue()


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_advance_ics(tasks: Sequence[AdvanceTask], *, issued_at: DateTime) -> bytes:
    """Return the tasks as an iCalendar of ``VTODO`` components with ``DUE`` dates."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Advance work")
    for t in tasks:
        todo = icalendar.Todo()
        todo.add("uid", t.uid)
        todo.add("dtstamp", issued_at.in_tz("UTC"))
        todo.add("due", t.due)
        todo.add("summary", f"{t.task}: {t.item}")
        todo.add(
            "description",
            f"{t.task} for {t.item} on {short_day(t.item_on)}."
            f" People: {', '.join(t.people)}.",
        )
        todo.add("categories", [t.kind])
        todo.add("status", "NEEDS-ACTION")
        calendar.add_component(todo)
    data: bytes = calendar.to_ical()
    return data
