"""Nights away and days away, read from a plan (pure): two of the humane rules.

- ``night-saving``: a night away is spent only when going home and back would
  cost at least ``min_night_saving`` more travel than going on from the day's
  last place to the next day's first, or when going home would mean a late
  finish (home after ``late_after``), an early start (leaving home before
  working hours) or a journey outside travel hours. The planner enforces the
  same rule (``planner/_routing.py``, ``night_needed``).

- ``tight-day``: a day with less than 30 minutes to spare between two items,
  travel between them taken off, counts against a plan (an objective term); the
  checker warns of one when an event on it could have gone on a day with
  nothing planned for anyone attending.
- ``idle-day``: no day away from home without an event: a day with no event
  and no diary commitment between two nights away. The planner avoids it (an
  idle day weighs more than any travel it saves) and the checker warns of one
  left (when nothing else could be done).

The checker reports each breach with the person and the night; the journeys are
the scenario's travel model, not the plan's legs, so a hand-edited calendar is
judged by the same yardstick as the planner's own plans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from itertools import pairwise
from typing import Final

from attrs import frozen
from pendulum import Date, DateTime

from roadshow.model import Person, Plan, Scenario
from roadshow.rules import days_between, is_allowed_day, is_blacked_out, request_window
from roadshow.timeutil import (
    day_minute,
    epoch_minute,
    format_duration,
    from_epoch_minute,
    minutes_of,
)
from roadshow.travel import EstimatedTravel


@frozen
class Stop:
    """Somewhere a person has to be: an event or a diary commitment."""

    start: int
    end: int
    place: str
    lead: int
    """Minutes before ``start`` a journey here has to arrive."""
    label: str = ""
    """The event's title or the commitment's label, for :func:`night_reasons`."""


TIGHT_DAY_MINUTES = 30
"""Less than this to spare between two items makes a tight day (objective)."""

Minutes = Callable[[str, str], int | None]
"""Journey minutes from one venue to another (None: a place the model lacks)."""


def stops_by_day(
    scenario: Scenario, plan: Plan, person: Person
) -> dict[Date, list[Stop]]:
    """The person's events and commitments per local day, in time order."""
    out: defaultdict[Date, list[Stop]] = defaultdict(list)
    tz = person.timezone
    for event in plan.events_for(person.person_id):
        request = scenario.request_by_id.get(event.request_id)
        gap = minutes_of(request.gap_before) if request is not None else 0
        lead = max(scenario.arrive_before(person.person_id, event.kind), gap)
        out[event.start.in_tz(tz).date()].append(
            Stop(*_span(event.start, event.end), event.venue_id, lead, event.title)
        )
    for day, stops in commitment_stops(scenario, person).items():
        out[day] += stops
    return {
        day: sorted(found, key=lambda s: (s.start, s.end)) for day, found in out.items()
    }


def commitment_stops(scenario: Scenario, person: Person) -> dict[Date, list[Stop]]:
    """The person's diary commitments per local day, cut at midnight (as planned)."""
    out: defaultdict[Date, list[Stop]] = defaultdict(list)
    tz = person.timezone
    for c in scenario.commitments:
        if c.person_id != person.person_id:
            continue
        place, (start, end) = scenario.commitment_place(c), _span(c.start, c.end)
        day = c.start.in_tz(tz).date()
        last = c.end.subtract(minutes=1).in_tz(tz).date()
        while day <= last:
            lo, hi = _local(day, 0, tz), _local(day.add(days=1), 0, tz)
            label = c.label or "Diary commitment"
            out[day].append(Stop(max(start, lo), min(end, hi), place, 0, label))
            day = day.add(days=1)
    return dict(out)


def night_reason(
    scenario: Scenario,
    person: Person,
    day: Date,
    between: tuple[list[Stop], list[Stop]],
    minutes: Minutes,
) -> str | None:
    """Why a night away after *day* is needed, or None when it is not.

    *between* holds the stops of *day* and of the next day. The reasons:
    ``"late finish"``, ``"early start"``, ``"far from home"`` (the journey home
    or back would fall outside travel hours) or ``"saves N minutes"`` of travel
    over going home and back.
    """
    today, tomorrow = between
    last = today[-1] if today else None
    first = tomorrow[0] if tomorrow else None
    saving = night_saving(person, between, minutes)
    if saving is not None and saving >= scenario.rules.min_night_saving_minutes:
        return f"saves {saving} minutes"
    return (_evening(person, day, last, minutes) if last else None) or (
        _morning(person, day.add(days=1), first, minutes) if first else None
    )


