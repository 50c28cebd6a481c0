"""Hostile names reach the terminal and the change notice as inert text.

A scenario whose name, person, venue, region, area and event title hold terminal
escape sequences (clear screen, set the window title), carriage returns,
newlines, C1 controls and a bidi override goes through the real commands that
print: ``show``, ``plan``, ``check``, ``areas``, ``travel``, ``itinerary``,
``changes`` and ``changes --format notice``. Nothing they print may hold a
control character other than the line breaks of the layout, and the names must
still be there, escaped. The notice is parsed as an e-mail: one header only.
"""

from __future__ import annotations

import email.parser
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from roadshow.cli import cli
from roadshow.exporters._text import inert
from safety_kit import EPOCH, SMALL_SCENARIO

SCENARIO_NAME = "Tour\r\nBcc: victim@example.org\x1b]0;owned\x07"
PERSON = "Ann \x1b[2J\x1b[H Patel\u202e"
VENUE = "Leeds\rCivic\x9bHall"
TITLE = "Listening\nFrom: forged@example.org\n."
REGION = "North\x1b[31m East"
AREA = "Leeds\u2028PCT"

UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})


def unsafe_characters(text: str) -> list[str]:
    """Return the characters of *text* a terminal would act on (line breaks aside)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in UNSAFE]


def hostile_toml() -> str:
    """SMALL_SCENARIO with hostile names, one region and one area added."""
    q = json.dumps  # JSON string escapes are valid TOML
    text = SMALL_SCENARIO.format(hour=11)
    replacements = {
        'name = "A small tour, November 2008"': f"name = {q(SCENARIO_NAME)}",
        'name = "Ann Patel"': f"name = {q(PERSON)}",
        'name = "Leeds Civic Hall"': (f'name = {q(VENUE)}\nregion = "R1"\narea = "A1"'),
        'title = "Listening event, Leeds"': f"title = {q(TITLE)}",
        "[[people]]": (
            f'[[regions]]\nid = "R1"\nname = {q(REGION)}\nhq = "leeds"\n\n'
            f'[[areas]]\nid = "A1"\nname = {q(AREA)}\nregion = "R1"\n'
            'venue = "leeds"\n\n[[people]]'
        ),
    }
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with hostile.toml."""
    path = tmp_path_factory.mktemp("hostile-terminal")
    (path / "hostile.toml").write_text(hostile_toml(), encoding="utf-8")
    return path


def run(folder: Path, *args: str, code: int = 0) -> str:
    """Run roadshow in *folder*; return stdout and stderr, checked to be inert."""
    result = CliRunner().invoke(
        cli, ["-q", *args], env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False
    )
    assert result.exit_code == code, result.output
    printed = result.stdout + result.stderr
    assert unsafe_characters(printed) == [], printed
    return printed


@pytest.fixture(scope="module")
def planned(folder: Path) -> tuple[Path, str]:
    """`roadshow plan hostile.toml --out out`: the folder and the summary."""
    out = folder / "out"
    scenario = str(folder / "hostile.toml")
    return folder, run(folder, "plan", scenario, "--out", str(out))


def test_show(folder: Path) -> None:
    """`show` prints every hostile name, escaped."""
    shown = run(folder, "show", str(folder / "hostile.toml"))
    for name in (SCENARIO_NAME, PERSON, REGION):
        assert inert(name) in shown
    assert "\\x1b[2J" in shown
    assert "\\u202e" in shown


def test_plan_summary(planned: tuple[Path, str]) -> None:
    """The plan summary shows the scenario, person and region names escaped."""
    _, summary = planned
    for name in (SCENARIO_NAME, PERSON, REGION):
        assert inert(name) in summary


def test_check_and_areas(planned: tuple[Path, str]) -> None:
    """`check` and `areas` print names and titles escaped."""
    folder, _ = planned
    scenario = str(folder / "hostile.toml")
    checked = run(folder, "check", str(folder / "out"), "--scenario", scenario)
    assert inert(PERSON) in checked
    areas = run(folder, "areas", scenario, "--plan", str(folder / "out"))
    for name in (AREA, REGION, VENUE):
        assert inert(name) in areas


def test_travel_and_itinerary(planned: tuple[Path, str]) -> None:
    """`travel` and the text itinerary print no control characters either."""
    folder, _ = planned
    scenario = str(folder / "hostile.toml")
    assert inert(VENUE) in run(
        folder, "travel", "leeds", "york", "--scenario", scenario
    )
    itinerary = run(folder, "itinerary", scenario, "--plan", str(folder / "out"))
    assert "Listening From: forged@example.org" in itinerary


def test_changes_table(planned: tuple[Path, str]) -> None:
    """`changes` shows the hostile title and venue escaped, each on its row."""
    folder, _ = planned
    scenario = str(folder / "hostile.toml")
    table = run(
        folder, "changes", str(folder / "out"), "--since", "0", "--scenario", scenario
    )
    assert inert(TITLE) in table
    assert inert(VENUE) in table
    assert not any(line.startswith("From:") for line in table.splitlines())


def test_changes_json(planned: tuple[Path, str]) -> None:
    """`changes --format json` escapes every hostile character; it parses back whole."""
    folder, _ = planned
    scenario = str(folder / "hostile.toml")
    raw = run(
        folder,
        *("changes", str(folder / "out"), "--since", "0"),
        *("--format", "json", "--scenario", scenario),
    )
    assert raw.isascii()
    titles = [c["entry"] for c in json.loads(raw)["changes"]]
    assert TITLE in titles


def test_change_notice_cannot_forge_headers_or_lines(planned: tuple[Path, str]) -> None:
    """The notice parses as a mail with one header; the title forges no line."""
    folder, _ = planned
    scenario = str(folder / "hostile.toml")
    notice = run(
        folder,
        *("changes", str(folder / "out"), "--since", "0"),
        *("--format", "notice", "--scenario", scenario),
    )
    message = email.parser.Parser().parsestr(notice)
    assert message.keys() == ["Subject"]
    assert message["Subject"] == f"{inert(SCENARIO_NAME)}: changes in version 1"
    body = message.get_payload()
    assert isinstance(body, str)
    lines = body.splitlines()
    assert not any(line.startswith(("From:", "Bcc:", ".")) for line in lines)
    assert any(line.startswith(f"- {inert(TITLE)}: ") for line in lines)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Leeds Civic Hall", "Leeds Civic Hall"),
        ("Tour\r\nBcc: x", "Tour\\r\\nBcc: x"),
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        ("\x9b31m", "\\x9b31m"),
        ("abc\u202edef", "abc\\u202edef"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("tab\there", "tab\\there"),
        ("Café Ōtautahi 北京 \u00a0nbsp", "Café Ōtautahi 北京 \u00a0nbsp"),
    ],
)
def test_inert_examples(text: str, shown: str) -> None:
    """Controls, bidi and zero-width characters are escaped; letters and spaces kept."""
    assert inert(text) == shown


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_inert_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    """Whatever the text, the result is one line with no control character."""
    shown = inert(text)
    assert "\n" not in shown
    assert unsafe_characters(shown) == []
    if text.isprintable():
        assert shown == text


def test_inert_limit() -> None:
    """A limit cuts long text, marking the cut."""
    assert inert("x" * 50, limit=10) == "xxxxxxx..."
    assert inert("short", limit=10) == "short"
