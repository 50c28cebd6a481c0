"""``roadshow pull DIR --caldav URL``: what changed in the shared calendars."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from attrs import frozen
from icalendar import Calendar, Component

from roadshow.errors import InputError
from roadshow.publish._caldav import (
    Server,
    check_url,
    credentials,
    load_state,
    recorded_calendars,
    records,
)
from roadshow.publish._publish import show
from roadshow.publish._sync import FIELDS, Change, Remote, changes_since

PINS_PRODID = "-//roadshow//pins from a shared calendar//EN"


@frozen
class Pulled:
    """One change, the calendars it was seen in, and the calendar's copy."""

    change: Change
    calendars: tuple[str, ...]
    body: bytes = b""


@frozen
class PullResult:
    """The changes in the shared calendars since the last publish."""

    url: str
    changes: tuple[Pulled, ...]

    def pins(self) -> bytes:
        """An .ics of the moved (or re-placed) events as the calendar has them.

        Each keeps roadshow's UID, so a re-plan (``plan --pins FILE``) can hold
        it at its new time or place.
        """
        calendar = Calendar()
        calendar.add("PRODID", PINS_PRODID)
        calendar.add("VERSION", "2.0")
        calendar.add("X-WR-CALNAME", "roadshow pins")
        zones: dict[str, Component] = {}
        events: list[Component] = []
        for pulled in self.changes:
            if not pulled.change.pins or not pulled.body:
                continue
            source = Calendar.from_ical(pulled.body)
            for zone in source.walk("VTIMEZONE"):
                zones.setdefault(str(zone["TZID"]), zone)
            events.extend(
                e
                for e in source.walk("VEVENT")
                if str(e.get("UID")) == pulled.change.uid and "RECURRENCE-ID" not in e
            )
        for tzid in sorted(zones):
            calendar.add_component(zones[tzid])
        for event in events:
            calendar.add_component(event)
        return bytes(calendar.to_ical())

    @property
    def pin_count(self) -> int:
        """How many events the pins file holds."""
        return sum(1 for p in self.changes if p.change.pins and p.body)


def pull_caldav(
    folder: str | Path,
    url: str,
    *,
    user: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> PullResult:
    """Read the calendars published from *folder* to *url* and compare.

    Raises:
        InputError: nothing was published from this folder to that URL.
        ServerError: the server cannot be reached, refuses, or fails (exit 3).
    """
    url = check_url(url)
    state = load_state(folder)
    slugs = recorded_calendars(state, url)
    if not slugs:
        msg = f"nothing published to {url} from here yet"
        raise InputError(
            msg, source=str(folder), expected="a folder roadshow publish used"
        )
    login, password = credentials(url, user, environ)
    seen: dict[tuple[str, str, str], Pulled] = {}
    with Server(url, login, password) as server:
        for slug in slugs:
            remote = server.events(slug) or {}
            for change in changes_since(records(state, url, slug), remote):
                key = (
                    change.uid,
                    change.kind,
                    repr(sorted((change.after or {}).items())),
                )
                if key in seen:
                    old = seen[key]
                    seen[key] = Pulled(old.change, (*old.calendars, slug), old.body)
                else:
                    seen[key] = Pulled(change, (slug,), _body(remote, change.uid))
    ordered = sorted(seen.values(), key=lambda p: (_when(p.change), p.change.uid))
    return PullResult(url=url, changes=tuple(ordered))


def _body(remote: Mapping[str, Remote], uid: str) -> bytes:
    have = remote.get(uid)
    return have.body if have is not None else b""


def _when(change: Change) -> str:
    return (change.before or change.after or {}).get("DTSTART", "")


def render_pull(result: PullResult) -> str:
    """The changes as a table: what, which event, the plan's and the calendar's side."""
    if not result.changes:
        return "No changes in the shared calendars since the last publish.\n"
    rows = [("Change", "Event", "Published", "Calendar now", "Calendars")]
    for pulled in result.changes:
        change = pulled.change
        rows.append(
            (
                change.kind,
                _cut(change.title, 40),
                _side(change, change.before),
                _side(change, change.after),
                ", ".join(pulled.calendars),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in [*widths, len(rows[0][-1])]))
    return "\n".join(lines) + "\n"


def _side(change: Change, fields: Mapping[str, str] | None) -> str:
    if fields is None:
        return "deleted"
    if not fields:
        return "-"
    if change.kind == "cancelled":
        return fields.get("STATUS", "").lower() or "-"
    if change.kind in {"moved", "added"}:
        text = show("DTSTART", fields.get("DTSTART", ""))
        if change.pins and change.before.get("LOCATION") != fields.get("LOCATION"):
            text += ", " + _cut(fields.get("LOCATION", ""), 30)
        return text
    other = change.after or {}
    changed = [f for f in FIELDS if change.before.get(f) != other.get(f)]
    return "; ".join(f"{f}: {_cut(show(f, fields.get(f, '')), 30)}" for f in changed)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
