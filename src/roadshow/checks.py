"""The checker: what is wrong with a plan, in plain words.

:func:`check` takes any plan (from the planner, a plan file, or an edited
calendar) and re-derives every rule from the scenario on its own: it never
imports the planner. Each :class:`Violation` has a stable ``rule`` slug, a
``severity`` (``"error"`` breaks a hard rule; ``"warning"`` is a soft problem),
the person and time it concerns, and a one-line message.

Hard rules: every request placed once (or listed as unplaced), with the right
people, venue, length, days and times; nobody in two places at once; every
journey at least as long as the travel model says and inside travel hours; each
person's day starting and ending where they slept; blackouts, diary commitments,
pins, follow-on sessions and the per-kind limits honoured. Soft: under 15
minutes between back-to-back items, days over 11 hours door to door, more than 3
nights away in a row, events in neighbouring areas on the same day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise

from attrs import frozen
from pendulum import Date, DateTime

from roadshow.model import EventRequest, Plan, Scenario, ScheduledEvent, TravelLeg
from roadshow.rules import (
    is_bank_holiday,
    is_weekend,
    request_slots,
    request_window,
)
from roadshow.timeutil import clock_minutes, format_duration, minutes_of
from roadshow.travel import EstimatedTravel, within_km

ERROR = "error"
WARNING = "warning"

TIGHT_MINUTES = 15
LONG_DAY_HOURS = 11
NIGHTS_IN_A_ROW = 3


@frozen(kw_only=True)
class Violation:
    """One thing wrong with a plan."""

    rule: str
    severity: str
    message: str
    person_id: str | None = None
    when: DateTime | None = None
    request_id: str | None = None

    @property
    def is_hard(self) -> bool:
        """Tell whether the violation breaks a hard rule."""
        return self.severity == ERROR


def check(scenario: Scenario, plan: Plan) -> tuple[Violation, ...]:
    """Return every violation of *scenario*'s rules in *plan*, in a stable order."""
    checker = _Checker(scenario, plan)
    found = [
        *checker.requests(),
        *checker.events(),
        *checker.kind_rules(),
        *checker.people(),
    ]
    return tuple(sorted(found, key=_order))


def _order(v: Violation) -> tuple[str, str, str, str, str]:
    return (v.person_id or "", v.when.isoformat() if v.when else "", v.rule, v.request_id or "", v.message)


