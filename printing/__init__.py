"""Printed copies of disclosed documents: A4 PDFs, receipt slips, and where they go.

No Kivy and no other project package is imported here, so the CLI, workers
and tests use it without a display.
"""

from __future__ import annotations

from printing.a4 import count_a4_pages, render_a4
from printing.document import CopyStamp, PrintDocument, PrintKind, PrintOutcome, PrintQuote, ReceiptWidth
from printing.errors import FontNotFound, PrintError, PrinterUnavailable, RenderError
from printing.fonts import find_cjk_font
from printing.receipt import receipt_lines, render_receipt
from printing.spool import SpoolPrinter

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
    "find_cjk_font",
    "receipt_lines",
    "render_a4",
    "render_receipt",
]
