"""The domain model: frozen, validated value objects.

Everything here is immutable (``attrs.frozen``); change a value with
``attrs.evolve``. Constructors only validate: reading files is the importers' job.
Instants are aware :class:`pendulum.DateTime`, lengths :class:`pendulum.Duration`,
days :class:`pendulum.Date`, clock times :class:`pendulum.Time`.

Invalid values raise :class:`~roadshow.errors.InvalidModelError` naming the object
and the field; unknown references raise
:class:`~roadshow.errors.UnknownReferenceError` with a "did you mean".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Final

import attrs
from attrs import field, frozen
from pendulum import Date, DateTime, Duration, Time

from roadshow.errors import (
    Described,
    InvalidModelError,
    UnknownReferenceError,
    quote,
)
from roadshow.timeutil import (
    DEFAULT_TZ,
    check_timezone,
    clock_minutes,
    format_clock,
    format_duration,
    minutes_of,
    parse_clock,
    to_aware,
)

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names in ``Date.weekday()`` order (Monday is 0)."""

MODES: Final = ("walk", "car", "rail")
"""Travel modes the travel model knows."""

_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$")
_KIND = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
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
        or not _ID.match(value)
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


def _describe(inst: object) -> str:
    """Name an object for error messages, e.g. ``person darzi``."""
    noun, id_field = _NOUNS.get(type(inst).__name__, (type(inst).__name__.lower(), ""))
    ident = getattr(inst, id_field, None) if id_field else None
    return f"{noun} {ident}" if isinstance(ident, str) else noun


_NOUNS = {
    "EventRequest": ("request", "request_id"),
    "Person": ("person", "person_id"),
    "Venue": ("venue", "venue_id"),
    "Region": ("region", "region_id"),
    "Area": ("area", "area_id"),
    "ScheduledEvent": ("event", "request_id"),
}


def _slots(values: Iterable[Slot]) -> tuple[Slot, ...]:
    return tuple(values)


def _kind_rules(values: Iterable[KindRules]) -> tuple[KindRules, ...]:
    return tuple(values)


def _modes(values: Iterable[ModeParams]) -> tuple[ModeParams, ...]:
    return tuple(values)


def _overrides(values: Iterable[TravelOverride]) -> tuple[TravelOverride, ...]:
    return tuple(values)


def _venues(values: Iterable[Venue]) -> tuple[Venue, ...]:
    return tuple(values)


def _regions(values: Iterable[Region]) -> tuple[Region, ...]:
    return tuple(values)


def _areas(values: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(values)


def _requests(values: Iterable[EventRequest]) -> tuple[EventRequest, ...]:
    return tuple(values)


def _commitments(values: Iterable[Commitment]) -> tuple[Commitment, ...]:
    return tuple(values)


def _blackouts(values: Iterable[Blackout]) -> tuple[Blackout, ...]:
    return tuple(values)


def _people(values: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(values)


@frozen
class TimeWindow:
    """A daily window of clock time, e.g. working hours ``08:30-18:30``."""

    start: Time
    end: Time

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj="time window",
                field="end",
                expected=f"an end after the start {format_clock(self.start)}",
                got=format_clock(self.end),
            )

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        """Parse ``"HH:MM-HH:MM"``.

        Raises:
            ValueError: the text is not such a window.
        """
        start, sep, end = text.strip().partition("-")
        if not sep:
            msg = f"not a time window: {text!r}"
            raise ValueError(msg)
        return cls(parse_clock(start), parse_clock(end))

    @property
    def minutes(self) -> tuple[int, int]:
        """The window as minutes after midnight ``(start, end)``."""
        return clock_minutes(self.start), clock_minutes(self.end)

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)}"


