"""The escaping helpers the templates use, checked against real parsers."""

from __future__ import annotations

import html

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from roadshow.exporters._templates import escape_markdown, one_line

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
