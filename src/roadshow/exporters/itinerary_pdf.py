"""PDF itineraries, laid out with ReportLab (the optional ``pdf`` extra).

The pages the HTML's print stylesheet makes: a cover with the figures, the
route map and its numbered stops, then each day on a new page with its items
in a table; every page's foot names the plan version and says "Page N of M".
The wording comes from the same macros as the other formats.

ReportLab is pure Python and lays a page out in a few milliseconds, where a
browser-style HTML printer took 65-80 ms, so printing every itinerary costs
less than planning them. The fonts (DejaVu Sans) are bundled and the document
is written in ReportLab's invariant mode, so the same itinerary gives the same
bytes on every machine.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from functools import cache, partial
from importlib.resources import files
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from roadshow.exporters._templates import long_day, one_line, text_environment
from roadshow.exporters.itinerary import (
    Day,
    DiaryItem,
    EventItem,
    GapItem,
    Item,
    Itinerary,
    TravelItem,
)
from roadshow.exporters.routemap import (
    DOT_RADIUS,
    HOME_RADIUS,
    STOP_RADIUS,
    RouteMap,
    outline_rings,
)
from roadshow.timeutil import format_duration

_FONT, _BOLD, _ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
_MARGIN: Final = 14 * mm
_FRAME_PADDING: Final = 6  # ReportLab's frame keeps this inside the margins
_WIDTH: Final = A4[0] - 2 * _MARGIN - 2 * _FRAME_PADDING
_BOTTOM: Final = 16 * mm  # room for the page's foot
_FRAME_HEIGHT: Final = A4[1] - _MARGIN - _BOTTOM - 2 * _FRAME_PADDING
_MAP_HEIGHT: Final = 130 * mm  # as in the print CSS
_MIN_MAP_HEIGHT: Final = 70 * mm

# Colours as objects, made once: ReportLab parses a colour string at every use.
_hex = colors.HexColor
_INK, _GREY, _MUTED, _BLUE = (
    _hex(c) for c in ("#111111", "#444444", "#555555", "#1f4e8c")
)
_FAINT = _hex("#666666")  # free time, the dates of stops
_LEG_COLOURS: Final = {"rail": _BLUE, "car": _hex("#b3541e"), "walk": _FAINT}
_LEG_DASHES: Final = {"car": (5.0, 3.0), "walk": (1.5, 2.5)}  # times the map scale
_DOT_COLOURS: Final = {"home": _INK, "night": _hex("#6c3483")}
_EVENT_RED = _hex("#c0392b")
_SEA, _LAND, _COAST = _hex("#f2f6f9"), _hex("#eef2ec"), _hex("#7d8f78")
_LABEL_INK = _hex("#222222")
_RULE, _HEAD_RULE, _DIARY = _hex("#d6d6d6"), _hex("#999999"), _hex("#fbf6e9")


@cache
def _fonts() -> None:
    # Registered once a process; ReportLab keeps fonts in a module registry.
    folder = files("roadshow.exporters").joinpath("fonts")
    for name in (_FONT, _BOLD, _ITALIC):
        data = folder.joinpath(f"{name}.ttf").read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    pdfmetrics.registerFontFamily(
        _FONT, normal=_FONT, bold=_BOLD, italic=_ITALIC, boldItalic=_BOLD
    )


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    settings: dict[str, Any] = {
        "fontName": _FONT,
        "fontSize": 10,
        "leading": 13.5,
        "textColor": _INK,
    }
    settings.update(overrides)
    return ParagraphStyle(name, **settings)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    return {
        "body": _style("body"),
        "kicker": _style("kicker", fontSize=9, textColor=_BLUE),
        "h1": _style("h1", fontName=_BOLD, fontSize=22, leading=26),
        "subtitle": _style("subtitle", textColor=_GREY, spaceBefore=3),
        "stamp": _style("stamp", fontSize=9.5, textColor=_GREY, spaceAfter=10),
        "label": _style("label", fontSize=8, leading=10, textColor=_MUTED),
        "term": _style("term", fontSize=9, textColor=_MUTED, leading=13),
        "value": _style("value", fontName=_BOLD),
        "caption": _style("caption", fontSize=9, leading=12, textColor=_GREY),
        "centred": _style(
            "centred", fontSize=9, leading=12, textColor=_GREY, alignment=TA_CENTER
        ),
        "h2": _style("h2", fontName=_BOLD, fontSize=15, leading=19),
        "who": _style("who", textColor=_MUTED, alignment=TA_RIGHT, leading=19),
        "cell": _style("cell", leading=13),
        "free": _style("free", fontName=_ITALIC, textColor=_FAINT, leading=13),
    }


def _text(value: object) -> str:
    """A value as Paragraph markup: one line, with its markup characters escaped."""
    return escape(one_line(str(value)))


@cache
def _macros() -> Any:
    """The wording every format shares (``_macros.j2``), as plain text."""
    return text_environment().get_template("_macros.j2").module


def render_pdf(itineraries: Sequence[Itinerary]) -> bytes:
    """Return itineraries as one PDF: each person's cover, then a page a day."""
    styles = _styles()
    story: list[Flowable] = []
    for n, itinerary in enumerate(itineraries):
        if n:
            story.append(PageBreak())
        story += _cover(itinerary, styles)
        for day in itinerary.days:
            story.append(PageBreak())
            story += _day(itinerary, day, styles)
    buffer = io.BytesIO()
    names = ", ".join(it.name for it in itineraries)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_BOTTOM,
        title=f"Itinerary: {names}",
        author="roadshow",
        creator="roadshow",
        invariant=True,  # no creation time or random id: the same bytes each time
        initialFontName=_FONT,  # not Helvetica, which a PDF reader would substitute
    )
    footer = str(_macros().stamp(itineraries[0])) if itineraries else ""
    document.build(story or [Spacer(1, 1)], canvasmaker=partial(_Pages, footer=footer))
    return buffer.getvalue()


