"""Which visits share a week, chosen first: one short closed tour from home per week.

Cutting one tour through all of a person's visits into days (the split) makes
weeks out of stretches of that tour, which run out from home and far along
before they turn back; moves of a few visits at a time then leave most of them
where they were. Routing solvers answer "which visits share a route" as a
vehicle-routing problem instead: here each *block* of days (a week: the days
between two days off) is a *petal*, a closed tour from home, holding at most
its share of the visits (in proportion to its days). The petals start as
sectors of a sweep around home and are improved by ruin and recreate (strings
of visits taken out of the petals of a visit's nearest visits, and put back
where each adds least to a petal with room) under threshold accepting, ending
on the shortest seen. Each petal is then cut into its block's days exactly
(:func:`roadshow.planner._split.split_runs`); a visit the cut cannot fit is
left for the day search, which starts from these days. A seeded generator and
a count of rounds (never the clock) make it repeatable.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from itertools import pairwise

from roadshow.objective import W_UNPLACED
from roadshow.planner._split import split_runs
from roadshow.planner._trips import DayPlan, Days

ROUNDS = 10_000
"""Ruin-and-recreate rounds over the petals."""
THRESHOLD = 30
"""Minutes (there and back) a round may add at first, falling to none by the last."""
STRINGS = 3
"""A ruin takes a string out of at most this many petals."""
MAX_STRING = 8
"""A string taken out is at most this many visits long."""
SEED = 17
"""The generator's seed: the same petals on every run."""


class Petals:
    """Closed tours from home, one per block, through visits ``0..n-1``.

    Args:
        home: Minutes from home to each visit and back.
        legs: Minutes from each visit to each other and back (symmetric).
        near: Each visit's nearest visits, nearest first.
        caps: How many visits each petal may hold (at least ``n`` in all).
    """

    def __init__(
        self,
        home: Sequence[int],
        legs: Sequence[Sequence[int]],
        near: Sequence[Sequence[int]],
        caps: Sequence[int],
    ) -> None:
        self.home = home
        self.legs = legs
        self.near = near
        self.caps = list(caps)
        self.routes: list[list[int]] = [[] for _ in caps]

    def length(self, route: Sequence[int]) -> int:
        """Minutes of the closed tour from home through *route*."""
        if not route:
            return 0
        legs = self.legs
        total = self.home[route[0]] + self.home[route[-1]]
        for a, b in pairwise(route):
            total += legs[a][b]
        return total

    def total(self) -> int:
        """Minutes of all the petals."""
        return sum(map(self.length, self.routes))

    def sweep(self, order: Sequence[int]) -> None:
        """Deal *order* (visits by angle around home) to the petals in turn.

        Each petal takes its share of the visits in proportion to its room.
        """
        room, taken, first = sum(self.caps), 0, 0
        for r, cap in enumerate(self.caps):
            taken += cap
            last = len(order) * taken // room
            self.routes[r] = self.two_opt(list(order[first:last]))
            first = last

    def two_opt(self, route: list[int]) -> list[int]:
        """*route* after 2-opt (reversing stretches of the tour) until none gains."""
        best = list(route)
        length = self.length(best)
        improved = True
        while improved:
            improved = False
            for i in range(len(best) - 1):
                for j in range(i + 1, len(best)):
                    new = [*best[:i], *best[i : j + 1][::-1], *best[j + 1 :]]
                    found = self.length(new)
                    if found < length:
                        best, length, improved = new, found, True
        return best

    def search(self, rounds: int, rng: random.Random) -> None:
        """Ruin and recreate *rounds* times (see the module); end on the best seen."""
        where = {v: r for r, route in enumerate(self.routes) for v in route}
        cost = [self.length(route) for route in self.routes]
        now = sum(cost)
        best = (now, [list(route) for route in self.routes])
        n = len(where)
        for k in range(rounds):
            threshold = THRESHOLD * (rounds - k) // rounds
            saved = [list(route) for route in self.routes], list(cost)
            out, touched = self._ruin(rng, where, n)
            self._recreate(out, rng, touched)
            for r in touched:
                cost[r] = self.length(self.routes[r])
            total = sum(cost)
            if total < now + threshold:
                now = total
                for r in touched:
                    where.update(dict.fromkeys(self.routes[r], r))
                if now < best[0]:
                    best = (now, [list(route) for route in self.routes])
            else:
                self.routes, cost = saved
        self.routes = [self.two_opt(route) for route in best[1]]

    def _ruin(
        self, rng: random.Random, where: dict[int, int], n: int
    ) -> tuple[list[int], set[int]]:
        """Strings of visits out of the petals of a visit and its nearest."""
        seed = rng.randrange(n)
        strings = rng.randint(1, STRINGS)
        out: list[int] = []
        touched: set[int] = set()
        for u in (seed, *self.near[seed]):
            r = where[u]
            if r in touched:
                continue
            touched.add(r)
            route = self.routes[r]
            size = rng.randint(1, min(len(route), MAX_STRING))
            at = route.index(u)
            first = max(0, min(at - rng.randint(0, size - 1), len(route) - size))
            out.extend(route[first : first + size])
            self.routes[r] = [*route[:first], *route[first + size :]]
            if len(touched) == strings:
                break
        return out, touched

    def _recreate(self, out: list[int], rng: random.Random, touched: set[int]) -> None:
        """Put each of *out* back where it adds least to a petal with room."""
        home, legs = self.home, self.legs
        pick = rng.random()
        # In a random order, farthest from home first, or nearest first.
        if pick < 0.4:  # noqa: PLR2004 - the shares of the three orders
            rng.shuffle(out)
        else:
            far = pick < 0.7  # noqa: PLR2004
            out.sort(key=lambda v: (-home[v] if far else home[v], v))
        for v in out:
            best: tuple[int, int, int] | None = None
            for r, route in enumerate(self.routes):
                if len(route) >= self.caps[r]:
                    continue
                if not route:
                    options = [(2 * home[v], 0)]
                else:
                    row = legs[v]
                    options = [(home[v] + row[route[0]] - home[route[0]], 0)]
                    options.extend(
                        (
                            row[route[k - 1]]
                            + row[route[k]]
                            - legs[route[k - 1]][route[k]],
                            k,
                        )
                        for k in range(1, len(route))
                    )
                    options.append(
                        (row[route[-1]] + home[v] - home[route[-1]], len(route))
                    )
                added, k = min(options)
                if best is None or (added, r, k) < best:
                    best = (added, r, k)
            if best is None:  # pragma: no cover - the ruin left room for each visit
                msg = "no petal has room"
                raise AssertionError(msg)
            _, r, k = best
            self.routes[r].insert(k, v)
            touched.add(r)


