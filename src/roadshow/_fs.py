"""Atomic file writes: the only place roadshow writes files.

A write goes to a temporary file in the target folder, is flushed and fsynced,
then renamed over the target, so a reader (or a crash) sees either the old
complete file or the new complete file, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from roadshow.errors import OutputError


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


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
