"""Constructive placement and local search over a :class:`Schedule`.

Groups are placed hardest first (fewest candidate days, most people, longest),
each at its cheapest feasible day, venue and start. Local search then takes each
group out in turn and puts it back wherever is cheapest, until a full pass
improves nothing or the pass limit is reached. Ties break on (day, start, venue)
so the result never depends on dict or set order.
"""

from __future__ import annotations

import bisect
import math
from itertools import pairwise

from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.timeutil import day_minute


def best_placement(
    ctx: Context,
    schedule: Schedule,
    group: Group,
    *,
    days_to_try: int | None = None,
    only_day: int | None = None,
) -> Trial | None:
    """Return the cheapest feasible placement of an unplaced *group*, or None.

    With *days_to_try*, days are tried nearest first (the group's venue against
    where its people already are, as routing solvers' candidate lists do) and
    the search stops after that many days that could take the group, which
    keeps large programmes fast.
    """
    best: Trial | None = None
    candidates = ctx.candidate_days[group.index]
    if only_day is not None:
        candidates = (only_day,) if only_day in candidates else ()
    days = [d for d in candidates if schedule.rules_allow(group, d) is None]
    if days_to_try is not None and len(days) > days_to_try:
        estimates = _estimates(ctx, schedule, group)
        days.sort(key=lambda d: (estimates[d], d))
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


def _estimates(ctx: Context, schedule: Schedule, group: Group) -> list[int]:
    """Return :func:`_nearness` for every day, reusing those whose days did not move."""
    moment, values = schedule.estimates.get(group.index, (-1, []))
    if not values:
        values = [0] * len(ctx.days)
        stale = list(ctx.candidate_days[group.index])
    else:
        stale = [
            d
            for d in ctx.candidate_days[group.index]
            if any(schedule.changed_since(p, d, moment) for p in group.people)
        ]
    for day in stale:
        values[day] = _nearness(ctx, schedule, group, day)
    schedule.estimates[group.index] = (schedule.clock, values)
    return values


def _nearness(
    ctx: Context, schedule: Schedule, group: Group, day: int, *, ignore: int = -1
) -> int:
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
        items = [i for i in timeline.day_items(day) if i.group != ignore]
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
                if item.group == ignore:
                    continue
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
                    tried[start] = schedule.fit_trial(group, placement)
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


def difficulty(
    ctx: Context, group: Group, ranks: dict[int, float] | None = None
) -> tuple[int, int, int, str, float, str]:
    """Sort key for construction: constrained groups first, then a sweep.

    Pinned groups and those with few possible days go first, joint ones before
    single ones; among equals, each person's groups come in order of bearing
    from their home, so neighbouring venues are placed one after another and
    join up into trips (a sweep, as routing heuristics do), or in the order of
    the person's tour where *ranks* gives one (see :mod:`roadshow.planner._routes`).
    """
    pinned = 0 if group.pin_day is not None and group.pin_minute is not None else 1
    person_id = group.people[0]
    home = ctx.scenario.venue_by_id[ctx.home[person_id]]
    # A group no venue can hold has none: it goes unplaced, with that reason.
    venue = ctx.scenario.venue_by_id[group.venues[0]] if group.venues else home
    bearing = math.atan2(venue.lat - home.lat, venue.lon - home.lon)
    if ranks is not None and group.index in ranks:
        bearing = ranks[group.index]
    return (
        pinned,
        len(ctx.candidate_days[group.index]),
        -len(group.people),
        person_id,
        bearing,
        group.group_id,
    )


def construct(
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    *,
    days_to_try: int | None = None,
    ranks: dict[int, float] | None = None,
) -> list[Group]:
    """Place *groups* greedily; return those that found no feasible placement."""
    left = []
    for group in sorted(groups, key=lambda g: difficulty(ctx, g, ranks)):
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
            undo = schedule.take_out(group)
            best = best_placement(ctx, schedule, group, days_to_try=days_to_try)
            schedule.put_back(group, undo)
            # Most groups stay: only a move needs the gain of taking one out,
            # tried with the group in place.
            if (
                best is not None
                and best.placement != undo.placement
                and best.delta < schedule.removal_gain(group)
            ):
                schedule.remove(group)
                schedule.place(group, best.placement)
                touched_people.update(group.people)
                touched_regions.add(group.region_id)
        if not touched_people or before - schedule.cost < min_gain * before:
            return done
        changed_people, changed_regions = touched_people, touched_regions
    return max_passes


def repair(
    ctx: Context,
    schedule: Schedule,
    left: list[Group],
    *,
    frozen: set[int],
    days_to_try: int | None = None,
    depth: int = 2,
) -> list[Group]:
    """Place unplaced groups by moving placed ones out of the way.

    For each group left over, the placed groups in its way (sharing one of its
    people on one of its days, or its region's weekly quota) are taken out in
    turn; if the left-over group then fits and the one taken out finds room
    again (moving others in turn, *depth* deep), all stay. Failing that, a group
    with fewer requests may be left out in its place. Placing a request outweighs
    any travel, so the cost always drops. Returns the groups still unplaced.
    """
    still = []
    for group in sorted(left, key=lambda g: difficulty(ctx, g)):
        if _make_room(
            ctx, schedule, group, frozen=frozen, days_to_try=days_to_try, depth=depth
        ):
            continue
        ejected = _swap_for_smaller(ctx, schedule, group, frozen, days_to_try)
        still.append(ejected or group)
    return still


