"""Route-level local search over one person's days: visits moved between days.

For a person whose many visits share one window (a routing-shaped programme),
the days are searched as a vehicle-routing solver searches routes: each day is
an ordered list of visits, and the days between two days off (a week) form a
*block* whose cost is the cheapest choice of nights (home, or near the day's
last venue; at most ``max_nights_away_in_row`` away, each allowed by
``min_night_saving``), scored in the objective's order: visits left out, travel,
nights away, late finishes. Moves (granular: only next to a visit's nearest
visits) are relocate, exchange and 2-opt* between days, and exchanging whole
days; with days full, exchanges look further than relocations, and the full
descents before and after the ruins further still. When none improves,
ruin-and-recreate removes a cluster of nearby visits (or two days) and
re-inserts them cheapest first, under threshold accepting, ending on the best
plan seen. A visit with no place gets one by reordering a
day, cutting a block anew, or an ejection chain; if it still has none, days may
warp time (a visit starting late, at a cost above any travel) while the search
makes room, and whatever still warps at the end is left out. A seeded generator
and round counts (never the clock) make it repeatable.

This module holds the days and their moves (:class:`DayPlan`); the search that
applies them, :func:`roadshow.planner._tripsearch.propose`, is the next module.
Its result is a proposal: :func:`roadshow.planner._routes.seed_days` places it
in the real :class:`~roadshow.planner._schedule.Schedule`, which judges it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from roadshow.objective import W_IDLE, W_LATE, W_NIGHT, W_TRAVEL, W_UNPLACED
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import night_needed
from roadshow.planner._split import DayTimer, split_runs

NEAR = 10
"""Moves put a visit next to one of this many nearest visits."""
EXCHANGE = 20
"""Exchanges (and 2-opt*) pair a visit with one of this many nearest visits:
with days full, an exchange is how a visit changes day, so it looks further."""
WIDE = 25
"""Full descents (before and after the ruins) look this far instead."""
MAX_REORDER = 5
"""A visit left out may reorder a day of fewer visits than this to get in."""
_INFEASIBLE = W_UNPLACED * 10**6
W_WARP = W_IDLE
"""A minute of time warp outweighs any travel; a visit left out outweighs both."""

Days = dict[int, tuple[int, ...]]
State = tuple[str, int]
"""(where the night before a day is spent, nights away in a row by then)."""


class DayPlan:
    """Visits (indices into *groups*) per day, with each block's cost."""

    def __init__(
        self,
        ctx: Context,
        person_id: str,
        groups: Sequence[Group],
        days: Sequence[int],
        plan: Days,
    ) -> None:
        self.ctx = ctx
        self.person_id = person_id
        self.timer = DayTimer(ctx, person_id, groups)
        self.days = list(days)
        self.blocks: list[list[int]] = []
        for day in self.days:
            if self.blocks and self.blocks[-1][-1] == day - 1:
                self.blocks[-1].append(day)
            else:
                self.blocks.append([day])
        self.block_of = {d: b for b, block in enumerate(self.blocks) for d in block}
        self.plan: Days = {d: tuple(plan.get(d, ())) for d in self.days}
        self.where: list[int | None] = [None] * len(groups)
        for day, visits in self.plan.items():
            for v in visits:
                self.where[v] = day
        self._cache: dict[tuple[int, tuple[tuple[int, ...], ...]], int] = {}
        self._kept: dict[int, list[dict[State, int]]] = {}
        self._rest: dict[tuple[int, int, State], int | None] = {}
        self._days: dict[object, tuple[tuple[str, int], ...]] = {}
        self._fit: dict[tuple[int, tuple[int, ...]], bool] = {}
        self._shape_no = {d: self.timer.shape(d)[1] for d in self.days}
        self.strict = True
        """False: a day may warp time, at a cost above travel (see DayTimer.timed)."""
        self.block_cost = [self._block(b, self.plan) for b in range(len(self.blocks))]
        self.near = self._nearest()

    # --- cost -------------------------------------------------------------------

    @property
    def cost(self) -> int:
        """Blocks' costs plus the weight of each visit left out."""
        left = sum(1 for w in self.where if w is None)
        return sum(self.block_cost) + left * W_UNPLACED

    def _block(self, b: int, plan: Days) -> int:
        """The cheapest choice of nights through block *b* (huge when none works).

        Only the changed days (and the day before, whose night depends on the
        next day's first visit) are routed again: the current plan's costs to
        reach each state before a day, and from it to the block's end, are kept
        (:meth:`_ahead`, :meth:`_behind`), as the planner's Timeline does.
        """
        block = self.blocks[b]
        key = (b, tuple(map(plan.__getitem__, block)))
        found = self._cache.get(key)
        if found is None:
            changed = [k for k, d in enumerate(block) if plan[d] != self.plan[d]]
            if not changed:
                found = self._nights(block, plan)
            elif self.strict and not all(self._fits(block[k], plan) for k in changed):
                found = _INFEASIBLE
            else:
                first, last = max(changed[0] - 1, 0), changed[-1]
                states = self._ahead(b)[first]
                for k in range(first, last + 1):
                    states = self._step(block, k, plan, states)
                costs = [
                    c + rest
                    for s, c in states.items()
                    if (rest := self._behind(b, last + 1, s)) is not None
                ]
                found = min(costs) if costs else _INFEASIBLE
            self._cache[key] = found
        return found

    def _fits(self, day: int, plan: Days) -> bool:
        """Tell whether *day*'s visits can be on time from anywhere (cached).

        Most moves a search tries put a visit into a full day; such a day is
        found out here at once. Starting at the first visit's venue is the
        earliest any start can be, and the times only grow from there.
        """
        visits = plan[day]
        if not visits:
            return True
        key = (self._shape_no[day], visits)
        found = self._fit.get(key)
        if found is None:
            timed = self.timer.timed(day, self.timer.venues[visits[0]], visits)
            found = self._fit[key] = timed is not None and not timed[1]
        return found

    def _step(
        self, block: list[int], k: int, plan: Days, states: dict[State, int]
    ) -> dict[State, int]:
        """The cheapest cost of each state after day *k* of *block*.

        :meth:`_day` inlined: this is the search's innermost loop.
        """
        day, home = block[k], self.timer.home
        visits = plan[day]
        out: dict[State, int] = {}
        if not visits:
            # A day away with nothing in it is no option.
            at_home = [cost for (_, away), cost in states.items() if away == 0]
            if at_home:
                out[(home, 0)] = min(at_home)
            return out
        tomorrow = plan[block[k + 1]] if k + 1 < len(block) else ()
        shape = self._shape_no[day]
        first = tomorrow[0] if tomorrow else None
        later = self._shape_no[day + 1] if tomorrow else None
        max_away, known = self.ctx.max_away, self._days
        for (place, away), cost in states.items():
            may_stay = first is not None and away < max_away
            key = (
                shape,
                place,
                visits,
                later if may_stay else None,
                first if may_stay else None,
            )
            found = known.get(key)
            if found is None:
                found = known[key] = self._ends(day, place, visits, tomorrow, may_stay)
            for p, extra in found:
                state = (home, 0) if p == home else (p, away + 1)
                total = cost + extra
                if total < out.get(state, total + 1):
                    out[state] = total
        return out

    def _forget(self, b: int) -> None:
        self._kept.pop(b, None)
        for key in [key for key in self._rest if key[0] == b]:
            del self._rest[key]

    def _ahead(self, b: int) -> list[dict[State, int]]:
        """For the current plan: the cost of each state before each day of *b*."""
        found = self._kept.get(b)
        if found is None:
            block, home = self.blocks[b], self.timer.home
            found = [{(home, 0): 0}]
            for k in range(len(block)):
                found.append(self._step(block, k, self.plan, found[-1]))
            self._kept[b] = found
        return found

    def _behind(self, b: int, k: int, state: State) -> int | None:
        """For the current plan: the cost from *state* before day *k* of *b* on."""
        block = self.blocks[b]
        if k == len(block):
            return 0 if state == (self.timer.home, 0) else None
        key = (b, k, state)
        if key not in self._rest:
            ends = self._step(block, k, self.plan, {state: 0})
            costs = [
                c + rest
                for s, c in ends.items()
                if (rest := self._behind(b, k + 1, s)) is not None
            ]
            self._rest[key] = min(costs) if costs else None
        return self._rest[key]

    def _nights(
        self, block: list[int], plan: Days, path: list[str] | None = None
    ) -> int:
        home = self.timer.home
        states: dict[tuple[str, int], int] = {(home, 0): 0}
        back: list[dict[tuple[str, int], tuple[str, int]]] = []
        for k, day in enumerate(block):
            visits = plan[day]
            tomorrow = plan[block[k + 1]] if k + 1 < len(block) else ()
            out: dict[tuple[str, int], int] = {}
            came: dict[tuple[str, int], tuple[str, int]] = {}
            for (place, away), cost in sorted(states.items()):
                if not visits:
                    if away == 0 and cost < out.get((home, 0), cost + 1):
                        # A day away with nothing in it is no option.
                        out[(home, 0)] = cost
                        came[(home, 0)] = (place, away)
                    continue
                for state, extra in self._day(day, place, away, visits, tomorrow):
                    total = cost + extra
                    if total < out.get(state, total + 1):
                        out[state] = total
                        came[state] = (place, away)
            states = out
            back.append(came)
        if (home, 0) not in states:
            return _INFEASIBLE
        if path is not None:
            state = (home, 0)
            for came in reversed(back):
                state = came[state]
                path.insert(0, state[0])
        return states[(home, 0)]

    def starts(self) -> dict[int, list[tuple[int, int]]]:
        """Each visit's day and start (epoch minutes) on the cheapest nights."""
        out: dict[int, list[tuple[int, int]]] = {}
        for block in self.blocks:
            path: list[str] = []
            if self._nights(block, self.plan, path) >= _INFEASIBLE:
                continue
            for day, place in zip(block, path, strict=True):
                visits = self.plan[day]
                items = self.timer.items(day, place, visits) if visits else None
                if items is None:
                    continue
                spans = [self.timer.groups[v].spans[self.person_id][0] for v in visits]
                out[day] = [
                    (v, item.start - before)
                    for v, item, before in zip(visits, items, spans, strict=True)
                ]
        return out

    def _day(
        self,
        day: int,
        place: str,
        away: int,
        visits: tuple[int, ...],
        tomorrow: tuple[int, ...],
    ) -> list[tuple[tuple[str, int], int]]:
        """Where a day from *place* may end, with what it costs (cached)."""
        may_stay = bool(tomorrow) and away < self.ctx.max_away
        key = (
            self._shape_no[day],
            place,
            visits,
            self._shape_no[day + 1] if may_stay else None,
            tomorrow[0] if may_stay else None,
        )
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = self._ends(day, place, visits, tomorrow, may_stay)
        return [((p, 0 if p == self.timer.home else away + 1), c) for p, c in found]

    def _ends(
        self,
        day: int,
        place: str,
        visits: tuple[int, ...],
        tomorrow: tuple[int, ...],
        may_stay: bool,  # noqa: FBT001 - internal
    ) -> tuple[tuple[str, int], ...]:
        timer = self.timer
        timed = timer.timed(day, place, visits)
        if timed is None or (timed[1] and self.strict):
            return ()
        items, warp = timed
        moved = timer.travel(place, visits) * W_TRAVEL + warp * W_WARP
        out: list[tuple[str, int]] = []
        home = timer.end(day, items, timer.home)
        if home is not None:
            out.append((timer.home, moved + home[0] * W_TRAVEL + home[1] * W_LATE))
        night = timer.nights[visits[-1]]
        if may_stay and night is not None:
            first = timer.items(day + 1, night, tomorrow[:1])
            if first is not None and night_needed(
                self.ctx, self.person_id, day, items, first
            ):
                stay = timer.end(day, items, night)
                if stay is not None:
                    cost = moved + stay[0] * W_TRAVEL + stay[1] * W_LATE + W_NIGHT
                    out.append((night, cost))
        # Tuples, not lists, in the caches: the cyclic collector stops
        # looking at a tuple of plain values, and the caches grow to millions.
        return tuple(out)

    def allow_warp(self, *, allow: bool) -> None:
        """Let days warp time (at a cost above travel), or no longer.

        Without: while a block cannot be done on time, its visit whose leaving
        out costs least goes; visits left out are then for :func:`place_left`.
        """
        self.strict = not allow
        self._cache.clear()
        self._days.clear()
        self._kept.clear()
        self._rest.clear()
        self.block_cost = [self._block(b, self.plan) for b in range(len(self.blocks))]
        for b, block in enumerate(self.blocks):
            while self.block_cost[b] >= _INFEASIBLE:
                options = [self.without(v) for d in block for v in self.plan[d]]
                self.apply(min(options, key=lambda c: (self.delta(c), sorted(c))))

    def snapshot(self) -> tuple[Days, list[int | None], list[int]]:
        """What :meth:`restore` needs to come back to this plan."""
        return dict(self.plan), list(self.where), list(self.block_cost)

    def restore(self, saved: tuple[Days, list[int | None], list[int]]) -> None:
        """Come back to a plan taken by :meth:`snapshot`."""
        self.plan, self.where, self.block_cost = (
            dict(saved[0]),
            list(saved[1]),
            list(saved[2]),
        )
        self._kept.clear()
        self._rest.clear()

    def block_days_cost(self, b: int, days: Days) -> int:
        """What block *b* would cost with *days* (all its days) instead."""
        return self._block(b, {**self.plan, **days})

    def delta(self, changes: Days) -> int:
        """The cost change if the days in *changes* held those visits instead."""
        # Plain loops: this runs for every move the search tries.
        plan = {**self.plan, **changes}
        change, left = 0, 0
        for b in {self.block_of[d] for d in changes}:
            change += self._block(b, plan) - self.block_cost[b]
        for d, visits in changes.items():
            left += len(self.plan[d]) - len(visits)
        return change + left * W_UNPLACED

    def apply(self, changes: Days) -> None:
        """Make *changes* (visits not in any changed day any more are left out)."""
        for day in changes:
            for v in self.plan[day]:
                self.where[v] = None
        self.plan.update(changes)
        for day, visits in changes.items():
            for v in visits:
                self.where[v] = day
        for b in {self.block_of[d] for d in changes}:
            self._forget(b)
            self.block_cost[b] = self._block(b, self.plan)

    # --- neighbourhoods ---------------------------------------------------------

    def _nearest(self) -> list[list[int]]:
        """Each visit's nearest visits by travel, among the nearest on the map.

        Travel is asked for only between near places: the map (latitude and a
        longitude scaled to it) picks three times as many candidates first.
        """
        minutes, pid = self.ctx.minutes, self.person_id
        venues = self.timer.venues
        spots = []
        for venue in venues:
            place = self.ctx.places[venue]
            spots.append((place.lat, place.lon * math.cos(math.radians(place.lat))))
        out = []
        for v, (y, x) in enumerate(spots):
            close = sorted(
                ((y - b) ** 2 + (x - a) ** 2, u)
                for u, (b, a) in enumerate(spots)
                if u != v
            )[: 3 * WIDE]
            out.append(
                [
                    u
                    for _, u in sorted(
                        (
                            minutes(pid, venues[v], venues[u])
                            + minutes(pid, venues[u], venues[v]),
                            u,
                        )
                        for _, u in close
                    )[:WIDE]
                ]
            )
        return out

    def without(self, v: int) -> Days:
        """The change that leaves *v* out (none if it is out already)."""
        day = self.where[v]
        if day is None:
            return {}
        return {day: tuple(u for u in self.plan[day] if u != v)}

    def insertions(self, v: int, width: int = NEAR) -> list[Days]:
        """Days with *v* next to one of its nearest visits, or alone on an empty day."""
        base = self.without(v)
        out: list[Days] = []
        seen: set[tuple[int, int]] = set()
        for u in self.near[v][:width]:
            day = self.where[u]
            if day is None:
                continue
            visits = base.get(day, self.plan[day])
            at = visits.index(u)
            for pos in (at, at + 1):
                if (day, pos) in seen:
                    continue
                seen.add((day, pos))
                out.append({**base, day: (*visits[:pos], v, *visits[pos:])})
        out.extend(
            {**base, day: (v,)}
            for day in self.days
            if not base.get(day, self.plan[day])
        )
        return out

    def resplit(self, b: int, v: int) -> Days | None:
        """Block *b*'s days cut anew (by the split) with *v* in their order.

        The block's visits, day after day, with *v* where it adds least travel,
        are cut into the block's days at the best places; None if the cut
        leaves a visit out.
        """
        minutes, pid, venues = self.ctx.minutes, self.person_id, self.timer.venues
        block = self.blocks[b]
        order = [u for d in block for u in self.plan[d]]
        stops = [self.timer.home, *(venues[u] for u in order), self.timer.home]
        here = venues[v]
        at = min(
            range(len(stops) - 1),
            key=lambda k: (
                minutes(pid, stops[k], here)
                + minutes(pid, here, stops[k + 1])
                - minutes(pid, stops[k], stops[k + 1]),
                k,
            ),
        )
        order.insert(at, v)
        runs = split_runs(self.timer, order, block)
        changes = {d: runs.get(d, ()) for d in block}
        if sum(len(c) for c in changes.values()) < len(order):
            return None
        return changes

    def everywhere(self, v: int) -> list[Days]:
        """Days with *v* (left out now) put at every place of every day."""
        return [
            {day: (*visits[:pos], v, *visits[pos:])}
            for day, visits in self.plan.items()
            for pos in range(len(visits) + 1)
        ]

    def exchanges(self, v: int, width: int = NEAR) -> list[Days]:
        """Swaps of *v* with a near visit on another day, and 2-opt* between the two."""
        dv = self.where[v]
        out: list[Days] = []
        if dv is None:
            return out
        a = self.plan[dv]
        i = a.index(v)
        for u in self.near[v][:width]:
            du = self.where[u]
            if du is None or du == dv:
                continue
            b = self.plan[du]
            j = b.index(u)
            out.append(
                {
                    dv: (*a[:i], u, *a[i + 1 :]),
                    du: (*b[:j], v, *b[j + 1 :]),
                }
            )
            # 2-opt*: v then u's tail on one day, u's head then v's tail on the other.
            out.append({dv: (*a[: i + 1], *b[j:]), du: (*b[:j], *a[i + 1 :])})
            out.append({dv: (*a[:i], *b[j + 1 :]), du: (*b[: j + 1], *a[i:])})
        return out

    def best(self, options: list[Days]) -> tuple[int, Days] | None:
        """The most improving of *options*, or None."""
        found: tuple[int, Days] | None = None
        for changes in options:
            d = self.delta(changes)
            if d < 0 and (found is None or d < found[0]):
                found = (d, changes)
        return found
