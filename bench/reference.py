"""The reference optimiser: the same problems as a CP-SAT model (Google OR-Tools).

Written from the scenario's rules, not from roadshow's planner: it reads the
model, the travel model (:class:`roadshow.travel.EstimatedTravel`) and the
calendar rules (:mod:`roadshow.rules`), and nothing from ``roadshow.planner``.

The model
---------
A *group* is a request with the requests that follow it (same day and venue,
each starting when the one before ends plus the larger gap). Per group: one
boolean per (venue, day) it may use, or "unplaced"; one integer start (minute of
the local day) whose allowed values per day come from the slots, the attendees'
working hours, the start step, pins and diary commitments.

Each person's programme is a path through the days. Arcs join a home night,
the person's group-venue nodes and nights away:

* ``home>n`` / ``n>home``: the first leg from home, the last leg home;
* ``n>n'`` the same day: the second starts after the first ends plus travel;
* ``n=T>n'`` and ``n=N>n'`` overnight: a night near today's last venue and the
  leg next morning, or the leg this evening and a night near tomorrow's first;
* ``n=T>home`` (night near the last venue, home the next, empty day),
  ``home=N>n`` (out the empty day before, night near the first venue), and
  ``n=>n'`` across one empty day (two nights away).

Nights away are only near a venue at least ``min_stay_km`` from home; at most
``max_nights_away_in_row`` in a row; every path starts and ends at home within
the planning window. Legs are timed just in time: the first leg of a day arrives
as the person's first session starts, the others leave as the previous one ends,
and legs on empty days leave at the start of travel hours (later, around a
commitment). That is no loss without commitments; around a commitment it can
forbid a plan roadshow may find (a documented restriction of the reference).

Per-kind rules (per person and day, per region and week, region days of another
kind) are linear constraints; neighbour clashes and preferred starts are costs.

The humane rules of issue 13, as the planner and the checker read them:

* ``arrive_before`` (per kind and person, :meth:`Scenario.arrive_before`): a leg
  to a group ends that long before the person's first session, less the gap
  before it;
* ``max_event_days_in_row`` (per person) and ``max_events_per_week`` (Monday to
  Sunday): linear constraints on the days with an event and on the groups a week
  (a group with its follow-ons is one event; a week a part's days cut in two
  joins the part);
* diary commitments have places (their venue, or home): each one within a day is
  a node on the person's path at its fixed time and place, so the person travels
  to it and is there when it starts. Only commitments of people with events
  become nodes, and of those at home only the ones within a day of a day they
  may have an event (they are at home on the others anyway); a commitment over
  midnight stays a busy block only.

The objective is roadshow's, lexicographic (:mod:`roadshow.objective`), in
three CP-SAT solves: (unplaced, travel), then (nights, late finishes), then
(neighbour clashes, preference minutes), each holding the value the one before
reached and starting from its solution. Within a stage the weights are exact.
CP-SAT runs one search worker with a fixed seed under a *deterministic* time
budget (``deterministic_s``, CP-SAT's own measure of work done, independent of
the machine's load), so the same instance gives the same plan in every run and
runs on a busy machine compare with runs on an idle one. A wall-clock limit
(``time_limit_s`` with ``deterministic_s=None``) and more workers remain
available, for exploring.

Decomposition: groups that share a person or a regional rule form a component;
a component's days split where two days in a row have no candidate day of any
of its groups (everyone sleeps at home there). Each part is its own model. This
is exact for hard rules (neighbour clashes between parts, a soft cost, are not
modelled), and the parts' bounds add up to a lower bound. A part with more than
``split_choices`` (group, venue, day) choices is split by people and the pieces
are solved one after another, each keeping to the regional days and weekly
counts the earlier ones used (the tour of the default programme first, then
each chair's consultations): a heuristic decomposition, so no bound is reported
then. Where a part's arc count would pass ``max_arcs``, arcs between groups are
kept only to each node's ``neighbours`` nearest venues (a restriction; reported).
Each part gets a share of the budget in proportion to its size (a fixed share
of the deterministic budget; of the wall time left with a wall-clock limit).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Generic, TypeVar

from attrs import frozen
from ortools.sat.python import cp_model

from roadshow.model import (
    EventRequest,
    OvernightStay,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
    Unplaced,
)
from roadshow.rules import (
    days_between,
    is_allowed_day,
    is_blacked_out,
    slot_windows,
)
from roadshow.timeutil import clock_minutes, local_datetime, minutes_of
from roadshow.travel import EstimatedTravel, within_km

_T = TypeVar("_T")
_INT_LIMIT = 2**61
_LOG = False
_EXTRA: dict[str, object] = {}


@frozen(kw_only=True)
class ReferenceParams:
    """How long and how hard the reference may work.

    Attributes:
        deterministic_s: CP-SAT's deterministic time over all parts (its work
            measure, in "seconds" of one worker; model building not included).
            None: a wall-clock limit of ``time_limit_s`` instead.
        time_limit_s: CP-SAT's wall time over all parts, when ``deterministic_s``
            is None (model building included).
        workers: CP-SAT search workers (1: deterministic; more share the cores).
        max_arcs: Above this many arcs in a part, keep only nearest-venue arcs.
        neighbours: How many nearest venues each node keeps when thinning.
        split_choices: Above this many (group, venue, day) choices, a part is
            split by people and the pieces are solved one after another.
        seed: CP-SAT's random seed.
    """

    deterministic_s: float | None = 60.0
    time_limit_s: float = 60.0
    workers: int = 1
    max_arcs: int = 600_000
    neighbours: int = 12
    split_choices: int = 3000
    seed: int = 1


@frozen(kw_only=True)
class PartReport:
    """How one part's model went."""

    groups: int
    days: int
    arcs: int
    status: str
    seconds: float
    thinned: bool
    deterministic: float = 0.0
    """CP-SAT's deterministic time spent on the part."""


