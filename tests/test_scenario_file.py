"""The scenario file format: TOML plus CSV tables, its features and its round trip."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner
from pendulum import Date, Duration, Time

from roadshow.cli import cli
from roadshow.data import gazetteer, locate_place, nhs2008, scenario_files
from roadshow.errors import InputError, ScenarioFileError
from roadshow.importers.scenario import load_scenario, parse_scenario
from roadshow.model import Scenario, Slot

HEAD = """\
id = "tiny"
start = 2008-09-08
end = 2008-11-28
timezone = "Europe/London"

[[venues]]
id = "office"
name = "Regional office"
lat = 54.9733
lon = -1.6140

[[regions]]
id = "Q30"
name = "NHS North East"
hq = "office"

[[regions]]
id = "Q31"
name = "NHS North West"
hq = "office"

[[areas]]
id = "5ND"
name = "County Durham PCT"
region = "Q30"
venue = "office"

[[areas]]
id = "5J9"
name = "Darlington PCT"
region = "Q30"
venue = "office"

[[areas]]
id = "5NT"
name = "Manchester PCT"
region = "Q31"
venue = "office"

[[people]]
id = "alice"
name = "Alice"
role = "chair"
region = "Q30"
home = "office"

[[people]]
id = "bob"
name = "Bob"
role = "chair"
region = "Q31"
home = "office"
"""


def parse(extra: str = "", head: str = HEAD) -> Scenario:
    """Parse the small scenario with *extra* TOML appended (no tables, no places)."""
    return parse_scenario(head + extra, source="tiny.toml")


def fails(extra: str, head: str = HEAD) -> str:
    """Return the message of the ScenarioFileError parsing *extra* raises."""
    with pytest.raises(ScenarioFileError) as caught:
        parse(extra, head)
    return str(caught.value)


REQUEST = """
[[requests]]
id = "visit"
title = "Visit"
attendees = ["alice"]
region = "Q30"
duration = "2h"
"""

# --- the round trip -----------------------------------------------------------------


@pytest.fixture
def copied(runner: CliRunner, tmp_path: Path) -> Path:
    """A folder written by `roadshow init`."""
    folder = tmp_path / "tour"
    result = runner.invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Wrote 6 files" in result.stderr
    return folder


def test_init_writes_the_bundled_files(copied: Path) -> None:
    """The copy holds exactly the bundled files, byte for byte."""
    bundled = scenario_files()
    assert sorted(p.name for p in copied.iterdir()) == sorted(bundled)
    for name, content in bundled.items():
        assert (copied / name).read_bytes() == content


def test_copy_loads_equal_to_the_bundled_scenario(copied: Path) -> None:
    """Loading the copied folder gives a scenario equal to the bundled one."""
    assert load_scenario(copied / "scenario.toml") == nhs2008.scenario()


def test_edited_toml_value_is_loaded(copied: Path) -> None:
    """Changing a value in the copied TOML changes exactly that in the scenario."""
    toml = copied / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count("max_nights_away_in_row = 3") == 1
    toml.write_text(
        text.replace("max_nights_away_in_row = 3", "max_nights_away_in_row = 1")
    )
    loaded = load_scenario(toml)
    bundled = nhs2008.scenario()
    assert loaded.rules.max_nights_away_in_row == 1
    assert loaded == attrs.evolve(
        bundled, rules=attrs.evolve(bundled.rules, max_nights_away_in_row=1)
    )


def test_edited_csv_row_is_loaded(copied: Path) -> None:
    """Changing a venue's capacity in the copied CSV is seen on load."""
    venues = copied / "venues.csv"
    text = venues.read_text(encoding="utf-8")
    assert ",1200,,,true" in text
    venues.write_text(text.replace(",1200,,,true", ",900,,,true"))
    loaded = load_scenario(copied / "scenario.toml")
    assert loaded.venue_by_id["qeii-centre"].capacity == 900
    assert loaded != nhs2008.scenario()


def test_edited_request_through_the_cli(runner: CliRunner, copied: Path) -> None:
    """`roadshow show DIR` reads the edited copy: a longer window shows."""
    toml = copied / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("end = 2008-11-28", "end = 2008-12-05"))
    result = runner.invoke(cli, ["show", str(copied)])
    assert result.exit_code == 0, result.output
    assert "to Fri 5 Dec 2008" in result.stdout


