"""The scheduling core: ``plan(scenario) -> Plan``.

Pure and deterministic: no clock, no files, no unseeded randomness, and every
tie broken on (day, start, venue, id). The same scenario gives the same plan, and
the same bytes once rendered, on every machine.

How it works: requests become *groups* (a request and those that follow it).
Fixed groups go in first, then tours (sets of day-exclusive visits such as the
ten regional visits), which an exact search places with proven-optimal travel
(see :mod:`roadshow.planner._exact`); a constructive pass then places the rest,
hardest first, at their cheapest feasible day, venue and start, and local search
relocates groups while that lowers the cost (see :mod:`roadshow.objective` for
the order of criteria). Requests that cannot be placed are listed in
``Plan.unplaced`` with the rules that block them, by date.

Two kinds of programme get more. Where one person visits many places (as many
visits as days, such as a tour of all 152 PCT areas), their visits are cut from
a tour into days and nights (:mod:`~roadshow.planner._split`) or, over many
weeks, also from one short round trip per week (:mod:`~roadshow.planner._petals`;
the cheaper start goes on), searched day against day
(:mod:`~roadshow.planner._tripsearch`), then week against week
(:mod:`~roadshow.planner._weeks`, :mod:`~roadshow.planner._weekswap`). Last,
each person's weeks are emptied and refilled in other orders
(:mod:`~roadshow.planner._ruin`) and searched two days at a time
(:mod:`~roadshow.planner._weeksearch`), kept only where they place more or cost
less. Every stage counts its rounds and seeds its shuffles, so it stays
deterministic.

Given a *baseline* (the published plan), the planner re-plans instead: it keeps
every baseline event that is still valid and moves as few as it can, each change
with its reason (see :mod:`roadshow.planner._baseline`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

import attrs
from attrs import frozen
from pendulum import DateTime

from roadshow.errors import PlanningError
from roadshow.model import ChangeReason, Plan, Scenario
from roadshow.objective import Objective, evaluate
from roadshow.planner._baseline import ReplanContext, Replanner, change_cost
from roadshow.planner._context import Context, Group
from roadshow.planner._exact import solve_tour
from roadshow.planner._explain import explain
from roadshow.planner._materialize import materialize
from roadshow.planner._routes import (
    rebuild_days,
    rebuild_for,
    seed_days,
    tour_ranks,
)
from roadshow.planner._ruin import RuinParams, recreate
from roadshow.planner._schedule import Schedule
from roadshow.planner._search import construct, improve, is_fixed, repair, swap
from roadshow.planner._tours import tours
from roadshow.timeutil import epoch_minute

__all__ = ["PlanParams", "Result", "TourReport", "plan", "solve"]

_LARGE_DAYS_TO_TRY = 20


@frozen(kw_only=True)
class PlanParams:
    """Knobs of the search. The defaults suit programmes of up to a few thousand events.

    Attributes:
        max_passes: Local-search passes at most (a pass tries to move every group).
        exact_max_groups: Tours of up to this many visits get the exact search.
        exact_max_states: The exact search gives up (keeping the heuristic tour)
            after this many states.
        days_to_try: Each placement tries only this many days, those nearest to
            where the group's people already are (None: every day, or 20 for
            programmes of more than ``large_programme`` requests).
        large_programme: Programmes with more requests than this get the
            faster settings: 20 days to try, swaps with the next 8 requests in
            time only, and a shallower repair.
        min_pass_gain: Local search stops after a pass that lowers the cost by
            less than this fraction (counted, never timed: results stay the same
            on every machine).
        tour_seed: Place the visits of a person with many in the order of a
            short tour through their venues (else in a sweep around their home).
        cut_tours: Where all of a person's visits share one window, cut their
            tour into days in order before the construction; with at least as
            many visits as days, by an exact split and a search of the days
            (see :func:`roadshow.planner._routes.seed_days`).
        ruin_starts: Last, each person's weeks are emptied and refilled
            (ruin and recreate, :mod:`roadshow.planner._ruin`) from this many
            starts on a tour through the week's venues, each way round, filled
            from the week's first day on and from its last day back; kept
            where that places more or costs less. Programmes of more than
            ``large_programme`` requests rebuild only the weeks with a request
            left unplaced. 0 with no shuffles: never.
        ruin_shuffles: Refills of each week also from this many shuffles
            (fixed seed) of the construction's order.
        ruin_polish: The cheapest refills of a week polished by local search
            (programmes of more than ``large_programme`` requests: the
            cheapest only).
        week_passes: After its refill, each person's week is searched two
            days at a time (:mod:`roadshow.planner._weeksearch`) for at most
            this many passes over its pairs of days, stopping after two passes
            in a row that lower nothing (programmes of more than ``large_programme``
            requests: one pass, in the weeks they rebuild). 0: never.
    """

    max_passes: int = 8
    exact_max_groups: int = 12
    exact_max_states: int = 200_000
    days_to_try: int | None = None
    large_programme: int = 600
    min_pass_gain: float = 0.005
    tour_seed: bool = True
    cut_tours: bool = True
    ruin_starts: int = 1
    ruin_shuffles: int = 0
    ruin_polish: int = 3
    week_passes: int = 2

    def __attrs_post_init__(self) -> None:
        if (
            self.max_passes < 0
            or self.exact_max_groups < 0
            or self.exact_max_states < 0
        ):
            msg = "max_passes, exact_max_groups and exact_max_states must be 0 or more"
            raise PlanningError(msg)
        if (
            min(self.ruin_starts, self.ruin_shuffles, self.ruin_polish) < 0
            or self.week_passes < 0
        ):
            msg = (
                "ruin_starts, ruin_shuffles, ruin_polish and week_passes"
                " must be 0 or more"
            )
            raise PlanningError(msg)


@frozen(kw_only=True)
class TourReport:
    """How the exact search went for one tour (a set of day-exclusive visits)."""

    request_ids: tuple[str, ...]
    optimal: bool
    """True when the search finished, so the tour's placements are proven best."""
    states: int


