"""The README's quick start shows what ``roadshow plan`` really prints."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from roadshow.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
_ELLIPSIS = re.compile(r"^\s*\.\.\.\s*$")


def _quick_start_block() -> list[str]:
    """The ``text`` block of the README's Quick start section, as lines."""
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    block = section.split("```text\n", 1)[1].split("\n```", 1)[0]
    return block.splitlines()


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Match line by line; a line holding only ``...`` stands for any run of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if _ELLIPSIS.match(head):
        return any(_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and head == actual[0] and _matches(rest, actual[1:])


def test_matcher_needs_every_shown_line() -> None:
    """The abridged-block matcher skips runs at '...' but never a shown line."""
    assert _matches(["a", "  ...", "d"], ["a", "b", "c", "d"])
    assert _matches(["a", "  ...", "d"], ["a", "d"])
    assert not _matches(["a", "  ...", "d"], ["a", "b", "c"])
    assert not _matches(["a", "x"], ["a", "y"])


def test_quick_start_output_is_current() -> None:
    """The summary in the README is what planning the default scenario prints now."""
    # --no-out: the summary is the same, and the files are tested elsewhere.
    result = CliRunner().invoke(cli, ["plan", "--no-out"])
    assert result.exit_code == 0, result.output
    expected = _quick_start_block()
    actual = result.stdout.rstrip("\n").splitlines()
    assert _matches(expected, actual), "\n".join(
        ["README quick start is stale; `roadshow plan` now prints:", *actual]
    )
