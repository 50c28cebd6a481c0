"""The HTML itinerary in a real browser: headless Chromium renders it to PNG and PDF.

Map labels are checked as a reader sees them: the default scenario's busiest
maps (Lord Darzi's tour of England, the London chair's 31 consultation evenings
in a dense cluster, and the programme overview) are opened with a small script
added to the page, which writes the layout boxes of every map label, numbered
stop and the map's frame (``getBoundingClientRect``) into the DOM;
``--dump-dom`` returns them, and no label may overlap another label or a
numbered stop, or leave the frame.

Skipped only when Chromium is absent (.ci/run installs the Debian package).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pendulum
import pytest
from pypdf import PdfReader

from roadshow.checks import check
from roadshow.exporters.itinerary import (
    Itinerary,
    build_itinerary,
    render_itinerary_html,
)
from roadshow.exporters.overview import render_overview
from roadshow.model import Plan, Scenario
from roadshow.planner import plan as make_plan

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run does it)",
)

# Flags headless Chromium needs on these machines: no sandbox as root, and no
# background networking (the machine has no network to reach).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
OUTLINE_FILL = (0xEE, 0xF2, 0xEC)
VENUE_FILL = (0xC0, 0x39, 0x2B)

DASH = "\u2013"  # en dash, as the itineraries print time spans


@pytest.fixture
def page(tmp_path: Path, scenario: Scenario, plan: Plan) -> tuple[Path, Itinerary]:
    """The minister's HTML itinerary written to a file."""
    itinerary = build_itinerary(scenario, plan, "minister")
    path = tmp_path / "itinerary.html"
    path.write_text(render_itinerary_html([itinerary]), encoding="utf-8")
    return path, itinerary


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium with a fresh profile; fail loudly if it fails."""
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done


def test_chromium_prints_the_cover_and_a_page_per_day(
    tmp_path: Path, page: tuple[Path, Itinerary]
) -> None:
    """Printed to PDF, the cover holds the map's labels and each day has its page."""
    path, itinerary = page
    pdf = tmp_path / "itinerary.pdf"
    chromium(
        tmp_path,
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        path.as_uri(),
    )
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 1 + len(itinerary.days)
    cover = pages[0]
    assert "Lord Minister" in cover
    for label in ("London", "Leeds", "York"):  # map labels are SVG text
        assert label in cover
    headings = [
        "Friday 24 October 2008",
        "Saturday 25 October 2008",
        "Monday 27 October 2008",
    ]
    for day_page, heading in zip(pages[1:], headings, strict=True):
        assert heading in day_page
    assert f"10:00 GMT{DASH}11:00 GMT" in pages[3]


def test_chromium_prints_the_version_and_page_number_on_every_page(
    tmp_path: Path, scenario: Scenario, plan: Plan
) -> None:
    """Printed from the browser (the HTML's own print CSS), every page says
    which plan version it is, when issued, and 'Page N of M'."""
    issued = pendulum.datetime(2008, 9, 1, 14, 5, tz="UTC")
    itinerary = build_itinerary(scenario, plan, "minister", version=7, issued=issued)
    path, pdf = tmp_path / "itinerary.html", tmp_path / "itinerary.pdf"
    path.write_text(render_itinerary_html([itinerary]), encoding="utf-8")
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    assert len(pages) == 1 + len(itinerary.days)
    for number, text in enumerate(pages, start=1):
        assert "Plan version 7, issued Mon 1 Sep 2008" in text, number
        assert f"Page {number} of {len(pages)}" in text, number


def test_chromium_draws_the_map(tmp_path: Path, page: tuple[Path, Itinerary]) -> None:
    """A screenshot shows England's outline and the venue markers."""
    image_module = pytest.importorskip("PIL.Image")
    path, _ = page
    png = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1000,1400", path.as_uri())
    with image_module.open(png) as shot:
        assert shot.size == (1000, 1400)
        colours = shot.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    counts = {colour: count for count, colour in colours}
    assert counts.get(OUTLINE_FILL, 0) > 50_000  # the land, filled
    assert counts.get(VENUE_FILL, 0) > 8  # red venue dots (anti-aliased edges aside)


def test_chromium_sees_every_day_and_venue(
    tmp_path: Path, page: tuple[Path, Itinerary]
) -> None:
    """The DOM Chromium builds has one section per day and one point per venue."""
    path, itinerary = page
    dom = chromium(tmp_path, "--dump-dom", path.as_uri()).stdout.decode()
    assert dom.count('<section class="day"') == len(itinerary.days)
    for day in itinerary.days:
        assert f'data-date="{day.anchor}"' in dom
    assert dom.count('<circle class="venue') == 4
    assert dom.count('<svg class="route-map"') == 1


# --- map labels, measured in the browser ----------------------------------------

