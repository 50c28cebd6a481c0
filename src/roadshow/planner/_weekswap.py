"""Which visits share a week: visits moved between weeks, each week cut exactly.

The day search moves visits between days next to their nearest visits, and a
visit changes week only when a day of the other week takes it there and then.
Here the question is asked of whole weeks (*blocks*: the days between two days
off): a visit moves to the week of one of its nearest visits, or trades places
with one of them, and both weeks are toured afresh (a short closed tour from
home, by 2-opt and Or-opt from the order they had) and cut into their days
exactly (:func:`roadshow.planner._split.split_runs`). So a week holds what its
days can really hold, not a count of visits. A move is kept only when the two
weeks cost less than before (the objective's order: visits left out, travel,
nights, late finishes); each week's cost is remembered by its visits. A move
whose tour (removal plus cheapest insertion) gains less than :data:`SLACK`
minutes is not cut at all: the split rarely saves where the tour does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from roadshow.objective import W_UNPLACED
from roadshow.planner._split import split_runs
from roadshow.planner._trips import DayPlan, Days

NEAR = 10
"""A visit may go to the week of one of this many nearest visits, or swap with one."""
SLACK = 20
"""A move is cut only when its tours grow by less than this (minutes there and back)."""


class Weeks:
    """Each block's visits in tour order, with the cost of its days as cut."""

    def __init__(self, plan: DayPlan) -> None:
        self.plan = plan
        timer = plan.timer
        self.home = timer.home
        self.seq = [[v for d in block for v in plan.plan[d]] for block in plan.blocks]
        self.week = {v: b for b, seq in enumerate(self.seq) for v in seq}
        self.cost = list(plan.block_cost)
        self.days: list[Days | None] = [None] * len(self.seq)
        self._known: dict[tuple[int, frozenset[int]], tuple[int, Days, list[int]]] = {}
        self._legs: dict[tuple[str, str], int] = {}

    def leg(self, a: str, b: str) -> int:
        """Minutes from *a* to *b* and back (0 at one place): tours are symmetric."""
        if a == b:
            return 0
        key = (a, b) if a < b else (b, a)
        found = self._legs.get(key)
        if found is None:
            minutes = self.plan.timer.minutes
            found = self._legs[key] = minutes(a, b) + minutes(b, a)
        return found

    def _stops(self, seq: Sequence[int]) -> list[str]:
        venues = self.plan.timer.venues
        return [self.home, *(venues[v] for v in seq), self.home]

    def insert(self, seq: list[int], v: int) -> tuple[int, list[int]]:
        """*seq* with *v* where it adds least to the tour, and what it adds."""
        stops, here = self._stops(seq), self.plan.timer.venues[v]
        leg = self.leg
        added, k = min(
            (
                leg(stops[k], here)
                + leg(here, stops[k + 1])
                - leg(stops[k], stops[k + 1]),
                k,
            )
            for k in range(len(stops) - 1)
        )
        return added, [*seq[:k], v, *seq[k:]]

    def remove(self, seq: list[int], v: int) -> tuple[int, list[int]]:
        """*seq* without *v*, and what that takes off the tour (a gain is negative)."""
        stops, k = self._stops(seq), seq.index(v)
        leg = self.leg
        saved = leg(stops[k], stops[k + 2]) - leg(stops[k], stops[k + 1])
        return saved - leg(stops[k + 1], stops[k + 2]), [*seq[:k], *seq[k + 1 :]]

    def cut(self, b: int, seq: list[int]) -> tuple[int, Days, list[int]]:
        """Block *b* holding *seq*'s visits: its cost, its days, its tour (cached)."""
        key = (b, frozenset(seq))
        found = self._known.get(key)
        if found is None:
            # One way round only: the other way cut the same weeks on
            # pct-tour at twice the time (its nights rarely differ).
            plan = self.plan
            order = self._improve(seq)
            block = plan.blocks[b]
            runs = split_runs(plan.timer, order, block)
            days = {d: runs.get(d, ()) for d in block}
            left = len(order) - sum(map(len, days.values()))
            cost = plan.block_days_cost(b, days) + left * W_UNPLACED
            found = self._known[key] = (cost, days, order)
        return found

    def _improve(self, seq: list[int]) -> list[int]:
        """*seq* shortened by 2-opt and moves of one visit, until neither helps."""
        stops = self._stops(seq)[:-1]
        d = [[self.leg(a, b) for b in stops] for a in stops]
        order = list(range(len(stops)))  # home stays first
        while _two_opt(order, d) or _move_one(order, d):
            pass
        return [seq[k - 1] for k in order[1:]]

    def try_visit(self, v: int) -> bool:
        """Make the best saving move of *v* to another week, or swap; say if any."""
        plan, a = self.plan, self.week[v]
        gone, rest_a = self.remove(self.seq[a], v)
        best: tuple[int, int, list[int], list[int]] | None = None
        for u in plan.near[v][:NEAR]:
            b = self.week.get(u, a)
            if b == a:
                continue
            options = []
            added, into_b = self.insert(self.seq[b], v)
            if gone + added < SLACK:
                options.append((rest_a, into_b))
            out_u, rest_b = self.remove(self.seq[b], u)
            added_u, into_a = self.insert(rest_a, u)
            added_v, with_v = self.insert(rest_b, v)
            if gone + out_u + added_u + added_v < SLACK:
                options.append((into_a, with_v))
            before = self.cost[a] + self.cost[b]
            for new_a, new_b in options:
                change = self.cut(a, new_a)[0] + self.cut(b, new_b)[0] - before
                if change < 0 and (best is None or change < best[0]):
                    best = (change, b, new_a, new_b)
        if best is None:
            return False
        _, b, new_a, new_b = best
        for w, seq in ((a, new_a), (b, new_b)):
            cost, days, order = self.cut(w, seq)
            self.cost[w], self.days[w], self.seq[w] = cost, days, order
            self.week.update(dict.fromkeys(order, w))
        return True


