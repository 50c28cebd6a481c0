"""Hostile text in a scenario reaches every output of `plan --out` as harmless text.

A venue called ``<script>``, an address that tries to start a new calendar
entry, a title that is a spreadsheet formula and a person's name with HTML and
Markdown in it go through the real ``roadshow plan --out``; each output is then
read back with an independent parser and must hold the text as text.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from roadshow.cli import cli
from roadshow.importers.plan_file import load_plan_file
from safety_kit import EPOCH, SMALL_SCENARIO

VENUE = '<script>alert("leeds")</script>'
ADDRESS = "1 Civic Way\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
TITLE = '=HYPERLINK("http://evil.test","Listening")'
PURPOSE = (
    "@SUM(A1:A9) **bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
)
PERSON = "-1+1 Ann <b>Patel</b> | `x`"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_number(text: str) -> bool:
    """Tell whether *text* is a plain decimal number."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def toml_string(text: str) -> str:
    """*text* as a TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(text)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`roadshow plan hostile.toml --out DIR`: DIR/latest."""
    folder = tmp_path_factory.mktemp("hostile")
    text = SMALL_SCENARIO.format(hour=11)
    text = text.replace(
        'name = "Leeds Civic Hall"',
        f"name = {toml_string(VENUE)}\naddress = {toml_string(ADDRESS)}",
    )
    text = text.replace(
        'title = "Listening event, Leeds"',
        f"title = {toml_string(TITLE)}\npurpose = {toml_string(PURPOSE)}",
    )
    text = text.replace('name = "Ann Patel"', f"name = {toml_string(PERSON)}")
    scenario = folder / "hostile.toml"
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["-q", "plan", str(scenario), "--out", str(folder / "out")],
        env={"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert result.exit_code == 0, result.output
    return folder / "out" / "latest"


def test_file_names_come_from_ids_only(out: Path) -> None:
    """No output file is named after free text: only ids (ann, leeds) appear."""
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [n for n in names if not n.startswith("itineraries/")] == [
        "calendars/internal/people/ann.ics",
        "calendars/internal/programme.ics",
        "calendars/public/programme.ics",
        "overview-public.html",
        "overview.html",
        "plan.json",
        "programme.csv",
        "programme.json",
    ]
    assert {n.rsplit(".", 1)[0] for n in names if n.startswith("itineraries/")} == {
        "itineraries/ann"
    }


def test_calendar_entries_hold_the_text_and_nothing_more(out: Path) -> None:
    """The address cannot start an entry: the entries are the plan's, text intact."""
    plan = load_plan_file(out / "plan.json")
    data = (out / "calendars/internal/programme.ics").read_bytes()
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == len(plan.events) + len(plan.legs) + len(plan.stays)
    assert not [e for e in events if str(e["SUMMARY"]) == "injected"]
    (leeds,) = [e for e in events if str(e["SUMMARY"]) == TITLE]
    assert str(leeds["LOCATION"]).startswith(f"{VENUE}, 1 Civic Way")
    assert PURPOSE in str(leeds["DESCRIPTION"])


def test_html_itinerary_shows_markup_as_text(out: Path) -> None:
    """No script, image or bold tag from the scenario survives as markup."""
    page = (out / "itineraries/ann.html").read_text(encoding="utf-8")
    for tag in ("<script>", "<b>", "<img"):
        assert tag not in page
    assert VENUE in html.unescape(page)
    assert "Ann &lt;b&gt;Patel&lt;/b&gt;" in page


def test_markdown_itinerary_renders_no_markup_or_links(out: Path) -> None:
    """Rendered, the Markdown has no tags or links that came from the scenario."""
    text = (out / "itineraries/ann.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for tag in ("<script>", "<b>", "<img", "<a ", "<code>"):
        assert tag not in rendered
    assert html.escape(PERSON, quote=False) in rendered


def test_csv_cells_never_start_a_formula(out: Path) -> None:
    """Every text cell that would start a formula starts with an apostrophe instead."""
    text = (out / "programme.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    cells = [cell for row in rows for cell in row.values() if cell]
    # Numbers such as a longitude of -1.5486 are numbers to a spreadsheet too.
    assert not [c for c in cells if c.startswith(FORMULA_START) and not is_number(c)]
    assert "'" + TITLE in cells
    assert "'" + PERSON in cells


def test_json_and_plan_file_keep_the_text_verbatim(out: Path) -> None:
    """JSON needs no neutralising: the programme and the plan hold the exact text."""
    items = json.loads((out / "programme.json").read_text(encoding="utf-8"))["items"]
    assert TITLE in {item["title"] for item in items}
    plan = load_plan_file(out / "plan.json")
    assert TITLE in {e.title for e in plan.events}
