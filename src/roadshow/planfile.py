"""The plan file format: a plan as JSON (``roadshow-plan/1``), written and read.

:func:`render_plan_file` writes a plan; times are ISO 8601 with their UTC offset,
keys are sorted and the layout fixed, so the same plan always renders to the same
bytes. :func:`parse_plan_file` reads the text back: a file of another schema, or
edited into a wrong shape, gives a :class:`~roadshow.errors.PlanFileError` that
names the file and the JSON path. Pure: reading a file from a path is
:func:`roadshow.importers.plan_file.load_plan_file`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pendulum
from pendulum import Date, DateTime

from roadshow._fields import MISSING, Fields
from roadshow.errors import (
    Described,
    InvalidModelError,
    PlanFileError,
    quote,
)
from roadshow.model import OvernightStay, Plan, ScheduledEvent, TravelLeg, Unplaced

SCHEMA = "roadshow-plan/1"
"""The schema id every plan file carries."""


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """Return the plan as plain JSON-ready data."""
    return {
        "schema": SCHEMA,
        "scenario": plan.scenario_id,
        "events": [
            {
                "request": e.request_id,
                "title": e.title,
                "kind": e.kind,
                "venue": e.venue_id,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "attendees": list(e.attendees),
                "lead": e.lead,
                "region": e.region_id,
                "area": e.area_id,
            }
            for e in plan.events
        ],
        "legs": [
            {
                "person": leg.person_id,
                "from": leg.from_id,
                "to": leg.to_id,
                "mode": leg.mode,
                "depart": leg.depart.isoformat(),
                "arrive": leg.arrive.isoformat(),
                "distance_km": leg.distance_km,
            }
            for leg in plan.legs
        ],
        "stays": [
            {
                "person": s.person_id,
                "night_of": s.night_of.isoformat(),
                "venue": s.venue_id,
            }
            for s in plan.stays
        ],
        "unplaced": [
            {"request": u.request_id, "reason": u.reason, "rules": list(u.rules)}
            for u in plan.unplaced
        ],
    }


def render_plan_file(plan: Plan) -> str:
    """Return the plan file text (UTF-8 JSON, two-space indent, trailing newline)."""
    return (
        json.dumps(plan_to_data(plan), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n"
    )


T = TypeVar("T")

# Model field names as written in the file, for placing model errors.
_KEYS = {
    "request_id": "request",
    "venue_id": "venue",
    "person_id": "person",
    "from_id": "from",
    "to_id": "to",
    "region_id": "region",
    "area_id": "area",
}
_TOP = "top level"
_TOP_KEYS = {"schema", "scenario", "events", "legs", "stays", "unplaced"}


def parse_plan_file(text: str, *, source: str = "plan.json") -> Plan:
    """Parse plan file text into a Plan.

    Raises:
        PlanFileError: not JSON, another schema, or a field of the wrong shape.
    """
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # "Unterminated string starting at" ends where json puts the position.
        text = exc.msg.removesuffix(" starting at")
        msg = f"{text[0].lower()}{text[1:]}"
        raise PlanFileError(
            msg,
            source=source,
            location=f"line {exc.lineno}, column {exc.colno}",
            expected="valid JSON",
        ) from None
    except _NotJSONError as exc:
        msg = f"{exc} is not a JSON number"
        raise PlanFileError(msg, source=source, expected="valid JSON") from None
    except RecursionError:
        msg = "lists or objects nested too deeply"
        raise PlanFileError(msg, source=source, expected="a plan file") from None
    return _Reader(source).plan(data)


class _NotJSONError(ValueError):
    """Python's json module reads NaN and Infinity; JSON has no such numbers."""


def _reject_constant(name: str) -> object:
    raise _NotJSONError(name)


