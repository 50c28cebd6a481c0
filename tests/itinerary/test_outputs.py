"""What `roadshow plan --out` writes for itineraries and the programme table."""

from __future__ import annotations

import sys

import pytest

from roadshow.exporters.itinerary import is_pdf_available
from roadshow.model import Plan, Scenario
from roadshow.outputs import itinerary_outputs, plan_outputs


def test_an_itinerary_per_principal_and_chair_in_every_format(
    scenario: Scenario, plan: Plan
) -> None:
    """Each principal and chair gets text, Markdown, HTML and (asked, with the
    extra) PDF."""
    files = itinerary_outputs(scenario, plan, pdf=is_pdf_available())
    extensions = ["txt", "md", "html"] + (["pdf"] if is_pdf_available() else [])
    expected = {
        f"itineraries/{person}.{ext}"
        for person in ("minister", "chair-Y")
        for ext in extensions
    } | {"programme.csv", "programme.json"}
    assert set(files) == expected
    assert files["itineraries/minister.html"].startswith(b"<!DOCTYPE html>")
    assert files["programme.csv"].startswith("\ufeffid,".encode())
    if is_pdf_available():
        assert files["itineraries/chair-Y.pdf"].startswith(b"%PDF-")


def test_without_the_pdf_extra_the_other_formats_are_written(
    scenario: Scenario, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ReportLab means no PDF files, and no error."""
    monkeypatch.setitem(sys.modules, "reportlab", None)
    monkeypatch.setattr("roadshow.exporters.itinerary.is_pdf_available", lambda: False)
    files = itinerary_outputs(scenario, plan)
    assert not [name for name in files if name.endswith(".pdf")]
    assert "itineraries/minister.html" in files
    assert "itineraries/minister.md" in files


def test_plan_outputs_keep_the_plan_file(scenario: Scenario, plan: Plan) -> None:
    """The itineraries come beside plan.json, not instead of it."""
    files = plan_outputs(scenario, plan)
    assert "plan.json" in files
    assert "itineraries/minister.txt" in files


def test_plan_outputs_include_the_overview_page(scenario: Scenario, plan: Plan) -> None:
    """`plan --out` writes overview.html: the programme at a glance."""
    files = plan_outputs(scenario, plan)
    page = files["overview.html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Who is where, day by day" in page
    assert "Draft: not a published plan version" in page
