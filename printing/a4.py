"""A4 reading-room copies: a PDF with an embedded Chinese TrueType subset.

Every page carries the copy stamp in its footer and "第 x 页 / 共 y 页"; the
total is known because the canvas holds the pages back until the document is
complete (`_StampedCanvas`), which costs one layout pass instead of two.

A copy is bounded before and while it is made: `estimate_a4_pages` says
cheaply (one count of the characters, no layout) how many pages it takes at
least, so a copy over the limit is refused before any rendering; a render
stops with `CopyTooLong` as soon as it passes `max_pages` and with
`RenderTimedOut` once it has run `seconds`, so one huge document never holds
the renderer, which makes one copy at a time, for long.
"""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.doctemplate import LayoutError

from printing.a4_text import PROGRESS, BrokenParagraph, body_lines_at_least, clean_char
from printing.document import CopyStamp, PrintDocument, withdrawn_mark
from printing.errors import CopyTooLong, RenderError, RenderTimedOut
from printing.fonts import find_cjk_font, font_coverage, register_cjk_font

__all__ = ["RENDER_SECONDS", "count_a4_pages", "estimate_a4_pages", "render_a4"]

MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 26 * mm
FRAME_PADDING = 6  # reportlab's default padding inside each side of a page's frame
QR_SIZE = 30 * mm
QR_MAX_BYTES = 1500  # past this a printed code is too dense to scan
URL_MAX_SHOWN = 300  # a longer address under the code would push the header off the page
META_MAX_SHOWN = 200  # the metadata table cannot split across pages: four fields this long still fit one
HEADER_INDEX_MAX = 60  # the running header's 索引号 must leave room for the 废止/失效 mark
ABOLISHED_RED = colors.HexColor("#C00000")
# A copy's render stops after this long: about 2,000 pages of text at the linear rate measured here.
RENDER_SECONDS = 60.0

# reportlab keeps per-document subset state on shared font objects: one render at a time.
_RENDER_LOCK = threading.Lock()

Cleaner = Callable[[str], str]


def render_a4(
    doc: PrintDocument,
    stamp: CopyStamp,
    *,
    font_path: Path | None = None,
    max_pages: int | None = None,
    seconds: float | None = None,
) -> tuple[bytes, int]:
    """Render `doc` as an A4 PDF copy; return the PDF bytes and its page count.

    CopyTooLong when it takes more than `max_pages` pages (known from the estimate, before
    rendering, or as soon as the render passes the limit); RenderTimedOut after `seconds`
    (RENDER_SECONDS unless given), waiting for another render included.
    """
    seconds = RENDER_SECONDS if seconds is None else seconds
    limits = _Limits(max_pages, time.monotonic() + seconds, seconds)
    font = register_cjk_font(font_path or find_cjk_font())
    if max_pages is not None:
        _refuse_above(estimate_a4_pages(doc, font_path=font_path), max_pages)
    clean = partial(_clean_text, coverage=font_coverage(font))
    styles = _make_styles(font)
    index_no = _shortened(clean(doc.index_no), HEADER_INDEX_MAX)
    decor = _PageDecor(font, _footer_lines(stamp, clean), index_no, withdrawn_mark(doc.validity), limits)
    buffer = io.BytesIO()
    template = _template(buffer, doc, font, clean)
    story = _header(doc, styles, clean) + _body(doc.body, styles, clean)
    if not _RENDER_LOCK.acquire(timeout=max(0.0, limits.deadline - time.monotonic())):
        raise RenderTimedOut(f"The renderer stayed busy with another copy for {seconds:g} s.")
    progress = PROGRESS.set(partial(limits.check, 0))  # out of time while breaking a long paragraph: stop there
    try:
        template.build(story, canvasmaker=partial(_StampedCanvas, decor=decor))
    except LayoutError as exc:
        raise RenderError(f"The copy of {doc.index_no} could not be laid out on A4 ({exc}).") from exc
    finally:
        PROGRESS.reset(progress)
        _RENDER_LOCK.release()
    return buffer.getvalue(), decor.pages


def count_a4_pages(
    doc: PrintDocument,
    stamp: CopyStamp,
    *,
    font_path: Path | None = None,
    max_pages: int | None = None,
    seconds: float | None = None,
) -> int:
    """Number of A4 pages the copy of `doc` takes (renders it to find out, within the same bounds)."""
    return render_a4(doc, stamp, font_path=font_path, max_pages=max_pages, seconds=seconds)[1]


def estimate_a4_pages(doc: PrintDocument, *, font_path: Path | None = None) -> int:
    """How many A4 pages the copy of `doc` takes at least, from its title's and body's characters (no layout).

    Never more than the renderer makes, so a copy refused on it would surely be refused
    once made; in time linear in the text, far below a render's.
    """
    font = register_cjk_font(font_path or find_cjk_font())
    styles, coverage = _make_styles(font), font_coverage(font)
    width, height = _frame_size()
    paragraphs = [line.strip() for line in doc.body.splitlines()]
    body = body_lines_at_least([p for p in paragraphs if p], styles.body, width, coverage)
    title = body_lines_at_least([" ".join(doc.title.splitlines())], styles.title, width, coverage)
    # A page holds no more than its frame's height of lines, whatever their leading.
    return max(1, math.ceil(float(body * styles.body.leading + title * styles.title.leading) / height - 1e-9))


