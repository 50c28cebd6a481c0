"""What the planner precomputes from a scenario: days, people, groups, travel.

Everything here is in whole UTC epoch minutes (ints), which keeps the search fast
and makes the 26 October 2008 fall-back hour harmless: wall-clock windows are
converted once per day through the time zone.

A *group* is a request together with the requests that follow it (``follows``):
they happen on one day at one venue, each starting when the one it follows ends
plus the larger of the two gaps. Groups are the units the planner places.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from functools import cached_property
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING

from attrs import frozen
from pendulum import Date

from roadshow.model import EventRequest, KindRules, Person, Scenario
from roadshow.planner._lodging import best_lodging
from roadshow.rules import (
    AllowedDays,
    allowed_days,
    days_between,
    is_blacked_out,
    slot_windows,
)
from roadshow.timeutil import clock_minutes, day_minute, epoch_minute, minutes_of
from roadshow.travel import EstimatedTravel, within_km

if TYPE_CHECKING:
    from roadshow.planner._routing import Item

HOME = -1
"""Index used for 'no group' in day-by-day searches."""

FIXED = -2
"""Group index of a diary commitment's item (never placed or moved)."""


@frozen
class Member:
    """One request inside a group, placed relative to the group's start."""

    request: EventRequest
    offset: int
    length: int


@frozen
class Group:
    """Requests that happen together: one day, one venue, fixed offsets."""

    index: int
    group_id: str
    kind: str
    title: str
    members: tuple[Member, ...]
    people: tuple[str, ...]
    spans: dict[str, tuple[int, int]]
    """Per person: (busy from, busy until), from the group start, gaps included."""
    finishes: dict[str, int]
    """Per person: when their last session ends, relative to the group start."""
    leads: dict[str, int]
    """Per person: minutes before their span starts by which a journey must arrive
    (``arrive_before`` less the gap before their first session)."""
    venues: tuple[str, ...]
    region_id: str | None
    area_id: str | None
    preferred: int | None
    """Preferred start, minutes after local midnight."""
    pin_day: int | None
    pin_minute: int | None
    kind_rules: KindRules
    problems: tuple[str, ...]
    """Reasons the group can never be placed (e.g. no venue is big enough)."""

    @property
    def at_venue(self) -> tuple[int, int]:
        """When anyone of the group is at the venue, in minutes from its start.

        From the earliest arrival (``arrive_before``, or a gap before) to the
        last session's end and its gap after: a closure must leave all of it free.
        """
        return (
            min((self.spans[p][0] - self.leads[p] for p in self.people), default=0),
            max(
                (self.spans[p][1] for p in self.people),
                default=max(m.offset + m.length for m in self.members),
            ),
        )


@frozen
class Day:
    """One calendar day of the planning window."""

    index: int
    date: Date
    week: int
    """Monday-based week number (for weekly limits)."""


