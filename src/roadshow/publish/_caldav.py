"""Publishing to and pulling from a CalDAV server (shell side: network and files).

The URL is a collection that holds calendars (a *calendar home*, like
``https://cloud.example.org/remote.php/dav/calendars/alice/``); roadshow keeps
one calendar in it per split calendar file, ``<prefix>-programme/``,
``<prefix>-people-darzi/``, ``<prefix>-areas-5ND/``..., making each on first use.

What each publish sent is recorded in ``DIR/.caldav-state.json`` (per server and
calendar: each event's resource, the ETag the server gave back, a hash of the
bytes and the fields people see), so the next publish knows which copies are
untouched and ``pull`` knows what changed since. No credential is ever written
there or anywhere else.
"""

from __future__ import annotations

import contextlib
import json
import netrc
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Self
from urllib.parse import quote, urljoin, urlsplit
from xml.sax.saxutils import escape

from attrs import frozen

from roadshow._fs import write_atomic
from roadshow.errors import InputError, MissingDependencyError, RoadshowError
from roadshow.exporters.choices import PUBLIC
from roadshow.outputs import latest_folder
from roadshow.publish._sync import (
    Action,
    Record,
    Remote,
    Wanted,
    calendar_name,
    parse_events,
    split_calendar,
)

STATE_FILE: Final = ".caldav-state.json"
"""What the last publishes sent, per server and calendar (no credentials)."""

PASSWORD_ENV: Final = "ROADSHOW_CALDAV_PASSWORD"  # noqa: S105 - a variable's name
"""The environment variable read for the password of ``--user``."""

KEYRING_SERVICE: Final = "roadshow-caldav"
"""The system keyring's service name: ``keyring set roadshow-caldav USER``."""

TIMEOUT: Final = 30
"""Seconds to wait for the server on each request."""

_FOLDERS: Final = {"person": "people", "region": "regions", "area": "areas"}
_CALENDAR_TYPE: Final = "text/calendar; charset=utf-8"
_MKCALENDAR: Final = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:set><D:prop><D:displayname>{name}</D:displayname>"
    '<C:supported-calendar-component-set><C:comp name="VEVENT"/>'
    "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"
)


class ServerError(RoadshowError):
    """The CalDAV server could not be reached, refused, or failed (exit 3)."""


@frozen
class Source:
    """One calendar to publish: its collection name, display name and events."""

    slug: str
    name: str
    events: Mapping[str, Wanted]


def sources(
    folder: str | Path, splits: tuple[str, ...], audience: str, prefix: str
) -> list[Source]:
    """Read the calendars of ``DIR/latest`` to publish, one per split file.

    Raises:
        InputError: no plan recorded there, or no such split for the audience.
    """
    latest = latest_folder(folder)
    if latest is None:
        msg = "no plan recorded here yet"
        raise InputError(msg, source=str(folder), expected="a plan --out folder")
    root = latest / "calendars" / audience
    found = []
    for split in dict.fromkeys(splits):  # each split once, in the order given
        if split == "programme":
            files = [root / "programme.ics"]
        else:
            files = sorted((root / _FOLDERS[split]).glob("*.ics"))
        if not files or not files[0].is_file():
            msg = f"the {audience} calendars have no {split} split"
            raise InputError(
                msg,
                source="--split",
                expected="programme, region or area"
                if audience == PUBLIC
                else "programme, person, region or area",
            )
        for file in files:
            data = file.read_bytes()
            key = (
                "programme"
                if split == "programme"
                else f"{_FOLDERS[split]}-{file.stem}"
            )
            found.append(
                Source(
                    slug=f"{prefix}-{key}",
                    name=calendar_name(data) or key,
                    events=split_calendar(data),
                )
            )
    return found


def check_url(value: str) -> str:
    """Return the CalDAV URL with one trailing slash.

    Raises:
        InputError: not an http(s) URL, or one with a password in it.
    """
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(
            source="--caldav",
            expected="the address of a calendar home, like"
            " https://cloud.example.org/remote.php/dav/calendars/alice/",
            got=value,
        )
    if parts.password is not None or parts.username is not None:
        msg = "put the user name in --user and the password elsewhere"
        raise InputError(
            msg,
            source="--caldav",
            expected=f"no user or password in the address (see {PASSWORD_ENV})",
        )
    return value.rstrip("/") + "/"


