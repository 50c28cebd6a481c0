"""What to send to a shared calendar: the pure sync planner (no I/O, no clock).

Given the events a plan's calendar holds (:class:`Wanted`), the events the
server holds now (:class:`Remote`) and what the last publish recorded
(:class:`Record`), :func:`plan_sync` decides, by UID, what to create, update or
delete, what to leave, and what is a conflict:

- the server's copy is *untouched* when its ETag is the one the last publish got
  back; roadshow then updates or deletes it freely (with ``If-Match``);
- a copy that is not untouched (edited by hand, or never recorded) and differs
  from the plan in a field people see is a conflict: it is reported (what the plan
  says, what the calendar says) and left, unless ``force``;
- a copy that already says what the plan says is adopted: recorded, not written.
  So a second run sends no writes, and a run cut short is finished by the next.

Events on the server that roadshow never recorded and the plan does not hold are
someone else's, and left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, Literal

from attrs import frozen
from icalendar import Calendar, Component

FIELDS: Final = ("SUMMARY", "DTSTART", "DTEND", "LOCATION", "STATUS", "DESCRIPTION")
"""The fields compared between the plan and the calendar (what people see)."""

Kind = Literal["create", "update", "delete", "adopt", "conflict", "keep"]


@frozen
class Wanted:
    """An event the plan's calendar holds, as one calendar object resource."""

    uid: str
    name: str
    """The resource's file name in the collection (``<hash>.ics``)."""
    body: bytes
    fields: Mapping[str, str]

    @property
    def digest(self) -> str:
        """A hash of the body: changes whenever roadshow's bytes change."""
        return hashlib.sha256(self.body).hexdigest()


@frozen
class Remote:
    """An event the server holds now."""

    uid: str
    href: str
    etag: str | None
    fields: Mapping[str, str]
    body: bytes = b""


@frozen
class Record:
    """What the last publish sent for one event, and the ETag it got back."""

    uid: str
    href: str
    etag: str | None
    digest: str
    fields: Mapping[str, str]


@frozen
class Action:
    """One decision of the planner, for one UID."""

    kind: Kind
    uid: str
    href: str | None = None
    """The resource: the server's (update, delete, adopt) or the planned name."""
    etag: str | None = None
    """The ETag to send as ``If-Match`` (update, delete)."""
    wanted: Wanted | None = None
    remote: Remote | None = None
    reason: str = ""

    @property
    def writes(self) -> bool:
        """Whether the action sends a write to the server."""
        return self.kind in {"create", "update", "delete"}

    def differences(self) -> list[tuple[str, str, str]]:
        """The fields that differ: (field, the plan's value, the calendar's)."""
        plan = self.wanted.fields if self.wanted else {}
        calendar = self.remote.fields if self.remote else {}
        return [
            (name, plan.get(name, ""), calendar.get(name, ""))
            for name in FIELDS
            if plan.get(name, "") != calendar.get(name, "")
        ]


def plan_sync(
    wanted: Mapping[str, Wanted],
    remote: Mapping[str, Remote],
    records: Mapping[str, Record],
    *,
    force: bool = False,
) -> tuple[Action, ...]:
    """Return an action for each UID known to the plan, the server or the record."""
    actions = []
    for uid in sorted(wanted.keys() | remote.keys() | records.keys()):
        action = _decide(
            wanted.get(uid), remote.get(uid), records.get(uid), force=force
        )
        if action is not None:
            actions.append(action)
    return tuple(actions)


def _decide(  # noqa: PLR0911 - one return per case of the table above
    want: Wanted | None, have: Remote | None, record: Record | None, *, force: bool
) -> Action | None:
    if want is not None and have is None:
        if record is not None and not force:
            return Action(
                "conflict",
                want.uid,
                wanted=want,
                reason="deleted in the calendar",
            )
        return Action("create", want.uid, href=want.name, wanted=want)
    if want is not None and have is not None:
        untouched = record is not None and record.etag == have.etag is not None
        if untouched and record is not None and record.digest == want.digest:
            return Action("keep", want.uid, href=have.href, etag=have.etag, wanted=want)
        if untouched or force:
            return Action(
                "update",
                want.uid,
                href=have.href,
                etag=have.etag,
                wanted=want,
                remote=have,
            )
        if dict(have.fields) == dict(want.fields):
            return Action(
                "adopt", want.uid, href=have.href, etag=have.etag, wanted=want
            )
        return Action(
            "conflict",
            want.uid,
            href=have.href,
            etag=have.etag,
            wanted=want,
            remote=have,
            reason="edited in the calendar",
        )
    if have is not None and record is not None:  # the plan no longer has it
        if record.etag == have.etag is not None or force:
            return Action("delete", have.uid, href=have.href, etag=have.etag)
        return Action(
            "conflict",
            have.uid,
            href=have.href,
            etag=have.etag,
            remote=have,
            reason="edited in the calendar, and gone from the plan",
        )
    return None  # someone else's event, or one gone from both sides


