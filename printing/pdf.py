"""PDF attachments as the publisher made them: their page count and their pages as images (pdfium).

An attachment prints as it is, byte for byte; these only look at it, so the
citizen knows the pages before confirming and can read them on the kiosk.

A page is drawn only when its picture is of a size the screen can hold: its
size is read first, and a page of no size, or one far taller or wider than
any sheet of paper (a 200 × 20,000 pt strip drawn 1,000 pixels wide would be
100,000 pixels tall, 400 MB before the screen refuses it), is refused with a
plain reason instead. The page count comes from pdfium too: it reads the page
tree without building every page, 0.2 s for 100,000 pages where pypdf took 25 s.
"""

from __future__ import annotations

import io
import logging
import math
from typing import TYPE_CHECKING

from printing.errors import RenderError

if TYPE_CHECKING:
    import pypdfium2 as pdfium

log = logging.getLogger(__name__)
MAX_PAGE_WIDTH = 2000  # pixels: a page drawn wider than a portrait screen needs is refused
# Height over width of the pages shown: a long strip or a banner would be unreadable at the screen's size,
# and its picture large out of all proportion (an A4 page is 1.41, a legal one 1.65, A4 landscape 0.71).
MAX_TALLNESS = 4.0
MIN_TALLNESS = 1 / 8

NOT_PDF = "此附件不是 PDF 文件，无法打印。"
ENCRYPTED = "此附件已加密，无法打印，请联系工作人员。"
UNREADABLE = "此附件无法读取，无法打印，请联系工作人员。"
NO_PAGES = "此附件没有页面，无法打印。"
CANNOT_SHOW = "此附件无法显示，请联系工作人员。"
TOO_TALL = "这一页太长，无法在屏幕上显示。"
TOO_WIDE = "这一页太宽，无法在屏幕上显示。"
NO_SIZE = "这一页没有有效的尺寸，无法在屏幕上显示。"


def is_pdf(data: bytes) -> bool:
    """True when the bytes begin as a PDF does (a header within the first KiB)."""
    return b"%PDF-" in data[:1024]


def pdf_pages(data: bytes) -> int:
    """The number of pages; RenderError (for the citizen) when the PDF cannot be read or is locked."""
    if not is_pdf(data):
        raise RenderError(NOT_PDF)
    document = _open(data, UNREADABLE)
    try:
        pages = len(document)
    finally:
        document.close()
    if pages < 1:
        raise RenderError(NO_PAGES)
    return pages


def page_image(data: bytes, page: int, width: int) -> bytes:
    """Page `page` (0-based) drawn `width` pixels wide, as PNG bytes; RenderError when it cannot be drawn.

    The page's size is checked before anything is drawn: see the module docstring.
    """
    if not 0 < width <= MAX_PAGE_WIDTH:
        raise ValueError(f"width must be 1 to {MAX_PAGE_WIDTH} pixels, not {width}")
    document = _open(data, CANNOT_SHOW)
    try:
        if not 0 <= page < len(document):
            raise RenderError(f"此附件没有第 {page + 1} 页。")
        pdf_page = document[page]
        page_width, page_height = pdf_page.get_size()  # as shown: a /Rotate of 90 or 270 swaps them
        _check_size(page_width, page_height)
        image = pdf_page.render(scale=width / page_width).to_pil()
        if image.width != width:  # pdfium rounds the scaled size up
            image = image.crop((0, 0, width, image.height))
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


def _open(data: bytes, unreadable: str) -> pdfium.PdfDocument:
    """The PDF opened by pdfium; RenderError with `unreadable` (or the locked words) when it cannot be."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.warning("an attachment could not be opened as a PDF: %s", exc)
        raise RenderError(ENCRYPTED if "password" in str(exc).lower() else unreadable) from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:  # an owner password still locks it
        document.close()
        raise RenderError(ENCRYPTED)
    return document


def _check_size(page_width: float, page_height: float) -> None:
    """RenderError when a page of this size (in points, as shown) cannot be drawn for the screen."""
    if not (math.isfinite(page_width) and math.isfinite(page_height) and page_width > 0 and page_height > 0):
        raise RenderError(NO_SIZE)
    tallness = page_height / page_width
    if tallness > MAX_TALLNESS:
        raise RenderError(TOO_TALL)
    if tallness < MIN_TALLNESS:
        raise RenderError(TOO_WIDE)
