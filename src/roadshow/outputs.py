"""Everything ``roadshow plan --out DIR`` writes, and how it is published (shell side).

Each renderer is pure and returns bytes; this module decides file names, records
the plan in the folder's history (:mod:`roadshow.history`) and writes each version
of the outputs as a whole, so that a reader, a crash or a second run never sees a
mix of two versions::

    DIR/
      .lock                    held by the run writing DIR (flock)
      history.sqlite           every issued plan version
      latest -> versions/0003  the latest complete version: read through this
      versions/
        0002/                  an earlier version (the last KEEP_VERSIONS are kept)
        0003/                  plan.json, calendars/..., all of plan_outputs()

A run (:meth:`OutputFolder.publish`) goes in this order:

1. It locks DIR, or fails at once (:class:`~roadshow.errors.FolderInUseError`).
2. It recovers from a run that was killed: anything in ``versions/`` that is not
   a complete version folder (``NNNN.tmp``, ``NNNN.gone``, or the folder of a
   version the history never committed) is removed, and ``latest`` is pointed at
   the history's last version.
3. It opens the history transaction of the new version, writes every file into
   ``versions/NNNN.tmp/`` (each fsynced), renames that to ``versions/NNNN/``, and
   only then commits. So a committed version always has its complete folder, and
   a version whose folder is incomplete was never committed.
4. It points ``latest`` at the new folder (a new symbolic link renamed over the
   old one, which is atomic), then removes the oldest version folders.

``DIR/latest`` therefore always shows one complete version: the previous one
until step 4, the new one after it. Readers (``roadshow check DIR``, ``ics``,
``changes``, ``serve``) go through :func:`latest_version` and
:func:`latest_folder`; the history may already hold the next version for the short
moment between its commit and step 4, and readers ignore it until ``latest``
points at it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from attrs import frozen
from pendulum import DateTime

from roadshow._fs import (
    ensure_folder,
    fsync_tree,
    lock_folder,
    point_link,
    remove_tree,
    rename,
    write_atomic,
)
from roadshow.errors import OutputError
from roadshow.exporters.choices import PUBLIC
from roadshow.exporters.ics import PlanVersion, calendar_files
from roadshow.exporters.itinerary import (
    EXTENSIONS,
    available_formats,
    build_itinerary,
    itinerary_people,
    render_itinerary,
)
from roadshow.exporters.plan_file import render_plan_file
from roadshow.exporters.programme import render_programme_csv, render_programme_json
from roadshow.history import PlanHistory
from roadshow.model import Plan, Scenario

CALENDARS = "calendars"
"""The folder (inside a version folder) that holds the .ics feeds."""

ITINERARIES = "itineraries"
"""The folder (inside a version folder) that holds the itineraries."""

PUBLIC_SPLITS = ("programme", "region", "area")
"""The public calendars: what an events team may publish, by place."""

LATEST: Final = "latest"
"""The symbolic link to the latest complete version, inside the output folder."""

VERSIONS: Final = "versions"
"""The folder of version folders (``0001``, ``0002``, ...), inside the output folder."""

LOCK_FILE: Final = ".lock"
"""The lock file inside the output folder; a run holds it while it writes."""

KEEP_VERSIONS: Final = 5
"""How many version folders are kept (the latest and the ones before it).

Older versions stay in the history, from which ``roadshow ics --plan DIR
--version N`` renders them again.
"""

KILL_AT_ENV: Final = "ROADSHOW_TEST_KILL_AT"
"""Test hook for the crash test: SIGKILL this process at the N-th publishing step.

