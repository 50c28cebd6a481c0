"""Re-planning against a published plan: keep what still holds, move the least.

The published plan is the *baseline*. Every baseline event whose slot is still
valid under today's scenario (same people, day, venue and time; checked against
the calendar, pins, commitments, blackouts, the per-kind rules and travel) is
kept exactly where it was. Only the events whose slot became invalid, and the
new requests, are placed again: an invalidated event as near its old slot as it
can go (the same day and venue, then the same day, then the same week, then any
day), moving kept events out of its way when nothing is free (a chain of
at most :data:`ROOM_DEPTH`, each moved for the one before). The
usual search then polishes only what is new.

The objective is, in order: unplaced requests; then changes to published events,
weighted (another day > another venue > another time the same day > an
internal-only item such as a travel leg); then travel, nights and the rest.

Every changed event gets a :class:`~roadshow.model.ChangeReason` naming the rule
or commitment that made its old slot invalid, or the event it made room for.

With a *now*, everything that started before it is frozen: such events stay as
published whatever changed, the travel already under way to them too, and
nothing new starts before *now*.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from attrs import frozen
from pendulum import DateTime

from roadshow.model import (
    ChangeReason,
    Commitment,
    Plan,
    Scenario,
    ScheduledEvent,
    TravelLeg,
)
from roadshow.planner._context import Context, Group
from roadshow.planner._schedule import Placement, Schedule, Trial
from roadshow.planner._search import _day_trials, _in_the_way, best_placement
from roadshow.rules import is_allowed_day, is_bank_holiday
from roadshow.timeutil import epoch_minute, from_epoch_minute

W_DAY = 1000
"""Change weights: a public event moved to another day ..."""
W_VENUE = 100
"""... to another venue the same day ..."""
W_TIME = 10
"""... to another time at the same venue ..."""
W_INTERNAL = 1
"""... and a change to an internal-only item (a travel leg or a night away)."""

ROOM_DEPTH = 2
"""The longest chain of kept events moved to make room (each for the one before)."""


class ReplanContext(Context):
    """A :class:`Context` in which nothing new may start before *not_before*.

    Diary commitments over by then no longer count: the past is what happened,
    so the frozen events and journeys before *not_before* stay routable.
    """

    def __init__(self, scenario: Scenario, *, not_before: int | None) -> None:
        self.not_before = not_before
        current = scenario
        if not_before is not None:
            current = attrs.evolve(
                scenario,
                commitments=tuple(
                    c for c in scenario.commitments if epoch_minute(c.end) > not_before
                ),
            )
        super().__init__(current)
        self.scenario = scenario

    def _compute_starts(self, group: Group, day: int) -> tuple[int, ...]:
        starts = super()._compute_starts(group, day)
        if self.not_before is None:
            return starts
        return tuple(s for s in starts if s >= self.not_before)


@frozen
class _Old:
    """Where a group was in the baseline."""

    placement: Placement
    frozen: bool


class Replanner:
    """Keeps the baseline's valid events and re-places the rest near their slots."""

    def __init__(
        self,
        ctx: Context,
        schedule: Schedule,
        baseline: Plan,
        *,
        now: DateTime | None,
        days_to_try: int | None,
    ) -> None:
        self.ctx = ctx
        self.schedule = schedule
        self.baseline = baseline
        self.now = epoch_minute(now) if now is not None else None
        self.days_to_try = days_to_try
        self.events = {e.request_id: e for e in baseline.events}
        self.reasons: dict[str, ChangeReason] = {}
        self.old: dict[int, _Old] = {}
        self.invalid: dict[int, tuple[str, str]] = {}
        self.made_room: dict[int, str] = {}
        """Kept groups moved out of the way, and whom for."""
        self.otherwise = ("search", "re-placed by the search")
        """The cause and reason of a change nothing forced (the search's choice)."""

    # --- the steps --------------------------------------------------------------------

    def run(self) -> list[Group]:
        """Place the baseline and the new requests; return the groups left over."""
        ctx = self.ctx
        new = self.diagnose()
        left: list[Group] = []
        for index in sorted(self.invalid, key=lambda i: self.old[i].placement):
            group = ctx.groups[index]
            if not self._place_near(group, self.old[index].placement):
                left.append(group)
        left.extend(g for g in new if not self._place_new(g))
        return left

    def diagnose(self) -> list[Group]:
        """Keep every baseline event still valid, noting why each other one is not.

        Returns the groups new since the baseline. Alone (on a schedule of its
        own), this says why a plan made from scratch had to move what it moved.
        """
        ctx = self.ctx
        new: list[Group] = []
        for group in ctx.groups:
            old = self._old_placement(group)
            if old is None:
                new.append(group)
            else:
                self.old[group.index] = old
        order = sorted(
            self.old.items(),
            key=lambda kv: (
                not kv[1].frozen,
                kv[1].placement.start,
                ctx.groups[kv[0]].group_id,
            ),
        )
        for index, old in order:
            group = ctx.groups[index]
            problem = self._keep(group, old)
            if problem is not None:
                self.invalid[index] = problem
        return new

    def new_groups(self) -> list[Group]:
        """Groups that had no event in the baseline."""
        return [g for g in self.ctx.groups if g.index not in self.old]

    def frozen_groups(self) -> set[int]:
        """Groups that stay exactly where the baseline had them."""
        return {i for i in self.old if i not in self.invalid and not self._was_moved(i)}

    def _was_moved(self, index: int) -> bool:
        found = self.schedule.placements.get(index)
        return found != self.old[index].placement

    # --- the baseline's slots ---------------------------------------------------------

    def _old_placement(self, group: Group) -> _Old | None:
        root = self.events.get(group.group_id)
        if root is None:
            return None
        day = self.ctx.day_of_date.get(root.start.in_tz(self.ctx.tz).date())
        start = epoch_minute(root.start)
        if day is None:
            # Outside today's window: it can only be placed again.
            first = self.ctx.days[0].date
            day = 0 if root.start.in_tz(self.ctx.tz).date() < first else -1
            day %= len(self.ctx.days)
            self.invalid[group.index] = (
                "window",
                f"{_when(root.start, self.ctx.tz)} is outside the planning window",
            )
        placement = Placement(day=day, start=start, venue=root.venue_id)
        return _Old(placement=placement, frozen=self._is_frozen(group, root))

    def _is_frozen(self, group: Group, root: ScheduledEvent) -> bool:
        """Started before *now*, or someone already set off for it."""
        if self.now is None:
            return False
        if epoch_minute(root.start) < self.now:
            return True
        return any(
            epoch_minute(leg.depart) < self.now
            for leg in _legs_to(self.baseline.legs, group.people, root)
        )

    def _keep(  # noqa: PLR0911 - one return per rule, in order
        self, group: Group, old: _Old
    ) -> tuple[str, str] | None:
        """Keep *group* at its old slot if it is still valid; else say why not."""
        if group.index in self.invalid:
            return self.invalid[group.index]
        placement = old.placement
        if old.frozen:
            if self.schedule.trial(group, placement) is not None:
                self.schedule.place(group, placement)
                return None
            return "frozen", "the past no longer routes (it cannot be kept)"
        problem = self._static_problem(group, placement)
        if problem is not None:
            return problem
        rule = self.schedule.rules_allow(group, placement.day)
        if rule is not None:
            return "rule", _rule_text(rule, group)
        clash = self._clash(group, placement)
        if clash is not None:
            return "clash", clash
        if self.schedule.trial(group, placement) is None:
            return "travel", self._travel_problem(group, placement)
        self.schedule.place(group, placement)
        return None

    def _request_problem(
        self, group: Group, placement: Placement
    ) -> tuple[str, str] | None:
        """The request itself changed: its sessions, length or people."""
        if group.problems:
            return "request", "; ".join(group.problems)
        for member in group.members:
            event = self.events.get(member.request.request_id)
            if (
                event is None
                or epoch_minute(event.start) != placement.start + member.offset
                or epoch_minute(event.end)
                != placement.start + member.offset + member.length
                or event.venue_id != placement.venue
                or tuple(event.attendees) != member.request.attendees
            ):
                return "request", f"{member.request.title} changed"
        return None

    def _static_problem(  # noqa: C901, PLR0911, PLR0912 - one return per rule, in order
        self, group: Group, placement: Placement
    ) -> tuple[str, str] | None:
        """What about today's scenario alone rules the old slot out (or None)."""
        ctx = self.ctx
        changed = self._request_problem(group, placement)
        if changed is not None:
            return changed
        if placement.venue not in group.venues:
            name = _venue_name(ctx.scenario, placement.venue)
            return "venue", f"{name} is no longer a venue for it"
        if ctx.closed and ctx.is_closed(group, placement.venue, placement.start):
            return "closure", self._closure(group, placement)
        date = ctx.days[placement.day].date
        if group.pin_day is not None and placement.day != group.pin_day:
            return "pin", f"pinned to {_date(ctx.days[group.pin_day].date)}"
        for person_id in group.people:
            for blackout in ctx.scenario.blackouts:
                if blackout.person_id == person_id and blackout.covers(date):
                    why = f": {blackout.reason}" if blackout.reason else ""
                    return "blackout", (
                        f"{_name(ctx, person_id)} unavailable {_date(date)}{why}"
                    )
        if placement.day not in ctx.candidate_days[group.index]:
            if is_bank_holiday(date, ctx.scenario.calendar):
                return "calendar", f"{_date(date)} is a bank holiday"
            if not all(
                is_allowed_day(date, m.request, ctx.scenario) for m in group.members
            ):
                return "calendar", f"{_date(date)} is no longer one of its days"
            return "calendar", f"{_date(date)} is no longer allowed"
        if placement.start not in ctx.starts(group, placement.day):
            if group.pin_minute is not None:
                return "pin", "pinned to another time"
            return "hours", "its time is outside the request's times or working hours"
        busy = self._commitment(group, placement)
        if busy is not None:
            return "commitment", busy
        return None

    def _closure(self, group: Group, placement: Placement) -> str:
        """The closure of its venue the old slot runs into, in words."""
        before, after = group.at_venue
        tz = self.ctx.tz
        found = self.ctx.scenario.closure_of(
            placement.venue,
            from_epoch_minute(placement.start + before, tz),
            from_epoch_minute(placement.start + after, tz),
        )
        return found or f"{_venue_name(self.ctx.scenario, placement.venue)} closed"

    def _commitment(self, group: Group, placement: Placement) -> str | None:
        """The first diary commitment the old slot runs into, in words."""
        for person_id, span in group.spans.items():
            begin, end = placement.start + span[0], placement.start + span[1]
            if self.ctx.people[person_id].is_free(begin, end):
                continue
            for c in self.ctx.scenario.commitments:
                if (
                    c.person_id == person_id
                    and epoch_minute(c.start) < end
                    and begin < epoch_minute(c.end)
                ):
                    return describe_commitment(self.ctx.scenario, c)
            return f"{_name(self.ctx, person_id)} has a diary commitment"
        return None

    def _travel_problem(self, group: Group, placement: Placement) -> str:
        """Why the journeys around the old slot no longer fit, naming a commitment."""
        scenario = self.ctx.scenario
        first = self.ctx.days[max(placement.day - 1, 0)].date
        last = self.ctx.days[min(placement.day + 1, len(self.ctx.days) - 1)].date
        for leg in self.baseline.legs:
            if leg.person_id not in group.people or not (
                first <= leg.depart.in_tz(self.ctx.tz).date() <= last
            ):
                continue
            for c in scenario.commitments:
                if (
                    c.person_id == leg.person_id
                    and c.start < leg.arrive
                    and leg.depart < c.end
                ):
                    return "its journeys now run into " + describe_commitment(
                        scenario, c
                    )
        # No published journey runs into one: name the diary entries that day
        # (then the days either side), around which the journeys no longer fit.
        for days in ((placement.day,), (placement.day - 1, placement.day + 1)):
            dates = {self.ctx.days[d].date for d in days if 0 <= d < len(self.ctx.days)}
            around = [
                describe_commitment(scenario, c)
                for c in scenario.commitments
                if c.person_id in group.people
                and (
                    c.start.in_tz(self.ctx.tz).date() in dates
                    or c.end.in_tz(self.ctx.tz).date() in dates
                )
            ]
            if around:
                return "its journeys no longer fit around " + "; ".join(around)
        return "the journeys around it no longer fit the travel hours"

    def _clash(self, group: Group, placement: Placement) -> str | None:
        """The kept event the old slot now overlaps, in words."""
        for person_id, item in self.schedule.person_items(group, placement).items():
            for other in self.schedule.timelines[person_id].day_items(placement.day):
                if item.start < other.end and other.start < item.end:
                    them = self.ctx.groups[other.group]
                    return f"clashes with {them.title} ({them.group_id})"
        return None

    # --- placing again ----------------------------------------------------------------

    def _tiers(self, group: Group, old: Placement) -> Iterable[tuple[list[int], bool]]:
        """Days to try, nearest the old slot first, and whether to keep the venue."""
        days = self.ctx.candidate_days[group.index]
        week = self.ctx.days[old.day].week
        yield [old.day], True
        yield [old.day], False
        yield [d for d in days if self.ctx.days[d].week == week], False
        yield list(days), False

    def _best_near(self, group: Group, old: Placement) -> Trial | None:
        for days, same_venue in self._tiers(group, old):
            venues = (old.venue,) if same_venue else group.venues
            found = self._best_on(group, days, venues)
            if found is not None:
                return found
        return None

    def _best_on(
        self, group: Group, days: list[int], venues: tuple[str, ...]
    ) -> Trial | None:
        ctx, schedule = self.ctx, self.schedule
        best: Trial | None = None
        for day in days:
            if (
                day not in ctx.candidate_days[group.index]
                or schedule.rules_allow(group, day) is not None
            ):
                continue
            starts = ctx.starts(group, day)
            for venue in venues:
                if venue not in group.venues:
                    continue
                for trial in _day_trials(
                    ctx, schedule, group, day=day, venue=venue, starts=starts
                ):
                    if best is None or (trial.delta, trial.placement) < (
                        best.delta,
                        best.placement,
                    ):
                        best = trial
        return best

    def _place_near(self, group: Group, old: Placement) -> bool:
        found = self._best_near(group, old)
        if found is not None:
            self.schedule.place(group, found.placement)
            return True
        return self._make_room(group, old)

    def _place_new(self, group: Group) -> bool:
        found = best_placement(
            self.ctx, self.schedule, group, days_to_try=self.days_to_try
        )
        if found is not None:
            self.schedule.place(group, found.placement)
            return True
        return self._make_room(group, None)

    def _make_room(self, group: Group, old: Placement | None) -> bool:
        """Move kept events out of *group*'s way, each near its own old slot.

        One event if moving one is enough; else a chain of up to
        :data:`ROOM_DEPTH`, the shortest that works (fewest published events
        changed). On failure nothing has changed.
        """
        return any(
            self._chain(group, old, depth=depth, keep=frozenset())
            for depth in range(1, ROOM_DEPTH + 1)
        )

    def _chain(
        self,
        group: Group,
        old: Placement | None,
        *,
        depth: int,
        keep: frozenset[int],
    ) -> bool:
        """Place *group* by moving one event in its way.

        If that event then finds no room, one in its own way moves in turn:
        *depth* events at most, none in *keep*. On failure nothing has changed.
        """
        schedule = self.schedule
        fixed = {i for i, o in self.old.items() if o.frozen} | keep
        for blocker in _in_the_way(self.ctx, schedule, group, fixed):
            undo = schedule.take_out(blocker)
            found = (
                self._best_near(group, old)
                if old is not None
                else best_placement(self.ctx, schedule, group)
            )
            if found is not None:
                schedule.place(group, found.placement)
                was = self.old.get(blocker.index)
                before = was.placement if was is not None else None
                again = (
                    self._best_near(blocker, before)
                    if before is not None
                    else best_placement(self.ctx, schedule, blocker)
                )
                if again is not None:
                    schedule.place(blocker, again.placement)
                if again is not None or (
                    depth > 1
                    and self._chain(
                        blocker,
                        before,
                        depth=depth - 1,
                        keep=keep | {group.index},
                    )
                ):
                    self.invalid.setdefault(
                        blocker.index,
                        (
                            "made-room",
                            f"moved to make room for {group.title} ({group.group_id})",
                        ),
                    )
                    self.made_room[blocker.index] = group.group_id
                    return True
                schedule.remove(group)
            schedule.put_back(blocker, undo)
        return False

    # --- what changed, and why --------------------------------------------------------

    def changes(self, plan: Plan) -> tuple[ChangeReason, ...]:
        """One reason per request whose event differs from the baseline."""
        ctx = self.ctx
        now_events = {e.request_id: e for e in plan.events}
        out: list[ChangeReason] = []
        for group in ctx.groups:
            cause, text = self.invalid.get(group.index, ("", ""))
            room = self.made_room.get(group.index)
            for member in group.members:
                rid = member.request.request_id
                before, after = self.events.get(rid), now_events.get(rid)
                change = _change(before, after, ctx.tz)
                if change is None:
                    continue
                if before is None:
                    new_cause, new_text = "new-request", "a new request"
                    out.append(
                        ChangeReason(
                            request_id=rid,
                            change=change,
                            cause=new_cause,
                            reason=new_text,
                        )
                    )
                    continue
                out.append(
                    ChangeReason(
                        request_id=rid,
                        change=change,
                        cause=cause or self.otherwise[0],
                        reason=text or self.otherwise[1],
                        made_room_for=room,
                    )
                )
        known = ctx.scenario.request_by_id
        out.extend(
            ChangeReason(
                request_id=rid,
                change="cancelled",
                cause="removed",
                reason="its request is no longer in the scenario",
            )
            for rid in sorted(self.events)
            if rid not in known
        )
        return tuple(sorted(out, key=lambda r: r.request_id))


