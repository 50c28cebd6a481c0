"""Groups (a request and its follow-ons), diary nodes and the calendar they live in."""

from __future__ import annotations

from collections import defaultdict

from attrs import frozen

from roadshow.model import EventRequest, Scenario
from roadshow.rules import days_between, is_allowed_day, is_blacked_out, slot_windows
from roadshow.timeutil import clock_minutes, minutes_of
from roadshow.travel import EstimatedTravel, within_km


@frozen
class _Member:
    request: EventRequest
    offset: int
    length: int


class _Group:
    """A request and its followers, with everything the model needs about it."""

    def __init__(self, index: int, members: list[_Member], scenario: Scenario) -> None:
        self.index = index
        self.members = members
        root = members[0].request
        self.root = root
        self.kind = root.kind
        self.rules = scenario.rules.for_kind(root.kind)
        self.rules_all = scenario.rules.kinds
        spans: dict[str, list[int]] = {}
        finish: dict[str, int] = {}
        for m in members:
            gap_before = minutes_of(m.request.gap_before)
            gap_after = minutes_of(m.request.gap_after)
            for person_id in m.request.attendees:
                lo, hi = m.offset - gap_before, m.offset + m.length + gap_after
                if person_id in spans:
                    spans[person_id][0] = min(spans[person_id][0], lo)
                    spans[person_id][1] = max(spans[person_id][1], hi)
                else:
                    spans[person_id] = [lo, hi]
                finish[person_id] = max(finish.get(person_id, 0), m.offset + m.length)
        self.people = tuple(sorted(spans))
        self.span = {p: (s[0], s[1]) for p, s in spans.items()}
        self.finish = finish
        # A journey here ends arrive_before ahead of the person's first session
        # (the gap before it counts towards that).
        first = {
            p: min(m.offset for m in members if p in m.request.attendees)
            for p in self.people
        }
        self.lead = {
            p: max(scenario.arrive_before(p, root.kind) - (first[p] - lo), 0)
            for p, (lo, _) in self.span.items()
        }
        self.first = first  # each person's first session (offset)
        self.diary = False
        capacity = max((m.request.min_capacity or 0) for m in members)
        self.venues = tuple(
            sorted(
                v.venue_id
                for v in scenario.candidate_venues(root)
                if capacity == 0 or (v.capacity or 0) >= capacity
            )
        )
        self.preferred = (
            clock_minutes(root.preferred_start) if root.preferred_start else None
        )
        self.region = {
            v: scenario.region_of(root) or scenario.venue_region(v) for v in self.venues
        }
        self.size = len(members)


DIARY = "(diary)"
"""The kind of a diary commitment's node in a person's path."""


class _Diary:
    """A diary commitment as a node every path must pass: its place, day and time.

    Shaped like a :class:`_Group` (one person, one venue, one fixed start, always
    placed); it is no event, so no per-kind rule, count or cost applies to it.
    """

    def __init__(self, index: int, person_id: str, place: str, start: int, end: int):
        self.index = index
        self.members: list[_Member] = []
        self.kind = DIARY
        self.people = (person_id,)
        self.span = {person_id: (0, end - start)}
        self.finish = {person_id: end - start}
        self.lead = {person_id: 0}
        self.first = {person_id: 0}
        self.venues = (place,)
        self.preferred: int | None = None
        self.region: dict[str, str | None] = {place: None}
        self.size = 0
        self.diary = True
        self.rules_all = ()
        self.start = start
        self.day: object = None


def _diaries(scenario: Scenario, cal: _Calendar, first: int) -> list[_Diary]:
    """One node per commitment within a day of the window (indices from *first*).

    A commitment over midnight stays a busy block only (a documented restriction).
    """
    out: list[_Diary] = []
    for c in sorted(scenario.commitments, key=lambda c: (c.person_id, c.start)):
        start, end = c.start.in_tz(cal.tz), c.end.in_tz(cal.tz)
        day = cal.index.get(start.date())
        if day is None or end.date() != start.date():
            continue
        node = _Diary(
            first + len(out),
            c.person_id,
            scenario.commitment_place(c),
            start.hour * 60 + start.minute,
            end.hour * 60 + end.minute,
        )
        node.day = start.date()
        out.append(node)
    return out


def _groups(scenario: Scenario) -> list[_Group]:
    followers: dict[str, list[EventRequest]] = defaultdict(list)
    for request in scenario.requests:
        if request.follows is not None:
            followers[request.follows].append(request)
    roots = sorted(
        (r for r in scenario.requests if r.follows is None), key=lambda r: r.request_id
    )
    out = []
    for index, root in enumerate(roots):
        members = [_Member(root, 0, root.duration_minutes)]
        queue = [members[0]]
        while queue:
            parent = queue.pop(0)
            for child in sorted(
                followers[parent.request.request_id], key=lambda r: r.request_id
            ):
                gap = max(
                    minutes_of(parent.request.gap_after), minutes_of(child.gap_before)
                )
                member = _Member(
                    child, parent.offset + parent.length + gap, child.duration_minutes
                )
                members.append(member)
                queue.append(member)
        out.append(_Group(index, members, scenario))
    return out


