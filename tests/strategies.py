"""Hypothesis strategies: scenario documents, CSV tables, plan files and plans.

The document strategies start from small valid inputs and break them one value
at a time, so most examples get past the syntax into the checks that matter;
fully random text and bytes cover the syntax.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pendulum
from hypothesis import assume
from hypothesis import strategies as st

from roadshow.exporters.plan_file import plan_to_data
from roadshow.model import OvernightStay, Plan, ScheduledEvent, TravelLeg, Unplaced

# Values a user might plausibly write, valid or nearly so.
NEAR_MISSES = (
    "",
    " ",
    "2h30m",
    "90m",
    "0m",
    "-1h",
    "PT2H",
    "99999999999999999999h",
    "mon-fri 09:30-17:00",
    "sat 10:00-12:00",
    "fri-mon 22:00-23:00",
    "mon-fri 17:00-09:30",
    "09:00-21:00",
    "24:00",
    "25:00",
    "Europe/London",
    "Europe/Londn",
    "America/New_York",
    "role:chair",
    "role:",
    "Q30",
    "5ND",
    "alice",
    "office",
    "../x",
    "CON",
    "a/b",
    "a\x00b",
    "GB-ENG",
    "XX",
    "2008-09-08",
    "2008-02-30",
    "2008-10-26T01:30:00",
    "2008-10-22T10:00:00+01:00",
    "{area_name}",
    "{nope}",
    "{",
    "auto",
    "rail",
    "bus",
    "é",
    "\U0001f600",
)

AWARE_ZONES = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-14))]
)

INSTANTS = st.datetimes(
    min_value=dt.datetime(2008, 9, 1),  # noqa: DTZ001 - bounds for aware values
    max_value=dt.datetime(2008, 12, 1),  # noqa: DTZ001 - bounds for aware values
    timezones=st.sampled_from(
        [pendulum.timezone("Europe/London"), pendulum.timezone("UTC")]
    ),
).map(lambda value: pendulum.instance(value).set(microsecond=0))
"""Aware instants either side of the end of summer time on 26 October 2008."""


def toml_scalars() -> st.SearchStrategy[Any]:
    """Any value TOML can hold that is not a container."""
    return st.one_of(
        st.booleans(),
        st.integers(),
        st.integers(min_value=-3, max_value=1000),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(NEAR_MISSES),
        st.dates(),
        st.dates(min_value=dt.date(2008, 9, 1), max_value=dt.date(2008, 11, 30)),
        st.datetimes(),
        st.datetimes(timezones=AWARE_ZONES),
        st.times(),
    )


def toml_values() -> st.SearchStrategy[Any]:
    """Any TOML value: scalars, arrays and tables, nested a little."""
    keys = st.one_of(st.text(max_size=8), st.sampled_from(["id", "name", "lat"]))
    return st.recursive(
        toml_scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(keys, inner, max_size=3),
        ),
        max_leaves=6,
    )


BASE_SCENARIO: dict[str, Any] = {
    "id": "fuzz",
    "start": dt.date(2008, 9, 8),
    "end": dt.date(2008, 10, 31),
    "timezone": "Europe/London",
    "calendar": {"holidays": "GB-ENG", "weekend": ["sat", "sun"]},
    "rules": {
        "max_nights_away_in_row": 3,
        "start_step": "15m",
        "kinds": {"consultation": {"max_per_person_per_day": 1}},
    },
    "travel": {"mode": "auto", "modes": {"rail": {"speed_kmh": 150}}},
    "venues": [
        {"id": "office", "name": "Regional office", "lat": 54.97, "lon": -1.61},
        {"id": "hall", "name": "Town hall", "place": "Leeds", "capacity": 300},
    ],
    "regions": [{"id": "Q30", "name": "NHS North East", "hq": "office"}],
    "areas": [
        {"id": "5ND", "name": "County Durham", "region": "Q30", "venue": "office"}
    ],
    "people": [
        {
            "id": "alice",
            "name": "Alice",
            "role": "chair",
            "region": "Q30",
            "home": "office",
            "working_hours": "09:00-21:00",
        }
    ],
    "blackouts": [
        {"person": "alice", "start": dt.date(2008, 9, 20), "end": dt.date(2008, 9, 24)}
    ],
    "commitments": [
        {
            "person": "alice",
            "start": dt.datetime(2008, 9, 9, 10, 0),  # noqa: DTZ001 - a TOML local time
            "end": dt.datetime(2008, 9, 9, 12, 0),  # noqa: DTZ001 - a TOML local time
        }
    ],
    "requests": [
        {
            "id": "visit-Q30",
            "title": "Listening event",
            "kind": "tour",
            "attendees": ["alice"],
            "region": "Q30",
            "duration": "2h30m",
            "slots": ["mon-fri 09:30-17:00"],
            "pinned": dt.date(2008, 9, 10),
        }
    ],
    "series": [
        {
            "id": "consultation",
            "per": "area",
            "kind": "consultation",
            "title": "Consultation: {area_name}",
            "attendees": ["role:chair"],
            "duration": "2h",
            "regions": ["Q30"],
        }
    ],
}
"""A small valid scenario using most of the format (loads with the gazetteer)."""


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists, the root excluded."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, inner in items:
        found.append((*prefix, key))
        found += _paths(inner, (*prefix, key))
    return found


def _apply(document: Any, path: tuple[Any, ...], action: str, value: Any) -> None:
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{last}_extra" if isinstance(last, str) else "extra"] = value
    else:
        parent[last] = value


def similar(value: Any, key: object = None) -> st.SearchStrategy[Any]:
    """Values like *value*, the one found at *key*: wrong in content, not in kind.

    A key the format knows gets near misses of its own kind (a duration gets
    durations), so a rare bad value is not left to chance.
    """
    by_key = _BY_KEY.get(key) if isinstance(key, str) else None
    if isinstance(value, list):
        texts = bool(value) and isinstance(value[0], str)
        items = st.sampled_from(NEAR_MISSES) if by_key is None else by_key
        return st.lists(items, max_size=3) if texts else st.nothing()
    if by_key is not None and isinstance(value, str):
        return by_key
    # bool before int and datetime before date: each is a subclass of the next.
    for kind, strategy in _SIMILAR:
        if isinstance(value, kind):
            return strategy
    return st.nothing()


_DURATIONS = st.sampled_from(
    [
        "0m",
        "-1h",
        "1h90m",
        "PT0H",
        "PT",
        "h",
        "24h",
        "9999999h",
        "2h30",
        "m",
        "1m",
        "99999999999999999999h",
        "1" * 30 + "m",
        "PT99999999999999999999H",
    ]
)
_CLOCKS = st.sampled_from(["00:00", "24:00", "24:01", "23:59", "7:5", "25:00", "9"])
_WINDOWS = st.sampled_from(
    ["09:00-09:00", "18:00-09:00", "00:00-24:00", "09:00-", "-", "9-5", "09:00-25:00"]
)
_SLOTS = st.sampled_from(
    [
        "sun-sat 00:00-24:00",
        "sat-mon 10:00-11:00",
        "mon-fri 17:00-09:30",
        "x 10:00-11:00",
        "mon,,fri 10:00-11:00",
        "mon-fri",
        "mon-fri 10:00-11:00 extra",
        "",
    ]
)
_IDS = st.sampled_from(
    [
        "Q30",
        "q30",
        "5ND",
        "alice",
        "office",
        "role:chair",
        "role:",
        "role:nobody",
        "CON",
        "../x",
        "a/b",
        "",
        "x" * 70,
        "visit-Q30",
        "consultation-5ND",
    ]
)
_BY_KEY: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(["duration", "gap_before", "gap_after", "start_step"], _DURATIONS),
    "overhead": _DURATIONS,
    **dict.fromkeys(["late_after", "preferred_start"], _CLOCKS),
    **dict.fromkeys(["working_hours", "travel_hours"], _WINDOWS),
    "slots": _SLOTS,
    "weekend": st.sampled_from(["sat", "sun", "caturday", "sat-sun", "sun-sat", ""]),
    **dict.fromkeys(
        ["id", "home", "hq", "region", "area", "venue", "person", "lead", "follows"],
        _IDS,
    ),
    **dict.fromkeys(["attendees", "optional", "regions", "areas", "venues"], _IDS),
    "timezone": st.sampled_from(
        ["Europe/Londn", "europe/london", "UTC", "Etc/GMT+14", "Pacific/Kiritimati", ""]
    ),
    "holidays": st.sampled_from(["", "GB", "GB-SCT", "GB-XXX", "XX", "US-CA", "-"]),
    "title": st.sampled_from(
        [
            "{area_name}",
            "{region_name}",
            "{nope}",
            "{",
            "}",
            "{0}",
            "{area_name!r}",
            "{area_name:>{region_id}}",
            "{region_id.x}",
            "{area_id[0]}",
        ]
    ),
    "per": st.sampled_from(["region", "area", "Area", "town", ""]),
    "mode": st.sampled_from(["auto", "walk", "car", "rail", "bus", ""]),
    "pinned": st.sampled_from(
        [
            "2008-10-26T01:30:00",
            "2008-03-30T01:30:00",
            "2008-10-22",
            "0001-01-01T00:00",
            "9999-12-31T23:59:59",
            "2008-10-22T10:00:00-14:00",
            "soon",
            "",
        ]
    ),
}
"""Near misses for the keys of the scenario format, by key name."""


_SIMILAR: tuple[tuple[type, st.SearchStrategy[Any]], ...] = (
    (bool, st.booleans()),
    (int, st.integers() | st.integers(min_value=-2, max_value=200)),
    (float, st.floats() | st.floats(min_value=-200, max_value=200)),
    (str, st.sampled_from(NEAR_MISSES) | st.text(max_size=10)),
    (dt.datetime, st.datetimes() | INSTANTS),
    (
        dt.date,
        st.dates()
        | st.dates(min_value=dt.date(2008, 8, 1), max_value=dt.date(2008, 12, 31)),
    ),
)


def _in(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def mutated(draw: st.DrawFn, base: Any, values: st.SearchStrategy[Any]) -> Any:
    """A deep copy of *base* with one to three values replaced, deleted or added.

    Most replacements keep the value's type (a bad date for a date), so the
    checks behind the type checks get exercised too.
    """
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(
            st.sampled_from(["similar", "similar", "replace", "delete", "add"])
        )
        if action == "similar":
            # A list item is named by its list's key (attendees[0] by attendees).
            key = next((k for k in reversed(path) if isinstance(k, str)), None)
            value = draw(similar(_in(document, path), key) | values)
        else:
            value = draw(values)
        _apply(document, path, action, value)
    return document


def scenario_documents() -> st.SearchStrategy[dict[str, Any]]:
    """The base scenario broken in one to three places (TOML-ready dicts)."""
    return mutated(BASE_SCENARIO, toml_values())


# --- CSV tables -----------------------------------------------------------------------

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("id", "name", "hq_town", "lat", "lon"),
    "areas": ("id", "name", "region", "town", "lat", "lon"),
    "venues": (
        "id",
        "name",
        "address",
        "place",
        "lat",
        "lon",
        "capacity",
        "region",
        "area",
        "accessible",
    ),
    "commitments": ("person", "start", "end", "label"),
    "travel": ("from", "to", "mode", "minutes"),
}

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(NEAR_MISSES),
    st.sampled_from(["54.97", "-1.61", "91", "nan", "inf", "1e400", "300", "-5"]),
    st.sampled_from(["yes", "no", "maybe", "car", "cart", "2008-09-09T10:00"]),
    st.floats().map(str),
    st.integers().map(str),
)


@st.composite
def csv_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A table kind and CSV bytes for it: plausible headers, odd cells and bytes."""
    kind = draw(st.sampled_from(sorted(TABLE_COLUMNS)))
    known = list(TABLE_COLUMNS[kind])
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(known), st.text(max_size=6)),
            min_size=1,
            max_size=8,
        )
        | st.permutations(known)
    )
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1),
            max_size=4,
        )
    )
    lines = [",".join(header)] + [
        ",".join(_quoted(cell) for cell in row) for row in rows
    ]
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return kind, text.encode(encoding, errors="replace")


