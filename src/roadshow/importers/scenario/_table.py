"""A TOML table being read: typed getters that name the key path in errors."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import pendulum
from pendulum import Date, DateTime

from roadshow._fields import MISSING, CellError, Fields
from roadshow.errors import (
    Described,
    InvalidModelError,
    ScenarioFileError,
)
from roadshow.model import (
    TimeWindow,
)
from roadshow.timeutil import (
    parse_clock,
    parse_duration,
    skipped_by_clocks,
)

T = TypeVar("T")


_MISSING: Any = MISSING

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
    "closure": {"venue_id": "venue"},
}


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


class _Table(Fields):
    """A TOML table being read: typed getters, key paths, unknown-key checks."""

    error_class = ScenarioFileError
    mapping_name = "a table"

    @staticmethod
    def show(value: object) -> object:
        """Show a TOML value as TOML writes it."""
        return _shown(value)

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
        return self.child(key)

    def tables(self, key: str) -> list[_Table]:
        return self.children(key, f"an array of tables ([[{key}]])")


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
