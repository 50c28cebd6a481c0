"""The scenario file format: TOML, optionally with CSV tables beside it.

:func:`parse_scenario` turns text into a :class:`~roadshow.model.Scenario` and is
pure (tables and place names come through callables); :func:`load_scenario` reads
a file and the tables it names. Every error names the file, the key path (or line
and column) and what was expected; unknown keys get a "did you mean".

The format, in short (see README.md and the bundled ``nhs-2008`` for a full one)::

    id = "my-tour"          name = "..."        timezone = "Europe/London"
    start = 2008-09-08      end = 2008-10-08
    [tables]    regions/areas/venues/commitments/travel = "file.csv"
    [calendar]  holidays = "GB-ENG", extra_holidays = [...], weekend = ["sat", "sun"]
    [rules]     max_nights_away_in_row, min_night_saving, start_step,
                [rules.kinds.<kind>] ...
    [travel]    mode, walk_up_to_km, car_up_to_km, [travel.modes.<mode>] ...
    [[venues]] [[regions]] [[areas]] [[people]] [[blackouts]] [[commitments]]
    [[diaries]]  person = "darzi", file = "darzi.ics" (busy time from a diary)
    [[requests]] [[series]]   (a series expands to one request per region or area)
"""

from roadshow.importers.scenario._rows import Locator as Locator
from roadshow.importers.scenario._rows import ReadTable as ReadTable
from roadshow.importers.scenario.reader import load_scenario as load_scenario
from roadshow.importers.scenario.reader import parse_scenario as parse_scenario

__all__ = ["Locator", "ReadTable", "load_scenario", "parse_scenario"]