class _Pages(Canvas):
    """A canvas that holds its pages back, so each foot can say "Page N of M"."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined] # ReportLab's own page reset

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(_FONT, 8)
            self.setFillColor(_MUTED)
            self.drawString(_MARGIN, 9 * mm, self._footer)
            self.drawRightString(
                A4[0] - _MARGIN, 9 * mm, f"Page {number} of {len(self._pages)}"
            )
            super().showPage()
        super().save()


# --- the cover --------------------------------------------------------------------


def _cover(it: Itinerary, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    macros = _macros()
    kinds = f" ({it.event_kinds})" if it.event_kinds else ""
    dated = [
        ("Dates", macros.dates(it)),
        ("Events", f"{it.event_count}{kinds}"),
        ("Travel", format_duration(it.travel_minutes)),
        ("Nights away", it.nights_away),
    ]
    # The short figures side by side; the long ones (regions, an address) get
    # the width they need, so the cover keeps to one page.
    rows: list[list[Any]] = [
        [_figure(label, value, styles) for label, value in dated],
        [_figure("Regions", ", ".join(it.regions) or "none", styles), "", "", ""],
        [
            _figure("Home", macros.place(it.home), styles),
            "",
            _figure("Times", f"local time, {it.timezone}", styles),
            "",
        ],
    ]
    grid = _table(
        rows,
        [_WIDTH / 4] * 4,
        ("SPAN", (0, 1), (3, 1)),
        ("SPAN", (0, 2), (1, 2)),
        ("SPAN", (2, 2), (3, 2)),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    )
    above: list[Flowable] = [
        Paragraph("ITINERARY", styles["kicker"]),
        Paragraph(_text(it.name), styles["h1"]),
        Paragraph(f"{_text(it.scenario_name)} · {_text(it.role)}", styles["subtitle"]),
        Paragraph(_text(macros.stamp(it)), styles["stamp"]),
        grid,
        Spacer(1, 4),
    ]
    below: list[Flowable] = [
        Spacer(1, 4),
        _Legend(it.route_map, nights=it.nights_away > 0),
    ]
    if it.route_map.stops:
        below.append(_stops(it.route_map, styles))
    route = " → ".join(it.route)
    below.append(
        Paragraph(
            f"Route: {_text(route)}."
            " Outline of England: Natural Earth (public domain).",
            styles["centred"],
        )
    )
    # The map takes what the rest leaves of the page (down to a readable
    # size), so a long route or many stops keep the cover on one page.
    rest = sum(_height(f) for f in (*above, *below))
    room = max(_MIN_MAP_HEIGHT, min(_MAP_HEIGHT, _FRAME_HEIGHT - rest - 2))
    return [*above, _Map(it.route_map, height=room), *below]


def _height(flowable: Flowable) -> float:
    """The height *flowable* takes on a page, spacing included."""
    _, height = flowable.wrap(_WIDTH, _FRAME_HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _figure(
    label: str, value: object, styles: dict[str, ParagraphStyle]
) -> list[Paragraph]:
    return [
        Paragraph(label.upper(), styles["label"]),
        Paragraph(_text(value), styles["value"]),
    ]


def _stops(route_map: RouteMap, styles: dict[str, ParagraphStyle]) -> Table:
    """The numbered stops in three columns, read down each column."""
    entries = [
        Paragraph(
            f"{stop.number}. {_text(stop.town or stop.name)}"
            f' <font color="#666666">{_text(stop.when)}</font>',
            styles["caption"],
        )
        for stop in route_map.stops
    ]
    rows = math.ceil(len(entries) / 3)
    columns = [entries[c * rows : (c + 1) * rows] for c in range(3)]
    grid = [[col[r] if r < len(col) else "" for col in columns] for r in range(rows)]
    return _table(
        grid,
        [_WIDTH / 3] * 3,
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    )


class _Map(Flowable):
    """The route map, drawn from the same projected map as the HTML's SVG."""

    def __init__(self, route_map: RouteMap, *, height: float) -> None:
        super().__init__()
        self.route_map = route_map
        _, _, view_width, view_height = route_map.view_box
        self.zoom = min(_WIDTH / view_width, height / view_height)
        self.width, self.height = view_width * self.zoom, view_height * self.zoom

    def wrap(self, _width: float, _height: float) -> tuple[float, float]:
        return _WIDTH, self.height

    def draw(self) -> None:
        canvas, m = self.canv, self.route_map
        left, top, width, height = m.view_box
        s = m.scale
        canvas.saveState()
        # SVG's plane: y grows downwards, in view units.
        canvas.translate((_WIDTH - self.width) / 2, self.height)
        canvas.scale(self.zoom, -self.zoom)
        canvas.translate(-left, -top)
        frame = canvas.beginPath()
        frame.rect(left, top, width, height)
        canvas.clipPath(frame, stroke=0, fill=0)
        canvas.setFillColor(_SEA)
        canvas.rect(left, top, width, height, stroke=0, fill=1)
        canvas.setLineJoin(1)
        canvas.setLineWidth(s)
        canvas.setStrokeColor(_COAST)
        canvas.setFillColor(_LAND)
        for ring in outline_rings():
            path = canvas.beginPath()
            path.moveTo(*ring[0])
            for x, y in ring[1:]:
                path.lineTo(x, y)
            path.close()
            canvas.drawPath(path, stroke=1, fill=1)
        canvas.setLineCap(1)
        canvas.setLineWidth(1.8 * s)
        for leg in m.legs:
            canvas.setStrokeColor(_LEG_COLOURS.get(leg.mode, _BLUE))
            dash = _LEG_DASHES.get(leg.mode)
            canvas.setDash([d * s for d in dash] if dash else [])
            canvas.line(leg.x1, leg.y1, leg.x2, leg.y2)
        canvas.setDash([])
        canvas.setLineWidth(s)
        canvas.setStrokeColor(colors.white)
        # Home last, so it stays visible next to a venue a few streets away.
        points = sorted(m.points, key=lambda p: p.role == "home")
        for point in points:
            radius = (HOME_RADIUS if point.role == "home" else DOT_RADIUS) * s
            canvas.setFillColor(_DOT_COLOURS.get(point.role, _EVENT_RED))
            canvas.circle(point.x, point.y, radius, stroke=1, fill=1)
        for point in m.stops:
            canvas.setFillColor(_EVENT_RED)
            canvas.circle(point.x, point.y, STOP_RADIUS * s, stroke=1, fill=1)
            number = str(point.number)
            self._label(
                number,
                point.x,
                point.y + 2.7 * s,
                anchor="middle",
                size=7.5 * s,
                font=_BOLD,
            )
        for point in m.points:
            if point.label:
                self._label(
                    point.label,
                    point.label_x,
                    point.label_y,
                    anchor=point.label_anchor,
                    size=m.font_size,
                    font=_FONT,
                    halo=3 * s,
                )
        canvas.restoreState()

    def _label(
        self,
        text: str,
        x: float,
        y: float,
        *,
        anchor: str,
        size: float,
        font: str,
        halo: float = 0.0,
    ) -> None:
        """Text at an SVG baseline point, upright on the flipped plane."""
        canvas = self.canv
        width = pdfmetrics.stringWidth(text, font, size)
        shift = {"start": 0.0, "middle": width / 2, "end": width}.get(anchor, 0.0)
        canvas.saveState()
        canvas.translate(x - shift, y)
        canvas.scale(1, -1)
        if halo:  # a white outline first, so a label reads across a line
            # In its own graphics state: a PDF text render mode outlives its text.
            canvas.saveState()
            canvas.setLineWidth(halo)
            canvas.setStrokeColor(colors.white)
            canvas.setFillColor(colors.white)
            outline = canvas.beginText(0, 0)
            outline.setFont(font, size)
            outline.setTextRenderMode(2)
            outline.textOut(text)
            canvas.drawText(outline)
            canvas.restoreState()
        canvas.setFillColor(_LABEL_INK if halo else colors.white)
        canvas.setFont(font, size)
        canvas.drawString(0, 0, text)
        canvas.restoreState()


