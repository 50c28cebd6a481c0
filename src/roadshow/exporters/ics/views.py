"""Views: which entries go in one calendar (programme, person, region, area)."""

from __future__ import annotations

from collections.abc import Iterator

from attrs import frozen

from roadshow.errors import InvalidModelError
from roadshow.exporters.choices import PUBLIC, SPLITS
from roadshow.model import (
    Scenario,
    ScheduledEvent,
    check_id,
)
from roadshow.versions import CalendarItem


@frozen
class View:
    """One calendar of a split: the whole programme, a person, a region or an area."""

    split: str = "programme"
    key: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.split not in SPLITS:
            raise InvalidModelError(
                obj="calendar",
                field="split",
                expected="one of " + ", ".join(SPLITS),
                got=self.split,
            )

    def includes(self, scenario: Scenario, entry: CalendarItem) -> bool:
        """Tell whether *entry* belongs in this calendar."""
        item = entry.item
        if self.split == "programme":
            return True
        if self.split == "person":
            if isinstance(item, ScheduledEvent):
                return self.key in item.attendees
            return item.person_id == self.key
        if not isinstance(item, ScheduledEvent):
            return False  # travel and stays belong to people, not places
        region_id, area_id = scenario.event_place(item)
        return (region_id if self.split == "region" else area_id) == self.key


def _keys(scenario: Scenario, entry: CalendarItem, split: str) -> list[str | None]:
    """The keys of the *split*'s calendars that hold *entry* (as ``View.includes``)."""
    item = entry.item
    if split == "programme":
        return [None]
    if split == "person":
        if isinstance(item, ScheduledEvent):
            return list(dict.fromkeys(item.attendees))
        return [item.person_id]
    if not isinstance(item, ScheduledEvent):
        return []  # travel and stays belong to people, not places
    region_id, area_id = scenario.event_place(item)
    return [region_id if split == "region" else area_id]


def _views(
    scenario: Scenario, entries: list[CalendarItem], split: View
) -> Iterator[tuple[str, View]]:
    if split.split == "programme":
        yield "programme.ics", View()
        return
    keys: set[str] = set()
    for entry in entries:
        item = entry.item
        if split.split == "person":
            keys.update(
                item.attendees if isinstance(item, ScheduledEvent) else [item.person_id]
            )
        elif isinstance(item, ScheduledEvent):
            region_id, area_id = scenario.event_place(item)
            key = region_id if split.split == "region" else area_id
            if key is not None:
                keys.add(key)
    folder = {"person": "people", "region": "regions", "area": "areas"}[split.split]
    for key in sorted(keys):
        check_id(key, obj=f"{split.split} calendar", field="file name")
        yield f"{folder}/{key}.ics", View(split.split, key)


def _calendar_name(scenario: Scenario, view: View, audience: str) -> str:
    name = scenario.name
    if view.split == "person" and view.key in scenario.person_by_id:
        name = f"{scenario.person_by_id[view.key].name}: {name}"
    elif view.split == "region" and view.key in scenario.region_by_id:
        name = f"{scenario.region_by_id[view.key].name}: {name}"
    elif view.split == "area" and view.key in scenario.area_by_id:
        name = f"{scenario.area_by_id[view.key].name}: {name}"
    elif view.key is not None:
        name = f"{view.key}: {name}"
    return f"{name} (public)" if audience == PUBLIC else name
