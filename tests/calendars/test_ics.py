"""The iCalendar exporter: parsers agree, time zones, UIDs, goldens, hostile text."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import attrs
import dateutil.tz
import icalendar
import ics
import pendulum
import pytest
import recurring_ical_events
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadshow.errors import InvalidModelError
from roadshow.exporters.ics import (
    PUBLIC,
    PlanVersion,
    View,
    calendar_files,
    event_uid,
    plan_items,
    render_ics,
    render_invites,
    vtimezone,
)
from roadshow.importers.plan_ics import parse_plan_ics
from roadshow.model import Person, Plan, Venue

UTC = dt.UTC


def _utc(value: dt.date) -> dt.date:
    """A datetime in UTC, or a date as it is."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return value


def starts_icalendar(data: bytes) -> dict[str, dt.date]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): _utc(e["DTSTART"].dt) for e in calendar.walk("VEVENT")}


def starts_vobject(data: bytes) -> dict[str, dt.date]:
    calendar = vobject.readOne(data.decode("utf-8"))
    return {e.uid.value: _utc(e.dtstart.value) for e in calendar.vevent_list}


def starts_ics_py(data: bytes) -> dict[str, dt.date]:
    calendar = ics.Calendar(data.decode("utf-8"))
    return {
        e.uid: e.begin.date() if e.all_day else e.begin.to("UTC").datetime
        for e in calendar.events
    }


def starts_recurring(data: bytes) -> dict[str, dt.date]:
    calendar = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between((2007, 1, 1), (2010, 1, 1))
    return {str(e["UID"]): _utc(e["DTSTART"].dt) for e in found}


PARSERS = [starts_icalendar, starts_vobject, starts_ics_py, starts_recurring]


def expected_starts(plan: Plan) -> dict[str, dt.date]:
    found: dict[str, dt.date] = {}
    for entry in plan_items(plan):
        item = entry.item
        if hasattr(item, "start"):
            found[entry.uid] = dt.datetime.fromtimestamp(item.start.timestamp(), UTC)
        elif hasattr(item, "depart"):
            found[entry.uid] = dt.datetime.fromtimestamp(item.depart.timestamp(), UTC)
        else:
            found[entry.uid] = dt.date.fromisoformat(item.night_of.isoformat())
    return found


@pytest.mark.parametrize("parse", PARSERS, ids=lambda f: f.__name__)
def test_parsers_read_the_plans_utc_starts(nhs2008_scenario, plan, kit, parse):
    """Each independent parser reads every entry's UTC start exactly as planned."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    assert parse(data) == expected_starts(plan)


def test_summer_and_winter_times_in_utc(nhs2008_scenario, plan, kit):
    """8 Sep 2008 10:00 London is 09:00 UTC; 3 Nov 2008 10:00 London is 10:00 UTC."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    starts = {
        uid: [parse(data)[uid] for parse in PARSERS]
        for uid in (
            event_uid("nhs-2008", "listening-Q30"),
            event_uid("nhs-2008", "leadership-event"),
        )
    }
    assert set(starts[event_uid("nhs-2008", "listening-Q30")]) == {
        dt.datetime(2008, 9, 8, 9, 0, tzinfo=UTC)
    }
    assert set(starts[event_uid("nhs-2008", "leadership-event")]) == {
        dt.datetime(2008, 11, 3, 10, 0, tzinfo=UTC)
    }


def test_timed_values_carry_an_iana_tzid(nhs2008_scenario, plan, kit):
    """Every timed DTSTART/DTEND has TZID=Europe/London; none is floating or UTC."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    text = kit.normalize_ics(data).decode()
    events = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT", text, re.DOTALL)
    assert len(events) == len(plan_items(plan))
    timed = [
        line
        for e in events
        for line in e.splitlines()
        if re.match(r"DT(START|END)[;:]", line) and ";VALUE=DATE:" not in line
    ]
    assert len(timed) == 2 * (len(plan.events) + len(plan.legs))
    for line in timed:
        assert re.fullmatch(r"DT(START|END);TZID=Europe/London:\d{8}T\d{6}", line), line


def test_vtimezone_uses_yearly_rules(nhs2008_scenario, plan, kit):
    """VTIMEZONE: STANDARD and DAYLIGHT with last-Sunday RRULEs, no RDATEs."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    (zone,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    rules = {part.name: part["RRULE"].to_ical().decode() for part in zone.subcomponents}
    assert rules == {
        "DAYLIGHT": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "STANDARD": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    }
    assert b"RDATE" not in data


