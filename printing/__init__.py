"""Printed copies of disclosed documents: A4 PDFs, receipt slips, and where they go.

No Kivy and no other project package is imported here, so the CLI, workers
and tests use it without a display. The renderers (reportlab, python-escpos,
qrcode) are imported on first use: the kiosk's first screen prints nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from printing.document import CopyStamp, PrintDocument, PrintKind, PrintOutcome, PrintQuote, ReceiptWidth
from printing.errors import FontNotFound, PrintError, PrinterUnavailable, RenderError

if TYPE_CHECKING:
    from printing.a4 import count_a4_pages, estimate_a4_pages, render_a4
    from printing.fonts import find_cjk_font
    from printing.receipt import receipt_lines, render_receipt
    from printing.spool import SpoolPrinter

_LAZY = {
    "count_a4_pages": "printing.a4",
    "estimate_a4_pages": "printing.a4",
    "render_a4": "printing.a4",
    "find_cjk_font": "printing.fonts",
    "receipt_lines": "printing.receipt",
    "render_receipt": "printing.receipt",
    "SpoolPrinter": "printing.spool",
}

__all__ = [
    "CopyStamp",
    "FontNotFound",
    "PrintDocument",
    "PrintError",
    "PrintKind",
    "PrintOutcome",
    "PrintQuote",
    "PrinterUnavailable",
    "ReceiptWidth",
    "RenderError",
    "SpoolPrinter",
    "count_a4_pages",
    "estimate_a4_pages",
    "find_cjk_font",
    "receipt_lines",
    "render_a4",
    "render_receipt",
]


def __getattr__(name: str) -> Any:
    """A renderer or helper, imported from its module when first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
