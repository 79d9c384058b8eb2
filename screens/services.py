"""The services a screen may call, declared as a Protocol.

The App in kiosk/ hands an object of this shape to every screen; tests hand a
fake. Every method may do IO, so screens call them from a worker thread
(see `screens.worker`) and never from the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from content_cache.records import (
    Candidate,
    ColumnInfo,
    Filters,
    ItemDetail,
    ItemSummary,
    SearchResult,
    Sort,
)
from printing.document import PrintKind, PrintOutcome, PrintQuote


class CitizenError(Exception):
    """A service could not do what a screen asked; `str()` is plain Chinese for the citizen.

    It says what happened, what to do next and, for a print, whether a job was made.
    Any other exception reaching a screen is a fault: the screen says so in its own words.
    """


# A print job's state (kiosk.jobs) as staff read it.
STATE_NAMES = {
    "queued": "排队中", "awaiting_release": "待放行", "printing": "打印中", "done": "已完成", "failed": "失败",
    "cancelled": "已取消", "expired": "已过期", "check_printer": "请检查打印机",
}


# What a print job is (kiosk.jobs.job_purpose) as staff read it.
PURPOSE_NAMES = {"copy": "A4 复印件", "slip": "信息小票", "ticket": "取件凭条", "test": "测试页"}


@dataclass(frozen=True, slots=True)
class JobView:
    """One print job as the staff console lists it."""

    job_no: str
    state: str
    kind: str
    pages: int
    title: str
    created: str  # local time, HH:MM:SS today
    error: str = ""
    fee_cents: int = 0
    collected: bool = False
    purpose: str = "copy"  # copy / slip / ticket / test: a key of PURPOSE_NAMES


@dataclass(frozen=True, slots=True)
class PrinterView:
    """One printer as the staff console shows it: in Chinese first, technical detail second."""

    kind: PrintKind
    name: str  # the printer's own technical name (`CUPS queue KioskPDF`)
    state: str  # idle / processing / stopped / offline / unknown
    reason: str  # why it is not ready, in Chinese where the reason is known
    paper: str  # ok / near_end / out / unknown
    last_error: str
    where: str = ""  # what kind of printer and where, in Chinese (`CUPS 队列 KioskPDF`)
    state_text: str = ""  # its state in Chinese (空闲, 已停止：…, 离线：…, 缺纸)
    detail: str = ""  # a path or the printer's own words, for whoever fixes it

    @property
    def ready(self) -> bool:
        """True when it can print now."""
        return self.state in ("idle", "processing") and self.paper != "out"


@dataclass(frozen=True, slots=True)
class StaffOverview:
    """Everything the staff console shows at once."""

    jobs: tuple[JobView, ...]
    printers: tuple[PrinterView, ...]
    today_jobs: int
    today_pages: int  # A4 pages of citizens' copies printed today
    today_failures: int
    waiting: int
    sync_runs: tuple[str, ...]  # one line each, newest first
    today_slips: int = 0  # citizens' information slips printed today (held-job slips and test pages apart)


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a PIN try."""

    ok: bool
    message: str = ""
    locked_for: float = 0.0  # seconds before the pad takes another try


@dataclass(frozen=True, slots=True)
class ActionDone:
    """What a staff action did: a sentence that stays true, and the job whose state to follow."""

    said: str  # 已放行任务 0007 / 任务 0003 已重印为任务 0010
    job_no: str  # the job the console shows the current state of (the new one for a reprint)


class KioskServices(Protocol):
    """What the screens need from the kiosk: content, search and printing."""

    def sections(self) -> list[ColumnInfo]:
        """The six top-level sections, in catalogue order, with counts."""

    def column(self, code: str) -> ColumnInfo:
        """One column by code; raises KeyError when unknown."""

    def subcolumns(self, code: str) -> list[ColumnInfo]:
        """The sub-columns of a column, in catalogue order (may be empty)."""

    def count_items(self, column_code: str, year: int | None = None) -> int:
        """How many items a column holds directly (published in `year`, when given)."""

    def year_counts(self, column_code: str) -> list[tuple[int, int]]:
        """The years of a column's own items, newest first, each with how many it holds."""

    def list_items(self, column_code: str, offset: int, limit: int, year: int | None = None) -> list[ItemSummary]:
        """A page of a column's items (of one year, when given), newest first."""

    def item(self, index_no: str) -> ItemDetail:
        """One item by 索引号; raises KeyError when unknown."""

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
        """Characters, 文号, 索引号, publisher or pinyin, narrowed by filters; never raises on odd input.

        `offset` skips that many hits of the same order (the next page); `total` stays that of the whole query.
        """

    def candidates(self, letters: str, limit: int = 10) -> list[Candidate]:
        """Words of the catalogue that typed pinyin letters may stand for, best first."""

    def job_notes(self, job_nos: list[str], *, visit_over: bool = False) -> list[str]:
        """A line for each of a visit's print jobs, from its state now (a job staff cancelled says so); once the
        visit is over, slips already printed are left out."""

    def prepare_search(self) -> None:
        """Load what understanding a query needs (its segmenter and the common words' pinyin, about 2 s once),
        so the first search is quick."""

    def content_updated_on(self) -> date | None:
        """The date of the cached content, shown as 内容更新于 … on Home."""

    def sync_failed(self) -> bool:
        """Whether the last sync failed and none runs now (Home of a kiosk still without content says so)."""

    def print_pages(self, index_no: str, kind: PrintKind) -> int:
        """How many pages (A4) or slips (receipt) a copy of this item takes."""

    def print_quote(self, index_no: str, kind: PrintKind, attachment: str | None = None) -> PrintQuote:
        """Pages, fee, release and validity warning of a copy (or of a PDF attachment), or why it cannot be made."""

    def print_item(self, index_no: str, kind: PrintKind, *, attachment: str | None = None) -> PrintOutcome:
        """Queue a copy (or a PDF attachment as it is) and wait (bounded) for it.

        Once the job is made, whatever happens the outcome tells its number and true state;
        raises CitizenError (no job was made, and why) before that.
        """

    def attachment_pages(self, index_no: str, name: str) -> int:
        """How many pages a PDF attachment has; raises CitizenError when it cannot be read."""

    def attachment_page(self, index_no: str, name: str, page: int, width: int) -> bytes:
        """Page `page` (0-based) of a PDF attachment drawn `width` pixels wide, as PNG bytes; CitizenError if not."""

    def new_visit(self) -> None:
        """The kiosk went back to Home when idle: a new visitor's page quota begins."""

    def staff_sign_in(self, pin: str) -> SignIn:
        """Check the staff PIN (wrong tries lock it for a growing time)."""

    def staff_locked_for(self) -> float:
        """Seconds the PIN pad stays locked after too many wrong tries (0 when it takes a try now)."""

    def staff_overview(self, today_only: bool) -> StaffOverview:
        """Jobs, printers, today's counts and the last sync runs."""

    def job_action(self, job_no: str, action: str) -> ActionDone:
        """release / cancel / reprint / collected on a job from the console; raises with a message for staff."""

    def staff_test_print(self, kind: PrintKind) -> ActionDone:
        """A test page on one printer, through the queue."""