def _weekday_set(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


@frozen
class Slot:
    """When an event may happen: on these weekdays, inside this clock window.

    ``Slot.parse("mon-fri 18:30-20:30")`` is a weekday evening;
    ``Slot.parse("sat 10:00-12:30")`` a Saturday morning. Without days the slot
    applies on weekdays.
    """

    days: frozenset[int] = field(converter=_weekday_set)
    window: TimeWindow

    def __attrs_post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise InvalidModelError(
                obj="slot",
                field="days",
                expected="weekdays 0-6 (Monday is 0)",
                got=sorted(self.days),
            )

    @classmethod
    def parse(cls, text: str) -> Slot:
        """Parse ``"[DAYS ]HH:MM-HH:MM"``; DAYS like ``mon-fri``, ``sat``, ``mon,wed``.

        Raises:
            ValueError: the text is not a slot.
        """
        parts = text.split()
        if len(parts) == 1:
            return cls(days=range(5), window=TimeWindow.parse(parts[0]))
        if len(parts) == 2:  # noqa: PLR2004 - "DAYS WINDOW"
            return cls(days=parse_days(parts[0]), window=TimeWindow.parse(parts[1]))
        msg = f"not a slot: {text!r}"
        raise ValueError(msg)

    def __str__(self) -> str:
        return f"{format_days(self.days)} {self.window}"


def parse_days(text: str) -> frozenset[int]:
    """Parse day names: ``"mon-fri"``, ``"sat"``, ``"mon,wed,fri"``, ``"sat-sun"``.

    Raises:
        ValueError: an unknown day name.
    """
    days: set[int] = set()
    for part in text.lower().split(","):
        first, sep, last = part.strip().partition("-")
        if first not in WEEKDAYS or (sep and last not in WEEKDAYS):
            msg = f"not day names: {text!r}"
            raise ValueError(msg)
        start = WEEKDAYS.index(first)
        stop = WEEKDAYS.index(last) if sep else start
        days.update(
            range(start, stop + 1)
            if stop >= start
            else (*range(start, 7), *range(stop + 1))
        )
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    """Format weekday numbers compactly: ``{0,1,2,3,4}`` gives ``"mon-fri"``."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        for run in runs
    )


def _check_lat(inst: Venue, _attribute: attrs.Attribute[Any], value: float) -> None:
    if not -90 <= value <= 90:  # noqa: PLR2004 - the range of a latitude
        raise InvalidModelError(
            obj=_describe(inst),
            field="lat",
            expected="a latitude between -90 and 90",
            got=value,
        )


def _check_lon(inst: Venue, _attribute: attrs.Attribute[Any], value: float) -> None:
    if not -180 <= value <= 180:  # noqa: PLR2004 - the range of a longitude
        raise InvalidModelError(
            obj=_describe(inst),
            field="lon",
            expected="a longitude between -180 and 180",
            got=value,
        )


def _nonempty(inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise InvalidModelError(
            obj=_describe(inst),
            field=attribute.name,
            expected="a non-empty text",
            got=value,
        )


@frozen(kw_only=True)
class Venue:
    """A place where an event, a home base or an overnight stay can be."""

    venue_id: str = field(validator=_id_validator("venue"))
    name: str = field(validator=_nonempty)
    lat: float = field(converter=float, validator=_check_lat)
    lon: float = field(converter=float, validator=_check_lon)
    address: str = ""
    capacity: int | None = None
    region_id: str | None = None
    area_id: str | None = None
    accessible: bool | None = None

    def __attrs_post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise InvalidModelError(
                obj=_describe(self),
                field="capacity",
                expected="a capacity of 0 or more",
                got=self.capacity,
            )

    @classmethod
    def at(
        cls, venue_id: str, name: str, lat: float, lon: float, **details: Any
    ) -> Venue:
        """Make a venue at a point (a short form of the keyword constructor)."""
        return cls(venue_id=venue_id, name=name, lat=lat, lon=lon, **details)

    @property
    def label(self) -> str:
        """The venue's name and address for printing (address left out if empty)."""
        return f"{self.name}, {self.address}" if self.address else self.name


@frozen(kw_only=True)
class Region:
    """A region (in the 2008 programme: a strategic health authority)."""

    region_id: str = field(validator=_id_validator("region"))
    name: str = field(validator=_nonempty)
    hq_venue_id: str = field(validator=_id_validator("region"))


@frozen(kw_only=True)
class Area:
    """An area inside a region (in 2008: a primary care trust)."""

    area_id: str = field(validator=_id_validator("area"))
    name: str = field(validator=_nonempty)
    region_id: str = field(validator=_id_validator("area"))
    venue_id: str = field(validator=_id_validator("area"))
    """The default venue: the area's representative point."""


@frozen(kw_only=True)
class Person:
    """Someone whose diary the plan fills: a principal, a chair, a guest.

    Working hours bound their events; travel hours bound their journeys. A day
    that ends (back at the night's location) after ``late_after`` is a late finish.
    """

    person_id: str = field(validator=_id_validator("person"))
    name: str = field(validator=_nonempty)
    role: str = "principal"
    home_venue_id: str = field(validator=_id_validator("person"))
    working_hours: TimeWindow = TimeWindow(Time(9, 0), Time(17, 30))
    travel_hours: TimeWindow = TimeWindow(Time(7, 0), Time(22, 0))
    late_after: Time | None = None
    timezone: str = DEFAULT_TZ
    region_id: str | None = None
    email: str | None = None
    travel_mode: str | None = None

    def __attrs_post_init__(self) -> None:
        check_timezone(self.timezone, obj=_describe(self), field="timezone")
        if self.travel_mode is not None and self.travel_mode not in MODES:
            raise InvalidModelError(
                obj=_describe(self),
                field="travel_mode",
                expected=f"one of {', '.join(MODES)}",
                got=self.travel_mode,
            )
        if self.email is not None and "@" not in self.email:
            raise InvalidModelError(
                obj=_describe(self),
                field="email",
                expected="an e-mail address",
                got=self.email,
            )

    @property
    def late_after_minutes(self) -> int:
        """Minutes after midnight after which a day's end counts as late."""
        return clock_minutes(self.late_after or self.working_hours.end)


@frozen(kw_only=True)
class Blackout:
    """Whole days on which a person is unavailable (inclusive)."""

    person_id: str = field(validator=_id_validator("blackout"))
    start_on: Date
    end_on: Date
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end_on < self.start_on:
            raise InvalidModelError(
                obj=f"blackout for {self.person_id}",
                field="end",
                expected=f"a date on or after the start {self.start_on}",
                got=str(self.end_on),
            )

    def covers(self, day: Date) -> bool:
        """Tell whether *day* falls inside the blackout."""
        return self.start_on <= day <= self.end_on


@frozen(kw_only=True)
class Commitment:
    """A fixed busy block in one person's diary: no event or travel may overlap it."""

    person_id: str = field(validator=_id_validator("commitment"))
    start: DateTime = field(converter=to_aware)
    end: DateTime = field(converter=to_aware)
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj=f"commitment for {self.person_id}",
                field="end",
                expected=f"an end after the start {self.start.isoformat()}",
                got=self.end.isoformat(),
            )


