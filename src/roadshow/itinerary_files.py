"""The itinerary files of a plan version: pages, PDFs, and the stamp they carry.

Each person's itinerary as text, Markdown and HTML (and PDF on request) with the
programme table beside them, for :mod:`roadshow.outputs` to write. An itinerary
that reads the same as in the previous version keeps that version's stamp, so
copies already printed or sent stay current and its PDF is not printed again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pendulum
from attrs import evolve
from pendulum import DateTime

from roadshow.exporters.choices import FORMATS
from roadshow.exporters.ics import PlanVersion
from roadshow.exporters.itinerary import (
    EXTENSIONS,
    Itinerary,
    build_itinerary,
    itinerary_people,
    render_itinerary,
    render_itinerary_pdf,
)
from roadshow.exporters.programme import render_programme_tables
from roadshow.model import Plan, Scenario

ITINERARIES = "itineraries"
"""The folder (inside a version folder) that holds the itineraries."""

_STAMP = re.compile(r'<meta name="roadshow-stamp" content="(\d+) ([^"]+)">')


def page_stamp(version: PlanVersion | None) -> tuple[int | None, DateTime | None]:
    """The version number and issue time printed on pages; (None, None): a draft.

    Version 0 is a plan exported without a history, so it is a draft too.
    """
    if version is None or not version.number:
        return None, None
    return version.number, version.issued_at


def itinerary_outputs(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion | None = None,
    *,
    pdf: bool = False,
    earlier: Path | None = None,
) -> dict[str, bytes]:
    """Return the itinerary files and the programme table of a plan.

    One itinerary per principal and chair (``itineraries/<person>.<ext>``) as
    text, Markdown and HTML, plus ``programme.csv`` and ``programme.json``. With
    the plan's issued *version* (number 1 or more), every itinerary page names
    it, or for an itinerary that reads the same as in *earlier*, the version
    there (:func:`as_published`). With *pdf*, a PDF each too (this needs the
    ``pdf`` extra): a PDF in the version folder *earlier* is reused while the
    person's HTML page is unchanged, and the others are printed
    (:func:`print_pdfs`).

    Raises:
        MissingDependencyError: *pdf* without ReportLab (the ``pdf`` extra).
    """
    number, issued = page_stamp(version)
    files: dict[str, bytes] = {}
    html: dict[str, tuple[Itinerary, str]] = {}
    for person_id in itinerary_people(scenario):
        itinerary = build_itinerary(
            scenario, plan, person_id, version=number, issued=issued
        )
        page: str | None = None  # the HTML, when the earlier page already is it
        if number is not None and earlier is not None:
            itinerary, page = _as_published(itinerary, earlier)
        for fmt in FORMATS:
            if fmt == "pdf":
                continue
            rendered = (
                page
                if fmt == "html" and page is not None
                else render_itinerary([itinerary], fmt)
            )
            text = rendered if isinstance(rendered, str) else rendered.decode("utf-8")
            files[f"{ITINERARIES}/{person_id}.{EXTENSIONS[fmt]}"] = text.encode("utf-8")
            if fmt == "html":
                html[person_id] = itinerary, text
    if pdf:
        for person_id, data in sorted(_pdfs(html, earlier).items()):
            files[f"{ITINERARIES}/{person_id}.{EXTENSIONS['pdf']}"] = data
    table, listing = render_programme_tables(scenario, plan)
    files["programme.csv"] = table.encode("utf-8")
    files["programme.json"] = listing.encode("utf-8")
    return files


def changed_itineraries(
    files: dict[str, bytes], earlier: Path | None
) -> tuple[str, ...]:
    """The people whose itinerary page differs from *earlier*'s (or has none)."""
    changed = []
    for name in sorted(files):
        folder, _, file_name = name.partition("/")
        if folder != ITINERARIES or not file_name.endswith(".html"):
            continue
        try:
            same = earlier is not None and (earlier / name).read_bytes() == files[name]
        except OSError:
            same = False
        if not same:
            changed.append(file_name.removesuffix(".html"))
    return tuple(changed)


def as_published(itinerary: Itinerary, folder: Path) -> Itinerary:
    """The itinerary under the stamp it has in version *folder*, if it reads the same.

    A person whose itinerary did not change keeps the plan version it was
    issued in, so copies already printed or sent stay current and its PDF is
    reused; a changed one (or one *folder* lacks) keeps the stamp it was given.
    """
    return _as_published(itinerary, folder)[0]


def _as_published(itinerary: Itinerary, folder: Path) -> tuple[Itinerary, str | None]:
    """:func:`as_published`, with the HTML page when it is the earlier one."""
    try:
        before = (folder / ITINERARIES / f"{itinerary.person_id}.html").read_text(
            encoding="utf-8"
        )
    except (OSError, UnicodeDecodeError):
        return itinerary, None
    found = _STAMP.search(before)
    try:
        issued = pendulum.parse(found[2]) if found else None
    except ValueError:
        return itinerary, None
    if found is None or not isinstance(issued, DateTime):
        return itinerary, None
    kept = evolve(
        itinerary, version=int(found[1]), issued=issued.in_tz(itinerary.timezone)
    )
    if render_itinerary([kept], "html") != before:
        return itinerary, None
    return kept, before


def _pdfs(
    html: dict[str, tuple[Itinerary, str]], earlier: Path | None
) -> dict[str, bytes]:
    """Each person's PDF: kept from *earlier* if its HTML is unchanged, else printed.

    The HTML says everything the PDF does, so the same HTML means the same PDF.
    """
    found: dict[str, bytes] = {}
    todo: dict[str, Itinerary] = {}
    for person_id, (itinerary, text) in html.items():
        kept = _earlier_pdf(earlier, person_id, text) if earlier else None
        if kept is None:
            todo[person_id] = itinerary
        else:
            found[person_id] = kept
    found.update(zip(todo, print_pdfs(list(todo.values())), strict=True))
    return found


def _earlier_pdf(earlier: Path, person_id: str, text: str) -> bytes | None:
    folder = earlier / ITINERARIES
    try:
        same = (folder / f"{person_id}.html").read_bytes() == text.encode("utf-8")
        return (folder / f"{person_id}.pdf").read_bytes() if same else None
    except OSError:
        return None


def print_pdfs(itineraries: list[Itinerary]) -> list[bytes]:
    """Print each itinerary as a PDF of its own.

    Here, one after another: ReportLab lays out a page in a few milliseconds,
    less than a worker process would take to start and import it.

    Raises:
        MissingDependencyError: ReportLab (the ``pdf`` extra) is missing.
    """
    return [render_itinerary_pdf([itinerary]) for itinerary in itineraries]
