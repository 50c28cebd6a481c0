"""Programme-wide settings: working-day calendar, planning rules, travel model."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

from attrs import field, frozen
from pendulum import Date, Duration

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import MODES, _date_set, _int_set, _nonneg_duration
from roadshow.timeutil import format_duration, minutes_of


def _kind_rules(values: Iterable[KindRules]) -> tuple[KindRules, ...]:
    return tuple(values)


def _modes(values: Iterable[ModeParams]) -> tuple[ModeParams, ...]:
    return tuple(values)


def _overrides(values: Iterable[TravelOverride]) -> tuple[TravelOverride, ...]:
    return tuple(values)


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
        arrive_before: A journey to an event of the kind ends at least this long
            before it starts (the attendee's own ``arrive_before`` if longer).
    """

    kind: str
    max_per_person_per_day: int | None = None
    max_per_region_per_week: int | None = None
    avoid_region_days_of: str | None = None
    neighbour_km: float | None = None
    arrive_before: Duration = field(factory=Duration, validator=_nonneg_duration)

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
        max_event_days_in_row: Days in a row with an event, per person, at most
            (None: no limit).
        max_events_per_week: Events per person in a Monday-to-Sunday week, at
            most (a request and those that follow it count once; None: no limit).
        lodging_km: A night away is spent at a lodging at most this far from
            where the person must be (further: a hotel is still to be booked).
        min_night_saving_minutes: A night away is spent only when it saves at
            least this many minutes of travel over going home and back, or when
            going home would mean a late finish or an early start (or cannot be
            done within travel hours).
        avoid_idle_days: No day away from home without an event or commitment
            (between two nights away): the planner avoids one unless it cannot,
            and the checker warns of one. False: neither cares.
        kinds: Rules per request kind.
    """

    max_nights_away_in_row: int = 3
    min_stay_km: float = 0.0
    start_step_minutes: int = 15
    max_event_days_in_row: int | None = 5
    max_events_per_week: int | None = None
    lodging_km: float = 25.0
    min_night_saving_minutes: int = 90
    avoid_idle_days: bool = True
    kinds: tuple[KindRules, ...] = field(default=(), converter=_kind_rules)

    def __attrs_post_init__(self) -> None:
        if self.max_nights_away_in_row < 0:
            raise InvalidModelError(
                obj="rules",
                field="max_nights_away_in_row",
                expected="0 or more",
                got=self.max_nights_away_in_row,
            )
        for name in ("max_event_days_in_row", "max_events_per_week"):
            limit = getattr(self, name)
            if limit is not None and limit < 1:
                raise InvalidModelError(
                    obj="rules", field=name, expected="1 or more", got=limit
                )
        if self.min_night_saving_minutes < 0:
            raise InvalidModelError(
                obj="rules",
                field="min_night_saving",
                expected="0 minutes or more",
                got=self.min_night_saving_minutes,
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
        if not math.isfinite(self.lodging_km) or self.lodging_km < 0:
            raise InvalidModelError(
                obj="rules",
                field="lodging_km",
                expected="0 or more kilometres",
                got=self.lodging_km,
            )

    def for_kind(self, kind: str) -> KindRules:
        """Return the rules for *kind* (no limits when the scenario sets none)."""
        for rules in self.kinds:
            if rules.kind == kind:
                return rules
        return KindRules(kind=kind)


MAX_CIRCUITY = 5.0
"""The most route km per straight-line km a travel mode may assume."""
MAX_SPEED_KMH = 1000.0
"""The fastest a travel mode may go (an airliner)."""


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
        if self.circuity > MAX_CIRCUITY:
            raise InvalidModelError(
                obj=f"travel mode {self.mode}",
                field="circuity",
                expected=f"a circuity of at most {MAX_CIRCUITY:g}",
                got=self.circuity,
            )
        if self.speed_kmh > MAX_SPEED_KMH:
            raise InvalidModelError(
                obj=f"travel mode {self.mode}",
                field="speed_kmh",
                expected=f"a speed of at most {MAX_SPEED_KMH:g} km/h",
                got=self.speed_kmh,
            )
        if self.overhead > Duration(hours=24) or minutes_of(self.overhead) < 0:
            raise InvalidModelError(
                obj=f"travel mode {self.mode}",
                field="overhead",
                expected="a duration from 0 to 24h",
                got=format_duration(self.overhead),
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