class _Legend(Flowable):
    """The map's key on one centred line: a swatch, then its words."""

    _SIZE = 9.0

    def __init__(self, route_map: RouteMap, *, nights: bool) -> None:
        super().__init__()
        self.entries: list[tuple[str, str]] = [
            (f"mode-{m}", m) for m in route_map.modes
        ]
        self.entries += [("home", "home"), ("stop", "event (numbered in route order)")]
        if nights:
            self.entries.append(("night", "night away"))

    def wrap(self, _width: float, _height: float) -> tuple[float, float]:
        return _WIDTH, 16.0

    def _widths(self) -> Iterator[tuple[float, str, str]]:
        for swatch, words in self.entries:
            width = 20.0 if swatch.startswith("mode-") else 8.0
            yield width, swatch, words

    def draw(self) -> None:
        canvas = self.canv
        gap = 4.0
        total = sum(
            w + gap + pdfmetrics.stringWidth(words, _FONT, self._SIZE) + 3 * gap
            for w, _, words in self._widths()
        )
        x, y = (_WIDTH - total) / 2, 5.0
        canvas.setFont(_FONT, self._SIZE)
        for width, swatch, words in self._widths():
            if swatch.startswith("mode-"):
                mode = swatch.removeprefix("mode-")
                canvas.setStrokeColor(_LEG_COLOURS.get(mode, _BLUE))
                canvas.setLineWidth(1.8)
                dash = _LEG_DASHES.get(mode)
                canvas.setDash(list(dash) if dash else [])
                canvas.line(x, y + 3, x + width, y + 3)
                canvas.setDash([])
            else:
                colour = _DOT_COLOURS.get(swatch, _EVENT_RED)
                canvas.setFillColor(colour)
                canvas.circle(x + width / 2, y + 3, width / 2, stroke=0, fill=1)
            x += width + gap
            canvas.setFillColor(_GREY)
            canvas.drawString(x, y, words)
            x += pdfmetrics.stringWidth(words, _FONT, self._SIZE) + 3 * gap


