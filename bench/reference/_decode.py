"""From a solved part to roadshow's plan: events, legs, nights; the bound."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from bench.reference._groups import _Calendar, _Diary, _Group
from roadshow.model import OvernightStay, ScheduledEvent, TravelLeg, Unplaced
from roadshow.timeutil import local_datetime

if TYPE_CHECKING:
    from bench.reference._model import _Part


_CRITERIA = (
    "unplaced",
    "idle",
    "travel",
    "nights",
    "late",
    "tight",
    "neighbours",
    "preference",
)


def _decode_bound(part: _Part, report: list[tuple[str, int, int]]) -> list[int]:
    """The first stage's lower bound, criterion by criterion, as far as it is one.

    A weighted lexicographic bound decodes to a key that is lexicographically no
    better than the optimum; its i-th criterion bounds the optimum's only while
    the criteria before it equal the found solution's (hence the optimum's).
    """
    stage = part.stages[0]
    _, value, bound = report[0]
    found, low = [], []
    rest_v, rest_b = value, max(bound, 0)
    for _, w in stage:
        v, rest_v = divmod(rest_v, w)
        b, rest_b = divmod(rest_b, w)
        found.append(v)
        low.append(b)
    out = []
    for i, b in enumerate(low):
        out.append(b)
        if b != found[i]:
            break
    return out


def _unplaced(g: _Group, why: str) -> list[Unplaced]:
    return [
        Unplaced(
            request_id=m.request.request_id,
            reason=f"{m.request.title}: {why}",
            rules=("reference",),
        )
        for m in g.members
    ]


def _extract(
    cal: _Calendar, part: _Part
) -> tuple[list[ScheduledEvent], list[TravelLeg], list[OvernightStay], list[Unplaced]]:
    scenario = cal.scenario
    tz = cal.tz
    events = []
    unplaced: list[Unplaced] = []
    where: dict[int, tuple[str, int, int]] = part.placed
    for g in part.groups:
        if g.diary:
            ((v, d, _),) = part.x_of[g.index]
            where[g.index] = (v, d, g.start)
            continue
        if part.value(part.unplaced[g.index]):
            unplaced += _unplaced(g, "the reference left it unplaced")
            continue
        chosen = [(v, d) for v, d, x in part.x_of[g.index] if part.value(x)]
        v, d = chosen[0]
        s = part.value(part.start[g.index])
        where[g.index] = (v, d, s)
        date = cal.dates[d]
        for mem in g.members:
            r = mem.request
            begin = s + mem.offset
            events.append(
                ScheduledEvent(
                    request_id=r.request_id,
                    title=r.title,
                    kind=r.kind,
                    venue_id=v,
                    start=local_datetime(date, begin, tz),
                    end=local_datetime(date, begin + mem.length, tz),
                    attendees=r.attendees,
                    lead=r.lead,
                    region_id=scenario.region_of(r) or scenario.venue_region(v),
                    area_id=scenario.area_of(r) or scenario.venue_by_id[v].area_id,
                )
            )
    legs = []
    stays = []

    def leg(p: str, a: str, b: str, d: int, depart: int, minutes: int) -> None:
        legs.extend(_legs(cal, p, [(a, b, d, depart, minutes)]))

    def stay(p: str, d: int, venue: str) -> None:
        stays.append(OvernightStay(person_id=p, night_of=cal.dates[d], venue_id=venue))

    for arc in part.arcs:
        if not part.value(arc.lit):
            continue
        p = arc.person
        home = cal.people[p].home_venue_id
        src = arc.src
        dst = arc.dst
        if src is not None:
            g1, v1, d1 = src
            s1 = where[g1.index][2]
            b1 = g1.span[p][1]
        if dst is not None:
            g2, v2, d2 = dst
            s2 = where[g2.index][2]
            c0 = g2.span[p][0] - g2.lead[p]
        t = arc.travel
        if arc.kind == "home>n":
            leg(p, home, v2, d2, s2 + c0 - t, t)
        elif arc.kind == "n>home":
            leg(p, v1, home, d1, s1 + b1, t)
        elif arc.kind == "n>n":
            leg(p, v1, v2, d1, s1 + b1, t)
        elif arc.kind == "n=T>n":
            stay(p, d1, v1)
            leg(p, v1, v2, d2, s2 + c0 - t, t)
        elif arc.kind == "n=N>n":
            leg(p, v1, v2, d1, s1 + b1, t)
            stay(p, d1, v2)
        elif arc.kind == "n=T>home":
            stay(p, d1, v1)
            leg(p, v1, home, arc.leg_day, arc.leg_depart, t)
        elif arc.kind == "home=N>n":
            leg(p, home, v2, arc.leg_day, arc.leg_depart, t)
            stay(p, d2 - 1, v2)
        elif arc.kind == "n=>n":
            stay(p, d1, v1)
            if arc.leg_day is not None:
                leg(p, v1, v2, arc.leg_day, arc.leg_depart, t)
            stay(p, d1 + 1, v2)
    return events, legs, stays, unplaced


def _legs(
    cal: _Calendar, p: str, trips: list[tuple[str, str, int, int, int]]
) -> list[TravelLeg]:
    """Person *p*'s legs (from, to, day, departure, minutes), in local minutes."""
    out = []
    for a, b, d, depart, minutes in trips:
        # Distinct places at the same point still need a (0-minute) leg.
        if a == b:
            continue
        journey = cal.travel.journey(a, b, cal.people[p].travel_mode)
        date = cal.dates[d]
        out.append(
            TravelLeg(
                person_id=p,
                from_id=a,
                to_id=b,
                mode=journey.mode,
                depart=local_datetime(date, depart, cal.tz),
                arrive=local_datetime(date, depart + minutes, cal.tz),
                distance_km=journey.distance_km,
            )
        )
    return out


