"""The checker: what is wrong with a plan, in plain words.

:func:`check` takes any plan (from the planner, a plan file, or an edited
calendar) and re-derives every rule from the scenario on its own: it never
imports the planner. Each :class:`Violation` has a stable ``rule`` slug, a
``severity`` (``"error"`` breaks a hard rule; ``"warning"`` is a soft problem),
the person and time it concerns, and a one-line message.

Hard rules: every request placed once (or listed as unplaced), with the right
people, venue, length, days and times; nobody in two places at once; every
journey at least as long as the travel model says and inside travel hours; each
person's day starting and ending where they slept; each person at the place of
each diary commitment (its venue, or the home base) when it starts; blackouts,
diary commitments, venue closures, pins, follow-on sessions, arriving
``arrive_before`` ahead of each event, nights away and the per-kind limits
honoured. Soft: under 15 minutes to spare between back-to-back events, days over
11 hours door to door, more than 3 nights away in a row, events in neighbouring
areas on the same day, a night away that ``min_night_saving`` does not allow, a
day away with no event (:mod:`roadshow.nights`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations, pairwise

from attrs import define, field, frozen
from pendulum import Date, DateTime

from roadshow.limits import limit_breaches
from roadshow.model import (
    Commitment,
    EventRequest,
    OvernightStay,
    Person,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)
from roadshow.nights import idle_breaches, night_breaches, tight_day_breaches
from roadshow.rules import is_bank_holiday, is_weekend, request_slots, request_window
from roadshow.timeutil import clock_minutes, format_duration, minutes_of, short_day
from roadshow.travel import EstimatedTravel, within_km

ERROR = "error"
WARNING = "warning"

TIGHT_MINUTES = 15
LONG_DAY_HOURS = 11
NIGHTS_IN_A_ROW = 3

Item = tuple[DateTime, DateTime, ScheduledEvent | TravelLeg]


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
    found = [*checker.requests(), *checker.events(), *checker.kind_rules()]
    found += (v for person in scenario.people for v in checker.person(person))
    return tuple(sorted(found, key=_order))


def _order(v: Violation) -> tuple[str, str, str, str, str]:
    when = v.when.isoformat() if v.when else ""
    return (v.person_id or "", when, v.rule, v.request_id or "", v.message)


@define
class _KindGroups:
    """Events grouped for the per-kind limits (see :meth:`_Checker.kind_rules`)."""

    person_day: defaultdict[tuple[str, Date, str], list[ScheduledEvent]] = field(
        factory=lambda: defaultdict(list)
    )
    region_week: defaultdict[tuple[str, Date, str], list[ScheduledEvent]] = field(
        factory=lambda: defaultdict(list)
    )
    region_day: defaultdict[tuple[str, Date], dict[str, ScheduledEvent]] = field(
        factory=lambda: defaultdict(dict)
    )
    same_day: defaultdict[tuple[str, Date], list[ScheduledEvent]] = field(
        factory=lambda: defaultdict(list)
    )


class _Checker:
    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.s = scenario
        self.plan = plan
        self.travel = EstimatedTravel(scenario.place_by_id, scenario.travel)
        self.tz = scenario.timezone

    def place(self, venue_id: str) -> str:
        venue = self.s.place_by_id.get(venue_id)
        return venue.name if venue else venue_id

    def names(self, person_ids: Iterable[str]) -> str:
        people = self.s.person_by_id
        return ", ".join(people[p].name if p in people else p for p in person_ids)

    def localshort_day(self, moment: DateTime) -> Date:
        return moment.in_tz(self.tz).date()

    # --- requests: each placed once, or listed as unplaced ----------------------------

    def requests(self) -> Iterator[Violation]:
        placed = Counter(e.request_id for e in self.plan.events)
        unplaced = {u.request_id: u for u in self.plan.unplaced}
        for request_id, count in sorted(placed.items()):
            request = self.s.request_by_id.get(request_id)
            if request is None:
                text = (
                    f"{request_id}: an event for a request the scenario does not have"
                )
                yield _error("unknown-request", text, request_id=request_id)
            elif count > 1:
                text = f"{request.title}: scheduled {count} times, once expected"
                yield _error("duplicate", text, request_id=request_id)
        for request in self.s.requests:
            if request.request_id in placed:
                continue
            if request.request_id in unplaced:
                text = unplaced[request.request_id].reason
                yield _error("unplaced", text, request_id=request.request_id)
            else:
                text = f"{request.title}: not in the plan and not listed as unplaced"
                yield _error("missing", text, request_id=request.request_id)

    # --- each event against its request -----------------------------------------------

    def events(self) -> Iterator[Violation]:
        by_request = {e.request_id: e for e in self.plan.events}
        for event in self.plan.events:
            request = self.s.request_by_id.get(event.request_id)
            if request is not None:
                for rule, text, person_id in self._event(event, request, by_request):
                    yield _error(
                        rule,
                        f"{request.title}: {text}",
                        person_id=person_id,
                        when=event.start,
                        request_id=request.request_id,
                    )

    def _event(
        self,
        e: ScheduledEvent,
        r: EventRequest,
        by_request: Mapping[str, ScheduledEvent],
    ) -> Iterator[tuple[str, str, str | None]]:
        """Yield (rule, text, person) for each way *e* breaks request *r*."""
        if set(e.attendees) != set(r.attendees):
            got, want = self.names(sorted(e.attendees)), self.names(r.attendees)
            yield "attendees", f"attended by {got}, expected {want}", None
        yield from self._event_place(e, r)
        yield from self._event_time(e, r)
        for person_id in e.attendees:
            person = self.s.person_by_id.get(person_id)
            if person is not None:
                for rule, text in self._event_person(e, r, person):
                    yield rule, text, person_id
        before = by_request.get(r.follows) if r.follows else None
        if before is not None:
            earlier = self.s.request_by_id[before.request_id]
            gap = max(minutes_of(earlier.gap_after), minutes_of(r.gap_before))
            same_day = self.localshort_day(before.start) == self.localshort_day(e.start)
            if (
                not same_day
                or before.venue_id != e.venue_id
                or minutes_of(e.start - before.end) < gap
            ):
                text = (
                    f"must follow {before.title} at the same venue, the same day, {gap}"
                    " minutes after"
                )
                yield "follows", text, None

    def _event_place(
        self, e: ScheduledEvent, r: EventRequest
    ) -> Iterator[tuple[str, str, str | None]]:
        candidates = self.s.candidate_venues(r)
        if e.venue_id not in {v.venue_id for v in candidates}:
            allowed = ", ".join(sorted(v.name for v in candidates))
            one_of = "one of " if len(candidates) > 1 else ""
            text = f"at {self.place(e.venue_id)}, expected {one_of}{allowed}"
            yield "venue", text, None
        # Its people are there from their arrival (or the set-up gap) until
        # the gap after: the venue must be open for all of it.
        ahead = max(
            [minutes_of(r.gap_before)]
            + [self.s.arrive_before(p, e.kind) for p in e.attendees]
        )
        closed = self.s.closure_of(
            e.venue_id,
            e.start.subtract(minutes=ahead),
            e.end.add(minutes=minutes_of(r.gap_after)),
        )
        if closed is not None:
            yield "closed", f"at a closed venue: {closed}", None
        venue = self.s.venue_by_id.get(e.venue_id)
        if (
            r.min_capacity
            and venue is not None
            and (venue.capacity or 0) < r.min_capacity
        ):
            holds = venue.capacity or "an unknown number"
            yield (
                "capacity",
                f"{venue.name} holds {holds}, {r.min_capacity} needed",
                None,
            )

    def _event_time(
        self, e: ScheduledEvent, r: EventRequest
    ) -> Iterator[tuple[str, str, str | None]]:
        day = self.localshort_day(e.start)
        length = minutes_of(e.end - e.start)
        if length != r.duration_minutes:
            text = (
                f"lasts {format_duration(length)},"
                f" {format_duration(r.duration_minutes)} expected"
            )
            yield "duration", text, None
        first, last = request_window(r, self.s)
        if not first <= day <= last:
            yield (
                "window",
                f"on {short_day(day)}, outside {short_day(first)} to {short_day(last)}",
                None,
            )
        if is_bank_holiday(day, self.s.calendar):
            yield "bank-holiday", f"on {short_day(day)}, a bank holiday", None
        slots = [
            s for s in request_slots(r, self.s.calendar) if day.weekday() in s.days
        ]
        if not slots and r.pin_on is None:
            rule = "weekend" if is_weekend(day, self.s.calendar) else "day"
            yield rule, f"on a {day:%A}, not one of the request's days", None
        local = e.start.in_tz(self.tz)
        begin = local.hour * 60 + local.minute
        inside = any(
            s.window.minutes[0] <= begin and begin + length <= s.window.minutes[1]
            for s in slots
        )
        if slots and r.pin_at is None and not inside:
            windows = ", ".join(str(s.window) for s in slots)
            yield (
                "slot",
                f"at {local:%H:%M}, outside the request's times {windows}",
                None,
            )
        if r.pin_on is not None and day != r.pin_on:
            yield (
                "pinned",
                f"on {short_day(day)}, pinned to {short_day(r.pin_on)}",
                None,
            )
        if r.pin_at is not None and begin != clock_minutes(r.pin_at):
            yield "pinned", f"starts {local:%H:%M}, pinned to {r.pin_at:%H:%M}", None

    def _event_person(
        self, e: ScheduledEvent, r: EventRequest, person: Person
    ) -> Iterator[tuple[str, str]]:
        local = e.start.in_tz(person.timezone)
        begin = local.hour * 60 + local.minute
        work = person.working_hours.minutes
        if r.pin_at is None and (
            begin < work[0] or begin + minutes_of(e.end - e.start) > work[1]
        ):
            end = e.end.in_tz(person.timezone)
            text = (
                f"{person.name} works {person.working_hours}; the event is"
                f" {local:%H:%M}-{end:%H:%M}"
            )
            yield "working-hours", text
        for blackout in self.s.blackouts:
            if blackout.person_id == person.person_id and blackout.covers(local.date()):
                yield (
                    "blackout",
                    f"{person.name} is unavailable ({blackout.reason or 'blackout'})",
                )

    # --- per-kind limits --------------------------------------------------------------

    def kind_rules(self) -> Iterator[Violation]:
        groups = self._kind_groups()
        for (person_id, day, kind), events in sorted(groups.person_day.items()):
            limit = self.s.rules.for_kind(kind).max_per_person_per_day
            if limit is not None and len(events) > limit:
                text = (
                    f"{self.names([person_id])} has {len(events)} {kind} events on"
                    f" {short_day(day)}, at most {limit} allowed"
                )
                yield _error(
                    "per-person-day", text, person_id=person_id, when=events[0].start
                )
        for (region, monday, kind), events in sorted(groups.region_week.items()):
            limit = self.s.rules.for_kind(kind).max_per_region_per_week
            if limit is not None and len(events) > limit:
                text = (
                    f"{self._region(region)} has {len(events)} {kind} events in the"
                    f" week of {short_day(monday)}, at most {limit} allowed"
                )
                yield _error("per-region-week", text, when=events[0].start)
        for (region, day), kinds in sorted(groups.region_day.items()):
            for kind, first in sorted(kinds.items()):
                other = self.s.rules.for_kind(kind).avoid_region_days_of
                if other and other in kinds:
                    text = (
                        f"{self._region(region)} has {kind} and {other} events on"
                        f" {short_day(day)}"
                    )
                    when = min(first.start, kinds[other].start)
                    yield _error("region-day", text, when=when)
        for (kind, _), events in sorted(groups.same_day.items()):
            km = self.s.rules.for_kind(kind).neighbour_km
            if km is not None:
                yield from self._neighbours(events, km)

    def _kind_groups(self) -> _KindGroups:
        """Group the events the per-kind limits count, each in time order."""
        groups = _KindGroups()
        for e in self.plan.events:
            request = self.s.request_by_id.get(e.request_id)
            if request is None or request.follows is not None:
                continue  # a request and those that follow it count once
            kind, day = request.kind, self.localshort_day(e.start)
            for person_id in e.attendees:
                groups.person_day[(person_id, day, kind)].append(e)
            # Where the event is (else where it was asked for), never the region
            # a plan file says it is in.
            venue = self.s.venue_by_id.get(e.venue_id)
            region = (
                self.s.venue_region(e.venue_id) if venue else None
            ) or self.s.region_of(request)
            if region:
                monday = day.subtract(days=day.weekday())
                groups.region_week[(region, monday, kind)].append(e)
                groups.region_day[(region, day)].setdefault(kind, e)
            groups.same_day[(kind, day)].append(e)
        return groups

    def _neighbours(
        self, events: list[ScheduledEvent], limit: float
    ) -> Iterator[Violation]:
        for a, b in combinations(events, 2):
            va, vb = (
                self.s.venue_by_id.get(a.venue_id),
                self.s.venue_by_id.get(b.venue_id),
            )
            if va and vb and within_km(va, vb, limit):
                text = (
                    f"{a.title} and {b.title} are on the same day less than {limit:g}"
                    " km apart"
                )
                yield Violation(
                    rule="neighbours",
                    severity=WARNING,
                    message=text,
                    when=a.start,
                    request_id=a.request_id,
                )

    def _region(self, region_id: str) -> str:
        region = self.s.region_by_id.get(region_id)
        return region.name if region else region_id

    # --- each person's days -----------------------------------------------------------

    def person(self, person: Person) -> list[Violation]:
        items: list[Item] = [
            (e.start, e.end, e) for e in self.plan.events_for(person.person_id)
        ]
        items += [
            (leg.depart, leg.arrive, leg)
            for leg in self.plan.legs_for(person.person_id)
        ]
        items.sort(key=lambda i: (i[0], i[1], isinstance(i[2], ScheduledEvent)))
        found = [
            *self._overlaps(items),
            *self._tight(person, items),
            *self._arrivals(person, items),
            *self._limits(person),
            *self._nights(person),
            *self._commitments(person, items),
            *self._journeys(person),
            *_Walk(self, person, items).run(),
        ]
        name = person.name
        return [
            Violation(
                rule=rule,
                severity=severity,
                message=f"{name}: {text}",
                person_id=person.person_id,
                when=when,
                request_id=request_id,
            )
            for rule, severity, text, when, request_id in found
        ]

    def _label(self, obj: ScheduledEvent | TravelLeg) -> str:
        if isinstance(obj, ScheduledEvent):
            return obj.title
        return f"travel to {self.place(obj.to_id)}"

    def _overlaps(self, items: list[Item]) -> Iterator[Found]:
        """Nobody in two places at once."""
        for (_, end, first), (start, _, second) in pairwise(items):
            if start < end:
                yield (
                    "overlap",
                    ERROR,
                    f"{self._label(first)} and {self._label(second)} overlap",
                    start,
                    None,
                )

    def _tight(self, person: Person, items: list[Item]) -> Iterator[Found]:
        """Back-to-back events (the time between them, less travel) and tight days."""
        events = [
            (start, end, obj)
            for start, end, obj in items
            if isinstance(obj, ScheduledEvent)
        ]
        legs = self.plan.legs_for(person.person_id)
        warned: set[DateTime] = set()
        for (_, end, first), (start, _, second) in pairwise(events):
            if self.localshort_day(end) != self.localshort_day(start):
                continue
            travel = sum(
                leg.minutes for leg in legs if end <= leg.depart and leg.arrive <= start
            )
            slack = minutes_of(start - end) - travel
            if 0 <= slack < TIGHT_MINUTES:
                text = (
                    f"only {slack} minutes to spare between {self._label(first)} and"
                    f" {self._label(second)}"
                )
                warned.add(start)
                yield "tight", WARNING, text, start, None
        # A tight day whose tightest gap is warned of above is not said twice.
        for rule, text, when in tight_day_breaches(self.s, self.plan, person):
            if when not in warned:
                yield rule, WARNING, text, when, None

    def _limits(self, person: Person) -> Iterator[Found]:
        """Event days in a row and events a week (see :mod:`roadshow.limits`)."""
        for rule, text, when in limit_breaches(self.s, self.plan, person):
            yield rule, ERROR, text, when, None

    def _nights(self, person: Person) -> Iterator[Found]:
        """Nights away no late finish, early start or saving needs (roadshow.nights)."""
        for rule, text, when in night_breaches(self.s, self.plan, person, self.travel):
            yield rule, WARNING, text, when, None
        for rule, text, when in idle_breaches(self.s, self.plan, person):
            yield rule, WARNING, text, when, None

    def _arrivals(self, person: Person, items: list[Item]) -> Iterator[Found]:
        """A journey to an event ends at least ``arrive_before`` before it starts."""
        for (_, arrive, leg), (start, _, event) in pairwise(items):
            if not (
                isinstance(leg, TravelLeg)
                and isinstance(event, ScheduledEvent)
                and leg.to_id == event.venue_id
            ):
                continue
            need = self.s.arrive_before(person.person_id, event.kind)
            spare = minutes_of(start - arrive)
            if 0 <= spare < need:
                local = arrive.in_tz(person.timezone)
                text = (
                    f"arrives at {self.place(leg.to_id)} at {local:%H:%M}, {spare}"
                    f" minutes before {event.title} ({need} wanted)"
                )
                yield "arrive-by", ERROR, text, start, event.request_id

    def _commitments(self, person: Person, items: list[Item]) -> Iterator[Found]:
        for c in self.s.commitments:
            if c.person_id == person.person_id:
                for start, end, obj in items:
                    if start < c.end and c.start < end:
                        text = (
                            f"{self._label(obj)} clashes with"
                            f" {c.label or 'a diary commitment'}"
                        )
                        yield "commitment", ERROR, text, start, None

    def _journeys(self, person: Person) -> Iterator[Found]:
        """Every journey long enough and inside travel hours."""
        t0, t1 = person.travel_hours.minutes
        for leg in self.plan.legs_for(person.person_id):
            if (
                leg.from_id not in self.s.place_by_id
                or leg.to_id not in self.s.place_by_id
            ):
                text = (
                    f"a journey to or from an unknown place ({leg.from_id} to"
                    f" {leg.to_id})"
                )
                yield "place", ERROR, text, leg.depart, None
                continue
            need = self.travel.journey(
                leg.from_id, leg.to_id, person.travel_mode
            ).minutes
            if leg.minutes < need:
                route = f"{self.place(leg.from_id)} to {self.place(leg.to_id)}"
                text = (
                    f"{route} takes {format_duration(need)}, the plan allows"
                    f" {format_duration(leg.minutes)}"
                )
                yield "travel-too-short", ERROR, text, leg.depart, None
            depart, arrive = (
                leg.depart.in_tz(person.timezone),
                leg.arrive.in_tz(person.timezone),
            )
            if (
                depart.date() != arrive.date()
                or depart.hour * 60 + depart.minute < t0
                or arrive.hour * 60 + arrive.minute > t1
            ):
                text = (
                    f"travels {depart:%H:%M}-{arrive:%H:%M}, travel hours are"
                    f" {person.travel_hours}"
                )
                yield "travel-hours", ERROR, text, leg.depart, None


Found = tuple[str, str, str, DateTime | None, str | None]
"""(rule, severity, text, when, request id) before the person's name is added."""


