"""One part's CP-SAT model: the choices, the per-kind and humane rules."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from bench.reference._groups import _Calendar, _Group
from bench.reference._params import ReferenceParams
from bench.reference._paths import _Arc, add_paths
from bench.reference._stages import solve_stages
from roadshow.model import Scenario
from roadshow.travel import within_km


class _Fixed:
    """Region counts that parts solved earlier fixed (for a sequential split)."""

    def __init__(self) -> None:
        self.region_week: dict[tuple[str, int, str], int] = defaultdict(int)
        self.region_day: dict[tuple[str, int, str], int] = defaultdict(int)

    def add(self, scenario: Scenario, g: _Group, venue: str, day: int) -> None:
        region = g.region[venue]
        if region is not None:
            week = (day + scenario.start_on.weekday()) // 7
            self.region_week[(region, week, g.kind)] += 1
            self.region_day[(region, day, g.kind)] += 1


class _Part:
    """One part's CP-SAT model and its solution."""

    def __init__(
        self,
        cal: _Calendar,
        groups: list[_Group],
        days: list[int],
        starts: dict[tuple[int, int], list[int]],
        params: ReferenceParams,
        fixed: _Fixed,
    ) -> None:
        self.cal = cal
        self.fixed = fixed
        self.groups = groups
        self.days = days
        self.starts = starts
        self.params = params
        self.model = cp_model.CpModel()
        self.thinned = False
        self.arcs: list[_Arc] = []
        self.x: dict[tuple[int, str, int], cp_model.IntVar] = {}
        self.unplaced: dict[int, cp_model.IntVar] = {}
        self.start: dict[int, cp_model.IntVar] = {}
        self.late_vars: dict[tuple[str, int], cp_model.IntVar] = {}
        self.terms: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        self.by_index = {g.index: g for g in groups}
        self.x_of: dict[int, list[tuple[str, int, cp_model.IntVar]]] = defaultdict(list)
        self.placed: dict[int, tuple[str, int, int]] = {}
        self.stages: list[list[tuple[str, int]]] = []
        self.deterministic = 0.0
        self.solution: dict[int, int] = {}
        self._build()

    # --- variables ------------------------------------------------------------------

    def _build(self) -> None:
        m = self.model
        cal = self.cal
        day_set = set(self.days)
        for g in self.groups:
            values = sorted(
                {s for d in self.days for s in self.starts.get((g.index, d), [])}
            )
            u = m.NewBoolVar(f"u{g.index}")
            self.unplaced[g.index] = u
            if g.diary:  # the person is where the diary says
                m.Add(u == 0)
            else:
                self.terms["unplaced"].append((u, g.size))
            if not values:
                m.Add(u == 1)
                continue
            s = m.NewIntVarFromDomain(cp_model.Domain.FromValues(values), f"s{g.index}")
            self.start[g.index] = s
            lits = []
            for d in self.days:
                allowed = self.starts.get((g.index, d))
                if not allowed:
                    continue
                for v in g.venues:
                    x = m.NewBoolVar(f"x{g.index}_{v}_{d}")
                    self.x[(g.index, v, d)] = x
                    self.x_of[g.index].append((v, d, x))
                    lits.append(x)
                    if len(allowed) < len(values):
                        m.AddLinearExpressionInDomain(
                            s, cp_model.Domain.FromValues(allowed)
                        ).OnlyEnforceIf(x)
            m.AddExactlyOne([*lits, u])
            if g.preferred is not None:
                dev = m.NewIntVar(0, 24 * 60, f"p{g.index}")
                m.Add(dev >= s - g.preferred)
                m.Add(dev >= g.preferred - s)
                self.terms["preference"].append((dev, 1))
        self._kind_rules()
        self._humane()
        self._neighbours()
        # Nodes per person and day.
        nodes: dict[tuple[str, int], list[tuple[_Group, str]]] = defaultdict(list)
        for gi, v, d in self.x:
            g = self._group(gi)
            for p in g.people:
                nodes[(p, d)].append((g, v))
        people = sorted({p for g in self.groups for p in g.people})
        estimate = self._estimate(nodes, people)
        keep = None
        if estimate > self.params.max_arcs:
            self.thinned = True
            keep = self._nearest(nodes, people)
        hi = self.days[-1]
        last_day = len(cal.dates) - 1
        for p in people:
            add_paths(self, p, nodes, hi, last_day, day_set, keep)

    def _group(self, index: int) -> _Group:
        return self.by_index[index]

    def _estimate(
        self, nodes: dict[tuple[str, int], list[tuple[_Group, str]]], people: list[str]
    ) -> int:
        total = 0
        for p in people:
            for d in self.days:
                n = len(nodes.get((p, d), ()))
                nxt = len(nodes.get((p, d + 1), ()))
                after = len(nodes.get((p, d + 2), ()))
                total += n * n + 2 * n * nxt + n * after + 4 * n
        return total

    def _nearest(
        self, nodes: dict[tuple[str, int], list[tuple[_Group, str]]], people: list[str]
    ) -> dict[tuple[str, str], set[str]]:
        """Per person and venue: the venues of its nearest nodes (by travel time)."""
        keep: dict[tuple[str, str], set[str]] = {}
        k = self.params.neighbours
        for p in people:
            venues = sorted(
                {v for (q, _), ns in nodes.items() if q == p for _, v in ns}
            )
            for a in venues:
                ranked = sorted(venues, key=lambda b: (self.cal.minutes(p, a, b), b))
                keep[(p, a)] = set(ranked[: k + 1])
        return keep

    # --- rules ----------------------------------------------------------------------

    def _kind_rules(self) -> None:
        m = self.model
        cal = self.cal
        scenario = cal.scenario
        by_person_day: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        by_region_week: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        by_region_day: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(
            list
        )
        monday = scenario.start_on.weekday()
        for (gi, v, d), x in self.x.items():
            g = self._group(gi)
            if g.diary:
                continue
            for p in g.people:
                by_person_day[(p, d, g.kind)].append(x)
            region = g.region[v]
            if region is not None:
                by_region_week[(region, (d + monday) // 7, g.kind)].append(x)
                by_region_day[(region, d, g.kind)].append(x)
        for (_p, _d, kind), xs in by_person_day.items():
            limit = scenario.rules.for_kind(kind).max_per_person_per_day
            # A person attends at most one group at a time anyway; the path
            # model handles that. Here only the kind's daily limit.
            if limit is not None and len(xs) > limit:
                m.Add(sum(xs) <= limit)
        used = self.fixed
        for (region, week, kind), xs in by_region_week.items():
            limit = scenario.rules.for_kind(kind).max_per_region_per_week
            if limit is not None:
                limit -= used.region_week[(region, week, kind)]
                if len(xs) > limit:
                    m.Add(sum(xs) <= max(limit, 0))
        for rules in scenario.rules.kinds:
            other = rules.avoid_region_days_of
            if not other:
                continue
            for (region, d, kind), xs in by_region_day.items():
                # Days an earlier part already gave the other kind, both ways.
                if kind == rules.kind and used.region_day[(region, d, other)]:
                    m.Add(sum(xs) == 0)
                if kind == other and used.region_day[(region, d, rules.kind)]:
                    m.Add(sum(xs) == 0)
                if kind != rules.kind:
                    continue
                blockers = by_region_day.get((region, d, other), [])
                if not blockers:
                    continue
                busy = m.NewBoolVar(f"rd{region}_{d}")
                for b in blockers:
                    m.AddImplication(b, busy)
                m.Add(sum(xs) == 0).OnlyEnforceIf(busy)

    def _humane(self) -> None:
        """Per person: at most so many days with an event in a row, events a week.

        A group (a request and its follow-ons) is one event; diary commitments
        are none. Weeks run Monday to Sunday.
        """
        m = self.model
        scenario = self.cal.scenario
        monday = scenario.start_on.weekday()
        by_day: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        by_week: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (gi, _v, d), x in self.x.items():
            g = self._group(gi)
            if g.diary:
                continue
            for p in g.people:
                by_day[p][d].append(x)
                by_week[(p, (d + monday) // 7)].append(x)
        weekly = scenario.rules.max_events_per_week
        if weekly is not None:
            for xs in by_week.values():
                if len(xs) > weekly:
                    m.Add(sum(xs) <= weekly)
        for p, days in sorted(by_day.items()):
            limit = scenario.max_event_days_in_row(p)
            if limit is None or len(days) <= limit:
                continue
            busy = {}
            for d, xs in days.items():
                b = m.NewBoolVar("")
                for x in xs:
                    m.AddImplication(x, b)
                m.Add(b <= sum(xs))
                busy[d] = b
            first, last = min(days), max(days)
            for w in range(first, last - limit + 1):
                window = [busy[d] for d in range(w, w + limit + 1) if d in busy]
                if len(window) > limit:
                    m.Add(sum(window) <= limit)

    def _neighbours(self) -> None:
        m = self.model
        scenario = self.cal.scenario
        venues = scenario.venue_by_id
        near: dict[tuple[str, str, float], bool] = {}
        by_kind_day: dict[tuple[str, int], list[tuple[int, str, cp_model.IntVar]]] = (
            defaultdict(list)
        )
        for (gi, v, d), x in self.x.items():
            g = self._group(gi)
            if not g.diary and g.rules.neighbour_km is not None:
                by_kind_day[(g.kind, d)].append((gi, v, x))
        for (kind, _d), entries in sorted(by_kind_day.items()):
            limit = scenario.rules.for_kind(kind).neighbour_km or 0.0
            for i, (g1, v1, x1) in enumerate(entries):
                for g2, v2, x2 in entries[i + 1 :]:
                    if g1 == g2:
                        continue
                    key = (min(v1, v2), max(v1, v2), limit)
                    if key not in near:
                        near[key] = within_km(venues[v1], venues[v2], limit)
                    if near[key]:
                        clash = m.NewBoolVar("")
                        m.AddBoolOr([x1.Not(), x2.Not(), clash])
                        self.terms["neighbours"].append((clash, 1))

    # --- solving ----------------------------------------------------------------------

    def solve(self, seconds: float) -> tuple[str, list[tuple[str, int, int]]]:
        """Solve stage by stage; return the status and (names, value, bound) each."""
        return solve_stages(self, seconds)

    def value(self, var: cp_model.IntVar) -> int:
        return self.solution[id(var)]
