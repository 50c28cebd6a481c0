"""Everything ``roadshow plan --out DIR`` writes, and how it is published (shell side).

Each renderer is pure and returns bytes; this module decides file names, records
the plan in the folder's history (:mod:`roadshow.history`) and writes each version
of the outputs as a whole, so that a reader, a crash or a second run never sees a
mix of two versions::

    DIR/
      .lock                    held by the run writing DIR (filelock)
      .journal                 the entries of versions/ a run made and may remove
      history.sqlite           every issued plan version
      latest.txt               "versions/0003": the latest complete version
      latest -> versions/0003  the same, as a symbolic link (where links work)
      versions/
        0002/                  an earlier version (the last KEEP_VERSIONS are kept)
        0003/                  plan.json, calendars/..., all of plan_outputs()

Publishing owns only what it recorded: the version folders of the history and
the entries named in ``.journal`` (written before each folder is made). Anything
else in ``DIR`` or ``versions/`` (a user's ``versions/mine/``, a folder an older
run left) is never removed or written over; a version folder in the way, or
version folders without a history, make the run stop with a message instead.
``versions``, ``latest``, ``.lock`` and ``.journal`` must not be symbolic links to
elsewhere (``latest`` may only link to a version folder): roadshow refuses them
rather than write through them.

A run (:meth:`OutputFolder.publish`) goes in this order:

1. It locks DIR, or fails at once (:class:`~roadshow.errors.FolderInUseError`).
2. It recovers from a run that was killed: what the journal names in
   ``versions/`` and is not a committed version (``NNNN.tmp``, ``NNNN.gone``, or
   the folder of a version the history never committed) is removed, and
   ``latest`` is pointed at the history's last version.
3. It opens the history transaction of the new version, journals its folder,
   writes every file into ``versions/NNNN.tmp/``, renames that to
   ``versions/NNNN/``, and only then commits. So a committed version always has
   its complete folder, and a version whose folder is incomplete was never
   committed.
4. It points ``latest.txt`` at the new folder (a file renamed over the old one,
   which is atomic: this is the switch), then the ``latest`` link the same way,
   then removes the oldest version folders.

``latest.txt`` therefore always names one complete version: the previous one
until step 4, the new one after it. Readers (``roadshow check DIR``, ``ics``,
``changes``, ``serve``) go through :func:`latest_version` and
:func:`latest_folder`, which read ``latest.txt`` (or, in a folder written by an
older roadshow, the link); the history may already hold the next version for the
short moment between its commit and step 4, and readers ignore it until
``latest.txt`` names it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
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
    refuse_link,
    remove_tree,
    rename,
    sync_files,
    write_atomic,
    write_files,
    write_new,
)
from roadshow.checks import Violation, check
from roadshow.errors import OutputError
from roadshow.exporters.choices import INTERNAL, PUBLIC
from roadshow.exporters.ics import PlanVersion, calendar_files
from roadshow.exporters.overview import render_overview
from roadshow.exporters.plan_file import render_plan_file
from roadshow.history import PlanHistory
from roadshow.itinerary_files import (
    changed_itineraries,
    itinerary_outputs,
    page_stamp,
)
from roadshow.model import ChangeReason, Plan, Scenario
from roadshow.versions import EntryNames

CALENDARS = "calendars"
"""The folder (inside a version folder) that holds the .ics feeds."""

PUBLIC_SPLITS = ("programme", "region", "area")
"""The public calendars: what an events team may publish, by place."""

LATEST: Final = "latest"
"""The symbolic link to the latest complete version, inside the output folder."""

LATEST_FILE: Final = "latest.txt"
"""The file naming the latest complete version (``versions/NNNN``); read by readers.

It works where symbolic links do not (Windows without developer mode, some
network and removable drives); the ``latest`` link is kept beside it where they do.
"""

VERSIONS: Final = "versions"
"""The folder of version folders (``0001``, ``0002``, ...), inside the output folder."""

LOCK_FILE: Final = ".lock"
"""The lock file inside the output folder; a run holds it while it writes."""

JOURNAL_FILE: Final = ".journal"
"""The entries of ``versions/`` a run made and has not removed (one name a line)."""

KEEP_VERSIONS: Final = 5
"""How many version folders are kept (the latest and the ones before it).

Older versions stay in the history, from which ``roadshow ics --plan DIR
--version N`` renders them again.
"""

step_hook: Callable[[int], None] | None = None
"""Called with the number of each publishing step as it is reached; None normally.