@frozen(kw_only=True)
class ReferenceResult:
    """The reference's plan, with its lower bound and model statistics."""

    plan: Plan
    bound: tuple[int, ...]
    """Lower bound on the leading objective criteria (unplaced, travel minutes, ...)."""
    bound_names: tuple[str, ...]
    optimal: bool
    """True when every part was proven optimal (for all criteria)."""
    sequential: bool
    """True when a part too big for one model was split by people and solved in turn."""
    parts: tuple[PartReport, ...]
    build_seconds: float
    solve_seconds: float

    @property
    def arcs(self) -> int:
        """Arcs over all parts."""
        return sum(p.arcs for p in self.parts)

    @property
    def thinned(self) -> bool:
        """True when some part kept only nearest-venue arcs."""
        return any(p.thinned for p in self.parts)

    @property
    def status(self) -> str:
        """The worst part status (OPTIMAL < FEASIBLE < UNKNOWN)."""
        order = ("OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE", "MODEL_INVALID")
        return max((p.status for p in self.parts), key=order.index, default="OPTIMAL")


# --- groups and times ------------------------------------------------------------


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


# --- decomposition ---------------------------------------------------------------


class _UnionFind(Generic[_T]):
    """Disjoint sets; each set is named by its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[_T, _T] = {}

    def find(self, item: _T) -> _T:
        while self.parent.setdefault(item, item) != item:
            item = self.parent[item]
        return item

    def union(self, a: _T, b: _T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))  # type: ignore[type-var]
            self.parent[hi] = lo


def _parts(
    groups: list[_Group], days: dict[int, list[int]], scenario: Scenario
) -> list[tuple[list[_Group], list[int]]]:
    """Split the groups into independent parts: (groups, sorted candidate days)."""
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[object, int] = {}
    regional = {
        r.kind
        for r in scenario.rules.kinds
        if r.max_per_region_per_week is not None or r.avoid_region_days_of
    } | {r.avoid_region_days_of for r in scenario.rules.kinds if r.avoid_region_days_of}
    for g in groups:
        keys: list[object] = [("person", p) for p in g.people]
        if g.kind in regional:
            keys += [("region", r) for r in set(g.region.values())]
        for key in keys:
            if key in first:
                union(first[key], g.index)
            else:
                first[key] = g.index
    components: dict[int, list[_Group]] = defaultdict(list)
    for g in groups:
        components[find(g.index)].append(g)
    weekly = scenario.rules.max_events_per_week is not None or any(
        r.max_per_region_per_week is not None for r in scenario.rules.kinds
    )
    out = []
    for members in components.values():
        placeable = [g for g in members if days[g.index]]
        if not placeable:
            out.append((members, []))
            continue
        # Blocks of days: split at two empty days in a row, then merge blocks a
        # group or (with weekly rules) a week spans.
        used = sorted({d for g in placeable for d in days[g.index]})
        blocks: list[list[int]] = []
        for d in used:
            if blocks and d - blocks[-1][-1] <= 2:
                blocks[-1].append(d)
            else:
                blocks.append([d])
        block_of = {d: i for i, b in enumerate(blocks) for d in b}
        joined: _UnionFind[int] = _UnionFind()
        bfind, bunion = joined.find, joined.union

        for g in placeable:
            ds = days[g.index]
            for d in ds[1:]:
                bunion(block_of[ds[0]], block_of[d])
        if weekly:
            week_block: dict[int, int] = {}
            for d in used:
                week = (d + scenario.start_on.weekday()) // 7
                if week in week_block:
                    bunion(week_block[week], block_of[d])
                else:
                    week_block[week] = block_of[d]
        merged: dict[int, list[int]] = defaultdict(list)
        for i, b in enumerate(blocks):
            merged[bfind(i)].extend(b)
        part_groups: dict[int, list[_Group]] = defaultdict(list)
        for g in placeable:
            part_groups[bfind(block_of[days[g.index][0]])].append(g)
        for root, ds in sorted(merged.items()):
            out.append((part_groups[root], sorted(ds)))
        stuck = [g for g in members if not days[g.index]]
        if stuck:
            out.append((stuck, []))
    return out


def _size(
    members: list[_Group], ds: list[int], starts: dict[tuple[int, int], list[int]]
) -> int:
    """A part's size before it is built: its (group, venue, day) choices."""
    return sum(len(g.venues) for g in members for d in ds if (g.index, d) in starts)


def _split(
    parts: list[tuple[list[_Group], list[int]]],
    starts: dict[tuple[int, int], list[int]],
    params: ReferenceParams,
) -> list[tuple[list[_Group], list[int], bool]]:
    """Split parts with over ``split_choices`` choices by people, to solve in turn.

    The pieces share no person; only regional rules join them. Pieces with kinds
    that others must avoid (the tour, which consultations keep clear of) go
    first, then the larger ones; each later piece sees the regions' days and
    weekly counts the earlier ones used. Returns (groups, days, sequential).
    """
    out = []
    for members, ds in parts:
        if not ds or _size(members, ds, starts) <= params.split_choices:
            out.append((members, ds, False))
            continue
        together: _UnionFind[str] = _UnionFind()
        find = together.find
        for g in members:
            for p in g.people[1:]:
                together.union(g.people[0], p)
        pieces: dict[str, list[_Group]] = defaultdict(list)
        for g in members:
            pieces[find(g.people[0])].append(g)
        if len(pieces) == 1:  # nothing to split: one model, still exact
            out.append((members, ds, False))
            continue
        avoided = {
            r.avoid_region_days_of
            for g in members[:1]
            for r in g.rules_all
            if r.avoid_region_days_of
        }
        ordered = sorted(
            pieces.values(),
            key=lambda gs: (
                not any(g.kind in avoided for g in gs),
                -_size(gs, ds, starts),
                min(g.index for g in gs),
            ),
        )
        for piece in ordered:
            piece_days = sorted(
                {d for g in piece for d in ds if (g.index, d) in starts}
            )
            out.append((sorted(piece, key=lambda g: g.index), piece_days, True))
    return out


