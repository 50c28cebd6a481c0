"""The scenario parser: from TOML tables to model objects, with located errors."""

from __future__ import annotations

import warnings
from typing import Any

from pendulum import Date, DateTime, Duration, Time

from roadshow._fields import one_of
from roadshow.errors import (
    Described,
    RoadshowWarning,
    ScenarioFileError,
    closest,
    quote,
)
from roadshow.importers._source import reason
from roadshow.importers.scenario._rows import (
    _COLUMNS,
    _RowReader,
    closure_bound,
)
from roadshow.importers.scenario._table import (
    _MISSING,
    SkippedTimeError,
    _shown,
    _Table,
    _to_date,
    _to_datetime,
)
from roadshow.model import (
    MODES,
    Area,
    Blackout,
    CalendarRules,
    Closure,
    Commitment,
    EventRequest,
    KindRules,
    Lodging,
    ModeParams,
    Person,
    PlanningRules,
    Region,
    Scenario,
    Slot,
    TravelOverride,
    TravelSettings,
    Venue,
    parse_days,
)
from roadshow.model.advance import ANY_EVENT, NIGHT, AdvanceTemplate
from roadshow.model.series import MAX_COUNT, PER, Series
from roadshow.rules import check_holiday_spec
from roadshow.timeutil import (
    DEFAULT_TZ,
    check_timezone,
    local_datetime,
    minutes_of,
    short_day,
)