def test_show_accepts_a_toml_path(runner: CliRunner, copied: Path) -> None:
    """A .toml path works as well as its folder."""
    by_file = runner.invoke(cli, ["show", str(copied / "scenario.toml")])
    by_folder = runner.invoke(cli, ["show", str(copied)])
    assert by_file.exit_code == 0, by_file.output
    assert by_file.stdout == by_folder.stdout


def test_show_unknown_scenario_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A path that is neither a bundled id nor a file is bad input."""
    result = runner.invoke(cli, ["show", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'nope'}: no such scenario; expected a bundled scenario "
        "(nhs-2008), a .toml file or a folder holding scenario.toml.\n"
    )


# --- init that cannot write -----------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make *folder* read-only for this process, whoever runs the tests.

    chmod is enough for a normal user; root ignores file modes, so as root the
    folder becomes a read-only tmpfs mount instead (skipped where mounting is
    not allowed).
    """
    folder.mkdir()
    folder.chmod(0o555)
    probe = folder / ".probe"
    try:
        probe.touch()
    except PermissionError:
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    probe.unlink()
    folder.chmod(0o755)
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("cannot make a read-only folder here")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a read-only tmpfs: {done.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_init_into_read_only_folder_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    """A read-only DIR: exit 3, one line naming the file, and nothing written."""
    folder = tmp_path / "locked"
    with read_only(folder):
        result = runner.invoke(cli, ["init", str(folder)])
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(
            f"Error: cannot write {folder / 'SOURCES.md'}: "
        )
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
        assert list(folder.iterdir()) == []


def test_init_under_a_file_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    """DIR inside a regular file cannot be created: exit 3 naming the folder."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(cli, ["init", str(blocker / "tour")])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(
        f"Error: cannot create the folder {blocker / 'tour'}"
    )


def test_init_failing_halfway_leaves_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """When one file cannot be written, the files this run created are removed."""
    folder = tmp_path / "tour"
    (folder / "scenario.toml").mkdir(parents=True)  # a folder where a file must go
    result = runner.invoke(cli, ["init", "--force", str(folder)])
    assert result.exit_code == 3, result.output
    assert f"cannot write {folder / 'scenario.toml'}" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["scenario.toml"]


# --- the format's features ----------------------------------------------------------


def test_inline_tables() -> None:
    """Inline [[venues]], [[regions]], [[areas]] and [[people]] are read as written."""
    tiny = parse(REQUEST)
    assert [v.venue_id for v in tiny.venues] == ["office"]
    assert tiny.venues[0].lat == 54.9733
    assert [r.region_id for r in tiny.regions] == ["Q30", "Q31"]
    assert tiny.area_by_id["5NT"].region_id == "Q31"
    assert tiny.person_by_id["bob"].role == "chair"
    assert tiny.requests[0].duration == Duration(hours=2)


def test_place_from_the_bundled_gazetteer() -> None:
    """A venue with `place` instead of lat/lon takes the bundled town's point."""
    extra = '\n[[venues]]\nid = "hall"\nname = "Town hall"\nplace = "Leeds"\n'
    tiny = parse_scenario(HEAD + extra, source="tiny.toml", locate=locate_place)
    hall = tiny.venue_by_id["hall"]
    assert (hall.lat, hall.lon) == gazetteer()["leeds"]


def test_place_without_a_locator_is_an_error() -> None:
    """Without a locator a place name cannot be resolved, and the error says so."""
    extra = '\n[[venues]]\nid = "hall"\nname = "Town hall"\nplace = "Leeds"\n'
    assert fails(extra) == (
        'tiny.toml, venues[1].place: venue "hall": no bundled place of that name; '
        "expected lat and lon, a bundled place name in 'place', or an address "
        'looked up with --geocode, got "Leeds".'
    )


def write_tables(folder: Path, tables: dict[str, str], extra: str = "") -> Path:
    """Write a scenario naming *tables* (name to CSV text) and return its path."""
    folder.mkdir(exist_ok=True)
    names = "".join(f'{key} = "{key}.csv"\n' for key in tables)
    toml = folder / "scenario.toml"
    toml.write_text(HEAD + extra + "\n[tables]\n" + names, encoding="utf-8")
    for key, text in tables.items():
        (folder / f"{key}.csv").write_text(text, encoding="utf-8")
    return toml


def test_csv_tables(tmp_path: Path) -> None:
    """Regions, areas, venues, commitments and travel times come from CSV tables."""
    toml = write_tables(
        tmp_path,
        {
            "regions": "id,name,hq_town,lat,lon\nQ32,NHS Yorkshire,Leeds,53.80,-1.55\n",
            "areas": (
                "id,name,region,town,lat,lon\n5NV,Leeds PCT,Q32,Leeds,53.79,-1.54\n"
            ),
            "venues": (
                "id,name,address,lat,lon,capacity,region,area,accessible\n"
                'hall,Town Hall,"The Headrow, Leeds",53.80,-1.55,800,Q32,,yes\n'
                "library,Library,,53.8,-1.5,,,5NV,\n"
            ),
            "commitments": (
                "person,start,end,label\n"
                "alice,2008-09-09T10:00,2008-09-09T12:00,Board\n"
            ),
            "travel": "from,to,mode,minutes\noffice,hall,rail,150\n",
        },
    )
    loaded = load_scenario(toml)
    assert loaded.region_by_id["Q32"].hq_venue_id == "Q32-hq"
    assert loaded.venue_by_id["Q32-hq"].address == "Leeds"
    assert loaded.area_by_id["5NV"].venue_id == "5NV-point"
    hall = loaded.venue_by_id["hall"]
    assert (hall.capacity, hall.region_id, hall.accessible) == (800, "Q32", True)
    assert hall.address == "The Headrow, Leeds"
    assert loaded.venue_by_id["library"].area_id == "5NV"
    (board,) = loaded.commitments
    assert board.start == pendulum.datetime(2008, 9, 9, 10, tz="Europe/London")
    (override,) = loaded.travel.overrides
    assert (override.from_id, override.to_id, override.mode, override.minutes) == (
        "office",
        "hall",
        "rail",
        150,
    )


def test_csv_byte_order_mark_loads(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark (Excel's 'CSV UTF-8') is accepted, in CSV and TOML."""
    toml = write_tables(
        tmp_path, {"venues": "id,name,lat,lon\nhall,Town Hall,53.80,-1.55\n"}
    )
    venues = tmp_path / "venues.csv"
    venues.write_bytes(b"\xef\xbb\xbf" + venues.read_bytes())
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert load_scenario(toml).venue_by_id["hall"].lat == 53.80


def test_tables_need_a_reader() -> None:
    """parse_scenario on text alone cannot follow [tables]; the error says so."""
    assert fails('\n[tables]\nvenues = "venues.csv"\n') == (
        "tiny.toml, tables.venues: expected no CSV tables here (the scenario was "
        'given as text), got "venues.csv".'
    )


SERIES = """
[[series]]
id = "consultation"
per = "area"
kind = "consultation"
title = "Consultation: {area_name} ({region_name})"
attendees = ["role:chair"]
lead = "role:chair"
duration = "2h"
slots = ["mon-fri 18:30-20:30", "sat 10:00-12:00"]
"""


def test_series_per_area_resolves_the_chair() -> None:
    """A series per area makes one request per area, led by its region's chair."""
    tiny = parse(SERIES)
    by_id = tiny.request_by_id
    assert sorted(by_id) == ["consultation-5J9", "consultation-5ND", "consultation-5NT"]
    durham = by_id["consultation-5ND"]
    assert durham.title == "Consultation: County Durham PCT (NHS North East)"
    assert (durham.attendees, durham.lead, durham.area_id) == (
        ("alice",),
        "alice",
        "5ND",
    )
    assert by_id["consultation-5NT"].attendees == ("bob",)
    assert durham.slots == (
        Slot.parse("mon-fri 18:30-20:30"),
        Slot.parse("sat 10:00-12:00"),
    )


def test_series_per_region_with_count() -> None:
    """count = 2 makes two numbered requests per region."""
    extra = SERIES.replace('per = "area"', 'per = "region"').replace(
        "{area_name}", "{region_id}"
    )
    tiny = parse(extra + "count = 2\n")
    assert sorted(tiny.request_by_id) == [
        "consultation-Q30-1",
        "consultation-Q30-2",
        "consultation-Q31-1",
        "consultation-Q31-2",
    ]
    assert tiny.request_by_id["consultation-Q31-2"].region_id == "Q31"


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ('regions = ["Q31"]', ["consultation-5NT"]),
        ('areas = ["5J9", "5NT"]', ["consultation-5J9", "consultation-5NT"]),
        ('regions = ["Q30"]\nareas = ["5J9", "5NT"]', ["consultation-5J9"]),
    ],
)
def test_series_filters(filters: str, ids: list[str]) -> None:
    """regions and areas narrow a series to the listed ids (both must match)."""
    assert sorted(parse(SERIES + filters + "\n").request_by_id) == ids


def test_series_filter_naming_an_unknown_area() -> None:
    """A filter naming an area that does not exist is an error, not a no-op."""
    assert fails(SERIES + 'areas = ["5nt"]\n') == (
        'tiny.toml, series[0].areas[0]: unknown area "5nt". Did you mean "5NT"?'
    )


def test_series_matching_nothing() -> None:
    """Filters that leave nothing make the series an error, not an empty list."""
    assert fails(SERIES + 'regions = ["Q31"]\nareas = ["5ND"]\n') == (
        "tiny.toml, series[0]: the series matches no area; expected at least one "
        "area (check per, regions and areas)."
    )


def test_role_with_two_people_is_ambiguous() -> None:
    """role:chair must find exactly one person in the region."""
    second = """
[[people]]
id = "carol"
name = "Carol"
role = "chair"
region = "Q30"
home = "office"
"""
    assert fails(second + SERIES) == (
        'tiny.toml, series[0].attendees: expected exactly one person with role "chair" '
        "in region Q30, got alice, carol."
    )


def test_series_follows_its_own_kind() -> None:
    """follows in a series links each request to the same region's other series."""
    listening = """
[[series]]
id = "listening"
per = "region"
title = "Listening"
attendees = ["alice"]
duration = "2h"
"""
    clinical = (
        listening.replace('"listening"', '"clinical"') + 'follows = "listening"\n'
    )
    tiny = parse(listening + clinical)
    assert tiny.request_by_id["clinical-Q31"].follows == "listening-Q31"


def test_pinned_date() -> None:
    """pinned as a date fixes the day and leaves the time to the planner."""
    tiny = parse(REQUEST + "pinned = 2008-10-22\n")
    assert (tiny.requests[0].pin_on, tiny.requests[0].pin_at) == (
        Date(2008, 10, 22),
        None,
    )


def test_pinned_local_datetime() -> None:
    """pinned as a local datetime fixes both day and start time."""
    tiny = parse(REQUEST + "pinned = 2008-10-22T10:00:00\n")
    assert (tiny.requests[0].pin_on, tiny.requests[0].pin_at) == (
        Date(2008, 10, 22),
        Time(10, 0),
    )


def test_pinned_as_text() -> None:
    """pinned also accepts the same forms quoted."""
    tiny = parse(REQUEST + 'pinned = "2008-10-22T18:30"\n')
    assert tiny.requests[0].pin_at == Time(18, 30)


@pytest.mark.parametrize(
    ("when", "offset_hours"),
    [
        ("2008-10-24T10:00:00", 1),  # British Summer Time
        ("2008-10-27T10:00:00", 0),  # after summer time ended on 26 October
    ],
)
def test_local_datetimes_take_the_scenario_zone(when: str, offset_hours: int) -> None:
    """A commitment without an offset is in the scenario's zone, either side of DST."""
    end = when.replace("T10", "T12")
    extra = f'\n[[commitments]]\nperson = "alice"\nstart = {when}\nend = {end}\n'
    (commitment,) = parse(extra).commitments
    assert commitment.start.utcoffset() == pendulum.duration(hours=offset_hours)
    assert commitment.start.timezone_name == "Europe/London"


def test_local_datetimes_in_another_zone() -> None:
    """With timezone = "America/New_York", local times are New York times."""
    head = HEAD.replace('timezone = "Europe/London"', 'timezone = "America/New_York"')
    extra = """
[[commitments]]
person = "alice"
start = 2008-09-09T10:00:00
end = 2008-09-09T11:00:00
"""
    (commitment,) = parse(extra, head).commitments
    assert commitment.start == pendulum.datetime(2008, 9, 9, 14, tz="UTC")


def test_offset_datetimes_keep_their_offset() -> None:
    """A datetime written with an offset means that instant, whatever the zone."""
    extra = """
[[commitments]]
person = "alice"
start = 2008-09-09T10:00:00Z
end = 2008-09-09T11:00:00Z
"""
    (commitment,) = parse(extra).commitments
    assert commitment.start == pendulum.datetime(2008, 9, 9, 10, tz="UTC")


def test_travel_mode_overrides() -> None:
    """[travel.modes.rail] changes only what it names; the rest keeps its default."""
    tiny = parse('\n[travel]\nmode = "car"\n[travel.modes.rail]\nspeed_kmh = 120\n')
    rail = tiny.travel.params("rail")
    assert (rail.speed_kmh, rail.circuity, rail.overhead) == (
        120.0,
        1.15,
        Duration(minutes=45),
    )
    assert tiny.travel.params("car").speed_kmh == 64.0
    assert tiny.travel.mode == "car"


def test_calendar_settings() -> None:
    """Extra holidays and a different weekend are read from [calendar]."""
    extra = """
[calendar]
holidays = ""
extra_holidays = [2008-12-24]
weekend = ["fri", "sat"]
"""
    calendar = parse(extra).calendar
    assert calendar.holidays == ""
    assert calendar.extra_holidays == frozenset({Date(2008, 12, 24)})
    assert calendar.weekend == frozenset({4, 5})


def test_kind_rules() -> None:
    """[rules.kinds.<kind>] sets per-kind limits."""
    rules = parse("\n[rules.kinds.tour]\nmax_per_person_per_day = 1\n").rules
    assert rules.for_kind("tour").max_per_person_per_day == 1
    assert rules.for_kind("other").max_per_person_per_day is None


# --- error message shapes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "\n[rules]\nmax_nights = 2\n",
            (
                'tiny.toml, rules.max_nights: unknown key "max_nights". '
                'Did you mean "max_nights_away_in_row"?'
            ),
        ),
        (
            '\n[rules]\n"two words" = 2\n',
            (
                'tiny.toml, rules."two words": unknown key "two words"; '
                "expected one of avoid_idle_days, kinds, lodging_km, "
                "max_event_days_in_row, max_events_per_week, max_nights_away_in_row, "
                "min_night_saving, min_stay_km, start_step."
            ),
        ),
        (
            REQUEST + 'duration = "two hours"\n',
            (
                "tiny.toml, line 60, column 23: cannot overwrite a value; "
                "expected valid TOML."
            ),
        ),
        (
            REQUEST.replace('duration = "2h"', 'duration = "two hours"'),
            (
                'tiny.toml, requests[0].duration: expected a duration like "2h30m", '
                'got "two hours".'
            ),
        ),
        (
            REQUEST.replace('region = "Q30"', 'region = "Q30"\ncolour = "red"'),
            (
                'tiny.toml, requests[0].colour: unknown key "colour"; expected one '
                "of area, attendees, contact, duration, earliest, follows, "
                "gap_after, gap_before, id, kind, latest, lead, min_capacity, notes, "
                "optional, pinned, preferred_start, purpose, region, slots, title, "
                "venue, venues."
            ),
        ),
        (
            "\n[travel.modes.rail]\nspeed_kmh = inf\n",
            (
                "tiny.toml, travel.modes.rail.speed_kmh: expected a finite number, "
                "got inf."
            ),
        ),
        (
            '\n[[commitments]]\nperson = "alice"\nstrat = 2008-09-09T10:00:00\n',
            (
                'tiny.toml, commitments[0].strat: unknown key "strat". '
                'Did you mean "start"?'
            ),
        ),
    ],
)
def test_error_messages(extra: str, message: str) -> None:
    """Messages name the file, the key path (or line and column) and the expected."""
    assert fails(extra) == message


def test_errors_are_input_errors() -> None:
    """File errors are InputErrors and ValueErrors carrying their parts."""
    with pytest.raises(ValueError) as caught:  # noqa: PT011 - the stdlib base is the point
        parse(REQUEST.replace('region = "Q30"', 'region = "q30"'))
    error = caught.value
    assert isinstance(error, InputError)
    assert (error.source, error.location, error.suggestion) == (
        "tiny.toml",
        "requests[0].region",
        "Q30",
    )


def test_bundled_scenario_summary(nhs2008_scenario: Scenario) -> None:
    """The bundled scenario has 10 regions, 152 areas and a request per series item."""
    counts = nhs2008_scenario.summary()
    assert (counts["regions"], counts["areas"]) == (10, 152)
    assert counts["requests.consultation"] == 152
    assert counts["requests.tour"] == 20
