"""Itinerary layouts: golden text and Markdown, HTML structure, PDF, escaping."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from roadshow.errors import MissingDependencyError
from roadshow.exporters.itinerary import (
    FORMATS,
    available_formats,
    build_itinerary,
    is_pdf_available,
    render_itinerary,
    render_itinerary_html,
    render_itinerary_markdown,
    render_itinerary_pdf,
    render_itinerary_text,
)
from roadshow.model import Plan, Scenario

HOSTILE = "<script>alert(1)</script> *bold* _it_ [x](http://e.test) | `c` &amp; # ~~s~~"

DASH = "\u2013"  # en dash, as the itineraries print time spans


class Page(HTMLParser):
    """Collect what the tests look for in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.days: list[str] = []
        self.venues: list[tuple[str, str]] = []
        self.maps = 0
        self.person: str | None = None
        self.text: list[str] = []
        self.row_cells: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        self.tags.append(tag)
        if tag == "tr":
            self.row_cells.append(0)
        if tag in ("td", "th"):
            self.row_cells[-1] += 1
        if tag == "article":
            self.person = attributes.get("data-person")
        if tag == "section" and "day" in classes:
            self.days.append(f"{self.person}/{attributes['data-date']}")
        if tag == "svg" and "route-map" in classes:
            self.maps += 1
        if tag == "circle" and "venue" in classes:
            self.venues.append((self.person or "", attributes["data-venue"] or ""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(document: str) -> Page:
    page = Page()
    page.feed(document)
    page.close()
    return page


def test_text_golden(
    scenario: Scenario, plan: Plan, golden: Callable[[str, str], None]
) -> None:
    """The text itinerary of the small plan matches its golden file."""
    itineraries = [build_itinerary(scenario, plan, p) for p in ("minister", "chair-Y")]
    golden("itinerary-small.txt", render_itinerary_text(itineraries))


def test_markdown_golden(
    scenario: Scenario, plan: Plan, golden: Callable[[str, str], None]
) -> None:
    """The Markdown itinerary of the small plan matches its golden file."""
    itineraries = [build_itinerary(scenario, plan, p) for p in ("minister", "chair-Y")]
    golden("itinerary-small.md", render_itinerary_markdown(itineraries))


@pytest.mark.parametrize(
    ("render", "before", "after"),
    [
        (
            render_itinerary_text,
            f"10:30 BST{DASH}13:00 BST",
            f"10:00 GMT{DASH}11:00 GMT",
        ),
        (
            render_itinerary_markdown,
            f"10:30 BST{DASH}13:00 BST",
            f"10:00 GMT{DASH}11:00 GMT",
        ),
        (
            render_itinerary_html,
            f"10:30 BST{DASH}13:00 BST",
            f"10:00 GMT{DASH}11:00 GMT",
        ),
    ],
    ids=["text", "md", "html"],
)
def test_local_times_across_the_clock_change(
    scenario: Scenario,
    plan: Plan,
    render: Callable[..., str],
    before: str,
    after: str,
) -> None:
    """Friday 24 Oct prints BST and Monday 27 Oct GMT, in local wall-clock time."""
    rendered = render([build_itinerary(scenario, plan, "minister")])
    assert before in rendered
    assert after in rendered
    assert "09:30" not in rendered  # the UTC time of the 10:30 BST start


def test_html_has_one_section_per_day(scenario: Scenario, plan: Plan) -> None:
    """Each person's days are sections of their own, with the date as data."""
    itineraries = [build_itinerary(scenario, plan, p) for p in ("minister", "chair-Y")]
    page = parse_html(render_itinerary_html(itineraries))
    assert page.days == [
        "minister/2008-10-24",
        "minister/2008-10-25",
        "minister/2008-10-27",
        "chair-Y/2008-10-24",
    ]


def test_html_map_has_one_point_per_venue(scenario: Scenario, plan: Plan) -> None:
    """The route map marks each venue of the journey once, and nothing else."""
    page = parse_html(
        render_itinerary_html([build_itinerary(scenario, plan, "minister")])
    )
    assert page.maps == 1
    assert sorted(page.venues) == [
        ("minister", "leeds-hq"),
        ("minister", "whitehall"),
        ("minister", "york-hotel"),
        ("minister", "york-point"),
    ]


def test_html_is_self_contained(scenario: Scenario, plan: Plan) -> None:
    """No scripts, links, images or remote URLs: the file needs nothing else."""
    document = render_itinerary_html([build_itinerary(scenario, plan, "minister")])
    page = parse_html(document)
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert "http://" not in document.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in document
    assert "@import" not in document


def test_html_prints_a_page_per_day(scenario: Scenario, plan: Plan) -> None:
    """The print stylesheet starts each day (and each person) on a new page."""
    document = render_itinerary_html([build_itinerary(scenario, plan, "minister")])
    assert "@media print" in document
    assert ".day { break-before: page;" in document
    assert ".person + .person { break-before: page; }" in document


def test_html_escapes_hostile_text(
    make_scenario: Callable[..., Scenario], make_plan: Callable[..., Plan]
) -> None:
    """A venue and a title made of markup print as text, in the page and the map."""
    scenario = make_scenario(**{"leeds-hq": HOSTILE})
    plan = make_plan(**{"visit-Y": "<img src=x onerror=alert(2)>"})
    document = render_itinerary_html([build_itinerary(scenario, plan, "minister")])
    page = parse_html(document)
    assert "script" not in page.tags
    assert "img" not in page.tags
    text = "".join(page.text)
    assert HOSTILE in text
    assert "<img src=x onerror=alert(2)>" in text


def test_markdown_escapes_hostile_text(
    make_scenario: Callable[..., Scenario], make_plan: Callable[..., Plan]
) -> None:
    """Hostile names render as literal text through a real Markdown parser."""
    scenario = make_scenario(**{"leeds-hq": HOSTILE})
    plan = make_plan(**{"visit-Y": "**loud** <b>bold</b> | cell"})
    markdown = render_itinerary_markdown([build_itinerary(scenario, plan, "minister")])
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    page = parse_html(html)
    assert not {"script", "em", "a", "code", "s", "del", "img"} & set(page.tags)
    assert page.tags.count("b") == 0
    text = "".join(page.text)
    assert "<script>alert(1)</script> *bold* _it_ [x](http://e.test)" in text
    assert "**loud** <b>bold</b> | cell" in text
    # Every table row still has three cells: the pipes were escaped.
    assert page.row_cells
    assert set(page.row_cells) == {3}


def test_text_drops_control_characters(
    scenario: Scenario, make_plan: Callable[..., Plan]
) -> None:
    """A title with a terminal escape and a line break prints on one safe line."""
    plan = make_plan(**{"visit-Y": "Visit\x1b[2J\nnow\x07"})
    text = render_itinerary_text([build_itinerary(scenario, plan, "minister")])
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "Event  Visit[2J now\n" in text


def test_rendering_is_deterministic(scenario: Scenario, plan: Plan) -> None:
    """Rendering the same itinerary twice gives identical bytes in every format."""
    itineraries = [build_itinerary(scenario, plan, "minister")]
    for fmt in available_formats():
        assert render_itinerary(itineraries, fmt) == render_itinerary(itineraries, fmt)


@pytest.mark.skipif(not is_pdf_available(), reason="the pdf extra is not installed")
def test_pdf_has_a_cover_and_a_page_per_day(scenario: Scenario, plan: Plan) -> None:
    """The PDF has the cover, then each day on its own page."""
    itinerary = build_itinerary(scenario, plan, "minister")
    reader = PdfReader(io.BytesIO(render_itinerary_pdf([itinerary])))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 1 + len(itinerary.days)
    assert "Lord Minister" in pages[0]
    assert "York" in pages[0]  # a map label on the cover
    for page, heading in zip(
        pages[1:],
        [
            "Friday 24 October 2008",
            "Saturday 25 October 2008",
            "Monday 27 October 2008",
        ],
        strict=True,
    ):
        assert heading in page


def test_pdf_without_the_extra_says_how_to_install(
    scenario: Scenario, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ReportLab, asking for PDF names the extra to install."""
    monkeypatch.setitem(sys.modules, "reportlab", None)
    with pytest.raises(MissingDependencyError, match=r"roadshow\[pdf\]"):
        render_itinerary_pdf([build_itinerary(scenario, plan, "minister")])


def test_unknown_format_is_refused(scenario: Scenario, plan: Plan) -> None:
    """Only the listed formats render."""
    assert FORMATS == ("text", "md", "html", "pdf")
    with pytest.raises(ValueError, match="unknown itinerary format"):
        render_itinerary([build_itinerary(scenario, plan, "minister")], "docx")
