"""Fuzzing the readers: any input loads or raises a documented InputError, nothing else.

The default run uses the ``ci`` hypothesis profile (few examples, derandomized);
``pytest -m fuzz`` runs the same properties on many more random examples (see
docs/fuzzing.md).
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadshow.data import locate_place, nhs2008
from roadshow.errors import (
    DiaryFileError,
    InputError,
    InvalidModelError,
    PlanFileError,
    ScenarioFileError,
    SkippedContentWarning,
)
from roadshow.exporters.plan_file import render_plan_file
from roadshow.importers.diary import load_diary, parse_diary
from roadshow.importers.plan_file import load_plan_file, parse_plan_file
from roadshow.importers.plan_ics import parse_plan_ics
from roadshow.importers.scenario import load_scenario, parse_scenario
from roadshow.importers.tables import decode_text, read_rows
from roadshow.model import Plan, Scenario, TravelLeg
from strategies import (
    BASE_SCENARIO,
    TABLE_COLUMNS,
    csv_tables,
    ics_documents,
    plan_documents,
    plans,
    scenario_documents,
)

SCENARIO_ERRORS = (ScenarioFileError, InvalidModelError)
"""What parse_scenario and load_scenario document that they raise."""

FUZZ = settings(
    max_examples=int(os.environ.get("ROADSHOW_FUZZ_EXAMPLES", "2000")),
    derandomize=False,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""The long run behind ``-m fuzz``; ROADSHOW_FUZZ_EXAMPLES sets how long."""


def check_message(error: InputError, source: str) -> None:
    """An error message is one line and names its source first."""
    message = str(error)
    assert "\n" not in message
    assert "\r" not in message
    assert message.startswith(source), message


def load_text(text: str) -> Scenario | None:
    """Parse scenario text: the Scenario, or None after a documented, located error."""
    try:
        return parse_scenario(text, source="fuzz.toml", locate=locate_place)
    except SCENARIO_ERRORS as exc:
        check_message(exc, "fuzz.toml")
        return None


def load_document(document: dict[str, Any]) -> Scenario | None:
    """Write a document as TOML and parse it (None after a documented error)."""
    return load_text(tomli_w.dumps(document))


def load_bytes(data: bytes) -> Scenario | None:
    """Write bytes to a file and load it from disk like the CLI does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(data)
        try:
            return load_scenario(path, locate=locate_place)
        except SCENARIO_ERRORS as exc:
            check_message(exc, str(path))
            return None


def load_with_table(kind: str, data: bytes) -> Scenario | None:
    """Load the base scenario with one CSV table of fuzzed bytes."""
    text = tomli_w.dumps(BASE_SCENARIO | {"tables": {kind: f"{kind}.csv"}})

    def read_table(name: str) -> tuple[str, bytes]:
        assert name == f"{kind}.csv"
        return name, data

    try:
        return parse_scenario(
            text, source="fuzz.toml", read_table=read_table, locate=locate_place
        )
    except SCENARIO_ERRORS as exc:
        # The table's own errors name the table; clashes with the rest, the TOML.
        source = f"{kind}.csv" if str(exc).startswith(f"{kind}.csv") else "fuzz.toml"
        check_message(exc, source)
        return None


def read_table_text(kind: str, data: bytes) -> int | None:
    """Decode and read a table's rows directly; the row count, or None on error."""
    try:
        text = decode_text(data, source="t.csv")
        columns = TABLE_COLUMNS[kind]
        return len(
            list(
                read_rows(
                    text, source="t.csv", required=columns[:2], optional=columns[2:]
                )
            )
        )
    except ScenarioFileError as exc:
        check_message(exc, "t.csv")
        return None


def read_plan(text: str) -> Plan | None:
    """Parse plan text: the Plan, or None after a PlanFileError."""
    try:
        return parse_plan_file(text, source="fuzz.json")
    except PlanFileError as exc:
        check_message(exc, "fuzz.json")
        return None


def read_plan_bytes(data: bytes) -> Plan | None:
    """Load plan bytes from a file like the CLI would."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(data)
        try:
            return load_plan_file(path)
        except PlanFileError as exc:
            check_message(exc, str(path))
            return None


DIARY_WINDOW = {
    "person_id": "darzi",
    "start_on": pendulum.date(2008, 9, 8),
    "end_on": pendulum.date(2008, 11, 28),
    "timezone": "Europe/London",
}
"""The bundled scenario's planning window, as import-diary passes it."""

NHS2008 = nhs2008.scenario()