def night_saving(
    person: Person, between: tuple[list[Stop], list[Stop]], minutes: Minutes
) -> int | None:
    """Travel minutes going home and back costs over going straight on (None: n/a)."""
    today, tomorrow = between
    if not today or not tomorrow:
        return None
    home, last, first = person.home_venue_id, today[-1].place, tomorrow[0].place
    back, out, on = minutes(last, home), minutes(home, first), minutes(last, first)
    if back is None or out is None or on is None:
        return None
    return back + out - on


def _evening(person: Person, day: Date, last: Stop, minutes: Minutes) -> str | None:
    """Late finish or far from home, if going home after *last*."""
    home, tz = person.home_venue_id, person.timezone
    back = minutes(last.place, home)
    if last.place == home or back is None:
        return None
    if last.end + back > _local(day, person.travel_hours.minutes[1], tz):
        return "far from home"
    if last.end + back > _local(day, person.late_after_minutes, tz):
        return "late finish"
    return None


def _morning(person: Person, day: Date, first: Stop, minutes: Minutes) -> str | None:
    """Early start or far from home, if leaving home for *first* on *day*."""
    home, tz = person.home_venue_id, person.timezone
    out = minutes(home, first.place)
    if first.place == home or out is None:
        return None
    leave = first.start - first.lead - out
    if leave < _local(day, person.travel_hours.minutes[0], tz):
        return "far from home"
    if leave < _local(day, person.working_hours.minutes[0], tz):
        return "early start"
    return None


def night_breaches(
    scenario: Scenario, plan: Plan, person: Person, travel: EstimatedTravel
) -> Iterator[tuple[str, str, DateTime]]:
    """(rule, text, when) for each night away no rule needs (when: that evening)."""
    minutes = journey_minutes(scenario, person, travel)
    stops = stops_by_day(scenario, plan, person)
    wanted = scenario.rules.min_night_saving_minutes
    for stay in plan.stays_for(person.person_id):
        day = stay.night_of
        today, tomorrow = stops.get(day, []), stops.get(day.add(days=1), [])
        if night_reason(scenario, person, day, (today, tomorrow), minutes) is None:
            venue = scenario.place_by_id.get(stay.venue_id)
            place = venue.name if venue else stay.venue_id
            saving = night_saving(person, (today, tomorrow), minutes)
            saves = (
                f"saves {saving} minutes of travel over going home and back"
                if saving is not None
                else "saves no travel"
            )
            text = (
                f"a night near {place} on {day.format('ddd D MMM YYYY')} {saves}"
                f" (at least {wanted} wanted) and no late finish or early start"
                " needs it"
            )
            evening = today[-1].end if today else _local(day, 0, person.timezone)
            yield "night-saving", text, from_epoch_minute(evening, person.timezone)


def _span(start: DateTime, end: DateTime) -> tuple[int, int]:
    return epoch_minute(start), epoch_minute(end)


def journey_minutes(
    scenario: Scenario, person: Person, travel: EstimatedTravel
) -> Minutes:
    """The person's journey minutes on the scenario's travel model (0 for a == b)."""

    def minutes(a: str, b: str) -> int | None:
        if a not in scenario.venue_by_id or b not in scenario.venue_by_id:
            return None
        return 0 if a == b else travel.journey(a, b, person.travel_mode).minutes

    return minutes


# --- why each night is away, in words (summary and itineraries) -------------------

NOT_NEEDED: Final = "not needed"


@frozen(kw_only=True)
class NightReason:
    """Why *person_id* spends the night of *night_of* away, for people to read.

    Attributes:
        reasons: Short reasons, evening first: ``late finish`` or ``far from
            home`` (home after ``late_after``, or outside travel hours), ``early
            start`` or ``far from home`` (leaving home before working hours, or
            outside travel hours), ``saves 4h02m`` (of travel, at least
            ``min_night_saving``); or just ``not needed`` (the checker warns).
        text: The same with the times behind them, e.g. ``late finish:
            Public consultation ends 20:30, home 23:40 at the earliest``.
    """

    person_id: str
    night_of: Date
    reasons: tuple[str, ...]
    text: str


