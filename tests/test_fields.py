"""The one typed reader (roadshow._fields): located messages for any format."""

from __future__ import annotations

import pytest

from roadshow._fields import CellError, Fields
from roadshow.errors import PlanFileError, ScenarioFileError
from roadshow.importers.tables import Row


class _Toml(Fields):
    error_class = ScenarioFileError


class _Json(Fields):
    error_class = PlanFileError
    mapping_name = "an object"


def _skipped(text: str) -> str:
    raise CellError("the clocks go forward over this time", f"not {text}")


def test_getters_name_file_path_and_expectation() -> None:
    """A wrong type names the key path; a nested one its index."""
    top = _Toml({"people": [{"name": 7}], "step": "15 mins"}, "", "s.toml")
    person = top.children("people", "an array of tables")[0]
    with pytest.raises(ScenarioFileError) as info:
        person.text("name")
    assert str(info.value) == "s.toml, people[0].name: expected a text, got 7."
    with pytest.raises(ScenarioFileError, match=r"s\.toml, step: expected whole"):
        top.parsed("step", int, "whole minutes")


def test_cell_error_brings_its_own_words() -> None:
    """A parser's CellError says what is wrong, not only what was expected."""
    top = _Toml({"start": "01:30"}, "", "s.toml")
    with pytest.raises(ScenarioFileError) as info:
        top.parsed("start", _skipped, "a time")
    assert str(info.value) == (
        "s.toml, start: the clocks go forward over this time; expected not 01:30, "
        'got "01:30".'
    )
    row = Row(source="c.csv", line=3, values={"start": "01:30"})
    with pytest.raises(ScenarioFileError) as info:
        row.convert("start", _skipped, "a time")
    assert str(info.value).startswith(
        'c.csv, line 3, column "start": the clocks go forward over this time;'
    )


def test_unknown_and_missing_keys() -> None:
    """finish() suggests the closest key read; exactly() lists a record's keys."""
    table = _Toml({"naem": "x", "id": "a"}, "people[0]", "s.toml")
    with pytest.raises(ScenarioFileError) as info:
        table.text("name")
    assert str(info.value) == (
        's.toml, people[0].naem: unknown key "naem". Did you mean "name"?'
    )
    record = _Json({"request": "r"}, "events[0]", "p.json")
    with pytest.raises(PlanFileError) as info:
        record.exactly({"request", "title", "lead"}, {"lead"})
    assert str(info.value) == (
        'p.json, events[0]: missing key "title"; expected keys request, title.'
    )
    with pytest.raises(PlanFileError, match='unknown key "colour"'):
        _Json({"colour": 1}, "events[0]", "p.json").exactly({"request"})


def test_keys_that_are_not_bare_are_quoted() -> None:
    """A key TOML must quote is quoted in the path, as the file writes it."""
    assert _Toml({}, "rules", "s.toml").where("two words") == 'rules."two words"'
