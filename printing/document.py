"""What a printed copy is made of: plain values, independent of the content cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from content_cache.records import VALIDITY_LABELS, Validity

PrintKind = Literal["a4", "receipt"]
ReceiptWidth = Literal["58mm", "80mm"]
WITHDRAWN_MARKS: dict[str, str] = {"abolished": "本文件已废止", "expired": "本文件已失效"}


def withdrawn_mark(validity: Validity) -> str:
    """The mark of a document no longer in force (本文件已废止 / 本文件已失效), or an empty string; slips carry
    it too. Decided by the validity code, never by its display label."""
    return WITHDRAWN_MARKS.get(validity, "")


COPY_LABEL = "政府信息查阅场所 阅览复制件"  # an A4 copy: the whole document, for reading
SLIP_LABEL = "政府信息查阅场所 信息索引小票"  # a slip: the record (名称, 索引号) and a QR code, not the text
TICKET_LABEL = "政府信息查阅场所 取件凭条"  # the slip a held job's citizen takes to the desk


@dataclass(frozen=True, slots=True)
class PrintDocument:
    """The item as it is printed: metadata for the title block, then the body."""

    index_no: str
    title: str
    doc_no: str | None
    publisher: str
    written_on: date | None
    published_on: date
    validity: Validity  # valid / amended / abolished / expired
    body: str
    source_url: str

    @property
    def validity_label(self) -> str:
        """有效 / 已修订 / 废止 / 失效, as the copy's metadata shows it."""
        return VALIDITY_LABELS.get(self.validity, self.validity)


@dataclass(frozen=True, slots=True)
class CopyStamp:
    """The footer of every copy: whose copy it is, where and when it was printed."""

    kiosk_name: str
    printed_at: datetime
    content_synced_on: date | None
    label: str = COPY_LABEL


NOT_MADE = "not_made"  # PrintOutcome.state when no job came into being


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What the citizen is told after confirming a print: the true state of their job, in words.

    `job_no` is empty and `state` is NOT_MADE when no job was made; `message` then says what
    happened and what to do next. `pickup` is the short "where" that stays on screen after the
    visit ends (请到服务台领取 / 请在本机出纸口取走).
    """

    job_no: str
    kind: PrintKind
    pages: int
    collect_at: str  # where staff hand copies over, in words for the citizen
    output: str  # the printer the copy went to
    state: str = "done"  # the job's state when the kiosk stopped waiting (see kiosk.jobs), or NOT_MADE
    message: str = ""  # what the citizen is told, when more than "collect it at …"
    fee_cents: int = 0
    pickup: str = ""  # where to collect it, short: shown on Home after the visit ends

    @property
    def made(self) -> bool:
        """True when a job exists (it has a number the citizen can give at the desk)."""
        return bool(self.job_no) and self.state != NOT_MADE


@dataclass(frozen=True, slots=True)
class PrintQuote:
    """What a citizen sees before confirming a copy."""

    kind: PrintKind
    pages: int
    fee_cents: int = 0
    needs_release: bool = False  # staff must release it at the desk
    warning: str = ""  # the document is 废止 / 失效: say so before printing
    refusal: str = ""  # the copy cannot be made (quota), and why
    release_reason: str = ""  # why staff release it, in the room's own rule (release_above_pages)
