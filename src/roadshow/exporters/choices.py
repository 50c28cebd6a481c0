"""Names of calendar audiences and splits, and of itinerary and advance formats.

Kept apart from :mod:`roadshow.exporters.ics` and
:mod:`roadshow.exporters.itinerary` so the command line can offer them as choices
without loading the iCalendar library or the templates (``roadshow --help`` stays
quick).
"""

from __future__ import annotations

from typing import Final

INTERNAL: Final = "internal"
PUBLIC: Final = "public"
AUDIENCES: Final = (INTERNAL, PUBLIC)
"""``internal`` has everything; ``public`` leaves out travel, stays, contacts, notes."""

SPLITS: Final = ("programme", "person", "region", "area")
"""The ways a plan can be split into calendars."""

FORMATS: Final = ("text", "md", "html", "pdf")
"""Itinerary formats; ``pdf`` needs the optional extra (``roadshow[pdf]``)."""

ADVANCE_FORMATS: Final = ("text", "md", "csv", "ics")
"""The formats of the advance-work list (``roadshow advance``)."""