MEASURE = """
<script>
(() => {
  const box = (r) => [r.left, r.top, r.right, r.bottom];
  const maps = [...document.querySelectorAll("svg.route-map")].map((svg) => ({
    frame: box(svg.querySelector("rect.sea").getBoundingClientRect()),
    labels: [...svg.querySelectorAll("text.label")].map((t) => ({
      text: t.textContent,
      box: box(t.getBoundingClientRect()),
    })),
    stops: [...svg.querySelectorAll("circle.stop")].map((c) => ({
      venue: c.dataset.venue,
      box: box(c.getBoundingClientRect()),
    })),
  }));
  const out = document.createElement("pre");
  out.id = "label-boxes";
  out.textContent = JSON.stringify(maps);
  document.body.appendChild(out);
})();
</script>
"""
_BOXES = re.compile(r'<pre id="label-boxes">(.*?)</pre>', re.DOTALL)
TOUCH = 0.5
"""Pixels two boxes may share before they count as overlapping (anti-aliasing)."""

Box = list[float]


@pytest.fixture(scope="module")
def default_plan(nhs2008_scenario: Scenario) -> Plan:
    """The bundled scenario, planned once for the module."""
    return make_plan(nhs2008_scenario)


def measured_maps(tmp_path: Path, page: str) -> list[dict[str, Any]]:
    """Open *page* in Chromium and return each map's frame, label and stop boxes."""
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = chromium(
        tmp_path, "--window-size=1000,1400", "--dump-dom", path.as_uri()
    ).stdout.decode()
    found = _BOXES.search(dom)
    assert found is not None, "the measuring script did not run"
    maps: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return maps


def overlap(a: Box, b: Box) -> bool:
    return (
        a[0] < b[2] - TOUCH
        and b[0] < a[2] - TOUCH
        and a[1] < b[3] - TOUCH
        and b[1] < a[3] - TOUCH
    )


def problems(route_map: dict[str, Any]) -> list[str]:
    """Every label that leaves the frame, overlaps a label, or covers a stop."""
    frame, labels = route_map["frame"], route_map["labels"]
    found = [
        f"{label['text']!r} leaves the frame"
        for label in labels
        if label["box"][0] < frame[0] - TOUCH
        or label["box"][1] < frame[1] - TOUCH
        or label["box"][2] > frame[2] + TOUCH
        or label["box"][3] > frame[3] + TOUCH
    ]
    found += [
        f"{a['text']!r} overlaps {b['text']!r}"
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if overlap(a["box"], b["box"])
    ]
    found += [
        f"{label['text']!r} covers the stop at {stop['venue']}"
        for label in labels
        for stop in route_map["stops"]
        if overlap(label["box"], stop["box"])
    ]
    return found


def test_the_route_keeps_a_pct_name_with_a_comma_whole(
    tmp_path: Path, nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The North West chair's page, as Chromium builds it: Wigan (in "Ashton,
    Leigh and Wigan PCT") is a whole town in the route line, the map and the
    list of stops, never a fragment of the PCT's name."""
    itinerary = build_itinerary(nhs2008_scenario, default_plan, "chair-Q31")
    path = tmp_path / "page.html"
    path.write_text(render_itinerary_html([itinerary]), encoding="utf-8")
    dom = html.unescape(chromium(tmp_path, "--dump-dom", path.as_uri()).stdout.decode())
    route = re.search(r"<p>Route: (.*?)</p>", dom)
    assert route is not None
    assert "→ Wigan →" in route.group(1)
    assert "Leigh and Wigan PCT)" not in route.group(1)
    assert re.search(r'<li value="\d+">Wigan <span class="when">', dom)
    stops = re.findall(r'<li value="\d+">([^<]*?) <span class="when">', dom)
    assert stops
    assert "Venue to be confirmed" not in stops  # towns, as the map labels them


@pytest.mark.parametrize("person_id", ["darzi", "chair-Q36"])
def test_itinerary_map_labels_neither_collide_nor_clip(
    tmp_path: Path, nhs2008_scenario: Scenario, default_plan: Plan, person_id: str
) -> None:
    """Darzi's England-wide map and the London chair's crowded one read clean."""
    itinerary = build_itinerary(nhs2008_scenario, default_plan, person_id)
    (route_map,) = measured_maps(tmp_path, render_itinerary_html([itinerary]))
    assert len(route_map["stops"]) == len(itinerary.route_map.stops) >= 9
    assert len(route_map["labels"]) >= 9
    assert problems(route_map) == []


def test_overview_map_labels_neither_collide_nor_clip(
    tmp_path: Path, nhs2008_scenario: Scenario, default_plan: Plan
) -> None:
    """The programme at a glance: every event on one map, labels clean."""
    page = render_overview(
        nhs2008_scenario, default_plan, check(nhs2008_scenario, default_plan)
    )
    (route_map,) = measured_maps(tmp_path, page)
    assert len(route_map["labels"]) >= 20
    assert problems(route_map) == []


def test_the_measure_finds_a_collision(tmp_path: Path) -> None:
    """The check is real: two labels drawn on top of each other are reported."""
    page = (
        "<html><body><svg class='route-map' viewBox='0 0 200 100' width='400'>"
        "<rect class='sea' x='0' y='0' width='200' height='100'/>"
        "<text class='label' x='20' y='50' font-size='11'>Kingston</text>"
        "<text class='label' x='30' y='52' font-size='11'>Kensington</text>"
        "<text class='label' x='180' y='20' font-size='11'>Canterbury</text>"
        "</svg></body></html>"
    )
    (route_map,) = measured_maps(tmp_path, page)
    assert problems(route_map) == [
        "'Canterbury' leaves the frame",
        "'Kingston' overlaps 'Kensington'",
    ]
