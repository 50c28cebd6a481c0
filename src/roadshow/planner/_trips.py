"""Route-level local search over one person's days: visits moved between days.

For a person whose many visits share one window (a routing-shaped programme),
the days are searched as a vehicle-routing solver searches routes: each day is
an ordered list of visits, and the days between two days off (a week) form a
*block* whose cost is the cheapest choice of nights (home, or near the day's
last venue; at most ``max_nights_away_in_row`` away, each allowed by
``min_night_saving``), scored in the objective's order: visits left out, travel,
nights away, late finishes. Moves (granular: only next to a visit's nearest
visits) are relocate, exchange and 2-opt* between days, and exchanging whole
days; when none improves, ruin-and-recreate removes a cluster of nearby visits
and re-inserts them cheapest first, kept only if the plan got better. A seeded
generator and an iteration count (never the clock) make it repeatable.

The result is a proposal: :func:`roadshow.planner._routes.seed_days` places it
in the real :class:`~roadshow.planner._schedule.Schedule`, which judges it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from roadshow.objective import W_LATE, W_NIGHT, W_TRAVEL, W_UNPLACED
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import night_needed
from roadshow.planner._split import DayTimer, split

NEAR = 10
"""Moves put a visit next to one of this many nearest visits."""
RUINS = 150
"""Ruin-and-recreate rounds once the moves are stuck."""
SEED = 17
"""The generator's seed: the same proposal on every run."""
_INFEASIBLE = W_UNPLACED * 10**6

Days = dict[int, tuple[int, ...]]


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
        self._days: dict[object, list[tuple[str, int]]] = {}
        self.block_cost = [self._block(b, self.plan) for b in range(len(self.blocks))]
        self.near = self._nearest(groups)

    # --- cost -------------------------------------------------------------------

    @property
    def cost(self) -> int:
        """Blocks' costs plus the weight of each visit left out."""
        left = sum(1 for w in self.where if w is None)
        return sum(self.block_cost) + left * W_UNPLACED

    def _block(self, b: int, plan: Days) -> int:
        """The cheapest choice of nights through block *b* (huge when none works)."""
        block = self.blocks[b]
        key = (b, tuple(plan[d] for d in block))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._nights(block, plan)
        return found

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
            self.timer.shape(day)[1],
            place,
            visits,
            self.timer.shape(day + 1)[1] if may_stay else None,
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
    ) -> list[tuple[str, int]]:
        timer = self.timer
        items = timer.items(day, place, visits)
        if items is None:
            return []
        moved = timer.travel(place, visits)
        out = []
        home = timer.end(day, items, timer.home)
        if home is not None:
            out.append((timer.home, (moved + home[0]) * W_TRAVEL + home[1] * W_LATE))
        night = timer.nights[visits[-1]]
        if may_stay and night is not None:
            first = timer.items(day + 1, night, tomorrow[:1])
            if first is not None and night_needed(
                self.ctx, self.person_id, day, items, first
            ):
                stay = timer.end(day, items, night)
                if stay is not None:
                    cost = (moved + stay[0]) * W_TRAVEL + stay[1] * W_LATE + W_NIGHT
                    out.append((night, cost))
        return out

    def delta(self, changes: Days) -> int:
        """The cost change if the days in *changes* held those visits instead."""
        plan = {**self.plan, **changes}
        blocks = {self.block_of[d] for d in changes}
        before = sum(self.block_cost[b] for b in blocks)
        after = sum(self._block(b, plan) for b in blocks)
        left = sum(len(self.plan[d]) - len(v) for d, v in changes.items())
        return after - before + left * W_UNPLACED

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
            self.block_cost[b] = self._block(b, self.plan)

    # --- neighbourhoods ---------------------------------------------------------

    def _nearest(self, groups: Sequence[Group]) -> list[list[int]]:
        minutes, pid = self.ctx.minutes, self.person_id
        venues = self.timer.venues
        return [
            [
                u
                for _, u in sorted(
                    (
                        minutes(pid, venues[v], venues[u])
                        + minutes(pid, venues[u], venues[v]),
                        u,
                    )
                    for u in range(len(groups))
                    if u != v
                )[:NEAR]
            ]
            for v in range(len(groups))
        ]

    def without(self, v: int) -> Days:
        """The change that leaves *v* out (none if it is out already)."""
        day = self.where[v]
        if day is None:
            return {}
        return {day: tuple(u for u in self.plan[day] if u != v)}

    def insertions(self, v: int) -> list[Days]:
        """Days with *v* next to one of its nearest visits, or alone on an empty day."""
        base = self.without(v)
        out: list[Days] = []
        seen: set[tuple[int, int]] = set()
        for u in self.near[v]:
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

    def everywhere(self, v: int) -> list[Days]:
        """Days with *v* (left out now) put at every place of every day."""
        return [
            {day: (*visits[:pos], v, *visits[pos:])}
            for day, visits in self.plan.items()
            for pos in range(len(visits) + 1)
        ]

    def exchanges(self, v: int) -> list[Days]:
        """Swaps of *v* with a near visit on another day, and 2-opt* between the two."""
        dv = self.where[v]
        out: list[Days] = []
        if dv is None:
            return out
        a = self.plan[dv]
        i = a.index(v)
        for u in self.near[v]:
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


