"""PDF itineraries in `plan --out` (issue 17): opt-in, reused when unchanged."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from roadshow import itinerary_files
from roadshow.cli import cli
from roadshow.exporters.itinerary import (
    build_itinerary,
    is_pdf_available,
    render_itinerary_pdf,
)
from roadshow.importers.scenario import load_scenario
from roadshow.planner import solve
from safety_kit import EPOCH, SMALL_SCENARIO, snapshot

ISSUED = pendulum.datetime(2008, 9, 1, 9, tz="Europe/London")

needs_pdf = pytest.mark.skipif(
    not is_pdf_available(), reason="ReportLab (the pdf extra) is missing"
)


@pytest.fixture(scope="module")
def small_toml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario (one principal: one itinerary) as a file."""
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(SMALL_SCENARIO.format(hour=11), encoding="utf-8")
    return path


def pdfs(folder: Path) -> list[str]:
    """The PDF files under *folder*."""
    return sorted(name for name in snapshot(folder) if name.endswith(".pdf"))


@needs_pdf
def test_pdfs_are_written_only_when_asked(tmp_path, small_toml, runner: CliRunner):
    """`plan --out` writes no PDF; `plan --out --pdf` one per itinerary."""
    plain, with_pdf = tmp_path / "plain", tmp_path / "pdf"
    for out, extra in ((plain, []), (with_pdf, ["--pdf"])):
        result = runner.invoke(
            cli,
            ["-q", "plan", str(small_toml), "--out", str(out), *extra],
            env={"SOURCE_DATE_EPOCH": EPOCH},
        )
        assert result.exit_code == 0, result.output
    assert pdfs(plain) == []
    assert pdfs(with_pdf) == ["versions/0001/itineraries/ann.pdf"]
    pdf = (with_pdf / "versions/0001/itineraries/ann.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    without = snapshot(plain / "versions/0001")
    assert {
        k: v
        for k, v in snapshot(with_pdf / "versions/0001").items()
        if not k.endswith(".pdf")
    } == without


def test_pdf_without_reportlab_fails_before_planning(
    tmp_path, small_toml, monkeypatch, runner: CliRunner
):
    """--pdf where PDFs cannot be made: one line naming the extra, nothing written."""
    monkeypatch.setattr("roadshow.exporters.itinerary.is_pdf_available", lambda: False)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["plan", str(small_toml), "--out", str(out), "--pdf"])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --pdf needs ReportLab, which is not installed;"
        " install the extra with: pip install 'roadshow[pdf]'\n"
    )
    assert not out.exists()


def test_an_unchanged_itinerary_keeps_its_earlier_pdf(tmp_path, small_toml):
    """A PDF printed from the same HTML is reused, not printed again."""
    scenario = load_scenario(small_toml)
    plan = solve(scenario).plan
    earlier = tmp_path / "earlier"
    files = itinerary_files.itinerary_outputs(scenario, plan)
    (earlier / "itineraries").mkdir(parents=True)
    html = files["itineraries/ann.html"]
    (earlier / "itineraries/ann.html").write_bytes(html)
    (earlier / "itineraries/ann.pdf").write_bytes(b"%PDF- kept")
    again = itinerary_files.itinerary_outputs(scenario, plan, pdf=True, earlier=earlier)
    assert again["itineraries/ann.pdf"] == b"%PDF- kept"
    assert {k: v for k, v in again.items() if not k.endswith(".pdf")} == files


@needs_pdf
def test_a_changed_itinerary_is_printed_again(tmp_path, small_toml):
    """Different HTML: the earlier PDF is not reused."""
    scenario = load_scenario(small_toml)
    plan = solve(scenario).plan
    earlier = tmp_path / "earlier"
    (earlier / "itineraries").mkdir(parents=True)
    (earlier / "itineraries/ann.html").write_text("<p>old</p>", encoding="utf-8")
    (earlier / "itineraries/ann.pdf").write_bytes(b"%PDF- stale")
    again = itinerary_files.itinerary_outputs(scenario, plan, pdf=True, earlier=earlier)
    assert again["itineraries/ann.pdf"] != b"%PDF- stale"
    assert again["itineraries/ann.pdf"].startswith(b"%PDF-")


@needs_pdf
def test_each_itinerary_gets_a_pdf_of_its_own(small_toml):
    """print_pdfs prints each itinerary alone, the same bytes as printing it alone."""
    scenario = load_scenario(small_toml)
    plan = solve(scenario).plan
    itineraries = [
        build_itinerary(scenario, plan, "ann", version=n, issued=ISSUED) for n in (1, 2)
    ]
    printed = itinerary_files.print_pdfs(itineraries)
    assert printed == [render_itinerary_pdf([it]) for it in itineraries]
    assert printed[0] != printed[1]  # each page says its own version
