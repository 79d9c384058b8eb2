"""The services facade the screens and the CLI call: content, search, printing, usage counts.

It implements `screens.services.KioskServices` over the content cache, the
state store and the configured printers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from content_cache import ContentCache
from content_cache.candidates import Candidate
from content_cache.search import Filters, Sort
from content_cache.records import ColumnInfo, ItemDetail, ItemSummary, SearchResult
from kiosk.state import StateStore
from kiosk.sync import SyncStatus
from printing import (
    CopyStamp,
    PrintDocument,
    PrintError,
    PrintKind,
    PrintOutcome,
    ReceiptWidth,
    SpoolPrinter,
    count_a4_pages,
    render_a4,
    render_receipt,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintSettings:
    """What printing needs from the configuration."""

    kiosk_name: str
    font_path: Path
    receipt_width: ReceiptWidth
    collect_at: str


def print_document(item: ItemDetail) -> PrintDocument:
    """The printable view of an item."""
    return PrintDocument(
        index_no=item.index_no,
        title=item.title,
        doc_no=item.doc_no,
        publisher=item.publisher,
        written_on=item.written_on,
        published_on=item.published_on,
        validity_label=item.validity_label,
        body=item.body,
        source_url=item.source_url,
    )


class Services:
    """Everything a screen or a CLI command asks of the kiosk."""

    def __init__(self, content: ContentCache, state: StateStore, printer: SpoolPrinter, settings: PrintSettings):
        self.content = content
        self.state = state
        self.printer = printer
        self.settings = settings
        self.sync_status = SyncStatus()

    def close(self) -> None:
        self.content.close()
        self.state.close()

    def sections(self) -> list[ColumnInfo]:
        return self.content.sections()

    def column(self, code: str) -> ColumnInfo:
        return self.content.column(code)

    def subcolumns(self, code: str) -> list[ColumnInfo]:
        return self.content.subcolumns(code)

    def count_items(self, column_code: str) -> int:
        return self.content.count_items(column_code)

    def list_items(self, column_code: str, offset: int, limit: int) -> list[ItemSummary]:
        return self.content.list_items(column_code, offset, limit)

    def item(self, index_no: str) -> ItemDetail:
        """One item; each opening is counted as a view."""
        detail = self.content.item(index_no)
        self.state.record("view", index_no)
        return detail

    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        facets: bool = False,
    ) -> SearchResult:
        return self.content.search(query, limit, filters=filters, sort=sort, facets=facets)

    def candidates(self, letters: str, limit: int = 10) -> list[Candidate]:
        return self.content.candidates(letters, limit)

    def content_updated_on(self) -> date | None:
        return self.content.updated_on()

    def _stamp(self) -> CopyStamp:
        return CopyStamp(self.settings.kiosk_name, datetime.now(), self.content.updated_on())

    def print_pages(self, index_no: str, kind: PrintKind) -> int:
        """Pages of an A4 copy, or 1 for a slip."""
        if kind == "receipt":
            return 1
        doc = print_document(self.content.item(index_no))
        return count_a4_pages(doc, self._stamp(), font_path=self.settings.font_path)

    def print_item(self, index_no: str, kind: PrintKind) -> PrintOutcome:
        """Record the job, render it, hand it to the printer, record the outcome."""
        doc = print_document(self.content.item(index_no))
        job = self.state.new_job(index_no, doc.title, kind, pages=0)
        try:
            data, pages = self._render(doc, kind, job.job_no)
            self.state.set_state(job.id, "printing", pages=pages)
            output = self.printer.submit(job.job_no, kind, data, title=doc.title)
        except PrintError as exc:
            self.state.set_state(job.id, "failed", error=str(exc))
            log.warning("print job %s failed: %s", job.job_no, exc)
            raise
        self.state.set_state(job.id, "done", output=str(output))
        self.state.record("print", index_no, f"{kind} {pages}")
        return PrintOutcome(job.job_no, kind, pages, self.settings.collect_at, str(output))

    def _render(self, doc: PrintDocument, kind: PrintKind, job_no: str) -> tuple[bytes, int]:
        if kind == "a4":
            return render_a4(doc, self._stamp(), font_path=self.settings.font_path)
        slip = render_receipt(doc, self._stamp(), self.settings.receipt_width, job_no=job_no)
        return slip, 1
