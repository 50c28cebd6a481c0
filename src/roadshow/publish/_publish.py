"""``roadshow publish DIR --caldav URL``: put a plan's calendars on a CalDAV server."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from roadshow._fs import lock_folder
from roadshow.exporters.choices import PUBLIC
from roadshow.outputs import LOCK_FILE
from roadshow.publish._caldav import (
    ChangedMeanwhile,
    Server,
    ServerError,
    Source,
    check_url,
    credentials,
    load_state,
    records,
    remember,
    save_state,
    sources,
)
from roadshow.publish._sync import Action, plan_sync

_LONDON = zoneinfo.ZoneInfo("Europe/London")
_SHOWN = 60


@frozen
class CalendarResult:
    """What publishing did (or, with ``dry_run``, would do) to one calendar."""

    slug: str
    name: str
    made: bool
    actions: tuple[Action, ...]

    def count(self, kind: str) -> int:
        """How many actions of *kind* (``create``, ``update``...)."""
        return sum(1 for a in self.actions if a.kind == kind)


@frozen
class PublishResult:
    """What a publish did, calendar by calendar."""

    url: str
    dry_run: bool
    calendars: tuple[CalendarResult, ...]

    @property
    def conflicts(self) -> list[tuple[str, Action]]:
        """The conflicts left, with their calendar."""
        return [
            (c.slug, a)
            for c in self.calendars
            for a in c.actions
            if a.kind == "conflict"
        ]

    @property
    def writes(self) -> int:
        """How many writes were sent (or would be)."""
        return sum(1 for c in self.calendars for a in c.actions if a.writes) + sum(
            1 for c in self.calendars if c.made
        )


def publish_caldav(
    folder: str | Path,
    url: str,
    *,
    splits: tuple[str, ...] = ("programme",),
    audience: str = PUBLIC,
    user: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    prefix: str = "roadshow",
    environ: Mapping[str, str] | None = None,
    on_write: Callable[[], None] | None = None,
) -> PublishResult:
    """Publish the latest version's calendars of *folder* to the CalDAV home *url*.

    Holds the folder's lock meanwhile, and records what was sent in the folder
    (even when the server fails part-way, so a rerun finishes the job).

    Raises:
        InputError: a bad URL, split or folder, or a user without a password.
        ServerError: the server cannot be reached, refuses, or fails (exit 3).
        FolderInUseError: another roadshow run holds the folder.
    """
    url = check_url(url)
    todo = sources(folder, splits, audience, prefix)
    login, password = credentials(url, user, environ)
    results: list[CalendarResult] = []
    sent = [0]

    def wrote() -> None:
        sent[0] += 1
        if on_write is not None:
            on_write()

    with lock_folder(Path(folder), LOCK_FILE):
        state = load_state(folder)
        try:
            with Server(url, login, password) as server:
                results.extend(
                    _publish_one(
                        server, source, state, force=force, dry_run=dry_run, wrote=wrote
                    )
                    for source in todo
                )
        except ServerError as exc:
            if sent[0]:
                msg = (
                    f"{exc}; {sent[0]} changes were sent before it stopped: run the"
                    " same command again to finish"
                )
                raise ServerError(msg) from None
            raise
        finally:
            if not dry_run and sent[0] + len(results):
                save_state(folder, state)
    return PublishResult(url=url, dry_run=dry_run, calendars=tuple(results))


def _publish_one(
    server: Server,
    source: Source,
    state: dict[str, Any],
    *,
    force: bool,
    dry_run: bool,
    wrote: Callable[[], None],
) -> CalendarResult:
    url = server.url
    remote = server.events(source.slug)
    made = remote is None
    if made and not dry_run:
        server.make_calendar(source.slug, source.name)
        wrote()
    recorded = records(state, url, source.slug)
    planned = plan_sync(source.events, remote or {}, recorded, force=force)
    if dry_run:
        return CalendarResult(
            slug=source.slug, name=source.name, made=made, actions=planned
        )
    done = [_apply(server, source.slug, state, action, wrote) for action in planned]
    return CalendarResult(
        slug=source.slug, name=source.name, made=made, actions=tuple(done)
    )


def _apply(
    server: Server,
    slug: str,
    state: dict[str, Any],
    action: Action,
    wrote: Callable[[], None],
) -> Action:
    url = server.url
    want = action.wanted
    try:
        if action.kind in {"create", "update"} and want is not None:
            etag = server.put(action, slug)
            wrote()
            href = action.href if action.kind == "update" else None
            href = href or server.calendar_url(slug) + want.name
            remember(state, url, slug, action.uid, _entry(href, etag, want))
        elif action.kind == "delete":
            server.delete(action)
            wrote()
            remember(state, url, slug, action.uid, None)
        elif action.kind in {"adopt", "keep"} and want is not None:
            remember(
                state,
                url,
                slug,
                action.uid,
                _entry(action.href or want.name, action.etag, want),
            )
    except ChangedMeanwhile:
        return Action(
            "conflict",
            action.uid,
            href=action.href,
            wanted=want,
            remote=action.remote,
            reason="edited in the calendar just now",
        )
    return action


def _entry(href: str, etag: str | None, want: Any) -> dict[str, Any]:
    return {
        "href": href,
        "etag": etag,
        "digest": want.digest,
        "fields": dict(want.fields),
    }


# --- the report ----------------------------------------------------------------------


def render_publish(result: PublishResult) -> str:
    """The report of a publish: per calendar, then the conflicts."""
    lines = []
    if result.dry_run:
        lines.append("Dry run: nothing was sent. Publishing would do this:")
    words = (
        ("create", "to create", "created"),
        ("update", "to update", "updated"),
        ("delete", "to delete", "deleted"),
        ("conflict", "in conflict", "in conflict"),
    )
    for calendar in result.calendars:
        counts = ", ".join(
            f"{calendar.count(kind)} {planned if result.dry_run else done}"
            for kind, planned, done in words
        )
        unchanged = calendar.count("keep") + calendar.count("adopt")
        made = " (new calendar)" if calendar.made else ""
        lines.append(f"{calendar.slug}{made}: {counts}, {unchanged} unchanged")
        if result.dry_run:
            lines.extend(
                f"  would {a.kind}: {_title(a)}" for a in calendar.actions if a.writes
            )
    conflicts = result.conflicts
    if conflicts:
        lines.append("")
        lines.append(
            f"{len(conflicts)} conflicts, left as they are (--force overwrites them):"
        )
        for slug, action in conflicts:
            lines.append(f"  {_title(action)} [{slug}]: {action.reason}")
            lines.extend(
                f"    {name}: plan says {show(name, plan)};"
                f" calendar says {show(name, theirs)}"
                for name, plan, theirs in action.differences()
            )
    if not result.dry_run and not result.writes and not conflicts:
        lines.append("Nothing to send: the calendars already show this plan.")
    return "\n".join(lines) + "\n"


def _title(action: Action) -> str:
    fields = action.wanted.fields if action.wanted else {}
    if not fields and action.remote is not None:
        fields = action.remote.fields
    return fields.get("SUMMARY", action.uid)


def show(name: str, value: str) -> str:
    """A field's value for people: times in London, an empty one as (none)."""
    if not value:
        return "(none)"
    if name in {"DTSTART", "DTEND"}:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if when.tzinfo is not None:
            when = when.astimezone(_LONDON)
        return when.strftime("%a %d %b %Y %H:%M")
    return value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."
