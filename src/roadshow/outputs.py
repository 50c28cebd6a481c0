"""Everything ``roadshow plan --out DIR`` writes, gathered in one place (shell side).

Each renderer is pure and returns bytes; this module only decides file names.
"""

from __future__ import annotations

from roadshow.exporters.itinerary import (
    EXTENSIONS,
    available_formats,
    build_itinerary,
    itinerary_people,
    render_itinerary,
)
from roadshow.exporters.plan_file import render_plan_file
from roadshow.exporters.programme import render_programme_csv, render_programme_json
from roadshow.model import Plan, Scenario


def plan_outputs(scenario: Scenario, plan: Plan) -> dict[str, bytes]:
    """Return the files of a planned programme: relative file name to content."""
    files = {"plan.json": render_plan_file(plan).encode("utf-8")}
    files.update(itinerary_outputs(scenario, plan))
    return files


# --- itineraries and the programme table (issue 6) -------------------------------


def itinerary_outputs(scenario: Scenario, plan: Plan) -> dict[str, bytes]:
    """Return the itinerary files and the programme table of a plan.

    One itinerary per principal and chair (``itinerary-<person>.<ext>``) in every
    format this installation can write (PDF only with the ``pdf`` extra), plus
    ``programme.csv`` and ``programme.json``.
    """
    files: dict[str, bytes] = {}
    formats = available_formats()
    for person_id in itinerary_people(scenario):
        itinerary = build_itinerary(scenario, plan, person_id)
        for fmt in formats:
            rendered = render_itinerary([itinerary], fmt)
            files[f"itinerary-{person_id}.{EXTENSIONS[fmt]}"] = (
                rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
            )
    files["programme.csv"] = render_programme_csv(scenario, plan).encode("utf-8")
    files["programme.json"] = render_programme_json(scenario, plan).encode("utf-8")
    return files
