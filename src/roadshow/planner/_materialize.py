"""Turn the planner's working state into a :class:`~roadshow.model.Plan`."""

from __future__ import annotations

from roadshow.model import OvernightStay, Plan, ScheduledEvent, TravelLeg, Unplaced
from roadshow.planner._context import Context
from roadshow.planner._schedule import Schedule
from roadshow.timeutil import from_epoch_minute


def materialize(ctx: Context, schedule: Schedule, unplaced: list[Unplaced]) -> Plan:
    """Build the plan: events from placements, legs and stays from the routes."""
    scenario = ctx.scenario
    tz = ctx.tz
    events = []
    for group in ctx.groups:
        placement = schedule.placements.get(group.index)
        if placement is None:
            continue
        for member in group.members:
            request = member.request
            start = placement.start + member.offset
            events.append(
                ScheduledEvent(
                    request_id=request.request_id,
                    title=request.title,
                    kind=request.kind,
                    venue_id=placement.venue,
                    start=from_epoch_minute(start, tz),
                    end=from_epoch_minute(start + member.length, tz),
                    attendees=request.attendees,
                    lead=request.lead,
                    region_id=scenario.region_of(request)
                    or scenario.venue_region(placement.venue),
                    area_id=scenario.area_of(request)
                    or scenario.venue_by_id[placement.venue].area_id,
                )
            )
    legs = []
    stays = []
    for person in scenario.people:
        mode = person.travel_mode
        for day, day_legs, night in schedule.timelines[person.person_id].routes():
            for leg in day_legs:
                journey = ctx.travel_model.journey(leg.from_id, leg.to_id, mode)
                legs.append(
                    TravelLeg(
                        person_id=person.person_id,
                        from_id=leg.from_id,
                        to_id=leg.to_id,
                        mode=journey.mode,
                        depart=from_epoch_minute(leg.depart, person.timezone),
                        arrive=from_epoch_minute(leg.arrive, person.timezone),
                        distance_km=journey.distance_km,
                    )
                )
            if night != ctx.home[person.person_id]:
                stays.append(
                    OvernightStay(
                        person_id=person.person_id,
                        night_of=ctx.days[day].date,
                        venue_id=night,
                    )
                )
    return Plan(
        scenario_id=scenario.scenario_id,
        events=events,
        legs=legs,
        stays=stays,
        unplaced=unplaced,
    )
