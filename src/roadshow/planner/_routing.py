"""Routing one person through the planning window: legs, nights, and their cost.

Each night is spent at home, near the day's last venue, or near the next day's
first venue, with at most ``max_nights_away_in_row`` away in a row. A day is then
routed from the previous night's place, through its items, to the night's place
(:func:`route_day`). The cheapest choice of nights (travel, then nights away,
then late finishes) is a shortest path over (place, nights away in a row) per
night, which :class:`Timeline` keeps as forward and backward tables so that
trying a change on one day costs only that day and its two neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from roadshow.nights import TIGHT_DAY_MINUTES
from roadshow.objective import W_IDLE, W_LATE, W_NIGHT, W_TIGHT, W_TRAVEL
from roadshow.planner._context import FIXED, Context

_UNKNOWN = -1
"""A route cost not worked out yet (costs are never negative; None is impossible)."""

State = tuple[str, int]
"""(place slept, nights away in a row)."""
Table = dict[State, int]
Routes = dict[tuple[str, str], int | None]
"""A day's route costs by (place slept before, place slept after); None: impossible."""

_MEMO_SIZE = 1024
"""Days' route caches a timeline keeps (by day and items) before starting afresh.

On synthetic-5000, 1,024 leave 250,439 route_day calls (4,096: 226,733; none
kept: 646,138) and, unlike 4,096, do not nearly double synthetic-20000's peak
memory.
"""


class Item(NamedTuple):
    """A person's time at one venue on one day (gaps included)."""

    start: int
    end: int
    venue: str
    group: int
    finish: int
    """When the person's last session here ends (``end`` less the gap after it)."""
    lead: int = 0
    """A journey here arrives this many minutes before ``start`` (arrive_before)."""


class Leg(NamedTuple):
    """A journey with its chosen departure and arrival (epoch minutes)."""

    from_id: str
    to_id: str
    depart: int
    arrive: int


def commitment_items(ctx: Context, person_id: str, day: int) -> tuple[Item, ...]:
    """The person's diary commitments on *day*, as items the day is routed through.

    A commitment's finish is 0: it never makes a late finish by itself (the
    objective counts events and journeys), only the journey home after it does.
    """
    key = (person_id, day)
    found = ctx.memo_commitment_items.get(key)
    if found is None:
        found = ctx.memo_commitment_items[key] = tuple(
            Item(start, end, venue, FIXED, 0)
            for start, end, venue in ctx.fixed.get(person_id, {}).get(day, ())
        )
    return found