def night_reasons(
    scenario: Scenario, plan: Plan, person_id: str | None = None
) -> dict[tuple[str, Date], NightReason]:
    """Return why each night away in *plan* is away, by (person, night).

    The same rules as :func:`night_reason` (the planner's and the checker's),
    all of them that hold, with the times. With *person_id*, only that person.
    """
    travel = EstimatedTravel(scenario.place_by_id, scenario.travel)
    found: dict[tuple[str, Date], NightReason] = {}
    people = (
        scenario.people
        if person_id is None
        else [p for p in scenario.people if p.person_id == person_id]
    )
    for person in people:
        stays = plan.stays_for(person.person_id)
        if not stays:
            continue
        minutes = journey_minutes(scenario, person, travel)
        stops = stops_by_day(scenario, plan, person)
        for stay in stays:
            day = stay.night_of
            between = (stops.get(day, []), stops.get(day.add(days=1), []))
            parts = _why(scenario, person, day, between, minutes)
            found[person.person_id, day] = NightReason(
                person_id=person.person_id,
                night_of=day,
                reasons=tuple(short for short, _ in parts) or (NOT_NEEDED,),
                text="; ".join(long for _, long in parts)
                or _not_needed(scenario.rules.min_night_saving_minutes),
            )
    return found


def _not_needed(saving: int) -> str:
    """The long form of :data:`NOT_NEEDED`: what would have needed the night."""
    return (
        f"{NOT_NEEDED}: no late finish, early start, journey outside travel hours"
        f" or saving of at least {format_duration(saving)} needs it"
        " (roadshow check warns)"
    )


def _why(
    scenario: Scenario,
    person: Person,
    day: Date,
    between: tuple[list[Stop], list[Stop]],
    minutes: Minutes,
) -> list[tuple[str, str]]:
    """(short, long) for each reason that holds, evening, morning, then saving."""
    today, tomorrow = between
    tz = person.timezone
    out: list[tuple[str, str]] = []

    def clock(minute: int) -> str:
        return f"{from_epoch_minute(minute, tz):%H:%M}"

    if today and (why := _evening(person, day, today[-1], minutes)):
        last = today[-1]
        home = last.end + (minutes(last.place, person.home_venue_id) or 0)
        after = " (after travel hours)" if why == "far from home" else ""
        text = (
            f"{why}: {last.label} ends {clock(last.end)},"
            f" home {clock(home)} at the earliest{after}"
        )
        out.append((why, text))
    if tomorrow and (why := _morning(person, day.add(days=1), tomorrow[0], minutes)):
        first = tomorrow[0]
        leave = (
            first.start - first.lead - (minutes(person.home_venue_id, first.place) or 0)
        )
        before = " (before travel hours)" if why == "far from home" else ""
        text = (
            f"{why}: {first.label} at {clock(first.start)},"
            f" leaving home at {clock(leave)}{before}"
        )
        out.append((why, text))
    saving = night_saving(person, between, minutes)
    if saving is not None and saving >= scenario.rules.min_night_saving_minutes:
        saves = format_duration(saving)
        out.append(
            (f"saves {saves}", f"saves {saves} of travel over going home and back")
        )
    return out


def _local(day: Date, minute: int, tz: str) -> int:
    """Epoch minutes of a local clock *minute* on *day*."""
    return day_minute(day, minute, tz)


def idle_days(scenario: Scenario, plan: Plan, person: Person) -> list[Date]:
    """Days the person spends away from home with no event or commitment.

    None when the scenario does not ask to avoid them (``avoid_idle_days``).
    """
    if not scenario.rules.avoid_idle_days:
        return []
    nights = {stay.night_of for stay in plan.stays_for(person.person_id)}
    busy = set(stops_by_day(scenario, plan, person))
    return sorted(
        day for day in nights if day.subtract(days=1) in nights and day not in busy
    )


def idle_breaches(
    scenario: Scenario, plan: Plan, person: Person
) -> Iterator[tuple[str, str, DateTime]]:
    """(rule, text, when) for each idle day away (when: the start of the day)."""
    stays = {s.night_of: s.venue_id for s in plan.stays_for(person.person_id)}
    for day in idle_days(scenario, plan, person):
        before, after = (
            scenario.place_by_id.get(stays[day.subtract(days=1)]),
            scenario.place_by_id.get(stays[day]),
        )
        where = (
            f" (the nights before and after near {before.name} and {after.name})"
            if before and after
            else ""
        )
        text = (
            f"away from home all of {day.format('ddd D MMM YYYY')} with no event{where}"
        )
        yield (
            "idle-day",
            text,
            from_epoch_minute(_local(day, 0, person.timezone), person.timezone),
        )


