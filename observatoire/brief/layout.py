"""The brief's typography and pages (ReportLab Platypus): A4, embedded fonts, a running footer
and, on demonstration data, a red line at the top of every page.

Fonts are Bitstream Vera, shipped inside the pinned ReportLab package (French accents, « », −, ≥,
no-break spaces), so the PDF looks the same and is byte-identical on every machine; charts use
the same fonts (svglib maps the `sans-serif` of Vega's SVG to them, never asking fontconfig).
Invariant mode fixes the document ID; the creation date is the brief's own date.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from datetime import date

import altair as alt
import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable
from svglib import fonts as svg_fonts
from svglib.svglib import svg2rlg
from xml.sax.saxutils import escape

import vl_convert

from observatoire import export

FONT, BOLD, ITALIC = "Vera", "Vera-Bold", "Vera-Italic"
_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf"}
BLUE = colors.HexColor("#000091")
RED = colors.HexColor("#C9191E")
GREY = colors.HexColor("#3a3a3a")
LIGHT = colors.HexColor("#eef0f8")
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN  # text width in points
CHART_PIXELS = 620  # Vega width of a full-width chart, scaled down to WIDTH


def register_fonts() -> None:
    """Vera from ReportLab's own folder, for the text and for the charts (idempotent)."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in _FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    svg_fonts.register_font("sans-serif", os.path.join(folder, _FONT_FILES[FONT]), rlgFontName=FONT)
    svg_fonts.register_font("sans-serif", os.path.join(folder, _FONT_FILES[BOLD]), weight="bold", rlgFontName=BOLD)
    svg_fonts.register_font("sans-serif", os.path.join(folder, _FONT_FILES[ITALIC]), style="italic", rlgFontName=ITALIC)


def _style(name: str, size: float, font: str = FONT, colour=colors.black, space_before: float = 0,
           space_after: float = 4, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3, textColor=colour,
                          spaceBefore=space_before, spaceAfter=space_after, alignment=TA_LEFT)


STYLES = {
    "title": _style("title", 26, BOLD, BLUE, space_after=10),
    "subtitle": _style("subtitle", 15, FONT, BLUE, space_after=6),
    "h1": _style("h1", 16, BOLD, BLUE, space_before=6, space_after=8),
    "h2": _style("h2", 12, BOLD, BLUE, space_before=8, space_after=4),
    "body": _style("body", 9.5),
    "small": _style("small", 8, colour=GREY),
    "cell": _style("cell", 7.8, space_after=0),
    "cell_bold": _style("cell_bold", 7.8, BOLD, space_after=0),
    "figure": _style("figure", 18, BOLD, BLUE, space_after=2),
    "demo": _style("demo", 9.5, BOLD, RED),
}


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: names and notes come from the user's files)."""
    return Paragraph(escape(text), STYLES[style])


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of trusted markup (<b>, <i>) built by this package."""
    return Paragraph(markup, STYLES[style])


def heading(text: str, level: int = 1) -> Paragraph:
    return para(text, f"h{level}")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], bold_first: bool = False) -> Table:
    """A ruled table of wrapped text cells, its header repeated on each page."""
    def cell(text: str, column: int) -> Paragraph:
        return para(str(text), "cell_bold" if bold_first and column == 0 else "cell")
    data = [[para(h, "cell_bold") for h in header]] + [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    result = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return result


def boxed(flowables: list, colour=RED) -> Table:
    """Flowables in a framed box (the demonstration warning)."""
    box = Table([[flowables]], colWidths=[WIDTH])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colour), ("LEFTPADDING", (0, 0), (-1, -1), 8),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return box


def chart(spec_chart: alt.TopLevelMixin, width: float = WIDTH, max_height: float | None = None) -> Flowable:
    """An Altair chart as a vector drawing: Vega-Lite → SVG (vl-convert, offline) → ReportLab."""
    svg = vl_convert.vegalite_to_svg(export.chart_spec(spec_chart, CHART_PIXELS))
    drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")))
    scale = width / drawing.width
    if max_height is not None and drawing.height * scale > max_height:
        scale = max_height / drawing.height
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    drawing.scale(scale, scale)
    drawing.hAlign = "LEFT"
    return drawing


def figure(flowable: Flowable, caption: str, title: Flowable | None = None) -> KeepTogether:
    """A chart, its title and its caption, never split across pages."""
    return KeepTogether([*([title] if title is not None else []), flowable, Spacer(1, 2), para(caption, "small")])


def pdf_date(day: date) -> Callable[..., str]:
    """ReportLab date formatter giving the brief's own date as the PDF creation date."""
    return lambda *_: f"D:{day:%Y%m%d}000000+00'00'"


def build_pdf(story: list, *, title: str, author: str, footer: str, demo: str, day: date | None) -> bytes:
    """Lay out `story` on A4 pages; `demo` (the provenance note, "" when all real) heads every page."""
    buffer = io.BytesIO()

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        if day is not None:
            canvas.setDateFormatter(pdf_date(day))
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 9 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"page {doc.page}")
        if demo:
            canvas.setFont(BOLD, 7.5)
            canvas.setFillColor(RED)
            canvas.drawString(MARGIN, A4[1] - 9 * mm, "Données de démonstration : chiffres synthétiques, à ne pas citer "
                              "(détail en page 1).")
        canvas.restoreState()

    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, title=title, author=author, subject=title, creator="Observatoire du numérique",
                          invariant=1, initialFontName=FONT, lang="fr-FR")
    frame = Frame(MARGIN, MARGIN, WIDTH, A4[1] - 2 * MARGIN, id="text")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    doc.build(story)
    return buffer.getvalue()
