"""Each person's programme as a path through the days: the arcs and their rules."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from attrs import frozen
from ortools.sat.python import cp_model

from bench.reference._groups import _Group
from roadshow.nights import TIGHT_DAY_MINUTES

if TYPE_CHECKING:
    from bench.reference._model import _Part


_Restrict = tuple[_Group, int, list[int]]
"""A node's group, its day and the starts an arc keeps it to."""


@frozen
class _Side:
    """The starts of a node (group, day) that give a night its reason."""

    group: _Group
    day: int
    starts: list[int]
    always: bool
    """True when every start the arc allows gives the reason."""

    @property
    def restrict(self) -> _Restrict:
        return (self.group, self.day, self.starts)


@frozen
class _Night:
    """What the night-saving rule asks of a night arc's start times.

    ``never``: no start gives the night a reason (the arc is dropped);
    ``restrict``: starts every use of the arc keeps to; ``either``: a late
    evening at the first node or an early morning at the second, one at least.
    """

    never: bool = False
    restrict: tuple[_Restrict, ...] = ()
    either: tuple[_Restrict, _Restrict] | None = None

    @classmethod
    def of(
        cls, evening: _Side | None, morning: _Side | None, *, saves: bool = False
    ) -> _Night:
        """The night's rule from the starts giving each reason (None: no such day).

        A side whose starts are all its node's allowed starts (or a night that
        saves ``min_night_saving``) needs nothing.
        """
        sides = [s for s in (evening, morning) if s is not None]
        if saves or any(s.always for s in sides):
            return cls()
        sides = [s for s in sides if s.starts]
        if not sides:
            return cls(never=True)
        if len(sides) == 1:
            return cls(restrict=(sides[0].restrict,))
        return cls(either=(sides[0].restrict, sides[1].restrict))

    def __and__(self, other: _Night) -> _Night:
        """Both nights' rules (for an arc with two nights, each with one side)."""
        if self.never or other.never:
            return _Night(never=True)
        # Each of the two nights has one side, so neither has an `either`.
        return _Night(restrict=self.restrict + other.restrict)


class _Arc:
    __slots__ = (
        "day",
        "dst",
        "kind",
        "late",
        "leg_day",
        "leg_depart",
        "lit",
        "nights",
        "person",
        "src",
        "travel",
    )

    def __init__(self, **kw: object) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