def test_vtimezone_agrees_with_the_tz_database_on_every_date(
    nhs2008_scenario, plan, kit
):
    """Read by dateutil, the VTIMEZONE gives zoneinfo's offsets, 2007-2009."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    (zone,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    from_file = dateutil.tz.tzical(io.StringIO(zone.to_ical().decode())).get()
    london = zoneinfo.ZoneInfo("Europe/London")
    moments = [dt.datetime.fromtimestamp(e.start.timestamp(), UTC) for e in plan.events]
    day = dt.datetime(2007, 1, 1, 12, tzinfo=UTC)
    while day.year < 2010:
        moments.append(day)
        day += dt.timedelta(days=1)
    for moment in moments:
        assert (
            moment.astimezone(from_file).utcoffset()
            == moment.astimezone(london).utcoffset()
        ), moment


@pytest.mark.parametrize(
    ("tzid", "rules"),
    [
        ("America/New_York", {"DAYLIGHT": "2SU", "STANDARD": "1SU"}),
        ("Australia/Sydney", {"DAYLIGHT": "1SU", "STANDARD": "1SU"}),
        ("Asia/Tokyo", {}),
    ],
    ids=["second-sunday", "southern", "no-dst"],
)
def test_vtimezone_for_other_zones(tzid, rules):
    """Other IANA zones get their own yearly rules (or one fixed observance)."""
    zone = vtimezone(tzid, (2010, 2012))
    found = {
        part.name: part["RRULE"].to_ical().decode().split("BYDAY=")[1].split(";")[0]
        for part in zone.subcomponents
        if "RRULE" in part
    }
    assert found == rules
    if not rules:
        (part,) = zone.subcomponents
        assert part["TZOFFSETTO"].td == dt.timedelta(hours=9)


def test_all_day_stay_uses_dates_with_an_exclusive_end(nhs2008_scenario, plan, kit):
    """An overnight stay is DTSTART;VALUE=DATE with DTEND the next day."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    (stay,) = [
        e
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
        if "stay" in e["CATEGORIES"].cats
    ]
    assert stay["DTSTART"].dt == dt.date(2008, 9, 8)
    assert stay["DTEND"].dt == dt.date(2008, 9, 9)
    assert stay["TRANSP"] == "TRANSPARENT"


