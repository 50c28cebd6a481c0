"""Cut a tour into days and trips the best way: a route-first, cluster-second split.

Given one person's visits in the order of a tour from home, the split chooses,
for every working day in turn, the next run of the tour to visit that day and
where to sleep after it (home, or near the day's last venue), so that the
whole order is covered at the least travel, then nights away, then late
finishes (the order of :mod:`roadshow.objective`). It is the "Split" of
Beasley (1983) and Prins (2004), a shortest path over (position in the tour,
nights away in a row) day by day, with each day timed as the planner times it:
travel and working hours, slot windows on the start step, ``arrive_before``,
at most ``max_nights_away_in_row`` nights away and a night away only where
``min_night_saving`` (or a late finish, or an early start) allows one. The
schedule then places the runs and judges the result; this module only chooses.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from roadshow.objective import W_LATE, W_NIGHT, W_TRAVEL, W_UNPLACED
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Item, night_needed
from roadshow.timeutil import day_minute

MAX_RUN = 8
"""Visits in one day at most (the day's timing stops a run long before)."""


class DayTimer:
    """Times a day's visits (indices into *groups*) at their earliest starts, cached.

    :meth:`shape` numbers the days whose windows are alike relative to their
    midnight, so that costs (which do not depend on the date) can be shared.
    """

    def __init__(self, ctx: Context, person_id: str, groups: Sequence[Group]) -> None:
        self.ctx = ctx
        self.person_id = person_id
        self.person = ctx.people[person_id]
        self.groups = groups
        self.venues = [g.venues[0] for g in groups]
        self.home = ctx.home[person_id]
        self.nights = [ctx.night_place(person_id, v) for v in self.venues]
        self._table = ctx.minutes_table(person_id)
        self._legs: dict[tuple[str, tuple[int, ...]], int] = {}
        self._shape: dict[int, tuple[int, int]] = {}
        self._shapes: dict[tuple[int, ...], int] = {}
        self._starts: dict[tuple[int, int], tuple[int, ...]] = {}
        self._days: dict[
            tuple[int, str, tuple[int, ...]], tuple[tuple[Item, ...], int] | None
        ] = {}

    def shape(self, day: int) -> tuple[int, int]:
        """The day's midnight, and a number for its windows relative to it.

        Days with the same number time alike (a small number keys caches fast).
        """
        found = self._shape.get(day)
        if found is None:
            p = self.person
            zero = day_minute(self.ctx.days[day].date, 0, self.ctx.tz)
            starts = self.ctx.starts(self.groups[0], day)
            windows = (
                p.travel_start[day] - zero,
                p.travel_end[day] - zero,
                p.late[day] - zero,
                p.work_start[day] - zero,
                *(s - zero for s in starts),
            )
            number = self._shapes.setdefault(windows, len(self._shapes))
            found = self._shape[day] = (zero, number)
        return found

    def items(
        self, day: int, start_at: str, visits: tuple[int, ...]
    ) -> tuple[Item, ...] | None:
        """The items of *visits* on *day* from *start_at* (None: they do not fit)."""
        found = self.timed(day, start_at, visits)
        return None if found is None or found[1] else found[0]

    def timed(
        self, day: int, start_at: str, visits: tuple[int, ...]
    ) -> tuple[tuple[Item, ...], int] | None:
        """The items of *visits* on *day* from *start_at*, and their time warp.

        A visit that cannot start in time starts at its last start instead, and
        the minutes it is late add to the warp (as in Vidal's hybrid genetic
        search): a search may pass through such days on its way to ones that
        fit. None when a journey cannot even end within travel hours.
        """
        key = (day, start_at, visits)
        if key not in self._days:
            self._days[key] = self._time(day, start_at, visits)
        return self._days[key]

    def _time(
        self, day: int, start_at: str, visits: tuple[int, ...]
    ) -> tuple[tuple[Item, ...], int] | None:
        # Visits are timed one after another: a run extends its (cached) run
        # less the last visit, as the split asks for each run and then a longer.
        if not visits:
            return (), 0
        if len(visits) > 1:
            found = self.timed(day, start_at, visits[:-1])
            if found is None:
                return None
            items, warp = found
        else:
            items, warp = (), 0
        ctx, pid, p = self.ctx, self.person_id, self.person
        k = visits[-1]
        group, venue = self.groups[k], self.venues[k]
        starts = self._starts.get((k, day))
        if starts is None:
            starts = self._starts[(k, day)] = ctx.starts(group, day)
        if not starts:
            return None
        before, after = group.spans[pid]
        lead = group.leads[pid]
        here = items[-1].venue if items else start_at
        if here == venue:
            earliest = items[-1].end if items else starts[0] + before
        else:
            t_start = p.travel_start[day]
            free = max(items[-1].end, t_start) if items else t_start
            earliest = free + self.minutes(here, venue) + lead
            if earliest - lead > p.travel_end[day]:
                return None
        at = bisect.bisect_left(starts, earliest - before)
        if at == len(starts):
            warp += earliest - before - starts[-1]
            at -= 1
        start = starts[at]
        item = Item(
            start + before,
            start + after,
            venue,
            group.index,
            start + group.finishes[pid],
            lead,
        )
        return (*items, item), warp

    def end(
        self, day: int, items: Sequence[Item], end_at: str
    ) -> tuple[int, bool] | None:
        """Travel minutes from the last item to *end_at*, and whether it ends late."""
        last = items[-1]
        if last.venue == end_at:
            return 0, last.finish > self.person.late[day]
        minutes = self.minutes(last.venue, end_at)
        arrive = last.end + minutes
        if arrive > self.person.travel_end[day]:
            return None
        return minutes, arrive > self.person.late[day]

    def minutes(self, from_id: str, to_id: str) -> int:
        """Door-to-door minutes between two places (the context's, looked up first)."""
        found = self._table.get((from_id, to_id))
        if found is None:
            found = self.ctx.minutes(self.person_id, from_id, to_id)
        return found

    def travel(self, start_at: str, visits: tuple[int, ...]) -> int:
        """Travel minutes from *start_at* through *visits* (their legs only, cached)."""
        key = (start_at, visits)
        found = self._legs.get(key)
        if found is None:
            found = self._legs[key] = self._travel(start_at, visits)
        return found

    def _travel(self, start_at: str, visits: tuple[int, ...]) -> int:
        if not visits:
            return 0
        # A run extends its (cached) run less the last visit, as in _time.
        if len(visits) > 1:
            here = self.venues[visits[-2]]
            before = self.travel(start_at, visits[:-1])
        else:
            here, before = start_at, 0
        there = self.venues[visits[-1]]
        return before + (0 if here == there else self.minutes(here, there))


State = tuple[int, int]
"""(visits of the order done, nights away in a row)."""
Pointer = tuple[State, int]
"""The state a day came from and how many visits it took (-1: one left out)."""


def split(
    ctx: Context, person_id: str, order: Sequence[Group], days: Sequence[int]
) -> dict[int, list[Group]]:
    """The best cut of *order* into runs on *days* (a visit it cannot fit is left out).

    Args:
        ctx: The planning context.
        person_id: Whose visits (each group attended by this person alone).
        order: The visits in tour order from the person's home.
        days: The days the visits may use, ascending; other days are spent at home.

    Returns:
        The runs by day; visits in no run are left for the general construction.
    """
    runs = split_runs(DayTimer(ctx, person_id, order), range(len(order)), days)
    return {day: [order[k] for k in run] for day, run in runs.items()}


def split_runs(
    timer: DayTimer, order: Sequence[int], days: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    """:func:`split` of *order* (indices into *timer*'s groups), timed by *timer*.

    A search that cuts many orders of the same visits passes its own timer, so
    that days timed once are not timed again.
    """
    ctx = timer.ctx
    n = len(order)
    allowed = set(days)
    states: dict[State, int] = {(0, 0): 0}
    back: list[dict[State, Pointer]] = []
    for day in range(days[0], days[-1] + 1):
        out: dict[State, int] = {}
        ptr: dict[State, Pointer] = {}
        for (i, away), cost in sorted(states.items()):
            if away == 0:
                _offer(out, ptr, (i, 0), cost, ((i, 0), 0))  # a day at home
            if day in allowed and i < n:
                may_stay = away < ctx.max_away and day + 1 in allowed
                for state, extra, count in _days_from(
                    timer, order, day, i, away, may_stay=may_stay
                ):
                    _offer(out, ptr, state, cost + extra, ((i, away), count))
        # Leaving a visit out costs the most: only when no cut covers it.
        for i in range(n):
            if (i, 0) in out:
                _offer(out, ptr, (i + 1, 0), out[(i, 0)] + W_UNPLACED, ((i, 0), -1))
        states = out
        back.append(ptr)
    return _runs(back, days[0], n, order)


def _offer(
    out: dict[State, int],
    ptr: dict[State, Pointer],
    state: State,
    cost: int,
    came: Pointer,
) -> None:
    if cost < out.get(state, cost + 1):
        out[state] = cost
        ptr[state] = came


def _days_from(
    timer: DayTimer,
    order: Sequence[int],
    day: int,
    i: int,
    away: int,
    *,
    may_stay: bool,
) -> list[tuple[State, int, int]]:
    """Each run from visit *i* on *day*: the state after it, its cost, its length."""
    ctx, person_id, n = timer.ctx, timer.person_id, len(order)
    start_at = timer.home if away == 0 else timer.nights[order[i - 1]]
    found: list[tuple[State, int, int]] = []
    if start_at is None:
        return found
    for count in range(1, min(MAX_RUN, n - i) + 1):
        visits = tuple(order[i : i + count])
        items = timer.items(day, start_at, visits)
        if items is None:
            break  # a longer run fits no better
        moved = timer.travel(start_at, visits)
        j = i + count
        home = timer.end(day, items, timer.home)
        if home is not None:
            found.append(
                ((j, 0), (moved + home[0]) * W_TRAVEL + home[1] * W_LATE, count)
            )
        night = timer.nights[order[j - 1]]
        if not may_stay or night is None or j >= n:
            continue
        tomorrow = timer.items(day + 1, night, (order[j],))
        if tomorrow is None or not night_needed(ctx, person_id, day, items, tomorrow):
            continue
        stay = timer.end(day, items, night)
        if stay is not None:
            cost = (moved + stay[0]) * W_TRAVEL + stay[1] * W_LATE + W_NIGHT
            found.append(((j, away + 1), cost, count))
    return found


def _runs(
    back: list[dict[State, Pointer]], first_day: int, n: int, order: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    """Follow the back-pointers from the end: each day's run."""
    runs: dict[int, tuple[int, ...]] = {}
    state = (n, 0)
    for offset in range(len(back) - 1, -1, -1):
        ptr = back[offset]
        if state not in ptr:
            return runs
        came, count = ptr[state]
        while count < 0:  # visits left out chain back within the day
            state = came
            came, count = ptr[state]
        if count > 0:
            runs[first_day + offset] = tuple(order[came[0] : came[0] + count])
        state = came
    return runs