@frozen(kw_only=True)
class EventRequest:
    """Something that must happen: who, how long, where, and when it may be.

    The place is exactly one of ``venue_ids`` (a fixed venue, or candidates to
    choose from), ``area_id`` (a venue in the area: the area's listed venues, or
    its representative point when none is listed) or ``region_id`` (a venue in
    the region: its listed venues, or its HQ). ``slots`` say on
    which weekdays and inside which clock windows it may happen; empty means
    weekdays inside the attendees' working hours. ``pin_on``/``pin_at`` fix the
    day and start time. ``follows`` names a request this one comes after on the
    same day at the same venue (a clinical session after a listening event).
    """

    request_id: str = field(validator=_id_validator("request"))
    title: str = field(validator=_nonempty)
    kind: str = "event"
    duration: Duration = field(validator=_nonneg_duration)
    attendees: tuple[str, ...] = field(converter=_sorted_unique_ids)
    optional_attendees: tuple[str, ...] = field(
        default=(), converter=_sorted_unique_ids
    )
    lead: str | None = None
    venue_ids: tuple[str, ...] = field(default=(), converter=_sorted_unique_ids)
    area_id: str | None = field(default=None, validator=_opt_id_validator("request"))
    region_id: str | None = field(default=None, validator=_opt_id_validator("request"))
    min_capacity: int | None = None
    earliest_on: Date | None = None
    latest_on: Date | None = None
    slots: tuple[Slot, ...] = field(default=(), converter=_slots)
    preferred_start: Time | None = None
    pin_on: Date | None = None
    pin_at: Time | None = None
    gap_before: Duration = field(factory=Duration, validator=_nonneg_duration)
    gap_after: Duration = field(factory=Duration, validator=_nonneg_duration)
    follows: str | None = field(default=None, validator=_opt_id_validator("request"))
    purpose: str = ""
    contact: str = ""
    notes: str = ""

    def __attrs_post_init__(self) -> None:  # noqa: C901 - one check per rule, in order
        me = _describe(self)
        if not _KIND.match(self.kind):
            raise InvalidModelError(
                obj=me,
                field="kind",
                expected="a lower-case word like 'tour' or 'consultation'",
                got=self.kind,
            )
        if minutes_of(self.duration) <= 0:
            raise InvalidModelError(
                obj=me,
                field="duration",
                expected="a positive duration",
                got=format_duration(self.duration),
            )
        if not self.attendees:
            raise InvalidModelError(
                obj=me, field="attendees", expected="at least one person", got=[]
            )
        places = [
            key
            for key, name in (
                ("venue", "venue_ids"),
                ("area", "area_id"),
                ("region", "region_id"),
            )
            if getattr(self, name)
        ]
        if len(places) != 1:
            raise InvalidModelError(
                obj=me,
                field="venue",
                expected="exactly one of venue, area or region",
                got=Described(" and ".join(places) or "none"),
            )
        if self.lead is not None and self.lead not in self.attendees:
            raise InvalidModelError(
                obj=me,
                field="lead",
                expected="one of the attendees " + ", ".join(self.attendees),
                got=self.lead,
            )
        if set(self.optional_attendees) & set(self.attendees):
            raise InvalidModelError(
                obj=me,
                field="optional",
                expected="people who are not also required attendees",
                got=sorted(set(self.optional_attendees) & set(self.attendees)),
            )
        if self.min_capacity is not None and self.min_capacity < 0:
            raise InvalidModelError(
                obj=me,
                field="min_capacity",
                expected="0 or more",
                got=self.min_capacity,
            )
        if self.earliest_on and self.latest_on and self.latest_on < self.earliest_on:
            raise InvalidModelError(
                obj=me,
                field="latest",
                expected=f"a date on or after earliest {self.earliest_on}",
                got=str(self.latest_on),
            )
        if self.pin_at is not None and self.pin_on is None:
            raise InvalidModelError(
                obj=me,
                field="pin_at",
                expected="a pinned day (pin_on) with the time",
                got=format_clock(self.pin_at),
            )
        if self.follows == self.request_id:
            raise InvalidModelError(
                obj=me, field="follows", expected="another request", got=self.follows
            )

    @property
    def duration_minutes(self) -> int:
        """The duration in whole minutes."""
        return minutes_of(self.duration)

    @property
    def people(self) -> tuple[str, ...]:
        """Required attendees (the people the planner moves)."""
        return self.attendees


