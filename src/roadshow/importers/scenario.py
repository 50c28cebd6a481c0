"""The scenario file format: TOML, optionally with CSV tables beside it.

:func:`parse_scenario` turns text into a :class:`~roadshow.model.Scenario` and is
pure (tables and place names come through callables); :func:`load_scenario` reads
a file and the tables it names. Every error names the file, the key path (or line
and column) and what was expected; unknown keys get a "did you mean".

The format, in short (see README.md and the bundled ``nhs-2008`` for a full one)::

    id = "my-tour"          name = "..."        timezone = "Europe/London"
    start = 2008-09-08      end = 2008-10-08
    [tables]    regions/areas/venues/commitments/travel = "file.csv"
    [calendar]  holidays = "GB-ENG", extra_holidays = [...], weekend = ["sat", "sun"]
    [rules]     max_nights_away_in_row, start_step, [rules.kinds.<kind>] ...
    [travel]    mode, walk_up_to_km, car_up_to_km, [travel.modes.<mode>] ...
    [[venues]] [[regions]] [[areas]] [[people]] [[blackouts]] [[commitments]]
    [[diaries]]  person = "darzi", file = "darzi.ics" (busy time from a diary)
    [[requests]] [[series]]   (a series expands to one request per region or area)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pendulum
from pendulum import Date, DateTime, Duration, Time

from roadshow.errors import (
    Described,
    DiaryFileError,
    GeocodeError,
    InputError,
    InvalidModelError,
    ScenarioFileError,
    closest,
    quote,
)
from roadshow.importers._source import decode_text, fetch, read_source, reason
from roadshow.importers.tables import Row, read_rows
from roadshow.model import (
    MODES,
    Area,
    Blackout,
    CalendarRules,
    Commitment,
    EventRequest,
    KindRules,
    ModeParams,
    Person,
    PlanningRules,
    Region,
    Scenario,
    Slot,
    TimeWindow,
    TravelOverride,
    TravelSettings,
    Venue,
    parse_days,
)
from roadshow.rules import check_holiday_spec
from roadshow.timeutil import (
    DEFAULT_TZ,
    check_timezone,
    minutes_of,
    parse_clock,
    parse_duration,
)

T = TypeVar("T")

ReadTable = Callable[[str], tuple[str, bytes]]
"""Given a table's file name as written in the scenario, return (source, bytes)."""


class Locator(Protocol):
    """Turns a place name or an address into coordinates (or None if unknown)."""

    def __call__(
        self, *, place: str | None, address: str | None
    ) -> tuple[float, float] | None:
        """Return ``(lat, lon)`` for a place name or address, or None.

        Raises:
            InputError: the locator looked the address up and found nothing
                (the parser places the error at the venue).
            GeocodeError: the lookup service failed.
        """
        ...


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
    "blackout": {"person_id": "person", "start_on": "start", "end_on": "end"},
    "commitment": {"person_id": "person"},
}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_MAX_SERIES_COUNT = 100  # events per region or area; more is surely a typo


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


