"""Telling which IANA time zone a calendar's ``TZID`` names.

Calendar programs name zones in several ways: IANA names (``Europe/London``),
"globally unique" forms with a vendor prefix (``/mozilla.org/Europe/London``),
Windows zone IDs (``GMT Standard Time``) and Windows display names
(``(UTC-05:00) Eastern Time (US & Canada)``, written by Outlook without a
VTIMEZONE). :func:`iana_zone` maps each to an IANA zone of the machine's time
zone database, the way calendar clients do (Windows names through the CLDR
``windowsZones`` table), and answers None for anything else.

Only the database's zone names are ever looked up: a TZID naming one of its
folders (``Europe``), the machine's own zone (``/etc/localtime``, ``localtime``)
or a path is no zone, so the result never depends on the machine or touches a
file that is not a zone.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from typing import Final

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from roadshow.importers._windows_zones import DISPLAY_NAMES, PLACES

MAX_TZID_CHARS: Final = 200
"""The longest TZID looked up (the longest IANA name has 30 characters; Windows
display names about 80)."""

_OFFSET = re.compile(r"\((?:UTC|GMT)(?:[+-]\d\d?:?\d\d)?\)")
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules", "posix", "right"})
"""Names in a zone database that are not places' zones."""


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES


@functools.lru_cache(maxsize=1024)
def iana_zone(tzid: str) -> str | None:
    """Return the IANA zone *tzid* names, or None when it names none.

    Tried in turn: the name as written (without surrounding ``/``); a Windows
    zone ID or display name; the IANA name at the end of a vendor-prefixed
    ``/vendor/Area/City`` (longest first).
    """
    if len(tzid) > MAX_TZID_CHARS:
        return None
    known = _known()
    name = tzid.strip().strip("/")
    if name in known:
        return name
    windows = DISPLAY_NAMES.get(name, name)
    offset = _OFFSET.match(name)
    if offset is not None:
        windows = PLACES.get(name[offset.end() :].strip(), windows)
    mapped = WINDOWS_TO_OLSON.get(windows)
    if mapped in known:
        return mapped
    if tzid.startswith("/"):
        parts = name.split("/")
        for start in range(1, len(parts)):
            suffix = "/".join(parts[start:])
            if "/" in suffix and suffix in known:
                return suffix
    return None
