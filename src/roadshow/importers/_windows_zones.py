"""Windows time zone display names and the Windows zone IDs they stand for.

Generated from the comments of the Unicode CLDR ``windowsZones.xml``
(``common/supplemental/windowsZones.xml``), which head each zone's mappings
with its display name. Outlook and Exchange write these names as TZIDs without a
VTIMEZONE; :func:`roadshow.importers._zones.iana_zone` maps the ID on to an IANA
zone with icalendar's copy of the same CLDR table.

Unicode data: Copyright (c) 1991- Unicode, Inc., under the Unicode License v3
(https://www.unicode.org/license.txt).
"""

from __future__ import annotations

from typing import Final

DISPLAY_NAMES: Final[dict[str, str]] = {}
