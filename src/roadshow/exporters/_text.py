"""Plain-text helpers shared by the terminal renderers and the change notice.

:func:`inert` is the one place that makes text from a scenario, a plan or a diary
safe to print on a terminal or to put in a mail header; :func:`table` applies it
to every cell.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

_ESCAPED: Final = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
"""Unicode categories shown escaped: controls (C0 with ESC, CR, LF and TAB; DEL;
C1), format characters (bidi overrides and isolates, zero-width characters),
line and paragraph separators, lone surrogates and unassigned code points."""


def inert(text: str, *, limit: int | None = None) -> str:
    r"""Return *text* as one line that a terminal or mail reader shows as text.

    Characters that could move the cursor, clear the screen, set a window title,
    start a new line (or mail header), or reorder what is shown (bidi overrides)
    are written as Python writes them in a string: ``\x1b``, ``\n``, ``\u202e``.
    Letters of every script, marks and spaces are kept as they are.

    Args:
        text: Any text, e.g. a name from a scenario file.
        limit: Cut the result to at most this many characters (ending in ``...``).
    """
    if not text.isprintable():
        text = "".join(
            repr(c)[1:-1] if unicodedata.category(c) in _ESCAPED else c for c in text
        )
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 3, 0)] + "..."
    return text


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, indent: str = ""
) -> str:
    """Lay out rows under headers in aligned columns (numbers right-aligned)."""
    cells = [[inert(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(isinstance(row[i], (int, float)) for row in rows) and bool(rows)
        for i in range(len(headers))
    ]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            cell.rjust(widths[i]) if numeric[i] and n else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append(indent + "  ".join(parts).rstrip())
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else inert(str(value))
