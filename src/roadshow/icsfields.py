"""The ``X-ROADSHOW-*`` calendar properties: one table for writer and reader.

roadshow marks each entry it writes to a calendar with these properties, so a
calendar file can be read back into a plan (``roadshow check plan.ics``). The
writer (:mod:`roadshow.exporters.ics`) adds them in the order listed here; the
reader (:mod:`roadshow.importers.plan_ics`) finds them by the same names. Pure
data: no icalendar here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from roadshow.model import OvernightStay, ScheduledEvent, TravelLeg

KIND: Final = "X-ROADSHOW-KIND"
"""The entry's kind: ``event``, ``travel`` or ``stay`` (always written first)."""

REQUEST: Final = "X-ROADSHOW-REQUEST"
EVENT_KIND: Final = "X-ROADSHOW-EVENT-KIND"
VENUE: Final = "X-ROADSHOW-VENUE"
ATTENDEES: Final = "X-ROADSHOW-ATTENDEES"
LEAD: Final = "X-ROADSHOW-LEAD"
REGION: Final = "X-ROADSHOW-REGION"
AREA: Final = "X-ROADSHOW-AREA"
PERSON: Final = "X-ROADSHOW-PERSON"
FROM: Final = "X-ROADSHOW-FROM"
TO: Final = "X-ROADSHOW-TO"
MODE: Final = "X-ROADSHOW-MODE"
DISTANCE_KM: Final = "X-ROADSHOW-DISTANCE-KM"


def _ids(values: tuple[str, ...]) -> str:
    return " ".join(values)


EVENT_FIELDS: Final[tuple[tuple[str, Callable[[ScheduledEvent], str | None]], ...]] = (
    (REQUEST, lambda e: e.request_id),
    (EVENT_KIND, lambda e: e.kind),
    (VENUE, lambda e: e.venue_id),
    (ATTENDEES, lambda e: _ids(e.attendees)),
    (LEAD, lambda e: e.lead),
    (REGION, lambda e: e.region_id),
    (AREA, lambda e: e.area_id),
)
"""An event's properties after :data:`KIND`, and how each is written (None: none)."""

LEG_FIELDS: Final[tuple[tuple[str, Callable[[TravelLeg], str | None]], ...]] = (
    (PERSON, lambda leg: leg.person_id),
    (FROM, lambda leg: leg.from_id),
    (TO, lambda leg: leg.to_id),
    (MODE, lambda leg: leg.mode),
    (DISTANCE_KM, lambda leg: repr(leg.distance_km)),
)
"""A travel leg's properties after :data:`KIND`; the reader needs every one."""

STAY_FIELDS: Final[tuple[tuple[str, Callable[[OvernightStay], str | None]], ...]] = (
    (PERSON, lambda stay: stay.person_id),
    (VENUE, lambda stay: stay.venue_id),
)
"""An overnight stay's properties after :data:`KIND`; the reader needs both."""


def properties(
    item: ScheduledEvent | TravelLeg | OvernightStay,
) -> list[tuple[str, str]]:
    """Return the ``X-ROADSHOW-*`` properties of a plan item, in writing order."""
    if isinstance(item, ScheduledEvent):
        written = [(KIND, "event")] + [(name, get(item)) for name, get in EVENT_FIELDS]
    elif isinstance(item, TravelLeg):
        written = [(KIND, "travel")] + [(name, get(item)) for name, get in LEG_FIELDS]
    else:
        written = [(KIND, "stay")] + [(name, get(item)) for name, get in STAY_FIELDS]
    return [(name, value) for name, value in written if value is not None]
