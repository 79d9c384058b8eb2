"""PDF attachments as the publisher made them: their page count (pypdf) and their pages as images (pdfium).

An attachment prints as it is, byte for byte; these only look at it, so the
citizen knows the pages before confirming and can read them on the kiosk.
"""

from __future__ import annotations

import io
import logging

from printing.errors import RenderError

log = logging.getLogger(__name__)
MAX_PAGE_WIDTH = 2000  # pixels: a page drawn wider than a portrait screen needs is refused


def is_pdf(data: bytes) -> bool:
    """True when the bytes begin as a PDF does (a header within the first KiB)."""
    return b"%PDF-" in data[:1024]


def pdf_pages(data: bytes) -> int:
    """The number of pages; RenderError (for the citizen) when the PDF cannot be read or is locked."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not is_pdf(data):
        raise RenderError("此附件不是 PDF 文件，无法打印。")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise RenderError("此附件已加密，无法打印，请联系工作人员。")
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:  # pypdf's errors on a broken file vary
        log.warning("an attachment could not be read as a PDF: %s", exc)
        raise RenderError("此附件无法读取，无法打印，请联系工作人员。") from exc
    if pages < 1:
        raise RenderError("此附件没有页面，无法打印。")
    return pages


def page_image(data: bytes, page: int, width: int) -> bytes:
    """Page `page` (0-based) drawn `width` pixels wide, as PNG bytes; RenderError when it cannot be drawn."""
    import pypdfium2 as pdfium

    if not 0 < width <= MAX_PAGE_WIDTH:
        raise ValueError(f"width must be 1 to {MAX_PAGE_WIDTH} pixels, not {width}")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise RenderError("此附件无法显示，请联系工作人员。") from exc
    try:
        if not 0 <= page < len(document):
            raise RenderError(f"此附件没有第 {page + 1} 页。")
        pdf_page = document[page]
        scale = width / pdf_page.get_width()
        image = pdf_page.render(scale=scale).to_pil()
        if image.width != width:  # pdfium rounds the scaled size up
            image = image.crop((0, 0, width, image.height))
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()
