"""The planner's working state: where each group is, and what that costs.

:class:`Schedule` keeps a :class:`~roadshow.planner._routing.Timeline` per person
(their items and routing costs) and the counters behind the per-kind rules, so
trying a group at a day, venue and start costs a local re-route per attendee.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from attrs import frozen

from roadshow.objective import W_NEIGHBOUR, W_PREFERENCE
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Item, Saved, Timeline
from roadshow.timeutil import day_minute


@frozen(order=True)
class Placement:
    """Where and when a group happens."""

    day: int
    start: int
    venue: str


@frozen
class Undo:
    """What :meth:`Schedule.put_back` needs to restore a group taken out."""

    placement: Placement
    soft_cost: int
    timelines: dict[str, Saved]


@frozen
class Trial:
    """The cost change of placing a group somewhere."""

    delta: int
    placement: Placement


class Schedule:
    """Groups placed so far, with incremental costs."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.placements: dict[int, Placement] = {}
        self.timelines = {
            person_id: Timeline(ctx, person_id) for person_id in ctx.people
        }
        self.person_kind_day: dict[tuple[str, int, str], int] = defaultdict(int)
        self.region_kind_week: dict[tuple[str, int, str], int] = defaultdict(int)
        self.region_kind_day: dict[tuple[str, int, str], int] = defaultdict(int)
        self.kind_day: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._near_counts: dict[tuple[str, int], dict[str, int]] = {}
        """Per kind and day: venue -> the kind's groups near it (see soft_cost_of)."""
        self.person_day: dict[tuple[str, int], int] = defaultdict(int)
        self.person_week: dict[tuple[str, int], int] = defaultdict(int)
        self.soft_cost = 0
        # A counter of changes, and when each person's day last changed: lets
        # estimates computed from a day's neighbourhood be reused until it moves.
        self.clock = 0
        self.changed_at = {p: [0] * len(ctx.days) for p in ctx.people}
        self.estimates: dict[int, tuple[int, list[int]]] = {}
        # The per-person limits, read once (rules_allow runs for every day tried).
        self._per_week = ctx.scenario.rules.max_events_per_week
        self._in_row = {p: ctx.scenario.max_event_days_in_row(p) for p in ctx.people}
        self._per_row = ctx.scenario.rules.max_event_days_in_row
        self._avoiding = defaultdict(list)
        for rules in ctx.scenario.rules.kinds:
            if rules.avoid_region_days_of:
                self._avoiding[rules.avoid_region_days_of].append(rules.kind)

    @property
    def cost(self) -> int:
        """The scalar objective of what is placed (unplaced requests not counted)."""
        return self.soft_cost + sum(t.cost for t in self.timelines.values())

    # --- rules ------------------------------------------------------------------------

    def rules_allow(self, group: Group, day: int) -> str | None:
        """Return the rule that forbids *group* on *day*, or None."""
        found = self._person_rules(group, day)
        if found is not None:
            return found
        rules = group.kind_rules
        if rules.max_per_person_per_day is not None:
            for person_id in group.people:
                if (
                    self.person_kind_day[(person_id, day, group.kind)]
                    >= rules.max_per_person_per_day
                ):
                    return "per-person-day"
        region = group.region_id
        if region is not None:
            week = self.ctx.days[day].week
            if (
                rules.max_per_region_per_week is not None
                and self.region_kind_week[(region, week, group.kind)]
                >= rules.max_per_region_per_week
            ):
                return "per-region-week"
            if (
                rules.avoid_region_days_of
                and self.region_kind_day[(region, day, rules.avoid_region_days_of)]
            ):
                return "region-day"
            for other in self._avoiding[group.kind]:
                if self.region_kind_day[(region, day, other)]:
                    return "region-day"
        return None

    def over_person_limits(self, person_id: str) -> bool:
        """Tell whether *person_id* is over the event-days-in-a-row or weekly limit."""
        in_row = self.ctx.scenario.max_event_days_in_row(person_id)
        per_week = self.ctx.scenario.rules.max_events_per_week
        run = 0
        for day in self.ctx.days:
            run = run + 1 if self.person_day.get((person_id, day.index), 0) else 0
            if in_row is not None and run > in_row:
                return True
            if (
                per_week is not None
                and self.person_week.get((person_id, day.week), 0) > per_week
            ):
                return True
        return False

    def _person_rules(self, group: Group, day: int) -> str | None:
        """Events per person and week, and event days in a row."""
        week = self.ctx.days[day].week
        per_week = self._per_week
        person_day = self.person_day
        for person_id in group.people:
            if (
                per_week is not None
                and self.person_week.get((person_id, week), 0) >= per_week
            ):
                return "per-person-week"
            in_row = self._in_row.get(person_id, self._per_row)
            if in_row is not None and not person_day.get((person_id, day), 0):
                run = 1
                for step in (-1, 1):
                    d = day + step
                    while person_day.get((person_id, d), 0):
                        run += 1
                        d += step
                if run > in_row:
                    return "streak"
        return None

    def person_items(self, group: Group, placement: Placement) -> dict[str, Item]:
        """The item each attendee gets if *group* is at *placement*."""
        return {
            person_id: Item(
                placement.start + span[0],
                placement.start + span[1],
                placement.venue,
                group.index,
                placement.start + group.finishes[person_id],
                group.leads[person_id],
            )
            for person_id, span in group.spans.items()
        }

    def fits(self, group: Group, placement: Placement) -> bool:
        """Tell whether the attendees are free (no overlap, no commitment) then.

        And whether the venue is open: a closed venue fits no group.
        """
        return not self._closed(group, placement) and self._free(
            placement.day, self.person_items(group, placement)
        )

    def _closed(self, group: Group, placement: Placement) -> bool:
        ctx = self.ctx
        return bool(ctx.closed) and ctx.is_closed(
            group, placement.venue, placement.start
        )

    def _free(self, day: int, items: dict[str, Item]) -> bool:
        """Tell whether each attendee is free for their item on *day*."""
        for person_id, item in items.items():
            if not self.ctx.people[person_id].is_free(item.start, item.end):
                return False
            for other in self.timelines[person_id].day_items(day):
                if item.start < other.end and other.start < item.end:
                    return False
        return True

    # --- trying and applying ----------------------------------------------------------

    def fit_trial(self, group: Group, placement: Placement) -> int | None:
        """:meth:`trial` where :meth:`fits` allows the placement, else None.

        The attendees' items are made once for both (a search tries many starts).
        """
        if self._closed(group, placement):
            return None
        items = self.person_items(group, placement)
        if not self._free(placement.day, items):
            return None
        return self._trial(group, placement, items)

    def trial(self, group: Group, placement: Placement) -> int | None:
        """The cost change of placing *group* at *placement*, None if impossible."""
        return self._trial(group, placement, self.person_items(group, placement))

    def _trial(
        self, group: Group, placement: Placement, items: dict[str, Item]
    ) -> int | None:
        delta = self.soft_cost_of(group, placement)
        for person_id, item in items.items():
            timeline = self.timelines[person_id]
            held = list(timeline.day_items(placement.day))
            bisect.insort(held, item)
            change = timeline.trial(placement.day, held)
            if change is None:
                return None
            delta += change
        return delta

    def place(self, group: Group, placement: Placement) -> None:
        """Place *group*, which must not be placed yet."""
        self.soft_cost += self.soft_cost_of(group, placement)
        for person_id, item in self.person_items(group, placement).items():
            timeline = self.timelines[person_id]
            items = list(timeline.day_items(placement.day))
            bisect.insort(items, item)
            timeline.commit(placement.day, items)
            self._touch(person_id, placement.day)
        self.placements[group.index] = placement
        self._count(group, placement.day, +1)

    def remove(self, group: Group) -> Placement:
        """Remove a placed group and return where it was."""
        placement = self.placements.pop(group.index)
        self._count(group, placement.day, -1)
        self.soft_cost -= self.soft_cost_of(group, placement)
        for person_id in group.spans:
            timeline = self.timelines[person_id]
            items = [
                i for i in timeline.day_items(placement.day) if i.group != group.index
            ]
            timeline.commit(placement.day, items)
            self._touch(person_id, placement.day)
        return placement

    def remove_all(self, groups: list[Group]) -> None:
        """Remove placed *groups* at once: one re-route per person and day touched."""
        days: dict[tuple[str, int], set[int]] = defaultdict(set)
        for group in groups:
            placement = self.placements.pop(group.index)
            self._count(group, placement.day, -1)
            self.soft_cost -= self.soft_cost_of(group, placement)
            for person_id in group.spans:
                days[(person_id, placement.day)].add(group.index)
        for (person_id, day), gone in sorted(days.items()):
            timeline = self.timelines[person_id]
            items = [i for i in timeline.day_items(day) if i.group not in gone]
            timeline.commit(day, items)
            self._touch(person_id, day)

    def take_out(self, group: Group) -> Undo:
        """Remove *group*, keeping what :meth:`put_back` needs to undo that cheaply."""
        saved = {p: self.timelines[p].snapshot() for p in group.spans}
        soft = self.soft_cost
        placement = self.remove(group)
        return Undo(placement=placement, soft_cost=soft, timelines=saved)

    def put_back(self, group: Group, undo: Undo) -> None:
        """Undo :meth:`take_out` (nothing else may have changed in between)."""
        for person_id, saved in undo.timelines.items():
            self.timelines[person_id].restore(saved)
            self._touch(person_id, undo.placement.day)
        self.soft_cost = undo.soft_cost
        self.placements[group.index] = undo.placement
        self._count(group, undo.placement.day, +1)

    def removal_gain(self, group: Group) -> int:
        """Return how much the cost drops if *group* is removed (nothing changes)."""
        placement = self.placements[group.index]
        self._count(group, placement.day, -1)
        try:
            gain = self.soft_cost_of(group, placement)
        finally:
            self._count(group, placement.day, +1)
        for person_id in group.spans:
            timeline = self.timelines[person_id]
            items = [
                i for i in timeline.day_items(placement.day) if i.group != group.index
            ]
            change = timeline.trial(placement.day, items)
            if change is None:  # taking an event out never strands anyone; stay safe
                return 0
            gain -= change
        return gain

    def changed_since(self, person_id: str, day: int, moment: int) -> bool:
        """Tell whether *person_id*'s days around *day* changed after *moment*."""
        changed = self.changed_at[person_id]
        first, last = max(day - 1, 0), min(day + 1, len(changed) - 1)
        return max(changed[first : last + 1]) > moment

    def _touch(self, person_id: str, day: int) -> None:
        self.clock += 1
        self.changed_at[person_id][day] = self.clock

    # --- internals --------------------------------------------------------------------

    def soft_cost_of(self, group: Group, placement: Placement) -> int:
        """Neighbour clashes and preferred-time distance of one placement."""
        cost = 0
        if group.preferred is not None:
            date = self.ctx.days[placement.day].date
            cost += (
                abs(placement.start - day_minute(date, group.preferred, self.ctx.tz))
                * W_PREFERENCE
            )
        limit = group.kind_rules.neighbour_km
        if limit is not None:
            if group.index in self.placements:
                return cost + W_NEIGHBOUR * self._near_count(group, placement, limit)
            # Not placed, so not counted that day: the count of the kind's
            # groups near the venue is shared until one of them moves.
            key = (group.kind, placement.day)
            counts = self._near_counts.get(key)
            if counts is None:
                counts = self._near_counts[key] = {}
            found = counts.get(placement.venue)
            if found is None:
                found = counts[placement.venue] = self._near_count(
                    group, placement, limit
                )
            cost += W_NEIGHBOUR * found
        return cost

    def _near_count(self, group: Group, placement: Placement, limit: float) -> int:
        """How many other groups of *group*'s kind that day are near its venue."""
        placements, venue = self.placements, placement.venue
        near = self.ctx.near_to(venue, limit)
        count = 0
        for other in self.kind_day[(group.kind, placement.day)]:
            if other == group.index:
                continue
            there = placements[other].venue
            found = near.get(there)
            if found is None:
                found = self.ctx.is_near(venue, there, limit)
            count += found
        return count

    def _count(self, group: Group, day: int, step: int) -> None:
        week = self.ctx.days[day].week
        for person_id in group.people:
            self.person_kind_day[(person_id, day, group.kind)] += step
            self.person_day[(person_id, day)] += step
            self.person_week[(person_id, week)] += step
        if group.region_id is not None:
            self.region_kind_week[
                (group.region_id, self.ctx.days[day].week, group.kind)
            ] += step
            self.region_kind_day[(group.region_id, day, group.kind)] += step
        members = self.kind_day[(group.kind, day)]
        self._near_counts.pop((group.kind, day), None)
        if step > 0:
            members.append(group.index)
        else:
            members.remove(group.index)
