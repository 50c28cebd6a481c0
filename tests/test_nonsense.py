"""Nonsense refused at the model and parser level (issue #16's "nonsense accepted").

The CLI side of each case is in the bad-input corpus (tests/bad_inputs/scenario/);
these tests pin the rules on the Python API, which the planner trusts.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest

from builders import person, scenario, visit
from roadshow.errors import InvalidModelError
from roadshow.importers.tables import number, whole_number
from roadshow.model import ModeParams, Person, check_id
from roadshow.model._common import MAX_TEXT_CHARS
from roadshow.model.scenario import MAX_REQUESTS_PER_PERSON, MAX_WINDOW_DAYS
from roadshow.timeutil import (
    known_timezones,
    parse_clock,
    parse_duration,
    skipped_by_clocks,
)

ARABIC_TWO = "\u0662"  # ARABIC-INDIC DIGIT TWO: str.isdigit() and int() take it


@pytest.mark.parametrize("text", ["alice\n", "alice\r\n", "\nalice", "al ice"])
def test_id_refuses_line_breaks(text: str) -> None:
    """An id is matched whole: "$" would also match before a trailing newline."""
    with pytest.raises(InvalidModelError, match="expected an id"):
        check_id(text, obj="person")


@pytest.mark.parametrize("text", [f"{ARABIC_TWO}h", f"1h{ARABIC_TWO}0m", "2h\nx"])
def test_duration_takes_ascii_digits_only(text: str) -> None:
    """Durations are ASCII digits, matched whole."""
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)
    assert parse_duration("2h30m") == pendulum.duration(hours=2, minutes=30)


def test_clock_takes_ascii_digits_only() -> None:
    """Clock times too: 10:00 in Arabic-Indic digits is refused."""
    with pytest.raises(ValueError, match="not a clock time"):
        parse_clock("\u0661\u0660:\u0660\u0660")


@pytest.mark.parametrize("parse", [number, whole_number])
def test_csv_numbers_take_ascii_digits_only(parse: object) -> None:
    """CSV coordinates, capacities and minutes refuse non-ASCII digits."""
    assert callable(parse)
    with pytest.raises(ValueError, match="not ASCII digits"):
        parse(f"5{ARABIC_TWO}")
    assert parse("52") == 52


def test_factory_and_localtime_are_not_zones() -> None:
    """ "Factory" and the machine's "localtime" are not places a plan can be in."""
    zones = known_timezones()
    assert "Europe/London" in zones
    assert not {"Factory", "localtime", "posixrules"} & zones


def test_skipped_by_clocks() -> None:
    """30 March 2008 01:30 never happened in London; 26 October 01:30 did twice."""
    assert skipped_by_clocks(
        dt.datetime.fromisoformat("2008-03-30T01:30"), "Europe/London"
    )
    assert not skipped_by_clocks(
        dt.datetime.fromisoformat("2008-03-30T02:30"), "Europe/London"
    )
    assert not skipped_by_clocks(
        dt.datetime.fromisoformat("2008-10-26T01:30"), "Europe/London"
    )


def test_invisible_name_is_refused() -> None:
    """A name of only a zero-width space (or spaces) is empty."""
    for name in ("\u200b", " \u200b ", "\u2060"):
        with pytest.raises(InvalidModelError, match="non-empty text"):
            Person(person_id="ann", name=name, home_venue_id="london")


def test_free_text_is_bounded() -> None:
    """A 500 KB purpose would take minutes to lay out in a PDF: refused."""
    visit("a", "leeds", purpose="x" * MAX_TEXT_CHARS)
    with pytest.raises(InvalidModelError, match="at most 2,000 characters"):
        visit("a", "leeds", purpose="x" * 500_000)


def test_durations_and_gaps_are_bounded() -> None:
    """An event lasts at most a day; a gap is at most a week."""
    with pytest.raises(InvalidModelError, match="at most 24h"):
        visit("a", "leeds", hours=25)
    with pytest.raises(InvalidModelError, match="at most 168h"):
        visit("a", "leeds", gap_after=pendulum.duration(days=1_000_000))


def test_travel_mode_is_bounded() -> None:
    """circuity = 1e308 and absurd speeds are refused."""
    with pytest.raises(InvalidModelError, match="circuity of at most 5"):
        ModeParams(
            mode="car", speed_kmh=60, circuity=1e308, overhead=pendulum.duration()
        )
    with pytest.raises(InvalidModelError, match="at most 1000 km/h"):
        ModeParams(
            mode="car", speed_kmh=1e9, circuity=1.3, overhead=pendulum.duration()
        )


def test_window_is_bounded() -> None:
    """Years 1900-2999 only, and at most a year long."""
    base = scenario([visit("a", "leeds")])
    with pytest.raises(InvalidModelError, match="years 1900 to 2999"):
        attrs.evolve(base, start_on=pendulum.date(1, 1, 1))
    with pytest.raises(InvalidModelError, match="at most 366 days"):
        attrs.evolve(
            base, end_on=base.start_on.add(days=MAX_WINDOW_DAYS)
        )  # one day too many
    attrs.evolve(base, end_on=base.start_on.add(days=MAX_WINDOW_DAYS - 1))


def test_requests_per_person_are_bounded() -> None:
    """10,000 requests for one person took over 600 s to plan: refused with a limit."""
    many = [visit(f"r{i}", "leeds") for i in range(MAX_REQUESTS_PER_PERSON + 1)]
    with pytest.raises(InvalidModelError, match="at most 500 requests per person"):
        scenario(many)
    scenario(many[:-1])


def test_ids_differing_only_in_case_are_refused() -> None:
    """ "Alice" and "alice" would share a file on case-insensitive disks."""
    with pytest.raises(InvalidModelError, match="differ only in case"):
        scenario([visit("a", "leeds")], people=[person("ann"), person("Ann")])
