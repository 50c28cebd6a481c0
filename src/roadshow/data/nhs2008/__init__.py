"""The 2008 NHS organisations and the default scenario ``nhs-2008``.

Ten strategic health authorities (regions) and 152 primary care trusts (areas)
as they stood in September 2008; see ``SOURCES.md`` beside this file.
"""

from __future__ import annotations

from roadshow import data
from roadshow.model import Area, Region, Scenario, Venue


def scenario() -> Scenario:
    """Return the default scenario: the 2008 listening tour and consultation."""
    return data.scenario("nhs-2008")


def regions() -> tuple[Region, ...]:
    """Return the 10 strategic health authorities of 2008."""
    return scenario().regions


def areas() -> tuple[Area, ...]:
    """Return the 152 primary care trusts of September 2008."""
    return scenario().areas


def venues() -> tuple[Venue, ...]:
    """Return the bundled venues: SHA headquarters, PCT points, national venues."""
    return scenario().venues
