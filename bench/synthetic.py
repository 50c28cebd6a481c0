"""Seeded synthetic programmes over the bundled 2008 SHA and PCT points.

A *national programme* has people spread over the ten regions, each holding
daytime visits and evening public meetings in the PCT areas of their own region.
Every request must happen in one given Monday-to-Friday week (a programme office
hands each area its week), some visits are attended by two people of the region,
some have a follow-on session, and everyone has diary commitments and some have
blackouts. The *PCT tour* is one principal visiting all 152 PCT areas over eight
weeks, with no other constraint: a routing problem.

Everything is built as :class:`roadshow.model.Scenario` objects in code, from
``random.Random(seed)``: the same arguments give the same scenario.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import attrs
import pendulum
from pendulum import Date, Duration, Time

from roadshow.data import nhs2008
from roadshow.model import (
    Blackout,
    Commitment,
    EventRequest,
    KindRules,
    Person,
    PlanningRules,
    Scenario,
    Slot,
    TimeWindow,
)

START_ON = pendulum.date(2008, 9, 8)  # a Monday, as in the 2008 programme
TZ = "Europe/London"

DAY_SLOTS = (Slot.parse("mon-fri 09:00-17:30"),)
EVENING_SLOTS = (Slot.parse("mon-fri 18:30-21:00"),)


@attrs.frozen(kw_only=True)
class ProgrammeSpec:
    """The size and seed of a synthetic national programme."""

    events: int
    people: int
    weeks: int
    seed: int = 2008

    @property
    def name(self) -> str:
        """The instance name used in tables."""
        return f"synthetic-{self.events}"


def national_programme(spec: ProgrammeSpec) -> Scenario:
    """Build a national programme of ``spec.events`` requests (module docstring)."""
    rng = random.Random(spec.seed)
    base = nhs2008.scenario()
    regions = [r.region_id for r in base.regions]
    areas_of: dict[str, list[str]] = defaultdict(list)
    for area in base.areas:
        areas_of[area.region_id].append(area.area_id)
    end_on = START_ON.add(weeks=spec.weeks, days=-1)
    people = []
    for i in range(spec.people):
        region = regions[i % len(regions)]
        home = (
            base.region_by_id[region].hq_venue_id
            if rng.random() < 0.5
            else base.area_by_id[rng.choice(areas_of[region])].venue_id
        )
        people.append(
            Person(
                person_id=f"p{i:03d}",
                name=f"Lead {i:03d}",
                role="lead",
                region_id=region,
                home_venue_id=home,
                working_hours=TimeWindow.parse("08:30-21:00"),
                travel_hours=TimeWindow.parse("06:30-23:00"),
                late_after=Time(19, 30),
            )
        )
    people_by_id = {p.person_id: p for p in people}
    by_region: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_region[person.region_id or ""].append(person)
    requests: list[EventRequest] = []
    for n in range(spec.events):
        person = people[n % spec.people]
        region = person.region_id or ""
        week = rng.randrange(spec.weeks)
        monday = START_ON.add(weeks=week)
        area = rng.choice(areas_of[region])
        common = {
            "area_id": area,
            "earliest_on": monday,
            "latest_on": monday.add(days=4),
        }
        if rng.random() < 0.2:
            requests.append(
                EventRequest(
                    request_id=f"e{n:05d}",
                    title=f"Public meeting {n}",
                    kind="evening",
                    attendees=(person.person_id,),
                    lead=person.person_id,
                    duration=Duration(minutes=rng.choice((90, 120))),
                    slots=EVENING_SLOTS,
                    **common,
                )
            )
            continue
        attendees = [person.person_id]
        mates = [p for p in by_region[region] if p is not person]
        if mates and rng.random() < 0.1:
            attendees.append(rng.choice(mates).person_id)
        preferred = rng.choice((None, None, Time(10, 0), Time(14, 0)))
        root = EventRequest(
            request_id=f"v{n:05d}",
            title=f"Visit {n}",
            kind="visit",
            attendees=attendees,
            lead=person.person_id,
            duration=Duration(minutes=rng.choice((60, 90, 120, 150))),
            slots=DAY_SLOTS,
            preferred_start=preferred,
            **common,
        )
        requests.append(root)
        if rng.random() < 0.1:
            requests.append(
                EventRequest(
                    request_id=f"f{n:05d}",
                    title=f"Follow-on session {n}",
                    kind="visit",
                    attendees=(person.person_id,),
                    follows=root.request_id,
                    gap_before=Duration(minutes=15),
                    duration=Duration(minutes=60),
                    slots=DAY_SLOTS,
                    **common,
                )
            )
    commitments, blackouts = _diaries(rng, people, spec.weeks)
    # The weekly cap per region is the busiest region-week's count: it binds
    # there and holds everywhere, so every request can still be placed.
    evening_counts = Counter(
        (people_by_id[r.attendees[0]].region_id, r.earliest_on)
        for r in requests
        if r.kind == "evening"
    )
    evening_per_region_week = max(evening_counts.values(), default=1)
    return Scenario(
        scenario_id=spec.name,
        name=f"Synthetic national programme ({spec.events} requests, seed {spec.seed})",
        timezone=TZ,
        start_on=START_ON,
        end_on=end_on,
        people=people,
        venues=base.venues,
        regions=base.regions,
        areas=base.areas,
        requests=requests,
        commitments=commitments,
        blackouts=blackouts,
        rules=PlanningRules(
            max_nights_away_in_row=3,
            min_stay_km=40,
            kinds=(
                KindRules(kind="visit", max_per_person_per_day=2),
                KindRules(
                    kind="evening",
                    max_per_person_per_day=1,
                    max_per_region_per_week=evening_per_region_week,
                    neighbour_km=10,
                ),
            ),
        ),
        travel=base.travel,
        calendar=base.calendar,
    )


def _diaries(
    rng: random.Random, people: list[Person], weeks: int
) -> tuple[list[Commitment], list[Blackout]]:
    """One commitment a week per person; a blackout of 1-3 days for half of them."""
    commitments = []
    blackouts = []
    for person in people:
        for week in range(weeks):
            day = START_ON.add(weeks=week, days=rng.randrange(5))
            hour = rng.choice((9, 11, 14))
            start = pendulum.datetime(day.year, day.month, day.day, hour, tz=TZ)
            commitments.append(
                Commitment(
                    person_id=person.person_id,
                    start=start,
                    end=start.add(minutes=rng.choice((60, 120))),
                    label="Diary commitment",
                )
            )
        if rng.random() < 0.5:
            first = START_ON.add(days=rng.randrange(weeks * 7))
            blackouts.append(
                Blackout(
                    person_id=person.person_id,
                    start_on=first,
                    end_on=first.add(days=rng.randrange(3)),
                    reason="Leave",
                )
            )
    return commitments, blackouts


def pct_tour(weeks: int = 8) -> Scenario:
    """One principal visits every one of the 152 PCT areas within *weeks* weeks."""
    base = nhs2008.scenario()
    principal = attrs.evolve(
        base.person_by_id["darzi"], person_id="principal", name="Principal"
    )
    requests = [
        EventRequest(
            request_id=f"pct-{area.area_id}",
            title=f"Visit: {area.name}",
            kind="visit",
            attendees=("principal",),
            area_id=area.area_id,
            duration=Duration(minutes=60),
            slots=(Slot.parse("mon-fri 09:30-17:30"),),
        )
        for area in base.areas
    ]
    return Scenario(
        scenario_id="pct-tour",
        name="Visit every PCT: one principal, 152 visits",
        timezone=TZ,
        start_on=START_ON,
        end_on=START_ON.add(weeks=weeks, days=-1),
        people=(principal,),
        venues=base.venues,
        regions=base.regions,
        areas=base.areas,
        requests=requests,
        rules=PlanningRules(max_nights_away_in_row=3, min_stay_km=40),
        travel=base.travel,
        calendar=base.calendar,
    )


def week_of(day: Date) -> int:
    """The programme week (0 for the week of 8 September 2008) of *day*."""
    return (day - START_ON).days // 7
