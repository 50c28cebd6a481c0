"""Shared pieces of the model: ids, validators and converters, the names in messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

import attrs
from pendulum import Date, Duration

from roadshow.errors import (
    Described,
    InvalidModelError,
)
from roadshow.timeutil import (
    format_duration,
    minutes_of,
)

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names in ``Date.weekday()`` order (Monday is 0)."""

MODES: Final = ("walk", "car", "rail")
"""Travel modes the travel model knows."""

# fullmatch, not match with "$": "$" also matches before a trailing newline.
_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?")
_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")
# Names Windows reserves for devices: ids become file names, so refuse them.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def check_id(value: object, *, obj: str, field: str = "id") -> str:
    """Return *value* if it is a safe id: letters, digits, ``_ . -``; 1-64 chars.

    Ids become parts of file names and URLs, so ``/``, ``..``, NUL and device
    names such as ``CON`` are refused.

    Raises:
        InvalidModelError: the id is not safe.
    """
    if (
        not isinstance(value, str)
        or not _ID.fullmatch(value)
        or ".." in value
        or value.split(".")[0].lower() in _RESERVED
    ):
        raise InvalidModelError(
            obj=obj,
            field=field,
            expected="an id of 1-64 letters, digits, '_', '.' or '-' "
            "(no '..', no '/', not a device name)",
            got=value,
        )
    return value


def _id_validator(kind: str) -> Any:
    def validate(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_id(value, obj=kind, field=attribute.name)

    return validate


def _opt_id_validator(kind: str) -> Any:
    def validate(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            _id_validator(kind)(inst, attribute, value)

    return validate


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)


def _sorted_unique_ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_str_tuple(values)))


def _date_set(values: Iterable[Date]) -> frozenset[Date]:
    return frozenset(values)


def _int_set(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


MAX_DURATION = Duration(hours=24)
"""The longest event: a day."""
MAX_GAP = Duration(days=7)
"""The longest gap kept before or after an event: a week."""
MAX_NAME_CHARS = 1000
"""The longest name or title."""
MAX_TEXT_CHARS = 2000
"""The longest free text (purpose, notes, an address): a long paragraph."""


def _nonneg_duration(
    inst: Any, attribute: attrs.Attribute[Any], value: Duration
) -> None:
    if minutes_of(value) < 0:
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected="a duration of zero or more",
            got=format_duration(value),
        )
    if value > MAX_GAP:
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected=f"a duration of at most {format_duration(MAX_GAP)}",
            got=format_duration(value),
        )


def _visible(text: str) -> bool:
    """Tell whether *text* shows anything: not only spaces or invisible marks."""
    return any(c.isprintable() and not c.isspace() for c in text)


def _text_length(inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse free text longer than :data:`MAX_TEXT_CHARS` (it slows every output)."""
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected=f"a text of at most {MAX_TEXT_CHARS:,} characters",
            got=Described(f"{len(value):,} characters"),
        )


def _describe(inst: object) -> str:
    """Name an object for error messages, e.g. ``person darzi``."""
    noun, id_field = _NOUNS.get(type(inst).__name__, (type(inst).__name__.lower(), ""))
    ident = getattr(inst, id_field, None) if id_field else None
    return f"{noun} {ident}" if isinstance(ident, str) else noun


_NOUNS = {
    "EventRequest": ("request", "request_id"),
    "Person": ("person", "person_id"),
    "Venue": ("venue", "venue_id"),
    "Lodging": ("lodging", "lodging_id"),
    "Region": ("region", "region_id"),
    "Area": ("area", "area_id"),
    "ScheduledEvent": ("event", "request_id"),
    "Series": ("series", "series_id"),
}


def _nonempty(inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _visible(value):  # "", spaces, or only a zero-width space
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected="a non-empty text",
            got=value,
        )
    if len(value) > MAX_NAME_CHARS:
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected=f"a text of at most {MAX_NAME_CHARS:,} characters",
            got=Described(f"{len(value):,} characters"),
        )
