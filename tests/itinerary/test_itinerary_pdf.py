"""The PDF itinerary (ReportLab), read back by an independent PDF reader (pypdf)."""

from __future__ import annotations

import io
from collections.abc import Callable

import attrs
import pytest
from pypdf import PdfReader

from roadshow.exporters.itinerary import (
    build_itinerary,
    is_pdf_available,
    render_itinerary_pdf,
)
from roadshow.model import Plan, Scenario

pytestmark = pytest.mark.skipif(
    not is_pdf_available(), reason="ReportLab (the pdf extra) is missing"
)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, its whitespace made single spaces."""
    return [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def test_a_day_page_has_every_item_the_html_has(scenario: Scenario, plan: Plan) -> None:
    """Travel, the event's facts, free time, diary and the night, as on screen."""
    itinerary = build_itinerary(scenario, plan, "minister")
    pages = pdf_pages(render_itinerary_pdf([itinerary]))
    days = dict(zip((d.on.isoformat() for d in itinerary.days), pages[1:], strict=True))
    first = days["2008-10-24"]
    assert "Day starts at Richmond House, 79 Whitehall, London SW1A 2NS" in first
    assert "Travel by rail" in first
    assert "Listening event: Yorkshire" in first
    assert "Hear the service on the Next Stage Review" in first
    assert "Events office, 0113 000 0000" in first
    assert "Free 1h at Blenheim House" in first
    assert "Night Hotel to be booked near York (away) Why: far from home" in first
    # Times carry the zone in force: BST before 26 October 2008, GMT after.
    assert "BST" in first
    assert "GMT" in days["2008-10-27"]
    assert "BST" not in days["2008-10-27"]


def test_the_cover_has_the_figures_map_and_stops(
    scenario: Scenario, plan: Plan
) -> None:
    """Name, stamp, totals, the numbered stops and the route are on page one."""
    itinerary = build_itinerary(scenario, plan, "minister")
    cover = pdf_pages(render_itinerary_pdf([itinerary]))[0]
    assert "Lord Minister" in cover
    assert "Draft: not a published plan version" in cover
    assert "NIGHTS AWAY" in cover
    assert f"Route: {' → '.join(itinerary.route)}." in cover
    for stop in itinerary.route_map.stops:
        assert f"{stop.number}. {stop.town}" in cover


def test_markup_in_names_prints_as_text(
    make_scenario: Callable[..., Scenario], make_plan: Callable[..., Plan]
) -> None:
    """Names that look like ReportLab's own markup are printed, not obeyed."""
    scenario = make_scenario(**{"leeds-hq": "<b>Bold</b> & <font size=40>big</font>"})
    plan = make_plan(**{"visit-Y": "Visit <br/> & <i>now</i>\x1b[2J"})
    text = " ".join(
        pdf_pages(render_itinerary_pdf([build_itinerary(scenario, plan, "minister")]))
    )
    assert "<b>Bold</b> & <font size=40>big</font>" in text
    assert "Visit <br/> & <i>now</i>[2J" in text
    assert "\x1b" not in text


def test_names_beyond_latin_1_print_in_the_bundled_font(
    make_scenario: Callable[..., Scenario], plan: Plan
) -> None:
    """Welsh, Polish and Greek letters come out as themselves, not as boxes."""
    name = "Canolfan Ŵyl Dewi, Łódź Ωmega"
    scenario = make_scenario(**{"leeds-hq": name})
    data = render_itinerary_pdf([build_itinerary(scenario, plan, "minister")])
    assert name in " ".join(pdf_pages(data))
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts
    assert all("DejaVuSans" in font for font in fonts)  # embedded, the same everywhere


def test_two_people_in_one_pdf_each_start_a_new_page(
    scenario: Scenario, plan: Plan
) -> None:
    """Covers and days of two people, numbered through: "Page N of M"."""
    itineraries = [build_itinerary(scenario, plan, p) for p in ("minister", "chair-Y")]
    pages = pdf_pages(render_itinerary_pdf(itineraries))
    expected = sum(1 + len(it.days) for it in itineraries)
    assert len(pages) == expected
    chair_cover = 1 + len(itineraries[0].days)
    assert "Chair, Yorkshire" in pages[chair_cover]
    assert pages[-1].endswith(f"Page {expected} of {expected}")


def test_a_time_span_keeps_to_one_line(scenario: Scenario, plan: Plan) -> None:
    """The widest span (GMT both ends) is not wrapped in the time column."""
    data = render_itinerary_pdf([build_itinerary(scenario, plan, "minister")])
    last_day = PdfReader(io.BytesIO(data)).pages[-1].extract_text()
    span = "10:00 GMT\u201311:00 GMT"  # with an en dash, as spans print
    assert any(span in line for line in last_day.splitlines())


def test_an_event_longer_than_a_page_goes_on_over_the_next(
    scenario: Scenario, plan: Plan
) -> None:
    """Purpose, contact and notes at their longest (2,000 characters each) all print."""
    longest = ("Parking at the rear, ask at the desk. " * 60)[:2000].strip()
    requests = tuple(
        attrs.evolve(r, purpose=longest, contact=longest, notes=longest)
        if r.request_id == "visit-Y"
        else r
        for r in scenario.requests
    )
    wordy = attrs.evolve(scenario, requests=requests)
    itinerary = build_itinerary(wordy, plan, "minister")
    pages = pdf_pages(render_itinerary_pdf([itinerary]))
    assert len(pages) > 1 + len(itinerary.days)  # the day took more than a page
    # The text read on, page after page, without each page's foot.
    text = " ".join(page.rsplit(" Draft: ", 1)[0] for page in pages)
    sentence = "Parking at the rear, ask at the desk."
    assert text.count(sentence) == 3 * longest.count(sentence)


def test_a_long_route_keeps_the_cover_on_one_page(
    scenario: Scenario, plan: Plan
) -> None:
    """The map gives up room to a long route line rather than push it over."""
    itinerary = build_itinerary(scenario, plan, "minister")
    wandering = attrs.evolve(itinerary, route=("Ashton-under-Lyne", "Manchester") * 40)
    pages = pdf_pages(render_itinerary_pdf([wandering]))
    assert len(pages) == 1 + len(itinerary.days)
    assert pages[0].rsplit(" Draft: ", 1)[0].endswith("Natural Earth (public domain).")
