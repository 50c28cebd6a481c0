"""The Jinja2 environments the renderers share: one per output language.

Each environment escapes for its language, so a template never has to remember
to: HTML and SVG auto-escape (a venue called ``<script>`` prints as text),
Markdown backslash-escapes the characters that would change the rendering, and
plain text drops control characters (a title cannot clear the terminal). Values
that are already safe in the target language are wrapped in
:class:`markupsafe.Markup` by the code that builds them.
"""

from __future__ import annotations

import re
import textwrap
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup
from pendulum import Date, DateTime

from roadshow.timeutil import format_duration, short_day, tz_abbreviation

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones
# that start emphasis, links, images, raw HTML, entities, code, strikethrough,
# table cells or headings anywhere in a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) (\d[A-Z]{2})\b")
_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]")
# C0 and C1 controls (ESC starts terminal escape sequences) and the bidi
# embeddings, overrides and isolates (they reorder what a reader sees); line
# breaks and tabs become spaces first.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Return *text* on one line: line breaks become spaces, controls are dropped.

    (This is for documents: an itinerary reads better without the characters.
    What goes to a terminal or a mail header keeps them, escaped, through
    :func:`roadshow.exporters._text.inert`.)

    Runs of spaces are kept, so padding a template adds survives.
    """
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))


def escape_markdown(text: str) -> str:
    """Return *text* as literal Markdown: one line, special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))


def _finalize_markdown(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return escape_markdown(value)


def _finalize_text(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return one_line(value)


def wrap_text(text: str, width: int, indent: int) -> Markup:
    """Wrap *text* (made one line first) to *width*, indenting the follow-on lines.

    Words are never split (a long e-mail address runs over instead), nor is a
    UK postcode. The result is marked safe so the text environment keeps its
    line breaks.
    """
    glued = _POSTCODE.sub("\\1\u00a0\\2", one_line(text))
    lines = textwrap.wrap(
        glued, width, break_long_words=False, break_on_hyphens=False
    ) or [""]
    wrapped = ("\n" + " " * indent).join(lines).replace("\u00a0", " ")
    return Markup(wrapped)  # noqa: S704 - plain text, not HTML


def clock(value: DateTime) -> str:
    """Format an instant as wall-clock time with its zone: ``10:30 BST``."""
    return f"{value:%H:%M} {tz_abbreviation(value)}"


def long_day(value: Date) -> str:
    """Format a date as ``Monday 8 September 2008``."""
    return value.format("dddd D MMMM YYYY")


def kilometres(value: float) -> str:
    """Format a distance as ``395.2 km``."""
    return f"{value:.1f} km"


def _environment(*, autoescape: bool, finalize: Any = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("roadshow.exporters", "templates"),
        autoescape=autoescape,  # noqa: S701 - Markdown and text escape in finalize
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        clock=clock,
        short_day=short_day,
        long_day=long_day,
        duration=format_duration,
        km=kilometres,
    )
    return env


@cache
def html_environment() -> jinja2.Environment:
    """Return the environment for HTML and SVG templates (auto-escaping)."""
    return _environment(autoescape=True)


@cache
def markdown_environment() -> jinja2.Environment:
    """Return the environment for Markdown templates (every value escaped).

    The ``trusted`` filter marks a macro's result as already escaped (its values
    went through the escaping inside the macro), so it is not escaped twice.
    """
    env = _environment(autoescape=False, finalize=_finalize_markdown)
    env.filters["trusted"] = Markup
    return env


@cache
def text_environment() -> jinja2.Environment:
    """Return the environment for plain-text templates (one-line values).

    The ``wrap`` filter (:func:`wrap_text`) folds a long value over lines.
    """
    env = _environment(autoescape=False, finalize=_finalize_text)
    env.filters["wrap"] = wrap_text
    return env