def test_every_event_has_the_properties_clients_need(nhs2008_scenario, plan, kit):
    """Each VEVENT has the properties clients need, and no RRULE or people."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    calendar = icalendar.Calendar.from_ical(data)
    for name, value in (
        ("VERSION", "2.0"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ):
        assert calendar[name] == value
    for name in (
        "PRODID",
        "NAME",
        "X-WR-CALNAME",
        "REFRESH-INTERVAL",
        "X-PUBLISHED-TTL",
    ):
        assert name in calendar
    events = calendar.walk("VEVENT")
    assert len(events) == len(plan_items(plan))
    assert len({str(e["UID"]) for e in events}) == len(events)
    for e in events:
        for name in (
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "LOCATION",
            "CATEGORIES",
            "TRANSP",
        ):
            assert name in e, (name, e["SUMMARY"])
        assert e["DTSTAMP"].dt == dt.datetime(2008, 9, 1, 8, 0, tzinfo=UTC)
        assert "RRULE" not in e
        assert "ORGANIZER" not in e
        assert "ATTENDEE" not in e


def test_event_location_geo_and_description(nhs2008_scenario, plan, kit):
    """An event names its venue, address, point, purpose, people and travel."""
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    (visit,) = [
        e
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
        if str(e["UID"]) == event_uid("nhs-2008", "listening-Q30")
    ]
    venue = nhs2008_scenario.venue_by_id["Q30-hq"]
    assert visit["LOCATION"] == venue.label
    assert (visit["GEO"].latitude, visit["GEO"].longitude) == (venue.lat, venue.lon)
    apple = visit["X-APPLE-STRUCTURED-LOCATION"]
    assert apple.params["X-TITLE"] == venue.name
    assert str(apple) == f"geo:{venue.lat},{venue.lon}"
    description = str(visit["DESCRIPTION"])
    assert "Purpose: Hear the service" in description
    assert "Attending: Lord Darzi, David Nicholson" in description
    assert "Travel before (Lord Darzi): rail from Richmond House" in description
    assert visit["CATEGORIES"].cats == ["tour"]


def test_public_audience_leaves_out_travel_stays_contacts_and_notes(
    nhs2008_scenario, plan, kit
):
    """The public calendar has only events, without travel, contacts or notes."""
    scenario = attrs.evolve(
        nhs2008_scenario,
        requests=[
            attrs.evolve(r, contact="Jo Bloggs 020 7946 0000", notes="VIP parking")
            if r.request_id == "listening-Q30"
            else r
            for r in nhs2008_scenario.requests
        ],
    )
    version = PlanVersion.unrecorded(kit.stamp)
    internal = render_ics(scenario, plan, version).decode()
    public = render_ics(scenario, plan, version, audience=PUBLIC)
    assert "Jo Bloggs" in internal
    assert "VIP parking" in internal
    events = icalendar.Calendar.from_ical(public).walk("VEVENT")
    assert len(events) == len(plan.events)
    text = kit.normalize_ics(public).decode()
    for hidden in (
        "Jo Bloggs",
        "VIP parking",
        "Travel",
        "Overnight",
        "CATEGORIES:travel",
    ):
        assert hidden not in text


def test_no_travel_option(nhs2008_scenario, plan, kit):
    """travel=False leaves travel legs and stays out of the internal calendar."""
    data = render_ics(
        nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp), travel=False
    )
    categories = {
        str(c)
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
        for c in e["CATEGORIES"].cats
    }
    assert categories == {"tour", "consultation", "national"}


def test_same_plan_same_bytes(nhs2008_scenario, plan, kit):
    """Rendering the same plan version twice gives identical bytes."""
    version = PlanVersion.unrecorded(kit.stamp)
    first = calendar_files(nhs2008_scenario, plan, version)
    again = calendar_files(nhs2008_scenario, kit.sample_plan(nhs2008_scenario), version)
    assert first == again


def test_uids_do_not_depend_on_request_order(nhs2008_scenario, plan, kit):
    """Reordering the scenario's requests changes neither UIDs nor bytes."""
    reordered = attrs.evolve(
        nhs2008_scenario, requests=list(reversed(nhs2008_scenario.requests))
    )
    version = PlanVersion.unrecorded(kit.stamp)
    assert render_ics(reordered, plan, version) == render_ics(
        nhs2008_scenario, plan, version
    )


def test_uids_survive_a_replan(nhs2008_scenario, plan, kit):
    """Moving events, legs and stays to other days keeps every UID."""
    moved = Plan(
        scenario_id=plan.scenario_id,
        events=[
            attrs.evolve(e, start=e.start.add(days=7), end=e.end.add(days=7))
            for e in plan.events
        ],
        legs=[
            attrs.evolve(g, depart=g.depart.add(days=7), arrive=g.arrive.add(days=7))
            for g in plan.legs
        ],
        stays=[attrs.evolve(s, night_of=s.night_of.add(days=7)) for s in plan.stays],
    )
    assert [e.uid for e in plan_items(moved)] == [e.uid for e in plan_items(plan)]