class _Walk:
    """Follow one person through the plan: where they are, where they sleep.

    Every day starts where the person slept and ends at home or at the place of
    that night's listed stay; every journey leaves from where they are; every
    event is where they are.
    """

    def __init__(self, checker: _Checker, person: Person, items: list[Item]) -> None:
        self.c = checker
        self.person = person
        self.home = person.home_venue_id
        self.by_day: dict[Date, list[Item]] = defaultdict(list)
        for item in items:
            self.by_day[item[0].in_tz(person.timezone).date()].append(item)
        self.stays: dict[Date, OvernightStay] = {
            s.night_of: s for s in checker.plan.stays_for(person.person_id)
        }
        # Diary commitments are places to be: at their venue, or the home base.
        self.diary: dict[Date, list[Commitment]] = defaultdict(list)
        for c in checker.s.commitments:
            if c.person_id == person.person_id:
                day = c.start.in_tz(person.timezone).date()
                last = c.end.subtract(minutes=1).in_tz(person.timezone).date()
                while day <= last:
                    self.diary[day].append(c)
                    day = day.add(days=1)
        self.here = self.home
        self.in_row = 0

    def run(self) -> Iterator[Found]:
        previous: Date | None = None
        for day in sorted(set(self.by_day) | set(self.stays) | set(self.diary)):
            if previous is not None and day.subtract(days=1) != previous:
                if self.here != self.home:
                    text = (
                        f"away at {self.c.place(self.here)} after {short_day(previous)}"
                        " with no overnight stay listed"
                    )
                    yield "continuity", ERROR, text, None, None
                self.here, self.in_row = self.home, 0
            yield from self._day(day)
            yield from self._night(day)
            previous = day

    def _day(self, day: Date) -> Iterator[Found]:
        items = self.by_day.get(day, [])
        diary = sorted(self.diary.get(day, []), key=lambda c: (c.start, c.end))
        for start, end, obj in items:
            # A journey of no minutes (a venue where the commitment is) that
            # arrives as the commitment starts gets there first.
            while diary and (
                diary[0].start < start or (diary[0].start == start and end > start)
            ):
                yield from self._commitment(diary.pop(0))
            if isinstance(obj, TravelLeg):
                if obj.from_id != self.here:
                    text = (
                        f"leaves {self.c.place(obj.from_id)} but is at"
                        f" {self.c.place(self.here)}"
                    )
                    yield "continuity", ERROR, text, start, None
                self.here = obj.to_id
            elif obj.venue_id != self.here:
                text = (
                    f"at {self.c.place(self.here)} but {obj.title} is at"
                    f" {self.c.place(obj.venue_id)}"
                )
                yield "continuity", ERROR, text, start, obj.request_id
                self.here = obj.venue_id
        for c in diary:
            yield from self._commitment(c)
        if items:
            hours = (items[-1][1] - items[0][0]).total_seconds() / 3600
            if hours > LONG_DAY_HOURS:
                yield (
                    "long-day",
                    WARNING,
                    f"a day of {hours:.1f} hours on {short_day(day)}",
                    items[0][0],
                    None,
                )

    def _commitment(self, c: Commitment) -> Iterator[Found]:
        """The person is where the commitment is when it starts."""
        place = self.c.s.commitment_place(c)
        if self.here != place:
            where = "home" if c.venue_id is None else self.c.place(place)
            text = (
                f"at {self.c.place(self.here)} but {c.label or 'a diary commitment'}"
                f" is at {where}"
            )
            yield "commitment-place", ERROR, text, c.start, None

    def _night(self, day: Date) -> Iterator[Found]:
        items = self.by_day.get(day, [])
        # A night's problems belong to the evening: the end of the day's last item.
        evening = max(end for _, end, _ in items) if items else None
        stay = self.stays.get(day)
        if stay is None:
            if self.here != self.home:
                text = (
                    f"ends {short_day(day)} at {self.c.place(self.here)}, not home,"
                    " with no overnight stay"
                )
                yield "continuity", ERROR, text, evening, None
            self.here, self.in_row = self.home, 0
            return
        if stay.venue_id != self.here:
            place, there = self.c.place(stay.venue_id), self.c.place(self.here)
            yield (
                "continuity",
                ERROR,
                f"sleeps near {place} on {short_day(day)} but ends the day at {there}",
                evening,
                None,
            )
            # Reported once: the next day starts where the stay says they slept.
            self.here = stay.venue_id
        limit = self.c.s.rules.min_stay_km
        home, venue = (
            self.c.s.venue_by_id.get(self.home),
            self.c.s.place_by_id.get(stay.venue_id),
        )
        if limit > 0 and home and venue and within_km(home, venue, limit):
            text = (
                f"a night near {venue.name} on {short_day(day)},"
                f" under {limit:g} km from home"
            )
            yield "stay-too-close", ERROR, text, evening, None
        self.in_row += 1
        allowed = self.c.s.rules.max_nights_away_in_row
        if self.in_row > allowed:
            text = (
                f"{self.in_row} nights away in a row by {short_day(day)}, at most"
                f" {allowed} allowed"
            )
            yield "nights-away", ERROR, text, evening, None
        elif self.in_row > NIGHTS_IN_A_ROW:
            yield (
                "many-nights",
                WARNING,
                f"{self.in_row} nights away in a row by {short_day(day)}",
                evening,
                None,
            )


def _error(
    rule: str,
    message: str,
    *,
    person_id: str | None = None,
    when: DateTime | None = None,
    request_id: str | None = None,
) -> Violation:
    return Violation(
        rule=rule,
        severity=ERROR,
        message=message,
        person_id=person_id,
        when=when,
        request_id=request_id,
    )