class _Object(Fields):
    """A JSON object of a plan file: typed getters that name the JSON path."""

    error_class = PlanFileError
    mapping_name = "an object"

    @staticmethod
    def show(value: object) -> object:
        """Show a JSON value as JSON writes it."""
        return _shown(value)

    def optional_text(self, key: str) -> str | None:
        """Return a text, or None when absent or null."""
        value = self.raw(key)
        return None if value is MISSING or value is None else self.text(key)

    def when(self, key: str) -> DateTime:
        text = self.text(key)
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise self.error(
                key, "a date and time like 2008-09-08T10:30:00+01:00", text
            ) from None
        if parsed.tzinfo is None:
            raise self.error(key, "a time with its UTC offset", text)
        return pendulum.instance(parsed)

    def day(self, key: str) -> Date:
        text = self.text(key)
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            raise self.error(key, "a date like 2008-09-08", text) from None
        return Date(parsed.year, parsed.month, parsed.day)

    def distance(self, key: str) -> float:
        value = self.typed(key, (int, float), "a distance in km")
        try:
            km = float(value)
        except OverflowError:  # a huge JSON integer
            km = math.inf
        if not 0 <= km < math.inf:
            raise self.error(key, "a finite distance of 0 km or more", value)
        return float(km)

    def list_of_texts(self, key: str) -> tuple[str, ...]:
        return tuple(self.texts(key, expected="a list"))

    def records(self, key: str) -> list[Any]:
        return list(self.typed(key, list, "a list"))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def record(self, value: Any, path: str, keys: set[str]) -> _Object:
        """Return *value* as a record with exactly *keys* (bar optional ones)."""
        if not isinstance(value, dict):
            raise PlanFileError(
                source=self.source,
                location=path,
                expected="an object",
                got=_shown(value),
            )
        record = _Object(value, path, self.source)
        record.exactly(keys, _OPTIONAL)
        return record

    @contextmanager
    def at(self, path: str) -> Iterator[None]:
        """Place model errors raised inside at *path* (``events[3].end``)."""
        try:
            yield
        except InvalidModelError as exc:
            raise PlanFileError(
                exc.problem,
                source=self.source,
                location=f"{path}.{_KEYS.get(exc.field, exc.field)}",
                expected=exc.expected,
                got=exc.got,
            ) from None

    def each(self, top: _Object, key: str, read: Callable[[Any, str], T]) -> list[T]:
        out = []
        for i, item in enumerate(top.records(key)):
            path = f"{key}[{i}]"
            with self.at(path):
                out.append(read(item, path))
        return out

    def plan(self, data: Any) -> Plan:
        if not isinstance(data, dict):
            raise PlanFileError(
                source=self.source,
                location=_TOP,
                expected="an object",
                got=_shown(data),
            )
        # The schema first: another version may well have other keys.
        if "schema" not in data:
            msg = 'missing key "schema"'
            raise PlanFileError(
                msg, source=self.source, location=_TOP, expected=quote(SCHEMA)
            )
        if data["schema"] != SCHEMA:
            msg = "unsupported plan file version"
            raise PlanFileError(
                msg,
                source=self.source,
                location="schema",
                expected=quote(SCHEMA),
                got=_shown(data["schema"]),
            )
        top = self.record(data, "", _TOP_KEYS)
        return Plan(
            scenario_id=top.text("scenario"),
            events=self.each(top, "events", self.event),
            legs=self.each(top, "legs", self.leg),
            stays=self.each(top, "stays", self.stay),
            unplaced=self.each(top, "unplaced", self.unplaced),
        )

    def event(self, value: Any, path: str) -> ScheduledEvent:
        e = self.record(
            value,
            path,
            {
                "request",
                "title",
                "kind",
                "venue",
                "start",
                "end",
                "attendees",
                "lead",
                "region",
                "area",
            },
        )
        return ScheduledEvent(
            request_id=e.text("request"),
            title=e.text("title"),
            kind=e.text("kind"),
            venue_id=e.text("venue"),
            start=e.when("start"),
            end=e.when("end"),
            attendees=e.list_of_texts("attendees"),
            lead=e.optional_text("lead"),
            region_id=e.optional_text("region"),
            area_id=e.optional_text("area"),
        )

    def leg(self, value: Any, path: str) -> TravelLeg:
        e = self.record(
            value,
            path,
            {"person", "from", "to", "mode", "depart", "arrive", "distance_km"},
        )
        return TravelLeg(
            person_id=e.text("person"),
            from_id=e.text("from"),
            to_id=e.text("to"),
            mode=e.text("mode"),
            depart=e.when("depart"),
            arrive=e.when("arrive"),
            distance_km=e.distance("distance_km"),
        )

    def stay(self, value: Any, path: str) -> OvernightStay:
        e = self.record(value, path, {"person", "night_of", "venue"})
        return OvernightStay(
            person_id=e.text("person"),
            night_of=e.day("night_of"),
            venue_id=e.text("venue"),
        )

    def unplaced(self, value: Any, path: str) -> Unplaced:
        e = self.record(value, path, {"request", "reason", "rules"})
        return Unplaced(
            request_id=e.text("request"),
            reason=e.text("reason"),
            rules=e.list_of_texts("rules"),
        )


_OPTIONAL = {"lead", "region", "area"}


def _shown(value: object) -> object:
    """Show texts and numbers as they are; other JSON values in JSON's words."""
    if value is None or isinstance(value, bool):
        return Described(json.dumps(value))
    if isinstance(value, (str, int, float)):
        return value
    return Described("an object" if isinstance(value, dict) else "a list")
