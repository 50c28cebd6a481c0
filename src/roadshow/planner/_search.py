"""Constructive placement and local search over a :class:`Schedule`.

Groups are placed hardest first (fewest candidate days, most people, longest),
each at its cheapest feasible day, venue and start. Local search then takes each
group out in turn and puts it back wherever is cheapest, until a full pass
improves nothing or the pass limit is reached. Ties break on (day, start, venue)
so the result never depends on dict or set order.
"""

from __future__ import annotations

import bisect
from itertools import pairwise

from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.timeutil import day_minute


def best_placement(
    ctx: Context, schedule: Schedule, group: Group, *, days_to_try: int | None = None
) -> Trial | None:
    """Return the cheapest feasible placement of an unplaced *group*, or None.

    With *days_to_try*, days are tried nearest first (the group's venue against
    where its people already are, as routing solvers' candidate lists do) and
    the search stops after that many days that could take the group, which
    keeps large programmes fast.
    """
    best: Trial | None = None
    days = [
        d
        for d in ctx.candidate_days[group.index]
        if schedule.rules_allow(group, d) is None
    ]
    if days_to_try is not None and len(days) > days_to_try:
        days.sort(key=lambda d: (_nearness(ctx, schedule, group, d), d))
    usable = 0
    for day in days:
        starts = ctx.starts(group, day)
        found = False
        for venue in group.venues:
            for trial in _day_trials(
                ctx, schedule, group, day=day, venue=venue, starts=starts
            ):
                found = True
                if best is None or (trial.delta, trial.placement) < (
                    best.delta,
                    best.placement,
                ):
                    best = trial
        usable += found
        if days_to_try is not None and usable >= days_to_try:
            break
    return best


def _nearness(ctx: Context, schedule: Schedule, group: Group, day: int) -> int:
    """Estimate the travel *group* adds on *day* (a guide for ranking days).

    For each attendee: the cheapest detour into the day's route (home, the day's
    items in order, home), or the trip from a venue of the day before or after
    when the day itself is empty. Days too full to take the group rank last.
    """
    venue = group.venues[0]
    total = 0
    for person_id in group.people:
        timeline = schedule.timelines[person_id]
        home = ctx.home[person_id]
        items = timeline.day_items(day)
        length = group.spans[person_id][1] - group.spans[person_id][0]
        if items:
            # Too full when the items inside the group's window leave it no room.
            starts = ctx.starts(group, day)
            if not starts:
                return _FULL
            begin, end = (
                starts[0] + group.spans[person_id][0],
                starts[-1] + group.spans[person_id][1],
            )
            busy = sum(
                min(i.end, end) - max(i.start, begin)
                for i in items
                if i.start < end and begin < i.end
            )
            if busy + length > end - begin:
                return _FULL
            stops = [home, *(i.venue for i in items), home]
            total += min(
                ctx.minutes(person_id, a, venue)
                + ctx.minutes(person_id, venue, b)
                - ctx.minutes(person_id, a, b)
                for a, b in pairwise(stops)
            )
            continue
        trip = ctx.minutes(person_id, home, venue) + ctx.minutes(person_id, venue, home)
        for near in (day - 1, day + 1):
            for item in timeline.day_items(near):
                if ctx.can_stay(person_id, item.venue) or ctx.can_stay(
                    person_id, venue
                ):
                    # Chain from (or to) the next day's venue instead of home.
                    trip = min(
                        trip,
                        ctx.minutes(person_id, item.venue, venue)
                        + ctx.minutes(person_id, venue, home)
                        - ctx.minutes(person_id, item.venue, home),
                    )
        total += trip
    return total


_FULL = 10**9


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

    Around each item lies a blocked interval of starts that would overlap it or
    leave no time to travel; between blocked intervals every start puts the
    group between the same items, so each gap between them is one class.
    """
    blocked: list[tuple[int, int]] = []
    for person_id in group.people:
        items = schedule.timelines[person_id].day_items(day)
        if not items:
            continue
        before, after = group.spans[person_id]
        for item in items:
            there = ctx.minutes(person_id, item.venue, venue)
            back = ctx.minutes(person_id, venue, item.venue)
            blocked.append((item.start - after - back, item.end - before + there))
    if not blocked:
        return [list(starts)] if starts else []
    classes = []
    low = 0
    for lo, hi in _union(blocked):
        top = bisect.bisect_right(starts, lo)
        if top > low:
            classes.append(list(starts[low:top]))
        low = max(low, bisect.bisect_left(starts, hi))
    if low < len(starts):
        classes.append(list(starts[low:]))
    return classes


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
    min_gain: float = 0.0,
) -> int:
    """Relocate groups one at a time while that lowers the cost; return passes run.

    After the first pass a group is looked at again only if something it depends
    on changed: an attendee's diary, or its region's and kind's counts. Passes
    stop once one lowers the cost by less than *min_gain* (a fraction).
    """
    movable = [g for g in groups if not is_fixed(g)]
    changed_people: set[str] = set(ctx.people)
    changed_regions: set[str | None] = {g.region_id for g in movable}
    for done in range(1, max_passes + 1):
        before = schedule.cost
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
        if not touched_people or before - schedule.cost < min_gain * before:
            return done
        changed_people, changed_regions = touched_people, touched_regions
    return max_passes