def _frame_size() -> tuple[float, float]:
    """The width and height a page's frame gives its text (the page less margins and padding)."""
    return (A4[0] - 2 * MARGIN_X - 2 * FRAME_PADDING, A4[1] - MARGIN_TOP - MARGIN_BOTTOM - 2 * FRAME_PADDING)


def _refuse_above(pages: int, max_pages: int) -> None:
    if pages > max_pages:
        raise CopyTooLong(
            f"The copy takes at least {pages} pages, more than {max_pages}.", pages=pages, limit=max_pages
        )


@dataclass(frozen=True, slots=True)
class _Limits:
    """What one render may take: pages (None: any number) and time (a `time.monotonic()` deadline)."""

    max_pages: int | None
    deadline: float
    seconds: float

    def check(self, pages: int) -> None:
        """Stop the render once it has passed its pages or its time."""
        if self.max_pages is not None:
            _refuse_above(pages, self.max_pages)
        if time.monotonic() > self.deadline:
            raise RenderTimedOut(f"The copy was not laid out within {self.seconds:g} s ({pages} pages so far).")


# -- text --------------------------------------------------------------------


def _clean_text(text: str, coverage: frozenset[int]) -> str:
    """Drop control and format characters; mark characters the font cannot draw."""
    return "".join(clean_char(ch, coverage) for ch in text)


def _paragraph(text: str, style: ParagraphStyle, clean: Cleaner) -> Paragraph:
    """Plain text as a paragraph: cleaned, then broken into lines at the width it gets."""
    return BrokenParagraph("", style, plain=clean(text))


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _date_or_none(value: date | None) -> str:
    return value.isoformat() if value else "无"


# -- layout ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Styles:
    title: ParagraphStyle
    banner: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    url: ParagraphStyle
    body: ParagraphStyle


def _make_styles(font: str) -> _Styles:
    base = ParagraphStyle("kiosk", fontName=font, bulletFontName=font, fontSize=12, leading=21, wordWrap="CJK")
    return _Styles(
        title=ParagraphStyle("title", base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm),
        banner=ParagraphStyle(
            "banner",
            base,
            fontSize=14,
            leading=20,
            alignment=TA_CENTER,
            textColor=ABOLISHED_RED,
            borderColor=ABOLISHED_RED,
            borderWidth=1,
            borderPadding=2 * mm,
            spaceAfter=5 * mm,
        ),
        label=ParagraphStyle("label", base, fontSize=9.5, leading=14, textColor=colors.HexColor("#555555")),
        value=ParagraphStyle("value", base, fontSize=10.5, leading=14),
        url=ParagraphStyle("url", base, fontSize=6.5, leading=8, alignment=TA_CENTER),
        body=ParagraphStyle("body", base, firstLineIndent=24, spaceAfter=3),
    )


def _template(buffer: io.BytesIO, doc: PrintDocument, font: str, clean: Cleaner) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=clean(doc.title),
        author=clean(doc.publisher),
        subject=clean(doc.index_no),
        creator="reading-room kiosk",
        invariant=1,
        initialFontName=font,
        lang="zh-CN",
    )


def _header(doc: PrintDocument, styles: _Styles, clean: Cleaner) -> list[Flowable]:
    """Abolished or lapsed banner, title, then the metadata table beside the QR code."""
    flowables: list[Flowable] = []
    mark = withdrawn_mark(doc.validity)
    if mark:
        flowables.append(_paragraph(f"{mark}，仅供查阅参考", styles.banner, clean))
    flowables.append(_paragraph(" ".join(doc.title.splitlines()), styles.title, clean))
    width = A4[0] - 2 * MARGIN_X
    side = QR_SIZE + 8 * mm
    block = Table(
        [[_meta_table(doc, styles, clean, width - side), _qr_block(doc.source_url, styles, clean)]],
        colWidths=[width - side, side],
    )
    block.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            _table_font(styles),
        ]
    )
    return flowables + [block, Spacer(1, 3 * mm), HRFlowable(width="100%", thickness=0.6), Spacer(1, 4 * mm)]


def _meta_rows(doc: PrintDocument) -> list[tuple[str, str]]:
    return [
        ("索引号", doc.index_no),
        ("文号", doc.doc_no or "无"),
        ("发布机构", doc.publisher),
        ("成文日期", _date_or_none(doc.written_on)),
        ("发布日期", doc.published_on.isoformat()),
        ("有效性", doc.validity_label),
    ]