class PersonDays:
    """A person's windows per day, in epoch minutes, and their diary."""

    def __init__(
        self, person: Person, days: tuple[Day, ...], busy: list[tuple[int, int, str]]
    ) -> None:
        self.person = person
        self.tz = person.timezone
        work, travel = person.working_hours.minutes, person.travel_hours.minutes
        late = person.late_after_minutes

        def at(day: Day, minute: int) -> int:
            return day_minute(day.date, minute, self.tz)

        self.work_start = [at(d, work[0]) for d in days]
        self.work_end = [at(d, work[1]) for d in days]
        self.travel_start = [at(d, travel[0]) for d in days]
        self.travel_end = [at(d, travel[1]) for d in days]
        self.late = [at(d, late) for d in days]
        self.busy = sorted(busy)
        self._busy_starts = [b[0] for b in self.busy]
        self._longest = max((b[1] - b[0] for b in self.busy), default=0)
        # The latest end among the commitments up to each one (by start): a
        # range overlaps one iff that of those starting before its end is after
        # its start.
        self._ends_so_far = list(accumulate((b[1] for b in self.busy), max))

    def travel_window(self, day: int) -> tuple[int, int]:
        """Epoch minutes between which the person may travel on *day*."""
        return self.travel_start[day], self.travel_end[day]

    def work_window(self, day: int) -> tuple[int, int]:
        """Epoch minutes of the person's working hours on *day*."""
        return self.work_start[day], self.work_end[day]

    def busy_overlapping(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Return the diary commitments that overlap ``[start, end)``, in order."""
        if not self.busy:
            return []
        out = []
        i = bisect.bisect_left(self._busy_starts, end)
        while i > 0:
            i -= 1
            b = self.busy[i]
            if b[0] < start - self._longest:
                break
            if b[1] > start:
                out.append(b)
        return out[::-1]

    def is_free(self, start: int, end: int) -> bool:
        """Tell whether ``[start, end)`` overlaps no commitment."""
        i = bisect.bisect_left(self._busy_starts, end)
        return i == 0 or self._ends_so_far[i - 1] <= start

    def earliest_departure(
        self, earliest: int, arrive_by: int, minutes: int
    ) -> int | None:
        """Leave as soon as possible after *earliest*, around commitments."""
        if not self.busy:  # the common case, without the search
            return earliest if earliest + minutes <= arrive_by else None
        depart = earliest
        while depart + minutes <= arrive_by:
            if self.is_free(depart, depart + minutes):
                return depart
            busy = self.busy_overlapping(depart, depart + minutes)
            depart = max(b[1] for b in busy)
        return None

    def latest_departure(
        self, earliest: int, arrive_by: int, minutes: int
    ) -> int | None:
        """Leave as late as possible to arrive by *arrive_by*, around commitments."""
        depart = arrive_by - minutes
        if not self.busy:  # the common case, without the search
            return depart if depart >= earliest else None
        while depart >= earliest:
            if self.is_free(depart, depart + minutes):
                return depart
            busy = self.busy_overlapping(depart, depart + minutes)
            depart = min(b[0] for b in busy) - minutes
        return None


class Context:
    """The scenario, precomputed for planning."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.tz = scenario.timezone
        self.days = tuple(
            Day(index=i, date=d, week=_week_number(d))
            for i, d in enumerate(days_between(scenario.start_on, scenario.end_on))
        )
        self.day_of_date = {d.date: d.index for d in self.days}
        busy: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for c in scenario.commitments:
            busy[c.person_id].append(
                (epoch_minute(c.start), epoch_minute(c.end), c.label)
            )
        self.people = {
            p.person_id: PersonDays(p, self.days, busy[p.person_id])
            for p in scenario.people
        }
        self.home = {p.person_id: p.home_venue_id for p in scenario.people}
        self.closed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        """Per venue: the (start, end) epoch minutes of each closure."""
        for closure in scenario.closures:
            self.closed[closure.venue_id].append(
                (epoch_minute(closure.start), epoch_minute(closure.end))
            )
        self.fixed = self._fixed_places()
        # Journeys run between venues and lodging alike.
        self.places = scenario.place_by_id
        self.travel_model = EstimatedTravel(self.places, scenario.travel)
        self.max_away = scenario.rules.max_nights_away_in_row
        self.step = scenario.rules.start_step_minutes
        # One table of minutes per travel mode, shared by the people who use it.
        by_mode: dict[str | None, dict[tuple[str, str], int]] = {}
        self._tables = {
            p.person_id: by_mode.setdefault(p.travel_mode, {}) for p in scenario.people
        }
        self._near: dict[tuple[str, float], dict[str, bool]] = {}
        # Answers _routing gives again and again, by person, day and the items
        # either side of a night (pure: the scenario decides them).
        self.memo_commitment_items: dict[tuple[str, int], tuple[Item, ...]] = {}
        self.memo_night_needed: dict[
            tuple[str, int, Item | None, Item | None], bool
        ] = {}
        self._lodging: dict[str, str] = {}
        self.groups = self._build_groups()

    def _fixed_places(self) -> dict[str, dict[int, list[tuple[int, int, str]]]]:
        """Per person and day: (start, end, venue) of each commitment, cut at midnight.

        A commitment is a place to be, like an event: the day is routed to it and
        away from it (a commitment without a place is at the home base).
        """
        out: dict[str, dict[int, list[tuple[int, int, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for c in self.scenario.commitments:
            if c.person_id not in self.home:
                continue
            tz = self.scenario.person_by_id[c.person_id].timezone
            start, end = epoch_minute(c.start), epoch_minute(c.end)
            venue = self.scenario.commitment_place(c)
            for day in self.days:
                lo = day_minute(day.date, 0, tz)
                hi = day_minute(day.date.add(days=1), 0, tz)
                if start < hi and lo < end:
                    out[c.person_id][day.index].append(
                        (max(start, lo), min(end, hi), venue)
                    )
        return {p: {d: sorted(v) for d, v in days.items()} for p, days in out.items()}

    def is_closed(self, group: Group, venue: str, start: int) -> bool:
        """Tell whether *venue* is closed while *group* is there (``at_venue``)."""
        closures = self.closed.get(venue)
        if not closures:
            return False
        before, after = group.at_venue
        begin, end = start + before, start + after
        return any(lo < end and begin < hi for lo, hi in closures)

    # --- travel -----------------------------------------------------------------------

    def minutes(self, person_id: str, from_id: str, to_id: str) -> int:
        """Door-to-door minutes for *person_id* between two places (cached)."""
        table = self._tables[person_id]
        found = table.get((from_id, to_id))
        if found is None:
            mode = self.people[person_id].person.travel_mode
            found = (
                0
                if from_id == to_id
                else self.travel_model.journey(from_id, to_id, mode).minutes
            )
            table[(from_id, to_id)] = found
        return found

    def minutes_table(self, person_id: str) -> dict[tuple[str, str], int]:
        """The minutes :meth:`minutes` has found for *person_id*'s mode so far.

        Hot loops look a journey up here first and call :meth:`minutes` on a miss.
        """
        return self._tables[person_id]

    def can_stay(self, person_id: str, venue: str) -> bool:
        """Tell whether *person_id* may sleep near *venue* (far enough from home)."""
        limit = self.scenario.rules.min_stay_km
        home = self.home[person_id]
        return venue != home and (limit <= 0 or not self.is_near(home, venue, limit))

    def night_place(self, person_id: str, venue: str) -> str | None:
        """Where *person_id* sleeps to be near *venue*, or None if not away.

        The best lodging near the venue (the venue itself when the scenario has
        none near: a hotel is still to be booked there); None when the venue or
        that place is too close to home for a night away (``min_stay_km``).
        """
        if not self.can_stay(person_id, venue):
            return None
        place = self._lodging.get(venue)
        if place is None:
            place = self._lodging[venue] = (
                best_lodging(self.scenario, venue) or venue
                if self.scenario.lodging
                else venue
            )
        return place if self.can_stay(person_id, place) else None

    def is_near(self, a: str, b: str, km: float) -> bool:
        """Tell whether venues *a* and *b* are closer than *km* (cached)."""
        found = self.near_to(a, km).get(b)
        if found is None:
            first, second = (a, b) if a <= b else (b, a)
            found = within_km(self.places[first], self.places[second], km)
            self.near_to(a, km)[b] = self.near_to(b, km)[a] = found
        return found

    def near_to(self, venue: str, km: float) -> dict[str, bool]:
        """What :meth:`is_near` has found so far for *venue*: other venue -> near.

        Hot loops look a venue up here first and call :meth:`is_near` on a miss.
        """
        found = self._near.get((venue, km))
        if found is None:
            found = self._near[(venue, km)] = {}
        return found

    # --- groups -----------------------------------------------------------------------

    def _build_groups(self) -> tuple[Group, ...]:
        scenario = self.scenario
        followers: dict[str, list[EventRequest]] = defaultdict(list)
        for request in scenario.requests:
            if request.follows is not None:
                followers[request.follows].append(request)
        roots = [r for r in scenario.requests if r.follows is None]
        groups = []
        for index, root in enumerate(sorted(roots, key=lambda r: r.request_id)):
            members = [Member(request=root, offset=0, length=root.duration_minutes)]
            queue = [(root, 0)]
            while queue:
                parent, offset = queue.pop(0)
                parent_end = offset + parent.duration_minutes
                for child in sorted(
                    followers[parent.request_id], key=lambda r: r.request_id
                ):
                    gap = max(
                        minutes_of(parent.gap_after), minutes_of(child.gap_before)
                    )
                    members.append(
                        Member(
                            request=child,
                            offset=parent_end + gap,
                            length=child.duration_minutes,
                        )
                    )
                    queue.append((child, parent_end + gap))
            groups.append(self._group(index, root, tuple(members)))
        return tuple(groups)

    def _group(
        self, index: int, root: EventRequest, members: tuple[Member, ...]
    ) -> Group:
        scenario = self.scenario
        problems: list[str] = []
        sessions: dict[str, list[Member]] = defaultdict(list)
        for m in members:
            for person_id in m.request.attendees:
                sessions[person_id].append(m)
        spans: dict[str, tuple[int, int]] = {}
        finishes: dict[str, int] = {}
        leads: dict[str, int] = {}
        for person_id, attended in sorted(sessions.items()):
            ordered = sorted(attended, key=lambda m: m.offset)
            if any(b.offset < a.offset + a.length for a, b in pairwise(ordered)):
                problems.append(f"{person_id} would attend two overlapping sessions")
            spans[person_id] = (
                min(m.offset - minutes_of(m.request.gap_before) for m in ordered),
                max(
                    m.offset + m.length + minutes_of(m.request.gap_after)
                    for m in ordered
                ),
            )
            finishes[person_id] = max(m.offset + m.length for m in ordered)
            first = ordered[0].offset
            leads[person_id] = max(
                scenario.arrive_before(person_id, root.kind)
                - (first - spans[person_id][0]),
                0,
            )
        capacity = max((m.request.min_capacity or 0) for m in members)
        venues = tuple(
            v.venue_id
            for v in scenario.candidate_venues(root)
            if capacity == 0 or (v.capacity is not None and v.capacity >= capacity)
        )
        if not venues:
            problems.append(f"no venue holds {capacity} people")
        pin_day = None
        if root.pin_on is not None:
            pin_day = self.day_of_date.get(root.pin_on)
            if pin_day is None:
                problems.append(
                    f"pinned to {root.pin_on:%d %b %Y}, outside the planning window"
                )
        return Group(
            index=index,
            group_id=root.request_id,
            kind=root.kind,
            title=root.title,
            members=members,
            people=tuple(sorted(spans)),
            spans=spans,
            finishes=finishes,
            leads=leads,
            venues=tuple(sorted(venues)),
            region_id=scenario.region_of(root),
            area_id=scenario.area_of(root),
            preferred=clock_minutes(root.preferred_start)
            if root.preferred_start
            else None,
            pin_day=pin_day,
            pin_minute=clock_minutes(root.pin_at) if root.pin_at else None,
            kind_rules=scenario.rules.for_kind(root.kind),
            problems=tuple(problems),
        )

    @cached_property
    def candidate_days(self) -> dict[int, tuple[int, ...]]:
        """Days each group may use: calendar, window, pins and blackouts allow it."""
        out: dict[int, tuple[int, ...]] = {}
        for g in self.groups:
            if g.problems:
                out[g.index] = ()
                continue
            # Days every member's rule allows (or the pinned day), less any
            # attendee's blackouts: sets, as most groups share their rules.
            if g.pin_day is not None:
                allowed = frozenset((g.pin_day,))
            else:
                allowed = frozenset.intersection(
                    *(self._allowed(m.request) for m in g.members)
                )
            for person_id in g.people:
                allowed -= self._blacked_out(person_id)
            days = sorted(allowed)
            if self.closed:
                days = [
                    d
                    for d in days
                    if not all(self._closed_all_day(v, self.days[d]) for v in g.venues)
                ]
            out[g.index] = tuple(days)
        return out

    def _allowed(self, request: EventRequest) -> frozenset[int]:
        """The days the calendar allows *request*.

        Read once per distinct rule: many requests share a window and slot days.
        """
        rule = allowed_days(request, self.scenario)
        found = self._days_by_rule.get(rule)
        if found is None:
            calendar = self.scenario.calendar
            found = frozenset(
                d.index for d in self.days if rule.allows(d.date, calendar)
            )
            self._days_by_rule[rule] = found
        return found

    @cached_property
    def _days_by_rule(self) -> dict[AllowedDays, frozenset[int]]:
        return {}

    def _blacked_out(self, person_id: str) -> frozenset[int]:
        """The days *person_id* is blacked out (read once per person)."""
        found = self._blackout_days.get(person_id)
        if found is None:
            found = frozenset(
                d.index
                for d in self.days
                if is_blacked_out(person_id, d.date, self.scenario)
            )
            self._blackout_days[person_id] = found
        return found

    @cached_property
    def _blackout_days(self) -> dict[str, frozenset[int]]:
        return {}

    def _closed_all_day(self, venue: str, day: Day) -> bool:
        lo = day_minute(day.date, 0, self.tz)
        hi = day_minute(day.date.add(days=1), 0, self.tz)
        return any(a <= lo and hi <= b for a, b in self.closed.get(venue, ()))

    def starts(self, group: Group, day: int) -> tuple[int, ...]:
        """Candidate group starts on *day* (epoch minutes), earliest first.

        Every member must fit inside one of its request's slot windows and inside
        each of its attendees' working hours; starts lie on the scenario's step.
        """
        key = (self._shape(group), day)
        found = self._starts.get(key)
        if found is None:
            found = self._compute_starts(group, day)
            self._starts[key] = found
        return found

    @cached_property
    def _starts(self) -> dict[tuple[int, int], tuple[int, ...]]:
        return {}

    def _shape(self, group: Group) -> int:
        """What a group's starts depend on, numbered: groups of one shape share them.

        A number, not the shape itself: hashing a shape's slots on every
        lookup costs more than the lookup.
        """
        found = self._shapes.get(group.index)
        if found is None:
            hours = {p: self.people[p].person.working_hours for p in group.people}
            shape = (
                group.pin_minute,
                tuple(
                    (
                        m.offset,
                        m.length,
                        m.request.slots,
                        tuple(hours[p] for p in m.request.attendees),
                    )
                    for m in group.members
                ),
            )
            found = self._shape_numbers.setdefault(shape, len(self._shape_numbers))
            self._shapes[group.index] = found
        return found

    @cached_property
    def _shapes(self) -> dict[int, int]:
        return {}

    @cached_property
    def _shape_numbers(self) -> dict[object, int]:
        return {}

    def _compute_starts(self, group: Group, day: int) -> tuple[int, ...]:
        date = self.days[day].date
        if group.pin_minute is not None:
            local = [group.pin_minute]
        else:
            root = group.members[0]
            local = []
            for lo, hi in slot_windows(date, root.request, self.scenario.calendar) or [
                (0, 24 * 60)
            ]:
                first = -(-lo // self.step) * self.step
                local.extend(range(first, hi - root.length + 1, self.step))
            local = sorted(set(local))
        if group.pin_minute is not None:
            return tuple(day_minute(date, minute, self.tz) for minute in local)
        bounds = self._bounds(group, day)
        starts = []
        for minute in local:
            start = day_minute(date, minute, self.tz)
            if _fits(bounds, start):
                starts.append(start)
        return tuple(starts)

    def _bounds(self, group: Group, day: int) -> list[_Bounds]:
        """Per member: its offsets, slot windows and attendees' hours on *day*."""
        date = self.days[day].date
        out = []
        for m in group.members:
            windows = (
                slot_windows(date, m.request, self.scenario.calendar)
                if m.request.slots
                else [(0, 24 * 60)]
            )
            out.append(
                (
                    m.offset,
                    m.offset + m.length,
                    [
                        (day_minute(date, lo, self.tz), day_minute(date, hi, self.tz))
                        for lo, hi in windows
                    ],
                    [self.people[p].work_window(day) for p in m.request.attendees],
                )
            )
        return out


_Bounds = tuple[int, int, list[tuple[int, int]], list[tuple[int, int]]]
"""A member's start and end offsets, its slot windows and its attendees' hours."""


def _fits(bounds: list[_Bounds], start: int) -> bool:
    """Tell whether every member starting at *start* fits its windows and hours."""
    for offset, end_offset, windows, hours in bounds:
        begin, end = start + offset, start + end_offset
        if not any(lo <= begin and end <= hi for lo, hi in windows):
            return False
        for w0, w1 in hours:
            if begin < w0 or end > w1:
                return False
    return True


def _week_number(day: Date) -> int:
    """A Monday-based week number that orders correctly across years."""
    return (day.toordinal() - day.weekday()) // 7
