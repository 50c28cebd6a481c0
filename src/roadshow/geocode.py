"""Opt-in address lookup (``--geocode``) through geopy's Nominatim client, cached.

Nothing here runs unless the user asks: the default path never touches the
network. Lookups send a proper user agent, keep at least a second between
requests (Nominatim's usage policy), time out cleanly, and are cached on disk
so the same address is never asked for twice.

Two environment variables point the lookup elsewhere (a mirror, your own
Nominatim, or a test server): ``ROADSHOW_NOMINATIM_URL`` (default
``https://nominatim.openstreetmap.org``) and ``ROADSHOW_GEOCODE_TIMEOUT``
(seconds, default 10).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim
from platformdirs import user_cache_path

from roadshow import __version__, data
from roadshow._fs import ensure_folder, write_atomic
from roadshow.errors import AddressNotFoundError, GeocodeError, InputError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_URL",
    "MIN_DELAY_SECONDS",
    "TIMEOUT_VARIABLE",
    "URL_VARIABLE",
    "USER_AGENT",
    "AddressNotFoundError",
    "CachingGeocoder",
    "GeocodeError",
    "cache_path",
    "caching_locator",
    "nominatim_lookup",
]

USER_AGENT: Final = (
    f"roadshow/{__version__} (event scheduling; https://pypi.org/project/roadshow/)"
)
MIN_DELAY_SECONDS: Final = 1.0
DEFAULT_URL: Final = "https://nominatim.openstreetmap.org"
DEFAULT_TIMEOUT_SECONDS: Final = 10.0
URL_VARIABLE: Final = "ROADSHOW_NOMINATIM_URL"
TIMEOUT_VARIABLE: Final = "ROADSHOW_GEOCODE_TIMEOUT"

Lookup = Callable[[str], tuple[float, float] | None]
"""Given an address, return ``(lat, lon)``, or None when nothing is found."""


def cache_path() -> Path:
    """Return the geocode cache file (``geocode.json``).

    It lives in ``$ROADSHOW_CACHE_DIR`` if set, else in the platform's cache
    folder for roadshow (platformdirs): ``$XDG_CACHE_HOME/roadshow`` or
    ``~/.cache/roadshow`` on Linux, ``~/Library/Caches/roadshow`` on macOS,
    ``%LOCALAPPDATA%/roadshow/Cache`` on Windows.
    """
    chosen = os.environ.get("ROADSHOW_CACHE_DIR")
    if chosen:
        return Path(chosen) / "geocode.json"
    return user_cache_path("roadshow", appauthor=False) / "geocode.json"


class CachingGeocoder:
    """Look addresses up with Nominatim, remembering every answer on disk.

    Args:
        lookup: The function that asks the service; the default is
            :func:`nominatim_lookup` on the public Nominatim.
        cache_file: Where answers are kept between runs.
    """

    def __init__(
        self, lookup: Lookup | None = None, cache_file: Path | None = None
    ) -> None:
        self._lookup = lookup or nominatim_lookup()
        self._cache_file = cache_file or cache_path()
        self._cache = self._read_cache()

    def __call__(
        self, *, place: str | None, address: str | None
    ) -> tuple[float, float] | None:
        """Return coordinates for a bundled place name or, failing that, an address.

        Returns None only when there is no address to look up.

        Raises:
            AddressNotFoundError: the service found nothing for the address.
            GeocodeError: the service failed (unreachable, slow, error, junk).
            OutputError: the cache cannot be written.
        """
        found = data.locate_place(place=place, address=None)
        if found is not None or not address:
            return found
        key = " ".join(address.split()).lower()
        if key in self._cache:
            answer = self._cache[key]
        else:
            answer = self._lookup(address)
            # "Not found" is remembered too: asking again gives the same answer.
            self._cache[key] = answer
            self._write_cache()
        if answer is None:
            msg = "the geocoder found no place for the address"
            raise AddressNotFoundError(
                msg,
                expected="an address the geocoder knows, or lat and lon",
                got=address,
            )
        return answer

    def _read_cache(self) -> dict[str, tuple[float, float] | None]:
        try:
            loaded = json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or a damaged one: start afresh
        if not isinstance(loaded, dict):
            return {}
        cache: dict[str, tuple[float, float] | None] = {}
        for key, value in loaded.items():
            if value is None:
                cache[key] = None
            elif (point := _point(value)) is not None:
                cache[key] = point
        return cache

    def _write_cache(self) -> None:
        ensure_folder(self._cache_file.parent)
        entries = {k: None if v is None else list(v) for k, v in self._cache.items()}
        text = json.dumps(entries, indent=1, sort_keys=True) + "\n"
        write_atomic(self._cache_file, text)


def _point(value: Any) -> tuple[float, float] | None:
    """Return ``(lat, lon)`` from a pair of numbers in range, else None."""
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # noqa: PLR2004 - degree ranges
        return None  # also refuses NaN, which compares false
    return lat, lon


class _Spacing:
    """Keep calls at least *seconds* apart, counted from the end of the last one.

    geopy's RateLimiter spaces the *starts* of calls, so a slow first answer can
    put two requests less than a second apart at the server; counting from the
    end keeps to Nominatim's policy however long each request takes.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last_end: float | None = None

    def wait(self) -> None:
        if self.last_end is not None:
            pause = self.last_end + self.seconds - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def done(self) -> None:
        self.last_end = time.monotonic()