def _meta_table(doc: PrintDocument, styles: _Styles, clean: Cleaner, width: float) -> Table:
    rows = [
        [Paragraph(label, styles.label), _paragraph(_shortened(value, META_MAX_SHOWN), styles.value, clean)]
        for label, value in _meta_rows(doc)
    ]
    table = Table(rows, colWidths=[20 * mm, width - 24 * mm], hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
        _table_font(styles),
    ]
    if withdrawn_mark(doc.validity):
        commands.append(("BACKGROUND", (1, 5), (1, 5), colors.HexColor("#F8D7D7")))
    table.setStyle(commands)
    return table


def _table_font(styles: _Styles) -> tuple[str, tuple[int, int], tuple[int, int], str]:
    # A Table selects its default font (Helvetica, never embedded) unless told otherwise.
    return ("FONTNAME", (0, 0), (-1, -1), styles.value.fontName)


def _qr_block(url: str, styles: _Styles, clean: Cleaner) -> list[Flowable]:
    """The source page as a QR code with the address beneath it in small type."""
    url = url.strip()
    if not url:
        return []
    shown = _shortened(url, URL_MAX_SHOWN)
    caption = _paragraph(shown, styles.url, clean)
    if len(url.encode("utf-8")) > QR_MAX_BYTES:
        return [caption]
    return [_qr_drawing(url, styles.url.fontName), caption]


def _qr_drawing(url: str, font: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    # initialFontName: else the renderer selects Helvetica, left unembedded in every page's resources.
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0], initialFontName=font
    )
    drawing.add(widget)
    drawing.hAlign = "CENTER"
    return drawing


def _body(body: str, styles: _Styles, clean: Cleaner) -> list[Flowable]:
    """One Paragraph per non-blank line; the style indents each by two characters."""
    lines = (line.strip() for line in body.splitlines())
    return [_paragraph(line, styles.body, clean) for line in lines if line]


# -- page furniture ----------------------------------------------------------


def _footer_lines(stamp: CopyStamp, clean: Cleaner) -> tuple[str, str]:
    first = f"{stamp.label}　打印时间 {stamp.printed_at:%Y-%m-%d %H:%M}"
    second = stamp.kiosk_name
    if stamp.content_synced_on is not None:
        second += f"　内容同步于 {stamp.content_synced_on:%Y-%m-%d}"
    return clean(first), clean(second)


@dataclass(slots=True)
class _PageDecor:
    """What is drawn on every page once the total is known; records the total."""

    font: str
    footer: tuple[str, str]
    index_no: str
    mark: str  # "本文件已废止" / "本文件已失效" in the running header, or ""
    limits: _Limits
    pages: int = 0

    def draw(self, canvas: Canvas, number: int, total: int) -> None:
        """Draw the running header and the footer of page `number` of `total`."""
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.setFont(self.font, 8)
        canvas.drawString(MARGIN_X, height - 12 * mm, f"索引号 {self.index_no}")
        if self.mark:
            self._draw_withdrawn_mark(canvas, width - MARGIN_X, height - 13 * mm)
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.line(MARGIN_X, MARGIN_BOTTOM - 8 * mm, width - MARGIN_X, MARGIN_BOTTOM - 8 * mm)
        canvas.setFillColor(colors.black)
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 13 * mm, self.footer[0])
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 17.5 * mm, self.footer[1])
        self._draw_page_number(canvas, f"第 {number} 页 / 共 {total} 页", width - MARGIN_X, MARGIN_BOTTOM - 13 * mm)
        canvas.restoreState()

    def _draw_page_number(self, canvas: Canvas, text: str, right: float, baseline: float) -> None:
        # Wider word spaces: with the font's narrow space, pdftotext reads "第 1 页" as "第1页".
        word_space = 2
        width = canvas.stringWidth(text, self.font, 8) + word_space * text.count(" ")
        line = canvas.beginText(right - width, baseline)
        line.setFont(self.font, 8)
        line.setWordSpace(word_space)
        line.textOut(text)
        canvas.drawText(line)

    def _draw_withdrawn_mark(self, canvas: Canvas, right: float, baseline: float) -> None:
        text = self.mark
        canvas.setFont(self.font, 11)
        text_width = canvas.stringWidth(text, self.font, 11)
        canvas.setStrokeColor(ABOLISHED_RED)
        canvas.setFillColor(ABOLISHED_RED)
        canvas.rect(right - text_width - 4 * mm, baseline - 1.8 * mm, text_width + 4 * mm, 6.5 * mm)
        canvas.drawRightString(right - 2 * mm, baseline, text)


class _StampedCanvas(Canvas):
    """A canvas that holds pages back until save(), then stamps each with x of y."""

    def __init__(self, *args: Any, decor: _PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._held_pages.append(dict(self.__dict__))
        self._decor.limits.check(len(self._held_pages))
        self._startPage()  # reportlab's own page reset

    def save(self) -> None:
        """Stamp every held page now that the total is known, then write the PDF."""
        total = len(self._held_pages)
        self._decor.pages = total
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._decor.draw(self, number, total)
            super().showPage()
        super().save()