Tests set it to stop the process at a chosen step, as a power cut or ``kill -9``
would (``tests/kill_at.py``); roadshow itself never sets it.
"""

_VERSION_DIR = re.compile(r"\d+")
_OWNED = re.compile(r"\d+(?:\.tmp|\.gone)?")
_LINK_TARGET = re.compile(rf"{VERSIONS}/(\d+)")


def plan_outputs(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion | None = None,
    *,
    pdf: bool = False,
    earlier: Path | None = None,
    problems: Sequence[Violation] | None = None,
) -> dict[str, bytes]:
    """Return the files of a planned programme: relative file name to content.

    With the plan's issued *version*, the calendars are included:
    ``calendars/internal/...`` (everything, split by programme, person, region and
    area) and ``calendars/public/...`` (no travel, stays, contacts or notes).
    Itineraries and the programme table are always included
    (:func:`itinerary_outputs`; PDFs only with *pdf*, reusing *earlier*'s), and
    the overview page with the checker's *problems* (checked here if not given):
    ``overview.html`` in full, ``overview-public.html`` without the unplaced
    requests' reasons and the findings (what ``serve`` shows to anyone).
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
    files.update(itinerary_outputs(scenario, plan, version, pdf=pdf, earlier=earlier))
    number, issued = page_stamp(version)
    found = check(scenario, plan) if problems is None else problems
    for name, audience in (
        ("overview.html", INTERNAL),
        ("overview-public.html", PUBLIC),
    ):
        files[name] = render_overview(
            scenario, plan, found, version=number, issued=issued, audience=audience
        ).encode("utf-8")
    return files


@frozen(kw_only=True)
class Published:
    """One version written to an output folder.

    Attributes:
        version: The plan version (number, issue time, sequences).
        folder: Its folder, ``DIR/versions/NNNN``.
        files: What the folder holds: relative file name to content.
        is_new: False when the plan was unchanged and no version was issued.
        changed_itineraries: The people whose itinerary differs from the one in
            the previous version (everyone's, in a first version), by id.
    """

    version: PlanVersion
    folder: Path
    files: dict[str, bytes]
    is_new: bool
    changed_itineraries: tuple[str, ...] = ()


class OutputFolder:
    """A ``plan --out`` folder, locked by this run; see the module docstring.

    Open it with :meth:`open` (a context manager), then :meth:`publish`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.history = PlanHistory.in_folder(root)
        self.journal = _Journal(root / JOURNAL_FILE)
        self._steps = 0

    @classmethod
    @contextmanager
    def open(cls, path: str | Path) -> Iterator[OutputFolder]:
        """Create (if needed), lock and recover an output folder.

        Raises:
            FolderInUseError: another run is writing the folder.
            OutputError: the folder cannot be created, locked or cleaned up, or
                it holds something roadshow will not write through or remove.
        """
        root = ensure_folder(path)
        with lock_folder(root, LOCK_FILE):
            folder = cls(root)
            folder.recover()
            yield folder

    def publish(
        self,
        scenario: Scenario,
        plan: Plan,
        *,
        issued_at: DateTime,
        reasons: Sequence[ChangeReason] = (),
        pdf: bool = False,
        problems: Sequence[Violation] | None = None,
    ) -> Published:
        """Record *plan* as a new version and write its files as a whole.

        An unchanged plan issues no new version; its folder is written only if
        it is missing. *reasons* (why each event changed) go into the history.
        With *pdf*, PDF itineraries are written too: a person's PDF is copied
        from the latest version when their itinerary's HTML is unchanged, and
        the others are printed. *problems* are the checker's findings if the
        caller has them (else the plan is checked).

        Raises:
            InputError: the folder's history holds another scenario's plans.
            OutputError: the history or the files cannot be written (the folder
                is read-only or full, or a folder roadshow did not write is in
                the way); the earlier outputs are left as they were.
        """
        written: dict[str, bytes] = {}
        earlier = latest_folder(self.root)

        def outputs(version: PlanVersion) -> dict[str, bytes]:
            return plan_outputs(
                scenario, plan, version, pdf=pdf, earlier=earlier, problems=problems
            )

        def write(version: PlanVersion) -> None:
            self._step()  # the history transaction is open
            written.update(outputs(version))
            self._write_version(version.number, written)

        version = self.history.record(
            plan,
            issued_at=issued_at,
            before_commit=write,
            reasons=reasons,
            names=EntryNames.of(scenario),  # so `changes` can name entries alone
        )
        self._step()  # committed; latest still shows the previous version
        folder = self._version_dir(version.number)
        is_new = bool(written)
        # Before the latest link moves on: *earlier* may be that link.
        changed = changed_itineraries(written, earlier) if is_new else ()
        if not is_new:
            written = outputs(version)
            if not folder.is_dir():
                self._write_version(version.number, written)
        if latest_version(self.root) != version.number or not self._link_agrees():
            self._point_latest(version.number)
        self._prune()
        self.journal.keep(self._unfinished())
        return Published(
            version=version,
            folder=folder,
            files=written,
            is_new=is_new,
            changed_itineraries=changed,
        )

    def recover(self) -> None:
        """Undo what a killed run left half done (see the module docstring).

        Only entries this folder's runs made are removed (the journal's and the
        history's); with no history, nothing is.

        Raises:
            OutputError: a leftover cannot be removed or ``latest`` repointed; a
                symbolic link or a file stands where roadshow writes; or there
                are version folders but no history to say which are whole.
        """
        self._refuse_strangers()
        link_temp = self.root / f"{LATEST}.tmp"
        if link_temp.is_symlink():
            remove_tree(link_temp)
        versions = self.root / VERSIONS
        if not versions.is_dir():
            return
        if not self.history.exists:
            self._refuse_orphans(versions)
            return
        for entry in self._unfinished():
            remove_tree(versions / entry)  # unfinished, uncommitted or being pruned
            self._step()
        self.journal.keep(set())
        last = self.history.latest_number()
        if last and self._version_dir(last).is_dir():
            if latest_version(self.root) != last:
                self._point_latest(last)
            elif not self._link_agrees():
                self._point_link(last)

    # --- inside ----------------------------------------------------------------------

    def _version_dir(self, number: int) -> Path:
        return version_folder(self.root, number)

    def _unfinished(self) -> set[str]:
        """The journal's entries in versions/ that are not committed versions."""
        versions = self.root / VERSIONS
        last = self.history.latest_number()
        return {
            name
            for name in self.journal.names
            if not (_VERSION_DIR.fullmatch(name) and int(name) <= last)
            and ((versions / name).exists() or (versions / name).is_symlink())
        }

    def _refuse_strangers(self) -> None:
        """Refuse links (and files) where roadshow writes, before touching anything."""
        refuse_link(self.root / VERSIONS, "version folders")
        refuse_link(self.root / JOURNAL_FILE, "its journal")
        refuse_link(self.root / LATEST_FILE, LATEST_FILE)
        versions = self.root / VERSIONS
        if versions.exists() and not versions.is_dir():
            msg = f"{versions} is not a folder; move it away or use another folder"
            raise OutputError(msg)
        link = self.root / LATEST
        if link.is_symlink():
            target = link.readlink().as_posix()
            if _LINK_TARGET.fullmatch(target) is None:
                msg = (
                    f"{link} is a symbolic link to {target}, not to a version"
                    " folder: roadshow will not replace it; remove it or use"
                    " another folder"
                )
                raise OutputError(msg)
        elif link.exists():
            msg = (
                f"{link} is not roadshow's link to the latest version: roadshow"
                " will not replace it; move it away or use another folder"
            )
            raise OutputError(msg)

    def _refuse_orphans(self, versions: Path) -> None:
        """With no history, version folders cannot be told whole: keep them all."""
        found = sorted(p.name for p in versions.iterdir() if _OWNED.fullmatch(p.name))
        if found:
            msg = (
                f"{self.history.path} is missing, but {versions} holds version"
                f" folders ({', '.join(found)}): roadshow will not remove or"
                " overwrite them; move them away (or restore the history) and"
                " run again"
            )
            raise OutputError(msg)

    def _write_version(self, number: int, files: dict[str, bytes]) -> None:
        """Write *files* into a temporary folder, then rename it into place."""
        final = self._version_dir(number)
        temp = final.with_name(f"{final.name}.tmp")
        for path in (final, temp):
            if (path.exists() or path.is_symlink()) and (
                path.name not in self.journal.names
            ):
                msg = (
                    f"cannot write version {number}: {path} is in the way and"
                    " roadshow did not write it; move it away and run again"
                )
                raise OutputError(msg)
        self.journal.add(temp.name, final.name)
        remove_tree(temp)
        try:
            ensure_folder(temp)
            self._step()
            for name in sorted(files):
                path = temp / name
                ensure_folder(path.parent)
                write_new(path, files[name], sync=False)  # renamed whole, below
                self._step()
            sync_files(temp)  # one flush for all the files, before the rename
            fsync_tree(temp)
        except OutputError as exc:
            with contextlib.suppress(OutputError):
                remove_tree(temp)
                self.journal.keep(self._unfinished())
            msg = f"{exc}; the outputs already in {self.root} are unchanged"
            raise OutputError(msg) from exc
        remove_tree(final)  # an uncommitted folder of this number (journalled)
        rename(temp, final)
        self._step()

    def _point_latest(self, number: int) -> None:
        write_atomic(self.root / LATEST_FILE, f"{VERSIONS}/{number:04d}\n")
        self._step()
        self._point_link(number)

    def _point_link(self, number: int) -> None:
        """Point the ``latest`` link too, where the platform makes links."""
        link = self.root / LATEST
        try:
            point_link(link, f"{VERSIONS}/{number:04d}")
        except OutputError:
            # No symbolic links here (Windows without developer mode, some
            # drives): latest.txt is enough; a stale link must not stay.
            if link.is_symlink():
                remove_tree(link)
        self._step()

    def _link_agrees(self) -> bool:
        """Tell whether ``latest`` (if links work here) shows what latest.txt names."""
        link = self.root / LATEST
        if not link.is_symlink():
            return True  # no link: none made, or links do not work here
        return _link_version(self.root) == latest_version(self.root)

    def _prune(self) -> None:
        """Remove all but the last KEEP_VERSIONS version folders, oldest first.

        Only committed versions are removed. Each is first journalled and renamed
        to ``NNNN.gone``, so a half-removed folder is never taken for a version
        (recovery removes it).
        """
        last = self.history.latest_number()
        numbers = sorted(
            int(p.name)
            for p in (self.root / VERSIONS).iterdir()
            if _VERSION_DIR.fullmatch(p.name) and int(p.name) <= last
        )
        current = latest_version(self.root)
        doomed = [n for n in numbers[:-KEEP_VERSIONS] if n != current]
        gone = [self._version_dir(n).with_suffix(".gone") for n in doomed]
        if any(g.exists() or g.is_symlink() for g in gone):
            return  # a stranger's NNNN.gone: leave pruning for another day
        self.journal.add(*(g.name for g in gone))
        for number, folder in zip(doomed, gone, strict=True):
            rename(self._version_dir(number), folder)
            self._step()
            remove_tree(folder)
            self._step()

    def _step(self) -> None:
        # The crash test's hook (step_hook): it may stop the process here.
        self._steps += 1
        if step_hook is not None:
            step_hook(self._steps)


class _Journal:
    """The entries of ``versions/`` this folder's runs made and not yet removed.

    A name is journalled (the file written atomically) before its folder is made,
    so recovery never removes what a run did not make.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names = self._read()

    def add(self, *names: str) -> None:
        """Journal *names* (before making them)."""
        if not set(names) <= self.names:
            self._write(self.names | set(names))

    def keep(self, names: set[str]) -> None:
        """Forget every name but *names* (after removing or committing them)."""
        if names != self.names:
            self._write(names)

    def _read(self) -> set[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        except (OSError, UnicodeError) as exc:
            msg = f"cannot read {self.path}: {exc}"
            raise OutputError(msg) from None
        return {line for line in text.splitlines() if _OWNED.fullmatch(line)}

    def _write(self, names: set[str]) -> None:
        write_atomic(self.path, "".join(f"{name}\n" for name in sorted(names)))
        self.names = names


def publish_plan(
    out_dir: str | Path,
    scenario: Scenario,
    plan: Plan,
    *,
    issued_at: DateTime,
    pdf: bool = False,
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
        return folder.publish(scenario, plan, issued_at=issued_at, pdf=pdf)


def latest_version(out_dir: str | Path) -> int | None:
    """Return the number of the version ``DIR/latest.txt`` names, or None if none.

    This, not the history's last number, is the version readers use: the history
    commits a version a moment before ``latest.txt`` names it. A folder written
    by an older roadshow has only the ``latest`` link, which is read instead.
    """
    root = Path(out_dir)
    pointer = root / LATEST_FILE
    if pointer.is_symlink() or not pointer.is_file():
        return _link_version(root)
    try:
        text = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError):
        return None
    return _existing(root, text)


def latest_folder(out_dir: str | Path) -> Path | None:
    """Return the latest complete version's folder, or None.

    That is ``DIR/latest`` when the link shows the same version as
    ``latest.txt`` (the path goes through the link, so it follows later
    versions), else ``DIR/versions/NNNN``.
    """
    number = latest_version(out_dir)
    if number is None:
        return None
    root = Path(out_dir)
    if _link_version(root) == number:
        return root / LATEST
    return version_folder(root, number)


def version_folder(out_dir: str | Path, number: int) -> Path:
    """The folder of version *number* in a ``plan --out`` folder (it may be gone)."""
    return Path(out_dir) / VERSIONS / f"{number:04d}"


def _link_version(root: Path) -> int | None:
    try:
        target = (root / LATEST).readlink().as_posix()
    except OSError:
        return None
    return _existing(root, target)


def _existing(root: Path, target: str) -> int | None:
    match = _LINK_TARGET.fullmatch(target)
    if match is None or not (root / target).is_dir():
        return None
    return int(match[1])


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> None:
    """Write *files* (relative names) under *out_dir*, each atomically.

    For loose files such as ``roadshow ics --split all -o DIR``; a plan's outputs
    are written a version at a time by :meth:`OutputFolder.publish`.

    Raises:
        OutputError: a folder or file cannot be written.
    """
    write_files(ensure_folder(out_dir), files)
