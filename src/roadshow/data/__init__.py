"""Bundled reference data and scenarios, read only through importlib.resources.

``roadshow.data.nhs2008`` holds the 2008 NHS organisations and the default
scenario; :func:`scenario` returns any bundled scenario by id.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from roadshow.errors import InputError, closest

if TYPE_CHECKING:
    from roadshow.model import Scenario

SCENARIOS = {"nhs-2008": "nhs2008"}
"""Bundled scenario ids and the data package that holds each."""

DEFAULT_SCENARIO = "nhs-2008"
SCENARIO_FILE = "scenario.toml"


def scenario_folder(name: str = DEFAULT_SCENARIO) -> Traversable:
    """Return the folder of a bundled scenario.

    Raises:
        InputError: no bundled scenario has that name.
    """
    try:
        package = SCENARIOS[name]
    except KeyError:
        msg = f"no bundled scenario {name!r}"
        raise InputError(
            msg,
            expected="one of " + ", ".join(sorted(SCENARIOS)),
            suggestion=closest(name, SCENARIOS),
        ) from None
    return files("roadshow.data").joinpath(package)


@cache
def scenario(name: str = DEFAULT_SCENARIO) -> Scenario:
    """Return a bundled scenario (parsed once per process).

    Raises:
        InputError: no bundled scenario has that name.
    """
    # Imported here: listing scenarios or showing --help needs no parser.
    from roadshow.importers.scenario import parse_scenario  # noqa: PLC0415
    from roadshow.importers.tables import decode_text  # noqa: PLC0415

    folder = scenario_folder(name)

    def read_table(file_name: str) -> tuple[str, bytes]:
        return f"{name}:{file_name}", folder.joinpath(file_name).read_bytes()

    source = f"{name}:{SCENARIO_FILE}"
    text = decode_text(folder.joinpath(SCENARIO_FILE).read_bytes(), source=source)
    return parse_scenario(
        text, source=source, read_table=read_table, locate=locate_place
    )


def scenario_files(name: str = DEFAULT_SCENARIO) -> dict[str, bytes]:
    """Return the editable file set of a bundled scenario (file name to bytes)."""
    folder = scenario_folder(name)
    return {
        item.name: item.read_bytes()
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.is_file() and item.name.endswith((".toml", ".csv", ".md"))
    }


@cache
def gazetteer() -> dict[str, tuple[float, float]]:
    """Return bundled place names and coordinates (lower-case keys).

    The places are the 2008 PCT towns and SHA headquarters towns, one
    representative point each, from the bundled tables.
    """
    folder = scenario_folder(DEFAULT_SCENARIO)
    towns: dict[str, tuple[float, float]] = {}
    for table, column in (("regions.csv", "hq_town"), ("areas.csv", "town")):
        text = folder.joinpath(table).read_text(encoding="utf-8")
        for row in csv.DictReader(io.StringIO(text)):
            towns.setdefault(
                row[column].lower(), (float(row["lat"]), float(row["lon"]))
            )
    return dict(sorted(towns.items()))


def locate_place(
    *,
    place: str | None,
    address: str | None,  # noqa: ARG001 - the Locator protocol; addresses need --geocode
) -> tuple[float, float] | None:
    """Locate a venue by a bundled place name (addresses need ``--geocode``)."""
    return gazetteer().get(place.lower()) if place else None