class _Checker:
    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.s = scenario
        self.plan = plan
        self.travel = EstimatedTravel(scenario.venue_by_id, scenario.travel)
        self.tz = scenario.timezone

    # --- helpers ------------------------------------------------------------------

    def name(self, person_id: str) -> str:
        person = self.s.person_by_id.get(person_id)
        return person.name if person else person_id

    def place(self, venue_id: str) -> str:
        venue = self.s.venue_by_id.get(venue_id)
        return venue.name if venue else venue_id

    def when(self, moment: DateTime) -> str:
        local = moment.in_tz(self.tz)
        return f"{local.format('ddd D MMM YYYY HH:mm')} {local.tzname()}"

    def local_date(self, moment: DateTime) -> Date:
        return moment.in_tz(self.tz).date()

    # --- requests --------------------------------------------------------------------

    def requests(self) -> Iterator[Violation]:
        placed = Counter(e.request_id for e in self.plan.events)
        unplaced = {u.request_id: u for u in self.plan.unplaced}
        for request_id, count in sorted(placed.items()):
            if request_id not in self.s.request_by_id:
                yield Violation(rule="unknown-request", severity=ERROR, request_id=request_id,
                                message=f"{request_id}: the plan has an event for a request the scenario does not have")
            elif count > 1:
                yield Violation(rule="duplicate", severity=ERROR, request_id=request_id,
                                message=f"{self.s.request_by_id[request_id].title}: scheduled {count} times, once expected")
        for request in self.s.requests:
            if request.request_id in placed:
                continue
            if request.request_id in unplaced:
                yield Violation(rule="unplaced", severity=ERROR, request_id=request.request_id,
                                message=unplaced[request.request_id].reason)
            else:
                yield Violation(rule="missing", severity=ERROR, request_id=request.request_id,
                                message=f"{request.title}: not in the plan and not listed as unplaced")

    # --- events ----------------------------------------------------------------------

    def events(self) -> Iterator[Violation]:
        by_request = {e.request_id: e for e in self.plan.events}
        for event in self.plan.events:
            request = self.s.request_by_id.get(event.request_id)
            if request is not None:
                yield from self.event(event, request, by_request)

    def event(self, e: ScheduledEvent, r: EventRequest, by_request: dict[str, ScheduledEvent]) -> Iterator[Violation]:
        def bad(rule: str, text: str, person_id: str | None = None) -> Violation:
            return Violation(rule=rule, severity=ERROR, message=f"{r.title}: {text}", person_id=person_id,
                             when=e.start, request_id=r.request_id)

        day = self.local_date(e.start)
        if set(e.attendees) != set(r.attendees):
            yield bad("attendees", f"attended by {', '.join(sorted(e.attendees))}, expected {', '.join(r.attendees)}")
        candidates = {v.venue_id for v in self.s.candidate_venues(r)}
        if e.venue_id not in candidates:
            yield bad("venue", f"at {self.place(e.venue_id)}, expected one of {', '.join(sorted(candidates))}")
        capacity = r.min_capacity
        venue = self.s.venue_by_id.get(e.venue_id)
        if capacity and venue is not None and (venue.capacity or 0) < capacity:
            yield bad("capacity", f"{venue.name} holds {venue.capacity or 'an unknown number'}, {capacity} needed")
        length = minutes_of(e.end - e.start)
        if length != r.duration_minutes:
            yield bad("duration", f"lasts {format_duration(length)}, {format_duration(r.duration_minutes)} expected")
        first, last = request_window(r, self.s)
        if not first <= day <= last:
            yield bad("window", f"on {day:%d %b %Y}, outside {first:%d %b} to {last:%d %b %Y}")
        if is_bank_holiday(day, self.s.calendar):
            yield bad("bank-holiday", f"on {day:%d %b %Y}, a bank holiday")
        slots = [s for s in request_slots(r) if day.weekday() in s.days]
        if not slots and r.pin_on is None:
            weekend = is_weekend(day, self.s.calendar)
            yield bad("weekend" if weekend else "day", f"on a {day:%A}, not one of the request's days")
        start_local = e.start.in_tz(self.tz)
        begin = start_local.hour * 60 + start_local.minute
        end = begin + length
        if slots and r.pin_at is None and not any(s.window.minutes[0] <= begin and end <= s.window.minutes[1] for s in slots):
            yield bad("slot", f"at {start_local:%H:%M}, outside the request's times {', '.join(str(s.window) for s in slots)}")
        if r.pin_on is not None and day != r.pin_on:
            yield bad("pinned", f"on {day:%d %b %Y}, pinned to {r.pin_on:%d %b %Y}")
        if r.pin_at is not None and begin != clock_minutes(r.pin_at):
            yield bad("pinned", f"starts {start_local:%H:%M}, pinned to {r.pin_at:%H:%M}")
        for person_id in e.attendees:
            person = self.s.person_by_id.get(person_id)
            if person is None:
                continue
            local = e.start.in_tz(person.timezone)
            work = person.working_hours.minutes
            p_begin = local.hour * 60 + local.minute
            if r.pin_at is None and (p_begin < work[0] or p_begin + length > work[1]):
                yield bad("working-hours", f"{person.name} works {person.working_hours}", person_id)
            for blackout in self.s.blackouts:
                if blackout.person_id == person_id and blackout.covers(local.date()):
                    yield bad("blackout", f"{person.name} is unavailable ({blackout.reason or 'blackout'})", person_id)
        if r.follows is not None:
            before = by_request.get(r.follows)
            if before is not None:
                gap = max(minutes_of(self.s.request_by_id[r.follows].gap_after), minutes_of(r.gap_before))
                if (
                    self.local_date(before.start) != day
                    or before.venue_id != e.venue_id
                    or minutes_of(e.start - before.end) < gap
                ):
                    yield bad("follows", f"must follow {before.title} at the same venue on the same day, {gap} minutes after")

    # --- per-kind limits ---------------------------------------------------------------

    def kind_rules(self) -> Iterator[Violation]:
        roots = [e for e in self.plan.events if (r := self.s.request_by_id.get(e.request_id)) and r.follows is None]
        per_person_day: Counter[tuple[str, Date, str]] = Counter()
        per_region_week: Counter[tuple[str, Date, str]] = Counter()
        region_days: dict[tuple[str, Date], set[str]] = defaultdict(set)
        same_day: dict[tuple[str, Date], list[ScheduledEvent]] = defaultdict(list)
        for e in roots:
            day = self.local_date(e.start)
            region = e.region_id
            for person_id in e.attendees:
                per_person_day[(person_id, day, e.kind)] += 1
            if region:
                per_region_week[(region, day.subtract(days=day.weekday()), e.kind)] += 1
                region_days[(region, day)].add(e.kind)
            same_day[(e.kind, day)].append(e)
        for (person_id, day, kind), n in sorted(per_person_day.items()):
            limit = self.s.rules.for_kind(kind).max_per_person_per_day
            if limit is not None and n > limit:
                yield Violation(rule="per-person-day", severity=ERROR, person_id=person_id,
                                message=f"{self.name(person_id)} has {n} {kind} events on {day:%a %d %b %Y}, at most {limit} allowed")
        for (region, monday, kind), n in sorted(per_region_week.items()):
            limit = self.s.rules.for_kind(kind).max_per_region_per_week
            if limit is not None and n > limit:
                yield Violation(rule="per-region-week", severity=ERROR,
                                message=f"{self._region(region)} has {n} {kind} events in the week of {monday:%d %b %Y}, at most {limit} allowed")
        for (region, day), kinds in sorted(region_days.items()):
            for kind in sorted(kinds):
                other = self.s.rules.for_kind(kind).avoid_region_days_of
                if other and other in kinds:
                    yield Violation(rule="region-day", severity=ERROR,
                                    message=f"{self._region(region)} has {kind} and {other} events on {day:%a %d %b %Y}")
        for (kind, day), events in sorted(same_day.items()):
            limit = self.s.rules.for_kind(kind).neighbour_km
            if limit is None:
                continue
            for a, b in _pairs(events):
                va, vb = self.s.venue_by_id.get(a.venue_id), self.s.venue_by_id.get(b.venue_id)
                if va and vb and within_km(va, vb, limit):
                    yield Violation(rule="neighbours", severity=WARNING, when=a.start, request_id=a.request_id,
                                    message=f"{a.title} and {b.title} are on the same day less than {limit:g} km apart")

    def _region(self, region_id: str) -> str:
        region = self.s.region_by_id.get(region_id)
        return region.name if region else region_id

    # --- each person's days --------------------------------------------------------------

    def people(self) -> Iterator[Violation]:
        for person in self.s.people:
            yield from self.person(person.person_id)
        for leg in self.plan.legs:
            if leg.person_id not in self.s.person_by_id:
                yield Violation(rule="unknown-person", severity=ERROR, person_id=leg.person_id,
                                message=f"a travel leg for {leg.person_id}, who is not in the scenario")

    def person(self, person_id: str) -> Iterator[Violation]:  # noqa: C901, PLR0912 - one walk through the person's plan
        person = self.s.person_by_id[person_id]
        home = person.home_venue_id
        name = person.name
        items: list[tuple[DateTime, DateTime, str, object]] = []
        for e in self.plan.events_for(person_id):
            items.append((e.start, e.end, "event", e))
        for leg in self.plan.legs_for(person_id):
            items.append((leg.depart, leg.arrive, "leg", leg))
        items.sort(key=lambda i: (i[0], i[1], i[2]))
        stays = {s.night_of: s for s in self.plan.stays_for(person_id)}

        def v(rule: str, text: str, when: DateTime | None, severity: str = ERROR, request_id: str | None = None) -> Violation:
            return Violation(rule=rule, severity=severity, person_id=person_id, when=when, message=f"{name}: {text}",
                             request_id=request_id)

        # Nobody in two places at once.
        for (_, e1, k1, o1), (s2, _, k2, o2) in pairwise(items):
            if s2 < e1:
                yield v("overlap", f"{self._label(k1, o1)} and {self._label(k2, o2)} overlap", s2)
        # Back-to-back events: the time between them, less any travel, is the slack.
        events = [(start, end, obj) for start, end, kind, obj in items if kind == "event"]
        for (_, end, first), (start, _, second) in pairwise(events):
            if self.local_date(end) != self.local_date(start):
                continue
            travel = sum(
                leg.minutes for leg in self.plan.legs_for(person_id) if end <= leg.depart and leg.arrive <= start
            )
            slack = minutes_of(start - end) - travel
            if 0 <= slack < TIGHT_MINUTES:
                yield v("tight", f"only {slack} minutes to spare between {self._label('event', first)} and "
                        f"{self._label('event', second)}", start, WARNING)
        # Diary commitments.
        for c in self.s.commitments:
            if c.person_id != person_id:
                continue
            for start, end, kind, obj in items:
                if start < c.end and c.start < end:
                    yield v("commitment", f"{self._label(kind, obj)} clashes with {c.label or 'a diary commitment'}", start)
        # Travel: long enough, inside travel hours.
        for leg in self.plan.legs_for(person_id):
            if leg.from_id == leg.to_id:
                continue
            if leg.from_id not in self.s.venue_by_id or leg.to_id not in self.s.venue_by_id:
                yield v("place", f"a journey to or from an unknown place ({leg.from_id} to {leg.to_id})", leg.depart)
                continue
            need = self.travel.journey(leg.from_id, leg.to_id, person.travel_mode).minutes
            if leg.minutes < need:
                yield v("travel-too-short",
                        f"{self.place(leg.from_id)} to {self.place(leg.to_id)} takes {format_duration(need)}, "
                        f"the plan allows {format_duration(leg.minutes)}", leg.depart)
            local_dep, local_arr = leg.depart.in_tz(person.timezone), leg.arrive.in_tz(person.timezone)
            t0, t1 = person.travel_hours.minutes
            if (
                local_dep.date() != local_arr.date()
                or local_dep.hour * 60 + local_dep.minute < t0
                or local_arr.hour * 60 + local_arr.minute > t1
            ):
                yield v("travel-hours", f"travels {local_dep:%H:%M}-{local_arr:%H:%M}, travel hours are {person.travel_hours}",
                        leg.depart)
        # Where the person is: days start and end where they slept.
        yield from self._continuity(person_id, home, items, stays)

    def _continuity(
        self, person_id: str, home: str, items: list[tuple[DateTime, DateTime, str, object]], stays: dict[Date, object]
    ) -> Iterator[Violation]:
        person = self.s.person_by_id[person_id]
        name = person.name
        by_day: dict[Date, list[tuple[DateTime, DateTime, str, object]]] = defaultdict(list)
        for item in items:
            by_day[item[0].in_tz(person.timezone).date()].append(item)
        here = home
        in_row = 0
        days = sorted(set(by_day) | set(stays))
        previous: Date | None = None
        for day in days:
            if previous is not None and day.subtract(days=1) != previous and here != home:
                # A night between with no stay listed: the person must have been home.
                yield Violation(rule="continuity", severity=ERROR, person_id=person_id,
                                message=f"{name}: away at {self.place(here)} after {previous:%d %b} with no overnight stay listed")
                here = home
            if previous is not None and day.subtract(days=1) != previous:
                in_row = 0
            day_start = by_day[day][0][0] if by_day[day] else None
            first_leg = True
            long_start: DateTime | None = None
            long_end: DateTime | None = None
            for start, end, kind, obj in by_day[day]:
                long_start = long_start or start
                long_end = end
                if kind == "leg":
                    leg: TravelLeg = obj  # type: ignore[assignment]
                    if leg.from_id != here:
                        where = "the start of the day" if first_leg else "the previous item"
                        yield Violation(rule="continuity", severity=ERROR, person_id=person_id, when=start,
                                        message=f"{name}: leaves {self.place(leg.from_id)} but is at {self.place(here)} at {where}")
                    here = leg.to_id
                    first_leg = False
                else:
                    event: ScheduledEvent = obj  # type: ignore[assignment]
                    if event.venue_id != here:
                        yield Violation(rule="continuity", severity=ERROR, person_id=person_id, when=start,
                                        request_id=event.request_id,
                                        message=f"{name}: at {self.place(here)} but {event.title} is at {self.place(event.venue_id)}")
                        here = event.venue_id
            stay = stays.get(day)
            if stay is not None:
                venue = stay.venue_id  # type: ignore[attr-defined]
                yield from self._stay_distance(person_id, venue, day)
                if venue != here:
                    yield Violation(rule="continuity", severity=ERROR, person_id=person_id,
                                    message=f"{name}: sleeps near {self.place(venue)} on {day:%d %b} but ends the day at {self.place(here)}")
                in_row += 1
                if in_row > self.s.rules.max_nights_away_in_row:
                    yield Violation(rule="nights-away", severity=ERROR, person_id=person_id,
                                    message=f"{name}: {in_row} nights away in a row by {day:%d %b %Y}, at most {self.s.rules.max_nights_away_in_row} allowed")
                elif in_row > NIGHTS_IN_A_ROW:
                    yield Violation(rule="many-nights", severity=WARNING, person_id=person_id,
                                    message=f"{name}: {in_row} nights away in a row by {day:%d %b %Y}")
            else:
                if here != home:
                    yield Violation(rule="continuity", severity=ERROR, person_id=person_id,
                                    message=f"{name}: ends {day:%d %b} at {self.place(here)}, not home, with no overnight stay")
                    here = home
                in_row = 0
            if day_start is not None and long_start is not None and long_end is not None:
                hours = (long_end - long_start).total_seconds() / 3600
                if hours > LONG_DAY_HOURS:
                    yield Violation(rule="long-day", severity=WARNING, person_id=person_id, when=long_start,
                                    message=f"{name}: a {hours:.1f}-hour day on {day:%a %d %b %Y}")
            previous = day

    def _stay_distance(self, person_id: str, venue_id: str, day: Date) -> Iterator[Violation]:
        person = self.s.person_by_id[person_id]
        limit = self.s.rules.min_stay_km
        home, venue = self.s.venue_by_id.get(person.home_venue_id), self.s.venue_by_id.get(venue_id)
        if limit > 0 and home and venue and within_km(home, venue, limit):
            yield Violation(rule="stay-too-close", severity=ERROR, person_id=person_id,
                            message=f"{person.name}: a night near {venue.name} on {day:%d %b %Y}, "
                            f"under {limit:g} km from home")

    def _label(self, kind: str, obj: object) -> str:
        if kind == "event":
            return obj.title  # type: ignore[attr-defined,no-any-return]
        leg: TravelLeg = obj  # type: ignore[assignment]
        return f"travel to {self.place(leg.to_id)}"


def _pairs(items: list[ScheduledEvent]) -> Iterator[tuple[ScheduledEvent, ScheduledEvent]]:
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            yield a, b