def _in_the_way(
    ctx: Context, schedule: Schedule, group: Group, frozen: set[int]
) -> list[Group]:
    """Placed groups that may keep *group* out: same people or same regional quota."""
    days = ctx.candidate_days[group.index]
    found = {
        item.group
        for day in days
        for p in group.people
        for item in schedule.timelines[p].day_items(day)
        if item.group >= 0
    }
    if (
        group.region_id is not None
        and group.kind_rules.max_per_region_per_week is not None
    ):
        weeks = {ctx.days[d].week for d in days}
        found |= {
            index
            for day in ctx.days
            if day.week in weeks
            for index in schedule.kind_day[(group.kind, day.index)]
            if ctx.groups[index].region_id == group.region_id
        }
    return [
        ctx.groups[i]
        for i in sorted(found - frozen - {group.index})
        if i in schedule.placements and not is_fixed(ctx.groups[i])
    ]


def _make_room(
    ctx: Context,
    schedule: Schedule,
    group: Group,
    *,
    frozen: set[int],
    days_to_try: int | None,
    depth: int,
) -> bool:
    """Place *group*, moving up to *depth* groups in a chain to make room.

    On failure nothing has changed.
    """
    found = best_placement(ctx, schedule, group, days_to_try=days_to_try)
    if found is not None:
        schedule.place(group, found.placement)
        return True
    if depth == 0:
        return False
    for blocker in _in_the_way(ctx, schedule, group, frozen):
        undo = schedule.take_out(blocker)
        found = best_placement(ctx, schedule, group, days_to_try=days_to_try)
        if found is not None:
            schedule.place(group, found.placement)
            keep = frozen | {group.index}
            if _make_room(
                ctx,
                schedule,
                blocker,
                frozen=keep,
                days_to_try=days_to_try,
                depth=depth - 1,
            ):
                return True
            schedule.remove(group)
        schedule.put_back(blocker, undo)
    return False


def _swap_for_smaller(
    ctx: Context,
    schedule: Schedule,
    group: Group,
    frozen: set[int],
    days_to_try: int | None,
) -> Group | None:
    """Place *group* instead of a placed group with fewer requests; return that one."""
    for blocker in _in_the_way(ctx, schedule, group, frozen):
        if len(blocker.members) >= len(group.members):
            continue
        undo = schedule.take_out(blocker)
        found = best_placement(ctx, schedule, group, days_to_try=days_to_try)
        if found is not None:
            schedule.place(group, found.placement)
            return blocker
        schedule.put_back(blocker, undo)
    return None


def swap(
    ctx: Context,
    schedule: Schedule,
    groups: list[Group],
    *,
    frozen: set[int],
    partners: int | None = None,
) -> int:
    """Exchange the days of two groups of one person where that lowers the cost.

    When days are full, moving one group at a time gets nowhere; swapping two
    does. Only pairs whose days each could take the other are tried, each group
    with the next ones in time (at most *partners* of them). Returns how many
    swaps were kept.
    """
    by_person: dict[str, list[Group]] = {}
    for group in groups:
        if (
            group.index in schedule.placements
            and group.index not in frozen
            and not is_fixed(group)
        ):
            by_person.setdefault(group.people[0], []).append(group)
    kept = 0
    # Each group's estimate on its own day is read for every partner: kept
    # until a swap changes the schedule (a failed one leaves it as it was).
    own: dict[int, int] = {}
    for person_groups in by_person.values():
        person_groups.sort(key=lambda g: (schedule.placements[g.index].day, g.index))
        for i, first in enumerate(person_groups):
            day = schedule.placements[first.index].day
            for second in person_groups[
                i + 1 : None if partners is None else i + 1 + partners
            ]:
                # Partners within a fortnight: far swaps rarely pay, and this
                # keeps the pass linear in the size of the programme.
                if schedule.placements[second.index].day > day + _SWAP_DAYS:
                    break
                if _try_swap(ctx, schedule, first, second, own):
                    kept += 1
                    own.clear()
    return kept


_SWAP_DAYS = 14


def _try_swap(
    ctx: Context, schedule: Schedule, first: Group, second: Group, own: dict[int, int]
) -> bool:
    """Swap the days of *first* and *second* if that lowers the cost.

    *own* holds the groups' estimates on their own days (by group index) while
    the schedule stays as it is.
    """
    day_a, day_b = (
        schedule.placements[first.index].day,
        schedule.placements[second.index].day,
    )
    if (
        day_a == day_b
        or day_b not in ctx.candidate_days[first.index]
        or day_a not in ctx.candidate_days[second.index]
    ):
        return False
    # Only swaps the estimate says bring each group nearer its people pay a trial.
    for group, day in ((first, day_a), (second, day_b)):
        if group.index not in own:
            own[group.index] = _nearness(ctx, schedule, group, day, ignore=group.index)
    here = own[first.index] + own[second.index]
    there = _nearness(ctx, schedule, first, day_b, ignore=second.index) + _nearness(
        ctx, schedule, second, day_a, ignore=first.index
    )
    if there >= here:
        return False
    before = schedule.cost
    undo_a = schedule.take_out(first)
    undo_b = schedule.take_out(second)
    moved_a = best_placement(ctx, schedule, first, only_day=day_b)
    if moved_a is not None:
        schedule.place(first, moved_a.placement)
        moved_b = best_placement(ctx, schedule, second, only_day=day_a)
        if moved_b is not None:
            schedule.place(second, moved_b.placement)
            if schedule.cost < before:
                return True
            schedule.remove(second)
        schedule.remove(first)
    schedule.put_back(second, undo_b)
    schedule.put_back(first, undo_a)
    return False