# --- the model --------------------------------------------------------------------


class _Arc:
    __slots__ = (
        "day",
        "dst",
        "kind",
        "late",
        "leg_day",
        "leg_depart",
        "lit",
        "nights",
        "person",
        "src",
        "travel",
    )

    def __init__(self, **kw: object) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


class _Fixed:
    """Region counts that parts solved earlier fixed (for a sequential split)."""

    def __init__(self) -> None:
        self.region_week: dict[tuple[str, int, str], int] = defaultdict(int)
        self.region_day: dict[tuple[str, int, str], int] = defaultdict(int)

    def add(self, scenario: Scenario, g: _Group, venue: str, day: int) -> None:
        region = g.region[venue]
        if region is not None:
            week = (day + scenario.start_on.weekday()) // 7
            self.region_week[(region, week, g.kind)] += 1
            self.region_day[(region, day, g.kind)] += 1


class _Part:
    """One part's CP-SAT model and its solution."""

    def __init__(
        self,
        cal: _Calendar,
        groups: list[_Group],
        days: list[int],
        starts: dict[tuple[int, int], list[int]],
        params: ReferenceParams,
        fixed: _Fixed,
    ) -> None:
        self.cal = cal
        self.fixed = fixed
        self.groups = groups
        self.days = days
        self.starts = starts
        self.params = params
        self.model = cp_model.CpModel()
        self.thinned = False
        self.arcs: list[_Arc] = []
        self.x: dict[tuple[int, str, int], cp_model.IntVar] = {}
        self.unplaced: dict[int, cp_model.IntVar] = {}
        self.start: dict[int, cp_model.IntVar] = {}
        self.late_vars: dict[tuple[str, int], cp_model.IntVar] = {}
        self.terms: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        self.by_index = {g.index: g for g in groups}
        self.x_of: dict[int, list[tuple[str, int, cp_model.IntVar]]] = defaultdict(list)
        self.placed: dict[int, tuple[str, int, int]] = {}
        self.stages: list[list[tuple[str, int]]] = []
        self.deterministic = 0.0
        self._build()

    # --- variables ------------------------------------------------------------------

    def _build(self) -> None:
        m = self.model
        cal = self.cal
        day_set = set(self.days)
        for g in self.groups:
            values = sorted(
                {s for d in self.days for s in self.starts.get((g.index, d), [])}
            )
            u = m.NewBoolVar(f"u{g.index}")
            self.unplaced[g.index] = u
            if g.diary:  # the person is where the diary says
                m.Add(u == 0)
            else:
                self.terms["unplaced"].append((u, g.size))
            if not values:
                m.Add(u == 1)
                continue
            s = m.NewIntVarFromDomain(cp_model.Domain.FromValues(values), f"s{g.index}")
            self.start[g.index] = s
            lits = []
            for d in self.days:
                allowed = self.starts.get((g.index, d))
                if not allowed:
                    continue
                for v in g.venues:
                    x = m.NewBoolVar(f"x{g.index}_{v}_{d}")
                    self.x[(g.index, v, d)] = x
                    self.x_of[g.index].append((v, d, x))
                    lits.append(x)
                    if len(allowed) < len(values):
                        m.AddLinearExpressionInDomain(
                            s, cp_model.Domain.FromValues(allowed)
                        ).OnlyEnforceIf(x)
            m.AddExactlyOne([*lits, u])
            if g.preferred is not None:
                dev = m.NewIntVar(0, 24 * 60, f"p{g.index}")
                m.Add(dev >= s - g.preferred)
                m.Add(dev >= g.preferred - s)
                self.terms["preference"].append((dev, 1))
        self._kind_rules()
        self._humane()
        self._neighbours()
        # Nodes per person and day.
        nodes: dict[tuple[str, int], list[tuple[_Group, str]]] = defaultdict(list)
        for gi, v, d in self.x:
            g = self._group(gi)
            for p in g.people:
                nodes[(p, d)].append((g, v))
        people = sorted({p for g in self.groups for p in g.people})
        estimate = self._estimate(nodes, people)
        keep = None
        if estimate > self.params.max_arcs:
            self.thinned = True
            keep = self._nearest(nodes, people)
        hi = self.days[-1]
        last_day = len(cal.dates) - 1
        for p in people:
            self._person(p, nodes, hi, last_day, day_set, keep)

    def _group(self, index: int) -> _Group:
        return self.by_index[index]

    def _estimate(
        self, nodes: dict[tuple[str, int], list[tuple[_Group, str]]], people: list[str]
    ) -> int:
        total = 0
        for p in people:
            for d in self.days:
                n = len(nodes.get((p, d), ()))
                nxt = len(nodes.get((p, d + 1), ()))
                after = len(nodes.get((p, d + 2), ()))
                total += n * n + 2 * n * nxt + n * after + 4 * n
        return total

    def _nearest(
        self, nodes: dict[tuple[str, int], list[tuple[_Group, str]]], people: list[str]
    ) -> dict[tuple[str, str], set[str]]:
        """Per person and venue: the venues of its nearest nodes (by travel time)."""
        keep: dict[tuple[str, str], set[str]] = {}
        k = self.params.neighbours
        for p in people:
            venues = sorted(
                {v for (q, _), ns in nodes.items() if q == p for _, v in ns}
            )
            for a in venues:
                ranked = sorted(venues, key=lambda b: (self.cal.minutes(p, a, b), b))
                keep[(p, a)] = set(ranked[: k + 1])
        return keep

    # --- rules ----------------------------------------------------------------------

    def _kind_rules(self) -> None:
        m = self.model
        cal = self.cal
        scenario = cal.scenario
        by_person_day: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        by_region_week: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        by_region_day: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        monday = scenario.start_on.weekday()
        for (gi, v, d), x in self.x.items():
            g = self._group(gi)
            if g.diary:
                continue
            for p in g.people:
                by_person_day[(p, d, g.kind)].append(x)
            region = g.region[v]
            if region is not None:
                by_region_week[(region, (d + monday) // 7, g.kind)].append(x)
                by_region_day[(region, d, g.kind)].append(x)
        for (_p, _d, kind), xs in by_person_day.items():
            limit = scenario.rules.for_kind(kind).max_per_person_per_day
            # A person attends at most one group at a time anyway; the path
            # model handles that. Here only the kind's daily limit.
            if limit is not None and len(xs) > limit:
                m.Add(sum(xs) <= limit)
        used = self.fixed
        for (region, week, kind), xs in by_region_week.items():
            limit = scenario.rules.for_kind(kind).max_per_region_per_week
            if limit is not None:
                limit -= used.region_week[(region, week, kind)]
                if len(xs) > limit:
                    m.Add(sum(xs) <= max(limit, 0))
        for rules in scenario.rules.kinds:
            other = rules.avoid_region_days_of
            if not other:
                continue
            for (region, d, kind), xs in by_region_day.items():
                # Days an earlier part already gave the other kind, both ways.
                if kind == rules.kind and used.region_day[(region, d, other)]:
                    m.Add(sum(xs) == 0)
                if kind == other and used.region_day[(region, d, rules.kind)]:
                    m.Add(sum(xs) == 0)
                if kind != rules.kind:
                    continue
                blockers = by_region_day.get((region, d, other), [])
                if not blockers:
                    continue
                busy = m.NewBoolVar(f"rd{region}_{d}")
                for b in blockers:
                    m.AddImplication(b, busy)
                m.Add(sum(xs) == 0).OnlyEnforceIf(busy)

    def _humane(self) -> None:
        """Per person: at most so many days with an event in a row, events a week.

        A group (a request and its follow-ons) is one event; diary commitments
        are none. Weeks run Monday to Sunday.
        """
        m = self.model
        scenario = self.cal.scenario
        monday = scenario.start_on.weekday()
        by_day: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        by_week: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (gi, _v, d), x in self.x.items():
            g = self._group(gi)
            if g.diary:
                continue
            for p in g.people:
                by_day[p][d].append(x)
                by_week[(p, (d + monday) // 7)].append(x)
        weekly = scenario.rules.max_events_per_week
        if weekly is not None:
            for xs in by_week.values():
                if len(xs) > weekly:
                    m.Add(sum(xs) <= weekly)
        for p, days in sorted(by_day.items()):
            limit = scenario.max_event_days_in_row(p)
            if limit is None or len(days) <= limit:
                continue
            busy = {}
            for d, xs in days.items():
                b = m.NewBoolVar("")
                for x in xs:
                    m.AddImplication(x, b)
                m.Add(b <= sum(xs))
                busy[d] = b
            first, last = min(days), max(days)
            for w in range(first, last - limit + 1):
                window = [busy[d] for d in range(w, w + limit + 1) if d in busy]
                if len(window) > limit:
                    m.Add(sum(window) <= limit)

    def _neighbours(self) -> None:
        m = self.model
        scenario = self.cal.scenario
        venues = scenario.venue_by_id
        near: dict[tuple[str, str, float], bool] = {}
        by_kind_day: dict[tuple[str, int], list[tuple[int, str, cp_model.IntVar]]] = (
            defaultdict(list)
        )
        for (gi, v, d), x in self.x.items():
            g = self._group(gi)
            if not g.diary and g.rules.neighbour_km is not None:
                by_kind_day[(g.kind, d)].append((gi, v, x))
        for (kind, _d), entries in sorted(by_kind_day.items()):
            limit = scenario.rules.for_kind(kind).neighbour_km or 0.0
            for i, (g1, v1, x1) in enumerate(entries):
                for g2, v2, x2 in entries[i + 1 :]:
                    if g1 == g2:
                        continue
                    key = (min(v1, v2), max(v1, v2), limit)
                    if key not in near:
                        near[key] = within_km(venues[v1], venues[v2], limit)
                    if near[key]:
                        clash = m.NewBoolVar("")
                        m.AddBoolOr([x1.Not(), x2.Not(), clash])
                        self.terms["neighbours"].append((clash, 1))

    # --- people ----------------------------------------------------------------------

    def _person(
        self,
        p: str,
        nodes: dict[tuple[str, int], list[tuple[_Group, str]]],
        hi: int,
        last_day: int,
        day_set: set[int],
        keep: dict[tuple[str, str], set[str]] | None,
    ) -> None:
        m = self.model
        cal = self.cal
        home = cal.people[p].home_venue_id
        t0, t1 = cal.travel_window(p)
        late = cal.late(p)
        ins: dict[tuple[int, str, int], list[cp_model.IntVar]] = defaultdict(list)
        outs: dict[tuple[int, str, int], list[cp_model.IntVar]] = defaultdict(list)
        starts_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        nights: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        needs_empty: list[tuple[cp_model.IntVar, int]] = []
        late_terms: dict[int, list[tuple[cp_model.IntVar, int, int]]] = defaultdict(
            list
        )

        def allowed_start(g: _Group, d: int) -> list[int]:
            return self.starts[(g.index, d)]

        def leg_ok(
            values: list[int], d: int, off: int, minutes: int, *, moves: bool = True
        ) -> list[int]:
            """Starts S whose leg [S+off, S+off+minutes) fits travel hours, diary."""
            if not moves:
                return values
            busy = cal.busy.get((p, d), ())
            return [
                s
                for s in values
                if s + off >= t0
                and s + off + minutes <= t1
                and all(s + off + minutes <= c0 or s + off >= c1 for c0, c1 in busy)
            ]

        def add_arc(
            kind: str,
            d: int,
            src: tuple[_Group, str, int] | None,
            dst: tuple[_Group, str, int] | None,
            travel: int,
            n_nights: int,
            restrict: list[tuple[_Group, int, list[int]]],
            end_of_day: tuple[_Group, int, int] | None,
            static_late: int = 0,
            leg: tuple[int, int] | None = None,
        ) -> _Arc | None:
            # Prune impossible arcs before making a variable.
            if any(not values for _, _, values in restrict):
                return None
            lit = m.NewBoolVar("")
            for g, dd, values in restrict:
                if len(values) < len(allowed_start(g, dd)):
                    m.AddLinearExpressionInDomain(
                        self.start[g.index], cp_model.Domain.FromValues(values)
                    ).OnlyEnforceIf(lit)
            arc = _Arc(
                person=p,
                kind=kind,
                day=d,
                src=src,
                dst=dst,
                travel=travel,
                nights=n_nights,
                lit=lit,
                late=static_late,
                leg_day=leg[0] if leg else None,
                leg_depart=leg[1] if leg else None,
            )
            self.arcs.append(arc)
            if src is not None:
                outs[(src[0].index, src[1], src[2])].append(lit)
            if dst is not None:
                ins[(dst[0].index, dst[1], dst[2])].append(lit)
            if travel:
                self.terms["travel"].append((lit, travel))
            if n_nights:
                self.terms["nights"].append((lit, n_nights))
            if static_late:
                self.terms["late"].append((lit, static_late))
            if end_of_day is not None:
                g, dd, off = end_of_day
                late_terms[dd].append((lit, off, g.index))
            return arc

        def is_kept(a: str, b: str) -> bool:
            return keep is None or b in keep.get((p, a), {b})

        daily_limit: dict[str, int | None] = {}

        def same_kind_blocked(g1: _Group, g2: _Group) -> bool:
            if g1.kind != g2.kind or g1.diary:
                return False
            if g1.kind not in daily_limit:
                daily_limit[g1.kind] = cal.scenario.rules.for_kind(
                    g1.kind
                ).max_per_person_per_day
            return daily_limit[g1.kind] == 1

        days = self.days
        for d in days:
            today = nodes.get((p, d), [])
            for g, v in today:
                b0, b1 = g.span[p]
                b0 -= g.lead[p]  # a journey here arrives this much earlier
                f = g.finish[p]
                values = allowed_start(g, d)
                node = (g, v, d)
                t_in = cal.minutes(p, home, v)
                t_out = cal.minutes(p, v, home)
                # home > n
                arc = add_arc(
                    "home>n",
                    d,
                    None,
                    node,
                    t_in,
                    0,
                    [(g, d, leg_ok(values, d, b0 - t_in, t_in, moves=v != home))],
                    None,
                )
                if arc is not None:
                    starts_of[d].append(arc.lit)
                # n > home
                add_arc(
                    "n>home",
                    d,
                    node,
                    None,
                    t_out,
                    0,
                    [(g, d, leg_ok(values, d, b1, t_out, moves=v != home))],
                    (g, d, b1 + t_out if v != home else f),
                )
                stay_here = cal.can_stay(p, v)
                # n =T> home: night near v, home the next (empty) day.
                if stay_here and d + 1 <= last_day:
                    depart = cal.free_leg(p, d + 1, t_out)
                    if depart is not None:
                        arc = add_arc(
                            "n=T>home",
                            d,
                            node,
                            None,
                            t_out,
                            1,
                            [(g, d, values)],
                            (g, d, f),
                            int(depart + t_out > late),
                            (d + 1, depart),
                        )
                        if arc is not None:
                            nights[d].append(arc.lit)
                            needs_empty.append((arc.lit, d + 1))
                # home =N> n: out the empty day before, night near v.
                if stay_here and d - 1 >= 0:
                    depart = cal.free_leg(p, d - 1, t_in)
                    if depart is not None:
                        arc = add_arc(
                            "home=N>n",
                            d,
                            None,
                            node,
                            t_in,
                            1,
                            [(g, d, values)],
                            None,
                            int(depart + t_in > late),
                            (d - 1, depart),
                        )
                        if arc is not None:
                            nights[d - 1].append(arc.lit)
                            starts_of[d].append(arc.lit)
                            needs_empty.append((arc.lit, d - 1))
                # Same day: n > n'.
                for g2, v2 in today:
                    if g2 is g or same_kind_blocked(g, g2) or not is_kept(v, v2):
                        continue
                    t = cal.minutes(p, v, v2)
                    c0, _ = g2.span[p]
                    if v != v2:
                        c0 -= g2.lead[p]
                    first = leg_ok(values, d, b1, t, moves=v != v2)
                    second = allowed_start(g2, d)
                    if not first or not second:
                        continue
                    gap = b1 + t - c0  # s2 - s1 >= gap
                    if max(second) - min(first) < gap:
                        continue
                    arc = add_arc(
                        "n>n", d, node, (g2, v2, d), t, 0, [(g, d, first)], None
                    )
                    if arc is not None and min(second) - max(first) < gap:
                        m.Add(
                            self.start[g2.index] - self.start[g.index] >= gap
                        ).OnlyEnforceIf(arc.lit)
                # Overnight to tomorrow, and across one empty day.
                for step_days, kinds in ((1, ("T", "N")), (2, ("B",))):
                    d2 = d + step_days
                    if d2 > hi or d2 not in day_set:
                        continue
                    for g2, v2 in nodes.get((p, d2), []):
                        if g2 is g or not is_kept(v, v2):
                            continue
                        t = cal.minutes(p, v, v2)
                        c0, _ = g2.span[p]
                        c0 -= g2.lead[p]
                        second = allowed_start(g2, d2)
                        stay_there = cal.can_stay(p, v2)
                        for variant in kinds:
                            if variant == "T":
                                if not stay_here:
                                    continue
                                arc = add_arc(
                                    "n=T>n",
                                    d,
                                    node,
                                    (g2, v2, d2),
                                    t,
                                    1,
                                    [
                                        (g, d, values),
                                        (
                                            g2,
                                            d2,
                                            leg_ok(
                                                second, d2, c0 - t, t, moves=v != v2
                                            ),
                                        ),
                                    ],
                                    (g, d, f),
                                )
                            elif variant == "N":
                                if v2 == v or not stay_there:
                                    continue
                                arc = add_arc(
                                    "n=N>n",
                                    d,
                                    node,
                                    (g2, v2, d2),
                                    t,
                                    1,
                                    [
                                        (g, d, leg_ok(values, d, b1, t)),
                                        (g2, d2, second),
                                    ],
                                    (g, d, b1 + t),
                                )
                            else:
                                if not (stay_here and stay_there):
                                    continue
                                depart = cal.free_leg(p, d + 1, t)
                                if depart is None:
                                    continue
                                arc = add_arc(
                                    "n=>n",
                                    d,
                                    node,
                                    (g2, v2, d2),
                                    t,
                                    2,
                                    [(g, d, values), (g2, d2, second)],
                                    (g, d, f),
                                    int(v != v2 and depart + t > late),
                                    (d + 1, depart) if v != v2 else None,
                                )
                                if arc is not None:
                                    nights[d + 1].append(arc.lit)
                                    needs_empty.append((arc.lit, d + 1))
                            if arc is not None:
                                nights[d].append(arc.lit)
                                starts_of[d2].append(arc.lit)
        # Degrees: each placed node has one way in and one way out.
        for (gi, v, d), x in self.x.items():
            g = self._group(gi)
            if p not in g.people:
                continue
            key = (gi, v, d)
            m.Add(sum(ins.get(key, [])) == x)
            m.Add(sum(outs.get(key, [])) == x)
        # One path a day; empty days where an arc needs them.
        busy: dict[int, cp_model.IntVar] = {}
        for d in sorted(set(starts_of) | {dd for _, dd in needs_empty}):
            b = m.NewBoolVar("")
            m.Add(sum(starts_of.get(d, [])) == b)
            busy[d] = b
        for lit, d in needs_empty:
            m.AddImplication(lit, busy[d].Not())
        # Nights away: at most one arc a night, at most max in a row.
        away: dict[int, cp_model.IntVar] = {}
        for d, lits in nights.items():
            a = m.NewBoolVar("")
            m.Add(sum(lits) == a)
            away[d] = a
        limit = cal.scenario.rules.max_nights_away_in_row
        if away:
            first, last = min(away), max(away)
            for w in range(first - limit, last + 1):
                window = [away[n] for n in range(w, w + limit + 1) if n in away]
                if len(window) > limit:
                    m.Add(sum(window) <= limit)
        # Late finishes: the day's end is set by the arc leaving its last node.
        for d, entries in late_terms.items():
            flag = m.NewBoolVar("")
            self.late_vars[(p, d)] = flag
            self.terms["late"].append((flag, 1))
            for lit, off, gi in entries:
                values = self.starts[(gi, d)]
                threshold = late - off  # late when start > threshold
                if max(values) <= threshold:
                    continue
                if min(values) > threshold:
                    m.AddImplication(lit, flag)
                else:
                    m.Add(self.start[gi] <= threshold).OnlyEnforceIf([lit, flag.Not()])

    # --- solving ----------------------------------------------------------------------

    def objective_stages(self) -> list[list[tuple[str, int]]]:
        """The criteria in three stages, each weighted lexicographically.

        One weighted sum of all six criteria would need weights far beyond 64
        bits, and large weights also spoil CP-SAT's linear relaxation; so
        (unplaced, travel) come first, then (nights, late), then (neighbours,
        preference), each stage holding the value the one before reached.
        """
        people = {p for g in self.groups for p in g.people}
        span = len(self.days) + 2
        window = max(
            (
                self.cal.travel_window(p)[1] - self.cal.travel_window(p)[0]
                for p in people
            ),
            default=0,
        )
        bounds = {
            "unplaced": sum(c for _, c in self.terms["unplaced"]),
            "travel": len(people) * span * window,
            "nights": len(people) * span,
            "late": sum(c for _, c in self.terms["late"]),
            "neighbours": len(self.terms["neighbours"]),
            "preference": 24 * 60 * len(self.terms["preference"]),
        }
        return [
            list(zip(names, _weights(list(names), bounds), strict=True))
            for names in (
                ("unplaced", "travel"),
                ("nights", "late"),
                ("neighbours", "preference"),
            )
        ]

    def solve(self, seconds: float) -> tuple[str, list[tuple[str, int, int]]]:
        """Solve stage by stage; return the status and (names, value, bound) each."""
        m = self.model
        stages = self.objective_stages()
        self.stages = stages
        began = time.perf_counter()
        fixed = self.params.deterministic_s is not None
        used = 0.0  # deterministic time spent so far
        report = []
        status_name = "OPTIMAL"
        shares = (0.7, 0.67, 1.0)
        for i, stage in enumerate(stages):
            pairs = [
                (var, c * w) for name, w in stage for var, c in self.terms.get(name, [])
            ]
            if not pairs:
                report.append((",".join(n for n, _ in stage), 0, 0))
                continue
            expr = cp_model.LinearExpr.WeightedSum(
                [v for v, _ in pairs], [c for _, c in pairs]
            )
            m.Minimize(expr)
            solver = cp_model.CpSolver()
            if fixed:
                left = seconds - used
                solver.parameters.max_deterministic_time = max(left * shares[i], 0.05)
            else:
                left = seconds - (time.perf_counter() - began)
                solver.parameters.max_time_in_seconds = max(left * shares[i], 0.05)
            solver.parameters.num_workers = self.params.workers
            solver.parameters.random_seed = self.params.seed
            solver.parameters.log_search_progress = _LOG
            # Probing the whole model in presolve costs more than it finds here.
            solver.parameters.cp_model_probing_level = 0
            for key, val in _EXTRA.items():
                setattr(solver.parameters, key, val)
            status = solver.Solve(m)
            used += solver.deterministic_time
            self.deterministic = used
            name = solver.StatusName(status)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                if i == 0:
                    return name, report
                status_name = "FEASIBLE"
                break
            if status == cp_model.FEASIBLE:
                status_name = "FEASIBLE"
            value = round(solver.ObjectiveValue())
            bound = math.floor(solver.BestObjectiveBound() + 1e-6)
            report.append((",".join(n for n, _ in stage), value, bound))
            self._solution = {id(v): solver.Value(v) for v in self._all_vars()}
            # Hold this stage's value and hint the next with the solution.
            m.Add(expr <= value)
            m.ClearHints()
            for var in self._all_vars():
                m.AddHint(var, self._solution[id(var)])
        return status_name, report

    def _all_vars(self) -> Iterable[cp_model.IntVar]:
        yield from self.x.values()
        yield from self.unplaced.values()
        yield from self.start.values()
        for arc in self.arcs:
            yield arc.lit

    def value(self, var: cp_model.IntVar) -> int:
        return self._solution[id(var)]


def _weights(names: list[str], bounds: dict[str, int]) -> list[int]:
    """Weights that order the named criteria lexicographically (first = heaviest)."""
    weights = []
    w = 1
    for name in reversed(names):
        weights.append(w)
        w *= bounds[name] + 1
    return list(reversed(weights))


# --- the whole run ------------------------------------------------------------------


def solve(scenario: Scenario, params: ReferenceParams | None = None) -> ReferenceResult:
    """Plan *scenario* with the reference model (see the module docstring)."""
    params = params or ReferenceParams()
    began = time.perf_counter()
    cal = _Calendar(scenario)
    groups = _groups(scenario)
    starts: dict[tuple[int, int], list[int]] = {}
    days: dict[int, list[int]] = {}
    for g in groups:
        found = []
        if g.venues:
            for d in range(len(cal.dates)):
                values = cal.starts(g, d)
                if values:
                    starts[(g.index, d)] = values
                    found.append(d)
        days[g.index] = found
    near: set[tuple[str, int]] = {
        (p, d + step)
        for g in groups
        for p in g.people
        for d in days[g.index]
        for step in (-1, 0, 1)
    }
    attending = {p for g in groups for p in g.people}
    diaries = [
        c
        for c in _diaries(scenario, cal, len(groups))
        if (c.people[0], cal.index[c.day]) in near
        or (
            c.people[0] in attending
            and c.venues[0] != cal.people[c.people[0]].home_venue_id
        )
    ]
    for i, c in enumerate(diaries):
        c.index = len(groups) + i
        day = cal.index[c.day]
        starts[(c.index, day)] = [c.start]
        days[c.index] = [day]
    groups = [*groups, *diaries]  # type: ignore[list-item]
    parts_spec = _split(_parts(groups, days, scenario), starts, params)
    exact = all(not sequential for _, _, sequential in parts_spec)
    fixed = _Fixed()
    left_size = sum(_size(members, ds, starts) for members, ds, _ in parts_spec) or 1
    total_size = left_size
    deadline = time.perf_counter() + params.time_limit_s
    reports = []
    events: list[ScheduledEvent] = []
    legs: list[TravelLeg] = []
    stays: list[OvernightStay] = []
    unplaced: list[Unplaced] = []
    bounds: list[list[int]] = []
    optimal = True
    build_seconds = time.perf_counter() - began
    for members, ds, _ in parts_spec:
        if not ds:
            for g in members:
                unplaced += _unplaced(
                    g, "no day, venue and start fit the calendar and diaries"
                )
            reports.append(
                PartReport(
                    groups=len(members),
                    days=0,
                    arcs=0,
                    status="OPTIMAL",
                    seconds=0.0,
                    thinned=False,
                )
            )
            continue
        # Each part gets its share of the budget in proportion to its size.
        size = _size(members, ds, starts)
        if params.deterministic_s is not None:
            share = params.deterministic_s * size / total_size
        else:
            share = (deadline - time.perf_counter()) * size / left_size
        left_size -= size
        t = time.perf_counter()
        part = _Part(cal, members, ds, starts, params, fixed)
        build_seconds += time.perf_counter() - t
        t = time.perf_counter()
        status, stage_report = part.solve(max(share, 0.2))
        seconds = time.perf_counter() - t
        reports.append(
            PartReport(
                groups=len(members),
                days=len(part.days),
                arcs=len(part.arcs),
                status=status,
                seconds=seconds,
                thinned=part.thinned,
                deterministic=part.deterministic,
            )
        )
        if not stage_report:
            optimal = False
            for g in members:
                unplaced += _unplaced(g, f"the reference found no solution ({status})")
            bounds.append([])
            continue
        if status != "OPTIMAL" or len(stage_report) < len(part.stages):
            optimal = False
        bounds.append(_decode_bound(part, stage_report))
        e, lg, st, un = _extract(cal, part)
        for gi, (v, d, _) in part.placed.items():
            fixed.add(scenario, part.by_index[gi], v, d)
        events += e
        legs += lg
        stays += st
        unplaced += un
    solved = time.perf_counter()
    plan = Plan(
        scenario_id=scenario.scenario_id,
        events=events,
        legs=legs,
        stays=stays,
        unplaced=unplaced,
    )
    # Parts solved one after another are not a relaxation: no global bound.
    known = min((len(b) for b in bounds), default=0) if exact else 0
    return ReferenceResult(
        plan=plan,
        bound=tuple(sum(b[i] for b in bounds) for i in range(known)),
        bound_names=_CRITERIA[:known],
        optimal=optimal and exact,
        sequential=not exact,
        parts=tuple(reports),
        build_seconds=build_seconds,
        solve_seconds=solved - began - build_seconds,
    )


_CRITERIA = ("unplaced", "travel", "nights", "late", "neighbours", "preference")


def _decode_bound(part: _Part, report: list[tuple[str, int, int]]) -> list[int]:
    """The first stage's lower bound, criterion by criterion, as far as it is one.

    A weighted lexicographic bound decodes to a key that is lexicographically no
    better than the optimum; its i-th criterion bounds the optimum's only while
    the criteria before it equal the found solution's (hence the optimum's).
    """
    stage = part.stages[0]
    _, value, bound = report[0]
    found, low = [], []
    rest_v, rest_b = value, max(bound, 0)
    for _, w in stage:
        v, rest_v = divmod(rest_v, w)
        b, rest_b = divmod(rest_b, w)
        found.append(v)
        low.append(b)
    out = []
    for i, b in enumerate(low):
        out.append(b)
        if b != found[i]:
            break
    return out


def _unplaced(g: _Group, why: str) -> list[Unplaced]:
    return [
        Unplaced(
            request_id=m.request.request_id,
            reason=f"{m.request.title}: {why}",
            rules=("reference",),
        )
        for m in g.members
    ]


def _extract(
    cal: _Calendar, part: _Part
) -> tuple[list[ScheduledEvent], list[TravelLeg], list[OvernightStay], list[Unplaced]]:
    scenario = cal.scenario
    tz = cal.tz
    events = []
    unplaced: list[Unplaced] = []
    where: dict[int, tuple[str, int, int]] = part.placed
    for g in part.groups:
        if g.diary:
            ((v, d, _),) = part.x_of[g.index]
            where[g.index] = (v, d, g.start)
            continue
        if part.value(part.unplaced[g.index]):
            unplaced += _unplaced(g, "the reference left it unplaced")
            continue
        chosen = [(v, d) for v, d, x in part.x_of[g.index] if part.value(x)]
        v, d = chosen[0]
        s = part.value(part.start[g.index])
        where[g.index] = (v, d, s)
        date = cal.dates[d]
        for mem in g.members:
            r = mem.request
            begin = s + mem.offset
            events.append(
                ScheduledEvent(
                    request_id=r.request_id,
                    title=r.title,
                    kind=r.kind,
                    venue_id=v,
                    start=local_datetime(date, begin, tz),
                    end=local_datetime(date, begin + mem.length, tz),
                    attendees=r.attendees,
                    lead=r.lead,
                    region_id=scenario.region_of(r) or scenario.venue_region(v),
                    area_id=scenario.area_of(r) or scenario.venue_by_id[v].area_id,
                )
            )
    legs = []
    stays = []

    def leg(p: str, a: str, b: str, d: int, depart: int, minutes: int) -> None:
        # Distinct places at the same point still need a (0-minute) leg.
        if a == b:
            return
        person = cal.people[p]
        journey = cal.travel.journey(a, b, person.travel_mode)
        date = cal.dates[d]
        legs.append(
            TravelLeg(
                person_id=p,
                from_id=a,
                to_id=b,
                mode=journey.mode,
                depart=local_datetime(date, depart, tz),
                arrive=local_datetime(date, depart + minutes, tz),
                distance_km=journey.distance_km,
            )
        )

    def stay(p: str, d: int, venue: str) -> None:
        stays.append(OvernightStay(person_id=p, night_of=cal.dates[d], venue_id=venue))

    for arc in part.arcs:
        if not part.value(arc.lit):
            continue
        p = arc.person
        home = cal.people[p].home_venue_id
        src = arc.src
        dst = arc.dst
        if src is not None:
            g1, v1, d1 = src
            s1 = where[g1.index][2]
            b1 = g1.span[p][1]
        if dst is not None:
            g2, v2, d2 = dst
            s2 = where[g2.index][2]
            c0 = g2.span[p][0] - g2.lead[p]
        t = arc.travel
        if arc.kind == "home>n":
            leg(p, home, v2, d2, s2 + c0 - t, t)
        elif arc.kind == "n>home":
            leg(p, v1, home, d1, s1 + b1, t)
        elif arc.kind == "n>n":
            leg(p, v1, v2, d1, s1 + b1, t)
        elif arc.kind == "n=T>n":
            stay(p, d1, v1)
            leg(p, v1, v2, d2, s2 + c0 - t, t)
        elif arc.kind == "n=N>n":
            leg(p, v1, v2, d1, s1 + b1, t)
            stay(p, d1, v2)
        elif arc.kind == "n=T>home":
            stay(p, d1, v1)
            leg(p, v1, home, arc.leg_day, arc.leg_depart, t)
        elif arc.kind == "home=N>n":
            leg(p, home, v2, arc.leg_day, arc.leg_depart, t)
            stay(p, d2 - 1, v2)
        elif arc.kind == "n=>n":
            stay(p, d1, v1)
            if arc.leg_day is not None:
                leg(p, v1, v2, arc.leg_day, arc.leg_depart, t)
            stay(p, d1 + 1, v2)
    return events, legs, stays, unplaced