def route_day(  # noqa: C901, PLR0911, PLR0912, PLR0915, PLR0917 - the hot path, kept flat
    ctx: Context,
    person_id: str,
    day: int,
    start_at: str,
    items: Sequence[Item],
    end_at: str,
    legs: list[Leg] | None = None,
) -> int | None:
    """Route one day from *start_at* through *items* to *end_at*; return its cost.

    The cost is travel minutes times their weight, plus the late-finish weight if
    the day ends after the person's late time; None when the day is impossible.
    Legs stay inside travel hours and around commitments: the first leaves as late
    as it can, the others as early as they can. Chosen legs are appended to *legs*.
    """
    person = ctx.people[person_id]
    t_start, t_end = person.travel_start[day], person.travel_end[day]
    table = ctx.minutes_table(person_id)  # looked up first: most journeys are known
    travel = 0
    tight = 0
    if items:
        first = items[0]
        if start_at != first.venue:
            minutes = table.get((start_at, first.venue))
            if minutes is None:
                minutes = ctx.minutes(person_id, start_at, first.venue)
            depart = person.latest_departure(t_start, first.start - first.lead, minutes)
            if depart is None:
                return None
            travel += minutes
            if legs is not None:
                legs.append(Leg(start_at, first.venue, depart, depart + minutes))
        previous = first
        for item in items[1:]:
            if item.start < previous.end:
                return None
            spare = item.start - previous.end
            if previous.venue != item.venue:
                minutes = table.get((previous.venue, item.venue))
                if minutes is None:
                    minutes = ctx.minutes(person_id, previous.venue, item.venue)
                spare -= minutes
                depart = person.earliest_departure(
                    max(previous.end, t_start),
                    min(item.start - item.lead, t_end),
                    minutes,
                )
                if depart is None:
                    return None
                travel += minutes
                if legs is not None:
                    legs.append(
                        Leg(previous.venue, item.venue, depart, depart + minutes)
                    )
            if spare < TIGHT_DAY_MINUTES:
                tight = W_TIGHT
            previous = item
        end = (
            previous.finish
            if previous.group != FIXED
            else max(item.finish for item in items)
        )
        if end_at != previous.venue:
            minutes = table.get((previous.venue, end_at))
            if minutes is None:
                minutes = ctx.minutes(person_id, previous.venue, end_at)
            depart = person.earliest_departure(previous.end, t_end, minutes)
            if depart is None:
                return None
            travel += minutes
            end = depart + minutes
            if legs is not None:
                legs.append(Leg(previous.venue, end_at, depart, end))
    elif start_at != end_at:
        minutes = table.get((start_at, end_at))
        if minutes is None:
            minutes = ctx.minutes(person_id, start_at, end_at)
        depart = person.earliest_departure(t_start, t_end, minutes)
        if depart is None:
            return None
        travel = minutes
        end = depart + minutes
        if legs is not None:
            legs.append(Leg(start_at, end_at, depart, end))
    else:
        return 0
    return travel * W_TRAVEL + (W_LATE if end > person.late[day] else 0) + tight


def night_options(
    ctx: Context,
    person_id: str,
    today: Sequence[Item],
    tomorrow: Sequence[Item],
    day: int | None = None,
) -> tuple[str, ...]:
    """Places a night may be spent: home, near today's last or tomorrow's first venue.

    Near a venue is at the best lodging near it (:meth:`Context.night_place`);
    with lodging, the one near tomorrow's first venue comes first, so it wins a
    tie. A venue too close to home for a stay (``min_stay_km``) is no option,
    and with *day* (the day before the night) neither is any night away that
    :func:`night_needed` does not allow.
    """
    options = [ctx.home[person_id]]
    if day is not None and not night_needed(ctx, person_id, day, today, tomorrow):
        return tuple(options)
    ends = ((today, -1), (tomorrow, 0))
    for items, index in ends[::-1] if ctx.scenario.lodging else ends:
        if items:
            place = ctx.night_place(person_id, items[index].venue)
            if place is not None and place not in options:
                options.append(place)
    return tuple(options)


def night_needed(
    ctx: Context,
    person_id: str,
    day: int,
    today: Sequence[Item],
    tomorrow: Sequence[Item],
) -> bool:
    """Tell whether a night away after *day* may be spent (``min_night_saving``).

    It may when going home and back costs at least ``min_night_saving`` more
    travel than going on from today's last place to tomorrow's first, or when
    going home would mean a late finish tonight (home after ``late_after``) or an
    early start tomorrow (leaving home before working hours), or cannot be done
    within travel hours. The checker reads the same rule from a plan
    (:mod:`roadshow.nights`). Only today's last item and tomorrow's first count,
    so the answer is kept by them.
    """
    key = (
        person_id,
        day,
        today[-1] if today else None,
        tomorrow[0] if tomorrow else None,
    )
    found = ctx.memo_night_needed.get(key)
    if found is None:
        found = ctx.memo_night_needed[key] = _night_needed(ctx, *key)
    return found


