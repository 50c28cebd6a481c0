"""Exact search for small tours: the best order and days of a set of visits.

A *tour* here is a set of groups of a day-exclusive kind (at most one a day per
person) whose attendees overlap pairwise and which each have one venue, like the
ten regional visits of the default scenario. The search walks the days in
order, choosing for each day which visit (if any) happens and where each
attendee sleeps; each day's start time is the best one given the legs either
side. It is a depth-first branch and bound under a rising travel ceiling, with
a lower bound from a relaxation: every visit as a day trip, less the best
overnight savings of chains of visits (at most ``max_nights_away_in_row + 1``
long, each inside one run of days the calendar allows), plus the way home for
anyone away tonight.

Travel, the first criterion, is proven optimal when the search completes (or
meets the bound); ties on travel are settled by the first tour found, then
local search polishes nights, late finishes and preferred times without
touching travel. Past ``max_states`` the heuristic tour stands and the report
says it is not proven.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, pairwise, permutations
from typing import NamedTuple

from attrs import frozen

from roadshow.objective import W_LATE, W_NIGHT, W_TRAVEL
from roadshow.planner._blocks import INFINITE as _INFINITE
from roadshow.planner._blocks import spread
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Item, commitment_items, night_needed, route_day
from roadshow.planner._schedule import Placement, Schedule

NONE = -1
# Ceilings tried above the lower bound, in travel minutes (then the heuristic's cost).
_SLACKS = (0, 15, 30, 60, 120, 240, 480)
PersonState = tuple[str, int]


class _Extra(NamedTuple):
    """What one person's commitments add to one day's travel, at least."""

    person: int
    day: int
    added: dict[tuple[str, int], int]
    """Per (place slept before, visit held or NONE): minutes added at least."""


class Step(NamedTuple):
    """One day of a partial tour, linked to the day before."""

    previous: Step | None
    day: int
    visit: int
    start: int


@frozen
class ExactResult:
    """What the exact search did for one tour."""

    groups: tuple[str, ...]
    proven: bool
    """True when the search finished: the placements are optimal."""
    states: int
    placements: dict[int, Placement]


def solve_tour(
    ctx: Context,
    schedule: Schedule,
    tour: Sequence[Group],
    *,
    upper_bound: int | None,
    max_states: int,
) -> ExactResult | None:
    """Search the best placements of *tour*'s groups (all taken out of *schedule*).

    Returns None when the other groups of the tour's people come too close in
    time for the search's day-by-day model.
    """
    people = sorted({p for g in tour for p in g.people})
    days = sorted({d for g in tour for d in ctx.candidate_days[g.index]})
    lo, hi = max(days[0] - 1, 0), min(days[-1] + 1, len(ctx.days) - 1)
    for person_id in people:
        timeline = schedule.timelines[person_id]
        if any(
            item.group >= 0
            for d in range(lo - 1, hi + 2)
            for item in timeline.day_items(d)
        ):
            return None
    search = _Search(ctx, schedule=schedule, tour=tour, people=people, lo=lo, hi=hi)
    return search.run(upper_bound, max_states)


class _Search:
    def __init__(
        self,
        ctx: Context,
        *,
        schedule: Schedule,
        tour: Sequence[Group],
        people: list[str],
        lo: int,
        hi: int,
    ) -> None:
        self.ctx = ctx
        self.schedule = schedule
        self.tour = list(tour)
        self.people = people
        self.lo, self.hi = lo, hi
        self.full = (1 << len(tour)) - 1
        self.homes = [ctx.home[p] for p in people]
        self.allowed: dict[int, list[int]] = {
            d: [
                i
                for i, g in enumerate(tour)
                if d in ctx.candidate_days[g.index]
                and schedule.rules_allow(g, d) is None
            ]
            for d in range(lo, hi + 1)
        }
        self.venue = [g.venues[0] for g in tour]
        self._avoid_idle = ctx.scenario.rules.avoid_idle_days
        self._day_cache: dict[tuple[object, ...], tuple[int, int] | None] = {}
        self._starts: dict[tuple[int, int], list[tuple[int, int, dict[str, Item]]]] = {}
        self._bound = self._travel_bounds()
        self._relaxed = [
            sum(b[mask] for b in self._bound) for mask in range(self.full + 1)
        ]
        self._blocks = self._calendar_blocks()
        self._after_block: dict[int, list[int]] = {}
        self._rest_of_block: dict[tuple[int, int], int] = {}
        self._entries: dict[tuple[int, str, int], int] = {}
        self._extras = self._commitment_extras()

    # --- the lower bound --------------------------------------------------------------

    def _travel_bounds(self) -> list[list[int]]:
        """Per attendee and set of visits left: travel minutes they need at least.

        Every visit costs a day trip from home, less what overnight links save;
        a person's links form chains of at most ``max_away + 1`` visits, so the
        best cover of the set by such chains (calendar ignored) bounds the saving.
        """
        n = len(self.tour)
        longest = self.ctx.max_away + 1
        out = []
        for k, person_id in enumerate(self.people):
            home = self.homes[k]
            mine = [i for i, g in enumerate(self.tour) if person_id in g.people]
            trip = [0] * n
            for i in mine:
                venue = self.venue[i]
                trip[i] = self.ctx.minutes(person_id, home, venue) + self.ctx.minutes(
                    person_id, venue, home
                )
            chain: dict[int, int] = {}
            for size in range(1, min(longest, len(mine)) + 1):
                for members in combinations(mine, size):
                    chain[sum(1 << i for i in members)] = max(
                        sum(
                            self._saving(k, self.venue[a], b)
                            for a, b in pairwise(order)
                        )
                        for order in permutations(members)
                    )
            cover = [0] * (self.full + 1)
            for mask in range(1, self.full + 1):
                low = mask & -mask
                rest = mask ^ low
                best = cover[rest]
                sub = rest
                while sub:
                    part = sub | low
                    if part in chain:
                        best = max(best, chain[part] + cover[mask ^ part])
                    sub = (sub - 1) & rest
                cover[mask] = best
            out.append(
                [
                    sum(trip[i] for i in mine if mask >> i & 1) - cover[mask]
                    for mask in range(self.full + 1)
                ]
            )
        return out

    def _commitment_extras(self) -> list[_Extra]:
        """Travel minutes the attendees' diary commitments add, at least, per day.

        Per person, commitment day and place slept before it: the least a
        commitment adds to the day's travel over the same day without it, with no
        visit and with each visit that may be held that day, over every place
        slept after. The relaxation leaves commitments out;
        :meth:`_commitment_left` adds these.
        """
        out = []
        for k, person_id in enumerate(self.people):
            places = {self.homes[k]}
            for d in range(self.lo, self.hi + 1):
                places.update(i.venue for i in commitment_items(self.ctx, person_id, d))
            places.update(
                self.venue[i] for i, g in enumerate(self.tour) if person_id in g.people
            )
            beds = sorted(
                p
                for p in places
                if p == self.homes[k] or self.ctx.can_stay(person_id, p)
            )
            for d in range(self.lo, self.hi + 1):
                fixed = commitment_items(self.ctx, person_id, d)
                if not fixed:
                    continue
                options: list[tuple[int, tuple[Item, ...]]] = [(NONE, ())]
                for i in self.allowed.get(d, []):
                    if person_id in self.tour[i].people:
                        options += [
                            (i, (items[person_id],))
                            for _, _, items in self._options_for(d, i)
                        ]
                added: dict[tuple[str, int], int] = {}
                for slept in beds:
                    for i, visit in options:
                        least = self._least_added(
                            person_id, d, fixed, slept, beds, visit
                        )
                        if least is not None:
                            key = (slept, i)
                            added[key] = min(added.get(key, least), least)
                out.append(_Extra(k, d, added))
        return out

    def _least_added(  # noqa: PLR0917 - one day's whole situation
        self,
        person_id: str,
        day: int,
        fixed: Sequence[Item],
        slept: str,
        beds: Sequence[str],
        visit: tuple[Item, ...],
    ) -> int | None:
        """The least *fixed* adds to *day* from *slept* (None: it cannot be done)."""
        least: int | None = None
        both = sorted((*visit, *fixed))
        for end_at in beds:
            with_it = route_day(self.ctx, person_id, day, slept, both, end_at)
            if with_it is None:
                continue
            without = route_day(self.ctx, person_id, day, slept, visit, end_at)
            added = max(with_it // W_TRAVEL - (without or 0) // W_TRAVEL, 0)
            least = added if least is None else min(least, added)
        return least

    def _commitment_left(
        self, day: int, left: int, people_after: tuple[PersonState, ...]
    ) -> int:
        """Least travel minutes commitments add after *day*, visits *left* to hold.

        The day after *day* starts where *people_after* slept; later days from
        anywhere.
        """
        total = 0
        for extra in self._extras:
            if extra.day <= day:
                continue
            slept = people_after[extra.person][0] if extra.day == day + 1 else None
            total += min(
                (
                    minutes
                    for (bed, i), minutes in extra.added.items()
                    if (slept is None or bed == slept) and (i == NONE or left >> i & 1)
                ),
                default=0,
            )
        return total

    def _saving(self, k: int, place: str, index: int) -> int:
        """Minutes person *k* saves by going from *place* straight to visit *index*."""
        person_id, home, venue = self.people[k], self.homes[k], self.venue[index]
        if place == venue:
            return 2 * self.ctx.minutes(person_id, home, venue)
        if not (
            self.ctx.can_stay(person_id, place) or self.ctx.can_stay(person_id, venue)
        ):
            return 0  # no night can be spent between the two
        minutes = self.ctx.minutes
        return max(
            minutes(person_id, place, home)
            + minutes(person_id, home, venue)
            - minutes(person_id, place, venue),
            0,
        )

    def _calendar_blocks(self) -> list[tuple[list[int], int]]:
        """Runs of days with a possible visit (one-day gaps allowed), with who may come.

        Two days in a row without a visit put every attendee at home for a night,
        so visits in different blocks never share a trip.
        """
        days = sorted(d for d, allowed in self.allowed.items() if allowed)
        blocks: list[list[int]] = []
        for day in days:
            if blocks and day - blocks[-1][-1] <= 2:  # noqa: PLR2004 - one free day can be bridged
                blocks[-1].append(day)
            else:
                blocks.append([day])
        return [
            (block, sum(1 << i for i in {i for d in block for i in self.allowed[d]}))
            for block in blocks
        ]

    def _blocks_bound(self, first: int, mask: int) -> int:
        """Least relaxed travel for visits *mask* spread over blocks *first* onward."""
        if not self._after_block:
            tables = spread(self._relaxed, self._blocks, self.full)
            self._after_block.update(enumerate(tables))
        return self._after_block[first][mask]

    def _entry(self, k: int, place: str, mask: int) -> int:
        """Most that person *k*, at *place*, saves going on to a visit in *mask*."""
        key = (k, place, mask)
        found = self._entries.get(key)
        if found is None:
            person_id = self.people[k]
            found = max(
                (
                    self._saving(k, place, i)
                    for i in range(len(self.tour))
                    if mask >> i & 1 and person_id in self.tour[i].people
                ),
                default=0,
            )
            self._entries[key] = found
        return found

    def _left(self, mask: int, people_after: tuple[PersonState, ...], day: int) -> int:
        """A lower bound (weighted) on travel after night *day*, visits *mask* to go.

        Visits still to come fit into what is left of the current block and the
        blocks after it; each block's share costs at least its relaxed travel.
        """
        key = (day, mask)
        total = self._rest_of_block.get(key)
        if total is None:
            total = _INFINITE
            now = [
                (i, (b, eligible))
                for i, (b, eligible) in enumerate(self._blocks)
                if b[-1] > day
            ]
            if not now:
                total = 0 if mask == 0 else _INFINITE
            else:
                index, (block, eligible) = now[0]
                days_left = sum(1 for d in block if d > day)
                later = index + 1
                sub = mask & eligible
                part = sub
                while True:
                    if part.bit_count() <= days_left:
                        value = self._relaxed[part] + self._blocks_bound(
                            later, mask ^ part
                        )
                        total = min(total, value)
                    if part == 0:
                        break
                    part = (part - 1) & sub
            self._rest_of_block[key] = total
        if total >= _INFINITE:
            return _INFINITE
        # Someone away tonight still has to get home, less what running straight
        # on into a visit left could save.
        entry = 0
        for k, (place, _) in enumerate(people_after):
            if place != self.homes[k]:
                entry += self._entry(k, place, mask) - self.ctx.minutes(
                    self.people[k], place, self.homes[k]
                )
        added = self._commitment_left(day, mask, people_after) if self._extras else 0
        return (max(total - entry, 0) + added) * W_TRAVEL

    # --- one day ----------------------------------------------------------------------

    def _options_for(
        self, day: int, index: int
    ) -> list[tuple[int, int, dict[str, Item]]]:
        """Fitting starts of visit *index* on *day*, best first."""
        key = (day, index)
        found = self._starts.get(key)
        if found is None:
            group = self.tour[index]
            found = []
            for start in self.ctx.starts(group, day):
                placement = Placement(day=day, start=start, venue=self.venue[index])
                if self.schedule.fits(group, placement):
                    soft = self.schedule.soft_cost_of(group, placement)
                    found.append(
                        (soft, start, self.schedule.person_items(group, placement))
                    )
            found.sort(key=lambda f: (f[0], f[1]))
            self._starts[key] = found
        return found

    def _day(  # noqa: PLR0917 - one day's whole situation
        self,
        day: int,
        index: int,
        slept: tuple[PersonState, ...],
        nights: tuple[str, ...],
        before: Step | None,
        tomorrow: int,
    ) -> tuple[int, int] | None:
        """Cost and start of *day* holding visit *index* (NONE: no visit).

        The legs are fixed by where each attendee slept and sleeps, so travel does
        not depend on the start; starts are tried best soft cost first and the
        first one with no late finish wins. A start must let last night's and
        tonight's nights away be spent (``min_night_saving``, with *before* the
        day before; tonight's checked against *tomorrow*'s visit at its earliest).
        """
        places = tuple(place for place, _ in slept)
        away_before = any(p != h for p, h in zip(places, self.homes, strict=True))
        away_after = any(p != h for p, h in zip(nights, self.homes, strict=True))
        earlier = (before.visit, before.start) if away_before and before else None
        key = (day, index, places, nights, earlier, tomorrow if away_after else NONE)
        if key in self._day_cache:
            return self._day_cache[key]
        best: tuple[int, int] | None = None
        options = [(0, 0, {})] if index == NONE else self._options_for(day, index)
        for soft, start, items in options:
            total = soft
            for k, person_id in enumerate(self.people):
                mine = self._items(day, items.get(person_id), person_id)
                route = route_day(self.ctx, person_id, day, places[k], mine, nights[k])
                idle = self._avoid_idle and not mine
                idle = idle and self.homes[k] not in {places[k], nights[k]}
                if (
                    idle
                    or route is None
                    or not self._nights_allowed(
                        k, day, mine, places[k], nights[k], earlier, tomorrow
                    )
                ):
                    break
                total += route
            else:
                if best is None or total < best[0]:
                    best = (total, start)
                if total % W_TRAVEL < W_LATE:
                    break  # no late finish: later starts cannot do better
        self._day_cache[key] = best
        return best

    def _items(self, day: int, item: Item | None, person_id: str) -> tuple[Item, ...]:
        """A person's items on *day*: *item* (a visit) and their commitments."""
        fixed = commitment_items(self.ctx, person_id, day)
        return tuple(sorted((item, *fixed))) if item is not None else fixed

    def _nights_allowed(  # noqa: PLR0917 - one person's two nights
        self,
        k: int,
        day: int,
        today: tuple[Item, ...],
        slept: str,
        night: str,
        earlier: tuple[int, int] | None,
        tomorrow: int,
    ) -> bool:
        """Tell whether person *k* may spend last night and tonight where given."""
        person_id, home = self.people[k], self.homes[k]
        if slept != home and earlier is not None:
            visit, start = earlier
            item = None
            if visit != NONE and person_id in self.tour[visit].people:
                placement = Placement(day=day - 1, start=start, venue=self.venue[visit])
                item = self.schedule.person_items(self.tour[visit], placement)[
                    person_id
                ]
            yesterday = self._items(day - 1, item, person_id)
            if not night_needed(self.ctx, person_id, day - 1, yesterday, today):
                return False
        if night != home:
            item = None
            if tomorrow != NONE and person_id in self.tour[tomorrow].people:
                options = self._options_for(day + 1, tomorrow)
                if options:
                    item = min(options, key=lambda o: o[1])[2].get(person_id)
            after = self._items(day + 1, item, person_id)
            return night_needed(self.ctx, person_id, day, today, after)
        return True

    def _nights(
        self, day: int, today: int, tomorrow: int, slept: tuple[PersonState, ...]
    ) -> list[tuple[tuple[str, ...], tuple[PersonState, ...], int]]:
        """Every combination of night places for the attendees after *day*."""
        per_person: list[list[tuple[str, PersonState, int]]] = []
        for k, person_id in enumerate(self.people):
            home = self.homes[k]
            options = [home]
            for index in (today, tomorrow):
                if index != NONE and person_id in self.tour[index].people:
                    place = self.ctx.night_place(person_id, self.tour[index].venues[0])
                    if place is not None and place not in options:
                        options.append(place)
            options += self._commitment_nights(person_id, day, options)
            if day >= self.hi:
                options = [home]
            choices = []
            for place in options:
                in_row = 0 if place == home else slept[k][1] + 1
                if in_row <= self.ctx.max_away:
                    choices.append(
                        (place, (place, in_row), 0 if in_row == 0 else W_NIGHT)
                    )
            per_person.append(choices)
        combos: list[tuple[tuple[str, ...], tuple[PersonState, ...], int]] = [
            ((), (), 0)
        ]
        for choices in per_person:
            combos = [
                ((*n, c[0]), (*s, c[1]), cost + c[2])
                for n, s, cost in combos
                for c in choices
            ]
        return combos

    def _commitment_nights(
        self, person_id: str, day: int, options: list[str]
    ) -> list[str]:
        """Where a commitment last tonight or first tomorrow lets a night be spent."""
        found: list[str] = []
        for fixed, at in (
            (commitment_items(self.ctx, person_id, day), -1),
            (commitment_items(self.ctx, person_id, day + 1), 0),
        ):
            place = self.ctx.night_place(person_id, fixed[at].venue) if fixed else None
            if place is not None and place not in options and place not in found:
                found.append(place)
        return found

    # --- the walk ---------------------------------------------------------------------

    def run(self, upper_bound: int | None, max_states: int) -> ExactResult:
        """Depth-first branch and bound over the days, most promising branch first.

        A branch is cut when its cost so far plus the lower bound cannot beat the
        best travel found; a state reached again no cheaper than before is cut
        too. The search stops early once a tour's travel equals the root's lower
        bound, which proves it optimal; it gives up after *max_states* states.
        """
        start = tuple((home, 0) for home in self.homes)
        floor = self._left(self.full, start, self.lo - 1) // W_TRAVEL
        limit = upper_bound // W_TRAVEL if upper_bound is not None else None
        self._floor = floor
        self._budget = max_states
        self._states = 0
        self._best: tuple[int, Step | None] | None = None
        complete = True
        # Raise the travel ceiling step by step: the first ceiling under which a
        # tour exists bounds the optimum, and the search under it finds the best.
        for ceiling in _ceilings(floor, limit):
            self._best_travel = ceiling
            self._seen: dict[tuple[object, ...], int] = {}
            for index in sorted(
                [NONE, *self.allowed[self.lo]], key=lambda i: (i == NONE, i)
            ):
                mask = 0 if index == NONE else 1 << index
                if not self._visit(self.lo, mask, index, start, 0, None):
                    complete = False
                    break
            if self._found() is not None or not complete:
                break
        proven = complete
        best = self._found()
        if best is None:
            return ExactResult(
                groups=self._ids(), proven=proven, states=self._states, placements={}
            )
        placements: dict[int, Placement] = {}
        step = best[1]
        while step is not None:
            if step.visit != NONE:
                group = self.tour[step.visit]
                placements[group.index] = Placement(
                    day=step.day, start=step.start, venue=group.venues[0]
                )
            step = step.previous
        return ExactResult(
            groups=self._ids(),
            proven=proven,
            states=self._states,
            placements=placements,
        )

    def _visit(  # noqa: C901, PLR0912, PLR0917 - the search's inner loop, kept flat for speed
        self,
        day: int,
        mask: int,
        today: int,
        slept: tuple[PersonState, ...],
        cost: int,
        back: Step | None,
    ) -> bool:
        """Explore from the morning of *day*; return False when the budget ran out."""
        if self._best is not None and self._best[0] // W_TRAVEL <= self._floor:
            return True  # travel equals the lower bound: proven optimal
        self._states += 1
        if self._states > self._budget:
            return False
        following = [NONE, *self.allowed.get(day + 1, [])] if day < self.hi else [NONE]
        homes = tuple(self.homes)
        children = []
        for tomorrow in following:
            if tomorrow != NONE and mask >> tomorrow & 1:
                continue
            new_mask = mask if tomorrow == NONE else mask | 1 << tomorrow
            for nights, people_after, night_cost in self._nights(
                day, today, tomorrow, slept
            ):
                done = self._day(day, today, slept, nights, back, tomorrow)
                if done is None:
                    continue
                total = cost + done[0] + night_cost
                bound = self._left(self.full ^ mask, people_after, day)
                if bound >= _INFINITE * W_TRAVEL:
                    continue
                travel = (total + bound) // W_TRAVEL
                if self._best_travel is not None and (
                    travel > self._best_travel
                    or (travel == self._best_travel and self._best is not None)
                ):
                    continue
                # Tonight's nights away are checked against today's start tomorrow.
                key = (day, new_mask, tomorrow, people_after, nights != homes and done)
                if self._seen.get(key, total + 1) <= total:
                    continue
                self._seen[key] = total
                children.append(
                    (
                        total + bound,
                        tomorrow == NONE,
                        tomorrow,
                        nights,
                        total,
                        new_mask,
                        people_after,
                        done[1],
                    )
                )
        children.sort(key=lambda c: (c[0] // W_TRAVEL, c[1], c[4], c[2]))
        for _, _, tomorrow, _, total, new_mask, people_after, start_minute in children:
            link = Step(back, day, today, start_minute)
            if day >= self.hi:
                travel = total // W_TRAVEL
                better = self._best is None or total < self._best[0]
                within = self._best_travel is None or travel <= self._best_travel
                if new_mask == self.full and better and within:
                    self._best = (total, link)
                    self._best_travel = travel
                continue
            if (
                self._best_travel is not None
                and (total // W_TRAVEL) > self._best_travel
            ):
                continue
            if not self._visit(day + 1, new_mask, tomorrow, people_after, total, link):
                return False
        return True

    def _found(self) -> tuple[int, Step | None] | None:
        """The best tour found so far: (cost, back-pointer chain)."""
        return self._best

    def _ids(self) -> tuple[str, ...]:
        return tuple(g.group_id for g in self.tour)


def _ceilings(floor: int, limit: int | None) -> list[int | None]:
    """Travel ceilings to try in turn, ending with the heuristic's (or none)."""
    steps = [
        floor + slack for slack in _SLACKS if limit is None or floor + slack < limit
    ]
    return [*steps, limit]
