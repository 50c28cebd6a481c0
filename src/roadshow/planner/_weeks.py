"""Whole weeks planned afresh: a week's visits (or two weeks') toured and cut again.

The day search (:mod:`roadshow.planner._tripsearch`) moves a few visits at a
time, and with every day full a visit changes week only by an exchange with a
visit of the other week. Here a whole *block* (the days between two days off,
a week) is taken at once: its visits are put in the order of a short closed
tour from home (:func:`roadshow.planner._tsp.tour`) and cut into the block's
days and nights exactly (:func:`roadshow.planner._split.split_runs`). Two
blocks together are toured as one, and the cut decides which visits go to
which: visits change week by the dozen, so that each week's trip stays
compact. A change is kept only when it costs less (the objective's order:
visits left out, travel, nights, late finishes).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from roadshow.planner._context import Context
from roadshow.planner._split import DayTimer, split_runs
from roadshow.planner._trips import DayPlan, Days
from roadshow.planner._tsp import tour


def tour_order(ctx: Context, timer: DayTimer, visits: Sequence[int]) -> list[int]:
    """*visits* (indices into *timer*'s groups) in the order of a short closed tour.

    The tour starts and ends at the person's home. Visits at one venue follow
    each other (in the order given); visits at home come first.
    """
    at: dict[str, list[int]] = {}
    for v in visits:
        at.setdefault(timer.venues[v], []).append(v)
    places = ctx.places

    def where(venue: str) -> tuple[float, float]:
        return places[venue].lat, places[venue].lon

    order = tour(timer.home, sorted(at), timer.minutes, where)
    first = at.get(timer.home, [])
    return [*first, *(v for venue in order for v in at[venue])]


def recut(plan: DayPlan, blocks: Sequence[int]) -> tuple[int, Days] | None:
    """The cheapest new cut of *blocks*' visits into their days, if it saves.

    The orders tried: the days' visits as they are (the cut may move where a
    day ends), and a fresh tour through them, each way round. Returns the cost
    change and the changes, or None when no order cuts cheaper than today.
    """
    days = sorted(d for b in blocks for d in plan.blocks[b])
    visits = [v for d in days for v in plan.plan[d]]
    if not visits:
        return None
    fresh = tour_order(plan.ctx, plan.timer, visits)
    best: tuple[int, Days] | None = None
    for order in (visits, fresh, fresh[::-1]):
        runs = split_runs(plan.timer, order, days)
        changes = {d: runs.get(d, ()) for d in days}
        if sum(map(len, changes.values())) < len(order):
            continue  # the cut leaves a visit out
        if all(changes[d] == plan.plan[d] for d in days):
            continue
        delta = plan.delta(changes)
        if delta < 0 and (best is None or delta < best[0]):
            best = (delta, changes)
    return best


def recut_weeks(plan: DayPlan, *, size: int = 2) -> list[int]:
    """Recut each block, then each set of up to *size* blocks, while that saves.

    Passes over all of them until one changes nothing; a set whose days are
    as they were when it was last tried is not tried again (it would find the
    same). Returns the visits of the days changed (for a descent to look at).
    """
    moved: set[int] = set()
    sets = [
        blocks
        for k in range(1, size + 1)
        for blocks in combinations(range(len(plan.blocks)), k)
    ]
    tried: dict[tuple[int, ...], tuple[tuple[int, ...], ...]] = {}
    improved = True
    while improved:
        improved = False
        for blocks in sets:
            now = tuple(plan.plan[d] for b in blocks for d in plan.blocks[b])
            if tried.get(blocks) == now:
                continue
            found = recut(plan, blocks)
            if found is None:
                tried[blocks] = now
                continue
            plan.apply(found[1])
            moved.update(v for visits in found[1].values() for v in visits)
            improved = True
    return sorted(moved)
