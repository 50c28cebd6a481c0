"""Event requests: something that must happen, who, how long, where and when."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen
from pendulum import Date, Duration, Time

from roadshow.errors import (
    Described,
    InvalidModelError,
)
from roadshow.model._common import (
    _KIND,
    MAX_DURATION,
    _describe,
    _id_validator,
    _nonempty,
    _nonneg_duration,
    _opt_id_validator,
    _sorted_unique_ids,
    _text_length,
)
from roadshow.model._time import Slot
from roadshow.timeutil import (
    format_clock,
    format_duration,
    minutes_of,
)


def _slots(values: Iterable[Slot]) -> tuple[Slot, ...]:
    return tuple(values)


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
    purpose: str = field(default="", validator=_text_length)
    contact: str = field(default="", validator=_text_length)
    notes: str = field(default="", validator=_text_length)
    series: str | None = None
    """The id of the ``[[series]]`` the request was made from (None: written alone)."""

    def __attrs_post_init__(self) -> None:  # noqa: C901 - one check per rule, in order
        me = _describe(self)
        if not _KIND.fullmatch(self.kind):
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
        if self.duration > MAX_DURATION:
            raise InvalidModelError(
                obj=me,
                field="duration",
                expected=f"a duration of at most {format_duration(MAX_DURATION)}",
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
