"""Reading CSV tables: header checks, line numbers, and clear errors.

A table is UTF-8 text (a byte-order mark is allowed) with a header row. Every
error names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Final, TypeVar

from attrs import frozen

from roadshow._fields import Fields
from roadshow.errors import InputError, ScenarioFileError, closest, quote
from roadshow.importers import _source

T = TypeVar("T")


@frozen
class Row:
    """One data row of a table, with where it came from."""

    source: str
    line: int
    values: dict[str, str]

    def where(self, column: str | None = None) -> str:
        """Return the location of this row (and column) for error messages."""
        return f"line {self.line}" + (f', column "{column}"' if column else "")

    def text(self, column: str) -> str:
        """Return a column's text, stripped ("" when the column is empty)."""
        return (self.values.get(column) or "").strip()

    def required(self, column: str, expected: str = "a value") -> str:
        """Return a column's text, or raise when it is empty.

        Raises:
            ScenarioFileError: the cell is empty.
        """
        value = self.text(column)
        if not value:
            raise _Cells(self.values, self.where(), self.source).error(
                column, expected, ""
            )
        return value

    def convert(self, column: str, parse: Callable[[str], T], expected: str) -> T:
        """Return a column converted by *parse*, naming the cell when it fails.

        Raises:
            ScenarioFileError: the cell is empty or *parse* rejects it.
        """
        value = self.required(column, expected)
        return _Cells(self.values, self.where(), self.source).convert(
            column, value, parse, expected
        )

    def optional(
        self, column: str, parse: Callable[[str], T], expected: str
    ) -> T | None:
        """Like :meth:`convert`, but an empty cell gives None."""
        return self.convert(column, parse, expected) if self.text(column) else None


class _Cells(Fields):
    """A CSV row read through the typed reader: ``line 3, column "lat"``."""

    error_class = ScenarioFileError

    def where(self, key: str | None = None) -> str:
        return self.path + (f', column "{key}"' if key else "")


def number(text: str) -> float:
    """Parse a decimal number in ASCII digits (``float`` takes Arabic-Indic ones).

    Raises:
        ValueError: not such a number.
    """
    if not text.isascii():
        msg = f"not ASCII digits: {text!r}"
        raise ValueError(msg)
    return float(text)


def whole_number(text: str) -> int:
    """Parse a whole number in ASCII digits (``int`` takes Arabic-Indic ones).

    Raises:
        ValueError: not such a number.
    """
    if not text.isascii():
        msg = f"not ASCII digits: {text!r}"
        raise ValueError(msg)
    return int(text)


def decode_text(
    data: bytes, *, source: str, error: type[InputError] = ScenarioFileError
) -> str:
    """Decode UTF-8 bytes; see :func:`roadshow.importers._source.decode_text`.

    Raises:
        InputError: the bytes are not UTF-8 text or contain NUL characters.
    """
    return _source.decode_text(data, source=source, error=error)


MAX_ROWS: Final = 100_000
"""The most data rows a table may have (England has about 10,000 GP surgeries):
a bigger table is refused at the row over, before the scenario is built from it."""


def read_rows(
    text: str, *, source: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[Row]:
    """Yield the data rows of a CSV table after checking its header.

    Raises:
        ScenarioFileError: a missing or unknown column, or a malformed row.
    """
    # strict: an unbalanced quote is an error, not a cell that eats the file.
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True
    )
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        msg = "the table is empty"
        raise ScenarioFileError(
            msg,
            source=source,
            location="line 1",
            expected="a header row: " + ",".join(required),
        ) from None
    except csv.Error as exc:
        msg = f"malformed CSV ({exc})"
        raise ScenarioFileError(
            msg, source=source, location="line 1", expected=_WELL_FORMED
        ) from None
    _check_header(header, source=source, required=required, optional=optional)
    rows = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if rows > MAX_ROWS:
                msg = "the table has too many rows"
                raise ScenarioFileError(
                    msg,
                    source=source,
                    location=f"line {line}",
                    expected=f"at most {MAX_ROWS:,} rows",
                )
            if len(cells) != len(header):
                msg = "wrong number of cells"
                raise ScenarioFileError(
                    msg,
                    source=source,
                    location=f"line {line}",
                    expected=f"{len(header)} cells",
                    got=len(cells),
                )
            yield Row(
                source=source, line=line, values=dict(zip(header, cells, strict=True))
            )
    except csv.Error as exc:
        msg = f"malformed CSV ({exc})"
        raise ScenarioFileError(
            msg,
            source=source,
            location=f"line {reader.line_num}",
            expected=_WELL_FORMED,
        ) from None


def _check_header(
    header: list[str],
    *,
    source: str,
    required: Sequence[str],
    optional: Sequence[str],
) -> None:
    known = [*required, *optional]
    if not set(header) & set(known):
        # Not this table's header at all (another kind of file?): quote none of
        # it, so a file named by mistake never shows its content.
        msg = "the first line is not a header of this table (no known column)"
        raise ScenarioFileError(
            msg,
            source=source,
            location="line 1",
            expected="a header row: " + ",".join(required),
        )
    for i, column in enumerate(header):
        if column in header[:i]:
            msg = f"the column {quote(column)} appears twice"
            raise ScenarioFileError(
                msg, source=source, location="line 1", expected="each column once"
            )
        if column not in known:
            msg = f"unknown column {quote(column)}"
            raise ScenarioFileError(
                msg,
                source=source,
                location="line 1",
                expected="columns " + ",".join(known),
                suggestion=closest(column, known),
            )
    missing = [c for c in required if c not in header]
    if missing:
        msg = f"missing column {quote(missing[0])}"
        raise ScenarioFileError(
            msg,
            source=source,
            location="line 1",
            expected="columns " + ",".join(required),
        )


_WELL_FORMED = "comma-separated cells, each quoted cell closed"
