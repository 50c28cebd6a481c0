"""Opt-in address lookup (``--geocode``) through geopy's Nominatim client, cached.

Nothing here runs unless the user asks: the default path never touches the
network. Lookups send a proper user agent, wait at least a second between
requests (Nominatim's usage policy), time out cleanly, and are cached on disk
so the same address is never asked for twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geopy.adapters import URLLibAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from roadshow import __version__, data
from roadshow._fs import ensure_folder, write_atomic
from roadshow.errors import RoadshowError

USER_AGENT = (
    f"roadshow/{__version__} (event scheduling; https://pypi.org/project/roadshow/)"
)
MIN_DELAY_SECONDS = 1.0


class GeocodeError(RoadshowError):
    """The geocoding service could not be reached or answered nonsense."""


def cache_path() -> Path:
    """Return the geocode cache file (``$ROADSHOW_CACHE_DIR`` or the XDG cache)."""
    base = os.environ.get("ROADSHOW_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("ROADSHOW_CACHE_DIR"):
        folder /= "roadshow"
    return folder / "geocode.json"


class CachingGeocoder:
    """Look addresses up with Nominatim, remembering every answer on disk.

    Args:
        lookup: The function that asks the service (given an address, returns
            ``(lat, lon)`` or None); the default is a rate-limited Nominatim.
        cache_file: Where answers are kept between runs.
    """

    def __init__(
        self,
        lookup: Callable[[str], tuple[float, float] | None] | None = None,
        cache_file: Path | None = None,
    ) -> None:
        self._lookup = lookup or nominatim_lookup()
        self._cache_file = cache_file or cache_path()
        self._cache = self._read_cache()

    def __call__(
        self, *, place: str | None, address: str | None
    ) -> tuple[float, float] | None:
        """Return coordinates for a bundled place name or, failing that, an address.

        Raises:
            GeocodeError: the service failed (unreachable, slow, error, junk).
        """
        found = data.locate_place(place=place, address=None)
        if found is not None or not address:
            return found
        key = " ".join(address.split()).lower()
        if key in self._cache:
            cached = self._cache[key]
            return None if cached is None else (cached[0], cached[1])
        try:
            answer = self._lookup(address)
        except GeopyError as exc:
            msg = f"looking up the address {address!r} failed: {exc}"
            raise GeocodeError(msg) from None
        self._cache[key] = None if answer is None else [answer[0], answer[1]]
        self._write_cache()
        return answer

    def _read_cache(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _write_cache(self) -> None:
        ensure_folder(self._cache_file.parent)
        text = json.dumps(self._cache, indent=1, sort_keys=True) + "\n"
        write_atomic(self._cache_file, text)


def nominatim_lookup(
    *,
    domain: str = "nominatim.openstreetmap.org",
    scheme: str = "https",
    timeout: float = 10.0,
) -> Callable[[str], tuple[float, float] | None]:
    """Return a rate-limited Nominatim lookup (one request a second at most)."""
    geocoder = Nominatim(
        user_agent=USER_AGENT,
        domain=domain,
        scheme=scheme,
        timeout=timeout,
        adapter_factory=URLLibAdapter,
    )
    limited = RateLimiter(
        geocoder.geocode,
        min_delay_seconds=MIN_DELAY_SECONDS,
        max_retries=0,
        swallow_exceptions=False,
    )

    def lookup(address: str) -> tuple[float, float] | None:
        location = limited(address, exactly_one=True, country_codes="gb")
        if location is None:
            return None
        try:
            return float(location.latitude), float(location.longitude)
        except (TypeError, ValueError):
            msg = f"the geocoder answered nonsense for {address!r}"
            raise GeocodeError(msg) from None

    return lookup


def caching_locator() -> CachingGeocoder:
    """Return the locator ``--geocode`` uses: bundled places, then cached Nominatim."""
    return CachingGeocoder()
