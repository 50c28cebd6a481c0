"""Reading plan files (``roadshow-plan/1`` JSON) from a path into a Plan.

The format itself (schema, writer, parser) is :mod:`roadshow.planfile`;
:func:`parse_plan_file` is re-exported here for existing callers.
"""

from __future__ import annotations

from pathlib import Path

from roadshow.errors import PlanFileError
from roadshow.importers._source import read_source
from roadshow.model import Plan
from roadshow.planfile import parse_plan_file

__all__ = ["load_plan_file", "parse_plan_file"]


def load_plan_file(path: str | Path) -> Plan:
    """Read a plan file.

    Raises:
        PlanFileError: the file cannot be read or is not a valid plan file.
    """
    path = Path(path)
    return parse_plan_file(read_source(path, error=PlanFileError), source=str(path))