@frozen
class TightGap:
    """The least time a person has to spare on one day (see :func:`tight_gaps`)."""

    day: Date
    spare: int
    before: str
    after: str
    at: int
    """Epoch minute the second of the two items starts."""


def tight_gaps(scenario: Scenario, plan: Plan, person: Person) -> list[TightGap]:
    """The tightest gap of each day with less than ``TIGHT_DAY_MINUTES`` to spare.

    The items are the person's events and commitments (a request and those that
    follow it are one item, as the planner places them together); what is
    spare is the time between two items less the journeys in between.
    """
    tz = person.timezone
    legs = [
        (epoch_minute(leg.depart), epoch_minute(leg.arrive))
        for leg in plan.legs_for(person.person_id)
    ]
    items: defaultdict[Date, list[tuple[int, int, str, str]]] = defaultdict(list)
    for event in plan.events_for(person.person_id):
        root = _root(scenario, event.request_id)
        items[event.start.in_tz(tz).date()].append(
            (*_span(event.start, event.end), root, event.title)
        )
    for day, stops in commitment_stops(scenario, person).items():
        items[day] += [(s.start, s.end, "", s.label) for s in stops]
    out = []
    for day, found in sorted(items.items()):
        found.sort()
        gaps = []
        for (_, end, a, first), (start, _, b, second) in pairwise(found):
            if a and a == b:
                continue  # sessions of one group: placed as one item
            travel = sum(
                arrive - depart
                for depart, arrive in legs
                if end <= depart and arrive <= start
            )
            gaps.append(TightGap(day, start - end - travel, first, second, start))
        tightest = min(gaps, key=lambda g: g.spare, default=None)
        if tightest is not None and tightest.spare < TIGHT_DAY_MINUTES:
            out.append(tightest)
    return out


def tight_days(scenario: Scenario, plan: Plan, person: Person) -> list[Date]:
    """Days with less than ``TIGHT_DAY_MINUTES`` to spare between two items."""
    return [gap.day for gap in tight_gaps(scenario, plan, person)]


def tight_day_breaches(
    scenario: Scenario, plan: Plan, person: Person
) -> Iterator[tuple[str, str, DateTime]]:
    """(rule, text, when) for each tight day while an allowed day stays empty.

    A tight day is a breach of the slack rule only when one of its events could
    have gone on a day with nothing planned for anyone attending it: a day the
    calendar allows for the request, outside everyone's blackouts.
    """
    tz = person.timezone

    @cache
    def busy(person_id: str) -> frozenset[Date]:
        other = scenario.person_by_id.get(person_id)
        return frozenset(stops_by_day(scenario, plan, other)) if other else frozenset()

    for gap in tight_gaps(scenario, plan, person):
        free = _free_day(scenario, plan, person, gap.day, busy)
        if free is None:
            continue
        day, title = free
        text = (
            f"only {max(gap.spare, 0)} minutes to spare on"
            f" {gap.day.format('ddd D MMM YYYY')} between {gap.before} and"
            f" {gap.after}, while {day.format('ddd D MMM YYYY')}, allowed for"
            f" {title}, has nothing planned"
        )
        yield "tight-day", text, from_epoch_minute(gap.at, tz)


def _free_day(
    scenario: Scenario,
    plan: Plan,
    person: Person,
    day: Date,
    busy: Callable[[str], frozenset[Date]],
) -> tuple[Date, str] | None:
    """The nearest empty day one of *day*'s events could have used, and its title."""
    tz = person.timezone
    for event in plan.events_for(person.person_id):
        request = scenario.request_by_id.get(event.request_id)
        if request is None or event.start.in_tz(tz).date() != day:
            continue
        first, last = request_window(request, scenario)
        candidates = sorted(
            days_between(first, last), key=lambda d: (abs((d - day).days), d)
        )
        for other in candidates:
            if (
                other != day
                and all(
                    other not in busy(p) and not is_blacked_out(p, other, scenario)
                    for p in event.attendees
                )
                and is_allowed_day(other, request, scenario)
            ):
                return other, event.title
    return None


def _root(scenario: Scenario, request_id: str) -> str:
    """The request a request follows, all the way up (its group's first)."""
    seen = {request_id}
    request = scenario.request_by_id.get(request_id)
    while request is not None and request.follows and request.follows not in seen:
        seen.add(request.follows)
        request_id = request.follows
        request = scenario.request_by_id.get(request_id)
    return request_id
