"""The pieces a reading room's figures are set in on A4: styles, cleaned text, tables, charts and the footer.

`kiosk.stats_pdf` composes the report's sections from these. Text from the
catalogue and from citizens goes through `Kit.clean` (control characters
dropped, characters the font lacks marked as on a copy, bounded in length so
one table cell never outgrows a page) and is set as plain text, never as
markup. A chart whose figures are all zero is replaced by "无数据": reportlab
cannot scale an axis or cut a pie from nothing.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table
from reportlab.platypus.doctemplate import BaseDocTemplate

from printing.a4_text import BrokenParagraph, clean_char
from printing.fonts import find_cjk_font, font_coverage, register_cjk_font

__all__ = ["CONTENT_WIDTH", "Kit", "PageFooter", "count", "percent", "ratio"]

MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 22 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN_X
BAR_BLUE = colors.HexColor("#4F81BD")
GRID_GREY = colors.HexColor("#999999")
HEAD_GREY = colors.HexColor("#E8E8E8")
PIE_COLOURS = ("#4F81BD", "#9BBB59", "#C0504D", "#F79646", "#8064A2", "#4BACC6")
NO_DATA = "无数据"


def count(value: int) -> str:
    """A count with thousands separators: 12,345."""
    return f"{value:,}"


def percent(share: float) -> str:
    """A share (0 … 1) as a percentage with one decimal: 35.2%."""
    return f"{share * 100:.1f}%"


def ratio(part: int, whole: int) -> float | None:
    """`part` of `whole`; None (shown as "—") when there is no whole to be a share of."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Styles:
    """The paragraph styles of the report."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    caption: ParagraphStyle


def _make_styles(font: str) -> Styles:
    base = ParagraphStyle("stats", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return Styles(
        title=ParagraphStyle("title", base, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=3 * mm),
        subtitle=ParagraphStyle("subtitle", base, fontSize=9.5, leading=14, alignment=TA_CENTER),
        heading=ParagraphStyle(
            "heading", base, fontSize=13, leading=19, spaceBefore=5 * mm, spaceAfter=2 * mm, keepWithNext=1
        ),
        subheading=ParagraphStyle("subheading", base, spaceBefore=2 * mm, spaceAfter=1 * mm, keepWithNext=1),
        body=ParagraphStyle("body", base, spaceBefore=1 * mm, spaceAfter=1 * mm),
        cell=ParagraphStyle("cell", base, fontSize=9, leading=12.5),
        caption=ParagraphStyle(
            "caption", base, fontSize=9, leading=13, alignment=TA_CENTER, spaceBefore=3 * mm, keepWithNext=1
        ),
    )


@dataclass(frozen=True, slots=True)
class Kit:
    """The registered Chinese font, the code points it can draw, and the styles set in it."""

    font: str
    coverage: frozenset[int]
    styles: Styles

    @classmethod
    def load(cls, font_path: Path | None) -> Kit:
        """Register the CJK TrueType font (found when not given) and make the styles."""
        font = register_cjk_font(font_path or find_cjk_font())
        return cls(font, font_coverage(font), _make_styles(font))

    def clean(self, text: str, limit: int) -> str:
        """`text` on one line, as the font can print it, cut to `limit` characters with "…"."""
        printed = "".join(clean_char(ch, self.coverage) for ch in " ".join(text.splitlines())).strip()
        return printed if len(printed) <= limit else printed[:limit] + "…"

    def para(self, text: str, style: ParagraphStyle | None = None, *, limit: int = 200) -> Flowable:
        """Plain text (never markup) as a paragraph broken by the rules of Chinese line breaking."""
        return BrokenParagraph("", style or self.styles.body, plain=self.clean(text, limit))

    def cell(self, text: str, *, limit: int = 80) -> Flowable:
        """Plain text in a table cell."""
        return self.para(text, self.styles.cell, limit=limit)

    def template(self, buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
        """An A4 document whose default font (tables, charts) is the embedded CJK font."""
        return SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            creator="reading-room kiosk",
            invariant=1,
            initialFontName=self.font,
            lang="zh-CN",
        )

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Table:
        """A gridded table with a shaded header repeated on every page; columns after the first right-aligned."""
        table = Table([list(header), *[list(row) for row in rows]], colWidths=list(widths), repeatRows=1)
        table.setStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), self.font),  # else Helvetica, never embedded
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_GREY),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ]
        )
        return table

    def side_by_side(self, left: Flowable, right: Flowable, widths: tuple[float, float]) -> Table:
        """Two flowables in one row without borders (two charts beside each other)."""
        table = Table([[left, right]], colWidths=list(widths))
        table.setStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), self.font),  # a table starts in its font even with nothing to write
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
        return table

    def bar_chart(self, labels: Sequence[str], values: Sequence[int], *, width: float = CONTENT_WIDTH) -> Flowable:
        """Vertical bars of `values` with their counts on top; "无数据" when all are zero."""
        if not any(values):
            return self.para(NO_DATA, self.styles.caption)
        height = 48 * mm
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 32, 16, width - 40, height - 26
        chart.data = [list(values)]
        chart.bars[0].fillColor = BAR_BLUE
        chart.categoryAxis.categoryNames = [self.clean(label, 12) for label in labels]
        self._scale(chart, max(values))
        if len(values) <= 12:  # 24 hours' labels would run into each other
            chart.barLabelFormat = count
            chart.barLabels.nudge = 6
            chart.barLabels.fontName, chart.barLabels.fontSize = self.font, 6.5
        return self._drawing(chart, width, height)

    def _scale(self, chart: Any, top: int) -> None:
        step = _axis_step(top)
        axis = chart.valueAxis
        axis.valueMin, axis.valueStep, axis.valueMax = 0, step, step * math.ceil(top * 1.1 / step)
        axis.labelTextFormat = count
        for labels in (axis.labels, chart.categoryAxis.labels):
            labels.fontName, labels.fontSize = self.font, 7

    def pie_chart(self, labels: Sequence[str], values: Sequence[int]) -> Flowable:
        """A pie of the non-zero `values`, each labelled with its share; "无数据" when all are zero."""
        kept = [(self.clean(label, 12), value) for label, value in zip(labels, values, strict=True) if value > 0]
        if not kept:
            return self.para(NO_DATA, self.styles.caption)
        whole = sum(value for _, value in kept)
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = CONTENT_WIDTH / 2 - 22 * mm, 6 * mm, 44 * mm, 44 * mm
        pie.data = [value for _, value in kept]
        pie.labels = [f"{label} {percent(value / whole)}" for label, value in kept]
        pie.sideLabels, pie.simpleLabels = 1, 0
        pie.slices.fontName, pie.slices.fontSize, pie.slices.strokeColor = self.font, 8, colors.white
        for index in range(len(kept)):
            pie.slices[index].fillColor = colors.HexColor(PIE_COLOURS[index % len(PIE_COLOURS)])
        return self._drawing(pie, CONTENT_WIDTH, 56 * mm)

    def _drawing(self, chart: Any, width: float, height: float) -> Drawing:
        # initialFontName: else the renderer selects Helvetica, left unembedded in the page's resources.
        drawing = Drawing(width, height, initialFontName=self.font)
        drawing.add(chart)
        drawing.hAlign = "CENTER"
        return drawing


def _axis_step(top: int) -> int:
    """A round step (1, 2, 5 times a power of ten) giving about five gridlines up to `top`."""
    rough = max(1.0, top / 5)
    magnitude = int(10 ** math.floor(math.log10(rough)))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


@dataclass(slots=True)
class PageFooter:
    """Draws "第 N 页 共 M 页" and the room under every page; records how many pages the document took."""

    font: str
    room: str
    made: str
    total: int = 0  # unknown on the first pass, which only counts
    pages: int = 0

    def __call__(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self.pages = doc.page
        baseline = MARGIN_BOTTOM - 12 * mm
        canvas.saveState()
        canvas.setStrokeColor(GRID_GREY)
        canvas.line(MARGIN_X, baseline + 4 * mm, A4[0] - MARGIN_X, baseline + 4 * mm)
        canvas.setFont(self.font, 8)
        canvas.drawString(MARGIN_X, baseline, self.room)
        canvas.drawRightString(A4[0] - MARGIN_X, baseline, self.made)
        canvas.setFont(self.font, 9)
        canvas.drawCentredString(A4[0] / 2, baseline, f"第 {doc.page} 页 共 {self.total} 页")
        canvas.restoreState()