def _diary_legs(
    cal: _Calendar, groups: list[_Group]
) -> tuple[list[TravelLeg], list[OvernightStay]]:
    """Legs and nights to the diary commitments of a part with no solution.

    Its events are left out, but the people still keep their commitments: each
    day, from home to each one in turn, arriving as it starts, and home again.
    A journey that would fall outside the person's travel hours goes the evening
    before (or comes back the morning after) with a night there, when that day
    has no diary of its own.
    """
    by_day: dict[tuple[str, int], list[_Diary]] = defaultdict(list)
    for g in groups:
        if isinstance(g, _Diary):
            by_day[(g.people[0], cal.index[g.day])].append(g)
    legs, stays = [], []
    for (p, d), found in sorted(by_day.items()):
        home = cal.people[p].home_venue_id
        t0, t1 = cal.travel_window(p)
        arrive_by = min(t1, cal.late(p))

        here, free = home, None
        trips = []
        for c in sorted(found, key=lambda c: c.start):
            venue = c.venues[0]
            t = cal.minutes(p, here, venue)
            depart = c.start - t if free is None else free
            if free is None and depart < t0 and _spare(cal, by_day, p, d - 1, venue):
                trips.append((home, venue, d - 1, max(t0, arrive_by - t), t))
                stays.append(_stay(cal, p, d - 1, venue))
            else:
                trips.append((here, venue, d, depart, t))
            here, free = venue, c.start + c.finish[p]
        if free is not None:
            t = cal.minutes(p, here, home)
            if free + t > t1 and _spare(cal, by_day, p, d + 1, here):
                stays.append(_stay(cal, p, d, here))
                trips.append((here, home, d + 1, t0, t))
            else:
                trips.append((here, home, d, free, t))
        legs += _legs(cal, p, trips)
    return legs, stays


def _spare(
    cal: _Calendar,
    by_day: dict[tuple[str, int], list[_Diary]],
    p: str,
    day: int,
    venue: str,
) -> bool:
    """Whether *p* can travel on *day* (no diary that day) and sleep at *venue*."""
    return (
        0 <= day < len(cal.dates) and (p, day) not in by_day and cal.can_stay(p, venue)
    )


def _stay(cal: _Calendar, p: str, d: int, venue: str) -> OvernightStay:
    return OvernightStay(person_id=p, night_of=cal.dates[d], venue_id=venue)