Set only by ``tests/test_crash_safety.py``; when unset (always, outside that
test) it does nothing.
"""

_VERSION_DIR = re.compile(r"\d+")
_LINK_TARGET = re.compile(rf"{VERSIONS}/(\d+)")


def plan_outputs(
    scenario: Scenario, plan: Plan, version: PlanVersion | None = None
) -> dict[str, bytes]:
    """Return the files of a planned programme: relative file name to content.

    With the plan's issued *version*, the calendars are included:
    ``calendars/internal/...`` (everything, split by programme, person, region and
    area) and ``calendars/public/...`` (no travel, stays, contacts or notes).
    Itineraries and the programme table are always included
    (:func:`itinerary_outputs`).
    """
    files = {"plan.json": render_plan_file(plan).encode("utf-8")}
    if version is not None:
        for name, data in calendar_files(scenario, plan, version).items():
            files[f"{CALENDARS}/internal/{name}"] = data
        public = calendar_files(
            scenario, plan, version, splits=PUBLIC_SPLITS, audience=PUBLIC
        )
        for name, data in public.items():
            files[f"{CALENDARS}/public/{name}"] = data
    files.update(itinerary_outputs(scenario, plan, version))
    return files


@frozen(kw_only=True)
class Published:
    """One version written to an output folder.

    Attributes:
        version: The plan version (number, issue time, sequences).
        folder: Its folder, ``DIR/versions/NNNN``.
        files: What the folder holds: relative file name to content.
        is_new: False when the plan was unchanged and no version was issued.
    """

    version: PlanVersion
    folder: Path
    files: dict[str, bytes]
    is_new: bool


class OutputFolder:
    """A ``plan --out`` folder, locked by this run; see the module docstring.

    Open it with :meth:`open` (a context manager), then :meth:`publish`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.history = PlanHistory.in_folder(root)
        self._steps = 0
        hook = os.environ.get(KILL_AT_ENV, "")
        self._kill_at = int(hook) if hook.isdigit() else 0

    @classmethod
    @contextmanager
    def open(cls, path: str | Path) -> Iterator[OutputFolder]:
        """Create (if needed), lock and recover an output folder.

        Raises:
            FolderInUseError: another run is writing the folder.
            OutputError: the folder cannot be created, locked or cleaned up.
        """
        root = ensure_folder(path)
        with lock_folder(root, LOCK_FILE):
            folder = cls(root)
            folder.recover()
            yield folder

    def publish(
        self, scenario: Scenario, plan: Plan, *, issued_at: DateTime
    ) -> Published:
        """Record *plan* as a new version and write its files as a whole.

        An unchanged plan issues no new version; its folder is written only if
        it is missing.

        Raises:
            InputError: the folder's history holds another scenario's plans.
            OutputError: the history or the files cannot be written (the folder
                is read-only or full); the earlier outputs are left as they were.
        """
        written: dict[str, bytes] = {}

        def write(version: PlanVersion) -> None:
            self._step()  # the history transaction is open
            written.update(plan_outputs(scenario, plan, version))
            self._write_version(version.number, written)

        version = self.history.record(plan, issued_at=issued_at, before_commit=write)
        self._step()  # committed; latest still shows the previous version
        folder = self._version_dir(version.number)
        is_new = bool(written)
        if not is_new:
            written = plan_outputs(scenario, plan, version)
            if not folder.is_dir():
                self._write_version(version.number, written)
        if latest_version(self.root) != version.number:
            self._point_latest(version.number)
        self._prune()
        return Published(version=version, folder=folder, files=written, is_new=is_new)

    def recover(self) -> None:
        """Undo what a killed run left half done (see the module docstring).

        Raises:
            OutputError: a leftover cannot be removed or ``latest`` repointed.
        """
        remove_tree(self.root / f"{LATEST}.tmp")
        versions = self.root / VERSIONS
        if not versions.is_dir():
            return
        last = self.history.latest_number()
        for entry in sorted(versions.iterdir()):
            if _VERSION_DIR.fullmatch(entry.name) and int(entry.name) <= last:
                continue
            remove_tree(entry)  # unfinished, uncommitted or being pruned
            self._step()
        if (
            last
            and self._version_dir(last).is_dir()
            and latest_version(self.root) != last
        ):
            self._point_latest(last)

    # --- inside ----------------------------------------------------------------------

    def _version_dir(self, number: int) -> Path:
        return self.root / VERSIONS / f"{number:04d}"

    def _write_version(self, number: int, files: dict[str, bytes]) -> None:
        """Write *files* into a temporary folder, then rename it into place."""
        final = self._version_dir(number)
        temp = final.with_name(f"{final.name}.tmp")
        remove_tree(temp)
        try:
            ensure_folder(temp)
            self._step()
            for name in sorted(files):
                path = temp / name
                ensure_folder(path.parent)
                write_atomic(path, files[name])
                self._step()
            fsync_tree(temp)
        except OutputError as exc:
            with contextlib.suppress(OutputError):
                remove_tree(temp)
            msg = f"{exc}; the outputs already in {self.root} are unchanged"
            raise OutputError(msg) from exc
        rename(temp, final)
        self._step()

    def _point_latest(self, number: int) -> None:
        point_link(self.root / LATEST, f"{VERSIONS}/{number:04d}")
        self._step()

    def _prune(self) -> None:
        """Remove all but the last KEEP_VERSIONS version folders, oldest first.

        Each is first renamed to ``NNNN.gone``, so a half-removed folder is never
        taken for a version (recovery removes it).
        """
        numbers = sorted(
            int(p.name)
            for p in (self.root / VERSIONS).iterdir()
            if _VERSION_DIR.fullmatch(p.name)
        )
        current = latest_version(self.root)
        for number in numbers[:-KEEP_VERSIONS]:
            if number == current:
                continue
            folder = self._version_dir(number)
            gone = folder.with_name(f"{folder.name}.gone")
            rename(folder, gone)
            self._step()
            remove_tree(gone)
            self._step()

    def _step(self) -> None:
        # The crash test's hook (KILL_AT_ENV): die here, as a power cut or
        # `kill -9` would, at the chosen step.
        self._steps += 1
        if self._steps == self._kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def publish_plan(
    out_dir: str | Path, scenario: Scenario, plan: Plan, *, issued_at: DateTime
) -> Published:
    """Open (lock and recover) *out_dir* and publish *plan* in it.

    See :meth:`OutputFolder.publish`; this is what ``roadshow plan --out DIR``
    does once it has a plan. The CLI opens the folder before planning instead,
    so a second run fails at once rather than after planning.

    Raises:
        FolderInUseError: another run is writing the folder.
        InputError: the folder's history holds another scenario's plans.
        OutputError: the folder cannot be written.
    """
    with OutputFolder.open(out_dir) as folder:
        return folder.publish(scenario, plan, issued_at=issued_at)


