"""Why each night is away, and each person's events by kind (#13, item 5).

The unit tests build small plans by hand; the CLI tests read the default plan's
summary (a real ``roadshow plan`` process) and an itinerary (CliRunner) and check
them against the plan file and the bundled scenario file, read independently.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from builders import MONDAY, person, scenario, visit
from roadshow.cli import cli
from roadshow.model import Commitment, OvernightStay, Plan, ScheduledEvent
from roadshow.nights import NOT_NEEDED, NightReason, night_reasons
from safety_kit import run_roadshow

TZ = "Europe/London"
LATE_FINISH, EARLY_START, FAR_FROM_HOME = "late finish", "early start", "far from home"
TUESDAY = MONDAY.add(days=1)


def at(day: pendulum.Date, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=TZ)


def event(
    request_id: str,
    venue: str,
    day: pendulum.Date,
    start: int,
    end: int,
    end_minute: int = 0,
) -> ScheduledEvent:
    return ScheduledEvent(
        request_id=request_id,
        title=f"Visit {request_id}",
        kind="visit",
        venue_id=venue,
        start=at(day, start),
        end=at(day, end, end_minute),
        attendees=("ann",),
    )


def reasons_for(
    events: list[ScheduledEvent],
    night_place: str,
    commitments: tuple[Commitment, ...] | list[Commitment] = (),
) -> NightReason:
    """Ann (London; working 09:00-17:30, travel 07:00-22:00) away on Monday night."""
    s = scenario(
        [visit(e.request_id, e.venue_id) for e in events],
        people=[person("ann")],
        commitments=commitments,
    )
    stay = OvernightStay(person_id="ann", night_of=MONDAY, venue_id=night_place)
    plan = Plan(scenario_id="test", events=events, stays=[stay])
    return night_reasons(s, plan)["ann", MONDAY]


def test_an_evening_event_away_is_a_late_finish() -> None:
    """Newcastle until 17:30, nothing next day: home after 17:30 but in travel hours."""
    found = reasons_for([event("v1", "newcastle", MONDAY, 16, 17, 30)], "newcastle")
    assert found.reasons == (LATE_FINISH,)
    assert re.fullmatch(
        r"late finish: Visit v1 ends 17:30, home 2[01]:\d\d at the earliest",
        found.text,
    )


def test_home_after_travel_hours_is_far_from_home() -> None:
    """Newcastle until 20:00: home to London after 22:00, outside travel hours."""
    found = reasons_for([event("v1", "newcastle", MONDAY, 18, 20)], "newcastle")
    assert found.reasons == (FAR_FROM_HOME,)
    assert found.text.endswith("at the earliest (after travel hours)")


def test_a_morning_event_away_is_an_early_start() -> None:
    """Newcastle at 11:00 on Tuesday: leaving London after 07:00 but before 09:00."""
    found = reasons_for([event("v1", "newcastle", TUESDAY, 11, 12)], "newcastle")
    assert found.reasons == (EARLY_START,)
    assert re.fullmatch(
        r"early start: Visit v1 at 11:00, leaving home at 0[78]:\d\d", found.text
    )


def test_evening_morning_and_saving_in_order() -> None:
    """A late Monday and an early Tuesday in Newcastle, which also saves travel."""
    found = reasons_for(
        [
            event("v1", "newcastle", MONDAY, 16, 17, 30),
            event("v2", "newcastle", TUESDAY, 11, 12),
        ],
        "newcastle",
    )
    assert found.reasons[:2] == (LATE_FINISH, EARLY_START)
    assert re.fullmatch(r"saves \d+h\d\dm", found.reasons[2])
    assert found.text.endswith("of travel over going home and back")
    assert found.text.count("; ") == 2


def test_a_saving_alone_is_a_reason() -> None:
    """Leeds at midday on both days: home in time either way, but it saves travel."""
    found = reasons_for(
        [event("v1", "leeds", MONDAY, 10, 12), event("v2", "leeds", TUESDAY, 14, 16)],
        "leeds",
    )
    (saves,) = found.reasons
    assert re.fullmatch(r"saves \d+h\d\dm", saves)


def test_a_night_no_rule_needs_says_so() -> None:
    """London events both days, a night in Leeds: not needed (the checker warns)."""
    found = reasons_for(
        [
            event("v1", "london", MONDAY, 10, 12),
            event("v2", "london", TUESDAY, 14, 16),
        ],
        "leeds",
    )
    assert found.reasons == (NOT_NEEDED,)
    assert found.text == (
        "not needed: no late finish, early start, journey outside travel hours or"
        " saving of at least 1h30m needs it (roadshow check warns)"
    )


def test_a_diary_commitment_counts_as_the_evening() -> None:
    """A dinner at its own place in Newcastle ends the day."""
    dinner = Commitment(
        person_id="ann",
        start=at(MONDAY, 19),
        end=at(MONDAY, 21),
        label="Dinner",
        venue_id="newcastle",
    )
    found = reasons_for(
        [event("v1", "newcastle", MONDAY, 10, 12)], "newcastle", [dinner]
    )
    assert found.reasons == (FAR_FROM_HOME,)
    assert found.text.startswith("far from home: Dinner ends 21:00, home ")


# --- through the real CLI, on the default plan ------------------------------------

SCENARIO_TOML = (
    Path(__file__).resolve().parent.parent / "src/roadshow/data/nhs2008/scenario.toml"
)
DASH = "\u2013"
_DAY = re.compile(r"^[A-Z][a-z]+day (\d+ [A-Z][a-z]+ \d{4})$")
_ITEM = re.compile(
    rf"^  (\d\d:\d\d) [A-Z]+{DASH}(\d\d:\d\d) [A-Z]+  (Travel|Event|Diary|Free) "
)
_SUMMARY_NIGHT = re.compile(r"(\d+ [A-Z][a-z]{2}) [^;()]+ \(([^()]+)\)")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`roadshow plan --out DIR` run once as a real process: (DIR, its summary)."""
    folder = tmp_path_factory.mktemp("tour") / "out"
    done = run_roadshow("-q", "plan", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    return folder, done.stdout


def _people() -> dict[str, dict[str, str]]:
    with SCENARIO_TOML.open("rb") as f:
        return {p["id"]: p for p in tomllib.load(f)["people"]}


def _expected_kinds(plan: dict, person_id: str) -> str:
    """From plan.json and the scenario's series ids: "10 clinical, 10 listening"."""
    with SCENARIO_TOML.open("rb") as f:
        series = [s["id"] for s in tomllib.load(f)["series"]]
    counts = Counter(
        next((s for s in series if e["request"].startswith(f"{s}-")), e["kind"])
        for e in plan["events"]
        if person_id in e["attendees"]
    )
    ranked = sorted(counts.items(), key=lambda kc: (-kc[1], kc[0]))
    return ", ".join(f"{n} {kind}" for kind, n in ranked)


def _summary_block(summary: str, name: str) -> str:
    """The person's lines of the summary's "Events by kind and nights away" part."""
    part = summary.split("Events by kind and nights away (why)\n", 1)[1]
    lines = part.split("\n\n", 1)[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {name}:"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        block.append(line)
    return "\n".join(block)


def _days(itinerary: str) -> dict[str, dict]:
    """Each day of a text itinerary: its items' (start, end, kind) and its Why text."""
    days: dict[str, dict] = {}
    day: dict | None = None
    why: list[str] | None = None
    for line in itinerary.splitlines():
        if m := _DAY.match(line):
            day = days.setdefault(m.group(1), {"items": [], "why": ""})
            why = None
        elif day is None:
            continue
        elif m := _ITEM.match(line):
            day["items"].append((m.group(1), m.group(2), m.group(3)))
        elif line.startswith("Why        "):
            why = [line.removeprefix("Why        ")]
        elif why is not None and line.startswith(" " * 11) and line.strip():
            why.append(line.strip())
        elif why is not None:
            day["why"] = " ".join(why)
            why = None
    return days


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.mark.parametrize(
    ("person_id", "name"),
    [("darzi", "Lord Darzi"), ("chair-Q31", "Chair, NHS North West")],
)
def test_summary_and_itinerary_say_kinds_and_why(
    runner: CliRunner, published: tuple[Path, str], person_id: str, name: str
) -> None:
    """Events by series/kind match the plan file; every night away has
    the same reasons in the summary and the itinerary, and each reason agrees
    with the times the itinerary shows and the person's hours in the scenario."""
    folder, summary = published
    plan = json.loads((folder / "latest" / "plan.json").read_text(encoding="utf-8"))
    kinds = _expected_kinds(plan, person_id)
    if person_id == "darzi":  # why Lord Darzi has more events than Nicholson
        assert kinds.startswith("10 clinical, 10 listening")
    events = sum(person_id in e["attendees"] for e in plan["events"])
    block = _summary_block(summary, name)
    assert block.splitlines()[0] == f"  {name}: {events} events ({kinds})"

    result = runner.invoke(
        cli, ["itinerary", "--plan", str(folder), "--person", person_id]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert re.search(rf"^Events +{events} \({re.escape(kinds)}\)$", text, re.MULTILINE)

    stays = sorted(s["night_of"] for s in plan["stays"] if s["person"] == person_id)
    assert stays, "the default plan has nights away for this person"
    in_summary = dict(_SUMMARY_NIGHT.findall(" ".join(block.split())))
    assert len(in_summary) == len(stays)
    days = _days(text)
    me = _people()[person_id]
    hours = {
        "late": _minutes(me["late_after"]),
        "work": _minutes(me["working_hours"].split("-")[0]),
        "from": _minutes(me["travel_hours"].split("-")[0]),
        "until": _minutes(me["travel_hours"].split("-")[1]),
    }
    for night_of in stays:
        on = pendulum.parse(night_of).date()
        day = days[f"{on.day} {on:%B %Y}"]
        assert day["why"], f"no Why line on {night_of}"
        morning = on.add(days=1)
        tomorrow = days.get(f"{morning.day} {morning:%B %Y}", {"items": []})
        shown = _check_why(day["why"], day["items"], tomorrow["items"], hours)
        assert in_summary[f"{on.day} {on:%b}"] == ", ".join(shown)
    with_why = sorted(
        pendulum.from_format(day, "D MMMM YYYY").date().isoformat()
        for day, found in days.items()
        if found["why"]
    )
    assert with_why == stays  # a Why line for each night away, and only for those


def _check_why(
    why: str, today: list, tomorrow: list, hours: dict[str, int]
) -> list[str]:
    """Check each reason of a Why line against the shown times; return the reasons."""
    shown = []
    for part in why.split("; "):
        if m := re.fullmatch(
            r"(late finish|far from home): .* ends (\d\d:\d\d), home (\d\d:\d\d)"
            r" at the earliest( \(after travel hours\))?",
            part,
        ):
            last = [i for i in today if i[2] in {"Event", "Diary"}][-1]
            assert m.group(2) == last[1], part  # the day's last item, as listed
            home = _minutes(m.group(3))
            home += 1440 if home < _minutes(m.group(2)) else 0
            if m.group(1) == "late finish":
                assert hours["late"] < home <= hours["until"], part
            else:
                assert home > hours["until"], part
        elif m := re.fullmatch(
            r"(early start|far from home): .* at (\d\d:\d\d), leaving home at"
            r" (\d\d:\d\d)( \(before travel hours\))?",
            part,
        ):
            first = next(i for i in tomorrow if i[2] in {"Event", "Diary"})
            assert m.group(2) == first[0], part  # the next day's first item
            leave = _minutes(m.group(3))
            if m.group(1) == "early start":
                assert hours["from"] <= leave < hours["work"], part
            else:
                assert leave < hours["from"], part
        else:
            m = re.fullmatch(
                r"saves (\d+h)?(\d+m)? of travel over going home and back", part
            )
            assert m is not None, part
            saved = int((m.group(1) or "0h")[:-1]) * 60 + int((m.group(2) or "0m")[:-1])
            assert saved >= 90, part  # the scenario's min_night_saving
            shown.append(part.removesuffix(" of travel over going home and back"))
            continue
        shown.append(m.group(1))
    return shown