class _Parser:
    def __init__(
        self, source: str, read_table: ReadTable | None, locate: Locator | None
    ) -> None:
        self.source = source
        self.read_table = read_table
        self.locate = locate
        self.tz = DEFAULT_TZ
        # Where each object came from ("request visit-Q30" -> "requests[3]").
        self.origins: dict[str, tuple[str, str]] = {}

    @contextmanager
    def at(self, source: str, location: str, obj: str | None = None) -> Iterator[None]:
        """Turn model errors raised inside into errors at *location* in *source*.

        *location* "" is the top level of the file.
        """
        if obj is not None:
            self.origins[obj] = (source, location)
        try:
            yield
        except InvalidModelError as exc:
            raise exc.relocated(
                source=source, location=_join(location, _file_key(exc))
            ) from None

    # --- top level -----------------------------------------------------------------

    def scenario(self, top: _Table) -> Scenario:
        scenario_id = top.text("id")
        name = top.text("name", scenario_id)
        description = top.text("description", "")
        self.tz = top.text("timezone", DEFAULT_TZ)
        self.origins["scenario"] = (self.source, "")
        with self.at(self.source, ""):
            check_timezone(self.tz, obj="scenario", field="timezone")
        start_on = top.date("start")
        end_on = top.date("end")
        if end_on < start_on:
            raise top.error(
                "end",
                f"a date on or after the start {start_on}",
                Described(end_on.isoformat()),
            )

        tables = top.table("tables")
        venues: list[Venue] = []
        regions: list[Region] = []
        areas: list[Area] = []
        commitments: list[Commitment] = []
        overrides: list[TravelOverride] = []
        rows = {
            key: self.table_rows(tables, key, file_name)
            for key in _COLUMNS
            if (file_name := tables.text(key, None)) is not None
        }
        self.region_rows(rows.get("regions", []), regions, venues)
        self.area_rows(rows.get("areas", []), areas, venues)
        venues.extend(self.venue_rows(rows.get("venues", [])))
        commitments.extend(self.commitment_rows(rows.get("commitments", [])))
        overrides.extend(self.travel_rows(rows.get("travel", [])))
        tables.finish()

        venues += [self.venue(t) for t in top.tables("venues")]
        regions += [self.region(t) for t in top.tables("regions")]
        areas += [self.area(t) for t in top.tables("areas")]
        people = [self.person(t) for t in top.tables("people")]
        blackouts = [self.blackout(t) for t in top.tables("blackouts")]
        commitments += [self.commitment(t) for t in top.tables("commitments")]
        for t in top.tables("diaries"):
            commitments += self.diary(t, people, start_on, end_on)
        calendar = self.calendar(top.table("calendar"))
        rules = self.rules(top.table("rules"))
        travel = self.travel(top.table("travel"), overrides)
        requests = [self.request(t) for t in top.tables("requests")]
        series_tables = top.tables("series")
        top.finish()
        requests += self.series(series_tables, people, regions, areas)

        with self.scenario_errors():
            return Scenario(
                scenario_id=scenario_id,
                name=name,
                description=description,
                timezone=self.tz,
                start_on=start_on,
                end_on=end_on,
                people=people,
                venues=venues,
                regions=regions,
                areas=areas,
                requests=requests,
                commitments=commitments,
                blackouts=blackouts,
                calendar=calendar,
                rules=rules,
                travel=travel,
            )

    @contextmanager
    def scenario_errors(self) -> Iterator[None]:
        """Place the scenario's cross-reference errors where the object came from."""
        try:
            yield
        except InvalidModelError as exc:
            source, location = self.origins.get(exc.obj, (self.source, exc.obj))
            raise exc.relocated(
                source=source, location=_join(location, _file_key(exc))
            ) from None

    def table_rows(self, tables: _Table, key: str, name: str) -> list[Row]:
        if self.read_table is None:
            raise tables.error(
                key, "no CSV tables here (the scenario was given as text)", name
            )
        try:
            table_source, data = self.read_table(name)
        except OSError as exc:
            msg = f"cannot read the table ({reason(exc)})"
            raise tables.error(
                key, "a CSV file (relative to the scenario file)", name, msg
            ) from None
        text = decode_text(data, source=table_source, error=ScenarioFileError)
        columns = _COLUMNS[key]
        return list(
            read_rows(
                text, source=table_source, required=columns[0], optional=columns[1]
            )
        )

    # --- CSV tables ----------------------------------------------------------------

    def region_rows(
        self, rows: list[Row], regions: list[Region], venues: list[Venue]
    ) -> None:
        for row in rows:
            region_id = row.required("id", "a region id")
            hq = f"{region_id}-hq"
            with self.at(row.source, row.where(), f"region {region_id}"):
                regions.append(
                    Region(
                        region_id=region_id,
                        name=row.required("name", "a name"),
                        hq_venue_id=hq,
                    )
                )
            town = row.text("hq_town")
            lat, lon = self.coordinates(row)
            with self.at(row.source, row.where(), f"venue {hq}"):
                venues.append(
                    Venue(
                        venue_id=hq,
                        name=f"{row.text('name')} headquarters",
                        address=town,
                        lat=lat,
                        lon=lon,
                        region_id=region_id,
                    )
                )

    def area_rows(
        self, rows: list[Row], areas: list[Area], venues: list[Venue]
    ) -> None:
        for row in rows:
            area_id = row.required("id", "an area id")
            point = f"{area_id}-point"
            with self.at(row.source, row.where(), f"area {area_id}"):
                areas.append(
                    Area(
                        area_id=area_id,
                        name=row.required("name", "a name"),
                        region_id=row.required("region", "a region id"),
                        venue_id=point,
                    )
                )
            town = row.required("town", "a town")
            lat, lon = self.coordinates(row)
            with self.at(row.source, row.where(), f"venue {point}"):
                venues.append(
                    Venue(
                        venue_id=point,
                        name=town,
                        address=f"{town} (representative point of {row.text('name')})",
                        lat=lat,
                        lon=lon,
                        area_id=area_id,
                    )
                )

    def venue_rows(self, rows: list[Row]) -> Iterator[Venue]:
        for row in rows:
            venue_id = row.required("id", "a venue id")
            name = row.required("name", "a name")
            address = row.text("address")
            place = row.text("place") or None
            if row.text("lat") or row.text("lon"):
                lat, lon = self.coordinates(row)
            else:
                lat, lon = self.locate_venue(
                    venue_id, place, address, row.source, row.where
                )
            with self.at(row.source, row.where(), f"venue {venue_id}"):
                yield Venue(
                    venue_id=venue_id,
                    name=name,
                    address=address,
                    lat=lat,
                    lon=lon,
                    capacity=row.optional("capacity", int, "a whole number of seats"),
                    region_id=row.text("region") or None,
                    area_id=row.text("area") or None,
                    accessible=row.optional("accessible", _parse_bool, "true or false"),
                )

    def commitment_rows(self, rows: list[Row]) -> Iterator[Commitment]:
        for row in rows:
            person = row.required("person", "a person id")
            start = row.convert(
                "start", self.parse_datetime, "a date and time like 2008-09-17T09:30"
            )
            end = row.convert(
                "end", self.parse_datetime, "a date and time like 2008-09-17T12:30"
            )
            with self.at(row.source, row.where(), None):
                yield Commitment(
                    person_id=person, start=start, end=end, label=row.text("label")
                )
            self.origins[f"commitment for {person}"] = (row.source, row.where())

    def travel_rows(self, rows: list[Row]) -> Iterator[TravelOverride]:
        for row in rows:
            mode = row.required("mode", "a mode: " + ", ".join(MODES))
            if mode not in MODES:
                raise ScenarioFileError(
                    source=row.source,
                    location=row.where("mode"),
                    expected="one of " + ", ".join(MODES),
                    got=mode,
                    suggestion=closest(mode, MODES),
                )
            minutes = row.convert("minutes", int, "whole minutes")
            with self.at(row.source, row.where(), "travel time"):
                yield TravelOverride(
                    from_id=row.required("from", "a venue id"),
                    to_id=row.required("to", "a venue id"),
                    mode=mode,
                    minutes=minutes,
                )

    def coordinates(self, row: Row) -> tuple[float, float]:
        return (
            row.convert("lat", float, "a latitude in degrees, like 51.5025"),
            row.convert("lon", float, "a longitude in degrees, like -0.1252"),
        )

    def locate_venue(
        self,
        venue_id: str,
        place: str | None,
        address: str,
        source: str,
        where: Callable[[str], str],
    ) -> tuple[float, float]:
        """Find a venue's coordinates from its place name or address.

        Raises:
            ScenarioFileError: nothing found (at the place or address).
            GeocodeError: the geocoder failed (naming the venue).
        """
        venue = f"venue {quote(venue_id)}"
        try:
            found = (
                self.locate(place=place, address=address or None)
                if self.locate
                else None
            )
        except InputError as exc:  # the geocoder found nothing for the address
            raise ScenarioFileError(
                f"{venue}: {exc.problem}" if exc.problem else venue,
                source=source,
                location=where("address"),
                expected=exc.expected,
                got=address,
            ) from None
        except GeocodeError as exc:
            msg = f"{source}, {where('address')}: looking up {venue} failed: {exc}"
            raise GeocodeError(msg) from None
        if found is not None:
            return found
        if place:
            msg = f"{venue}: no bundled place of that name"
            raise ScenarioFileError(
                msg,
                source=source,
                location=where("place"),
                expected=_NO_COORDINATES,
                got=place,
            )
        msg = f"{venue} has no coordinates"
        raise ScenarioFileError(
            msg,
            source=source,
            location=where("lat"),
            expected=_NO_COORDINATES,
        )

    def parse_datetime(self, text: str) -> DateTime:
        value = _to_datetime(text, self.tz)
        if value is None:
            msg = f"not a datetime: {text!r}"
            raise ValueError(msg)
        return value

    # --- inline tables -------------------------------------------------------------

    def venue(self, t: _Table) -> Venue:
        venue_id = t.text("id")
        address = t.text("address", "")
        place = t.text("place", None)
        if t.has("lat") or t.has("lon"):
            lat, lon = t.number("lat"), t.number("lon")
        else:
            lat, lon = self.locate_venue(venue_id, place, address, t.source, t.where)
        with self.at(self.source, t.where(), f"venue {venue_id}"):
            venue = Venue(
                venue_id=venue_id,
                name=t.text("name"),
                address=address,
                lat=lat,
                lon=lon,
                capacity=t.integer("capacity", None),
                region_id=t.text("region", None),
                area_id=t.text("area", None),
                accessible=t.flag("accessible", None),
            )
        t.finish()
        return venue

    def region(self, t: _Table) -> Region:
        region_id = t.text("id")
        with self.at(self.source, t.where(), f"region {region_id}"):
            region = Region(
                region_id=region_id, name=t.text("name"), hq_venue_id=t.text("hq")
            )
        t.finish()
        return region

    def area(self, t: _Table) -> Area:
        area_id = t.text("id")
        with self.at(self.source, t.where(), f"area {area_id}"):
            area = Area(
                area_id=area_id,
                name=t.text("name"),
                region_id=t.text("region"),
                venue_id=t.text("venue"),
            )
        t.finish()
        return area

    def person(self, t: _Table) -> Person:
        person_id = t.text("id")
        kwargs: dict[str, Any] = {}
        for key, getter in (("working_hours", t.window), ("travel_hours", t.window)):
            value = getter(key, None)
            if value is not None:
                kwargs[key] = value
        with self.at(self.source, t.where(), f"person {person_id}"):
            person = Person(
                person_id=person_id,
                name=t.text("name"),
                role=t.text("role", "principal"),
                home_venue_id=t.text("home"),
                late_after=t.clock("late_after", None),
                timezone=t.text("timezone", self.tz),
                region_id=t.text("region", None),
                email=t.text("email", None),
                travel_mode=t.text("travel_mode", None),
                **kwargs,
            )
        t.finish()
        return person

    def blackout(self, t: _Table) -> Blackout:
        person = t.text("person")
        with self.at(self.source, t.where(), f"blackout for {person}"):
            blackout = Blackout(
                person_id=person,
                start_on=t.date("start"),
                end_on=t.date("end"),
                reason=t.text("reason", ""),
            )
        t.finish()
        return blackout

    def commitment(self, t: _Table) -> Commitment:
        person = t.text("person")
        start, end = self.datetime_key(t, "start"), self.datetime_key(t, "end")
        with self.at(self.source, t.where(), f"commitment for {person}"):
            commitment = Commitment(
                person_id=person, start=start, end=end, label=t.text("label", "")
            )
        t.finish()
        return commitment

    def diary(
        self, t: _Table, people: list[Person], start_on: Date, end_on: Date
    ) -> tuple[Commitment, ...]:
        """Read a ``[[diaries]]`` entry: a person's .ics file as busy time."""
        person_id, name = t.text("person"), t.text("file")
        t.finish()
        if self.read_table is None:
            raise t.error("file", "a scenario read from a file (diaries sit beside it)")
        try:
            source, data = self.read_table(name)
        except OSError as exc:
            msg = f"cannot read the diary ({reason(exc)})"
            raise t.error(
                "file", "an .ics file (relative to the scenario file)", name, msg
            ) from None
        zone = next((p.timezone for p in people if p.person_id == person_id), self.tz)
        # Only scenarios with diaries pay for the iCalendar import.
        from roadshow.importers.diary import parse_diary  # noqa: PLC0415

        return parse_diary(
            decode_text(data, source=source, error=DiaryFileError),
            source=source,
            person_id=person_id,
            start_on=start_on,
            end_on=end_on,
            timezone=zone,
        )

    def datetime_key(self, t: _Table, key: str) -> DateTime:
        expected = "a date and time like 2008-09-17T09:30:00"
        raw = t.raw(key)
        if raw is _MISSING:
            raise t.missing(key, expected)
        value = _to_datetime(raw, self.tz)
        if value is None:
            raise t.error(key, expected, _shown(raw))
        return value

    def calendar(self, t: _Table) -> CalendarRules:
        spec = t.text("holidays", "GB-ENG")
        with self.at(self.source, t.where()):
            check_holiday_spec(spec)
        extra = t.typed("extra_holidays", list, "a list of dates", [])
        days = []
        for i, value in enumerate(extra):
            day = _to_date(value)
            if day is None:
                raise t.error(
                    f"extra_holidays[{i}]", "a date like 2008-12-25", _shown(value)
                )
            days.append(day)
        weekend = t.parsed_list("weekend", parse_days, 'day names like "sat"')
        t.finish()
        return CalendarRules(
            holidays=spec,
            extra_holidays=days,
            weekend=frozenset().union(*weekend) if weekend is not None else {5, 6},
        )

    def rules(self, t: _Table) -> PlanningRules:
        step = t.duration("start_step", Duration(minutes=15))
        kinds = []
        kind_tables = t.table("kinds")
        for kind in kind_tables.data:
            k = kind_tables.table(kind)
            with self.at(self.source, k.where()):
                kinds.append(
                    KindRules(
                        kind=kind,
                        max_per_person_per_day=k.integer(
                            "max_per_person_per_day", None
                        ),
                        max_per_region_per_week=k.integer(
                            "max_per_region_per_week", None
                        ),
                        avoid_region_days_of=k.text("avoid_region_days_of", None),
                        neighbour_km=k.number("neighbour_km", None),
                    )
                )
            k.finish()
        kind_tables.finish()
        with self.at(self.source, t.where()):
            rules = PlanningRules(
                max_nights_away_in_row=t.integer("max_nights_away_in_row", 3),
                min_stay_km=t.number("min_stay_km", 0.0),
                start_step_minutes=minutes_of(step),
                kinds=kinds,
            )
        t.finish()
        return rules

    def travel(self, t: _Table, overrides: list[TravelOverride]) -> TravelSettings:
        defaults = TravelSettings()
        modes = []
        mode_tables = t.table("modes")
        for mode in mode_tables.data:
            if mode not in MODES:
                msg = f"unknown travel mode {quote(mode)}"
                raise ScenarioFileError(
                    msg,
                    source=self.source,
                    location=mode_tables.where(mode),
                    expected=_one_of(MODES, ""),
                    suggestion=closest(mode, MODES),
                )
        for mode in MODES:
            base = defaults.params(mode)
            m = mode_tables.table(mode)
            with self.at(self.source, m.where()):
                modes.append(
                    ModeParams(
                        mode=mode,
                        speed_kmh=m.number("speed_kmh", base.speed_kmh),
                        circuity=m.number("circuity", base.circuity),
                        overhead=m.duration("overhead", base.overhead),
                    )
                )
            m.finish()
        mode_tables.finish()
        with self.at(self.source, t.where()):
            settings = TravelSettings(
                modes=modes,
                mode=t.text("mode", "auto"),
                walk_up_to_km=t.number("walk_up_to_km", 1.5),
                car_up_to_km=t.number("car_up_to_km", 60.0),
                overrides=overrides,
            )
        t.finish()
        return settings

    # --- requests and series -------------------------------------------------------

    def request_fields(self, t: _Table) -> dict[str, Any]:
        """Read the keys a request and a series share."""
        fields: dict[str, Any] = {
            "kind": t.text("kind", "event"),
            "duration": t.duration("duration"),
            "min_capacity": t.integer("min_capacity", None),
            "earliest_on": t.date("earliest", None),
            "latest_on": t.date("latest", None),
            "slots": t.parsed_list(
                "slots", Slot.parse, 'slots like "mon-fri 18:30-20:30"'
            )
            or (),
            "preferred_start": t.clock("preferred_start", None),
            "gap_before": t.duration("gap_before", Duration()),
            "gap_after": t.duration("gap_after", Duration()),
            "purpose": t.text("purpose", ""),
            "contact": t.text("contact", ""),
            "notes": t.text("notes", ""),
        }
        pinned = t.raw("pinned")
        if pinned is not _MISSING:
            day = _to_date(pinned)
            if day is not None:
                fields["pin_on"] = day
            else:
                when = _to_datetime(pinned, self.tz)
                if when is None:
                    raise t.error(
                        "pinned",
                        "a date (2008-10-22) or a local time (2008-10-22T10:00:00)",
                        _shown(pinned),
                    )
                fields["pin_on"] = when.date()
                fields["pin_at"] = Time(when.hour, when.minute)
        return fields

    def places(self, t: _Table) -> dict[str, Any]:
        venues = t.texts("venues", ())
        venue = t.text("venue", None)
        if venue is not None:
            if venues:
                raise t.error("venue", "either 'venue' or 'venues', not both", venue)
            venues = (venue,)
        return {
            "venue_ids": venues,
            "area_id": t.text("area", None),
            "region_id": t.text("region", None),
        }

    def request(self, t: _Table) -> EventRequest:
        request_id = t.text("id")
        with self.at(self.source, t.where(), f"request {request_id}"):
            request = EventRequest(
                request_id=request_id,
                title=t.text("title"),
                attendees=t.texts("attendees"),
                optional_attendees=t.texts("optional", ()),
                lead=t.text("lead", None),
                follows=t.text("follows", None),
                **self.places(t),
                **self.request_fields(t),
            )
        t.finish()
        return request

    def series(
        self,
        tables: list[_Table],
        people: list[Person],
        regions: list[Region],
        areas: list[Area],
    ) -> list[EventRequest]:
        out = []
        for t in tables:
            out += self.one_series(t, people, regions, areas)
        return out

    def one_series(
        self, t: _Table, people: list[Person], regions: list[Region], areas: list[Area]
    ) -> list[EventRequest]:
        series_id = t.text("id")
        per = t.text("per")
        if per not in ("region", "area"):
            raise t.error("per", '"region" or "area"', per)
        only_regions = _known_names(t, "regions", [r.region_id for r in regions])
        only_areas = _known_names(t, "areas", [a.area_id for a in areas])
        count = t.integer("count", 1)
        if not 1 <= count <= _MAX_SERIES_COUNT:
            raise t.error("count", f"1 to {_MAX_SERIES_COUNT}", count)
        title = t.text("title")
        attendees, optional, lead = (
            t.texts("attendees"),
            t.texts("optional", ()),
            t.text("lead", None),
        )
        follows = t.text("follows", None)
        fields = self.request_fields(t)
        t.finish()
        _check_template(t, title, per)

        items = _series_items(per, regions, areas, set(only_regions), set(only_areas))
        if not items:
            msg = f"the series matches no {per}"
            raise ScenarioFileError(
                msg,
                source=t.source,
                location=t.where(),
                expected=f"at least one {per} (check per, regions and areas)",
            )
        requests = []
        for key, region_id, values in items:
            for n in range(1, count + 1):
                suffix = f"{key}-{n}" if count > 1 else key
                request_id = f"{series_id}-{suffix}"
                place: dict[str, Any] = (
                    {"region_id": key} if per == "region" else {"area_id": key}
                )
                with self.at(self.source, t.where(), f"request {request_id}"):
                    requests.append(
                        EventRequest(
                            request_id=request_id,
                            title=title.format_map(values),
                            attendees=self.resolve_people(
                                t, "attendees", attendees, people, region_id
                            ),
                            optional_attendees=self.resolve_people(
                                t, "optional", optional, people, region_id
                            ),
                            lead=self.resolve_people(
                                t, "lead", (lead,), people, region_id
                            )[0]
                            if lead
                            else None,
                            follows=f"{follows}-{suffix}" if follows else None,
                            **place,
                            **fields,
                        )
                    )
        return requests

    def resolve_people(
        self,
        t: _Table,
        key: str,
        names: tuple[str, ...],
        people: list[Person],
        region_id: str,
    ) -> tuple[str, ...]:
        """Resolve ``role:<role>`` to the person with that role in the region."""
        out = []
        for name in names:
            if not name.startswith("role:"):
                out.append(name)
                continue
            role = name.removeprefix("role:")
            found = [
                p.person_id
                for p in people
                if p.role == role and p.region_id == region_id
            ]
            if len(found) != 1:
                raise t.error(
                    key,
                    f"exactly one person with role {quote(role)} in region {region_id}",
                    Described(", ".join(found) or "nobody"),
                )
            out.append(found[0])
        return tuple(out)