# --- calendar files into resources -------------------------------------------------


def split_calendar(data: bytes) -> dict[str, Wanted]:
    """Split a roadshow calendar file into one resource per event, by UID.

    Each resource is a ``VCALENDAR`` with the file's ``PRODID`` and ``VERSION``,
    the event, and the ``VTIMEZONE`` components it names; no ``METHOD`` (RFC 4791,
    4.1). The same file gives the same bytes.
    """
    calendar = Calendar.from_ical(data)
    zones = {str(z["TZID"]): z for z in calendar.walk("VTIMEZONE")}
    found: dict[str, Wanted] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        resource = Calendar()
        resource.add("PRODID", calendar.get("PRODID", "-//roadshow//EN"))
        resource.add("VERSION", "2.0")
        for tzid in sorted(_tzids(event)):
            if tzid in zones:
                resource.add_component(zones[tzid])
        resource.add_component(event)
        found[uid] = Wanted(
            uid=uid,
            name=hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32] + ".ics",
            body=resource.to_ical(),
            fields=event_fields(event),
        )
    return found


def calendar_name(data: bytes) -> str:
    """The calendar's display name (``X-WR-CALNAME``), or ""."""
    return str(Calendar.from_ical(data).get("X-WR-CALNAME", ""))


def parse_events(data: bytes | str) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Yield (UID, fields) for each event of a calendar object from a server."""
    calendar = Calendar.from_ical(data)
    for event in calendar.walk("VEVENT"):
        if "UID" in event and "RECURRENCE-ID" not in event:
            yield str(event["UID"]), event_fields(event)


def event_fields(event: Component) -> dict[str, str]:
    """The compared fields of an event: times in UTC ISO form, text as it is."""
    fields: dict[str, str] = {}
    for name in FIELDS:
        if name not in event:
            continue
        value = event[name]
        if name in {"DTSTART", "DTEND"}:
            fields[name] = _time_text(getattr(value, "dt", value))
        else:
            fields[name] = str(value)
    return fields


def _time_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _tzids(event: Component) -> Iterable[str]:
    for prop in event.property_items(recursive=False):
        tzid = getattr(prop[1], "params", {}).get("TZID")
        if tzid:
            yield str(tzid)


# --- what changed in the calendar since the last publish ---------------------------

ChangeKind = Literal["moved", "cancelled", "edited", "added"]


@frozen
class Change:
    """An event changed in the shared calendar since roadshow published it."""

    kind: ChangeKind
    uid: str
    before: Mapping[str, str]
    """What roadshow published ({} for an event someone added)."""
    after: Mapping[str, str] | None
    """What the calendar says now (None: deleted from it)."""

    @property
    def title(self) -> str:
        """The event's title, as published (or as added)."""
        return (self.before or self.after or {}).get("SUMMARY", self.uid)

    @property
    def pins(self) -> bool:
        """Whether a re-plan should keep the calendar's time or place (a pin)."""
        if self.after is None or self.kind not in {"moved", "edited"}:
            return False
        return self.kind == "moved" or self.before.get("LOCATION") != self.after.get(
            "LOCATION"
        )


def changes_since(
    records: Mapping[str, Record], remote: Mapping[str, Remote]
) -> list[Change]:
    """Compare what was published (*records*) with the calendar now, by UID."""
    found = []
    for uid in sorted(records.keys() | remote.keys()):
        record, have = records.get(uid), remote.get(uid)
        if record is None and have is not None:
            found.append(Change("added", uid, {}, have.fields))
            continue
        if record is None:
            continue
        before = dict(record.fields)
        if have is None:
            found.append(Change("cancelled", uid, before, None))
            continue
        after = dict(have.fields)
        if after == before:
            continue
        if after.get("STATUS") == "CANCELLED" != before.get("STATUS"):
            kind: ChangeKind = "cancelled"
        elif any(before.get(f) != after.get(f) for f in ("DTSTART", "DTEND")):
            kind = "moved"
        else:
            kind = "edited"
        found.append(Change(kind, uid, before, after))
    return found
