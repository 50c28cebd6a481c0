"""Constructive placement and local search over a :class:`Schedule`.

Groups are placed hardest first (fewest candidate days, most people, longest),
each at its cheapest feasible day, venue and start. Local search then takes each
group out in turn and puts it back wherever is cheapest, until a full pass
improves nothing or the pass limit is reached. Ties break on (day, start, venue)
so the result never depends on dict or set order.
"""

from __future__ import annotations

from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule, Trial


def candidate_placements(
    ctx: Context, schedule: Schedule, group: Group
) -> list[Placement]:
    """Every placement the calendar, kind rules and diaries allow for *group*."""
    out = []
    for day in ctx.candidate_days[group.index]:
        if schedule.rules_allow(group, day) is not None:
            continue
        starts = ctx.starts(group, day)
        for venue in group.venues:
            for start in starts:
                placement = Placement(day=day, start=start, venue=venue)
                if schedule.fits(group, placement):
                    out.append(placement)
    return out


def best_placement(ctx: Context, schedule: Schedule, group: Group) -> Trial | None:
    """Return the cheapest feasible placement of an unplaced *group*, or None."""
    best: Trial | None = None
    for placement in candidate_placements(ctx, schedule, group):
        delta = schedule.trial(group, placement)
        if delta is None:
            continue
        if best is None or (delta, placement) < (best.delta, best.placement):
            best = Trial(delta=delta, placement=placement)
    return best


def difficulty(ctx: Context, group: Group) -> tuple[int, int, int, str]:
    """Sort key: pinned and constrained groups first, then bigger ones."""
    pinned = 0 if group.pin_day is not None and group.pin_minute is not None else 1
    length = max(m.offset + m.length for m in group.members)
    return (
        pinned,
        len(ctx.candidate_days[group.index]),
        -len(group.people) * 10_000 - length,
        group.group_id,
    )


def construct(ctx: Context, schedule: Schedule, groups: list[Group]) -> list[Group]:
    """Place *groups* greedily; return those that found no feasible placement."""
    left = []
    for group in sorted(groups, key=lambda g: difficulty(ctx, g)):
        best = best_placement(ctx, schedule, group)
        if best is None:
            left.append(group)
        else:
            schedule.place(group, best.placement)
    return left


def is_fixed(group: Group) -> bool:
    """A group pinned to a day and time at a single venue never moves."""
    return (
        group.pin_day is not None
        and group.pin_minute is not None
        and len(group.venues) == 1
    )


def improve(
    ctx: Context, schedule: Schedule, groups: list[Group], *, max_passes: int
) -> int:
    """Relocate groups one at a time while that lowers the cost; return passes run.

    After the first pass a group is looked at again only if something it depends
    on changed: an attendee's diary, or its region's and kind's counts.
    """
    movable = [g for g in groups if not is_fixed(g)]
    changed_people: set[str] = set(ctx.people)
    changed_regions: set[str | None] = {g.region_id for g in movable}
    for done in range(1, max_passes + 1):
        touched_people: set[str] = set()
        touched_regions: set[str | None] = set()
        for group in movable:
            if group.index not in schedule.placements:
                continue
            if (
                changed_people.isdisjoint(group.people)
                and group.region_id not in changed_regions
            ):
                continue
            gain = schedule.removal_gain(group)
            undo = schedule.take_out(group)
            best = best_placement(ctx, schedule, group)
            if (
                best is not None
                and best.delta < gain
                and best.placement != undo.placement
            ):
                schedule.place(group, best.placement)
                touched_people.update(group.people)
                touched_regions.add(group.region_id)
            else:
                schedule.put_back(group, undo)
        if not touched_people:
            return done
        changed_people, changed_regions = touched_people, touched_regions
    return max_passes