def test_uids_are_unique_and_scenario_specific(nhs2008_scenario, plan):
    """UIDs differ between entries and between scenarios with the same request ids."""
    uids = [e.uid for e in plan_items(plan)]
    assert len(set(uids)) == len(uids)
    assert all(uid.endswith("@roadshow") for uid in uids)
    assert event_uid("nhs-2008", "listening-Q30") != event_uid("other", "listening-Q30")
    assert event_uid("nhs-2008", "listening-Q30") == event_uid(
        "nhs-2008", "listening-Q30"
    )


def test_splits_and_safe_file_names(nhs2008_scenario, plan, kit):
    """Splits give one file per person, region and area, named from checked ids."""
    files = calendar_files(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    assert sorted(files) == [
        "areas/5ND.ics",
        "people/chair-Q30.ics",
        "people/darzi.ics",
        "people/nicholson.ics",
        "programme.ics",
        "regions/Q30.ics",
    ]
    nicholson = icalendar.Calendar.from_ical(files["people/nicholson.ics"])
    assert {str(e["SUMMARY"]) for e in nicholson.walk("VEVENT")} == {
        "Listening event: NHS North East",
        "HSJ NHS Change Management conference",
        "Autumn leadership event for health and social care",
    }
    area = icalendar.Calendar.from_ical(files["areas/5ND.ics"])
    assert [str(e["X-ROADSHOW-REQUEST"]) for e in area.walk("VEVENT")] == [
        "consultation-5ND"
    ]


@pytest.mark.parametrize(
    "bad_id",
    ["../etc", "a/b", "CON", "", "x" * 80],
    ids=["dots", "slash", "device", "empty", "long"],
)
def test_unsafe_ids_never_become_file_names(nhs2008_scenario, plan, kit, bad_id):
    """An id that is not safe as a file name is refused with a clear error."""
    first = plan.events[0]
    bad = Plan(
        scenario_id=plan.scenario_id,
        events=[attrs.evolve(first, area_id=bad_id), *plan.events[1:]],
    )
    with pytest.raises(InvalidModelError, match="file name"):
        calendar_files(
            nhs2008_scenario, bad, PlanVersion.unrecorded(kit.stamp), splits=["area"]
        )


def test_case_clashing_file_names_are_refused(nhs2008_scenario, plan, kit):
    """Ids differing only in case would overwrite each other on Windows or macOS."""
    first, second = plan.events[0], plan.events[2]
    bad = Plan(
        scenario_id=plan.scenario_id,
        events=[
            attrs.evolve(first, area_id="abc"),
            attrs.evolve(second, area_id="ABC"),
        ],
    )
    with pytest.raises(InvalidModelError, match="case"):
        calendar_files(
            nhs2008_scenario, bad, PlanVersion.unrecorded(kit.stamp), splits=["area"]
        )


def test_plan_of_another_scenario_is_refused(nhs2008_scenario, plan, kit):
    """Rendering a plan with the wrong scenario fails instead of mixing UIDs."""
    other = attrs.evolve(plan, scenario_id="other")
    with pytest.raises(InvalidModelError, match="another scenario"):
        render_ics(nhs2008_scenario, other, PlanVersion.unrecorded(kit.stamp))


HOSTILE = 'Town hall, Leeds; room 2\nback door 🎉 \\ "quoted" ' + "é" * 300


def test_hostile_text_round_trips_through_every_parser(nhs2008_scenario, kit):
    """Commas, semicolons, newlines, emoji, 300-char names survive every parser."""
    venue = Venue.at("hostile", HOSTILE, 53.8, -1.55, address=HOSTILE)
    scenario = attrs.evolve(
        nhs2008_scenario,
        venues=[*nhs2008_scenario.venues, venue],
        requests=[
            attrs.evolve(r, title=HOSTILE, purpose=HOSTILE)
            if r.request_id == "listening-Q30"
            else r
            for r in nhs2008_scenario.requests
        ],
    )
    plan = Plan(
        scenario_id=scenario.scenario_id,
        events=[
            kit.event(scenario, "listening-Q30", kit.at(9, 8, 10), venue_id="hostile")
        ],
    )
    data = render_ics(scenario, plan, PlanVersion.unrecorded(kit.stamp))
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a character
    assert b"\n" not in data.replace(b"\r\n", b"")
    (by_icalendar,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    (by_vobject,) = vobject.readOne(data.decode()).vevent_list
    (by_ics,) = ics.Calendar(data.decode()).events
    assert str(by_icalendar["SUMMARY"]) == HOSTILE
    assert by_vobject.summary.value == HOSTILE
    assert by_ics.name == HOSTILE
    assert str(by_icalendar["LOCATION"]) == f"{HOSTILE}, {HOSTILE}"
    assert by_vobject.location.value == f"{HOSTILE}, {HOSTILE}"
    assert by_icalendar["X-APPLE-STRUCTURED-LOCATION"].params["X-TITLE"] == HOSTILE
    assert f"Purpose: {HOSTILE}" in str(by_icalendar["DESCRIPTION"])


def test_invitations_only_for_people_with_addresses(nhs2008_scenario, plan, kit):
    """--invite files carry ORGANIZER and ATTENDEEs, only for people with e-mail."""
    scenario = attrs.evolve(
        nhs2008_scenario,
        people=[
            attrs.evolve(p, email="darzi@example.org") if p.person_id == "darzi" else p
            for p in nhs2008_scenario.people
        ],
    )
    files = render_invites(
        scenario,
        plan,
        PlanVersion.unrecorded(kit.stamp),
        organizer="office@example.org",
    )
    assert sorted(files) == [
        "clinical-Q30.ics",
        "leadership-event.ics",
        "listening-Q30.ics",
    ]
    calendar = icalendar.Calendar.from_ical(files["listening-Q30.ics"])
    assert calendar["METHOD"] == "REQUEST"
    (invite,) = calendar.walk("VEVENT")
    assert str(invite["ORGANIZER"]) == "mailto:office@example.org"
    assert str(invite["ATTENDEE"]) == "mailto:darzi@example.org"
    assert invite["ATTENDEE"].params["CN"] == "Lord Darzi"


def test_invitations_need_an_organizer_address(nhs2008_scenario, plan, kit):
    """An organizer that is not an e-mail address is refused."""
    with pytest.raises(InvalidModelError, match="organizer"):
        render_invites(
            nhs2008_scenario,
            plan,
            PlanVersion.unrecorded(kit.stamp),
            organizer="office",
        )


def test_person_view_of_unknown_person_is_empty_but_valid(nhs2008_scenario, plan, kit):
    """A view with no entries still renders a valid calendar."""
    data = render_ics(
        nhs2008_scenario,
        plan,
        PlanVersion.unrecorded(kit.stamp),
        view=View("person", "nobody"),
    )
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE") == []


def test_people_without_events_get_no_file(nhs2008_scenario, plan, kit):
    """Only people with entries get a calendar file."""
    scenario = attrs.evolve(
        nhs2008_scenario,
        people=[
            *nhs2008_scenario.people,
            Person(person_id="spare", name="Spare", home_venue_id="richmond-house"),
        ],
    )
    files = calendar_files(
        scenario, plan, PlanVersion.unrecorded(kit.stamp), splits=["person"]
    )
    assert "people/spare.ics" not in files


def test_unknown_split_and_audience_are_refused(nhs2008_scenario, plan, kit):
    """A misspelt split or audience is an error naming the choices."""
    version = PlanVersion.unrecorded(kit.stamp)
    with pytest.raises(InvalidModelError, match="programme, person, region, area"):
        calendar_files(nhs2008_scenario, plan, version, splits=["people"])
    with pytest.raises(InvalidModelError, match="internal, public"):
        render_ics(nhs2008_scenario, plan, version, audience="everyone")


def test_stamp_is_the_issue_time(nhs2008_scenario, plan):
    """DTSTAMP is the version's issue time, whatever zone it is given in."""
    issued = pendulum.datetime(2008, 9, 1, 9, 30, tz="Europe/London")
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(issued))
    stamps = {
        e["DTSTAMP"].dt for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    assert stamps == {dt.datetime(2008, 9, 1, 8, 30, tzinfo=UTC)}


_REQUESTS = ["listening-Q30", "clinical-Q31", "consultation-5ND", "leadership-event"]
# Every quarter hour from 1 Sep to 30 Nov 2008, the repeated hour of 26 Oct included.
_FIRST = pendulum.datetime(2008, 9, 1, tz="UTC")
_QUARTERS = 91 * 24 * 4


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    starts=st.lists(
        st.integers(0, _QUARTERS), min_size=1, max_size=len(_REQUESTS), unique=True
    )
)
def test_round_trip_property(nhs2008_scenario, kit, starts):
    """Any plan reads back equal, and every parser agrees on every UTC start."""
    plan = Plan(
        scenario_id="nhs-2008",
        events=[
            kit.event(nhs2008_scenario, request, _FIRST.add(minutes=15 * quarter))
            for request, quarter in zip(_REQUESTS, starts, strict=False)
        ],
    )
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    back = parse_plan_ics(data.decode(), source="p.ics", scenario=nhs2008_scenario)
    assert back == plan
    for parse in PARSERS:
        assert parse(data) == expected_starts(plan), parse.__name__


def test_repeated_hour_is_written_in_utc(nhs2008_scenario, kit):
    """01:30 GMT on 26 Oct 2008, the second 01:30, is written in UTC."""
    second = pendulum.datetime(2008, 10, 26, 1, 30, tz="UTC")
    first = pendulum.datetime(2008, 10, 26, 0, 30, tz="UTC")
    plan = Plan(
        scenario_id="nhs-2008",
        events=[
            kit.event(nhs2008_scenario, "listening-Q30", first),
            kit.event(nhs2008_scenario, "leadership-event", second),
        ],
    )
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    assert b"DTSTART;TZID=Europe/London:20081026T013000\r\n" in data
    assert b"DTSTART:20081026T013000Z\r\n" in data
    for parse in PARSERS:
        assert parse(data) == expected_starts(plan), parse.__name__


def test_every_request_of_the_default_scenario(nhs2008_scenario, kit):
    """All 174 requests, one a day from 1 Sep 2008 10:00, read alike in each parser."""
    plan = Plan(
        scenario_id="nhs-2008",
        events=[
            kit.event(nhs2008_scenario, r.request_id, kit.at(9, 1, 10).add(days=i))
            for i, r in enumerate(nhs2008_scenario.requests)
        ],
    )
    data = render_ics(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    expected = expected_starts(plan)
    assert len(expected) == len(nhs2008_scenario.requests)
    for parse in PARSERS:
        assert parse(data) == expected, parse.__name__


def test_default_plan_reads_alike_in_every_parser(nhs2008_scenario, kit):
    """In the default plan every entry's UTC start is the same in each parser."""
    planner = pytest.importorskip(
        "roadshow.planner", reason="the planner is not merged yet"
    )
    plan = planner.plan(nhs2008_scenario)
    files = calendar_files(nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp))
    for name in ("programme.ics", "people/darzi.ics", "regions/Q30.ics"):
        starts = [parse(files[name]) for parse in PARSERS]
        assert all(s == starts[0] for s in starts), name
    assert starts_icalendar(files["programme.ics"]) == expected_starts(plan)


def test_a_request_placed_twice_is_refused(nhs2008_scenario, plan, kit):
    """Two events of one request would share a UID: refused, not written twice."""
    first = plan.events[0]
    twice = attrs.evolve(
        plan,
        events=[
            *plan.events,
            attrs.evolve(
                first, start=first.start.add(days=1), end=first.end.add(days=1)
            ),
        ],
    )
    with pytest.raises(InvalidModelError, match="places a request twice"):
        render_ics(nhs2008_scenario, twice, PlanVersion.unrecorded(kit.stamp))
