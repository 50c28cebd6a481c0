"""Say, in plain words and with dates, why a group could not be placed.

Each day of the request's window gets the first rule that rules it out; runs of
days with the same reason are folded into date ranges, e.g. ``NHS South West
visit: no day left - weekends excluded; 22-24 Sep Lord Darzi unavailable (Labour
Party conference); 1-3 Oct would need 6h40 of travel, travel hours allow 15h30``.
"""

from __future__ import annotations

from itertools import groupby

from pendulum import Date

from roadshow.model import Unplaced
from roadshow.planner._context import Context, Group
from roadshow.planner._routing import Item, route_day
from roadshow.planner._schedule import Placement, Schedule
from roadshow.rules import (
    is_allowed_day,
    is_bank_holiday,
    is_weekend,
    request_window,
    slot_windows,
)
from roadshow.timeutil import format_duration, local_datetime

_RULE_TEXT = {
    "per-person-day": "{who} already {verb} the most {kind} events allowed that day",
    "per-region-week": (
        "the region already has the most {kind} events allowed that week"
    ),
    "region-day": "the region has a {other} event that day",
    "per-person-week": "{who} already {verb} the most events allowed that week",
    "streak": "{who} would have events on too many days in a row",
}


def explain(ctx: Context, schedule: Schedule, group: Group) -> list[Unplaced]:
    """Say why *group* cannot be placed: one entry per request in it.

    The group's first request carries the reason; the requests that follow it
    say which one they follow.
    """
    first = _group_reason(ctx, schedule, group)
    out = [first]
    for member in group.members[1:]:
        request = member.request
        out.append(
            Unplaced(
                request_id=request.request_id,
                reason=(
                    f"{request.title}: follows {group.title}, which could not be placed"
                ),
                rules=("follows",),
            )
        )
    return out


def _group_reason(ctx: Context, schedule: Schedule, group: Group) -> Unplaced:
    """Return why *group* has no feasible placement in *schedule*."""
    if group.problems:
        return Unplaced(
            request_id=group.group_id,
            reason=f"{group.title}: " + "; ".join(group.problems),
            rules=("request",),
        )
    first, last = request_window(group.members[0].request, ctx.scenario)
    reasons: list[tuple[Date, str, str]] = []
    for day in ctx.days:
        if first <= day.date <= last:
            slug, text = _day_reason(ctx, schedule, group, day.index)
            reasons.append((day.date, slug, text))
    if not reasons:
        text = (
            f"its window {first:%d %b %Y} to {last:%d %b %Y} is outside the planning"
            " window"
        )
        return Unplaced(
            request_id=group.group_id,
            reason=f"{group.title}: {text}",
            rules=("window",),
        )
    parts = []
    rules = []
    for (slug, text), run in groupby(reasons, key=lambda r: (r[1], r[2])):
        days = [r[0] for r in run]
        if slug not in rules:
            rules.append(slug)
        if slug == "weekend":
            if "weekends excluded" not in parts:
                parts.append("weekends excluded")
            continue
        parts.append(f"{_span(days)} {text}")
    return Unplaced(
        request_id=group.group_id,
        reason=f"{group.title}: no day left - " + "; ".join(parts),
        rules=tuple(rules),
    )


def _day_reason(  # noqa: C901, PLR0911 - one return per rule, in order of precedence
    ctx: Context, schedule: Schedule, group: Group, day: int
) -> tuple[str, str]:
    scenario = ctx.scenario
    date = ctx.days[day].date
    root = group.members[0].request
    if group.pin_day is not None and day != group.pin_day:
        return "pinned", "not the pinned day"
    if is_bank_holiday(date, scenario.calendar):
        return "bank-holiday", "bank holiday"
    if not all(is_allowed_day(date, m.request, scenario) for m in group.members):
        if is_weekend(date, scenario.calendar) and not slot_windows(
            date, root, scenario.calendar
        ):
            return "weekend", "weekend"
        return "slot-days", "not one of the request's days"
    for person_id in group.people:
        for blackout in scenario.blackouts:
            if blackout.person_id == person_id and blackout.covers(date):
                why = f" ({blackout.reason})" if blackout.reason else ""
                return "blackout", f"{_name(ctx, person_id)} unavailable{why}"
    rule = schedule.rules_allow(group, day)
    if rule is not None:
        return rule, _rule_text(ctx, group, rule)
    starts = ctx.starts(group, day)
    if not starts:
        return "hours", "no start fits the request's times and working hours"
    placements = [
        Placement(day=day, start=s, venue=v) for v in group.venues for s in starts
    ]
    if ctx.closed and all(ctx.is_closed(group, p.venue, p.start) for p in placements):
        return "closure", _closure_text(ctx, group, day)
    free = [p for p in placements if _diary_free(ctx, group, p)]
    if not free:
        return "commitment", _commitment_text(ctx, group, placements[0])
    open_ = [p for p in free if schedule.fits(group, p)]
    if not open_:
        return "clash", "clashes with other events already placed"
    return "travel", _travel_text(ctx, group, day)


