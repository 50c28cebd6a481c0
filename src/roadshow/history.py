"""The plan history: every issued version of a plan, in SQLite (shell side).

``roadshow plan --out DIR`` records each plan it writes as a new version in
``DIR/history.sqlite``. The history is what lets calendar clients follow a plan
as it changes: an entry's ``SEQUENCE`` counts the issued versions in which its
time, place or status changed, and an entry dropped from the plan stays in later
versions as cancelled (with a higher ``SEQUENCE``) so clients remove it.

The database has a versioned schema (``PRAGMA user_version``); every write is one
transaction, so a crash or a second writer never leaves half a version. Recording
a plan identical to the latest version issues nothing new: the files rendered
from it stay byte-identical.

:func:`~roadshow.versions.advance` and :func:`~roadshow.versions.diff` are the
pure rules (in :mod:`roadshow.versions`); :class:`PlanHistory` stores their results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import pendulum
from attrs import frozen
from pendulum import DateTime

from roadshow.errors import InputError, OutputError
from roadshow.model import ChangeReason, Plan
from roadshow.planfile import parse_plan_file, render_plan_file
from roadshow.versions import (
    CANCELLED,
    CalendarItem,
    Change,
    EntryNames,
    EntryState,
    PlanVersion,
    advance,
    diff,
    plan_items,
)

_SQLITE_MAX_INT = 2**63 - 1


HISTORY_FILE: Final = "history.sqlite"
"""The history's file name inside a ``plan --out`` folder."""

SCHEMA_VERSION: Final = 3
"""1: versions and entries; 2: adds the reasons of each version's changes;
3: adds the names each version's entries are shown with."""

_REASONS = """
CREATE TABLE reasons (
    version       INTEGER NOT NULL REFERENCES versions(number),
    request_id    TEXT    NOT NULL,
    change        TEXT    NOT NULL,  -- day, venue, time, unplaced, cancelled, added
    cause         TEXT    NOT NULL,  -- commitment, blackout, made-room, ...
    reason        TEXT    NOT NULL,  -- in words
    made_room_for TEXT,              -- the request it was moved out of the way for
    PRIMARY KEY (version, request_id)
);
"""

_NAMES = """
CREATE TABLE names (
    version INTEGER PRIMARY KEY REFERENCES versions(number),
    names   TEXT    NOT NULL     -- JSON: scenario name, zone, people, venues
);
"""

_SCHEMA = (
    """
CREATE TABLE versions (
    number      INTEGER PRIMARY KEY,
    issued_at   TEXT    NOT NULL,  -- UTC, ISO 8601, whole seconds
    scenario_id TEXT    NOT NULL,
    digest      TEXT    NOT NULL,  -- SHA-256 of the plan file text
    plan        TEXT    NOT NULL   -- the plan file (roadshow-plan/1 JSON)
);
CREATE TABLE entries (
    version   INTEGER NOT NULL REFERENCES versions(number),
    uid       TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    status    TEXT    NOT NULL CHECK (status IN ('CONFIRMED', 'CANCELLED')),
    sequence  INTEGER NOT NULL CHECK (sequence >= 0),
    signature TEXT    NOT NULL,    -- JSON: the entry's time and place
    seen_in   INTEGER NOT NULL,    -- the version whose plan holds its last form
    PRIMARY KEY (version, uid)
);
"""
    + _REASONS
    + _NAMES
)


# --- the store -----------------------------------------------------------------------


@frozen(kw_only=True)
class VersionInfo:
    """One issued version, for listings."""

    number: int
    issued_at: DateTime
    scenario_id: str


