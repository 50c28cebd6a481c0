"""Re-planning from the CLI: the published baseline, the guard, the what-if.

``roadshow plan --out DIR`` re-plans against the version ``DIR/latest`` shows
(see :mod:`roadshow.planner._baseline`); these helpers read that version, say
which published events a new plan would lose (the publishing guard), and render
``--dry-run``'s preview in the ``roadshow changes`` format.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
from pendulum import DateTime

from roadshow.errors import InputError

if TYPE_CHECKING:
    from roadshow.model import ChangeReason, Plan, Scenario, ScheduledEvent

ALL = "all"
"""``--allow-cancel all``: publish whatever the re-plan loses."""


def parse_now(text: str, tz: str) -> DateTime:
    """Parse ``--now``: a date and time, in *tz* unless it names its offset.

    Raises:
        InputError: *text* is not a date and time.
    """
    try:
        parsed = pendulum.parse(text, tz=tz, strict=False)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        parsed = None
    if not isinstance(parsed, DateTime):
        msg = "not a date and time"
        raise InputError(
            msg,
            source="--now",
            expected="a date and time such as 2008-09-15T12:00",
            got=text,
        )
    return parsed


def published_plan(out_dir: Path, scenario: Scenario) -> Plan | None:
    """The plan ``out_dir/latest`` shows, if it is of *scenario* (else None)."""
    from roadshow.history import PlanHistory
    from roadshow.outputs import latest_version

    number = latest_version(out_dir)
    if number is None:
        return None
    found = PlanHistory.in_folder(out_dir).plan(number)
    return found if found.scenario_id == scenario.scenario_id else None


def lost_events(
    published: Plan,
    plan: Plan,
    changes: Sequence[ChangeReason],
    allowed: Sequence[str],
) -> list[tuple[ScheduledEvent, str]]:
    """Published events *plan* would cancel or leave unplaced, not allowed, and why."""
    if ALL in allowed:
        return []
    kept = {e.request_id for e in plan.events}
    why = {c.request_id: c.reason for c in changes}
    unplaced = {u.request_id: u.reason for u in plan.unplaced}
    return [
        (
            event,
            why.get(event.request_id)
            or unplaced.get(event.request_id)
            or "its request is no longer in the scenario",
        )
        for event in published.events
        if event.request_id not in kept and event.request_id not in allowed
    ]


def render_lost(lost: list[tuple[ScheduledEvent, str]], tz: str) -> str:
    """The guard's message: what would be lost and why, and how to publish anyway."""
    count = len(lost)
    lines = [f"Not published: it would cancel or leave unplaced {count} event(s):"]
    from roadshow.exporters._text import inert

    for event, why in lost:
        when = event.start.in_tz(tz).format("ddd D MMM YYYY HH:mm")
        lines.append(inert(f"  {event.request_id}: {event.title}, {when}: {why}"))
    ids = " ".join(event.request_id for event, _ in lost)
    lines.append(
        f"The latest version is unchanged. To publish anyway: --allow-cancel {ids}"
        " (or --allow-cancel all)."
    )
    return "\n".join(lines) + "\n"


def check_allowed(allowed: Sequence[str], published: Plan | None) -> None:
    """Every ``--allow-cancel`` id must be a published event (or ``all``).

    Raises:
        InputError: an id that is not a published event.
    """
    from roadshow.errors import closest

    known = {e.request_id for e in published.events} if published else set()
    for value in allowed:
        if value != ALL and value not in known:
            msg = "not a published event"
            raise InputError(
                msg,
                source="--allow-cancel",
                expected="the id of an event in the latest version, or 'all'",
                got=value,
                suggestion=closest(value, known),
            )


def render_dry_run(
    out_dir: Path,
    scenario: Scenario,
    plan: Plan,
    changes: Sequence[ChangeReason],
    *,
    form: str = "table",
) -> str:
    """What publishing *plan* in *out_dir* would change, in the ``changes`` format."""
    from roadshow.exporters.changes import render_changes_json, render_changes_table
    from roadshow.history import PlanHistory
    from roadshow.outputs import latest_version

    found = [
        c
        for c in PlanHistory.in_folder(out_dir).preview(plan)
        if c.item.kind == "event"
    ]
    reasons = {c.request_id: c for c in changes}
    since = latest_version(out_dir) or 0
    if form == "json":
        return render_changes_json(found, scenario, reasons, since=since, until=None)
    head = (
        f"Changes a re-plan would make to version {since}"
        " (dry run, nothing published):\n"
    )
    return head + render_changes_table(found, scenario, reasons)


def load_pins(path: Path, scenario: Scenario, published: Plan | None) -> Scenario:
    """*scenario* with each event moved by hand in the calendar *path* pinned there.

    An event is recognised by its UID (or roadshow's ``X-ROADSHOW-*``
    properties); one whose day, time or venue differs from the published
    version becomes a pin of that day, time and venue, which the planner then
    checks like any pin.

    Raises:
        InputError: the file cannot be read, or an event's UID is not one
            roadshow gave an event of *scenario*.
    """
    import warnings

    import attrs

    from roadshow.errors import SkippedContentWarning
    from roadshow.importers.plan_ics import load_plan_ics

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        edited = load_plan_ics(path, scenario)
    for warning in caught:
        text = str(warning.message)
        if "not an event of scenario" in text:
            where = text.split(": event skipped", 1)[0]
            line = where.rsplit(", ", 1)[-1] if ", line " in where else None
            msg = "an event roadshow does not know (its UID is not one of this plan's)"
            raise InputError(
                msg,
                source=str(path),
                location=line,
                expected=f"events exported by roadshow for {scenario.scenario_id},"
                " with their UIDs",
            )
        if issubclass(warning.category, SkippedContentWarning):
            warnings.warn(text, SkippedContentWarning, stacklevel=2)
    _check_uids(path, scenario)
    before = {e.request_id: e for e in published.events} if published else {}
    pins = {}
    for event in edited.events:
        old = before.get(event.request_id)
        if old is not None and (old.start, old.end, old.venue_id) == (
            event.start,
            event.end,
            event.venue_id,
        ):
            continue
        request = scenario.request_by_id[event.request_id]
        if request.follows is not None:
            msg = f"{request.request_id} follows {request.follows} and moves with it"
            raise InputError(
                msg,
                source=str(path),
                expected=f"the event it follows ({request.follows}) moved instead",
            )
        local = event.start.in_tz(scenario.timezone)
        pins[event.request_id] = attrs.evolve(
            request,
            pin_on=local.date(),
            pin_at=local.time(),
            venue_ids=(event.venue_id,),
        )
    if not pins:
        return scenario
    return attrs.evolve(
        scenario,
        requests=tuple(pins.get(r.request_id, r) for r in scenario.requests),
    )


def _check_uids(path: Path, scenario: Scenario) -> None:
    """Every event in *path* must carry the UID roadshow gave one of its events."""
    import icalendar

    from roadshow.versions import event_uid

    known = {event_uid(scenario.scenario_id, r.request_id) for r in scenario.requests}
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    for event in calendar.walk("VEVENT"):
        if str(event.get("X-ROADSHOW-KIND", "")) in {"travel", "stay"}:
            continue
        uid = str(event.get("UID", ""))
        if uid not in known:
            msg = "an event roadshow does not know"
            raise InputError(
                msg,
                source=str(path),
                location=f"UID {uid}" if uid else "an event without a UID",
                expected=f"the UID of an event roadshow exported for"
                f" {scenario.scenario_id}",
            )
