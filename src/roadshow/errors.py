"""The errors and warnings roadshow raises on purpose.

Every error is a :class:`RoadshowError`. Bad user input is an :class:`InputError`
(also a :class:`ValueError`, so ``except ValueError`` keeps working for embedders);
its message is built from structured fields so tests and tools can read the parts:

    ``<where>: <what is wrong>; expected <form>, got <value>. Did you mean <x>?``

Messages are one line: control characters in values and keys are shown escaped,
as Python shows them, so a message never breaks into several paragraphs.

Infeasible requests and rule violations are *values* (``Plan.unplaced``,
``check()``), never exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

_NOTHING = object()
_SHOWN_CHARS = 80  # longer values are cut in messages


class Described(str):
    """A description of a value, shown in messages as is: ``got a list``.

    Plain texts are shown quoted (``got "two hours"``); a described value is the
    reader's words for what was found, so it goes unquoted.
    """

    __slots__ = ()


class RoadshowError(Exception):
    """Base of every error roadshow raises on purpose.

    Attributes:
        exit_code: The command line's exit code for this error: 3, the command
            could not finish (an output, history or network problem); subclasses
            for bad input say 2. The command line reads it from the error, so a
            new error class chooses its own code here.
    """

    exit_code: ClassVar[int] = 3


class InputError(RoadshowError, ValueError):
    """Bad user input: a file, a field or a value that roadshow cannot use.

    Attributes:
        source: The file (or other source) the input came from, if known.
        location: Where in the source: a key path, a line, a column.
        problem: What is wrong, in words ("" when *expected* says it all).
        expected: The form that was expected.
        got: The value that was found (omitted from the message when not given).
        suggestion: A close match for a misspelt name ("Did you mean ...?").
    """

    exit_code: ClassVar[int] = 2

    def __init__(
        self,
        problem: str = "",
        *,
        source: str | None = None,
        location: str | None = None,
        expected: str | None = None,
        got: object = _NOTHING,
        suggestion: str | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.location = location
        self.expected = expected
        self.got = None if got is _NOTHING else got
        self.has_got = got is not _NOTHING
        self.suggestion = suggestion
        super().__init__(self._compose())

    @property
    def where(self) -> str:
        """The source and location joined, e.g. ``scenario.toml, people[0].name``."""
        return ", ".join(part for part in (self.source, self.location) if part)

    def _compose(self) -> str:
        parts = [self.problem] if self.problem else []
        if self.expected is not None:
            expected = f"expected {self.expected}"
            if self.has_got:
                expected += f", got {_show(self.got)}"
            parts.append(expected)
        elif self.has_got:
            parts.append(f"got {_show(self.got)}")
        text = "; ".join(parts) or "invalid input"
        where = self.where
        message = f"{where}: {text}." if where else f"{text[0].upper()}{text[1:]}."
        if self.suggestion:
            message += f" Did you mean {quote(self.suggestion)}?"
        return _printable(message)

    def relocated(self, *, source: str | None, location: str | None) -> InputError:
        """Return a copy of this error placed in *source* at *location*.

        Loaders use this to turn a model error ("request visit-Q30, field
        duration") into a file error ("scenario.toml, requests[3].duration").
        """
        return ScenarioFileError(
            self.problem,
            source=source,
            location=location,
            expected=self.expected,
            got=self.got if self.has_got else _NOTHING,
            suggestion=self.suggestion,
        )


class ScenarioFileError(InputError):
    """A scenario TOML file or one of its CSV tables is malformed."""


class DiaryFileError(InputError):
    """An iCalendar (.ics) file is malformed."""


class PlanFileError(InputError):
    """A plan file (JSON) is malformed or of an unknown schema version."""


class AddressNotFoundError(InputError):
    """The geocoder answered, but found no place for an address."""


class InvalidModelError(InputError):
    """A model object was given an invalid value.

    Attributes:
        obj: The object, e.g. ``"person darzi"`` or ``"request visit-Q30"``.
        field: The field name, e.g. ``"timezone"``.
    """

    def __init__(
        self,
        problem: str = "",
        *,
        obj: str,
        field: str,
        expected: str | None = None,
        got: object = _NOTHING,
        suggestion: str | None = None,
    ) -> None:
        self.obj = obj
        self.field = field
        super().__init__(
            problem,
            location=f"{obj}, {field}",
            expected=expected,
            got=got,
            suggestion=suggestion,
        )


class UnknownReferenceError(InvalidModelError):
    """A model object refers to an id that does not exist (with "did you mean")."""

    def __init__(
        self, *, obj: str, field: str, kind: str, ref: str, known: Iterable[str]
    ) -> None:
        self.kind = kind
        self.ref = ref
        super().__init__(
            f"unknown {kind} {quote(ref)}",
            obj=obj,
            field=field,
            suggestion=closest(ref, known),
        )


class PlanningError(RoadshowError, ValueError):
    """The planner API was misused (bad parameters); never raised for infeasibility."""


class OutputError(RoadshowError, OSError):
    """An output, history or cache file could not be written or read."""


class FolderInUseError(OutputError):
    """Another roadshow run is writing the same output folder (exit 3)."""


class GeocodeError(RoadshowError):
    """The geocoding service could not be reached, was too slow, or answered junk.

    The command could not finish (exit 3); an address the service simply does
    not know is bad input instead (:class:`AddressNotFoundError`, exit 2).
    """


class MissingDependencyError(RoadshowError, ImportError):
    """An optional extra the request needs is not installed (the message says how)."""


class RoadshowWarning(UserWarning):
    """Base of roadshow's warnings."""


class SkippedContentWarning(RoadshowWarning):
    """Valid input that roadshow does not support was skipped."""


class DuplicateEventWarning(RoadshowWarning):
    """Two events of a diary share a UID: both were read."""


class RepairedTextWarning(RoadshowWarning):
    """A file's text was not valid UTF-8 as RFC 5545 asks and was read as repaired."""


def closest(name: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to *name*, or None when nothing is close.

    Case is ignored first (``5nd`` finds ``5ND``), since short codes are too
    short for a spelling distance to tell them apart.
    """
    by_folded: dict[str, str] = {}
    for item in sorted(known):
        by_folded.setdefault(item.casefold(), item)
    folded = name.casefold()
    if folded in by_folded:
        return by_folded[folded]
    import difflib  # noqa: PLC0415 - only on errors; keeps `roadshow --help` quick

    matches = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def quote(text: str) -> str:
    """Return *text* in double quotes for a message, cut if long: ``"Europe/Londn"``."""
    cut = _SHOWN_CHARS - 3
    shown = text if len(text) <= _SHOWN_CHARS else text[:cut] + "..."
    return '"' + shown.replace('"', '\\"') + '"'


def _show(value: object) -> str:
    if isinstance(value, Described):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(item) for item in value) or "nothing"
    try:
        shown = repr(value)
    except ValueError:  # an int too long to print (sys.set_int_max_str_digits)
        return "a number too large to show"
    return shown if len(shown) <= _SHOWN_CHARS else shown[: _SHOWN_CHARS - 3] + "..."


def _printable(text: str) -> str:
    # A newline or other control character from a value would break the
    # one-line message; show it escaped, as Python would.
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
