"""``roadshow itinerary`` and ``roadshow export``: day sheets, the programme table."""

from __future__ import annotations

from pathlib import Path

import click

from roadshow.cli._app import (
    AppContext,
    emit,
    out_option,
    pass_app,
    plan_option,
    plan_version_option,
    resolve_plan,
    scenario_argument,
)
from roadshow.errors import InputError
from roadshow.exporters.choices import FORMATS


@click.command()
@scenario_argument
@plan_option
@plan_version_option
@click.option(
    "--person",
    "person_ids",
    multiple=True,
    metavar="ID",
    help="Only this person (repeat for several); default: every principal and chair.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for the terminal, md for Markdown, html to print from a browser, "
    "pdf (needs the pdf extra: pip install 'roadshow[pdf]').",
)
@out_option
@click.option(
    "--out-dir",
    metavar="DIR",
    help="Write one file per person (<person>.txt, .md, .html or .pdf) in folder DIR.",
)
@pass_app
def itinerary(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
    person_ids: tuple[str, ...],
    fmt: str,
    out: str | None,
    out_dir: str | None,
) -> None:
    """Print day-by-day itineraries: travel, events, free time and nights.

    From a plan --out folder, every page names the plan version in which that
    itinerary last changed and its issue time, as the folder's own copies do; a
    plan made on the spot is marked as a draft.
    """
    from roadshow.exporters.itinerary import (
        EXTENSIONS,
        build_itinerary,
        itinerary_people,
        render_itinerary,
    )
    from roadshow.itinerary_files import as_published, page_stamp
    from roadshow.outputs import version_folder, write_outputs

    if out is not None and out_dir is not None:
        msg = "-o is one file and --out-dir a folder of them"
        raise InputError(msg, source="--out", expected="one of the two")
    resolved = resolve_plan(
        app, scenario, plan_path, plan_version=plan_version, recorded=True
    )
    loaded, plan = resolved.scenario, resolved.plan
    number, issued = page_stamp(resolved.version)
    itineraries = {
        person_id: build_itinerary(
            loaded, plan, person_id, version=number, issued=issued
        )
        for person_id in person_ids or itinerary_people(loaded)
    }
    if number is not None and plan_path is not None and Path(plan_path).is_dir():
        # As the folder has them: an unchanged itinerary keeps its earlier stamp.
        published = version_folder(plan_path, number)
        itineraries = {p: as_published(it, published) for p, it in itineraries.items()}
    if out_dir is not None:
        files = {
            f"{person_id}.{EXTENSIONS[fmt]}": _as_bytes(render_itinerary([one], fmt))
            for person_id, one in itineraries.items()
        }
        write_outputs(out_dir, files)
        app.progress(f"Wrote {len(files)} itineraries to {out_dir}")
        return
    rendered = render_itinerary(list(itineraries.values()), fmt)
    if isinstance(rendered, bytes) and out in (None, "-"):
        click.echo(rendered, nl=False)  # binary (PDF): click writes the bytes as is
        return
    emit(rendered, out)


def _as_bytes(rendered: str | bytes) -> bytes:
    return rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")


@click.command()
@scenario_argument
@plan_option
@plan_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "json")),
    default="csv",
    show_default=True,
    help="csv for spreadsheets, json for tools (schema roadshow-programme/1).",
)
@out_option
@pass_app
def export(
    app: AppContext,
    *,
    scenario: str | None,
    plan_path: str | None,
    plan_version: int | None,
    fmt: str,
    out: str | None,
) -> None:
    """Export every scheduled item as a table: ids, UTC and local times, places."""
    from roadshow.exporters.programme import (
        render_programme_csv,
        render_programme_json,
    )

    resolved = resolve_plan(app, scenario, plan_path, plan_version=plan_version)
    render = render_programme_csv if fmt == "csv" else render_programme_json
    emit(render(resolved.scenario, resolved.plan), out)