# --- the days ---------------------------------------------------------------------

# The time column holds the widest span, 10:00 GMT to 11:00 GMT (40 mm), on one
# line, as on screen.
_ITEM_COLUMNS: Final = (0.25 * _WIDTH, 0.26 * _WIDTH, 0.49 * _WIDTH)
_DETAIL_LABEL: Final = 20 * mm


def _day(it: Itinerary, day: Day, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    macros = _macros()
    heading = _table(
        [
            [
                Paragraph(_text(long_day(day.on)), styles["h2"]),
                Paragraph(_text(it.name), styles["who"]),
            ]
        ],
        [0.62 * _WIDTH, 0.38 * _WIDTH],
        ("LINEBELOW", (0, 0), (-1, -1), 2, _BLUE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    )
    # Short one-line cells are plain strings, styled by the table: ReportLab
    # draws them without the parsing and line breaking a Paragraph costs.
    rows: list[list[Any]] = [["TIME", "WHAT", "DETAILS"]]
    table_style: list[tuple[Any, ...]] = [
        ("FONTSIZE", (0, 0), (-1, 0), 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), _MUTED),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, _HEAD_RULE),
        ("FONTSIZE", (0, 1), (-1, -1), 10),
        ("LEADING", (0, 1), (-1, -1), 13),
        ("TEXTCOLOR", (0, 1), (-1, -1), _INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, _RULE),
        ("TOPPADDING", (0, 1), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
    ]
    for n, item in enumerate(day.items, start=1):
        rows.append(_row(item, styles))
        if isinstance(item, DiaryItem):
            table_style.append(("BACKGROUND", (0, n), (-1, n), _DIARY))
        elif isinstance(item, GapItem):
            table_style += [
                ("FONTNAME", (0, n), (-1, n), _ITALIC),
                ("TEXTCOLOR", (0, n), (-1, n), _FAINT),
            ]
    night = f"<b>Night</b> {_text(macros.night(day))}"
    if day.night_reason:
        night += f"<br/>Why: {_text(day.night_reason)}"
    return [
        heading,
        Spacer(1, 6),
        Paragraph(
            f"<b>Day starts at</b> {_text(macros.place(day.starts_at))}", styles["body"]
        ),
        Spacer(1, 4),
        _table(rows, list(_ITEM_COLUMNS), *table_style),
        Spacer(1, 6),
        Paragraph(night, styles["body"]),
    ]


def _row(item: Item, styles: dict[str, ParagraphStyle]) -> list[Any]:
    macros = _macros()
    cell = styles["cell"]
    when = str(macros.span(item))
    if isinstance(item, TravelItem):
        details = (
            f"From {_text(macros.place(item.origin))}<br/>"
            f"to {_text(macros.place(item.destination))}<br/>"
            f'<font color="#444444">{_text(f"{item.distance_km:.1f} km")}, '
            f"{_text(format_duration(item.minutes))} door to door</font>"
        )
        return [when, one_line(f"Travel by {item.mode}"), Paragraph(details, cell)]
    if isinstance(item, EventItem):
        what = f"<b>{_text(item.title)}</b>"
        if item.optional:
            what += "<br/><i>optional for you</i>"
        return [when, Paragraph(what, cell), _event_details(item, styles)]
    if isinstance(item, DiaryItem):
        return [when, "Diary", Paragraph(_text(item.label), cell)]
    where = f" at {_text(item.place.name)}" if item.place else ""
    free = f"{_text(format_duration(item.minutes))}{where}"
    return [when, "Free", Paragraph(free, styles["free"])]


def _event_details(item: EventItem, styles: dict[str, ParagraphStyle]) -> Table:
    """The event's facts as label and text, the labels in a column of their own."""
    facts: list[tuple[str, str]] = [("Venue", _macros().place(item.place))]
    for label, value in (("Area", item.area), ("Region", item.region)):
        if value:
            facts.append((label, value))
    facts.append(("Attending", ", ".join(item.attendees)))
    if item.also_invited:
        facts.append(("Optional", ", ".join(item.also_invited)))
    for label, value in (
        ("Lead", item.lead),
        ("Purpose", item.purpose),
        ("Contact", item.contact),
    ):
        if value:
            facts.append((label, value))
    if item.contacts:
        facts.append(("Contacts", "\n".join(item.contacts)))
    if item.notes:
        facts.append(("Notes", item.notes))
    label_style, cell = styles["term"], styles["cell"]
    rows = [
        [
            Paragraph(_text(label), label_style),
            Paragraph("<br/>".join(_text(line) for line in value.split("\n")), cell),
        ]
        for label, value in facts
    ]
    return _table(
        rows,
        [_DETAIL_LABEL, _ITEM_COLUMNS[2] - _DETAIL_LABEL - 12],
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    )


def _table(rows: list[list[Any]], widths: list[float], *commands: Any) -> Table:
    """A table in the itinerary's font, cells' contents at their tops."""
    style = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),  # even an empty cell names a font
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *commands,
    ]
    return Table(
        rows,
        colWidths=widths,
        # A row taller than a page (an event's long notes) goes on over the
        # next; a header repeated there would come back at every cut.
        splitInRow=1,
        style=TableStyle(style),
    )
