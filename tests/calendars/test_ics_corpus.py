"""Other projects' test calendars, imported as diaries and as plan calendars (#16).

Every file in ``tests/corpus/ics/`` (see its README for sources and licences) is
read or refused with a :class:`~roadshow.errors.DiaryFileError`, never a
traceback; what is read is sane. Speed is measured in ``bench/``, not here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pendulum
import pytest

from roadshow.errors import DiaryFileError
from roadshow.importers.diary import load_diary
from roadshow.importers.plan_ics import load_plan_ics

CORPUS = Path(__file__).parent.parent / "corpus" / "ics"
FILES = sorted(CORPUS.glob("*/*.ics"))
T = TypeVar("T")
_FIRST_START = re.compile(rb"DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})")


def window_of(data: bytes) -> tuple[pendulum.Date, pendulum.Date]:
    """Ninety days from the file's first DTSTART (or the 2008 tour's start)."""
    found = _FIRST_START.search(data)
    start = pendulum.date(2008, 9, 8)
    if found and 1900 < int(found[1]) < 2100:
        start = pendulum.date(int(found[1]), int(found[2]), int(found[3]))
    return start, start.add(days=90)


def attempt(read: Callable[[], T]) -> T | DiaryFileError:
    """What *read* returns, or the DiaryFileError it raises (warnings ignored)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read()
        except DiaryFileError as exc:
            return exc


def test_corpus_holds_two_projects_files():
    """The corpus has files from at least two projects, each with its licence."""
    projects = {path.parent.name for path in FILES}
    assert len(projects) >= 2
    assert len(FILES) >= 200
    for project in projects:
        assert list((CORPUS / project).glob("LICENSE*")), project


@pytest.mark.parametrize(
    "path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES]
)
def test_diary_is_read_or_refused_with_a_message(path: Path):
    """Read as a diary: commitments that make sense, or a one-line refusal."""
    start_on, end_on = window_of(path.read_bytes())
    args = {
        "person_id": "darzi",
        "start_on": start_on,
        "end_on": end_on,
        "timezone": "Europe/London",
    }
    found = attempt(lambda: load_diary(path, **args))
    if isinstance(found, DiaryFileError):
        assert "\n" not in str(found)
        assert str(found).startswith(str(path))
        return
    assert found == attempt(lambda: load_diary(path, **args))
    assert list(found) == sorted(found, key=lambda c: (c.start, c.end, c.label))
    first = pendulum.datetime(
        start_on.year, start_on.month, start_on.day, tz="Europe/London"
    )
    last = pendulum.datetime(end_on.year, end_on.month, end_on.day, tz="Europe/London")
    for commitment in found:
        assert commitment.start < commitment.end
        assert commitment.end > first
        assert commitment.start < last.add(days=1)
        assert commitment.start.timezone_name == "Europe/London"


@pytest.mark.parametrize(
    "path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES]
)
def test_plan_calendar_is_read_or_refused_with_a_message(path: Path, nhs2008_scenario):
    """Read as an edited plan calendar (`check FILE.ics`): a plan, or a refusal."""
    plan = attempt(lambda: load_plan_ics(path, nhs2008_scenario))
    if isinstance(plan, DiaryFileError):
        assert "\n" not in str(plan)
        return
    assert plan.scenario_id == nhs2008_scenario.scenario_id