def petal_days(plan: DayPlan, rounds: int = ROUNDS, seed: int = SEED) -> Days:
    """Days for all of *plan*'s visits, from petals cut into each block's days.

    Each block holds at most its share of the visits (rounded up) in
    proportion to its days. Returns every day's visits (a visit no cut could
    fit is on no day).
    """
    timer, ctx = plan.timer, plan.ctx
    n = len(timer.venues)
    minutes, venues = timer.minutes, timer.venues

    def leg(a: str, b: str) -> int:
        return 0 if a == b else minutes(a, b) + minutes(b, a)

    home = [leg(timer.home, v) for v in venues]
    legs = [[leg(a, b) for b in venues] for a in venues]
    days = sum(map(len, plan.blocks))
    caps = [-(-n * len(block) // days) for block in plan.blocks]
    petals = Petals(home, legs, plan.near, caps)
    centre = ctx.places[timer.home]
    scale = math.cos(math.radians(centre.lat))

    def angle(v: int) -> tuple[float, int]:
        place = ctx.places[venues[v]]
        return math.atan2(place.lat - centre.lat, (place.lon - centre.lon) * scale), v

    petals.sweep(sorted(range(n), key=angle))
    petals.search(rounds, random.Random(seed))  # noqa: S311 - a search, not a secret
    return {
        d: run
        for b, route in enumerate(petals.routes)
        for d, run in _cut(plan, b, route)[1].items()
    }


def _cut(plan: DayPlan, b: int, route: list[int]) -> tuple[int, Days, int]:
    """Block *b*'s days cut from *route* either way round: the cheaper cut.

    Returns its cost, its days and how many visits it leaves out.
    """
    block = plan.blocks[b]
    best: tuple[int, Days, int] | None = None
    for order in (route, route[::-1]):
        runs = split_runs(plan.timer, order, block)
        days = {d: runs.get(d, ()) for d in block}
        left = len(order) - sum(map(len, days.values()))
        cost = plan.block_days_cost(b, days) + left * W_UNPLACED
        if best is None or cost < best[0]:
            best = (cost, days, left)
    if best is None:  # pragma: no cover - two orders are always tried
        msg = "no cut"
        raise AssertionError(msg)
    return best
