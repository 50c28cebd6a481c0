"""Everything ``roadshow plan --out DIR`` writes, gathered in one place (shell side).

Each renderer is pure and returns bytes; this module only decides file names,
records the plan in the folder's history (:mod:`roadshow.history`) and writes.

The plan command calls :func:`record_plan` and then :func:`write_outputs`::

    version, files = record_plan(out_dir, scenario, plan, issued_at=issued_at)
    write_outputs(out_dir, files)
"""

from __future__ import annotations

from pathlib import Path

from pendulum import DateTime

from roadshow._fs import ensure_folder, write_atomic
from roadshow.exporters.choices import PUBLIC
from roadshow.exporters.ics import PlanVersion, calendar_files
from roadshow.exporters.itinerary import (
    EXTENSIONS,
    available_formats,
    build_itinerary,
    itinerary_people,
    render_itinerary,
)
from roadshow.exporters.plan_file import render_plan_file
from roadshow.exporters.programme import render_programme_csv, render_programme_json
from roadshow.history import PlanHistory
from roadshow.model import Plan, Scenario

CALENDARS = "calendars"
"""The folder (inside the output folder) that holds the .ics feeds."""

ITINERARIES = "itineraries"
"""The folder (inside the output folder) that holds the itineraries."""

PUBLIC_SPLITS = ("programme", "region", "area")
"""The public calendars: what an events team may publish, by place."""


def plan_outputs(
    scenario: Scenario, plan: Plan, version: PlanVersion | None = None
) -> dict[str, bytes]:
    """Return the files of a planned programme: relative file name to content.

    With the plan's issued *version*, the calendars are included:
    ``calendars/internal/...`` (everything, split by programme, person, region and
    area) and ``calendars/public/...`` (no travel, stays, contacts or notes).
    Itineraries and the programme table are always included
    (:func:`itinerary_outputs`).
    """
    files = {"plan.json": render_plan_file(plan).encode("utf-8")}
    if version is not None:
        for name, data in calendar_files(scenario, plan, version).items():
            files[f"{CALENDARS}/internal/{name}"] = data
        public = calendar_files(
            scenario, plan, version, splits=PUBLIC_SPLITS, audience=PUBLIC
        )
        for name, data in public.items():
            files[f"{CALENDARS}/public/{name}"] = data
    files.update(itinerary_outputs(scenario, plan))
    return files


def record_plan(
    out_dir: str | Path, scenario: Scenario, plan: Plan, *, issued_at: DateTime
) -> tuple[PlanVersion, dict[str, bytes]]:
    """Record *plan* in the folder's history and return its version and files.

    The folder is created if needed; the files are not written (see
    :func:`write_outputs`).

    Raises:
        InputError: the folder's history holds another scenario's plans.
        OutputError: the history cannot be read or written.
    """
    folder = ensure_folder(out_dir)
    version = PlanHistory.in_folder(folder).record(plan, issued_at=issued_at)
    return version, plan_outputs(scenario, plan, version)


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> None:
    """Write *files* (relative names) under *out_dir*, each atomically.

    Raises:
        OutputError: a folder or file cannot be written.
    """
    root = ensure_folder(out_dir)
    for name in sorted(files):
        path = root / name
        ensure_folder(path.parent)
        write_atomic(path, files[name])


# --- itineraries and the programme table (issue 6) -------------------------------


def itinerary_outputs(scenario: Scenario, plan: Plan) -> dict[str, bytes]:
    """Return the itinerary files and the programme table of a plan.

    One itinerary per principal and chair (``itineraries/<person>.<ext>``) in
    every format this installation can write (PDF only with the ``pdf`` extra),
    plus ``programme.csv`` and ``programme.json``.
    """
    files: dict[str, bytes] = {}
    formats = available_formats()
    for person_id in itinerary_people(scenario):
        itinerary = build_itinerary(scenario, plan, person_id)
        for fmt in formats:
            rendered = render_itinerary([itinerary], fmt)
            files[f"{ITINERARIES}/{person_id}.{EXTENSIONS[fmt]}"] = (
                rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
            )
    files["programme.csv"] = render_programme_csv(scenario, plan).encode("utf-8")
    files["programme.json"] = render_programme_json(scenario, plan).encode("utf-8")
    return files