def change_cost(baseline: Plan, plan: Plan, *, tz: str) -> int:
    """The weighted count of changes from *baseline* to *plan* (lower is better).

    Each published event moved to another day costs :data:`W_DAY`, to another
    venue :data:`W_VENUE`, to another time :data:`W_TIME`; each travel leg or
    night away that changed :data:`W_INTERNAL`. An event lost costs a day move.
    """
    after = {e.request_id: e for e in plan.events}
    cost = 0
    for event in baseline.events:
        change = _change(event, after.get(event.request_id), tz)
        cost += {"time": W_TIME, "venue": W_VENUE}.get(change or "", 0)
        cost += W_DAY if change in {"day", "unplaced", "cancelled"} else 0
    legs_before = {_leg_key(leg) for leg in baseline.legs}
    legs_after = {_leg_key(leg) for leg in plan.legs}
    stays_before, stays_after = set(baseline.stays), set(plan.stays)
    internal = len(legs_before ^ legs_after) + len(stays_before ^ stays_after)
    return cost + internal * W_INTERNAL


def _leg_key(leg: TravelLeg) -> tuple[str, str, str, DateTime, DateTime]:
    return (leg.person_id, leg.from_id, leg.to_id, leg.depart, leg.arrive)


def _change(
    before: ScheduledEvent | None, after: ScheduledEvent | None, tz: str
) -> str | None:
    if before is None:
        return "added" if after is not None else None
    if after is None:
        return "unplaced"
    if before.start.in_tz(tz).date() != after.start.in_tz(tz).date():
        return "day"
    if before.venue_id != after.venue_id:
        return "venue"
    if before.start != after.start or before.end != after.end:
        return "time"
    return None