@frozen(kw_only=True)
class Result:
    """A plan with its score and how the search went."""

    plan: Plan
    objective: Objective
    tours: tuple[TourReport, ...]
    passes: int
    changes: tuple[ChangeReason, ...] = ()
    """Against a baseline: one reason per event changed, added or lost."""
    change_cost: int = 0
    """Against a baseline: the weighted count of changes (0 for none)."""


def plan(
    scenario: Scenario,
    params: PlanParams | None = None,
    *,
    baseline: Plan | None = None,
    now: DateTime | None = None,
    fresh: bool = False,
) -> Plan:
    """Plan *scenario*: place every request it can and explain the rest.

    Args:
        scenario: What to plan.
        params: Search settings; the defaults are fine for most programmes.
        baseline: The published plan to re-plan against: its events that are
            still valid stay where they are, and the fewest others move.
        now: Everything in *baseline* that started before it (travel included)
            stays as it was, and nothing new starts before it.
        fresh: Plan from scratch even with a *baseline* (see :func:`solve`).

    Returns:
        The plan: events, travel legs, overnight stays, and unplaced requests
        with their reasons. An infeasible request is a value in
        ``Plan.unplaced``, never an exception.

    Raises:
        PlanningError: *params* are invalid.
    """
    return solve(scenario, params, baseline=baseline, now=now, fresh=fresh).plan


