"""The one typed reader for documents: a TOML table, a JSON object, a CSV row.

:class:`Fields` wraps one mapping read from a file and hands out its values by
key, typed: each getter checks the value's type (or parses its text) and, when
it is wrong, raises an :class:`~roadshow.errors.InputError` that names the
file, the key path (``requests[3].duration``) and what was expected, and shows
what was found in the file's own words (``got a table``, ``got null``).
:meth:`Fields.finish` refuses keys nobody read, with a "did you mean".

Each format sets three things in a subclass: the error class, how a found value
is shown (:meth:`Fields.show`), and the name of a nested mapping (``a table``
in TOML, ``an object`` in JSON); the scenario reader (``_Table``), the plan-file
reader and the CSV :class:`~roadshow.importers.tables.Row` are such subclasses.
cattrs was tried for the plan file and not taken: its default converter turns a
number into a text without a word (``"request": 7`` read as ``"7"``), and its
errors carry the path but not the words these messages promise
(``invalid value for type, expected datetime @ $.events[0].start``, no value).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar, Self, TypeVar

from roadshow.errors import InputError, InvalidModelError, closest, quote

T = TypeVar("T")
F = TypeVar("F", bound="Fields")

MISSING: Any = object()
"""The default of a getter whose key is required."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class CellError(ValueError):
    """A value that is well formed but wrong, saying why and what was expected.

    A parser given to :meth:`Fields.parsed` raises it for a message better than
    "expected X, got Y", e.g. a local time the clocks skip.
    """

    def __init__(self, problem: str, expected: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected


class Fields:
    """One mapping being read, with typed getters whose errors say where."""

    error_class: ClassVar[type[InputError]] = InputError
    mapping_name: ClassVar[str] = "a table"
    top_name: ClassVar[str] = "top level"

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source
        self.used: set[str] = set()

    # --- where and what ----------------------------------------------------------

    @staticmethod
    def show(value: object) -> object:
        """Return *value* as the message shows it (texts quoted, others in words)."""
        return value

    def where(self, key: str | None = None) -> str:
        """Return the location of *key* (or of this mapping): ``people[0].name``."""
        if key is None:
            return self.path or self.top_name
        if not _BARE_KEY.fullmatch(key.split("[", 1)[0]):
            key = quote(key)  # as TOML writes a key that is not bare
        return f"{self.path}.{key}" if self.path else key

    def error(
        self, key: str | None, expected: str, got: object = MISSING, problem: str = ""
    ) -> InputError:
        """Return the error at *key*: ``problem; expected X, got Y``."""
        if got is MISSING:
            return self.error_class(
                problem, source=self.source, location=self.where(key), expected=expected
            )
        return self.error_class(
            problem,
            source=self.source,
            location=self.where(key),
            expected=expected,
            got=got,
        )

    def missing(self, key: str, expected: str) -> InputError:
        """Return the error for a required key that is absent.

        A key not read yet that looks like *key* is most likely a misspelling of
        it, so that is reported instead ("naem": did you mean "name"?).
        """
        unread = [k for k in self.data if k not in self.used]
        misspelt = closest(key, unread)
        if misspelt is not None:
            msg = f"unknown key {quote(misspelt)}"
            return self.error_class(
                msg, source=self.source, location=self.where(misspelt), suggestion=key
            )
        return self.error(key, expected, problem="missing")

    # --- getters -----------------------------------------------------------------

    def raw(self, key: str) -> Any:
        """Return the value as found (or MISSING), and mark *key* as read."""
        self.used.add(key)
        return self.data.get(key, MISSING)

    def has(self, key: str) -> bool:
        """Tell whether *key* is present."""
        return key in self.data

    def typed(
        self,
        key: str,
        kind: type[T] | tuple[type, ...],
        expected: str,
        default: Any = MISSING,
    ) -> Any:
        """Return the value of *key* if it is of *kind*, else raise at *key*."""
        value = self.raw(key)
        if value is MISSING:
            if default is MISSING:
                raise self.missing(key, expected)
            return default
        # bool is an int in Python; never accept it where a number is meant.
        if not isinstance(value, kind) or (
            isinstance(value, bool) and bool not in _as_tuple(kind)
        ):
            raise self.error(key, expected, self.show(value))
        return value

    def text(self, key: str, default: Any = MISSING) -> Any:
        """Return a text."""
        return self.typed(key, str, "a text", default)

    def number(self, key: str, default: Any = MISSING) -> Any:
        """Return a finite number as a float."""
        value = self.typed(key, (int, float), "a number", default)
        if value is None or value is default:
            return value
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):  # TOML allows nan and inf; no value here does
            raise self.error(key, "a finite number", value)
        return number

    def integer(self, key: str, default: Any = MISSING) -> Any:
        """Return a whole number."""
        return self.typed(key, int, "a whole number", default)

    def flag(self, key: str, default: Any = MISSING) -> Any:
        """Return true or false."""
        return self.typed(key, bool, "true or false", default)

    def texts(
        self, key: str, default: Any = MISSING, *, expected: str = "a list of texts"
    ) -> Any:
        """Return a list of texts as a tuple."""
        value = self.typed(key, list, expected, default)
        if value is default:
            return value
        for i, item in enumerate(value):
            if not isinstance(item, str):
                at = f"{key}[{i}]"
                raise self.error(at, "a text", self.show(item))
        return tuple(value)

    def parsed(
        self,
        key: str,
        parse: Callable[[str], T],
        expected: str,
        default: Any = MISSING,
    ) -> Any:
        """Return a text parsed by *parse*; its ValueError becomes an error at *key*."""
        value = self.typed(key, str, expected, default)
        if value is default:
            return value
        return self.convert(key, value, parse, expected)

    def convert(
        self, key: str, value: str, parse: Callable[[str], T], expected: str
    ) -> T:
        """Return *value* (found at *key*) parsed by *parse*, or raise at *key*."""
        try:
            return parse(value)
        except CellError as exc:  # well formed, but wrong for a reason it names
            raise self.error(key, exc.expected, value, exc.problem) from None
        except InvalidModelError as exc:  # well formed, but breaks a model rule
            raise self.error(key, exc.expected or expected, value) from None
        except (ValueError, OverflowError):
            raise self.error(key, expected, value) from None

    def parsed_list(
        self, key: str, parse: Callable[[str], T], expected: str
    ) -> tuple[T, ...] | None:
        """Return a list of texts each parsed by *parse* (None when absent)."""
        values = self.texts(key, None)
        if values is None:
            return None
        return tuple(
            self.convert(f"{key}[{i}]", value, parse, expected)
            for i, value in enumerate(values)
        )

    def child(self, key: str) -> Self:
        """Return the nested mapping at *key* (empty when absent)."""
        value = self.typed(key, dict, self.mapping_name, {})
        return type(self)(value, self.where(key), self.source)

    def children(self, key: str, expected: str) -> list[Self]:
        """Return the list of mappings at *key* (empty when absent)."""
        value = self.typed(key, list, expected, [])
        out = []
        for i, item in enumerate(value):
            at = f"{key}[{i}]"
            if not isinstance(item, dict):
                raise self.error(at, self.mapping_name, self.show(item))
            out.append(type(self)(item, self.where(at), self.source))
        return out

    # --- the keys as a whole -----------------------------------------------------

    def finish(self) -> None:
        """Refuse any key not read, naming the closest one read."""
        for key in self.data:
            if key not in self.used:
                known = sorted(self.used)
                suggestion = closest(key, known)
                msg = f"unknown key {quote(key)}"
                raise self.error_class(
                    msg,
                    source=self.source,
                    location=self.where(key),
                    # A close match says it all; otherwise list what is allowed.
                    expected=None if suggestion else one_of(known, "no keys"),
                    suggestion=suggestion,
                )

    def exactly(
        self, keys: AbstractSet[str], optional: AbstractSet[str] = frozenset()
    ) -> None:
        """Require the keys *keys* (bar *optional*) and no others, up front.

        For fixed records (a plan file's events): the error is at the record and
        lists its keys, ``events[0]: unknown key "colour"; expected keys ...``.
        """
        unknown = sorted(set(self.data) - keys)
        if unknown:
            msg = f"unknown key {quote(unknown[0])}"
            raise self.error_class(
                msg,
                source=self.source,
                location=self.where(),
                expected="keys " + ", ".join(sorted(keys)),
                suggestion=closest(unknown[0], keys),
            )
        missing = sorted(keys - set(self.data) - optional)
        if missing:
            msg = f"missing key {quote(missing[0])}"
            raise self.error_class(
                msg,
                source=self.source,
                location=self.where(),
                expected="keys " + ", ".join(sorted(keys - optional)),
            )


def one_of(names: list[str] | tuple[str, ...], none: str) -> str:
    return "one of " + ", ".join(names) if names else none


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