def _night_needed(
    ctx: Context, person_id: str, day: int, last: Item | None, first: Item | None
) -> bool:
    person = ctx.people[person_id]
    home = ctx.home[person_id]
    if last is not None and first is not None:
        saving = (
            ctx.minutes(person_id, last.venue, home)
            + ctx.minutes(person_id, home, first.venue)
            - ctx.minutes(person_id, last.venue, first.venue)
        )
        if saving >= ctx.scenario.rules.min_night_saving_minutes:
            return True
    if last is not None and last.venue != home:
        minutes = ctx.minutes(person_id, last.venue, home)
        depart = person.earliest_departure(last.end, person.travel_end[day], minutes)
        if depart is None or depart + minutes > person.late[day]:
            return True
    if first is not None and first.venue != home and day + 1 < len(ctx.days):
        minutes = ctx.minutes(person_id, home, first.venue)
        depart = person.latest_departure(
            person.travel_start[day + 1], first.start - first.lead, minutes
        )
        if depart is None or depart < person.work_start[day + 1]:
            return True
    return False


class Saved(NamedTuple):
    """A timeline's state, captured before a tentative change."""

    items: dict[int, list[Item]]
    forward: list[Table]
    backward: list[Table]
    anchor_cost: list[int]
    cost: int
    routes: dict[int, Routes]


