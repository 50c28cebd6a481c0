"""People and their diaries: who they are, blackout days, fixed commitments."""

from __future__ import annotations

from attrs import field, frozen
from pendulum import Date, DateTime, Duration, Time

from roadshow.errors import (
    InvalidModelError,
)
from roadshow.model._common import (
    MODES,
    _describe,
    _id_validator,
    _nonempty,
    _nonneg_duration,
    _opt_id_validator,
    _text_length,
)
from roadshow.model._time import TimeWindow
from roadshow.timeutil import (
    DEFAULT_TZ,
    check_timezone,
    clock_minutes,
    to_aware,
)


@frozen(kw_only=True)
class Person:
    """Someone whose diary the plan fills: a principal, a chair, a guest.

    Working hours bound their events; travel hours bound their journeys. A day
    that ends (back at the night's location) after ``late_after`` is a late finish.
    A journey to an event ends at least ``arrive_before`` before it starts (or
    the event kind's ``arrive_before`` if longer).
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
    arrive_before: Duration = field(factory=Duration, validator=_nonneg_duration)
    max_event_days_in_row: int | None = None
    """The person's own limit of event days in a row (None: the scenario's)."""

    def __attrs_post_init__(self) -> None:
        check_timezone(self.timezone, obj=_describe(self), field="timezone")
        if self.travel_mode is not None and self.travel_mode not in MODES:
            raise InvalidModelError(
                obj=_describe(self),
                field="travel_mode",
                expected=f"one of {', '.join(MODES)}",
                got=self.travel_mode,
            )
        # No control characters: an e-mail address goes into invitations'
        # ATTENDEE lines and mail headers, where a CR or LF would start another.
        if self.email is not None and (
            "@" not in self.email or not self.email.isprintable()
        ):
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
    reason: str = field(default="", validator=_text_length)

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
    """A fixed busy block in one person's diary: no event or travel may overlap it.

    ``venue_id`` is where it happens; None means the person's home base. The
    person travels to and from it like to an event.
    """

    person_id: str = field(validator=_id_validator("commitment"))
    start: DateTime = field(converter=to_aware)
    end: DateTime = field(converter=to_aware)
    label: str = ""  # from diaries too: a long SUMMARY must not refuse a diary
    venue_id: str | None = field(
        default=None, validator=_opt_id_validator("commitment")
    )
    location: str = ""
    """Where the diary says it is, in its own words (an .ics ``LOCATION``)."""

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidModelError(
                obj=f"commitment for {self.person_id}",
                field="end",
                expected=f"an end after the start {self.start.isoformat()}",
                got=self.end.isoformat(),
            )


@frozen(kw_only=True)
class Contact:
    """Someone to call about an event or a venue: an organiser, a host, a press officer.

    Exactly one of ``request_id`` and ``venue_id`` says what the contact is for;
    a venue's contacts appear with every event there.
    """

    name: str = field(validator=_nonempty)
    role: str = ""
    phone: str = ""
    email: str = ""
    meets_principal: bool = False
    """True when this person greets the principal on arrival."""
    request_id: str | None = field(default=None, validator=_opt_id_validator("contact"))
    venue_id: str | None = field(default=None, validator=_opt_id_validator("contact"))

    def __attrs_post_init__(self) -> None:
        if (self.request_id is None) == (self.venue_id is None):
            raise InvalidModelError(
                obj=f"contact {self.name}",
                field="request",
                expected="either a request id or a venue id (one of the two)",
                got=self.request_id or self.venue_id or "neither",
            )

    @property
    def line(self) -> str:
        """The contact as one printed line: name (role), phone, e-mail."""
        who = f"{self.name} ({self.role})" if self.role else self.name
        parts = [who, self.phone, self.email]
        text = ", ".join(p for p in parts if p)
        return text + ("; meets the principal" if self.meets_principal else "")