class PlanHistory:
    """The history of a ``plan --out`` folder, in one SQLite file.

    Opening creates nothing; the first :meth:`record` creates the file. Every
    method raises :class:`~roadshow.errors.OutputError` when the file cannot be
    read or written (locked, read-only, not a roadshow history, or made by a newer
    roadshow).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_folder(cls, folder: str | Path) -> PlanHistory:
        """Return the history kept in a ``plan --out`` folder."""
        return cls(Path(folder) / HISTORY_FILE)

    @property
    def exists(self) -> bool:
        """Tell whether anything has been recorded yet."""
        return self.path.is_file()

    def record(
        self,
        plan: Plan,
        *,
        issued_at: DateTime,
        before_commit: Callable[[PlanVersion], None] | None = None,
        reasons: Sequence[ChangeReason] = (),
        names: EntryNames | None = None,
    ) -> PlanVersion:
        """Record *plan* as a new version and return it.

        A plan identical to the latest version's is not recorded again: the
        latest version is returned, so the files rendered from it do not change.
        The issue time is cut to whole seconds and never goes backwards.

        Args:
            plan: The plan to record.
            issued_at: When the plan is issued (the CLI reads the clock once).
            before_commit: Called with the new version while its transaction is
                still open (never for an unchanged plan). If it raises, nothing is
                recorded: :mod:`roadshow.outputs` writes the version's files here,
                so a recorded version always has its files.
            reasons: Why each event changed since the latest version (a re-plan's
                :attr:`roadshow.planner.Result.changes`), stored with the version.
            names: The names to show the version's entries with
                (:meth:`EntryNames.of(scenario) <roadshow.versions.EntryNames.of>`),
                so ``changes`` needs no scenario to name them.

        Raises:
            InputError: the history holds another scenario's plans.
            OutputError: the history cannot be read or written.
        """
        text = render_plan_file(plan)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        stamp = pendulum.from_timestamp(int(issued_at.timestamp()), tz="UTC")
        with self._connect(create=True) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                latest = db.execute(
                    "SELECT number, issued_at, scenario_id, digest FROM versions"
                    " ORDER BY number DESC LIMIT 1"
                ).fetchone()
                number = 1
                previous: dict[str, EntryState] = {}
                if latest is not None:
                    if latest[2] != plan.scenario_id:
                        db.execute("ROLLBACK")
                        msg = f"this history holds plans of scenario {latest[2]!r}"
                        raise InputError(
                            msg,
                            source=str(self.path),
                            expected="a plan of the same scenario, or another folder",
                            got=plan.scenario_id,
                        )
                    if latest[3] == digest:
                        db.execute("ROLLBACK")
                        return self._version(db, latest[0])
                    number = latest[0] + 1
                    previous = self._states(db, latest[0])
                    stamp = max(stamp, _parse_time(latest[1]))
                states = advance(previous, plan_items(plan), number)
                db.execute(
                    "INSERT INTO versions VALUES (?, ?, ?, ?, ?)",
                    (number, _time_text(stamp), plan.scenario_id, digest, text),
                )
                db.executemany(
                    "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            number,
                            uid,
                            s.kind,
                            s.status,
                            s.sequence,
                            json.dumps(s.signature),
                            s.seen_in,
                        )
                        for uid, s in states.items()
                    ],
                )
                db.executemany(
                    "INSERT INTO reasons VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (
                            number,
                            r.request_id,
                            r.change,
                            r.cause,
                            r.reason,
                            r.made_room_for,
                        )
                        for r in reasons
                    ],
                )
                if names is not None:
                    db.execute(
                        "INSERT INTO names VALUES (?, ?)",
                        (number, json.dumps(names.to_data(), sort_keys=True)),
                    )
                version = self._version(db, number)
                if before_commit is not None:
                    try:
                        before_commit(version)
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise self._error(exc) from None
            return version

    def latest(self) -> PlanVersion | None:
        """Return the latest version, or None when nothing has been recorded.

        Raises:
            OutputError: the history cannot be read.
        """
        if not self.exists:
            return None
        with self._connect() as db:
            row = db.execute("SELECT max(number) FROM versions").fetchone()
            return None if row[0] is None else self._version(db, row[0])

    def latest_number(self) -> int:
        """Return the latest version's number, 0 when nothing has been recorded.

        Raises:
            OutputError: the history cannot be read.
        """
        if not self.exists:
            return 0
        with self._connect() as db:
            return int(
                db.execute("SELECT max(number) FROM versions").fetchone()[0] or 0
            )

    def version(self, number: int) -> PlanVersion:
        """Return version *number*.

        Raises:
            InputError: there is no such version.
            OutputError: the history cannot be read.
        """
        with self._connect() as db:
            self._check_number(db, number)
            return self._version(db, number)

    def plan(self, number: int) -> Plan:
        """Return the plan issued as version *number*.

        Raises:
            InputError: there is no such version.
            OutputError: the history cannot be read.
        """
        with self._connect() as db:
            self._check_number(db, number)
            return self._plan(db, number)

    def names(self, number: int) -> EntryNames | None:
        """Return the names version *number* was issued with (None if not recorded).

        Raises:
            InputError: there is no such version.
            OutputError: the history cannot be read.
        """
        with self._connect() as db:
            self._check_number(db, number)
            row = db.execute(
                "SELECT names FROM names WHERE version = ?", (number,)
            ).fetchone()
        return None if row is None else EntryNames.from_data(json.loads(row[0]))

    def reasons(self, number: int) -> tuple[ChangeReason, ...]:
        """Return why events changed in version *number* (empty if not recorded).

        Raises:
            InputError: there is no such version.
            OutputError: the history cannot be read.
        """
        with self._connect() as db:
            self._check_number(db, number)
            rows = db.execute(
                "SELECT request_id, change, cause, reason, made_room_for FROM reasons"
                " WHERE version = ? ORDER BY request_id",
                (number,),
            ).fetchall()
        return tuple(
            ChangeReason(
                request_id=rid,
                change=change,
                cause=cause,
                reason=text,
                made_room_for=room,
            )
            for rid, change, cause, text, room in rows
        )

    def preview(self, plan: Plan) -> tuple[Change, ...]:
        """Return what recording *plan* would change from the latest version.

        Nothing is written; with no version recorded, everything is added.

        Raises:
            OutputError: the history cannot be read.
        """
        old: dict[str, tuple[EntryState, CalendarItem]] = {}
        previous: dict[str, EntryState] = {}
        number = 1
        if self.exists:
            with self._connect() as db:
                latest = db.execute("SELECT max(number) FROM versions").fetchone()[0]
                if latest is not None:
                    old = self._entries(db, latest)
                    previous = {uid: state for uid, (state, _) in old.items()}
                    number = latest + 1
        items = plan_items(plan)
        forms = {item.uid: item for item in items}
        states = advance(previous, items, number)
        new = {
            uid: (state, forms[uid] if uid in forms else old[uid][1])
            for uid, state in states.items()
        }
        return diff(old, new)

    def versions(self) -> tuple[VersionInfo, ...]:
        """Return every issued version, oldest first.

        Raises:
            OutputError: the history cannot be read.
        """
        if not self.exists:
            return ()
        with self._connect() as db:
            rows = db.execute(
                "SELECT number, issued_at, scenario_id FROM versions ORDER BY number"
            ).fetchall()
        return tuple(
            VersionInfo(number=n, issued_at=_parse_time(t), scenario_id=s)
            for n, t, s in rows
        )

    def changes(self, since: int, until: int | None = None) -> tuple[Change, ...]:
        """Return what changed after version *since* up to *until* (default latest).

        ``since=0`` compares with an empty plan: everything is added.

        Raises:
            InputError: a version that does not exist, or *since* not before *until*.
            OutputError: the history cannot be read.
        """
        with self._connect() as db:
            latest = db.execute("SELECT max(number) FROM versions").fetchone()[0] or 0
            until = latest if until is None else until
            if since != 0:
                self._check_number(db, since)
            self._check_number(db, until)
            if since >= until:
                msg = "nothing to compare"
                raise InputError(
                    msg,
                    source=str(self.path),
                    location="--since",
                    expected=f"a version before {until}",
                    got=since,
                )
            old = self._entries(db, since) if since else {}
            return diff(old, self._entries(db, until))

    # --- inside ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, *, create: bool = False) -> Iterator[sqlite3.Connection]:
        if not create and not self.exists:
            msg = "no plan history here"
            raise InputError(
                msg,
                source=str(self.path),
                expected="a folder written by roadshow plan --out",
            )
        try:
            # isolation_level=None: transactions are begun explicitly.
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            self._migrate(db)
            yield db
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        finally:
            db.close()

    def _migrate(self, db: sqlite3.Connection) -> None:
        found = db.execute("PRAGMA user_version").fetchone()[0]
        if found == SCHEMA_VERSION:
            return
        if found in {1, 2}:
            # Schema 1 had no reasons, 2 no names: add the tables in one
            # transaction, re-checking inside it (another process may have).
            db.execute("BEGIN IMMEDIATE")
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found == 1:
                db.execute(_REASONS)
            if found in {1, 2}:
                db.execute(_NAMES)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
            return
        if found > SCHEMA_VERSION:
            msg = (
                f"cannot read {self.path}: it was written by a newer roadshow"
                f" (schema {found}; this one reads {SCHEMA_VERSION})"
            )
            raise OutputError(msg)
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            msg = f"cannot use {self.path}: it is not a roadshow plan history"
            raise OutputError(msg)
        # Create the schema in one transaction; re-check inside it, since another
        # process may have created it while this one waited for the lock.
        db.execute("BEGIN IMMEDIATE")
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")

    def _error(self, exc: sqlite3.Error) -> OutputError:
        return OutputError(f"cannot use the plan history {self.path}: {exc}")

    def _check_number(self, db: sqlite3.Connection, number: int) -> None:
        # SQLite integers are 64-bit: a larger number (10**20) is no version,
        # rather than an OverflowError from the query.
        row = (
            db.execute("SELECT 1 FROM versions WHERE number = ?", (number,)).fetchone()
            if 0 < number <= _SQLITE_MAX_INT
            else None
        )
        if row is None:
            last = db.execute("SELECT max(number) FROM versions").fetchone()[0] or 0
            msg = "no such plan version"
            raise InputError(
                msg,
                source=str(self.path),
                expected=f"a version from 1 to {last}",
                got=number,
            )

    def _states(self, db: sqlite3.Connection, number: int) -> dict[str, EntryState]:
        rows = db.execute(
            "SELECT uid, kind, status, sequence, signature, seen_in FROM entries"
            " WHERE version = ? ORDER BY uid",
            (number,),
        ).fetchall()
        return {
            uid: EntryState(
                kind=kind,
                status=status,
                sequence=sequence,
                signature=tuple(json.loads(signature)),
                seen_in=seen_in,
            )
            for uid, kind, status, sequence, signature, seen_in in rows
        }

    def _plan(self, db: sqlite3.Connection, number: int) -> Plan:
        (text,) = db.execute(
            "SELECT plan FROM versions WHERE number = ?", (number,)
        ).fetchone()
        return parse_plan_file(text, source=f"{self.path}, version {number}")

    def _entries(
        self, db: sqlite3.Connection, number: int
    ) -> dict[str, tuple[EntryState, CalendarItem]]:
        """Return version *number*'s entries with their last issued form."""
        states = self._states(db, number)
        forms: dict[int, dict[str, CalendarItem]] = {}
        entries = {}
        for uid, state in states.items():
            if state.seen_in not in forms:
                forms[state.seen_in] = {
                    item.uid: item for item in plan_items(self._plan(db, state.seen_in))
                }
            entries[uid] = (state, forms[state.seen_in][uid])
        return entries

    def _version(self, db: sqlite3.Connection, number: int) -> PlanVersion:
        (issued_at,) = db.execute(
            "SELECT issued_at FROM versions WHERE number = ?", (number,)
        ).fetchone()
        entries = self._entries(db, number)
        return PlanVersion(
            number=number,
            issued_at=_parse_time(issued_at),
            sequences={uid: state.sequence for uid, (state, _) in entries.items()},
            cancelled=tuple(
                item for state, item in entries.values() if state.status == CANCELLED
            ),
        )


def _time_text(value: DateTime) -> str:
    return value.in_timezone("UTC").format("YYYY-MM-DDTHH:mm:ss[Z]")


def _parse_time(text: str) -> DateTime:
    parsed = pendulum.parse(text)
    if not isinstance(parsed, DateTime):  # pragma: no cover - written by _time_text
        msg = f"not a time in the history: {text!r}"
        raise OutputError(msg)
    return parsed.in_timezone("UTC")
