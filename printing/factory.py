"""Printers from their settings: a URI each for the document printer and the receipt printer."""

from __future__ import annotations

from pathlib import Path

from printing.base import Printer
from printing.spool import SpoolPrinter
from printing.uri import DocumentTarget, ReceiptTarget, parse_document, parse_receipt


def document_printer(target: DocumentTarget) -> Printer:
    """The printer for A4 copies."""
    if target.kind == "cups":
        from printing.cups import CupsPrinter

        return CupsPrinter(target.queue)
    assert target.folder is not None
    return SpoolPrinter(target.folder)


def receipt_printer(target: ReceiptTarget) -> Printer:
    """The printer for slips."""
    if target.kind == "spool":
        assert target.folder is not None
        return SpoolPrinter(target.folder)
    from printing.escpos_printer import ReceiptPrinter

    return ReceiptPrinter(target)


def parse_printers(document: str, receipt: str, home: Path) -> tuple[DocumentTarget, ReceiptTarget]:
    """Both targets, checked; PrinterConfigError names the setting at fault."""
    return parse_document(document, "printing.document", home), parse_receipt(receipt, "printing.receipt", home)
