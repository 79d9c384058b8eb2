"""The services facade the screens and the CLI call: content, search, printing, usage counts.

It implements `screens.services.KioskServices` over the content cache, the
state store and the configured printers.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from content_cache import ContentCache
from content_cache.candidates import Candidate
from content_cache.search import Filters, Sort
from content_cache.records import ColumnInfo, ItemDetail, ItemSummary, SearchResult
from kiosk.state import StateStore
from kiosk.sync import SyncStatus
from kiosk.jobs import JobError, JobQueue, describe_time
from kiosk.staff import StaffAccess
from kiosk.state import PrintJob
from printing import (  # the renderers (count_a4_pages, render_a4, render_receipt) load on first use
    CopyStamp,
    PrintDocument,
    PrintError,
    PrintKind,
    PrintOutcome,
    PrintQuote,
    ReceiptWidth,
)
import printing
from printing.base import PrinterStatus
from printing.pdf import page_image, pdf_pages
from printing.document import withdrawn_mark
from printing.uri import TextMode
from screens.services import STATE_NAMES, JobView, PrinterView, SignIn, StaffOverview


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintSettings:
    """What printing needs from the configuration."""

    kiosk_name: str
    font_path: Path
    receipt_width: ReceiptWidth
    collect_at: str
    receipt_text: TextMode = "gb18030"
    wait_seconds: float = 20.0  # how long a citizen's print waits for the printer before "it will follow"


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

    def __init__(
        self, content: ContentCache, state: StateStore, queue: JobQueue, settings: PrintSettings, attachments: Path
    ):
        self.content = content
        self.attachments = attachments  # the folder the sync stores attachments in, by SHA-256
        self.state = state
        self.queue = queue
        self.settings = settings
        self.staff = StaffAccess(state)
        self.sync_status = SyncStatus()
        self.visitor = _new_visitor()

    def close(self) -> None:
        self.content.close()
        self.state.close()

    def new_visit(self) -> None:
        """A new visitor: the per-visit page quota starts again (the kiosk went back to Home when idle)."""
        self.visitor = _new_visitor()

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

    # -- printing for the citizen -------------------------------------------------------------

    def print_pages(self, index_no: str, kind: PrintKind) -> int:
        """Pages of an A4 copy, or 1 for a slip."""
        return self.print_quote(index_no, kind).pages

    def print_quote(self, index_no: str, kind: PrintKind, attachment: str | None = None) -> PrintQuote:
        """Pages, fee, release and the 废止/失效 warning of a copy (of the item, or of a PDF attachment as it is)."""
        doc = print_document(self.content.item(index_no))
        if attachment is not None:
            try:
                pages = pdf_pages(self.attachment_bytes(index_no, attachment))
            except PrintError as exc:
                return PrintQuote("a4", 0, warning=validity_warning(doc), refusal=str(exc))
            kind = "a4"
        else:
            pages = 1 if kind == "receipt" else printing.count_a4_pages(doc, self._stamp(), font_path=self.settings.font_path)
        quote = self.queue.quote(kind, pages, self.visitor)
        return PrintQuote(kind, pages, quote.fee_cents, quote.needs_release, validity_warning(doc), quote.refusal)

    def print_item(
        self, index_no: str, kind: PrintKind, *, attachment: str | None = None, wait: float | None = None
    ) -> PrintOutcome:
        """Render the copy (or take the PDF attachment as it is), queue it, and wait (bounded) for the printer.

        A held job's citizen gets a slip with its number.
        """
        doc = print_document(self.content.item(index_no))
        source, title = "item", doc.title
        data: bytes | Callable[[str], bytes]
        if attachment is not None:
            data = self.attachment_bytes(index_no, attachment)
            kind, pages, source, title = "a4", pdf_pages(data), f"attachment:{attachment}", f"{doc.title}（附件：{attachment}）"
        elif kind == "a4":
            data, pages = self._render(doc, kind)
        else:  # the slip carries its job number
            data, pages = (lambda job_no: self._render(doc, kind, job_no)[0]), 1
        try:
            job = self.queue.submit(index_no=index_no, title=title, kind=kind, data=data, pages=pages,
                                    visitor=self.visitor, source=source, warning=validity_warning(doc))
        except JobError as exc:
            raise PrintRefused(str(exc)) from exc
        if job.state == "awaiting_release":
            self._ticket(doc, job.job_no, pages, job.fee_cents)
        job = self.wait_for(job.job_no, self.settings.wait_seconds if wait is None else wait)
        return self._outcome(job)

    def attachment_bytes(self, index_no: str, name: str) -> bytes:
        """An attachment's bytes as the sync stored them, checked against their SHA-256 and size."""
        record = self.content.attachment(index_no, name)
        try:
            from content_cache.sync.run import attachment_file  # the sync's module loads httpx

            data = attachment_file(self.attachments, record.sha256).read_bytes()
        except OSError as exc:
            log.warning("attachment %s of %s is not readable: %s", name, index_no, exc)
            raise PrintRefused("此附件文件缺失，暂时无法打印，请联系工作人员。") from exc
        if len(data) != record.size or hashlib.sha256(data).hexdigest() != record.sha256:
            log.error("attachment %s of %s does not match its SHA-256: refused", name, index_no)
            raise PrintRefused("此附件文件已损坏，暂时无法打印，请联系工作人员。")
        return data

    def attachment_pages(self, index_no: str, name: str) -> int:
        """How many pages a PDF attachment has."""
        return pdf_pages(self.attachment_bytes(index_no, name))

    def attachment_page(self, index_no: str, name: str, page: int, width: int) -> bytes:
        """Page `page` (0-based) of a PDF attachment, `width` pixels wide, as PNG bytes."""
        return page_image(self.attachment_bytes(index_no, name), page, width)

    def wait_for(self, job_no: str, seconds: float) -> PrintJob:
        """Send due jobs and follow this one until it settles or `seconds` pass."""
        deadline = time.monotonic() + seconds
        while True:
            self.queue.work()
            job = self.queue.get(job_no)
            if self.queue.is_settled(job) or time.monotonic() >= deadline:
                return job
            time.sleep(0.2)

    def _outcome(self, job: PrintJob) -> PrintOutcome:
        where = self.settings.collect_at
        message = {
            "done": f"请到{where}领取。",
            "awaiting_release": f"本次打印页数较多，需工作人员放行：请凭任务号到{where}办理。",
            "queued": f"打印机暂不可用，任务已保留，恢复后自动打印。请到{where}出示任务号。",
            "printing": f"正在打印，请到{where}领取。",
            "check_printer": f"打印可能未完成，请到{where}出示任务号，由工作人员处理。",
            "failed": f"打印失败，请到{where}出示任务号，由工作人员处理。",
        }.get(job.state, f"请到{where}出示任务号。")
        return PrintOutcome(job.job_no, job.kind, job.pages, where, job.output, job.state,  # type: ignore[arg-type]
                            message, job.fee_cents)

    def _ticket(self, doc: PrintDocument, job_no: str, pages: int, fee_cents: int) -> None:
        """The slip a held job's citizen takes to the desk: its job number, pages and fee."""
        fee = f"，费用 {fee_cents / 100:.2f} 元" if fee_cents else ""
        ticket = replace(  # a slip prints the title and the metadata, not the body
            doc,
            title=f"取件凭条 任务号 {job_no}：A4 复印件共 {pages} 页{fee}，需工作人员放行。"
            f"请到{self.settings.collect_at}出示本凭条。《{doc.title}》",
        )
        data = printing.render_receipt(ticket, self._stamp(), self.settings.receipt_width, job_no=job_no,
                              text=self.settings.receipt_text, font_path=self.settings.font_path)
        try:
            self.queue.submit(index_no=doc.index_no, title=ticket.title, kind="receipt", data=data, pages=1,
                              visitor=self.visitor, source=f"ticket:{job_no}", exempt=True)
        except JobError as exc:
            log.warning("the slip of held job %s was not queued: %s", job_no, exc)

    def _render(self, doc: PrintDocument, kind: PrintKind, job_no: str | None = None) -> tuple[bytes, int]:
        if kind == "a4":
            return printing.render_a4(doc, self._stamp(), font_path=self.settings.font_path)
        slip = printing.render_receipt(doc, self._stamp(), self.settings.receipt_width, job_no=job_no,
                              text=self.settings.receipt_text, font_path=self.settings.font_path)
        return slip, 1

    # -- the staff console and the CLI ------------------------------------------------------------

    def printer_status(self) -> dict[str, tuple[str, PrinterStatus, str]]:
        """Each printer role: its name, its state now, and the last error of its jobs."""
        result = {}
        for kind, printer in self.queue.printers.items():
            failed = self.queue.jobs(("failed", "check_printer", "queued"), limit=50)
            last_error = next((j.error for j in failed if j.kind == kind and j.error), "")
            result[kind] = (printer.name, printer.status(), last_error)
        return result

    def test_print(self, kind: PrintKind, actor: str) -> PrintJob:
        """A short test copy on one printer, through the queue like any job."""
        doc = PrintDocument(
            index_no="TEST/0000-00000", title="打印机测试页 Printer test", doc_no=None,
            publisher=self.settings.kiosk_name, written_on=None, published_on=date.today(), validity_label="有效",
            body="这是一张测试页：中文、English、数字 0123456789。若能看清本页，打印机工作正常。", source_url="",
        )
        data, pages = self._render(doc, kind)
        job = self.queue.submit(index_no=doc.index_no, title=doc.title, kind=kind, data=data, pages=pages,
                                visitor="staff", source="test", exempt=True)
        self.state.audit(actor, "test-print", f"{kind} as job {job.job_no}")  # type: ignore[arg-type]
        return job


    # -- the staff console ----------------------------------------------------------------------

    def staff_sign_in(self, pin: str) -> SignIn:
        check = self.staff.check(pin, "console")
        return SignIn(check.ok, check.message)

    def staff_overview(self, today_only: bool) -> StaffOverview:
        jobs = tuple(
            JobView(j.job_no, j.state, j.kind, j.pages, j.title, describe_time(j.created_at), j.error, j.fee_cents,
                    j.collected_at is not None)
            for j in sorted(self.queue.jobs(today=today_only, limit=60), key=lambda j: STAFF_ORDER.get(j.state, 9))
        )
        printers = tuple(
            PrinterView(kind, name, status.state, status.reason, status.paper, error)  # type: ignore[arg-type]
            for kind, (name, status, error) in self.printer_status().items()
        )
        counts = self.queue.today()
        runs = tuple(
            f"{describe_time(r.started_at)}  {r.outcome}  +{r.added} ~{r.updated} -{r.withdrawn}"
            f"{'  ' + r.error[:80] if r.error else ''}"
            for r in self.state.sync_runs(3)
        )
        return StaffOverview(jobs, printers, counts.jobs, counts.pages, counts.failures, counts.waiting, runs)

    def job_action(self, job_no: str, action: str) -> str:
        moves = {"release": self.queue.release, "cancel": self.queue.cancel, "reprint": self.queue.reprint,
                 "collected": self.queue.collected}
        if action not in moves:
            raise JobError(f"unknown action {action!r}")
        job = moves[action](job_no, "console")
        if action == "reprint":
            return f"任务 {job_no} 已重印为任务 {job.job_no}"
        return f"任务 {job.job_no}：{STATE_NAMES.get(job.state, job.state)}"

    def staff_test_print(self, kind: PrintKind) -> str:
        job = self.test_print(kind, "console")
        job = self.wait_for(job.job_no, 15)
        return f"测试页任务 {job.job_no}：{STATE_NAMES.get(job.state, job.state)}{('，' + job.error) if job.error else ''}"



# The console lists jobs by state, those that need staff first (newest first within a state).
STAFF_ORDER = {"check_printer": 0, "awaiting_release": 1, "failed": 2, "queued": 3, "printing": 4}


def _new_visitor() -> str:
    return uuid.uuid4().hex[:16]


def validity_warning(doc: PrintDocument) -> str:
    """The warning shown before printing a document that is no longer in force, or ''."""
    mark = withdrawn_mark(doc.validity_label)
    return f"{mark}，打印件仅供查阅参考。" if mark else ""


class PrintRefused(PrintError):
    """The copy cannot be made now (quota, no room for the job); the message is for the citizen."""
