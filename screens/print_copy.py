"""Print: choose 小票 or A4, see pages, fee and release, confirm, learn the job number and where to collect it."""

from __future__ import annotations

from typing import Any, Protocol

from kivy.properties import OptionProperty, StringProperty

from printing.document import PrintKind, PrintOutcome, PrintQuote
from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.services import CitizenError
from screens.worker import Task, run_in_worker

KIND_NAMES: dict[str, str] = {"receipt": "小票", "a4": "A4 复印件"}
UNITS: dict[str, str] = {"receipt": "张", "a4": "页"}
CHOOSE_FIRST = "请先选择 A4 复印件 或 小票"
ATTACHMENT_A4_ONLY = "附件按原样打印为 A4 复印件。"
# A fault the services did not put into words: nobody can say whether a job was made.
UNKNOWN_FAULT = "打印时出现了意外故障，无法确认是否已生成打印任务。请到服务台找工作人员查看，不要重复打印。"

# choose: nothing chosen; counting: asking for the page count; ready: may confirm;
# refused: this copy cannot be made (quota, unreadable attachment); printing: the job is being made;
# done: a job exists, its number and state are shown; failed: no job was made, the citizen may try again;
# unknown: something unforeseen broke, staff look.
Phase = ("choose", "counting", "ready", "refused", "printing", "done", "failed", "unknown")
FINISHED = ("done", "unknown")


def fee_text(fee_cents: int) -> str:
    """免费, or the fee as one unbreakable phrase."""
    return f"费用 {fee_cents / 100:.2f} 元" if fee_cents else "免费"


class PrintServices(Protocol):
    """What Print needs: a copy's quote, and the copy."""

    def print_quote(self, index_no: str, kind: PrintKind, attachment: str | None = None) -> PrintQuote:
        """Pages, fee, release and validity warning of a copy (or of a PDF attachment), or why it cannot be made."""

    def print_item(self, index_no: str, kind: PrintKind, *, attachment: str | None = None) -> PrintOutcome:
        """Queue a copy (or a PDF attachment as it is) and wait (bounded) for it.

        Once the job is made, whatever happens the outcome tells its number and true state;
        raises CitizenError (no job was made, and why) before that.
        """


class PrintScreen(KioskScreen):
    """Takes the citizen from a kind of copy to a job number and a place to collect it."""

    services: PrintServices

    index_no = StringProperty("")
    title = StringProperty("")
    attachment = StringProperty("")  # a PDF attachment printed as it is, A4 only
    kind = StringProperty("")
    phase = OptionProperty("choose", options=Phase)
    pages_text = StringProperty("")
    terms_text = StringProperty("")  # 免费 / the fee; whether staff release it, and why
    warning_text = StringProperty("")  # 废止/失效, said before confirming
    outcome_title = StringProperty("")  # 打印任务号 0007 / 未能打印 / 暂时不能打印
    outcome_text = StringProperty("")
    hint_text = StringProperty(CHOOSE_FIRST)  # why 确认打印 cannot be pressed yet, or what is going on
    job_note = StringProperty("")  # 您的打印任务 0007：请到服务台领取; outlives the screen (the App keeps it)
    job_no = StringProperty("")  # the job of job_note (the App reads its state again when it shows the note)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None

    def enter(self, params: Params) -> None:
        """Start afresh for the item `params["index_no"]`."""
        self.reset()
        self.index_no = str(params["index_no"])
        self.title = str(params.get("title", ""))
        self.attachment = str(params.get("attachment", ""))
        self.hint_text = ATTACHMENT_A4_ONLY + "请选择 A4 复印件" if self.attachment else CHOOSE_FIRST
        self.ready = True

    def reset(self) -> None:
        """Drop the pending choice and any outcome."""
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.index_no = self.title = self.kind = self.attachment = ""
        self.pages_text = self.terms_text = self.outcome_title = self.outcome_text = self.warning_text = ""
        self.job_note = ""
        self.hint_text = CHOOSE_FIRST
        self.phase = "choose"
        self.ready = False

    def choose(self, kind: PrintKind) -> None:
        """A kind button: ask how many pages that copy takes."""
        if self.phase in ("printing", *FINISHED):
            return
        if self._task is not None:
            self._task.cancel()
        self.kind = kind
        self.phase = "counting"
        self.pages_text = "正在计算页数…"
        self.terms_text = self.warning_text = self.outcome_title = self.outcome_text = ""
        self.hint_text = "正在计算页数，请稍候"
        index_no, attachment = self.index_no, self.attachment or None
        self._task = run_in_worker(
            lambda: self.services.print_quote(index_no, kind, attachment), self._show_quote, self._quote_failed
        )

    def _show_quote(self, quote: PrintQuote) -> None:
        self._task = None
        self.warning_text = quote.warning
        if quote.refusal:
            self.pages_text = ""
            self._refuse(quote.refusal)
            return
        self.pages_text = f"{KIND_NAMES[self.kind]}共 {quote.pages} {UNITS[self.kind]}"
        terms = [fee_text(quote.fee_cents)]
        if quote.needs_release:
            terms.append(quote.release_reason or "这份复印件由工作人员核对后打印，确认后请持取件凭条到服务台领取。")
        self.terms_text = "\n".join(terms)
        self.hint_text = ""
        self.phase = "ready"

    def _quote_failed(self, _exc: Exception) -> None:
        self._task = None
        self.pages_text = ""
        self._refuse("暂时无法计算页数。请稍后再选一次，或到服务台找工作人员帮助。")

    def _refuse(self, reason: str) -> None:
        self.outcome_title = "暂时不能打印"
        self.outcome_text = reason
        self.hint_text = "这份打印暂时无法进行"
        self.phase = "refused"

    def confirm(self) -> None:
        """The 确认打印 button (also after a print that made no job: try again)."""
        if self.phase not in ("ready", "failed"):
            return
        self.phase = "printing"
        self.outcome_title, self.outcome_text = "", ""
        self.hint_text = "正在打印，请稍候…"
        index_no, kind, attachment = self.index_no, self.kind, self.attachment or None
        self._task = run_in_worker(
            lambda: self.services.print_item(index_no, kind, attachment=attachment), self._show_outcome, self._failed
        )

    def _show_outcome(self, outcome: PrintOutcome) -> None:
        self._task = None
        self.hint_text = ""
        self.outcome_title = f"打印任务号 {outcome.job_no}"
        done = f"{KIND_NAMES[outcome.kind]} {outcome.pages} {UNITS[outcome.kind]}，{fee_text(outcome.fee_cents)}"
        self.outcome_text = f"{done}\n{outcome.message or f'请到{outcome.collect_at}领取。'}"
        self.job_no = outcome.job_no
        self.job_note = f"您的打印任务 {outcome.job_no}：{outcome.pickup or '请到服务台出示任务号'}"
        self.phase = "done"

    def _failed(self, exc: Exception) -> None:
        self._task = None
        self.outcome_title = "未能打印"
        if isinstance(exc, CitizenError):  # the services said it, and that no job was made
            self.outcome_text = str(exc)
            self.hint_text = "可以再试一次，或返回阅读"
            self.phase = "failed"
        else:
            self.outcome_text = UNKNOWN_FAULT
            self.hint_text = ""
            self.phase = "unknown"


load_kv(__file__)