def add_paths(
    part: _Part,
    p: str,
    nodes: dict[tuple[str, int], list[tuple[_Group, str]]],
    hi: int,
    last_day: int,
    day_set: set[int],
    keep: dict[tuple[str, str], set[str]] | None,
) -> None:
    """Add person *p*'s arcs, their degree, night, late, tight and idle rules."""
    m = part.model
    cal = part.cal
    rules = cal.scenario.rules
    home = cal.people[p].home_venue_id
    t0, t1 = cal.travel_window(p)
    late = cal.late(p)
    # Going home after the day's last item must end by `evening` and leaving
    # home for the first must start at `morning` or later, else a night away
    # is needed (roadshow.nights: late finish, early start, far from home).
    evening = min(late, t1)
    morning = max(t0, cal.people[p].working_hours.minutes[0])
    home_legs: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    tight: dict[int, cp_model.IntVar] = {}
    ins: dict[tuple[int, str, int], list[cp_model.IntVar]] = defaultdict(list)
    outs: dict[tuple[int, str, int], list[cp_model.IntVar]] = defaultdict(list)
    starts_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    nights: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    needs_empty: list[tuple[cp_model.IntVar, int]] = []
    late_terms: dict[int, list[tuple[cp_model.IntVar, int, int]]] = defaultdict(list)

    def allowed_start(g: _Group, d: int) -> list[int]:
        return part.starts[(g.index, d)]

    def leg_ok(
        values: list[int], d: int, off: int, minutes: int, *, moves: bool = True
    ) -> list[int]:
        """Starts S whose leg [S+off, S+off+minutes) fits travel hours, diary."""
        if not moves:
            return values
        busy = cal.busy.get((p, d), ())
        return [
            s
            for s in values
            if s + off >= t0
            and s + off + minutes <= t1
            and all(s + off + minutes <= c0 or s + off >= c1 for c0, c1 in busy)
        ]

    def add_arc(
        kind: str,
        d: int,
        src: tuple[_Group, str, int] | None,
        dst: tuple[_Group, str, int] | None,
        travel: int,
        n_nights: int,
        restrict: list[tuple[_Group, int, list[int]]],
        end_of_day: tuple[_Group, int, int] | None,
        static_late: int = 0,
        leg: tuple[int, int] | None = None,
        night: _Night | None = None,
    ) -> _Arc | None:
        if night is not None:
            if night.never:
                return None
            restrict = [*restrict, *night.restrict]
        # Prune impossible arcs before making a variable.
        if any(not values for _, _, values in restrict):
            return None
        lit = m.NewBoolVar("")
        for g, dd, values in restrict:
            if len(values) < len(allowed_start(g, dd)):
                m.AddLinearExpressionInDomain(
                    part.start[g.index], cp_model.Domain.FromValues(values)
                ).OnlyEnforceIf(lit)
        if night is not None and night.either is not None:
            # A late evening or an early morning: one of the two must hold.
            side = m.NewBoolVar("")
            for (g, _, values), when in zip(
                night.either, (side, side.Not()), strict=True
            ):
                m.AddLinearExpressionInDomain(
                    part.start[g.index], cp_model.Domain.FromValues(values)
                ).OnlyEnforceIf([lit, when])
        arc = _Arc(
            person=p,
            kind=kind,
            day=d,
            src=src,
            dst=dst,
            travel=travel,
            nights=n_nights,
            lit=lit,
            late=static_late,
            leg_day=leg[0] if leg else None,
            leg_depart=leg[1] if leg else None,
        )
        part.arcs.append(arc)
        if src is not None:
            outs[(src[0].index, src[1], src[2])].append(lit)
        if dst is not None:
            ins[(dst[0].index, dst[1], dst[2])].append(lit)
        if travel:
            part.terms["travel"].append((lit, travel))
        if n_nights:
            part.terms["nights"].append((lit, n_nights))
        if static_late:
            part.terms["late"].append((lit, static_late))
        if end_of_day is not None:
            g, dd, off = end_of_day
            late_terms[dd].append((lit, off, g.index))
        return arc

    def late_evening(g: _Group, v: str, d: int, values: list[int]) -> _Side:
        """Starts of *g* after which going home ends after ``evening``."""
        if v == home:
            return _Side(g, d, [], always=False)
        back = cal.minutes(p, v, home) + g.finish[p]
        cut = [s for s in values if s + back > evening]
        return _Side(g, d, cut, always=len(cut) == len(values))

    def early_morning(g: _Group, v: str, d: int, values: list[int]) -> _Side:
        """Starts of *g* for which leaving home would be before ``morning``."""
        if v == home:
            return _Side(g, d, [], always=False)
        ahead = g.span[p][0] - g.lead[p] - cal.minutes(p, home, v)
        cut = [s for s in values if s + ahead < morning]
        return _Side(g, d, cut, always=len(cut) == len(values))

    def saving(v: str, v2: str) -> int:
        """Travel a night saves over going home from *v* and back out to *v2*."""
        return (
            cal.minutes(p, v, home) + cal.minutes(p, home, v2) - cal.minutes(p, v, v2)
        )

    def is_kept(a: str, b: str) -> bool:
        return keep is None or b in keep.get((p, a), {b})

    def tight_on(d: int) -> cp_model.IntVar:
        """The person's tight-day flag for day *d* (an objective term)."""
        if d not in tight:
            tight[d] = m.NewBoolVar("")
            part.terms["tight"].append((tight[d], 1))
        return tight[d]

    idle = rules.avoid_idle_days
    daily_limit: dict[str, int | None] = {}

    def same_kind_blocked(g1: _Group, g2: _Group) -> bool:
        if g1.kind != g2.kind or g1.diary:
            return False
        if g1.kind not in daily_limit:
            daily_limit[g1.kind] = cal.scenario.rules.for_kind(
                g1.kind
            ).max_per_person_per_day
        return daily_limit[g1.kind] == 1

    days = part.days
    for d in days:
        today = nodes.get((p, d), [])
        for g, v in today:
            b0, b1 = g.span[p]
            b0 -= g.lead[p]  # a journey here arrives this much earlier
            f = g.finish[p]
            values = allowed_start(g, d)
            node = (g, v, d)
            t_in = cal.minutes(p, home, v)
            t_out = cal.minutes(p, v, home)
            # home > n
            arc = add_arc(
                "home>n",
                d,
                None,
                node,
                t_in,
                0,
                [(g, d, leg_ok(values, d, b0 - t_in, t_in, moves=v != home))],
                None,
            )
            if arc is not None:
                starts_of[d].append(arc.lit)
            # n > home
            add_arc(
                "n>home",
                d,
                node,
                None,
                t_out,
                0,
                [(g, d, leg_ok(values, d, b1, t_out, moves=v != home))],
                (g, d, b1 + t_out if v != home else f),
            )
            stay_here = cal.can_stay(p, v)
            # n =T> home: night near v, home the next (empty) day.
            if stay_here and d + 1 <= last_day:
                depart = cal.free_leg(p, d + 1, t_out)
                if depart is not None:
                    arc = add_arc(
                        "n=T>home",
                        d,
                        node,
                        None,
                        t_out,
                        1,
                        [(g, d, values)],
                        (g, d, f),
                        int(depart + t_out > late),
                        (d + 1, depart),
                        _Night.of(late_evening(g, v, d, values), None),
                    )
                    if arc is not None:
                        nights[d].append(arc.lit)
                        needs_empty.append((arc.lit, d + 1))
                        home_legs[d + 1].append(arc.lit)
            # home =N> n: out the empty day before, night near v.
            if stay_here and d - 1 >= 0:
                depart = cal.free_leg(p, d - 1, t_in)
                if depart is not None:
                    arc = add_arc(
                        "home=N>n",
                        d,
                        None,
                        node,
                        t_in,
                        1,
                        [(g, d, values)],
                        None,
                        int(depart + t_in > late),
                        (d - 1, depart),
                        _Night.of(None, early_morning(g, v, d, values)),
                    )
                    if arc is not None:
                        nights[d - 1].append(arc.lit)
                        starts_of[d].append(arc.lit)
                        needs_empty.append((arc.lit, d - 1))
                        home_legs[d - 1].append(arc.lit)
            # Same day: n > n'.
            for g2, v2 in today:
                if g2 is g or same_kind_blocked(g, g2) or not is_kept(v, v2):
                    continue
                t = cal.minutes(p, v, v2)
                c0, _ = g2.span[p]
                if v != v2:
                    c0 -= g2.lead[p]
                first = leg_ok(values, d, b1, t, moves=v != v2)
                second = allowed_start(g2, d)
                if not first or not second:
                    continue
                gap = b1 + t - c0  # s2 - s1 >= gap
                if max(second) - min(first) < gap:
                    continue
                arc = add_arc("n>n", d, node, (g2, v2, d), t, 0, [(g, d, first)], None)
                if arc is None:
                    continue
                if min(second) - max(first) < gap:
                    m.Add(
                        part.start[g2.index] - part.start[g.index] >= gap
                    ).OnlyEnforceIf(arc.lit)
                # A tight day: under TIGHT_DAY_MINUTES between the two, less the
                # journey (the items' own times, not their gaps or margins).
                spare = TIGHT_DAY_MINUTES + t + f - g2.first[p]  # s2 - s1 >= spare
                if max(second) - min(first) < spare:
                    m.AddImplication(arc.lit, tight_on(d))
                elif max(gap, min(second) - max(first)) < spare:
                    m.Add(
                        part.start[g2.index] - part.start[g.index] >= spare
                    ).OnlyEnforceIf([arc.lit, tight_on(d).Not()])
            # Overnight to tomorrow, and across one empty day.
            for step_days, kinds in ((1, ("T", "N")), (2, ("B",))):
                d2 = d + step_days
                if d2 > hi or d2 not in day_set:
                    continue
                for g2, v2 in nodes.get((p, d2), []):
                    if g2 is g or not is_kept(v, v2):
                        continue
                    t = cal.minutes(p, v, v2)
                    c0, _ = g2.span[p]
                    c0 -= g2.lead[p]
                    second = allowed_start(g2, d2)
                    stay_there = cal.can_stay(p, v2)
                    for variant in kinds:
                        if variant == "T":
                            if not stay_here:
                                continue
                            later = leg_ok(second, d2, c0 - t, t, moves=v != v2)
                            arc = add_arc(
                                "n=T>n",
                                d,
                                node,
                                (g2, v2, d2),
                                t,
                                1,
                                [(g, d, values), (g2, d2, later)],
                                (g, d, f),
                                night=_Night.of(
                                    late_evening(g, v, d, values),
                                    early_morning(g2, v2, d2, later),
                                    saves=saving(v, v2)
                                    >= rules.min_night_saving_minutes,
                                ),
                            )
                        elif variant == "N":
                            if v2 == v or not stay_there:
                                continue
                            sooner = leg_ok(values, d, b1, t)
                            arc = add_arc(
                                "n=N>n",
                                d,
                                node,
                                (g2, v2, d2),
                                t,
                                1,
                                [(g, d, sooner), (g2, d2, second)],
                                (g, d, b1 + t),
                                night=_Night.of(
                                    late_evening(g, v, d, sooner),
                                    early_morning(g2, v2, d2, second),
                                    saves=saving(v, v2)
                                    >= rules.min_night_saving_minutes,
                                ),
                            )
                        else:
                            if not (stay_here and stay_there):
                                continue
                            depart = cal.free_leg(p, d + 1, t)
                            if depart is None:
                                continue
                            arc = add_arc(
                                "n=>n",
                                d,
                                node,
                                (g2, v2, d2),
                                t,
                                2,
                                [(g, d, values), (g2, d2, second)],
                                (g, d, f),
                                int(v != v2 and depart + t > late),
                                (d + 1, depart) if v != v2 else None,
                                # Two nights, each needing its own reason (the
                                # day between is empty: no saving to count).
                                _Night.of(late_evening(g, v, d, values), None)
                                & _Night.of(None, early_morning(g2, v2, d2, second)),
                            )
                            if arc is not None:
                                nights[d + 1].append(arc.lit)
                                needs_empty.append((arc.lit, d + 1))
                                if idle and not cal.busy.get((p, d + 1)):
                                    part.terms["idle"].append((arc.lit, 1))
                        if arc is not None:
                            nights[d].append(arc.lit)
                            starts_of[d2].append(arc.lit)
    # Degrees: each placed node has one way in and one way out.
    for (gi, v, d), x in part.x.items():
        g = part.by_index[gi]
        if p not in g.people:
            continue
        key = (gi, v, d)
        m.Add(sum(ins.get(key, [])) == x)
        m.Add(sum(outs.get(key, [])) == x)
    # One path a day; empty days where an arc needs them.
    busy: dict[int, cp_model.IntVar] = {}
    for d in sorted(set(starts_of) | {dd for _, dd in needs_empty}):
        b = m.NewBoolVar("")
        m.Add(sum(starts_of.get(d, [])) == b)
        busy[d] = b
    for lit, d in needs_empty:
        m.AddImplication(lit, busy[d].Not())
    # Nights away: at most one arc a night, at most max in a row.
    away: dict[int, cp_model.IntVar] = {}
    for d, lits in nights.items():
        a = m.NewBoolVar("")
        m.Add(sum(lits) == a)
        away[d] = a
    limit = cal.scenario.rules.max_nights_away_in_row
    if away:
        first, last = min(away), max(away)
        for w in range(first - limit, last + 1):
            window = [away[n] for n in range(w, w + limit + 1) if n in away]
            if len(window) > limit:
                m.Add(sum(window) <= limit)
    # Home and out again on one empty day: both legs would leave at the start
    # of travel hours, and the day away between two nights would be idle.
    for lits in home_legs.values():
        if len(lits) > 1:
            m.Add(sum(lits) <= 1)
    # Late finishes: the day's end is set by the arc leaving its last node.
    for d, entries in late_terms.items():
        flag = m.NewBoolVar("")
        part.late_vars[(p, d)] = flag
        part.terms["late"].append((flag, 1))
        for lit, off, gi in entries:
            values = part.starts[(gi, d)]
            threshold = late - off  # late when start > threshold
            if max(values) <= threshold:
                continue
            if min(values) > threshold:
                m.AddImplication(lit, flag)
            else:
                m.Add(part.start[gi] <= threshold).OnlyEnforceIf([lit, flag.Not()])