def _quoted(cell: str) -> str:
    if any(c in cell for c in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


# --- plans and plan files -------------------------------------------------------------

IDS = st.sampled_from(["darzi", "nicholson", "Q30-hq", "visit-Q30", "5ND", "office"])


def _in_repeated_hour(value: pendulum.DateTime) -> bool:
    return value.date() == pendulum.date(2008, 10, 26) and value.hour == 1


UNAMBIGUOUS_INSTANTS = INSTANTS.filter(lambda value: not _in_repeated_hour(value))
"""INSTANTS without 01:00-02:00 on 26 October 2008, which happened twice in London.

PEP 495: a local time in a repeated hour never equals a fixed-offset time, so
plans holding one do not compare equal after a round trip through a plan file
(see test_fuzz.test_round_trip_in_the_repeated_hour).
"""


@st.composite
def scheduled_events(draw: st.DrawFn) -> ScheduledEvent:
    """A scheduled event of 1 to 600 minutes."""
    start = draw(UNAMBIGUOUS_INSTANTS)
    end = start.add(minutes=draw(st.integers(min_value=1, max_value=600)))
    assume(not _in_repeated_hour(end))
    return ScheduledEvent(
        request_id=draw(IDS),
        title=draw(st.text(min_size=1, max_size=20)),
        kind=draw(st.sampled_from(["tour", "consultation"])),
        venue_id=draw(IDS),
        start=start,
        end=end,
        attendees=draw(st.lists(IDS, max_size=3)),
        lead=draw(st.none() | IDS),
        region_id=draw(st.none() | IDS),
        area_id=draw(st.none() | IDS),
    )


@st.composite
def travel_legs(draw: st.DrawFn) -> TravelLeg:
    """A travel leg of 0 to 600 minutes."""
    depart = draw(UNAMBIGUOUS_INSTANTS)
    arrive = depart.add(minutes=draw(st.integers(min_value=0, max_value=600)))
    assume(not _in_repeated_hour(arrive))
    return TravelLeg(
        person_id=draw(IDS),
        from_id=draw(IDS),
        to_id=draw(IDS),
        mode=draw(st.sampled_from(["walk", "car", "rail"])),
        depart=depart,
        arrive=arrive,
        distance_km=draw(st.floats(min_value=0, max_value=1000)),
    )


def plans() -> st.SearchStrategy[Plan]:
    """Small plans with events, legs, stays and unplaced requests."""
    return st.builds(
        Plan,
        scenario_id=st.just("fuzz"),
        events=st.lists(scheduled_events(), max_size=3),
        legs=st.lists(travel_legs(), max_size=3),
        stays=st.lists(
            st.builds(
                OvernightStay,
                person_id=IDS,
                night_of=st.dates(
                    min_value=dt.date(2008, 9, 1), max_value=dt.date(2008, 12, 1)
                ).map(lambda d: pendulum.date(d.year, d.month, d.day)),
                venue_id=IDS,
            ),
            max_size=2,
        ),
        unplaced=st.lists(
            st.builds(
                Unplaced,
                request_id=IDS,
                reason=st.text(max_size=30),
                rules=st.lists(st.sampled_from(["blackout", "overlap"]), max_size=2),
            ),
            max_size=2,
        ),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, nested a little."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(NEAR_MISSES),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


@st.composite
def plan_documents(draw: st.DrawFn) -> str:
    """A valid plan file broken in one to three places, as JSON text."""
    base = plan_to_data(draw(plans()))
    return json.dumps(draw(mutated(base, json_values())))


# --- iCalendar diaries -----------------------------------------------------------

DIARY_LINES = (
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Private Office//Diary//EN",
    "BEGIN:VTIMEZONE",
    "TZID:GMT Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16011028T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010325T010000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "UID:cabinet@example.org",
    "DTSTAMP:20080901T080000Z",
    "DTSTART;TZID=GMT Standard Time:20080909T093000",
    "DTEND;TZID=GMT Standard Time:20080909T110000",
    "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20081231T000000Z",
    "EXDATE;TZID=GMT Standard Time:20080916T093000",
    "SUMMARY:Cabinet",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:pmqs@example.org",
    "DTSTAMP:20080901T080000Z",
    "DTSTART:20081026T003000Z",
    "DURATION:PT2H",
    "SUMMARY:Night sitting\\, Lords",
    "CLASS:PRIVATE",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:conference@example.org",
    "DTSTAMP:20080901T080000Z",
    "DTSTART;VALUE=DATE:20080929",
    "DTEND;VALUE=DATE:20081001",
    "SUMMARY:Party conference",
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "TRIGGER:-PT15M",
    "END:VALARM",
    "END:VEVENT",
    "BEGIN:VTODO",
    "UID:todo@example.org",
    "SUMMARY:Read the review",
    "END:VTODO",
    "END:VCALENDAR",
)
"""A small valid diary as Outlook writes one: a Windows zone, a weekly meeting
with an exception, an event across the end of summer time, an all-day event."""

ICS_NEAR_MISSES = st.sampled_from(
    [
        "",
        ":",
        ";",
        "\\",
        "20080931T090000",
        "20081026T013000",
        "99991231T235959Z",
        "00000000T000000",
        "20080909",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;INTERVAL=0",
        "FREQ=DAILY;COUNT=-1",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=YEARLY;BYMONTH=13",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=2TU",
        "FREQ=DAILY;UNTIL=20080101",
        "P-1D",
        "PT0S",
        "-PT15M",
        "+2500",
        "GMT",
        "Europe/Londn",
        "TRANSPARENT",
        "CANCELLED",
        "VEVENT",
        "VCALENDAR",
        "X",
    ]
)
ICS_NAMES = st.sampled_from(
    [
        "BEGIN",
        "END",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "TZOFFSETTO",
        "TZID",
        "UID",
        "STATUS",
        "TRANSP",
        "X-A",
    ]
)
ICS_PARAMS = st.sampled_from(
    [
        "",
        ";TZID=GMT Standard Time",
        ";TZID=Mars/Olympus",
        ";VALUE=DATE",
        ";VALUE=PERIOD",
        ";TZID=",
        ';X="a:b"',
    ]
)


@st.composite
def ics_lines(draw: st.DrawFn) -> str:
    """One content line: a plausible name, parameters and value, or any text."""
    if draw(st.booleans()):
        return draw(st.text(max_size=40))
    value = draw(st.one_of(ICS_NEAR_MISSES, st.text(max_size=20)))
    return f"{draw(ICS_NAMES)}{draw(ICS_PARAMS)}:{value}"


@st.composite
def ics_documents(draw: st.DrawFn) -> str:
    """The valid diary broken in one to three places (a line, a value, the end)."""
    lines = list(DIARY_LINES)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "value", "line", "insert"]))
        if action == "drop":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "value":
            name = lines[at].split(":", 1)[0]
            value = draw(st.one_of(ICS_NEAR_MISSES, st.text(max_size=20)))
            lines[at] = f"{name}:{value}"
        elif action == "line":
            lines[at] = draw(ics_lines())
        else:
            lines.insert(at, draw(ics_lines()))
        if not lines:
            break
    text = "\r\n".join(lines) + "\r\n"
    if draw(st.integers(0, 9)) == 0:  # now and then, cut the file short
        text = text[: draw(st.integers(0, len(text)))]
    return text