def latest_version(out_dir: str | Path) -> int | None:
    """Return the number of the version ``DIR/latest`` shows, or None if none.

    This, not the history's last number, is the version readers use: the history
    commits a version a moment before ``latest`` points at it.
    """
    link = Path(out_dir) / LATEST
    try:
        target = link.readlink().as_posix()
    except OSError:
        return None
    match = _LINK_TARGET.fullmatch(target)
    if match is None or not (Path(out_dir) / target).is_dir():
        return None
    return int(match[1])


def latest_folder(out_dir: str | Path) -> Path | None:
    """Return ``DIR/latest`` (the latest complete version's files), or None.

    The path goes through the link, so it follows later versions.
    """
    if latest_version(out_dir) is None:
        return None
    return Path(out_dir) / LATEST


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> None:
    """Write *files* (relative names) under *out_dir*, each atomically.

    For loose files such as ``roadshow ics --split all -o DIR``; a plan's outputs
    are written a version at a time by :meth:`OutputFolder.publish`.

    Raises:
        OutputError: a folder or file cannot be written.
    """
    root = ensure_folder(out_dir)
    for name in sorted(files):
        path = root / name
        ensure_folder(path.parent)
        write_atomic(path, files[name])


# --- itineraries and the programme table (issue 6) -------------------------------


def itinerary_outputs(
    scenario: Scenario, plan: Plan, version: PlanVersion | None = None
) -> dict[str, bytes]:
    """Return the itinerary files and the programme table of a plan.

    One itinerary per principal and chair (``itineraries/<person>.<ext>``) in
    every format this installation can write (PDF only with the ``pdf`` extra),
    plus ``programme.csv`` and ``programme.json``. With the plan's issued
    *version* (number 1 or more), every itinerary page names it.
    """
    number = version.number if version is not None and version.number else None
    issued = version.issued_at if number is not None and version else None
    files: dict[str, bytes] = {}
    formats = available_formats()
    for person_id in itinerary_people(scenario):
        itinerary = build_itinerary(
            scenario, plan, person_id, version=number, issued=issued
        )
        for fmt in formats:
            rendered = render_itinerary([itinerary], fmt)
            files[f"{ITINERARIES}/{person_id}.{EXTENSIONS[fmt]}"] = (
                rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
            )
    files["programme.csv"] = render_programme_csv(scenario, plan).encode("utf-8")
    files["programme.json"] = render_programme_json(scenario, plan).encode("utf-8")
    return files
