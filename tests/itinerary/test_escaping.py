"""The escaping helpers the templates use, checked against real parsers."""

from __future__ import annotations

import html

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from roadshow.exporters._templates import escape_markdown, one_line, wrap_text

# Printable text without line breaks and without leading or trailing spaces
# (Markdown trims those from a paragraph, which is layout, not content).
texts = (
    st.text(
        st.characters(
            codec="utf-8",
            categories=("L", "N", "P", "S", "Zs"),
            exclude_characters="\u2028\u2029\x85",
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


@given(texts)
@example('"quoted" <script>alert(1)</script>')
@example("*em* _em_ **strong** ~~gone~~ `code`")
@example("[link](http://e.test) ![image](x.png) <http://e.test>")
@example("a | b \\ c &amp; &#35; # not a heading #")
def test_escaped_markdown_renders_as_the_literal_text(text: str) -> None:
    """Whatever the text, escaped Markdown renders back to exactly that text."""
    rendered = MARKDOWN.render(f"Venue: {escape_markdown(text)}\n")
    assert html.unescape(rendered) == f"<p>Venue: {text}</p>\n"


def test_one_line_drops_controls_and_line_breaks() -> None:
    """ESC, BEL and NUL vanish; CR, LF and tab become spaces; spaces are kept."""
    assert one_line("a\x1b[31mb\x07\x00\r\nc\td  e") == "a[31mb  c d  e"


def test_wrap_keeps_postcodes_whole_and_lines_short() -> None:
    """Wrapped text fits the width, indents follow-on lines, never splits a postcode."""
    wrapped = wrap_text("Richmond House, 79 Whitehall, London SW1A 2NS\x1b", 40, 4)
    assert str(wrapped) == "Richmond House, 79 Whitehall, London\n    SW1A 2NS"


@given(texts, st.integers(min_value=10, max_value=60))
def test_wrap_never_exceeds_the_width_for_ordinary_words(text: str, width: int) -> None:
    """Every wrapped line fits, unless a single word is longer than the width."""
    lines = str(wrap_text(text, width, 0)).split("\n")
    assert all(len(line) <= width or " " not in line for line in lines)
    assert " ".join(lines) == text
