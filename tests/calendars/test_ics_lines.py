"""Content lines made without icalendar's objects are the ones its objects make."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from icalendar import Event, vText

from roadshow.exporters.choices import INTERNAL
from roadshow.exporters.ics._lines import Lines
from roadshow.exporters.ics._writer import Property, _Writer
from roadshow.versions import PlanVersion, plan_items

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _event_bytes(properties: list[Property]) -> bytes:
    event = Event()
    for name, value, parameters in properties:
        event.add(name, value, parameters=dict(parameters or {}))
    return bytes(event.to_ical())


@pytest.mark.parametrize(
    "char", ["a", "é", "€", "𝄞", ",", "\n", "\\", "^", "a\\", "ab^", "a;\\"], ids=repr
)
def test_lines_of_every_length_fold_as_icalendar_folds_them(char: str) -> None:
    """Values of 1 to 200 characters (1 to 4 octets, or escaped) around the fold.

    Escapes (``\\,``, ``\\\\``, a parameter's ``^^``) fall on every place near the fold,
    where icalendar keeps an escape's backslash or caret with what it escapes.
    """
    lines = Lines()
    for length in range(1, 200):
        value = "Sir " + char * length
        properties: list[Property] = [
            ("SUMMARY", value, None),
            ("DESCRIPTION", f"{value}\nTo: a; b, c", None),
            ("X-ROADSHOW-NOTE", vText(value[::-1]), None),
            ("X-ROADSHOW-RAW", value.replace("\n", " "), None),  # not TEXT: raw
            # No line break in a parameter: icalendar refuses one either way.
            ("X-APPLE-STRUCTURED-LOCATION", "geo:1,2", {"X-TITLE": value.strip()}),
        ]
        made, zones = lines.component(properties)
        assert made == _event_bytes(properties)
        assert zones == frozenset()


def test_same_instant_in_two_zones_is_two_lines() -> None:
    """A time in London and the same instant in UTC are not mixed up by the reuse."""
    local = dt.datetime(2008, 10, 26, 1, 30, tzinfo=LONDON)
    utc = local.astimezone(dt.UTC)
    lines = Lines()
    for start in (local, utc, local):
        properties: list[Property] = [
            ("UID", "u@roadshow", None),
            ("DTSTART", start, None),
            ("DTEND", dt.date(2008, 10, 27), None),
            ("CATEGORIES", ["tour"], None),
            ("SEQUENCE", 2, None),
        ]
        made, zones = lines.component(properties)
        assert made == _event_bytes(properties)
        assert zones == ({"Europe/London"} if start is local else set())


def test_roadshow_properties_are_text(nhs2008_scenario, plan, kit) -> None:
    """X-ROADSHOW-* values are TEXT (escaped), not icalendar's raw unknown type."""
    writer = _Writer(
        nhs2008_scenario, plan, PlanVersion.unrecorded(kit.stamp), INTERNAL
    )
    found = 0
    for entry in plan_items(plan):
        for name, value, _ in writer.properties(entry, cancelled=False):
            if name.startswith("X-ROADSHOW-"):
                assert type(value) is vText, name
                found += 1
    assert found > 3 * len(plan.events)