@frozen(kw_only=True)
class CalendarRules:
    """Which days are working days.

    ``holidays`` names a country and optional subdivision for the ``holidays``
    package (``"GB-ENG"``: England and Wales bank holidays); ``""`` means none.
    """

    holidays: str = "GB-ENG"
    extra_holidays: frozenset[Date] = field(factory=frozenset, converter=_date_set)
    weekend: frozenset[int] = field(default=frozenset({5, 6}), converter=_int_set)


@frozen(kw_only=True)
class KindRules:
    """Rules for every request of one kind (e.g. ``consultation``).

    Attributes:
        kind: The request kind these rules apply to.
        max_per_person_per_day: At most this many events of the kind per person and
            day (a request and those that follow it count once).
        max_per_region_per_week: At most this many events of the kind per region in
            a Monday-to-Sunday week.
        avoid_region_days_of: No event of this kind in a region on a day that region
            has an event of the named kind (``"tour"``).
        neighbour_km: Soft: avoid two events of the kind on the same day in areas
            whose venues are closer than this.
    """

    kind: str
    max_per_person_per_day: int | None = None
    max_per_region_per_week: int | None = None
    avoid_region_days_of: str | None = None
    neighbour_km: float | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("max_per_person_per_day", "max_per_region_per_week"):
            limit = getattr(self, name)
            if limit is not None and limit < 1:
                raise InvalidModelError(
                    obj=f"rules for {self.kind}",
                    field=name,
                    expected="1 or more",
                    got=limit,
                )
        if self.neighbour_km is not None and not 0 <= self.neighbour_km < math.inf:
            raise InvalidModelError(
                obj=f"rules for {self.kind}",
                field="neighbour_km",
                expected="a distance of 0 km or more",
                got=self.neighbour_km,
            )


@frozen(kw_only=True)
class PlanningRules:
    """Rules that hold across the programme.

    Attributes:
        max_nights_away_in_row: Nights away from home in a row, at most.
        min_stay_km: A night away is spent only near a venue at least this far
            from the person's home base (closer, they go home).
        start_step_minutes: Events start on this step (15: on the quarter hour).
        kinds: Rules per request kind.
    """

    max_nights_away_in_row: int = 3
    min_stay_km: float = 0.0
    start_step_minutes: int = 15
    kinds: tuple[KindRules, ...] = field(default=(), converter=_kind_rules)

    def __attrs_post_init__(self) -> None:
        if self.max_nights_away_in_row < 0:
            raise InvalidModelError(
                obj="rules",
                field="max_nights_away_in_row",
                expected="0 or more",
                got=self.max_nights_away_in_row,
            )
        if not math.isfinite(self.min_stay_km) or self.min_stay_km < 0:
            raise InvalidModelError(
                obj="rules",
                field="min_stay_km",
                expected="0 or more kilometres",
                got=self.min_stay_km,
            )
        if not 1 <= self.start_step_minutes <= 60 or 60 % self.start_step_minutes:  # noqa: PLR2004
            raise InvalidModelError(
                obj="rules",
                field="start_step",
                expected="a step that divides an hour (5m, 15m, 30m, ...)",
                got=self.start_step_minutes,
            )

    def for_kind(self, kind: str) -> KindRules:
        """Return the rules for *kind* (no limits when the scenario sets none)."""
        for rules in self.kinds:
            if rules.kind == kind:
                return rules
        return KindRules(kind=kind)