def _legs_to(
    legs: Iterable[TravelLeg], people: Iterable[str], event: ScheduledEvent
) -> list[TravelLeg]:
    """Each attendee's last leg arriving at *event*'s venue by its start, that day."""
    people = set(people)
    out = []
    for person_id in sorted(people):
        found = [
            leg
            for leg in legs
            if leg.person_id == person_id
            and leg.to_id == event.venue_id
            and leg.arrive <= event.start
            and leg.depart.date() == event.start.date()
        ]
        if found:
            out.append(max(found, key=lambda leg: leg.arrive))
    return out


def describe_commitment(scenario: Scenario, commitment: Commitment) -> str:
    """``Lord Darzi unavailable Wed 10 Sep 08:00-19:00: Cabinet committee``."""
    person = scenario.person_by_id.get(commitment.person_id)
    name = person.name if person is not None else commitment.person_id
    tz = scenario.timezone
    start, end = commitment.start.in_tz(tz), commitment.end.in_tz(tz)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{_when(end, tz)}"
    label = f": {commitment.label}" if commitment.label else ""
    return f"{name} unavailable {_when(start, tz)}-{until}{label}"


def _when(moment: DateTime, tz: str) -> str:
    local = moment.in_tz(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _date(day: object) -> str:
    return f"{day:%a} {getattr(day, 'day', '')} {day:%b}"


def _name(ctx: Context, person_id: str) -> str:
    return ctx.scenario.person_by_id[person_id].name


def _venue_name(scenario: Scenario, venue_id: str) -> str:
    venue = scenario.venue_by_id.get(venue_id)
    return venue.name if venue is not None else venue_id


def _rule_text(rule: str, group: Group) -> str:
    return {
        "per-person-day": f"too many {group.kind} events for one person that day",
        "per-region-week": f"too many {group.kind} events in the region that week",
        "region-day": "the region has a conflicting event that day",
    }.get(rule, rule)