def reassign(plan: DayPlan) -> list[int]:
    """Move and swap visits between *plan*'s weeks while that saves (see the module).

    Passes over the visits in order until one moves none; then the weeks that
    changed get their new days, if the whole plan costs less (it must: each
    move saved). Returns the visits of the days changed.
    """
    weeks = Weeks(plan)
    moved = True
    while moved:
        moved = False
        for v in sorted(weeks.week):
            moved = weeks.try_visit(v) or moved
    changes: Days = {}
    for days in weeks.days:
        if days is not None:
            changes.update(days)
    if not changes or plan.delta(changes) >= 0:
        return []
    plan.apply(changes)
    return sorted(v for visits in changes.values() for v in visits)


def _two_opt(order: list[int], d: list[list[int]]) -> bool:
    """Reverse the first stretch whose reversal shortens the closed tour; say if any."""
    n = len(order)
    for i in range(n - 1):
        a, b = order[i], order[i + 1]
        for j in range(i + 2, n):
            c, e = order[j], order[(j + 1) % n]
            if d[a][b] + d[c][e] > d[a][c] + d[b][e]:
                order[i + 1 : j + 1] = order[i + 1 : j + 1][::-1]
                return True
    return False


def _move_one(order: list[int], d: list[list[int]]) -> bool:
    """Move the first stop (not home) whose move elsewhere shortens the tour."""
    n = len(order)
    for i in range(1, n):
        p, x, q = order[i - 1], order[i], order[(i + 1) % n]
        gain = d[p][x] + d[x][q] - d[p][q]
        rest = order[:i] + order[i + 1 :]
        for k in range(n - 1):
            s, t = rest[k], rest[(k + 1) % (n - 1)]
            if (s, t) != (p, q) and d[s][x] + d[x][t] - d[s][t] < gain:
                order[:] = [*rest[: k + 1], x, *rest[k + 1 :]]
                return True
    return False