class _Parser(_RowReader):
    """Reads a scenario's TOML tables into model objects."""

    # --- top level -----------------------------------------------------------------

    def scenario(self, top: _Table) -> Scenario:
        scenario_id = top.text("id")
        name = top.text("name", scenario_id)
        description = top.text("description", "")
        self.tz = top.text("timezone", DEFAULT_TZ)
        self.origins["scenario"] = (self.source, "")
        with self.at(self.source, ""):
            check_timezone(self.tz, obj="scenario", field="timezone")
        start_on = top.date("start")
        end_on = top.date("end")
        if end_on < start_on:
            raise top.error(
                "end",
                f"a date on or after the start {start_on}",
                Described(end_on.isoformat()),
            )

        tables = top.table("tables")
        venues: list[Venue] = []
        regions: list[Region] = []
        areas: list[Area] = []
        commitments: list[Commitment] = []
        overrides: list[TravelOverride] = []
        rows = {
            key: self.table_rows(tables, key, file_name)
            for key in _COLUMNS
            if (file_name := tables.text(key, None)) is not None
        }
        self.region_rows(rows.get("regions", []), regions, venues)
        self.area_rows(rows.get("areas", []), areas, venues)
        venues.extend(self.venue_rows(rows.get("venues", [])))
        lodging = list(self.lodging_rows(rows.get("lodging", [])))
        overrides.extend(self.travel_rows(rows.get("travel", [])))
        contacts = list(self.contact_rows(rows.get("contacts", [])))
        closures = list(self.closure_rows(rows.get("closures", [])))
        tables.finish()

        venues += [self.venue(t) for t in top.tables("venues")]
        lodging += [self.lodging(t) for t in top.tables("lodging")]
        # Commitments name venues of either kind, or addresses that become venues.
        commitments.extend(self.commitment_rows(rows.get("commitments", []), venues))
        regions += [self.region(t) for t in top.tables("regions")]
        areas += [self.area(t) for t in top.tables("areas")]
        people = [self.person(t) for t in top.tables("people")]
        blackouts = [self.blackout(t) for t in top.tables("blackouts")]
        commitments += [self.commitment(t, venues) for t in top.tables("commitments")]
        closures += [self.closure(t) for t in top.tables("closures")]
        for t in top.tables("diaries"):
            commitments += self.diary(t, people, venues, (start_on, end_on))
        calendar = self.calendar(top.table("calendar"))
        rules = self.rules(top.table("rules"))
        travel = self.travel(top.table("travel"), overrides)
        requests = [self.request(t) for t in top.tables("requests")]
        series_tables = top.tables("series")
        advance = [self.advance_template(t) for t in top.tables("advance")]
        top.finish()
        requests += self.series(series_tables, people, regions, areas)
        if requests:  # rules written before any request are not misspelt yet
            self.check_kinds(rules, {r.kind for r in requests})
            self.check_advance_kinds(advance, {r.kind for r in requests})

        with self.scenario_errors():
            scenario = Scenario(
                scenario_id=scenario_id,
                name=name,
                description=description,
                timezone=self.tz,
                start_on=start_on,
                end_on=end_on,
                people=people,
                venues=venues,
                regions=regions,
                areas=areas,
                requests=requests,
                commitments=commitments,
                blackouts=blackouts,
                calendar=calendar,
                rules=rules,
                travel=travel,
                advance=advance,
                contacts=contacts,
                closures=closures,
                lodging=lodging,
            )
        # After the scenario's own checks: its window is valid, its venues known.
        self.warn_idle_closures(closures, venues, (start_on, end_on))
        return scenario

    def check_advance_kinds(
        self, templates: list[AdvanceTemplate], known: set[str]
    ) -> None:
        """Refuse an ``[[advance]]`` task for a kind no request has (it never applies).

        Raises:
            ScenarioFileError: at ``advance[i].kind``, with the closest kind.
        """
        kinds = known | {ANY_EVENT, NIGHT}
        for index, template in enumerate(templates):
            if template.kind not in kinds:
                msg = f"no request has the kind {quote(template.kind)}"
                raise ScenarioFileError(
                    msg,
                    source=self.source,
                    location=f"advance[{index}].kind",
                    expected=f'"{ANY_EVENT}" (every event), "{NIGHT}" (each night '
                    "away) or the kind of a request: " + ", ".join(sorted(known)),
                    suggestion=closest(template.kind, kinds),
                )

    def check_kinds(self, rules: PlanningRules, known: set[str]) -> None:
        """Refuse rules for a kind no request has (a misspelt kind never applies).

        Raises:
            ScenarioFileError: at the ``[rules.kinds.<kind>]`` table or its
                ``avoid_region_days_of``, with the closest kind.
        """
        expected = "the kind of a request: " + ", ".join(sorted(known))
        for k in rules.kinds:
            table, avoid = self.kind_keys.get(k.kind, ("rules", "rules"))
            for kind, where in ((k.kind, table), (k.avoid_region_days_of, avoid)):
                if kind is not None and kind not in known:
                    msg = f"no request has the kind {quote(kind)}"
                    raise ScenarioFileError(
                        msg,
                        source=self.source,
                        location=where,
                        expected=expected,
                        suggestion=closest(kind, known),
                    )

    # --- inline tables -------------------------------------------------------------

    def lodging(self, t: _Table) -> Lodging:
        lodging_id = t.text("id")
        with self.at(self.source, t.where(), f"lodging {lodging_id}"):
            lodging = Lodging(
                lodging_id=lodging_id,
                name=t.text("name"),
                address=t.text("address", ""),
                lat=t.number("lat"),
                lon=t.number("lon"),
            )
        t.finish()
        return lodging

    def venue(self, t: _Table) -> Venue:
        venue_id = t.text("id")
        address = t.text("address", "")
        place = t.text("place", None)
        if t.has("lat") or t.has("lon"):
            lat, lon = t.number("lat"), t.number("lon")
        else:
            lat, lon = self.locate_venue(venue_id, place, address, t.source, t.where)
        with self.at(self.source, t.where(), f"venue {venue_id}"):
            venue = Venue(
                venue_id=venue_id,
                name=t.text("name"),
                address=address,
                lat=lat,
                lon=lon,
                capacity=t.integer("capacity", None),
                region_id=t.text("region", None),
                area_id=t.text("area", None),
                accessible=t.flag("accessible", None),
            )
        t.finish()
        return venue

    def region(self, t: _Table) -> Region:
        region_id = t.text("id")
        with self.at(self.source, t.where(), f"region {region_id}"):
            region = Region(
                region_id=region_id, name=t.text("name"), hq_venue_id=t.text("hq")
            )
        t.finish()
        return region

    def area(self, t: _Table) -> Area:
        area_id = t.text("id")
        with self.at(self.source, t.where(), f"area {area_id}"):
            area = Area(
                area_id=area_id,
                name=t.text("name"),
                region_id=t.text("region"),
                venue_id=t.text("venue"),
            )
        t.finish()
        return area

    def person(self, t: _Table) -> Person:
        person_id = t.text("id")
        kwargs: dict[str, Any] = {}
        for key, getter in (("working_hours", t.window), ("travel_hours", t.window)):
            value = getter(key, None)
            if value is not None:
                kwargs[key] = value
        with self.at(self.source, t.where(), f"person {person_id}"):
            person = Person(
                person_id=person_id,
                name=t.text("name"),
                role=t.text("role", "principal"),
                home_venue_id=t.text("home"),
                late_after=t.clock("late_after", None),
                timezone=t.text("timezone", self.tz),
                region_id=t.text("region", None),
                email=t.text("email", None),
                travel_mode=t.text("travel_mode", None),
                arrive_before=t.duration("arrive_before", Duration()),
                max_event_days_in_row=t.integer("max_event_days_in_row", None),
                **kwargs,
            )
        t.finish()
        return person

    def advance_template(self, t: _Table) -> AdvanceTemplate:
        with self.at(self.source, t.where(), "advance task"):
            template = AdvanceTemplate(
                kind=t.text("kind"),
                task=t.text("task"),
                days_before=t.integer("days_before"),
                audience=t.text("audience", "internal"),
            )
        t.finish()
        return template

    def blackout(self, t: _Table) -> Blackout:
        person = t.text("person")
        with self.at(self.source, t.where(), f"blackout for {person}"):
            blackout = Blackout(
                person_id=person,
                start_on=t.date("start"),
                end_on=t.date("end"),
                reason=t.text("reason", ""),
            )
        t.finish()
        return blackout

    def commitment(self, t: _Table, venues: list[Venue]) -> Commitment:
        person = t.text("person")
        start, end = self.datetime_key(t, "start"), self.datetime_key(t, "end")
        place = self.commitment_venue(
            person, t.text("place", ""), venues, self.source, t.where
        )
        with self.at(self.source, t.where(), f"commitment for {person}"):
            commitment = Commitment(
                person_id=person,
                start=start,
                end=end,
                label=t.text("label", ""),
                venue_id=place,
            )
        t.finish()
        return commitment

    def closure(self, t: _Table) -> Closure:
        venue = t.text("venue")
        expected = "a date (2008-09-15) or a local time (2008-09-15T09:00:00)"
        bounds = []
        for key in ("start", "end"):
            raw = t.raw(key)
            if raw is _MISSING:
                raise t.missing(key, expected)
            try:
                when = closure_bound(raw, self.tz, end=key == "end")
            except SkippedTimeError as exc:
                raise t.error(key, exc.expected, _shown(raw), exc.problem) from None
            if when is None:
                raise t.error(key, expected, _shown(raw))
            bounds.append(when)
        first, last = _to_date(t.raw("start")), _to_date(t.raw("end"))
        if first is not None and last is not None and last < first:
            raise t.error("end", f"a date on or after the start {first}", str(last))
        with self.at(self.source, t.where(), None):
            closure = Closure(
                venue_id=venue,
                start=bounds[0],
                end=bounds[1],
                reason=t.text("reason", ""),
            )
        self.origins.setdefault(f"closure at {venue}", (self.source, t.where()))
        t.finish()
        return closure

    def warn_idle_closures(
        self, closures: list[Closure], venues: list[Venue], window: tuple[Date, Date]
    ) -> None:
        """Warn of a closure wholly outside the planning window.

        It changes nothing, so it is most likely a slip in its dates.
        """
        opens = local_datetime(window[0], 0, self.tz)
        ends = local_datetime(window[1].add(days=1), 0, self.tz)
        names = {v.venue_id: v.name for v in venues}
        for closure in closures:
            if closure.overlaps(opens, ends):
                continue
            source, _ = self.origins.get(
                f"closure at {closure.venue_id}", (self.source, "")
            )
            what = closure.describe(
                names.get(closure.venue_id, closure.venue_id), self.tz
            )
            warnings.warn(
                f"{source}: {what}: outside the planning window"
                f" ({short_day(window[0])} to {short_day(window[1])}), so it changes"
                " nothing",
                RoadshowWarning,
                stacklevel=2,
            )

    def diary(
        self,
        t: _Table,
        people: list[Person],
        venues: list[Venue],
        window: tuple[Date, Date],
    ) -> tuple[Commitment, ...]:
        """Read a ``[[diaries]]`` entry: a person's .ics file as busy time.

        Each event's ``LOCATION`` is its place (:meth:`diary_venue`).
        """
        person_id, name = t.text("person"), t.text("file")
        t.finish()
        if self.read_table is None:
            raise t.error("file", "a scenario read from a file (diaries sit beside it)")
        try:
            source, data = self.read_table(name)
        except OSError as exc:
            msg = f"cannot read the diary ({reason(exc)})"
            raise t.error(
                "file", "an .ics file (relative to the scenario file)", name, msg
            ) from None
        zone = next((p.timezone for p in people if p.person_id == person_id), self.tz)
        # Only scenarios with diaries pay for the iCalendar import.
        from roadshow.importers._ics import decode_ics  # noqa: PLC0415
        from roadshow.importers.diary import parse_diary  # noqa: PLC0415

        found = parse_diary(
            decode_ics(data, source=source),
            source=source,
            person_id=person_id,
            start_on=window[0],
            end_on=window[1],
            timezone=zone,
        )
        return tuple(self.diary_venue(c, venues, source) for c in found)

    def datetime_key(self, t: _Table, key: str) -> DateTime:
        expected = "a date and time like 2008-09-17T09:30:00"
        raw = t.raw(key)
        if raw is _MISSING:
            raise t.missing(key, expected)
        try:
            value = _to_datetime(raw, self.tz)
        except SkippedTimeError as exc:
            raise t.error(key, exc.expected, _shown(raw), exc.problem) from None
        if value is None:
            raise t.error(key, expected, _shown(raw))
        return value

    def calendar(self, t: _Table) -> CalendarRules:
        spec = t.text("holidays", "GB-ENG")
        with self.at(self.source, t.where()):
            check_holiday_spec(spec)
        extra = t.typed("extra_holidays", list, "a list of dates", [])
        days = []
        for i, value in enumerate(extra):
            day = _to_date(value)
            if day is None:
                raise t.error(
                    f"extra_holidays[{i}]", "a date like 2008-12-25", _shown(value)
                )
            days.append(day)
        weekend = t.parsed_list("weekend", parse_days, 'day names like "sat"')
        t.finish()
        return CalendarRules(
            holidays=spec,
            extra_holidays=days,
            weekend=frozenset().union(*weekend) if weekend is not None else {5, 6},
        )

    def rules(self, t: _Table) -> PlanningRules:
        step = t.duration("start_step", Duration(minutes=15))
        saving = t.duration("min_night_saving", Duration(minutes=90))
        kinds = []
        kind_tables = t.table("kinds")
        self.kind_keys = {}
        for kind in kind_tables.data:
            k = kind_tables.table(kind)
            self.kind_keys[kind] = (k.where(), k.where("avoid_region_days_of"))
            with self.at(self.source, k.where()):
                kinds.append(
                    KindRules(
                        kind=kind,
                        max_per_person_per_day=k.integer(
                            "max_per_person_per_day", None
                        ),
                        max_per_region_per_week=k.integer(
                            "max_per_region_per_week", None
                        ),
                        avoid_region_days_of=k.text("avoid_region_days_of", None),
                        neighbour_km=k.number("neighbour_km", None),
                        arrive_before=k.duration("arrive_before", Duration()),
                    )
                )
            k.finish()
        kind_tables.finish()
        with self.at(self.source, t.where()):
            rules = PlanningRules(
                max_nights_away_in_row=t.integer("max_nights_away_in_row", 3),
                max_event_days_in_row=t.integer("max_event_days_in_row", 5),
                max_events_per_week=t.integer("max_events_per_week", None),
                min_stay_km=t.number("min_stay_km", 0.0),
                start_step_minutes=minutes_of(step),
                lodging_km=t.number("lodging_km", 25.0),
                min_night_saving_minutes=minutes_of(saving),
                avoid_idle_days=t.flag("avoid_idle_days", default=True),
                kinds=kinds,
            )
        t.finish()
        return rules

    def travel(self, t: _Table, overrides: list[TravelOverride]) -> TravelSettings:
        defaults = TravelSettings()
        modes = []
        mode_tables = t.table("modes")
        for mode in mode_tables.data:
            if mode not in MODES:
                msg = f"unknown travel mode {quote(mode)}"
                raise ScenarioFileError(
                    msg,
                    source=self.source,
                    location=mode_tables.where(mode),
                    expected=one_of(MODES, ""),
                    suggestion=closest(mode, MODES),
                )
        for mode in MODES:
            base = defaults.params(mode)
            m = mode_tables.table(mode)
            with self.at(self.source, m.where()):
                modes.append(
                    ModeParams(
                        mode=mode,
                        speed_kmh=m.number("speed_kmh", base.speed_kmh),
                        circuity=m.number("circuity", base.circuity),
                        overhead=m.duration("overhead", base.overhead),
                    )
                )
            m.finish()
        mode_tables.finish()
        with self.at(self.source, t.where()):
            settings = TravelSettings(
                modes=modes,
                mode=t.text("mode", "auto"),
                walk_up_to_km=t.number("walk_up_to_km", 1.5),
                car_up_to_km=t.number("car_up_to_km", 60.0),
                overrides=overrides,
            )
        t.finish()
        return settings

    # --- requests and series -------------------------------------------------------

    def request_fields(self, t: _Table) -> dict[str, Any]:
        """Read the keys a request and a series share."""
        fields: dict[str, Any] = {
            "kind": t.text("kind", "event"),
            "duration": t.duration("duration"),
            "min_capacity": t.integer("min_capacity", None),
            "earliest_on": t.date("earliest", None),
            "latest_on": t.date("latest", None),
            "slots": t.parsed_list(
                "slots", Slot.parse, 'slots like "mon-fri 18:30-20:30"'
            )
            or (),
            "preferred_start": t.clock("preferred_start", None),
            "gap_before": t.duration("gap_before", Duration()),
            "gap_after": t.duration("gap_after", Duration()),
            "purpose": t.text("purpose", ""),
            "contact": t.text("contact", ""),
            "notes": t.text("notes", ""),
        }
        pinned = t.raw("pinned")
        if pinned is not _MISSING:
            day = _to_date(pinned)
            if day is not None:
                fields["pin_on"] = day
            else:
                try:
                    when = _to_datetime(pinned, self.tz)
                except SkippedTimeError as exc:
                    raise t.error(
                        "pinned", exc.expected, _shown(pinned), exc.problem
                    ) from None
                if when is None:
                    raise t.error(
                        "pinned",
                        "a date (2008-10-22) or a local time (2008-10-22T10:00:00)",
                        _shown(pinned),
                    )
                fields["pin_on"] = when.date()
                fields["pin_at"] = Time(when.hour, when.minute)
        return fields

    def places(self, t: _Table) -> dict[str, Any]:
        venues = t.texts("venues", ())
        venue = t.text("venue", None)
        if venue is not None:
            if venues:
                raise t.error("venue", "either 'venue' or 'venues', not both", venue)
            venues = (venue,)
        return {
            "venue_ids": venues,
            "area_id": t.text("area", None),
            "region_id": t.text("region", None),
        }

    def request(self, t: _Table) -> EventRequest:
        request_id = t.text("id")
        with self.at(self.source, t.where(), f"request {request_id}"):
            request = EventRequest(
                request_id=request_id,
                title=t.text("title"),
                attendees=t.texts("attendees"),
                optional_attendees=t.texts("optional", ()),
                lead=t.text("lead", None),
                follows=t.text("follows", None),
                **self.places(t),
                **self.request_fields(t),
            )
        t.finish()
        return request

    def series(
        self,
        tables: list[_Table],
        people: list[Person],
        regions: list[Region],
        areas: list[Area],
    ) -> list[EventRequest]:
        out = []
        for t in tables:
            out += self.one_series(t, people, regions, areas)
        return out

    def one_series(
        self, t: _Table, people: list[Person], regions: list[Region], areas: list[Area]
    ) -> list[EventRequest]:
        """Read a ``[[series]]`` table and expand it (see :class:`Series`)."""
        series_id = t.text("id")
        per = t.text("per")
        if per not in PER:
            raise t.error("per", '"region" or "area"', per)
        only_regions = _known_names(t, "regions", [r.region_id for r in regions])
        only_areas = _known_names(t, "areas", [a.area_id for a in areas])
        count = t.integer("count", 1)
        if not 1 <= count <= MAX_COUNT:
            raise t.error("count", f"1 to {MAX_COUNT}", count)
        title = t.text("title")
        attendees, optional, lead = (
            t.texts("attendees"),
            t.texts("optional", ()),
            t.text("lead", None),
        )
        follows = t.text("follows", None)
        fields = self.request_fields(t)
        t.finish()
        with self.at(self.source, t.where(), f"series {series_id}"):
            series = Series(
                series_id=series_id,
                per=per,
                title=title,
                attendees=attendees,
                optional_attendees=optional,
                lead=lead,
                follows=follows,
                count=count,
                regions=only_regions,
                areas=only_areas,
                **fields,
            )
        if not series.places(regions, areas):
            msg = f"the series matches no {per}"
            raise ScenarioFileError(
                msg,
                source=t.source,
                location=t.where(),
                expected=f"at least one {per} (check per, regions and areas)",
            )
        with self.at(self.source, t.where()):
            requests = series.expand(people=people, regions=regions, areas=areas)
        for request in requests:
            self.origins[f"request {request.request_id}"] = (self.source, t.where())
        return list(requests)


def _known_names(t: _Table, key: str, known: list[str]) -> tuple[str, ...]:
    """Read a list of region or area ids at *key*, each one that exists.

    Raises:
        ScenarioFileError: an id is unknown (with the closest known id).
    """
    names: tuple[str, ...] = t.texts(key, ())
    for i, name in enumerate(names):
        if name not in known:
            msg = f"unknown {key.removesuffix('s')} {quote(name)}"
            raise ScenarioFileError(
                msg,
                source=t.source,
                location=t.where(f"{key}[{i}]"),
                suggestion=closest(name, known),
            )
    return names
