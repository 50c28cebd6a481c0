"""A search over one person's week: two days at a time, emptied and refilled.

Refilling a whole week (:mod:`roadshow.planner._ruin`) tries a few orders of
all its groups; what is left after that is in the shape of the week: which
visits share a day, which day an evening meeting takes, where a run of nights
away goes. Each round here takes the week's groups off two of its days and
puts them back, with the week's groups left out, in a shuffled order, each at
its cheapest placement on any day of the week. A pass tries every pair of
days once, in a shuffled order. A round is kept when the week places more
requests, or as many at no more cost (a step sideways changes the week's
shape, and the next pass's shuffles start from it), and undone otherwise; the
search of a week ends after two passes in a row that lowered nothing. Passes
are counted and the shuffles seeded, never timed: the same scenario always
gives the same plan.
"""

from __future__ import annotations

import random
from itertools import combinations

from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Saved
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.planner._search import best_placement

Placed = list[tuple[Group, Placement]]

MIN_GROUPS = 3
"""Weeks with fewer of the person's own groups are left as the refill made them."""

IDLE_PASSES = 2
"""A week's search ends after this many passes in a row that lower nothing.

One idle pass ended it before; on ``synthetic-200`` a second pass, with the
sideways steps of the first, lowers travel further (8,291 -> 8,144 minutes
with five passes at most). With three refills polished, two passes reach
8,154 minutes and four 8,094, but four cost about 30% more planning time.
"""


def search_week(
    ctx: Context,
    schedule: Schedule,
    week: list[int],
    hood: list[Group],
    rng: random.Random,
    *,
    passes: int,
) -> None:
    """Run *passes* over the pairs of days of *week*, one person's, with *hood*.

    Only the person's own groups move: a joint one ties other people's weeks.
    """
    hood = [g for g in hood if len(g.people) == 1]
    if len(hood) < MIN_GROUPS:
        return
    people = sorted({p for g in hood for p in g.people})
    week = [d for d in week if any(d in ctx.candidate_days[g.index] for g in hood)]
    pairs = list(combinations(week, 2))

    def score() -> tuple[int, int]:
        out = sum(len(g.members) for g in hood if g.index not in schedule.placements)
        return out, schedule.cost

    best = score()
    idle = 0
    for _ in range(passes):
        before = best
        rng.shuffle(pairs)
        for pair in pairs:
            ruined = [
                g
                for g in hood
                if g.index in schedule.placements
                and schedule.placements[g.index].day in pair
            ]
            if not ruined:
                continue
            saved = {p: schedule.timelines[p].snapshot() for p in people}
            soft = schedule.soft_cost
            was = [(g, schedule.placements[g.index]) for g in ruined]
            schedule.remove_all(ruined)
            out = [g for g in hood if g.index not in schedule.placements]
            rng.shuffle(out)
            filled = _fill(ctx, schedule, out, week)
            now = score()
            if now <= best:
                best = now
            else:
                _undo(schedule, saved, soft, filled, was)
        idle = idle + 1 if best == before else 0
        if idle == IDLE_PASSES:
            return  # the week is as good as this search gets it


def _fill(
    ctx: Context, schedule: Schedule, order: list[Group], week: list[int]
) -> Placed:
    """Place *order* one by one, each at its cheapest in *week*; return those placed."""
    placed = []
    for group in order:
        found: Trial | None = None
        days = [d for d in week if d in ctx.candidate_days[group.index]]
        for day in days:
            trial = best_placement(ctx, schedule, group, only_day=day)
            if trial is not None and (
                found is None
                or (trial.delta, trial.placement) < (found.delta, found.placement)
            ):
                found = trial
        if found is not None:
            schedule.place(group, found.placement)
            placed.append((group, found.placement))
    return placed


def _undo(
    schedule: Schedule, saved: dict[str, Saved], soft: int, filled: Placed, was: Placed
) -> None:
    """Return to before the round: *filled* out, *was* back, timelines as *saved*.

    Restoring the saved timelines is cheaper than re-routing group by group;
    the counts follow, and every day touched is marked changed so that
    estimates read from those days are made again.
    """
    for group, placement in reversed(filled):
        del schedule.placements[group.index]
        schedule._count(group, placement.day, -1)  # noqa: SLF001 - undo of place()
    for group, placement in was:
        schedule.placements[group.index] = placement
        schedule._count(group, placement.day, +1)  # noqa: SLF001 - undo of remove()
    for person_id, state in saved.items():
        schedule.timelines[person_id].restore(state)
    for group, placement in [*filled, *was]:
        for person_id in group.people:
            schedule._touch(person_id, placement.day)  # noqa: SLF001 - see above
    schedule.soft_cost = soft