def descend(plan: DayPlan, todo: set[int] | None = None) -> None:
    """Apply improving moves until none is left.

    Only the visits in *todo* (all when None) are looked at, and then those on
    each day a move changed, until no visit is left to look at.
    """
    work = set(range(len(plan.where))) if todo is None else set(todo)
    days = set(plan.days) if todo is None else set()
    while work or days:
        for v in sorted(work):
            work.discard(v)
            for options in (plan.insertions, plan.exchanges):
                found = plan.best(options(v))
                if found is not None:
                    plan.apply(found[1])
                    for day, visits in found[1].items():
                        days.add(day)
                        work.update(visits)
        for d1 in sorted(days):
            days.discard(d1)
            if not plan.plan[d1]:
                continue
            found = plan.best(
                [
                    {d1: plan.plan[d2], d2: plan.plan[d1]}
                    for d2 in plan.days
                    if d2 != d1 and plan.plan[d2] != plan.plan[d1]
                ]
            )
            if found is not None:
                plan.apply(found[1])
                for visits in found[1].values():
                    work.update(visits)


def place_left(plan: DayPlan) -> None:
    """Put each visit left out at its cheapest place anywhere, if it has one.

    If it has none, it may take the place of a visit on the day of one of its
    nearest visits, when that one then finds a place anywhere (an ejection).
    """
    for v in range(len(plan.where)):
        if plan.where[v] is not None:
            continue
        found = plan.best(plan.everywhere(v))
        if found is not None:
            plan.apply(found[1])
            continue
        best: tuple[int, Days, Days] | None = None
        days = sorted({d for u in plan.near[v] if (d := plan.where[u]) is not None})
        for day in days:
            visits = plan.plan[day]
            for k, u in enumerate(visits):
                swap = {day: (*visits[:k], v, *visits[k + 1 :])}
                first = plan.delta(swap)
                if first >= W_UNPLACED:  # the day cannot take v instead of u
                    continue
                plan.apply(swap)
                then = plan.best(plan.everywhere(u))
                plan.apply({day: visits})
                if then is not None and (best is None or first + then[0] < best[0]):
                    best = (first + then[0], swap, then[1])
        if best is not None:
            plan.apply(best[1])
            plan.apply(best[2])


def search(plan: DayPlan, rounds: int = RUINS) -> None:
    """Ruin and recreate *rounds* times, keeping only improvements.

    Start from a plan that :func:`place_left` and :func:`descend` have been over.
    """
    rng = random.Random(SEED)  # noqa: S311 - a search, not a secret
    n = len(plan.where)
    for _ in range(rounds):
        saved = (dict(plan.plan), list(plan.where), list(plan.block_cost))
        before = plan.cost
        seed = rng.randrange(n)
        size = rng.randint(3, 2 * NEAR // 3)
        out = [seed, *plan.near[seed][:size]]
        touched = {d for v in out if (d := plan.where[v]) is not None}
        for v in out:
            plan.apply(plan.without(v))
        rng.shuffle(out)
        for v in out:
            found = plan.best(plan.insertions(v))
            if found is not None:
                plan.apply(found[1])
                touched.update(found[1])
        place_left(plan)
        descend(plan, {v for d in touched for v in plan.plan[d]} | set(out))
        if plan.cost >= before:
            plan.plan, plan.where, plan.block_cost = saved[0], saved[1], saved[2]


def propose(
    ctx: Context,
    person_id: str,
    tour_order: Sequence[Group],
    days: Sequence[int],
    rounds: int = RUINS,
) -> dict[int, list[tuple[Group, int]]]:
    """Days for *tour_order*'s visits: split the tour, then search (see the module).

    Returns each day's visits with their starts (epoch minutes), in order.
    """
    best: DayPlan | None = None
    for order in (list(tour_order), list(tour_order)[::-1]):
        runs = split(ctx, person_id, order, days)
        at = {g.index: k for k, g in enumerate(order)}
        plan = DayPlan(
            ctx,
            person_id,
            order,
            days,
            {d: tuple(at[g.index] for g in run) for d, run in runs.items()},
        )
        place_left(plan)
        descend(plan)
        if best is None or plan.cost < best.cost:
            best = plan
    if best is None:
        return {}
    search(best, rounds)
    groups = best.timer.groups
    return {
        day: [(groups[v], start) for v, start in visits]
        for day, visits in best.starts().items()
    }
