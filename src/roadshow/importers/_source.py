"""The one guarded way in for every file roadshow reads.

Every ``load_*`` reads its file through :func:`read_source` (text) or
:func:`read_source_bytes` (bytes), which:

- read regular files only: a folder, a FIFO, a device or a socket is refused
  before it is opened (checked with ``os.stat``; the file is then opened with
  ``O_NONBLOCK`` and checked again, so a file swapped for a FIFO cannot hang);
- refuse a file over a size limit (:data:`MAX_SOURCE_BYTES`, 50 MB) without
  reading more than the limit;
- confine a path to a folder when given *base*: the path, with symlinks
  resolved, must stay inside it (a scenario's tables and diaries must sit in
  the scenario's folder unless the user allows others);
- decode UTF-8 (a byte-order mark is dropped) with a message naming the file.

Errors never quote a refused file's content. :func:`fetch` is the same guard
raising :class:`SourceRefusedError` (an ``OSError``) for callers that place the
error themselves, e.g. at the scenario key that named the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from roadshow.errors import InputError

MAX_SOURCE_BYTES = 50 * 1024 * 1024
"""The largest file roadshow reads (50 MB): beyond it, a file is refused."""

OUTSIDE_HINT = "roadshow --allow-outside-paths allows it"
"""How a user allows a scenario to name files outside its folder."""

_NOT_REGULAR = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class SourceRefusedError(OSError):
    """A file roadshow will not read; ``strerror`` says why, in words for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(0, reason)


def fetch(
    path: str | Path, *, base: Path | None = None, limit: int = MAX_SOURCE_BYTES
) -> bytes:
    """Return a regular file's bytes, refusing what roadshow must not read.

    Args:
        path: The file; a relative path is relative to the working folder.
        base: When given, the file (symlinks resolved) must lie inside this
            folder; *path* is still the whole path (e.g. ``base / name``).
        limit: The largest size read, in bytes.

    Raises:
        SourceRefusedError: a NUL in the name, a path outside *base*, not a
            regular file, or larger than *limit*.
        OSError: the file cannot be read (missing, no permission, ...).
    """
    path = Path(path)
    if "\x00" in str(path):
        msg = "the file name holds a NUL character"
        raise SourceRefusedError(msg)
    if base is not None:
        _confine(path, base)
    _check(path.stat(), limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as file:
        _check(os.fstat(file.fileno()), limit)  # the file may have been swapped
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew since the check
        raise SourceRefusedError(_too_large(limit))
    return data


def read_source_bytes(
    path: str | Path,
    *,
    what: str = "file",
    base: Path | None = None,
    limit: int = MAX_SOURCE_BYTES,
    error: type[InputError] = InputError,
) -> bytes:
    """Return a file's bytes, or raise *error* naming the file.

    Args:
        path: The file to read.
        what: What the file is, for the message: ``cannot read the {what} (...)``.
        base: When given, the file must lie inside this folder (see :func:`fetch`).
        limit: The largest size read, in bytes.
        error: The error class raised (e.g. ``DiaryFileError``).

    Raises:
        InputError: (*error*) the file is missing, unreadable or refused.
    """
    try:
        return fetch(path, base=base, limit=limit)
    except OSError as exc:
        msg = f"cannot read the {what} ({reason(exc)})"
        raise error(msg, source=str(path)) from None


def read_source(
    path: str | Path,
    *,
    what: str = "file",
    base: Path | None = None,
    limit: int = MAX_SOURCE_BYTES,
    error: type[InputError] = InputError,
) -> str:
    """Return a file's text (UTF-8, a byte-order mark dropped).

    See :func:`read_source_bytes` for the arguments.

    Raises:
        InputError: (*error*) the file is missing, unreadable, refused, not UTF-8
            text or holds a NUL character.
    """
    data = read_source_bytes(path, what=what, base=base, limit=limit, error=error)
    return decode_text(data, source=str(path), error=error)


def reason(exc: OSError) -> str:
    """Return why a file could not be read, in words: ``No such file or directory``."""
    return exc.strerror or str(exc)


def decode_text(
    data: bytes, *, source: str, error: type[InputError] = InputError
) -> str:
    """Decode UTF-8 bytes (dropping a byte-order mark), naming the file on failure.

    Raises:
        InputError: (*error*) the bytes are not UTF-8 text or contain NUL characters.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = "the file is not UTF-8 text"
        raise error(
            msg,
            source=source,
            location=f"line {line}",
            expected="UTF-8 text",
            got=f"byte 0x{data[exc.start]:02x}",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        msg = "the file holds a NUL character (binary data?)"
        raise error(msg, source=source, location=f"line {line}")
    return text


def _confine(path: Path, base: Path) -> None:
    try:
        root = base.resolve()
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        msg = "a symlink loop"
        raise SourceRefusedError(msg) from None
    if not target.is_relative_to(root):
        msg = f"outside the scenario's folder; {OUTSIDE_HINT}"
        raise SourceRefusedError(msg)


def _check(info: os.stat_result, limit: int) -> None:
    for test, kind in _NOT_REGULAR:
        if test(info.st_mode):
            msg = f"not a regular file but {kind}"
            raise SourceRefusedError(msg)
    if not stat.S_ISREG(info.st_mode):
        msg = "not a regular file"
        raise SourceRefusedError(msg)
    if info.st_size > limit:
        raise SourceRefusedError(_too_large(limit))


def _too_large(limit: int) -> str:
    mb = limit / (1024 * 1024)
    shown = f"{mb:g} MB" if mb >= 1 else f"{limit} bytes"
    return f"larger than the {shown} limit"
