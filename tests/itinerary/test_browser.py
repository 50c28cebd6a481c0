"""The HTML itinerary in a real browser: headless Chromium renders it to PNG and PDF.

Skipped only when Chromium is absent (.ci/run installs the Debian package).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from roadshow.exporters.itinerary import (
    Itinerary,
    build_itinerary,
    render_itinerary_html,
)
from roadshow.model import Plan, Scenario

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
