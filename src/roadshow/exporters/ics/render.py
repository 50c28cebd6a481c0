"""Render calendars of a plan: one view (:func:`render_ics`) or a split of files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from roadshow.errors import InvalidModelError
from roadshow.exporters.choices import INTERNAL, SPLITS
from roadshow.exporters.ics._lines import Lines
from roadshow.exporters.ics._writer import (
    _check_audience,
    _check_scenario,
    _Writer,
    _years,
)
from roadshow.exporters.ics.views import View, _calendar_name, _keys, _views
from roadshow.exporters.ics.vtimezone import vtimezone
from roadshow.model import (
    Plan,
    Scenario,
)
from roadshow.versions import CalendarItem, PlanVersion, plan_items

_END = b"END:VCALENDAR\r\n"


def render_ics(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion,
    *,
    view: View | None = None,
    audience: str = INTERNAL,
    travel: bool = True,
) -> bytes:
    """Render one calendar of a plan as iCalendar bytes (``METHOD:PUBLISH``).

    Args:
        scenario: The scenario the plan is for (names, venues, purposes).
        plan: The plan.
        version: The issued version: ``DTSTAMP``, ``SEQUENCE`` and cancellations.
        view: Which entries: the whole programme (default), a person, a region or
            an area.
        audience: ``internal`` (everything) or ``public`` (no travel, stays,
            contacts or internal notes).
        travel: Include travel legs and overnight stays (internal audience only).

    Raises:
        InvalidModelError: an unknown audience or split, or a plan for another
            scenario.
    """
    renderer = _Renderer(scenario, plan, version, audience=audience, travel=travel)
    return renderer.render(view or View())


class _Renderer:
    """Renders calendars of one plan version for one audience.

    Each entry's component is built once and shared by every calendar it is in
    (the programme, its people, its region and its area).
    """

    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        version: PlanVersion,
        *,
        audience: str,
        travel: bool,
    ) -> None:
        _check_audience(audience)
        _check_scenario(scenario, plan)
        self.scenario = scenario
        self.audience = audience
        self.writer = _Writer(scenario, plan, version, audience)
        with_travel = travel and audience == INTERNAL
        entries = [(e, False) for e in plan_items(plan)]
        entries += [(e, True) for e in version.cancelled]
        self.entries = sorted(
            (pair for pair in entries if with_travel or pair[0].kind == "event"),
            key=lambda pair: pair[0].sort_key,
        )
        self.lines = Lines()
        # Each entry's lines and time zones, made once for every file it is in.
        self.made: dict[tuple[str, bool], tuple[bytes, frozenset[str]]] = {}
        self.zone_bytes: dict[tuple[str, tuple[int, int]], bytes] = {}

    def component(
        self, entry: CalendarItem, *, cancelled: bool
    ) -> tuple[bytes, frozenset[str]]:
        """The entry's ``VEVENT`` bytes and the time zones it names."""
        key = (entry.uid, cancelled)
        made = self.made.get(key)
        if made is None:
            properties = self.writer.properties(entry, cancelled=cancelled)
            made = self.made[key] = self.lines.component(properties)
        return made

    def render(
        self, view: View, entries: list[tuple[CalendarItem, bool]] | None = None
    ) -> bytes:
        """Render *view*; *entries*, when given, are its entries in order."""
        if entries is None:
            entries = [
                (entry, gone)
                for entry, gone in self.entries
                if view.includes(self.scenario, entry)
            ]
        calendar = self.writer.calendar(
            _calendar_name(self.scenario, view, self.audience)
        )
        components = [self.component(entry, cancelled=gone) for entry, gone in entries]
        # The bytes calendar.to_ical() would give with every component added
        # (each content line is folded on its own), with each component and
        # time zone serialised once for all the files it is in.
        parts = [bytes(calendar.to_ical()).removesuffix(_END)]
        zones = sorted({tzid for _, tzids in components for tzid in tzids})
        years = _years(entries) if zones else (0, 0)
        for tzid in zones:
            if (tzid, years) not in self.zone_bytes:
                zone = vtimezone(tzid, years)
                self.zone_bytes[tzid, years] = bytes(zone.to_ical())
            parts.append(self.zone_bytes[tzid, years])
        parts += [lines for lines, _ in components]
        parts.append(_END)
        return b"".join(parts)


def calendar_files(
    scenario: Scenario,
    plan: Plan,
    version: PlanVersion,
    *,
    splits: Iterable[str] = SPLITS,
    audience: str = INTERNAL,
    travel: bool = True,
) -> dict[str, bytes]:
    """Render the calendars of a plan, split as asked, named by safe relative paths.

    File names: ``programme.ics``, ``people/<person>.ics``, ``regions/<region>.ics``
    and ``areas/<area>.ics``, one for each person, region or area that has (or had)
    an entry. Ids are checked with :func:`roadshow.model.check_id` before they
    become file names.

    Raises:
        InvalidModelError: an unknown split or audience, an id that is not safe as
            a file name, or two names that differ only in case.
    """
    renderer = _Renderer(scenario, plan, version, audience=audience, travel=travel)
    files: dict[str, bytes] = {}
    views = {View(split) for split in splits}  # checks each split's name
    for split in sorted(views, key=lambda view: SPLITS.index(view.split)):
        # Each entry is sorted into the calendars that hold it in one pass,
        # rather than every calendar scanning every entry.
        held: dict[str | None, list[tuple[CalendarItem, bool]]] = defaultdict(list)
        for pair in renderer.entries:
            for key in _keys(scenario, pair[0], split.split):
                held[key].append(pair)
        for name, view in _views(scenario, [e for e, _ in renderer.entries], split):
            files[name] = renderer.render(view, held.get(view.key, []))
    _check_no_case_clash(files)
    return files


def _check_no_case_clash(files: Mapping[str, bytes]) -> None:
    seen: dict[str, str] = {}
    for name in files:
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            msg = "two calendars would share a file name on a case-insensitive disk"
            raise InvalidModelError(
                msg,
                obj="calendar",
                field="file name",
                expected="ids that differ in more than case",
                got=f"{other}, {name}",
            )
