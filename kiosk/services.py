"""The services facade the screens and the CLI call: content, search, printing, usage counts.

It implements `kiosk.app_services.AppServices` (every screen's Protocol) over the content cache, the
state store and the configured printers.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import printing
from content_cache import ContentCache
from content_cache.attachments import AttachmentDamaged, AttachmentUnreadable, read_attachment
from content_cache.handwriting import UNSURE_BELOW, Recognised, Recogniser, Stroke, open_recogniser
from content_cache.records import (
    Candidate,
    ColumnInfo,
    Filters,
    ItemDetail,
    ItemSummary,
    SearchResult,
    Sort,
    Suggestion,
)
from kiosk.console import ROLE_NAMES, job_view, printer_view
from kiosk.console_figures import Period, figures_view, period_days
from kiosk.errors import ASK_STAFF, UNEXPECTED, Trouble, trouble
from kiosk.jobs import Actor, JobError, JobQueue, QuotaExceeded, Quote, describe_time, job_id
from kiosk.print_outcome import (
    NO_JOB,
    job_words,
    later_note,
    made_but_unfollowed,
    release_reason,
)
from kiosk.report import make_report
from kiosk.staff import StaffAccess
from kiosk.state import PrintJob, StateStore
from kiosk.sync import SyncStatus
from printing import (  # the renderers (count_a4_pages, render_a4, render_receipt) load on first use
    CopyStamp,
    PrintDocument,
    PrintError,
    PrintKind,
    PrintOutcome,
    PrintQuote,
    ReceiptWidth,
)
from printing.base import PrinterStatus
from printing.document import TICKET_LABEL, withdrawn_mark
from printing.errors import RenderError
from printing.forms import held_job_ticket, printer_test_page
from printing.job_states import ACTION_VERBS, LAST_ERROR_STATES, StaffAction, allows, console_order, staff_action
from printing.pdf import page_image, pdf_pages
from printing.uri import TextMode
from screens.services import ActionDone, CitizenError, FiguresView, SignIn, StaffOverview

log = logging.getLogger(__name__)
T = TypeVar("T")
WRITTEN_GUESSES = 20  # the recogniser's guesses the catalogue re-ranks
WRITTEN_LIMIT = 8  # characters offered after a stroke
NEXT_WORDS = 6  # words offered after a character is chosen


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
        validity=item.validity,
        body=item.body,
        source_url=item.source_url,
    )


class Services:
    """Everything a screen or a CLI command asks of the kiosk."""

    def __init__(
        self,
        content: ContentCache,
        state: StateStore,
        queue: JobQueue,
        settings: PrintSettings,
        attachments: Path,
        handwriting_model: Path | None = None,  # the Zinnia model of the 手写 pad; None: the pad is not offered
        room: tuple[str, str] = ("政府信息查阅场所", "查阅终端1"),  # the reading room's and this kiosk's names
        usage_days: int = 1095,  # days the usage events are kept before only their daily totals are
    ):
        self.content = content
        self.attachments = attachments  # the folder the sync stores attachments in, by SHA-256
        self.state = state
        self.queue = queue
        self.settings = settings
        self.staff = StaffAccess(state)
        self.sync_status = SyncStatus()
        self.visitor = _new_visitor()
        self.handwriting_model = handwriting_model
        self.room, self.usage_days = room, usage_days
        self._suggested: tuple[object, list[Suggestion]] | None = None

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

    def count_items(self, column_code: str, year: int | None = None) -> int:
        return self.content.count_items(column_code, year)

    def year_counts(self, column_code: str) -> list[tuple[int, int]]:
        return self.content.year_counts(column_code)

    def list_items(self, column_code: str, offset: int, limit: int, year: int | None = None) -> list[ItemSummary]:
        return self.content.list_items(column_code, offset, limit, year)

    def item(self, index_no: str) -> ItemDetail:
        """One item (the App counts its reading, and how long, when the document screen is left)."""
        return self.content.item(index_no)

    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        facets: bool = False,
        offset: int = 0,
    ) -> SearchResult:
        """A page of hits: `offset` skips the hits of the pages already shown."""
        return self.content.search(query, limit, filters=filters, sort=sort, facets=facets, offset=offset)

    def candidates(self, letters: str, limit: int = 10) -> list[Candidate]:
        return self.content.candidates(letters, limit)

    def prepare_search(self) -> None:
        from content_cache import lexicon
        from content_cache.query import warm

        warm()
        lexicon.warm()

    # -- the handwriting pad -------------------------------------------------------------------------

    def _recogniser(self) -> Recogniser | None:
        model = self.handwriting_model
        return open_recogniser(model) if model is not None else None

    def handwriting_ready(self) -> bool:
        """Whether the 手写 pad can be offered: the Zinnia library and its model load (the reason logged once)."""
        return self._recogniser() is not None

    def recognise(self, strokes: Sequence[Stroke], width: float, height: float, before: str) -> Recognised:
        """The characters the strokes may be, best first, re-ranked by what the titles hold after `before`."""
        recogniser = self._recogniser()
        if recogniser is None:
            return Recognised((), True)
        guesses = recogniser.classify(strokes, width, height, WRITTEN_GUESSES)
        chars = self.content.written_candidates(guesses, before, WRITTEN_LIMIT)
        return Recognised(tuple(chars), not chars or guesses[0].score < UNSURE_BELOW)

    def warm_search(self) -> None:
        """Open the recogniser and work out the searches to tap before the first visitor opens Search."""
        try:
            self.handwriting_ready()
            self.suggested_searches()
        except Exception:  # Search works them out itself when opened
            log.exception("the search screen's searches to tap could not be worked out at start")

    def suggested_searches(self) -> list[Suggestion]:
        """The empty search screen's searches to tap, worked out once for each content the cache holds."""
        key = (self.content.feed_sequence(), self.content.updated_on())
        if self._suggested is None or self._suggested[0] != key:
            self._suggested = (key, self.content.suggested_searches())
        return self._suggested[1]

    def next_words(self, before: str) -> list[str]:
        """Words that begin with the query's last character (财 → 财政, 财务), for the pad's candidates."""
        return self.content.next_words(before, NEXT_WORDS)

    def content_updated_on(self) -> date | None:
        return self.content.updated_on()

    def sync_failed(self) -> bool:
        running, _progress, error = self.sync_status.snapshot()
        return bool(error) and not running

    def _stamp(self) -> CopyStamp:
        return CopyStamp(self.settings.kiosk_name, datetime.now(), self.content.updated_on())

    # -- printing for the citizen -------------------------------------------------------------

    def print_quote(self, index_no: str, kind: PrintKind, attachment: str | None = None) -> PrintQuote:
        """Pages, fee, release and the 废止/失效 warning of a copy (of the item, or of a PDF attachment as it is).

        Never raises: what stops the copy is said in `refusal`, in the citizen's words.
        """
        try:
            return self._quote(index_no, kind, attachment)
        except Exception as exc:  # the citizen's boundary: the log gets the detail
            log.exception("no quote for %s (%s, attachment %s)", index_no, kind, attachment)
            return PrintQuote(kind, 0, refusal=trouble(exc).text)

    def _quote(self, index_no: str, kind: PrintKind, attachment: str | None) -> PrintQuote:
        doc = print_document(self.content.item(index_no))
        if attachment is not None:
            try:
                pages = self.attachment_pages(index_no, attachment)
            except PrintRefused as exc:
                return PrintQuote("a4", 0, warning=validity_warning(doc), refusal=str(exc))
            kind = "a4"
        elif kind == "receipt":
            pages = 1
        else:
            early = self._refused_early(doc)
            if early.refusal:
                return PrintQuote(kind, early.pages, warning=validity_warning(doc), refusal=early.refusal)
            pages = printing.count_a4_pages(doc, self._stamp(), font_path=self.settings.font_path)
        quote = self.queue.quote(kind, pages, self.visitor)
        reason = ""
        if quote.needs_release:
            reason = (
                f"{release_reason(self.queue.policy.release_above)}\n"
                f"确认后本机出纸口会打出取件凭条，请持凭条到{self.settings.collect_at}领取。"
            )
        return PrintQuote(
            kind, pages, quote.fee_cents, quote.needs_release, validity_warning(doc), quote.refusal, reason
        )

    def print_item(
        self, index_no: str, kind: PrintKind, *, attachment: str | None = None, wait: float | None = None
    ) -> PrintOutcome:
        """A citizen's print: render the copy (or take the PDF attachment), queue it, wait (bounded) for it.

        The error boundary of the print screen: before the job exists any failure is a PrintRefused
        whose message says what happened, what to do and that no job was made; once it exists, the
        outcome carries its number and true state whatever goes wrong. A held job's citizen gets a slip.
        """
        try:
            doc, job = self._submit(index_no, kind, attachment)
        except Exception as exc:
            log.exception("print of %s (%s, attachment %s) not made", index_no, kind, attachment)
            raise PrintRefused(f"{trouble(exc).text}\n{NO_JOB}") from exc
        return self._follow(doc, job, wait, citizen=True)

    def print_copy(
        self, index_no: str, kind: PrintKind, *, attachment: str | None = None, wait: float | None = None
    ) -> PrintOutcome:
        """`print_item` for the operator (`kiosk print`): what goes wrong is raised as it is, for the log and stderr."""
        doc, job = self._submit(index_no, kind, attachment)
        return self._follow(doc, job, wait, citizen=False)

    def _follow(self, doc: PrintDocument, job: PrintJob, wait: float | None, *, citizen: bool) -> PrintOutcome:
        """The slip of a held job, then the job followed until it settles or `wait` passes."""
        if job.state == "awaiting_release":
            self._ticket(doc, job.job_no, job.pages, job.fee_cents)
        try:
            followed = self.wait_for(job.job_no, self.settings.wait_seconds if wait is None else wait)
        except Exception:
            if not citizen:
                raise
            log.exception("print job %s: made, but its progress could not be followed", job.job_no)
            if job.state == "awaiting_release":
                return self._outcome(job)
            return made_but_unfollowed(
                job.kind,
                job.job_no,
                job.pages,
                self.settings.collect_at,
                job.fee_cents,
            )
        return self._outcome(followed)

    def _submit(self, index_no: str, kind: PrintKind, attachment: str | None) -> tuple[PrintDocument, PrintJob]:
        """Make the job: its copy rendered (or the attachment taken) and recorded, quotas checked."""
        doc = print_document(self.content.item(index_no))
        source, title = "item", doc.title
        data: bytes | Callable[[str], bytes]
        if attachment is not None:
            attached = data = self.attachment_bytes(index_no, attachment)
            kind, pages, source, title = (
                "a4",
                _for_citizen(lambda: pdf_pages(attached), ATTACHMENT_UNREADABLE),
                f"attachment:{attachment}",
                f"{doc.title}（附件：{attachment}）",
            )
        elif kind == "a4":
            if refusal := self._refused_early(doc).refusal:
                raise QuotaExceeded(refusal)
            data, pages = self._render(doc, kind)
        else:  # the slip carries its job number
            data, pages = (lambda job_no: self._render(doc, kind, job_no)[0]), 1
        job = self.queue.submit(
            index_no=index_no,
            title=title,
            kind=kind,
            data=data,
            pages=pages,
            visitor=self.visitor,
            source=source,
            warning=validity_warning(doc),
        )
        return doc, job

    def _refused_early(self, doc: PrintDocument) -> Quote:
        """The quotas applied to the pages an A4 copy takes at least: a copy over them is refused unrendered."""
        return self.queue.quote("a4", printing.estimate_a4_pages(doc, font_path=self.settings.font_path), self.visitor)

    def attachment_bytes(self, index_no: str, name: str) -> bytes:
        """An attachment's bytes as the sync stored them, checked against their SHA-256 and size."""
        try:
            return read_attachment(self.attachments, self.content.attachment(index_no, name))
        except AttachmentUnreadable as exc:
            log.warning("attachment %s of %s is not readable: %s", name, index_no, exc)
            raise PrintRefused("此附件文件缺失，暂时无法查看或打印。" + ASK_STAFF) from exc
        except AttachmentDamaged as exc:
            log.error("attachment %s of %s does not match its SHA-256: refused", name, index_no)
            raise PrintRefused("此附件文件已损坏，暂时无法查看或打印。" + ASK_STAFF) from exc

    def attachment_pages(self, index_no: str, name: str) -> int:
        """How many pages a PDF attachment has; PrintRefused (for the citizen) when it cannot be read."""
        return _for_citizen(lambda: pdf_pages(self.attachment_bytes(index_no, name)), ATTACHMENT_UNREADABLE)

    def attachment_page(self, index_no: str, name: str, page: int, width: int) -> bytes:
        """Page `page` (0-based) of a PDF attachment, `width` pixels wide, as PNG bytes."""
        return _for_citizen(
            lambda: page_image(self.attachment_bytes(index_no, name), page, width), ATTACHMENT_UNREADABLE
        )

    def job_notes(self, job_nos: list[str], *, visit_over: bool = False) -> list[str]:
        """A line for each job of a visit, from its state now: 您的打印任务 0007：请到服务台领取 (or 已由工作人员取消…).

        Once the visit is over (Home's banner), a slip already printed is left out: it came out of the kiosk.
        """
        notes = []
        for job_no in job_nos:
            try:
                job = self.queue.get(job_no)
            except Exception:
                log.exception("print job %s: its state could not be read for the visit's note", job_no)
                notes.append(f"您的打印任务 {job_no}：请到{self.settings.collect_at}出示任务号")
                continue
            if visit_over and job.kind == "receipt" and job.state == "done":
                continue
            notes.append(f"您的打印任务 {job.job_no}：{later_note(job.kind, job.state, self.settings.collect_at)}")
        return notes

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
        message, pickup = job_words(job.kind, job.state, where, self.queue.policy.release_above)
        return PrintOutcome(
            job.job_no,
            job.kind,
            job.pages,
            where,
            job.output,
            job.state,
            message,
            job.fee_cents,
            pickup,
        )

    def _ticket(self, doc: PrintDocument, job_no: str, pages: int, fee_cents: int) -> None:
        """The slip a held job's citizen takes to the desk: its job number, pages and fee."""
        ticket = held_job_ticket(doc, job_no, pages, fee_cents, self.settings.collect_at)
        try:
            data = printing.render_receipt(
                ticket,
                self._stamp(),
                self.settings.receipt_width,
                job_no=job_no,
                text=self.settings.receipt_text,
                font_path=self.settings.font_path,
                heading=TICKET_LABEL,
            )
            self.queue.submit(
                index_no=doc.index_no,
                title=ticket.title,
                kind="receipt",
                data=data,
                pages=1,
                visitor=self.visitor,
                source=f"ticket:{job_no}",
                exempt=True,
            )
        except Exception:  # the held job stands without its slip: the screen shows the number
            log.exception("the slip of held job %s was not queued", job_no)

    def _render(self, doc: PrintDocument, kind: PrintKind, job_no: str | None = None) -> tuple[bytes, int]:
        if kind == "a4":
            return printing.render_a4(doc, self._stamp(), font_path=self.settings.font_path)
        slip = printing.render_receipt(
            doc,
            self._stamp(),
            self.settings.receipt_width,
            job_no=job_no,
            text=self.settings.receipt_text,
            font_path=self.settings.font_path,
        )
        return slip, 1

    # -- the staff console and the CLI ------------------------------------------------------------

    def printer_status(self) -> dict[PrintKind, tuple[str, PrinterStatus, str]]:
        """Each printer role: its name, its state now, and the last error of its jobs."""
        result: dict[PrintKind, tuple[str, PrinterStatus, str]] = {}
        for kind, printer in self.queue.printers.items():
            failed = self.queue.jobs(LAST_ERROR_STATES, limit=50)
            last_error = next((j.error for j in failed if j.kind == kind and j.error), "")
            result[kind] = (printer.name, printer.status(), last_error)
        return result

    def test_print(self, kind: PrintKind, actor: str) -> PrintJob:
        """A short test copy on one printer, through the queue like any job."""
        doc = printer_test_page(self.settings.kiosk_name, date.today())
        data, pages = self._render(doc, kind)
        job = self.queue.submit(
            index_no=doc.index_no,
            title=doc.title,
            kind=kind,
            data=data,
            pages=pages,
            visitor="staff",
            source="test",
            exempt=True,
        )
        self.state.audit(actor, "test-print", f"{kind} as job {job.job_no}")
        return job

    # -- the staff console ----------------------------------------------------------------------

    def staff_sign_in(self, pin: str) -> SignIn:
        check = self.staff.check(pin, "console")
        return SignIn(check.ok, check.message, check.locked_for)

    def staff_locked_for(self) -> float:
        return self.staff.locked_for()

    def staff_overview(self, today_only: bool) -> StaffOverview:
        jobs = tuple(
            job_view(j)
            for j in sorted(self.queue.jobs(today=today_only, limit=60), key=lambda j: console_order(j.state))
        )
        printers = tuple(
            printer_view(kind, self.queue.printers[kind], status, error)
            for kind, (_name, status, error) in self.printer_status().items()
        )
        counts = self.queue.today()
        runs = tuple(
            f"{describe_time(r.started_at)}  {r.outcome}  +{r.added} ~{r.updated} -{r.withdrawn}"
            f"{'  ' + r.error[:80] if r.error else ''}"
            for r in self.state.sync_runs(3)
        )
        return StaffOverview(
            jobs, printers, counts.jobs, counts.pages, counts.failures, counts.waiting, runs, counts.slips
        )

    def staff_figures(self, period: Period) -> FiguresView:
        """The figures page of the console: today, this month or this year."""
        start, end, named = period_days(period)
        place, name = self.room
        report, _export = make_report(
            self.state, self.content, start, end, room=place, kiosk=name, keep_days=self.usage_days, exported=False
        )
        return figures_view(report, named)

    def job_action(self, job_no: str, action: str) -> ActionDone:
        chosen = staff_action(action)
        if chosen is None:
            raise JobError(f"unknown action {action!r}")
        moves: dict[StaffAction, Callable[[str, Actor], PrintJob]] = {
            "release": self.queue.release,
            "cancel": self.queue.cancel,
            "reprint": self.queue.reprint,
            "collected": self.queue.collected,
        }
        try:
            job = moves[chosen](job_no, "console")
        except JobError as exc:
            raise ActionRefused(self._refusal(job_no, chosen)) from exc
        if action == "reprint":
            return ActionDone(f"任务 {job_id(job_no):04d} 已重印为任务 {job.job_no}", job.job_no)
        said = (
            f"任务 {job.job_no} 已登记为已取件"
            if action == "collected"
            else f"已{ACTION_VERBS[chosen]}任务 {job.job_no}"
        )
        return ActionDone(said, job.job_no)

    def _refusal(self, job_no: str, action: StaffAction) -> str:
        """Why staff cannot do `action` to the job, in Chinese; the console adds the job's state now."""
        verb = ACTION_VERBS[action]
        try:
            state = self.queue.get(job_no).state
        except JobError:
            return f"没有任务 {job_no}"
        if action == "reprint" and allows(state, "reprint"):  # allowed, yet refused: its copy is gone
            return f"未能重印任务 {job_no}：它的打印文件已不在本机"
        return f"未能{verb}任务 {job_no}：它的状态已变化"

    def staff_test_print(self, kind: PrintKind) -> ActionDone:
        job = self.test_print(kind, "console")
        self.wait_for(job.job_no, 15)
        return ActionDone(f"已发送{ROLE_NAMES.get(kind, kind)}测试页（任务 {job.job_no}）", job.job_no)


def _new_visitor() -> str:
    return uuid.uuid4().hex[:16]


def validity_warning(doc: PrintDocument) -> str:
    """The warning shown before printing a document that is no longer in force, or ''."""
    mark = withdrawn_mark(doc.validity)
    return f"{mark}，打印件仅供查阅参考。" if mark else ""


class ActionRefused(JobError, CitizenError):
    """A staff action the job's state no longer allows; the message is in Chinese for the console."""


class PrintRefused(PrintError, CitizenError):
    """The copy cannot be made or the attachment read; the message is for the citizen (see kiosk.errors)."""


ATTACHMENT_UNREADABLE = Trouble("此附件暂时无法显示。", ASK_STAFF)


def _for_citizen(call: Callable[[], T], fallback: Trouble) -> T:
    """`call()`, its failures said in the citizen's words (the attachment's own, or the central map's)."""
    try:
        return call()
    except PrintRefused:
        raise
    except RenderError as exc:  # printing.pdf words these for the citizen, with no exception text
        raise PrintRefused(str(exc)) from exc
    except Exception as exc:
        log.exception("an attachment could not be read")
        found = trouble(exc)
        raise PrintRefused((fallback if found is UNEXPECTED else found).text) from exc