class Timeline:
    """One person's items per day and the cheapest way through them.

    Nights with no item on either side are spent at home: they are *anchors* that
    cut the window into independent segments. ``forward[k]`` holds, per state at
    night ``k - 1``, the cheapest cost since the last anchor; ``backward[k]`` the
    cheapest cost from a state at night ``k - 1`` to the next anchor. A change on
    one day then re-costs that day and its neighbours (a trial) or re-propagates
    only up to the nearest anchors (a commit).
    """

    def __init__(self, ctx: Context, person_id: str) -> None:
        self.ctx = ctx
        self.person_id = person_id
        self.home = ctx.home[person_id]
        self.days = len(ctx.days)
        self.items: dict[int, list[Item]] = {}
        self._reset: Table = {(self.home, 0): 0}
        self.forward: list[Table] = [self._reset] * (self.days + 1)
        self.backward: list[Table] = [self._reset] * (self.days + 1)
        self.anchor_cost = [0] * self.days
        """Per anchor night: the cost of the segment that ends there."""
        self.cost = 0
        """The person's routing cost over the whole window."""
        self._routes: dict[int, Routes] = {}
        self._memo: dict[tuple[int, tuple[Item, ...]], Routes] = {}
        self._tried: dict[tuple[int, tuple[Item, ...]], tuple[int, list[Table]]] = {}
        """Trials since the last change, by day and items: their first day and
        forward tables, which a commit of the same items takes over."""
        """Route costs by day and items: pure, so kept across changes (bounded)."""
        self._night_options: dict[int, tuple[str, ...]] = {}
        self._options_by_ends: dict[
            tuple[int, Item | None, Item | None], tuple[str, ...]
        ] = {}
        for day in sorted(ctx.fixed.get(person_id, {})):
            items = list(commitment_items(ctx, person_id, day))
            # A commitment nobody can reach stays busy time only (the checker says so).
            if self.trial(day, items) is not None:
                self.commit(day, items)

    def day_items(self, day: int) -> list[Item]:
        """The items on *day* (empty when none)."""
        return self.items.get(day, [])

    def is_anchor(self, night: int) -> bool:
        """Tell whether night *night* (after that day) is certainly spent at home."""
        return (
            night < 0
            or night >= self.days - 1
            or (night not in self.items and night + 1 not in self.items)
        )

    def _options(
        self, night: int, items_of: dict[int, Sequence[Item]]
    ) -> tuple[str, ...]:
        if night >= self.days - 1:
            return (self.home,)
        changed = bool(items_of) and (night in items_of or night + 1 in items_of)
        if not changed:
            found = self._night_options.get(night)
            if found is not None:
                return found
        held = self.items
        today = items_of.get(night)
        if today is None:
            today = held.get(night, ())
        tomorrow = items_of.get(night + 1)
        if tomorrow is None:
            tomorrow = held.get(night + 1, ())
        # The options read only today's last and tomorrow's first item: trials
        # that change the middle of a day, and undone changes, find them here.
        key = (night, today[-1] if today else None, tomorrow[0] if tomorrow else None)
        found = self._options_by_ends.get(key)
        if found is None:
            found = night_options(self.ctx, self.person_id, today, tomorrow, night)
            self._options_by_ends[key] = found
        if not changed:
            self._night_options[night] = found
        return found

    def _route(
        self, day: int, start_at: str, end_at: str, items_of: dict[int, Sequence[Item]]
    ) -> int | None:
        items, cache = self._day_routes(day, items_of)
        key = (start_at, end_at)
        if key not in cache:
            cache[key] = self._cost(day, start_at, items, end_at)
        return cache[key]

    def _day_routes(
        self, day: int, items_of: dict[int, Sequence[Item]]
    ) -> tuple[Sequence[Item], Routes]:
        """The day's items and its cache of route costs by (start, end) place.

        A trial's items get the cache of the same items on that day: the
        search tries them again and again (and places them), so their routes
        are worked out once.
        """
        items = items_of.get(day)
        if items is not None:
            return items, self._memo_for(day, items)
        cache = self._routes.get(day)
        if cache is None:
            cache = self._routes[day] = self._memo_for(day, self.items.get(day, ()))
        return self.items.get(day, ()), cache

    def _memo_for(self, day: int, items: Sequence[Item]) -> Routes:
        """The cache of route costs of *items* on *day* (a route cost is pure)."""
        key = (day, tuple(items))
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()  # bounds memory; the costs are worked out again
            found = self._memo[key] = {}
        return found

    def _cost(
        self, day: int, start_at: str, items: Sequence[Item], end_at: str
    ) -> int | None:
        """A day's route cost, plus the idle weight for an empty day away."""
        cost = route_day(self.ctx, self.person_id, day, start_at, items, end_at)
        if cost is None or items or self.home in (start_at, end_at):
            return cost
        return cost + W_IDLE if self.ctx.scenario.rules.avoid_idle_days else cost

    def _step(  # noqa: C901, PLR0912 - the hot path, kept flat
        self, day: int, states: Table, items_of: dict[int, Sequence[Item]]
    ) -> Table:
        """Advance a table of states at night ``day - 1`` through *day*."""
        # The hot path: _options' and _day_routes' common cases, inlined.
        if items_of and (day in items_of or day + 1 in items_of):
            options = self._options(day, items_of)
        else:
            options = self._night_options.get(day) or self._options(day, items_of)
        items = items_of.get(day) if items_of else None
        if items is None:
            items = self.items.get(day, ())
            routes = self._routes.get(day)
            if routes is None:
                routes = self._routes[day] = self._memo_for(day, items)
        else:
            routes = self._memo_for(day, items)
        max_away, home = self.ctx.max_away, self.home
        out: Table = {}
        get_route, get_best = routes.get, out.get
        for (slept, away), cost in states.items():
            for place in options:
                if place == home:
                    state, total = (home, 0), cost
                else:
                    if away >= max_away:
                        continue
                    state, total = (place, away + 1), cost + W_NIGHT
                key = (slept, place)
                route = get_route(key, _UNKNOWN)
                if route == _UNKNOWN:
                    route = routes[key] = self._cost(day, slept, items, place)
                if route is None:
                    continue
                total += route
                best = get_best(state)
                if best is None or total < best:
                    out[state] = total
        return out

    def _step_back(self, day: int, after: Table) -> Table:
        """Cost from a state at night ``day - 1`` through *day* to the next anchor."""
        options = self._options(day, {})
        items, routes = self._day_routes(day, {})
        max_away, home = self.ctx.max_away, self.home
        starts = [(home, 0)]
        if day > 0:
            away_places = [p for p in self._options(day - 1, {}) if p != home]
            starts += [(p, n) for p in away_places for n in range(1, max_away + 1)]
        out: Table = {}
        for slept, away in starts:
            best = None
            for place in options:
                if place == home:
                    rest, night = after.get((home, 0)), 0
                else:
                    rest, night = after.get((place, away + 1)), W_NIGHT
                if rest is None:
                    continue
                key = (slept, place)
                route = routes.get(key, _UNKNOWN)
                if route == _UNKNOWN:
                    route = routes[key] = self._cost(day, slept, items, place)
                if route is None:
                    continue
                total = route + night + rest
                if best is None or total < best:
                    best = total
            if best is not None:
                out[(slept, away)] = best
        return out

    def trial(self, day: int, items: Sequence[Item]) -> int | None:
        """Return the cost change if *day* held *items* instead (None: infeasible)."""
        changed = {day: items}
        old = self.items.get(day, ())
        lo, hi = day, day
        if day > 0 and self._night_moves(
            day - 1, old[0] if old else None, items[0] if items else None, changed
        ):
            lo = day - 1
        if day < self.days - 1 and self._night_moves(
            day, old[-1] if old else None, items[-1] if items else None, changed
        ):
            hi = day + 1
        states = self.forward[lo]
        tables = []
        for d in range(lo, hi + 1):
            states = self._step(d, states, changed)
            if not states:
                return None
            tables.append(states)
        self._tried[(day, tuple(items))] = (lo, tables)
        if self.is_anchor(hi):
            new = states.get((self.home, 0))
        else:
            after = self.backward[hi + 1]
            new = min(
                (c + after[s] for s, c in states.items() if s in after), default=None
            )
        if new is None:
            return None
        # The nearest anchors around (is_anchor, inlined: segments can be long).
        days, held = self.days, self.items
        first = lo - 1
        while 0 <= first < days - 1 and (first in held or first + 1 in held):
            first -= 1
        last = hi
        while 0 <= last < days - 1 and (last in held or last + 1 in held):
            last += 1
        return new - sum(self.anchor_cost[max(first + 1, 0) : last + 1])

    def _night_moves(
        self,
        night: int,
        old: Item | None,
        new: Item | None,
        changed: dict[int, Sequence[Item]],
    ) -> bool:
        """Tell whether *night* may be spent somewhere new when *old* becomes *new*.

        A neighbouring day needs re-routing only then: the item next to the
        night is at another venue, or at the same venue at other times that
        change which nights are allowed (an early start or a late finish is a
        reason for a night away).
        """
        if old == new:
            return False
        if old is None or new is None or old.venue != new.venue:
            return True
        return self._options(night, {}) != self._options(night, changed)

    def commit(self, day: int, items: list[Item]) -> None:
        """Set *day*'s items and update the tables (the change must be feasible)."""
        old = self.items.get(day, ())
        # The night before the day reads only its first item, the night after
        # only its last: a night whose items stay leaves the tables beyond it.
        same_first = (old[0] if old else None) == (items[0] if items else None)
        same_last = (old[-1] if old else None) == (items[-1] if items else None)
        if items:
            self.items[day] = items
        else:
            self.items.pop(day, None)
        self._routes.pop(day, None)
        self._night_options.pop(day - 1, None)
        self._night_options.pop(day, None)
        lo = day if same_first else max(day - 1, 0)
        hi = day if same_last else min(day + 1, self.days - 1)
        # A trial of these items since the last change stepped the same days
        # from the same tables: its tables are the first ones here, up to the
        # first anchor (where the commit starts afresh and the trial did not).
        tried_lo, tried = self._tried.get((day, tuple(items)), (0, []))
        self._tried.clear()
        for d in range(lo, self.days):
            if tried_lo <= d < tried_lo + len(tried):
                out = tried[d - tried_lo]
            else:
                out = self._step(d, self.forward[d], {})
            if self.is_anchor(d):
                tried = []
                self._set_anchor_cost(d, out[(self.home, 0)])
                self.forward[d + 1] = self._reset
                if d >= hi:
                    break  # tables after an anchor do not depend on what came before
                continue
            self._set_anchor_cost(d, 0)
            # Past hi, days and nights are as before: a table that comes out as
            # before plus a constant (often 0) moves every later table of the
            # segment, and the cost at its anchor, by that constant.
            shift = _shift(out, self.forward[d + 1]) if d >= hi else None
            self.forward[d + 1] = out
            if shift is not None:
                self._shift_forward(d + 1, shift)
                break
        for d in range(hi, -1, -1):
            after = self._reset if self.is_anchor(d) else self.backward[d + 1]
            out = self._step_back(d, after)
            shift = _shift(out, self.backward[d]) if d <= lo else None
            self.backward[d] = out
            if d <= lo and self.is_anchor(d - 1):
                break
            if shift is not None:
                self._shift_backward(d - 1, shift)
                break

    def _shift_forward(self, day: int, shift: int) -> None:
        """``forward[day]`` moved by *shift*: move the segment's later tables too.

        And the cost at its anchor. A min-plus step of a table moved by a
        constant is the step of the table, moved by the same constant.
        """
        if not shift:
            return
        while not self.is_anchor(day):
            day += 1
            self.forward[day] = {s: c + shift for s, c in self.forward[day].items()}
        self._set_anchor_cost(day, self.anchor_cost[day] + shift)

    def _shift_backward(self, day: int, shift: int) -> None:
        """``backward[day + 1]`` moved by *shift*: move the segment's earlier tables."""
        if not shift:
            return
        while True:
            self.backward[day] = {s: c + shift for s, c in self.backward[day].items()}
            if self.is_anchor(day - 1):
                return
            day -= 1

    def snapshot(self) -> Saved:
        """Capture the timeline so that :meth:`restore` can undo later commits."""
        return Saved(
            dict(self.items),
            list(self.forward),
            list(self.backward),
            list(self.anchor_cost),
            self.cost,
            dict(self._routes),
        )

    def restore(self, saved: Saved) -> None:
        """Return to a state captured by :meth:`snapshot`."""
        self.items = dict(saved.items)
        self.forward, self.backward = list(saved.forward), list(saved.backward)
        self.anchor_cost = list(saved.anchor_cost)
        self.cost = saved.cost
        self._routes = dict(saved.routes)
        self._tried.clear()
        self._night_options.clear()

    def _set_anchor_cost(self, night: int, cost: int) -> None:
        self.cost += cost - self.anchor_cost[night]
        self.anchor_cost[night] = cost

    def routes(self) -> list[tuple[int, list[Leg], str]]:
        """Return each day with travel or a night away: its legs and night's place."""
        empty: dict[int, Sequence[Item]] = {}
        # One forward pass with back-pointers over the whole window.
        tables: list[dict[State, tuple[int, State]]] = []
        states: Table = {(self.home, 0): 0}
        for day in range(self.days):
            choices: dict[State, tuple[int, State]] = {}
            for state, cost in sorted(states.items()):
                for place in self._options(day, empty):
                    in_row = 0 if place == self.home else state[1] + 1
                    if in_row > self.ctx.max_away:
                        continue
                    route = self._route(day, state[0], place, empty)
                    if route is None:
                        continue
                    total = cost + route + (0 if in_row == 0 else W_NIGHT)
                    if (place, in_row) not in choices or total < choices[
                        (place, in_row)
                    ][0]:
                        choices[(place, in_row)] = (total, state)
            tables.append(choices)
            states = {s: c for s, (c, _) in choices.items()}
        places = [self.home] * (self.days + 1)
        state = (self.home, 0)
        for day in range(self.days - 1, -1, -1):
            places[day + 1] = state[0]
            state = tables[day][state][1]
        out = []
        for day in range(self.days):
            legs: list[Leg] = []
            route_day(
                self.ctx,
                self.person_id,
                day,
                places[day],
                self.items.get(day, ()),
                places[day + 1],
                legs,
            )
            if legs or places[day + 1] != self.home:
                out.append((day, legs, places[day + 1]))
        return out


def _shift(new: Table, old: Table) -> int | None:
    """The constant *c* with ``new == old + c`` state by state, or None if none is."""
    if len(new) != len(old):
        return None
    shift = 0
    for k, (state, cost) in enumerate(new.items()):
        before = old.get(state)
        if before is None:
            return None
        if k == 0:
            shift = cost - before
        elif cost - before != shift:
            return None
    return shift
