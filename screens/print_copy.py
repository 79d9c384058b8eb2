"""Print: choose 小票 or A4, see how many pages, confirm, learn where to collect it."""

from __future__ import annotations

from typing import Any

from kivy.properties import OptionProperty, StringProperty

from printing.document import PrintKind, PrintOutcome, PrintQuote
from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.worker import Task, run_in_worker

KIND_NAMES: dict[str, str] = {"receipt": "小票", "a4": "A4 复印件"}
UNITS: dict[str, str] = {"receipt": "张", "a4": "页"}

# choose: nothing chosen; counting: asking for the page count; ready: may confirm;
# printing: the job is being made; done / failed: the outcome is shown.
Phase = ("choose", "counting", "ready", "printing", "done", "failed")


class PrintScreen(KioskScreen):
    """Takes the citizen from a kind of copy to a job number and a place to collect it."""

    index_no = StringProperty("")
    title = StringProperty("")
    attachment = StringProperty("")  # a PDF attachment printed as it is, A4 only
    kind = StringProperty("")
    phase = OptionProperty("choose", options=Phase)
    pages_text = StringProperty("")
    warning_text = StringProperty("")  # 废止/失效, said before confirming
    outcome_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None

    def enter(self, params: Params) -> None:
        """Start afresh for the item `params["index_no"]`."""
        self.reset()
        self.index_no = str(params["index_no"])
        self.title = str(params.get("title", ""))
        self.attachment = str(params.get("attachment", ""))
        self.ready = True

    def reset(self) -> None:
        """Drop the pending choice and any outcome."""
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.index_no = self.title = self.kind = self.attachment = ""
        self.pages_text = self.outcome_text = self.warning_text = ""
        self.phase = "choose"
        self.ready = False

    def choose(self, kind: PrintKind) -> None:
        """A kind button: ask how many pages that copy takes."""
        if self.phase in ("printing", "done"):
            return
        if self._task is not None:
            self._task.cancel()
        self.kind = kind
        self.phase = "counting"
        self.pages_text = "正在计算页数…"
        index_no, attachment = self.index_no, self.attachment or None
        self._task = run_in_worker(
            lambda: self.services.print_quote(index_no, kind, attachment), self._show_quote, self._failed
        )

    def _show_quote(self, quote: PrintQuote) -> None:
        self._task = None
        lines = [f"{KIND_NAMES[self.kind]}共 {quote.pages} {UNITS[self.kind]}"]
        if quote.fee_cents:
            lines.append(f"费用 {quote.fee_cents / 100:.2f} 元")
        if quote.needs_release:
            lines.append("页数较多，打印后需工作人员放行")
        self.pages_text = "，".join(lines)
        self.warning_text = quote.warning
        if quote.refusal:
            self.outcome_text = quote.refusal
            self.phase = "failed"
            return
        self.phase = "ready"

    def confirm(self) -> None:
        """The 确认打印 button."""
        if self.phase != "ready":
            return
        self.phase = "printing"
        self.outcome_text = "正在打印，请稍候…"
        index_no, kind, attachment = self.index_no, self.kind, self.attachment or None
        self._task = run_in_worker(
            lambda: self.services.print_item(index_no, kind, attachment=attachment), self._show_outcome, self._failed
        )

    def _show_outcome(self, outcome: PrintOutcome) -> None:
        self._task = None
        unit = UNITS[outcome.kind]
        message = outcome.message or f"请到{outcome.collect_at}领取。"
        self.outcome_text = f"打印任务号：{outcome.job_no}\n共 {outcome.pages} {unit}\n{message}"
        self.phase = "done"

    def _failed(self, exc: Exception) -> None:
        # The print service raises errors whose message is written for the citizen.
        self._task = None
        self.outcome_text = f"未能打印：{exc}" if str(exc) else "未能打印，请联系工作人员。"
        self.phase = "failed"


load_kv(__file__)
