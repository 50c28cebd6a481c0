"""Where a night away is spent: the best lodging near where the person must be.

The planner decides *whether* a person stays away and near which venue (the
next morning's first, or the evening's last); this module decides *where*: the
nearest lodging within the scenario's ``lodging_km`` of that venue. Without one
(no lodging table, or none close enough), the night stays "near the venue" and
the itinerary asks for a hotel to be booked there.
"""

from __future__ import annotations

from roadshow.model import Scenario
from roadshow.travel import distance_km


def best_lodging(scenario: Scenario, venue_id: str) -> str | None:
    """Return the id of the nearest lodging to *venue_id*, or None if none is near.

    Near means within ``rules.lodging_km``; of two equally near, the first id.
    """
    venue = scenario.place_by_id[venue_id]
    limit = scenario.rules.lodging_km
    best: tuple[float, str] | None = None
    for lodging in scenario.lodging:
        km = distance_km(venue, lodging.venue)
        if km <= limit and (best is None or (km, lodging.lodging_id) < best):
            best = (km, lodging.lodging_id)
    return best[1] if best is not None else None