_FAILURES: tuple[tuple[type[Exception], str, bool], ...] = (
    (GeocoderTimedOut, "did not answer in time", True),
    (GeocoderParseError, "answered with something that is not JSON", False),
    (GeocoderUnavailable, "could not be reached", True),
    (GeopyError, "failed", True),
)
"""How to describe each geopy error, and whether its own message helps."""


def nominatim_lookup(
    url: str = DEFAULT_URL, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Lookup:
    """Return a Nominatim lookup that keeps a second between requests.

    Args:
        url: The service's base URL (``http`` or ``https``), e.g. a loopback
            test server ``http://127.0.0.1:8080``.
        timeout: Seconds to wait for each answer.

    Raises:
        InputError: *url* is not an http(s) URL, or *timeout* is not positive.
    """
    scheme, domain = _split_url(url, source="the geocoder URL")
    if not 0 < timeout < math.inf:
        raise InputError(
            source="the geocoder timeout",
            expected="a number of seconds above 0",
            got=timeout,
        )
    geocoder = Nominatim(
        user_agent=USER_AGENT,
        domain=domain,
        scheme=scheme,
        timeout=timeout,
        adapter_factory=URLLibAdapter,
    )
    spacing = _Spacing(MIN_DELAY_SECONDS)
    where = f"{scheme}://{domain}"

    def lookup(address: str) -> tuple[float, float] | None:
        spacing.wait()
        try:
            location = geocoder.geocode(address, exactly_one=True, country_codes="gb")
        except GeopyError as exc:
            raise _failure(exc, where, timeout) from None
        # geopy reads the answer loosely: a list of the wrong things fails here.
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            msg = f"the geocoder at {where} answered nonsense"
            raise GeocodeError(msg) from None
        finally:
            spacing.done()
        if location is None:
            return None
        point = _point((location.latitude, location.longitude))
        if point is None:
            msg = f"the geocoder at {where} answered nonsense (no usable lat and lon)"
            raise GeocodeError(msg)
        return point

    return lookup


def _failure(exc: GeopyError, where: str, timeout: float) -> GeocodeError:
    # GeopyError comes last and matches every error the lookup catches.
    what, has_detail = next((w, d) for k, w, d in _FAILURES if isinstance(exc, k))
    detail = " ".join(str(exc).split("\n", 1)[0].split())[:80]
    if isinstance(exc, GeocoderTimedOut):
        detail = f"{detail}; timeout {timeout:g} s" if detail else f"{timeout:g} s"
    message = f"the geocoder at {where} {what}"
    if has_detail and detail:
        message += f" ({detail})"
    return GeocodeError(message)


def _split_url(url: str, *, source: str) -> tuple[str, str]:
    """Return ``(scheme, domain-and-path)`` of an http(s) URL.

    Raises:
        InputError: not an http(s) URL with a host.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise InputError(
            source=source,
            expected="an http or https URL like https://nominatim.openstreetmap.org",
            got=url,
        )
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


def caching_locator(environ: Mapping[str, str] | None = None) -> CachingGeocoder:
    """Return the locator ``--geocode`` uses: bundled places, then cached Nominatim.

    The service and timeout come from ``ROADSHOW_NOMINATIM_URL`` and
    ``ROADSHOW_GEOCODE_TIMEOUT`` when set.

    Raises:
        InputError: either variable holds a value roadshow cannot use.
    """
    env = os.environ if environ is None else environ
    url = env.get(URL_VARIABLE) or DEFAULT_URL
    _split_url(url, source=URL_VARIABLE)
    timeout = DEFAULT_TIMEOUT_SECONDS
    if raw := env.get(TIMEOUT_VARIABLE):
        try:
            timeout = float(raw)
        except ValueError:
            timeout = math.nan
        if not 0 < timeout < math.inf:
            raise InputError(
                source=TIMEOUT_VARIABLE,
                expected="a number of seconds above 0, like 10",
                got=raw,
            )
    return CachingGeocoder(nominatim_lookup(url, timeout=timeout))