@frozen(kw_only=True)
class ModeParams:
    """How fast one travel mode is: circuity x distance / speed + fixed overhead.

    ``circuity`` turns the straight-line distance into a route distance;
    ``overhead`` covers getting to and from stations, parking and waiting.
    """

    mode: str
    speed_kmh: float
    circuity: float
    overhead: Duration

    def __attrs_post_init__(self) -> None:
        if self.mode not in MODES:
            raise InvalidModelError(
                obj="travel mode",
                field="mode",
                expected=f"one of {', '.join(MODES)}",
                got=self.mode,
            )
        if not 0 < self.speed_kmh < math.inf:
            raise InvalidModelError(
                obj=f"travel mode {self.mode}",
                field="speed_kmh",
                expected="a positive speed in km/h",
                got=self.speed_kmh,
            )
        if not 1 <= self.circuity < math.inf:
            raise InvalidModelError(
                obj=f"travel mode {self.mode}",
                field="circuity",
                expected="a circuity of 1 or more (route km per straight-line km)",
                got=self.circuity,
            )


# England, 2008 (illustrative): inter-city rail ~150 km/h between stations with
# 45 minutes to reach, wait at and leave stations; driving ~64 km/h door to door.
DEFAULT_MODES: Final = (
    ModeParams(mode="walk", speed_kmh=4.8, circuity=1.3, overhead=Duration()),
    ModeParams(mode="car", speed_kmh=64.0, circuity=1.3, overhead=Duration(minutes=10)),
    ModeParams(
        mode="rail", speed_kmh=150.0, circuity=1.15, overhead=Duration(minutes=45)
    ),
)


@frozen(kw_only=True)
class TravelOverride:
    """A known door-to-door time between two places, overriding the estimate."""

    from_id: str
    to_id: str
    mode: str
    minutes: int

    def __attrs_post_init__(self) -> None:
        if self.mode not in MODES:
            raise InvalidModelError(
                obj="travel time",
                field="mode",
                expected=f"one of {', '.join(MODES)}",
                got=self.mode,
            )
        if self.minutes < 0:
            raise InvalidModelError(
                obj="travel time",
                field="minutes",
                expected="0 or more minutes",
                got=self.minutes,
            )


@frozen(kw_only=True)
class TravelSettings:
    """The travel model's parameters.

    ``mode`` is ``"auto"`` (walk up to ``walk_up_to_km``, drive up to
    ``car_up_to_km``, rail beyond) or one fixed mode.
    """

    modes: tuple[ModeParams, ...] = field(default=DEFAULT_MODES, converter=_modes)
    mode: str = "auto"
    walk_up_to_km: float = 1.5
    car_up_to_km: float = 60.0
    overrides: tuple[TravelOverride, ...] = field(default=(), converter=_overrides)

    def __attrs_post_init__(self) -> None:
        if self.mode != "auto" and self.mode not in MODES:
            raise InvalidModelError(
                obj="travel",
                field="mode",
                expected="auto, " + ", ".join(MODES),
                got=self.mode,
            )
        for name in ("walk_up_to_km", "car_up_to_km"):
            km = getattr(self, name)
            if not 0 <= km < math.inf:
                raise InvalidModelError(
                    obj="travel",
                    field=name,
                    expected="a distance of 0 km or more",
                    got=km,
                )
        if self.car_up_to_km < self.walk_up_to_km:
            raise InvalidModelError(
                obj="travel",
                field="car_up_to_km",
                expected=f"a distance of at least walk_up_to_km ({self.walk_up_to_km})",
                got=self.car_up_to_km,
            )
        missing = set(MODES) - {m.mode for m in self.modes}
        if missing:
            raise InvalidModelError(
                obj="travel",
                field="modes",
                expected="parameters for walk, car and rail",
                got=sorted(missing),
            )

    def params(self, mode: str) -> ModeParams:
        """Return the parameters of *mode*."""
        return next(m for m in self.modes if m.mode == mode)