def read_diary(text: str) -> object:
    """Read diary text as busy time and as an edited roadshow calendar.

    Each reader returns, or raises a DiaryFileError naming the file; skipped
    parts are warnings, not errors.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedContentWarning)
        try:
            parse_diary(text, source="fuzz.ics", **DIARY_WINDOW)
        except DiaryFileError as exc:
            check_message(exc, "fuzz.ics")
        try:
            return parse_plan_ics(text, source="fuzz.ics", scenario=NHS2008)
        except DiaryFileError as exc:
            check_message(exc, "fuzz.ics")
            return None


def read_diary_bytes(data: bytes) -> object:
    """Load diary bytes from a file like import-diary does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ics"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SkippedContentWarning)
            try:
                return load_diary(path, **DIARY_WINDOW)
            except DiaryFileError as exc:
                check_message(exc, str(path))
                return None


# --- the properties, each run twice: quick by default, long under -m fuzz ----------

PROPERTIES: list[tuple[str, st.SearchStrategy[Any], Callable[..., object]]] = [
    ("scenario-text", st.text(), load_text),
    ("scenario-bytes", st.binary(), load_bytes),
    ("scenario-document", scenario_documents(), load_document),
    ("csv-table-in-scenario", csv_tables(), lambda table: load_with_table(*table)),
    ("csv-table-alone", csv_tables(), lambda table: read_table_text(*table)),
    ("plan-text", st.text(), read_plan),
    ("plan-bytes", st.binary(), read_plan_bytes),
    ("plan-document", plan_documents(), read_plan),
    ("ics-text", st.text(), read_diary),
    ("ics-bytes", st.binary(), read_diary_bytes),
    ("ics-document", ics_documents(), read_diary),
]
"""(name, inputs, check) for each reader; the check raises on any other error."""


def _property(strategy: st.SearchStrategy[Any], check: Callable[..., object]) -> Any:
    @given(value=strategy)
    def run(value: Any) -> None:
        check(value)

    return run


@pytest.mark.parametrize(
    ("strategy", "check"),
    [(strategy, check) for _, strategy, check in PROPERTIES],
    ids=[name for name, _, _ in PROPERTIES],
)
def test_reader_raises_only_input_errors(
    strategy: st.SearchStrategy[Any], check: Callable[..., object]
) -> None:
    """Every input loads or raises the reader's documented InputError (ci profile)."""
    _property(strategy, check)()


@pytest.mark.fuzz
@pytest.mark.parametrize(
    ("strategy", "check"),
    [(strategy, check) for _, strategy, check in PROPERTIES],
    ids=[name for name, _, _ in PROPERTIES],
)
def test_reader_raises_only_input_errors_long(
    strategy: st.SearchStrategy[Any], check: Callable[..., object]
) -> None:
    """The same properties on many more random examples (pytest -m fuzz)."""
    FUZZ(_property(strategy, check))()


def test_base_scenario_loads() -> None:
    """The document the mutations start from is itself valid."""
    loaded = load_document(BASE_SCENARIO)
    assert loaded is not None
    assert "consultation-5ND" in loaded.request_by_id


@given(plan=plans())
def test_plan_file_round_trip(plan: Plan) -> None:
    """parse_plan_file(render_plan_file(p)) == p, on both sides of 26 Oct 2008."""
    assert parse_plan_file(render_plan_file(plan)) == plan


def _leg_at(hour: int, minute: int) -> Plan:
    depart = pendulum.datetime(2008, 10, 26, hour, minute, tz="Europe/London")
    leg = TravelLeg(
        person_id="darzi",
        from_id="a",
        to_id="b",
        mode="car",
        depart=depart,
        arrive=depart.add(minutes=30),
        distance_km=20.0,
    )
    return Plan(scenario_id="fuzz", legs=[leg])


def test_repeated_hour_keeps_its_instants() -> None:
    """A leg in the repeated hour of 26 Oct 2008 reads back at the same UTC instants."""
    plan = _leg_at(1, 15)
    (back,) = parse_plan_file(render_plan_file(plan)).legs
    (leg,) = plan.legs
    assert back.depart.timestamp() == leg.depart.timestamp()
    assert back.arrive.timestamp() == leg.arrive.timestamp()


@pytest.mark.xfail(
    reason="plan files store UTC offsets, not zone names, and PEP 495 makes a local "
    "time in a repeated hour unequal to any fixed-offset time",
    strict=True,
)
def test_round_trip_in_the_repeated_hour() -> None:
    """A plan with a time in 01:00-02:00 on 26 Oct 2008 round-trips equal."""
    plan = _leg_at(1, 15)
    assert parse_plan_file(render_plan_file(plan)) == plan
