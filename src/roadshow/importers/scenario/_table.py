"""A TOML table being read: typed getters that name the key path in errors."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pendulum
from pendulum import Date, DateTime

from roadshow.errors import (
    Described,
    InvalidModelError,
    ScenarioFileError,
    closest,
    quote,
)
from roadshow.importers.tables import CellError
from roadshow.model import (
    TimeWindow,
)
from roadshow.timeutil import (
    parse_clock,
    parse_duration,
    skipped_by_clocks,
)

T = TypeVar("T")


_MISSING: Any = object()

# Model field names as written in the file, by the kind of object (the first
# word of InvalidModelError.obj), for relocating model errors.
_KEYS: dict[str, dict[str, str]] = {
    "scenario": {"scenario_id": "id", "start_on": "start", "end_on": "end"},
    "person": {"person_id": "id", "home_venue_id": "home", "region_id": "region"},
    "venue": {"venue_id": "id", "region_id": "region", "area_id": "area"},
    "region": {"region_id": "id", "hq_venue_id": "hq"},
    "area": {"area_id": "id", "region_id": "region", "venue_id": "venue"},
    "request": {
        "request_id": "id",
        "venue_ids": "venues",
        "area_id": "area",
        "region_id": "region",
        "optional_attendees": "optional",
        "earliest_on": "earliest",
        "latest_on": "latest",
        "pin_on": "pinned",
        "pin_at": "pinned",
    },
    "series": {
        "series_id": "id",
        "optional_attendees": "optional",
        "earliest_on": "earliest",
        "latest_on": "latest",
        "pin_on": "pinned",
        "pin_at": "pinned",
    },
    "blackout": {"person_id": "person", "start_on": "start", "end_on": "end"},
    "commitment": {"person_id": "person"},
}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _file_key(exc: InvalidModelError) -> str:
    """Return the key in the file that holds the model field *exc* names."""
    kind = exc.obj.split(" ", 1)[0]
    return _KEYS.get(kind, {}).get(exc.field, exc.field)


def _join(location: str, key: str) -> str:
    """Add *key* to a location: ``people[0]`` + ``id``, or a CSV line + column."""
    if not location:
        return key
    if location.startswith("line "):
        return f'{location}, column "{key}"'
    return f"{location}.{key}"


class _Table:
    """A TOML table being read: typed getters, key paths, unknown-key checks."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source
        self.used: set[str] = set()

    def where(self, key: str | None = None) -> str:
        if key is None:
            return self.path or "top level"
        if not _BARE_KEY.match(key.split("[", 1)[0]):
            key = quote(key)  # as TOML writes a key that is not bare
        return f"{self.path}.{key}" if self.path else key

    def error(
        self, key: str | None, expected: str, got: object = _MISSING, problem: str = ""
    ) -> ScenarioFileError:
        if got is _MISSING:
            return ScenarioFileError(
                problem, source=self.source, location=self.where(key), expected=expected
            )
        return ScenarioFileError(
            problem,
            source=self.source,
            location=self.where(key),
            expected=expected,
            got=got,
        )

    def missing(self, key: str, expected: str) -> ScenarioFileError:
        """Return the error for a required key that is absent.

        A key not read yet that looks like *key* is most likely a misspelling of
        it, so that is reported instead ("naem": did you mean "name"?).
        """
        unread = [k for k in self.data if k not in self.used]
        misspelt = closest(key, unread)
        if misspelt is not None:
            msg = f"unknown key {quote(misspelt)}"
            return ScenarioFileError(
                msg, source=self.source, location=self.where(misspelt), suggestion=key
            )
        return self.error(key, expected, problem="missing")

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key, _MISSING)

    def has(self, key: str) -> bool:
        return key in self.data

    def typed(
        self,
        key: str,
        kind: type[T] | tuple[type, ...],
        expected: str,
        default: Any = _MISSING,
    ) -> Any:
        value = self.raw(key)
        if value is _MISSING:
            if default is _MISSING:
                raise self.missing(key, expected)
            return default
        # bool is an int in Python; never accept it where a number is meant.
        if not isinstance(value, kind) or (
            isinstance(value, bool) and bool not in _as_tuple(kind)
        ):
            raise self.error(key, expected, _shown(value))
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        return self.typed(key, str, "a text", default)

    def number(self, key: str, default: Any = _MISSING) -> Any:
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

    def integer(self, key: str, default: Any = _MISSING) -> Any:
        return self.typed(key, int, "a whole number", default)

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        return self.typed(key, bool, "true or false", default)

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        value = self.typed(key, list, "a list of texts", default)
        if value is default:
            return value
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{key}[{i}]", "a text", _shown(item))
        return tuple(value)

    def parsed(
        self,
        key: str,
        parse: Callable[[str], T],
        expected: str,
        default: Any = _MISSING,
    ) -> Any:
        value = self.typed(key, str, expected, default)
        if value is default:
            return value
        try:
            return parse(value)
        except InvalidModelError as exc:  # well formed, but breaks a model rule
            raise self.error(key, exc.expected or expected, value) from None
        except (ValueError, OverflowError):
            raise self.error(key, expected, value) from None

    def parsed_list(
        self, key: str, parse: Callable[[str], T], expected: str
    ) -> tuple[T, ...] | None:
        values = self.texts(key, None)
        if values is None:
            return None
        out = []
        for i, value in enumerate(values):
            try:
                out.append(parse(value))
            except InvalidModelError as exc:  # well formed, but breaks a model rule
                raise self.error(
                    f"{key}[{i}]", exc.expected or expected, value
                ) from None
            except (ValueError, OverflowError):
                raise self.error(f"{key}[{i}]", expected, value) from None
        return tuple(out)

    def date(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key)
        if value is _MISSING:
            if default is _MISSING:
                raise self.missing(key, "a date like 2008-09-08")
            return default
        converted = _to_date(value)
        if converted is None:
            raise self.error(key, "a date like 2008-09-08", _shown(value))
        return converted

    def duration(self, key: str, default: Any = _MISSING) -> Any:
        return self.parsed(key, parse_duration, 'a duration like "2h30m"', default)

    def clock(self, key: str, default: Any = _MISSING) -> Any:
        return self.parsed(key, parse_clock, 'a clock time like "09:30"', default)

    def window(self, key: str, default: Any = _MISSING) -> Any:
        return self.parsed(
            key, TimeWindow.parse, 'a time window like "08:30-18:30"', default
        )

    def table(self, key: str) -> _Table:
        value = self.typed(key, dict, "a table", {})
        return _Table(value, self.where(key), self.source)

    def tables(self, key: str) -> list[_Table]:
        value = self.typed(key, list, f"an array of tables ([[{key}]])", [])
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"{key}[{i}]", "a table", _shown(item))
            out.append(_Table(item, self.where(f"{key}[{i}]"), self.source))
        return out

    def finish(self) -> None:
        for key in self.data:
            if key not in self.used:
                known = sorted(self.used)
                suggestion = closest(key, known)
                msg = f"unknown key {quote(key)}"
                raise ScenarioFileError(
                    msg,
                    source=self.source,
                    location=self.where(key),
                    # A close match says it all; otherwise list what is allowed.
                    expected=None if suggestion else _one_of(known, "no keys"),
                    suggestion=suggestion,
                )


def _one_of(names: list[str] | tuple[str, ...], none: str) -> str:
    return "one of " + ", ".join(names) if names else none


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _shown(value: object) -> object:
    """Show a TOML value in a message as TOML writes it."""
    if isinstance(value, bool):
        return Described(str(value).lower())
    if isinstance(value, dict):
        return Described("a table")
    if isinstance(value, list):
        return Described("a list")
    if isinstance(value, (dt.date, dt.time)):
        return Described(value.isoformat())
    return value


def _to_date(value: object) -> Date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return Date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
        return Date(parsed.year, parsed.month, parsed.day)
    return None


def _to_datetime(value: object, tz: str) -> DateTime | None:
    """Read a TOML datetime or ISO text; a time without an offset is in *tz*."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        if skipped_by_clocks(value, tz):
            raise SkippedTimeError(tz)
        return pendulum.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            tz=tz,
        )
    return pendulum.instance(value)


class SkippedTimeError(CellError):
    """A local time the clocks skip (spring forward): it never happens."""

    def __init__(self, tz: str) -> None:
        super().__init__(
            "the clocks go forward over this time, so it never happens",
            f"a time that exists in {tz}",
        )


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    msg = f"not a yes/no value: {text!r}"
    raise ValueError(msg)