def credentials(
    url: str, user: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """Return (user, password): ``$ROADSHOW_CALDAV_PASSWORD``, ``~/.netrc``, keyring.

    Without ``--user`` the ``.netrc`` entry for the host gives both; with neither,
    the server is asked without credentials.

    Raises:
        InputError: a user without a password anywhere.
    """
    environ = os.environ if environ is None else environ
    host = urlsplit(url).hostname or ""
    password = environ.get(PASSWORD_ENV)
    if user is not None and password:
        return user, password
    login = _from_netrc(host)
    if login is not None and (user is None or login[0] == user):
        return login
    if user is not None:
        with contextlib.suppress(ImportError):
            import keyring  # type: ignore[import-not-found]  # noqa: PLC0415

            found = keyring.get_password(KEYRING_SERVICE, user)
            if found:
                return user, found
        msg = f"no password for {user}"
        raise InputError(
            msg,
            source="--user",
            expected=f"the password in ${PASSWORD_ENV}, ~/.netrc (machine {host})"
            f" or the system keyring (service {KEYRING_SERVICE})",
        )
    return None, None


def _from_netrc(host: str) -> tuple[str, str] | None:
    try:
        entry = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None or not entry[0] or not entry[2]:
        return None
    return entry[0], entry[2]


class Server:
    """A connection to a CalDAV server (use as a context manager)."""

    def __init__(self, url: str, user: str | None, password: str | None) -> None:
        try:
            from caldav.collection import Calendar  # noqa: PLC0415 - optional extra
            from caldav.davclient import DAVClient  # noqa: PLC0415
            from caldav.lib import error  # noqa: PLC0415
        except ImportError:
            msg = (
                "publishing to CalDAV needs the caldav extra:"
                " pip install 'roadshow[caldav]'"
            )
            raise MissingDependencyError(msg) from None
        self.url = url
        self._calendar = Calendar
        self._refused = error.AuthorizationError
        self._failed = error.DAVError
        self._missing = error.NotFoundError
        self.client = DAVClient(
            url=url, username=user, password=password, timeout=TIMEOUT
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def calendar_url(self, slug: str) -> str:
        """The URL of the collection *slug* under the home."""
        return urljoin(self.url, quote(slug) + "/")

    def events(self, slug: str) -> dict[str, Remote] | None:
        """Return the events in calendar *slug* by UID (None: no such calendar)."""
        url = self.calendar_url(slug)
        response = self._call("read", url, lambda: self.client.propfind(url, depth=0))
        if response.status == 404:  # noqa: PLR2004 - HTTP status
            return None
        self._check("read", url, response.status)
        calendar = self._calendar(client=self.client, url=url)
        try:
            objects = self._call("read", url, lambda: calendar.search(event=True))
        except _Missing:
            return None
        found: dict[str, Remote] = {}
        for item in objects:
            data = item.data
            body = data.encode("utf-8") if isinstance(data, str) else bytes(data or b"")
            etag = (item.props or {}).get("{DAV:}getetag")
            for uid, fields in parse_events(body):
                found[uid] = Remote(
                    uid=uid,
                    href=str(item.url),
                    etag=str(etag) if etag else None,
                    fields=fields,
                    body=body,
                )
        return found

    def make_calendar(self, slug: str, name: str) -> None:
        """Make calendar *slug* with display name *name*."""
        url = self.calendar_url(slug)
        body = _MKCALENDAR.format(name=escape(name))
        response = self._call(
            "make the calendar", url, lambda: self.client.mkcalendar(url, body)
        )
        self._check("make the calendar", url, response.status)

    def put(self, action: Action, slug: str) -> str | None:
        """Create or update an event; return the new ETag (None: not given).

        Raises:
            ChangedMeanwhile: the ETag no longer matches (edited just now).
        """
        assert action.wanted is not None  # noqa: S101 - create and update carry it
        url = urljoin(self.calendar_url(slug), action.href or action.wanted.name)
        headers = {"Content-Type": _CALENDAR_TYPE}
        if action.kind == "create":
            headers["If-None-Match"] = "*"
        elif action.etag is not None:
            headers["If-Match"] = action.etag
        body = action.wanted.body.decode("utf-8")
        response = self._call("write", url, lambda: self.client.put(url, body, headers))
        if response.status == 412:  # noqa: PLR2004 - Precondition Failed
            raise ChangedMeanwhile(action.uid)
        self._check("write", url, response.status)
        etag = (response.headers or {}).get("ETag")
        return str(etag) if etag else None

    def delete(self, action: Action) -> None:
        """Delete an event (with ``If-Match``)."""
        url = action.href or ""
        headers = {"If-Match": action.etag} if action.etag else {}
        response = self._call("delete", url, lambda: self.client.delete(url, headers))
        if response.status == 412:  # noqa: PLR2004 - Precondition Failed
            raise ChangedMeanwhile(action.uid)
        if response.status != 404:  # noqa: PLR2004 - gone already is fine
            self._check("delete", url, response.status)

    def _call(self, what: str, url: str, request: Callable[[], Any]) -> Any:
        try:
            return request()
        except self._missing:
            raise _Missing(url) from None
        except self._refused:
            msg = f"the CalDAV server refused the user name or password ({url})"
            raise ServerError(msg) from None
        except (self._failed, OSError) as exc:
            msg = f"could not {what} {url}: {_reason(exc)}"
            raise ServerError(msg) from None

    @staticmethod
    def _check(what: str, url: str, status: int) -> None:
        if status in {401, 403}:
            msg = f"the CalDAV server refused the user name or password ({url})"
            raise ServerError(msg)
        if not 200 <= status < 300:  # noqa: PLR2004 - HTTP success
            msg = f"could not {what} {url}: the server answered {status}"
            raise ServerError(msg)


class _Missing(Exception):  # noqa: N818 - not an error: the calendar is not there
    """The server has no such collection (yet)."""


class ChangedMeanwhile(Exception):  # noqa: N818 - an event, not an error to report
    """The event changed on the server between reading and writing it."""


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused (is the server running?)"
    if "timed out" in text.lower():
        return "the server did not answer in time"
    return text.splitlines()[0][:200] if text else type(exc).__name__


# --- the record of what was published ---------------------------------------------


def load_state(folder: str | Path) -> dict[str, Any]:
    """Read ``DIR/.caldav-state.json`` ({} when there is none).

    Raises:
        InputError: the file is not roadshow's record.
    """
    path = Path(folder) / STATE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        msg = f"cannot read: {exc.strerror}"
        raise InputError(msg, source=str(path)) from None
    try:
        state = json.loads(text)
    except ValueError:
        state = None
    if not isinstance(state, dict) or not isinstance(state.get("servers"), dict):
        msg = "not a record of published calendars"
        raise InputError(
            msg, source=str(path), expected="the file roadshow publish writes"
        )
    return state


def save_state(folder: str | Path, state: Mapping[str, Any]) -> None:
    """Write the record atomically."""
    text = json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(Path(folder) / STATE_FILE, text)


def records(state: Mapping[str, Any], url: str, slug: str) -> dict[str, Record]:
    """The recorded events of one calendar on one server."""
    entries = state.get("servers", {}).get(url, {}).get(slug, {})
    return {
        uid: Record(
            uid=uid,
            href=str(entry["href"]),
            etag=entry.get("etag"),
            digest=str(entry.get("digest", "")),
            fields=dict(entry.get("fields", {})),
        )
        for uid, entry in entries.items()
        if isinstance(entry, dict) and "href" in entry
    }


def recorded_calendars(state: Mapping[str, Any], url: str) -> list[str]:
    """The calendars published to *url*, sorted."""
    return sorted(state.get("servers", {}).get(url, {}))


def remember(
    state: dict[str, Any],
    url: str,
    slug: str,
    uid: str,
    entry: Mapping[str, Any] | None,
) -> None:
    """Record (or with None, forget) one event of one calendar."""
    calendar = state.setdefault("servers", {}).setdefault(url, {}).setdefault(slug, {})
    if entry is None:
        calendar.pop(uid, None)
    else:
        calendar[uid] = dict(entry)


def entries(found: Mapping[str, Remote]) -> Iterator[tuple[str, Remote]]:
    """The server's events in UID order."""
    yield from sorted(found.items())
