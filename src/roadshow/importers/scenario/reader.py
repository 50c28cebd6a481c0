"""Read a scenario: :func:`load_scenario` (a file) and :func:`parse_scenario` (text)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from roadshow.errors import (
    ScenarioFileError,
)
from roadshow.importers._source import fetch, read_source
from roadshow.importers.scenario._parser import _Parser
from roadshow.importers.scenario._rows import Locator, ReadTable
from roadshow.importers.scenario._table import _Table
from roadshow.model import (
    Scenario,
)


def load_scenario(
    path: str | Path, *, locate: Locator | None = None, allow_outside: bool = False
) -> Scenario:
    """Read a scenario file and the CSV tables and diaries it names.

    Tables and diaries are named relative to the scenario file and must lie in
    its folder (symlinks resolved): a path that leads out of it is an error at
    its key, unless *allow_outside* (the CLI's ``--allow-outside-paths``).

    Raises:
        ScenarioFileError: the file or a table is missing, refused or malformed.
        InvalidModelError: a value breaks a model rule (located in the file).
    """
    path = Path(path)
    source = str(path)
    text = read_source(path, error=ScenarioFileError)
    base = None if allow_outside else path.parent

    def read_table(name: str) -> tuple[str, bytes]:
        table = path.parent / name
        return str(table), fetch(table, base=base)

    return parse_scenario(text, source=source, read_table=read_table, locate=locate)


def parse_scenario(
    text: str,
    *,
    source: str = "scenario.toml",
    read_table: ReadTable | None = None,
    locate: Locator | None = None,
) -> Scenario:
    """Parse scenario TOML into a Scenario.

    Args:
        text: The TOML text.
        source: The name used in error messages.
        read_table: Reads a CSV table named in ``[tables]`` (an OSError it raises
            becomes an error at that key); without it, naming a table is an
            error.
        locate: Resolves venues given by ``place`` or ``address`` instead of
            coordinates; without it, only coordinates are accepted.

    Raises:
        ScenarioFileError: malformed TOML, an unknown key, a wrong type or value.
        InvalidModelError: a value breaks a model rule (located in the file).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, source) from None
    except ValueError:
        # An integer of more than 4,300 digits (sys.get_int_max_str_digits).
        msg = "a number too long to read"
        raise ScenarioFileError(
            msg, source=source, expected="numbers of at most 4,300 digits"
        ) from None
    except RecursionError:
        # tomllib descends recursively into nested arrays and inline tables.
        msg = "arrays or tables nested too deeply"
        raise ScenarioFileError(
            msg, source=source, expected="a scenario in TOML"
        ) from None
    return _Parser(source, read_table, locate).scenario(_Table(data, "", source))


def _toml_error(exc: tomllib.TOMLDecodeError, source: str) -> ScenarioFileError:
    message = str(exc)
    location = None
    if "(at line" in message:
        message, _, where = message.partition(" (at ")
        location = where.rstrip(")")
    elif "(at end of document)" in message:
        message = message.replace(" (at end of document)", "")
        location = "end of file"
    problem = f"{message[0].lower()}{message[1:]}"
    return ScenarioFileError(
        problem, source=source, location=location, expected="valid TOML"
    )