def _known_names(t: _Table, key: str, known: list[str]) -> tuple[str, ...]:
    """Read a list of region or area ids at *key*, each one that exists.

    Raises:
        ScenarioFileError: an id is unknown (with the closest known id).
    """
    names: tuple[str, ...] = t.texts(key, ())
    for i, name in enumerate(names):
        if name not in known:
            msg = f"unknown {key.removesuffix('s')} {quote(name)}"
            raise ScenarioFileError(
                msg,
                source=t.source,
                location=t.where(f"{key}[{i}]"),
                suggestion=closest(name, known),
            )
    return names


def _series_items(
    per: str,
    regions: list[Region],
    areas: list[Area],
    only_regions: set[str],
    only_areas: set[str],
) -> list[tuple[str, str, dict[str, str]]]:
    """Return ``(key, region id, title values)`` for each region or area of a series."""
    region_names = {r.region_id: r.name for r in regions}
    items: list[tuple[str, str, dict[str, str]]] = []
    if per == "region":
        for region in regions:
            if not only_regions or region.region_id in only_regions:
                values = {"region_id": region.region_id, "region_name": region.name}
                items.append((region.region_id, region.region_id, values))
        return items
    for area in areas:
        if (not only_regions or area.region_id in only_regions) and (
            not only_areas or area.area_id in only_areas
        ):
            values = {
                "area_id": area.area_id,
                "area_name": area.name,
                "region_id": area.region_id,
                "region_name": region_names.get(area.region_id, area.region_id),
            }
            items.append((area.area_id, area.region_id, values))
    return items


