"""Atomic file writes: the only place roadshow changes files and folders.

A write goes to a temporary file in the target folder, is flushed and fsynced,
then renamed over the target, so a reader (or a crash) sees either the old
complete file or the new complete file, never half of one; a file written over
keeps its mode. Folders are renamed and symbolic links repointed the same way
(:func:`rename`, :func:`point_link`), and :func:`lock_folder` keeps two runs from
writing one folder at once (a ``filelock`` lock, so this works on Windows too).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from roadshow.errors import FolderInUseError, OutputError


def _current_umask() -> int:
    # The only way to read the umask is to set it; put it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write *data* to *path* atomically (temp file, fsync, rename).

    A new file gets the usual mode (0644 under the common umask); a file written
    over keeps its own (an owner-only 0600 file stays 0600).

    Raises:
        OutputError: the folder is missing, read-only or full.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temp = _write_temp(path, payload, sync=True)
    try:
        temp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    _fsync_folder(path.parent)


def _write_temp(path: Path, data: bytes, *, sync: bool) -> Path:
    """Write *data* to a new temporary file beside *path*, fsynced if *sync*.

    Raises:
        OutputError: the folder is missing, read-only or full (no temp file is left).
    """
    try:
        fd, made = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    temp = Path(made)
    try:
        # mkstemp makes owner-only files; new outputs get the usual mode so a web
        # server or a colleague can read them, and a file written over keeps its.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    return temp


def write_new(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write *data* to a new file *path* (never an existing one) and fsync it.

    For files inside a folder that is renamed into place whole once written (a
    version's ``NNNN.tmp``): no temporary file or rename per file is needed, and
    the folder is flushed once (:func:`fsync_tree`), so each file costs one fsync.
    With ``sync=False`` the caller flushes all the files at once before the
    rename (:func:`sync_files`).

    Raises:
        OutputError: the file exists, or the folder is read-only or full.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o666)  # the umask applies, as for any new file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None


def sync_files(folder: Path, paths: list[Path] | None = None) -> None:
    """Make the files written under *folder* durable, as one fsync each would.

    On Linux one ``syncfs`` of the folder's file system does it (0.1 s against
    0.4-0.8 s for the 379 files of a default plan --out); elsewhere, or if it
    fails, each file is fsynced: *paths*, or every file under *folder*.

    Raises:
        OutputError: a file cannot be flushed.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except OSError:
        pass
    if paths is None:
        paths = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    for path in paths:
        if not path.is_symlink():
            try:
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
            except OSError as exc:
                msg = f"cannot write {path}"
                raise _error(msg, exc) from None


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write *files* (relative names) under *root*, each atomically, flushed together.

    Each file goes to a temporary file beside it; all are flushed at once
    (:func:`sync_files`), then each is renamed over its target and each folder
    is flushed once. A reader, or a crash, sees each file old or new, whole.

    Raises:
        OutputError: a folder or file cannot be written.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for name in sorted(files):
            path = root / name
            ensure_folder(path.parent)
            temps.append((_write_temp(path, files[name], sync=False), path))
        sync_files(root, [temp for temp, _ in temps])
        for temp, path in temps:
            try:
                temp.replace(path)
            except OSError as exc:
                msg = f"cannot write {path}: {exc.strerror or exc}"
                raise OutputError(msg) from None
    finally:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
    for folder in dict.fromkeys(path.parent for _, path in temps):
        _fsync_folder(folder)


def _syncfs(fd: int) -> int:
    """``syncfs(fd)`` where the C library has it (Linux); -1 elsewhere."""
    import ctypes  # noqa: PLC0415 - only when files are written

    try:
        call = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    except (OSError, TypeError):  # no C library to open by None (Windows)
        return -1
    return -1 if call is None else int(call(fd))


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_current_umask()


def ensure_folder(path: str | Path) -> Path:
    """Create a folder (and its parents) if needed and return it.

    Raises:
        OutputError: the folder cannot be created.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create the folder {folder}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    return folder


def rename(source: Path, target: Path) -> None:
    """Rename *source* to *target* (a file or a folder) and make it durable.

    Raises:
        OutputError: the rename failed.
    """
    try:
        source.replace(target)
    except OSError as exc:
        msg = f"cannot rename {source} to {target.name}"
        raise _error(msg, exc) from None
    _fsync_folder(target.parent)


def point_link(link: Path, target: str) -> None:
    """Point the symbolic link *link* at *target* (relative to the link), atomically.

    A new link is made beside it and renamed over it, so *link* always resolves
    to either the old or the new target.

    Raises:
        OutputError: the link cannot be made.
    """
    temp = link.with_name(f"{link.name}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        temp.symlink_to(target)
        temp.replace(link)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        msg = f"cannot point {link} at {target}"
        raise _error(msg, exc) from None
    _fsync_folder(link.parent)


def remove_tree(path: Path) -> None:
    """Remove a file, link or folder (with its contents) if it exists.

    Raises:
        OutputError: it cannot be removed.
    """
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        msg = f"cannot remove {path}"
        raise _error(msg, exc) from None


def fsync_tree(folder: Path) -> None:
    """Flush every folder under *folder* (and *folder* itself) to disk.

    Files written with :func:`write_atomic` are already flushed; this makes the
    entries of the folders created for them durable too.
    """
    for sub in sorted(p for p in folder.rglob("*") if p.is_dir()):
        _fsync_folder(sub)
    _fsync_folder(folder)


@contextlib.contextmanager
def lock_folder(folder: Path, lock_name: str = ".lock") -> Iterator[None]:
    """Hold an exclusive lock on *folder* (a lock file inside it, via ``filelock``).

    The lock is not waited for: a folder another process (or another open in this
    one) holds fails at once. The lock goes with the process, so a killed run
    never leaves the folder locked. A lock file that is a symbolic link (or not a
    file) is refused: locking never creates or truncates a file elsewhere.

    Raises:
        FolderInUseError: another run holds the lock.
        OutputError: the lock file cannot be created (a read-only folder), or
            it is a symbolic link or not a file.
    """
    from filelock import FileLock, Timeout  # noqa: PLC0415 - only when writing a folder

    path = folder / lock_name
    refuse_link(path, "the lock file")
    if path.exists() and not path.is_file():
        msg = f"cannot lock {folder}: {path} is not a file"
        raise OutputError(msg)
    lock = FileLock(path, timeout=0, preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        msg = (
            f"{folder} is in use by another roadshow run; try again when"
            " it has finished"
        )
        raise FolderInUseError(msg) from None
    except OSError as exc:
        msg = f"cannot write to {folder}"
        raise _error(msg, exc) from None
    try:
        yield
    finally:
        lock.release()


def refuse_link(path: Path, what: str) -> None:
    """Refuse *path* if it is a symbolic link (roadshow would write through it).

    Raises:
        OutputError: it is a symbolic link; the message names it and its target.
    """
    if path.is_symlink():
        try:
            target = f" (to {path.readlink()})"
        except OSError:
            target = ""
        msg = (
            f"{path} is a symbolic link{target}: roadshow will not write {what}"
            " through a link; remove the link or use another folder"
        )
        raise OutputError(msg)


def _error(what: str, exc: OSError) -> OutputError:
    return OutputError(f"{what}: {exc.strerror or exc}")


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
