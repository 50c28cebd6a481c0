"""Build a small programme in code, plan it, check it and print the days.

A minister and an adviser, both based in Whitehall, visit Leeds, York and
Manchester in the first week of November 2008 (after summer time ended, so
times are GMT) and brief the press in London. The minister is in Cabinet on
Tuesday morning. Run it with ``python examples/small_programme.py``.
"""

from __future__ import annotations

from pendulum import Date, Duration, Time, datetime

import roadshow
from roadshow.model import Commitment, EventRequest, Person, Slot, Venue

TZ = "Europe/London"
DAYTIME = (Slot.parse("mon-fri 10:00-16:30"),)


def build() -> roadshow.Scenario:
    """Return the programme: four venues, two people, four requests, one commitment."""
    venues = [
        Venue.at("whitehall", "Richmond House", 51.5025, -0.1252),
        Venue.at("leeds", "Leeds Civic Hall", 53.8018, -1.5486, capacity=300),
        Venue.at("york", "York Guildhall", 53.9600, -1.0873, capacity=120),
        Venue.at("manchester", "Manchester Town Hall", 53.4794, -2.2446),
    ]
    people = [
        Person(person_id="ann", name="Ann Patel", home_venue_id="whitehall"),
        Person(person_id="ben", name="Ben Okafor", home_venue_id="whitehall"),
    ]

    def request(
        request_id: str, title: str, who: tuple[str, ...], where: str, hours: float
    ) -> EventRequest:
        return EventRequest(
            request_id=request_id,
            title=title,
            attendees=who,
            venue_ids=(where,),
            duration=Duration(minutes=round(hours * 60)),
            slots=DAYTIME,
        )

    requests = [
        request("leeds", "Listening event, Leeds", ("ann", "ben"), "leeds", 2),
        request("york", "Clinicians' round table, York", ("ann",), "york", 1.5),
        request("manchester", "Staff forum, Manchester", ("ben",), "manchester", 2),
        # The press briefing is fixed: Friday 7 November at 11:00.
        EventRequest(
            request_id="briefing",
            title="Press briefing",
            attendees=("ann", "ben"),
            venue_ids=("whitehall",),
            duration=Duration(hours=1),
            pin_on=Date(2008, 11, 7),
            pin_at=Time(11, 0),
        ),
    ]
    cabinet = Commitment(
        person_id="ann",
        start=datetime(2008, 11, 4, 9, 30, tz=TZ),
        end=datetime(2008, 11, 4, 12, 30, tz=TZ),
        label="Cabinet",
    )
    return roadshow.Scenario(
        scenario_id="small-programme",
        name="Small programme, November 2008",
        timezone=TZ,
        start_on=Date(2008, 11, 3),
        end_on=Date(2008, 11, 7),
        people=people,
        venues=venues,
        requests=requests,
        commitments=[cabinet],
    )


def main() -> None:
    """Plan the programme and print its events, figures and the checker's verdict."""
    scenario = build()
    plan = roadshow.plan(scenario)
    names = {p.person_id: p.name for p in scenario.people}
    for event in plan.events:
        start = event.start.in_tz(TZ)
        who = " and ".join(names[p] for p in event.attendees)
        place = scenario.venue_by_id[event.venue_id].name
        when = f"{start.format('ddd D MMM HH:mm')} {start.tzname()}"
        print(f"{when}  {event.title}, {place} ({who})")
    for unplaced in plan.unplaced:
        print(f"Not placed: {unplaced.reason}")
    score = roadshow.evaluate(scenario, plan)
    print(
        f"Travel {score.travel_hours:.1f} person-hours,"
        f" {score.nights_away} nights away, {len(plan.legs)} journeys"
    )
    problems = roadshow.check(scenario, plan)
    errors = sum(v.is_hard for v in problems)
    print(f"Checker: {errors} errors, {len(problems) - errors} warnings")
    for v in problems:
        print(f"  {v.severity:<8} {v.message}")


if __name__ == "__main__":
    main()