@frozen(kw_only=True)
class Scenario:
    """Everything a plan needs: people, places, requests, diaries, rules, window.

    The planning window ``start_on``..``end_on`` is inclusive. Construction checks
    that ids are unique and every reference resolves.
    """

    scenario_id: str = field(validator=_id_validator("scenario"))
    name: str
    timezone: str = DEFAULT_TZ
    start_on: Date
    end_on: Date
    people: tuple[Person, ...] = field(converter=_people)
    venues: tuple[Venue, ...] = field(converter=_venues)
    regions: tuple[Region, ...] = field(default=(), converter=_regions)
    areas: tuple[Area, ...] = field(default=(), converter=_areas)
    requests: tuple[EventRequest, ...] = field(default=(), converter=_requests)
    commitments: tuple[Commitment, ...] = field(default=(), converter=_commitments)
    blackouts: tuple[Blackout, ...] = field(default=(), converter=_blackouts)
    calendar: CalendarRules = CalendarRules()
    rules: PlanningRules = PlanningRules()
    travel: TravelSettings = TravelSettings()
    description: str = ""

    def __attrs_post_init__(self) -> None:
        check_timezone(self.timezone)
        if self.end_on < self.start_on:
            raise InvalidModelError(
                obj="scenario",
                field="end",
                expected=f"a date on or after the start {self.start_on}",
                got=str(self.end_on),
            )
        # Regions and areas before venues: a region's HQ venue is derived from
        # its id, and the region is what the user wrote twice.
        for kind, items, key in (
            ("person", self.people, "person_id"),
            ("region", self.regions, "region_id"),
            ("area", self.areas, "area_id"),
            ("venue", self.venues, "venue_id"),
            ("request", self.requests, "request_id"),
        ):
            _check_unique(kind, [getattr(item, key) for item in items])
        self._check_references()

    def _check_references(self) -> None:  # noqa: C901 - one check per reference kind
        people, venues = self.person_by_id, self.venue_by_id
        regions, areas = self.region_by_id, self.area_by_id

        def ref(
            obj: str,
            fld: str,
            kind: str,
            value: str | None,
            known: Mapping[str, object],
        ) -> None:
            if value is not None and value not in known:
                raise UnknownReferenceError(
                    obj=obj, field=fld, kind=kind, ref=value, known=known
                )

        for venue in self.venues:
            ref(f"venue {venue.venue_id}", "region", "region", venue.region_id, regions)
            ref(f"venue {venue.venue_id}", "area", "area", venue.area_id, areas)
        for region in self.regions:
            ref(f"region {region.region_id}", "hq", "venue", region.hq_venue_id, venues)
        for area in self.areas:
            ref(f"area {area.area_id}", "region", "region", area.region_id, regions)
            ref(f"area {area.area_id}", "venue", "venue", area.venue_id, venues)
        for person in self.people:
            ref(
                f"person {person.person_id}",
                "home",
                "venue",
                person.home_venue_id,
                venues,
            )
            ref(
                f"person {person.person_id}",
                "region",
                "region",
                person.region_id,
                regions,
            )
        for request in self.requests:
            obj = f"request {request.request_id}"
            for person_id in (*request.attendees, *request.optional_attendees):
                ref(obj, "attendees", "person", person_id, people)
            for venue_id in request.venue_ids:
                ref(obj, "venue", "venue", venue_id, venues)
            ref(obj, "area", "area", request.area_id, areas)
            ref(obj, "region", "region", request.region_id, regions)
            ref(obj, "follows", "request", request.follows, self.request_by_id)
        self._check_follow_chains()
        diary: tuple[Commitment | Blackout, ...] = (*self.commitments, *self.blackouts)
        for item in diary:
            noun = type(item).__name__.lower()
            ref(
                f"{noun} for {item.person_id}",
                "person",
                "person",
                item.person_id,
                people,
            )
        for override in self.travel.overrides:
            ref("travel time", "from", "place", override.from_id, venues)
            ref("travel time", "to", "place", override.to_id, venues)

    def _check_follow_chains(self) -> None:
        by_id = self.request_by_id
        for request in self.requests:
            seen = {request.request_id}
            current = request
            while current.follows is not None:
                if current.follows in seen:
                    msg = "requests follow each other in a circle"
                    raise InvalidModelError(
                        msg,
                        obj=f"request {request.request_id}",
                        field="follows",
                        got=current.follows,
                    )
                seen.add(current.follows)
                current = by_id[current.follows]

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People by id."""
        return {p.person_id: p for p in self.people}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        """Venues by id."""
        return {v.venue_id: v for v in self.venues}

    @cached_property
    def region_by_id(self) -> dict[str, Region]:
        """Regions by id."""
        return {r.region_id: r for r in self.regions}

    @cached_property
    def area_by_id(self) -> dict[str, Area]:
        """Areas by id."""
        return {a.area_id: a for a in self.areas}

    @cached_property
    def request_by_id(self) -> dict[str, EventRequest]:
        """Requests by id."""
        return {r.request_id: r for r in self.requests}

    def find_person(self, person_id: str, *, obj: str, field: str) -> Person:
        """Return the person with this id.

        Raises:
            UnknownReferenceError: no such person (named as *obj*'s *field*).
        """
        person = self.person_by_id.get(person_id)
        if person is None:
            raise UnknownReferenceError(
                obj=obj,
                field=field,
                kind="person",
                ref=person_id,
                known=self.person_by_id,
            )
        return person

    def find_venue(self, venue_id: str, *, obj: str, field: str) -> Venue:
        """Return the venue with this id.

        Raises:
            UnknownReferenceError: no such venue (named as *obj*'s *field*).
        """
        venue = self.venue_by_id.get(venue_id)
        if venue is None:
            raise UnknownReferenceError(
                obj=obj,
                field=field,
                kind="venue",
                ref=venue_id,
                known=self.venue_by_id,
            )
        return venue

    def region_of(self, request: EventRequest) -> str | None:
        """Return the region a request takes place in, if the scenario can tell."""
        if request.region_id is not None:
            return request.region_id
        if request.area_id is not None:
            return self.area_by_id[request.area_id].region_id
        regions = {self.venue_region(v) for v in request.venue_ids}
        return regions.pop() if len(regions) == 1 else None

    def venue_region(self, venue_id: str) -> str | None:
        """Return the region a venue lies in (directly or through its area)."""
        venue = self.venue_by_id[venue_id]
        if venue.region_id is not None:
            return venue.region_id
        return self.area_by_id[venue.area_id].region_id if venue.area_id else None

    def area_of(self, request: EventRequest) -> str | None:
        """Return the area a request takes place in, if the scenario can tell."""
        if request.area_id is not None:
            return request.area_id
        areas = {self.venue_by_id[v].area_id for v in request.venue_ids}
        return areas.pop() if len(areas) == 1 else None

    def candidate_venues(self, request: EventRequest) -> tuple[Venue, ...]:
        """Return the venues a request may use, before any capacity filter.

        Listed venues of the area or region win over its default point (the
        area's representative point, the region's HQ).
        """
        if request.venue_ids:
            return tuple(self.venue_by_id[v] for v in request.venue_ids)
        if request.area_id is not None:
            default = self.area_by_id[request.area_id].venue_id
            listed = [
                v
                for v in self.venues
                if v.area_id == request.area_id and v.venue_id != default
            ]
        else:
            default = self.region_by_id[request.region_id or ""].hq_venue_id
            listed = [
                v
                for v in self.venues
                if v.region_id == request.region_id and v.venue_id != default
            ]
        return tuple(listed) if listed else (self.venue_by_id[default],)

    def restricted_to(self, kinds: Iterable[str]) -> Scenario:
        """Return the scenario with only the requests of *kinds* (all if empty)."""
        wanted = frozenset(kinds)
        if not wanted:
            return self
        return attrs.evolve(
            self, requests=[r for r in self.requests if r.kind in wanted]
        )

    def summary(self) -> dict[str, int]:
        """Counts of the scenario's parts (for ``roadshow show``)."""
        kinds = Counter(r.kind for r in self.requests)
        return {
            "people": len(self.people),
            "venues": len(self.venues),
            "regions": len(self.regions),
            "areas": len(self.areas),
            "requests": len(self.requests),
            "commitments": len(self.commitments),
            "blackouts": len(self.blackouts),
            **{f"requests.{kind}": n for kind, n in sorted(kinds.items())},
        }


def _check_unique(kind: str, ids: list[str]) -> None:
    counts = Counter(ids)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        msg = f"duplicate {kind} id {quote(duplicates[0])}"
        # The object is the duplicate itself, so loaders can point at it.
        raise InvalidModelError(
            msg, obj=f"{kind} {duplicates[0]}", field="id", expected="each id once"
        )


# --- plans -----------------------------------------------------------------------


@frozen(kw_only=True)
class ScheduledEvent:
    """A request placed at a venue, with a start and an end."""

    request_id: str
    title: str
    kind: str
    venue_id: str
    start: DateTime = field(converter=to_aware)
    end: DateTime = field(converter=to_aware)
    attendees: tuple[str, ...] = field(converter=_str_tuple)
    lead: str | None = None
    region_id: str | None = None
    area_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj=f"event {self.request_id}",
                field="end",
                expected=f"an end after the start {self.start.isoformat()}",
                got=self.end.isoformat(),
            )


@frozen(kw_only=True)
class TravelLeg:
    """One person's journey between two places."""

    person_id: str
    from_id: str
    to_id: str
    mode: str
    depart: DateTime = field(converter=to_aware)
    arrive: DateTime = field(converter=to_aware)
    distance_km: float

    def __attrs_post_init__(self) -> None:
        if self.arrive < self.depart:
            raise InvalidModelError(
                obj=f"travel leg for {self.person_id}",
                field="arrive",
                expected=f"an arrival after the departure {self.depart.isoformat()}",
                got=self.arrive.isoformat(),
            )

    @property
    def minutes(self) -> int:
        """Door-to-door time in whole minutes."""
        return minutes_of(self.arrive - self.depart)


@frozen(kw_only=True)
class OvernightStay:
    """A night away from home, near a venue; ``night_of`` is the evening's date."""

    person_id: str
    night_of: Date
    venue_id: str


@frozen(kw_only=True)
class Unplaced:
    """A request the planner could not place, and why (in plain words)."""

    request_id: str
    reason: str
    rules: tuple[str, ...] = field(default=(), converter=_str_tuple)


def _events(values: Iterable[ScheduledEvent]) -> tuple[ScheduledEvent, ...]:
    return tuple(sorted(values, key=lambda e: (e.start, e.request_id)))


def _legs(values: Iterable[TravelLeg]) -> tuple[TravelLeg, ...]:
    return tuple(
        sorted(values, key=lambda leg: (leg.person_id, leg.depart, leg.arrive))
    )


def _stays(values: Iterable[OvernightStay]) -> tuple[OvernightStay, ...]:
    return tuple(sorted(values, key=lambda s: (s.person_id, s.night_of)))


def _unplaced(values: Iterable[Unplaced]) -> tuple[Unplaced, ...]:
    return tuple(sorted(values, key=lambda u: u.request_id))


@frozen(kw_only=True)
class Plan:
    """A timed programme: events, travel legs, overnight stays, and what is left.

    Contents are kept in a canonical order (events by start, legs and stays by
    person then time, unplaced by request id), so equal plans compare equal and
    render identically.
    """

    scenario_id: str
    events: tuple[ScheduledEvent, ...] = field(default=(), converter=_events)
    legs: tuple[TravelLeg, ...] = field(default=(), converter=_legs)
    stays: tuple[OvernightStay, ...] = field(default=(), converter=_stays)
    unplaced: tuple[Unplaced, ...] = field(default=(), converter=_unplaced)

    @property
    def is_complete(self) -> bool:
        """Tell whether every request was placed."""
        return not self.unplaced

    def events_for(self, person_id: str) -> tuple[ScheduledEvent, ...]:
        """Return the events *person_id* attends, in time order."""
        return tuple(e for e in self.events if person_id in e.attendees)

    def legs_for(self, person_id: str) -> tuple[TravelLeg, ...]:
        """Return *person_id*'s travel legs in time order."""
        return tuple(leg for leg in self.legs if leg.person_id == person_id)

    def stays_for(self, person_id: str) -> tuple[OvernightStay, ...]:
        """Return *person_id*'s nights away in date order."""
        return tuple(s for s in self.stays if s.person_id == person_id)


@frozen(kw_only=True)
class ChangeReason:
    """Why a re-plan changed a published event (or could not keep it).

    ``change`` says what happened to the event: ``"day"`` (moved to another
    day), ``"venue"`` (same day, another venue), ``"time"`` (same day and venue,
    another time), ``"unplaced"`` (it no longer fits anywhere), ``"cancelled"``
    (its request left the scenario) or ``"added"`` (new in this version).
    ``cause`` is a stable slug for what forced it (``"commitment"``,
    ``"blackout"``, ``"made-room"``, ...) and ``reason`` says it in words, e.g.
    ``Lord Darzi unavailable Wed 10 Sep 08:00-19:00: Cabinet committee``. An
    event moved out of the way names the request it made room for in
    ``made_room_for``, whose own reason leads back to the disruption.
    """

    request_id: str
    change: str
    cause: str
    reason: str
    made_room_for: str | None = None
