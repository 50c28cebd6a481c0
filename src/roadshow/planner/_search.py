"""Constructive placement and local search over a :class:`Schedule`.

Groups are placed hardest first (fewest candidate days, most people, longest),
each at its cheapest feasible day, venue and start. Local search then takes each
group out in turn and puts it back wherever is cheapest, until a full pass
improves nothing or the pass limit is reached. Ties break on (day, start, venue)
so the result never depends on dict or set order.
"""

from __future__ import annotations

import bisect

from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.timeutil import day_minute


def best_placement(
    ctx: Context, schedule: Schedule, group: Group, *, days_to_try: int | None = None
) -> Trial | None:
    """Return the cheapest feasible placement of an unplaced *group*, or None.

    With *days_to_try*, only that many days are tried: those where the group's
    venue is nearest to where its people already are (a candidate list, as
    routing solvers use), which keeps large programmes fast.
    """
    best: Trial | None = None
    days = [
        d
        for d in ctx.candidate_days[group.index]
        if schedule.rules_allow(group, d) is None
    ]
    if days_to_try is not None and len(days) > days_to_try:
        days = sorted(days, key=lambda d: (_nearness(ctx, schedule, group, d), d))[
            :days_to_try
        ]
    for day in days:
        starts = ctx.starts(group, day)
        for venue in group.venues:
            for trial in _day_trials(
                ctx, schedule, group, day=day, venue=venue, starts=starts
            ):
                if best is None or (trial.delta, trial.placement) < (
                    best.delta,
                    best.placement,
                ):
                    best = trial
    return best


def _nearness(ctx: Context, schedule: Schedule, group: Group, day: int) -> int:
    """Estimate the travel *group* adds on *day*.

    Each attendee's cost is the trip from the nearest place they will be around
    then: home, or a venue the day before, the day itself or the day after.
    """
    venue = group.venues[0]
    total = 0
    for person_id in group.people:
        timeline = schedule.timelines[person_id]
        places = {ctx.home[person_id]}
        for d in (day - 1, day, day + 1):
            places.update(item.venue for item in timeline.day_items(d))
        total += min(ctx.minutes(person_id, place, venue) for place in places)
    return total


def _day_trials(
    ctx: Context,
    schedule: Schedule,
    group: Group,
    *,
    day: int,
    venue: str,
    starts: tuple[int, ...],
) -> list[Trial]:
    """Try the starts on one day that can differ in cost.

    Starts that put the group between the same items of every attendee's day
    share its legs, so they cost the same travel; of each such class only the
    earliest feasible start (the least late) and the one nearest the preferred
    time are worth a trial.
    """
    preferred = None
    if group.preferred is not None:
        preferred = day_minute(ctx.days[day].date, group.preferred, ctx.tz)
    out = []
    tried: dict[int, int | None] = {}
    for members in _start_classes(
        ctx, schedule, group, day=day, venue=venue, starts=starts
    ):
        orders = [members]
        if preferred is not None:
            orders.append(sorted(members, key=lambda s: (abs(s - preferred), s)))
        for order in orders:
            for start in order:
                if start not in tried:
                    placement = Placement(day=day, start=start, venue=venue)
                    fits = schedule.fits(group, placement)
                    tried[start] = schedule.trial(group, placement) if fits else None
                    if tried[start] is not None:
                        out.append(Trial(delta=tried[start] or 0, placement=placement))
                if tried[start] is not None:
                    break
    return out


def _start_classes(
    ctx: Context,
    schedule: Schedule,
    group: Group,
    *,
    day: int,
    venue: str,
    starts: tuple[int, ...],
) -> list[list[int]]:
    """Group the starts by where they fall among each attendee's items that day.

    Starts too close to an item to travel between are dropped outright.
    """
    blocked: list[tuple[int, int]] = []
    keys: list[tuple[list[int], int]] = []
    for person_id in group.people:
        items = schedule.timelines[person_id].day_items(day)
        if not items:
            continue
        before, after = group.spans[person_id]
        for item in items:
            there = ctx.minutes(person_id, item.venue, venue)
            back = ctx.minutes(person_id, venue, item.venue)
            blocked.append((item.start - after - back, item.end - before + there))
        keys.append(([i.start for i in items], before))
    blocked = _union(blocked)
    classes: dict[tuple[int, ...], list[int]] = {}
    b = 0
    for start in starts:
        while b < len(blocked) and blocked[b][1] <= start:
            b += 1
        if b < len(blocked) and blocked[b][0] < start:
            continue  # the group would overlap an item, or leave no time to travel
        position = tuple(bisect.bisect(k, start + offset) for k, offset in keys)
        classes.setdefault(position, []).append(start)
    return list(classes.values())


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge open intervals into a sorted list of disjoint ones."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


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


def construct(
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    *,
    days_to_try: int | None = None,
) -> list[Group]:
    """Place *groups* greedily; return those that found no feasible placement."""
    left = []
    for group in sorted(groups, key=lambda g: difficulty(ctx, g)):
        best = best_placement(ctx, schedule, group, days_to_try=days_to_try)
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
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    *,
    max_passes: int,
    days_to_try: int | None = None,
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
            best = best_placement(ctx, schedule, group, days_to_try=days_to_try)
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