def solve(
    scenario: Scenario,
    params: PlanParams | None = None,
    *,
    baseline: Plan | None = None,
    now: DateTime | None = None,
    fresh: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Plan *scenario* and report the score and the search (see :func:`plan`).

    Args:
        scenario: What to plan.
        params: Search settings.
        baseline: The published plan to re-plan against (see :func:`plan`).
        now: The frozen past ends here (see :func:`plan`).
        fresh: Plan from scratch, ignoring *baseline*'s slots, but still say
            why each of its events changed: the rule or commitment that made
            its slot invalid, else ``re-planned from scratch (--fresh)``.
        progress: Called with a short message as each phase starts.

    Raises:
        PlanningError: *params* are invalid.
    """
    with _collector_paused():
        return _solve(scenario, params, baseline, now=now, fresh=fresh, say=progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while planning.

    The search fills caches with millions of small tuples that hold no cycles,
    and the collector kept rescanning them: a third of ``pct-tour``'s CPU. The
    planner's own garbage is freed by reference counting, so peak memory stays
    as it was; the collector is switched back on (if it was on) after the call.
    Every plan is the same either way.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _solve(
    scenario: Scenario,
    params: PlanParams | None,
    baseline: Plan | None,
    *,
    now: DateTime | None,
    fresh: bool,
    say: Callable[[str], None] | None,
) -> Result:
    """:func:`solve`'s work, under :func:`_collector_paused`."""
    params = params or PlanParams()
    say = say or (lambda _message: None)
    ctx = (
        Context(scenario)
        if now is None
        else ReplanContext(scenario, not_before=epoch_minute(now))
    )
    schedule = Schedule(ctx)
    groups = list(ctx.groups)
    large = len(groups) > params.large_programme
    days = params.days_to_try
    if days is None and large:
        days = _LARGE_DAYS_TO_TRY
    if baseline is not None and not fresh:
        return _replan(ctx, schedule, baseline, now=now, params=params, days=days)
    found = tours(ctx, groups, max_groups=params.exact_max_groups)
    in_tours = [g for tour in found for g in tour]
    # Fixed groups and tours first; the rest of the programme fits around them.
    left = construct(ctx, schedule, [g for g in groups if is_fixed(g)])
    left += construct(ctx, schedule, [g for g in in_tours if not is_fixed(g)])
    improve(ctx, schedule, in_tours, max_passes=params.max_passes)
    if found:
        say(f"Searching {len(found)} tour(s) of {len(in_tours)} visits exactly")
    reports = [_exact_tour(ctx, schedule, tour, params) for tour in found]
    # Polishing a proven tour never raises its travel (travel dominates the cost),
    # so this only improves nights, late finishes and preferred times.
    improve(ctx, schedule, in_tours, max_passes=params.max_passes)
    proven = {
        g.index
        for tour, report in zip(found, reports, strict=True)
        if report.optimal
        for g in tour
    }
    left = [g for g in left if g.index not in schedule.placements]
    rest = [g for g in groups if g not in in_tours and not is_fixed(g)]
    say(f"Placing {len(rest)} more requests")
    ranks = tour_ranks(ctx, rest) if params.tour_seed else None
    cut: list[str] = []
    if ranks and params.cut_tours:
        cut = seed_days(ctx, schedule, rest, ranks)
        rest = [g for g in rest if g.index not in schedule.placements]
    left += construct(ctx, schedule, rest, days_to_try=days, ranks=ranks)
    say("Improving the plan")
    movable = [g for g in groups if g.index not in proven]

    def polish() -> int:
        return improve(
            ctx,
            schedule,
            movable,
            max_passes=params.max_passes,
            days_to_try=days,
            min_gain=params.min_pass_gain,
        )

    passes = polish()
    swapped = swap(ctx, schedule, movable, frozen=proven, partners=8 if large else None)
    # Rebuilt days open up new single moves too.
    swapped += rebuild_days(ctx, schedule, ranks or {}, cut)
    if swapped and not large:
        passes += polish()  # the swaps open up new single moves
    if left:
        # Local search may have opened room for what did not fit at first;
        # then moving one other group out of the way may make room.
        left = construct(ctx, schedule, left)
        if ranks and params.cut_tours:
            left = _rebuild_for(
                ctx, schedule, left, ranks, params=params, cut=cut, large=large
            )
        left = repair(
            ctx,
            schedule,
            left,
            frozen=proven,
            days_to_try=days,
            depth=1 if large else 2,
        )
    left = recreate(
        ctx,
        schedule,
        movable,
        left,
        frozen=proven,
        skip=set(cut),
        params=_ruin_params(params, large=large),
        days_to_try=days,
        say=say,
    )
    unplaced = [u for g in left for u in explain(ctx, schedule, g)]
    result = materialize(ctx, schedule, unplaced)
    if baseline is not None:
        return Result(
            plan=result,
            objective=evaluate(scenario, result),
            tours=tuple(reports),
            passes=passes,
            changes=_fresh_changes(ctx, baseline, result, now=now),
            change_cost=change_cost(baseline, result, tz=ctx.tz),
        )
    return Result(
        plan=result,
        objective=evaluate(scenario, result),
        tours=tuple(reports),
        passes=passes,
    )


def _ruin_params(params: PlanParams, *, large: bool) -> RuinParams:
    # Large programmes rebuild only the weeks with a request left out: placing
    # it outweighs any travel, and every week would cost half the planning time.
    # One pass of the week search there places more (synthetic-1000: 49 -> 48
    # unplaced) for about a sixth more time; more passes add little. The
    # same goes for polishing more than the cheapest refill.
    return RuinParams(
        shuffles=params.ruin_shuffles,
        tour_starts=params.ruin_starts,
        polish=min(params.ruin_polish, 1) if large else params.ruin_polish,
        short_weeks_only=large,
        week_passes=min(params.week_passes, 1) if large else params.week_passes,
    )


def _rebuild_for(
    ctx: Context,
    schedule: Schedule,
    left: list[Group],
    ranks: dict[int, float],
    *,
    params: PlanParams,
    cut: list[str],
    large: bool,
) -> list[Group]:
    """Rebuild the days near left-over visits (:func:`rebuild_for`).

    Where the week search runs on every week (programmes up to
    ``large_programme``), it refills the weeks of everyone but the people with
    cut tours, left-over visits included, so only their visits are rebuilt
    here: on ``synthetic-200`` the rebuild placed none of the others and took
    a fifth of the planning time.
    """
    if (
        large
        or not params.week_passes
        or not (params.ruin_starts or params.ruin_shuffles)
    ):
        return rebuild_for(ctx, schedule, left, ranks)
    tours = [g for g in left if not set(g.people).isdisjoint(cut)]
    still = {g.index for g in rebuild_for(ctx, schedule, tours, ranks)}
    return [g for g in left if g.index in still or g not in tours]


def _fresh_changes(
    ctx: Context, baseline: Plan, result: Plan, *, now: DateTime | None
) -> tuple[ChangeReason, ...]:
    """Why a plan made from scratch changed *baseline*'s events.

    The baseline is checked against today's scenario on a schedule of its own:
    an event whose slot is no longer valid gets that reason (the commitment,
    closure or rule), any other change ``re-planned from scratch (--fresh)``,
    or for an event the fresh plan left unplaced, why it could not be placed.
    """
    diagnosis = Replanner(ctx, Schedule(ctx), baseline, now=now, days_to_try=None)
    diagnosis.otherwise = ("fresh", "re-planned from scratch (--fresh)")
    diagnosis.diagnose()
    unplaced = {u.request_id: u.reason for u in result.unplaced}
    return tuple(
        attrs.evolve(c, reason=unplaced[c.request_id])
        if c.cause == "fresh" and c.change == "unplaced" and c.request_id in unplaced
        else c
        for c in diagnosis.changes(result)
    )


def _replan(
    ctx: Context,
    schedule: Schedule,
    baseline: Plan,
    *,
    now: DateTime | None,
    params: PlanParams,
    days: int | None,
) -> Result:
    """Keep the baseline's valid events, re-place the rest, polish only the new."""
    replanner = Replanner(ctx, schedule, baseline, now=now, days_to_try=days)
    left = replanner.run()
    new = [g for g in replanner.new_groups() if g.index in schedule.placements]
    passes = (
        improve(
            ctx,
            schedule,
            new,
            max_passes=params.max_passes,
            days_to_try=days,
            min_gain=params.min_pass_gain,
        )
        if new
        else 0
    )
    unplaced = [u for g in left for u in explain(ctx, schedule, g)]
    result = materialize(ctx, schedule, unplaced)
    return Result(
        plan=result,
        objective=evaluate(ctx.scenario, result),
        tours=(),
        passes=passes,
        changes=replanner.changes(result),
        change_cost=change_cost(baseline, result, tz=ctx.tz),
    )


def _exact_tour(
    ctx: Context, schedule: Schedule, tour: list[Group], params: PlanParams
) -> TourReport:
    """Replace a heuristically placed tour by the exact search's answer."""
    placed = [g for g in tour if g.index in schedule.placements]
    ids = tuple(g.group_id for g in tour)
    # If the heuristic could not place every visit, the search starts unbounded.
    upper = schedule.cost if len(placed) == len(tour) else None
    before = {g.index: schedule.remove(g) for g in placed}
    if upper is not None:
        upper -= schedule.cost
    found = solve_tour(
        ctx, schedule, tour, upper_bound=upper, max_states=params.exact_max_states
    )
    if found is not None and found.placements and len(found.placements) == len(tour):
        for group in tour:
            schedule.place(group, found.placements[group.index])
        people = {p for g in tour for p in g.people}
        # The search does not know the per-person limits (event days in a row,
        # events a week): a tour over them is dropped for the heuristic one.
        if not any(schedule.over_person_limits(p) for p in people):
            return TourReport(
                request_ids=ids, optimal=found.proven, states=found.states
            )
        for group in tour:
            schedule.remove(group)
        found = None
    for group in placed:
        schedule.place(group, before[group.index])
    optimal = found is not None and found.proven and upper is not None
    return TourReport(
        request_ids=ids, optimal=optimal, states=found.states if found else 0
    )