class _Calendar:
    """Days, each person's windows and commitments, in local minutes of the day."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.tz = scenario.timezone
        if any(p.timezone != self.tz for p in scenario.people):
            msg = "the reference needs every person in the scenario's time zone"
            raise ValueError(msg)
        self.dates = list(days_between(scenario.start_on, scenario.end_on))
        self.index = {d: i for i, d in enumerate(self.dates)}
        self.people = scenario.person_by_id
        self.busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for c in scenario.commitments:
            start = c.start.in_tz(self.tz)
            end = c.end.in_tz(self.tz)
            day = start.date()
            while day <= end.date():
                if day in self.index:
                    lo = start.hour * 60 + start.minute if day == start.date() else 0
                    hi = end.hour * 60 + end.minute if day == end.date() else 24 * 60
                    if hi > lo:
                        self.busy[(c.person_id, self.index[day])].append((lo, hi))
                day = day.add(days=1)
        self.travel = EstimatedTravel(scenario.venue_by_id, scenario.travel)
        self._minutes: dict[tuple[str | None, str, str], int] = {}
        self._stay: dict[tuple[str, str], bool] = {}

    def minutes(self, person_id: str, a: str, b: str) -> int:
        mode = self.people[person_id].travel_mode
        key = (mode, a, b)
        found = self._minutes.get(key)
        if found is None:
            found = 0 if a == b else self.travel.journey(a, b, mode).minutes
            self._minutes[key] = found
        return found

    def can_stay(self, person_id: str, venue: str) -> bool:
        key = (person_id, venue)
        found = self._stay.get(key)
        if found is None:
            home = self.people[person_id].home_venue_id
            limit = self.scenario.rules.min_stay_km
            venues = self.scenario.venue_by_id
            found = venue != home and (
                limit <= 0 or not within_km(venues[home], venues[venue], limit)
            )
            self._stay[key] = found
        return found

    def travel_window(self, person_id: str) -> tuple[int, int]:
        return self.people[person_id].travel_hours.minutes

    def late(self, person_id: str) -> int:
        return self.people[person_id].late_after_minutes

    def is_free(self, person_id: str, day: int, lo: int, hi: int) -> bool:
        return all(
            hi <= c0 or lo >= c1 for c0, c1 in self.busy.get((person_id, day), ())
        )

    def free_leg(self, person_id: str, day: int, minutes: int) -> int | None:
        """The earliest departure on an otherwise empty *day* (None: no room)."""
        t0, t1 = self.travel_window(person_id)
        depart = t0
        while depart + minutes <= t1:
            clash = [
                c1
                for c0, c1 in self.busy.get((person_id, day), ())
                if depart < c1 and c0 < depart + minutes
            ]
            if not clash:
                return depart
            depart = max(clash)
        return None

    def starts(self, group: _Group, day: int) -> list[int]:
        """Allowed group starts on *day* (local minutes), or [] if the day is out."""
        date = self.dates[day]
        root = group.root
        scenario = self.scenario
        if root.pin_on is not None:
            if root.pin_on != date:
                return []
        elif not all(is_allowed_day(date, m.request, scenario) for m in group.members):
            return []
        if any(is_blacked_out(p, date, scenario) for p in group.people):
            return []
        step = scenario.rules.start_step_minutes
        if root.pin_at is not None:
            candidates = [clock_minutes(root.pin_at)]
        else:
            candidates = sorted(
                {
                    s
                    for lo, hi in slot_windows(date, root) or [(0, 24 * 60)]
                    for s in range(
                        -(-lo // step) * step, hi - group.members[0].length + 1, step
                    )
                }
            )
        out = []
        for s in candidates:
            if root.pin_at is None and not self._fits(group, date, s):
                continue
            if all(
                self.is_free(p, day, s + span[0], s + span[1])
                for p, span in group.span.items()
            ):
                out.append(s)
        return out

    def _fits(self, group: _Group, date: object, start: int) -> bool:
        for m in group.members:
            begin, end = start + m.offset, start + m.offset + m.length
            windows = (
                slot_windows(date, m.request)  # type: ignore[arg-type]
                if m.request.slots
                else [(0, 24 * 60)]
            )
            if not any(lo <= begin and end <= hi for lo, hi in windows):
                return False
            for person_id in m.request.attendees:
                w0, w1 = self.people[person_id].working_hours.minutes
                if begin < w0 or end > w1:
                    return False
        return True
