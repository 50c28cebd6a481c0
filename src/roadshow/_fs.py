"""Atomic file writes: the only place roadshow changes files and folders.

A write goes to a temporary file in the target folder, is flushed and fsynced,
then renamed over the target, so a reader (or a crash) sees either the old
complete file or the new complete file, never half of one. Folders are renamed
and symbolic links repointed the same way (:func:`rename`, :func:`point_link`),
and :func:`lock_folder` keeps two runs from writing one folder at once.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
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

    Raises:
        OutputError: the folder is missing, read-only or full.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, temp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    try:
        # mkstemp makes owner-only files; outputs get the usual mode (0644 under
        # the common umask) so a web server or a colleague can read them.
        os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        msg = f"cannot write {path}: {exc.strerror or exc}"
        raise OutputError(msg) from None
    _fsync_folder(path.parent)


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
    """Hold an exclusive lock on *folder* (``flock`` on a lock file inside it).

    The lock is not waited for: a folder another process (or another open in this
    one) holds fails at once. The lock goes with the process, so a killed run
    never leaves the folder locked.

    Raises:
        FolderInUseError: another run holds the lock.
        OutputError: the lock file cannot be created (a read-only folder).
    """
    path = folder / lock_name
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        msg = f"cannot write to {folder}"
        raise _error(msg, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in {errno.EAGAIN, errno.EACCES}:
                msg = f"cannot lock {folder}"
                raise _error(msg, exc) from None
            msg = (
                f"{folder} is in use by another roadshow run; try again when"
                " it has finished"
            )
            raise FolderInUseError(msg) from None
        yield
    finally:
        os.close(fd)  # releases the lock


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