def _check_template(t: _Table, title: str, per: str) -> None:
    """Check a series title's {placeholders} against what *per* provides.

    Raises:
        ScenarioFileError: a placeholder the series cannot fill, or a title
            that str.format cannot use.
    """
    allowed = {"region_id", "region_name"}
    if per == "area":
        allowed |= {"area_id", "area_name"}
    expected = "placeholders among " + ", ".join("{" + a + "}" for a in sorted(allowed))
    try:
        names = {
            field
            for _, field, _, _ in string.Formatter().parse(title)
            if field is not None
        }
    except ValueError:
        raise t.error("title", "a title with {placeholders} in braces", title) from None
    unknown = sorted(names - allowed)
    if unknown:
        msg = f"unknown placeholder {{{unknown[0]}}}"
        raise ScenarioFileError(
            msg,
            source=t.source,
            location=t.where("title"),
            expected=f"{expected} (per {per})",
            suggestion=closest(unknown[0], allowed),
        )
    try:  # conversions and format specs ({x!r}, {x:>{y}}) can still fail
        title.format_map(dict.fromkeys(allowed, "x"))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        raise t.error("title", expected, title) from None


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    msg = f"not a yes/no value: {text!r}"
    raise ValueError(msg)


_NO_COORDINATES = (
    "lat and lon, a bundled place name in 'place', "
    "or an address looked up with --geocode"
)

_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "regions": (("id", "name", "lat", "lon"), ("hq_town",)),
    "areas": (("id", "name", "region", "town", "lat", "lon"), ()),
    "venues": (
        ("id", "name"),
        ("address", "place", "lat", "lon", "capacity", "region", "area", "accessible"),
    ),
    "commitments": (("person", "start", "end"), ("label",)),
    "travel": (("from", "to", "mode", "minutes"), ()),
}