def _closure_text(ctx: Context, group: Group, day: int) -> str:
    date = ctx.days[day].date
    start = local_datetime(date, 0, ctx.tz)
    for venue in group.venues:
        found = ctx.scenario.closure_of(venue, start, start.add(days=1))
        if found is not None:
            return found
    return "its venue is closed"


def _diary_free(ctx: Context, group: Group, placement: Placement) -> bool:
    return all(
        ctx.people[p].is_free(placement.start + span[0], placement.start + span[1])
        for p, span in group.spans.items()
    )


def _commitment_text(ctx: Context, group: Group, placement: Placement) -> str:
    for person_id in group.people:
        busy = ctx.people[person_id].busy_overlapping(
            placement.start - 24 * 60, placement.start + 24 * 60
        )
        if busy:
            label = busy[0][2] or "a diary commitment"
            return f"{_name(ctx, person_id)} has {label}"
    return "a diary commitment leaves no time"


def _travel_text(ctx: Context, group: Group, day: int) -> str:
    """Explain the travel that does not fit, for the attendee with the longest trip."""
    worst = None
    for person_id in group.people:
        home = ctx.home[person_id]
        for venue in group.venues:
            there, back = (
                ctx.minutes(person_id, home, venue),
                ctx.minutes(person_id, venue, home),
            )
            if worst is None or there + back > worst[0]:
                worst = (there + back, person_id, venue)
    total, person_id, venue = worst or (0, group.people[0], group.venues[0])
    start, end = ctx.people[person_id].travel_window(day)
    duration = max(m.offset + m.length for m in group.members)
    # Check the plain day trip too, so the sentence never contradicts the rules.
    place = ctx.scenario.venue_by_id[venue].name
    return (
        f"would need {format_duration(total)} of travel for {_name(ctx, person_id)}"
        f" to {place} and back around a {format_duration(duration)} programme,"
        f" travel hours allow {format_duration(end - start)}"
        + (
            " (other events that week leave no route)"
            if _day_trip_fits(ctx, group, day, person_id, venue)
            else ""
        )
    )


def _day_trip_fits(
    ctx: Context, group: Group, day: int, person_id: str, venue: str
) -> bool:
    home = ctx.home[person_id]
    span = group.spans[person_id]
    for start in ctx.starts(group, day):
        item = Item(
            start + span[0],
            start + span[1],
            venue,
            group.index,
            start + group.finishes[person_id],
            group.leads[person_id],
        )
        if route_day(ctx, person_id, day, home, [item], home) is not None:
            return True
    return False


def _rule_text(ctx: Context, group: Group, rule: str) -> str:
    rules = group.kind_rules
    who = " and ".join(_name(ctx, p) for p in group.people)
    other = rules.avoid_region_days_of or next(
        (
            r.kind
            for r in ctx.scenario.rules.kinds
            if r.avoid_region_days_of == group.kind
        ),
        "other",
    )
    verb = "has" if len(group.people) == 1 else "have"
    return _RULE_TEXT[rule].format(who=who, verb=verb, kind=group.kind, other=other)


def _name(ctx: Context, person_id: str) -> str:
    return ctx.scenario.person_by_id[person_id].name


def _span(days: list[Date]) -> str:
    """Format a run of dates: ``22 Sep``, ``22-24 Sep`` or ``29 Sep-3 Oct``."""
    first, last = days[0], days[-1]
    if first == last:
        return f"{first.day} {first:%b}"
    if (first.month, first.year) == (last.month, last.year):
        return f"{first.day}-{last.day} {last:%b}"
    return f"{first.day} {first:%b}-{last.day} {last:%b}"
