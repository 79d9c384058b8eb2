"""The staff console: a PIN pad, then jobs with their actions, printers with a test page, today's counts.

Opened by the hidden gesture (taps on the top-right corner, see `CornerTaps`);
it goes back to Home like any screen when the kiosk is left idle.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from screens import theme
from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.services import STATE_NAMES, JobView, PrinterView, SignIn, StaffOverview
from screens.worker import run_in_worker

REFRESH_SECONDS = 3.0
PRINTER_STATES = {"idle": "空闲", "processing": "打印中", "stopped": "已停止", "offline": "离线", "unknown": "未知"}
PAPER_STATES = {"ok": "纸张正常", "near_end": "纸将用完", "out": "缺纸", "unknown": "纸张状态未知"}
# Which actions a job in each state offers.
ACTIONS = {
    "awaiting_release": ("release", "cancel"),
    "queued": ("cancel",),
    "printing": ("cancel",),
    "check_printer": ("collected", "reprint", "cancel"),
    "done": ("collected", "reprint"),
    "failed": ("reprint",),
    "cancelled": ("reprint",),
    "expired": ("reprint",),
}
ACTION_NAMES = {"release": "放行", "cancel": "取消", "reprint": "重印", "collected": "已取件"}


class CornerTaps:
    """`count` taps inside the top-right corner within `within` seconds: the staff gesture."""

    def __init__(self, count: int = 5, within: float = 3.0, size: float = theme.STAFF_CORNER) -> None:
        self.count, self.within, self.size = count, within, size
        self._times: list[float] = []

    def tap(self, x: float, y: float, width: float, height: float, at: float | None = None) -> bool:
        """Record a touch at window coordinates (origin bottom-left); True when the gesture is complete."""
        moment = time.monotonic() if at is None else at
        if x < width - self.size or y < height - self.size:
            self._times.clear()
            return False
        self._times = [t for t in self._times if moment - t <= self.within] + [moment]
        if len(self._times) >= self.count:
            self._times.clear()
            return True
        return False


class JobRow(BoxLayout):
    """One job: number, state, title, and the buttons its state allows."""

    screen = ObjectProperty(None)
    job_no = StringProperty("")
    state_text = StringProperty("")
    detail = StringProperty("")
    actions = ListProperty([])
    alert = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        from kivy.factory import Factory

        for action, label in self.actions:
            button = Factory.QuietButton(text=label, font_size=dp(30))
            button.action = action
            button.bind(on_release=lambda b: self.screen.act(self.job_no, b.action))
            self.ids.actions.add_widget(button)


class PrinterRow(BoxLayout):
    """One printer: its name and state, and a test page button."""

    screen = ObjectProperty(None)
    kind = StringProperty("")
    text = StringProperty("")
    alert = BooleanProperty(False)


class StaffScreen(KioskScreen):
    """PIN first; then the console, refreshed every few seconds while it is shown."""

    phase = OptionProperty("pin", options=("pin", "console"))
    pin_text = StringProperty("")
    pin_message = StringProperty("请输入工作人员密码")
    counts_text = StringProperty("")
    sync_text = StringProperty("")
    message = StringProperty("")
    today_only = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pin = ""
        self._refresh_event: Any = None

    def enter(self, params: Params) -> None:
        self.reset()
        self.ready = True

    def reset(self) -> None:
        """Signed out, PIN pad cleared."""
        if self._refresh_event is not None:
            self._refresh_event.cancel()
            self._refresh_event = None
        self._pin = self.pin_text = self.message = ""
        self.pin_message = "请输入工作人员密码"
        self.phase = "pin"
        self.ready = False

    # PIN pad

    def key(self, digit: str) -> None:
        if len(self._pin) < 12:
            self._pin += digit
            self.pin_text = "●" * len(self._pin)

    def clear(self) -> None:
        self._pin = self.pin_text = ""

    def sign_in(self) -> None:
        pin, self._pin, self.pin_text = self._pin, "", ""
        self.pin_message = "正在核对…"
        run_in_worker(lambda: self.services.staff_sign_in(pin), self._signed_in, self._failed)

    def _signed_in(self, result: SignIn) -> None:
        if not result.ok:
            self.pin_message = result.message
            return
        self.phase = "console"
        self.refresh()
        self._refresh_event = Clock.schedule_interval(lambda _dt: self.refresh(), REFRESH_SECONDS)

    # console

    def refresh(self) -> None:
        today = self.today_only
        run_in_worker(lambda: self.services.staff_overview(today), self._show, self._failed)

    def toggle_today(self) -> None:
        self.today_only = not self.today_only
        self.refresh()

    def act(self, job_no: str, action: str) -> None:
        self.message = f"{ACTION_NAMES[action]}任务 {job_no}…"
        run_in_worker(lambda: self.services.job_action(job_no, action), self._done, self._failed)

    def test_print(self, kind: str) -> None:
        self.message = "正在打印测试页…"
        run_in_worker(lambda: self.services.staff_test_print(kind), self._done, self._failed)  # type: ignore[arg-type]

    def _done(self, message: str) -> None:
        self.message = message
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.message = str(exc) or type(exc).__name__
        if self.phase == "pin":
            self.pin_message = self.message

    def _show(self, overview: StaffOverview) -> None:
        if self.phase != "console":
            return
        self.counts_text = (f"今日：{overview.today_jobs} 个任务，{overview.today_pages} 页已打印，"
                            f"{overview.today_failures} 个失败或待检查；{overview.waiting} 个待处理")
        self.sync_text = "最近同步：" + ("；".join(overview.sync_runs) if overview.sync_runs else "无记录")
        jobs, printers = self.ids.jobs, self.ids.printers
        jobs.clear_widgets()
        for job in overview.jobs:
            jobs.add_widget(_job_row(job, self))
        printers.clear_widgets()
        for printer in overview.printers:
            printers.add_widget(_printer_row(printer, self))


def _job_row(job: JobView, screen: StaffScreen) -> JobRow:
    fee = f"，{job.fee_cents / 100:.2f} 元" if job.fee_cents else ""
    collected = "，已取件" if job.collected else ""
    error = f"\n{job.error}" if job.error and job.state != "done" else ""
    return JobRow(
        screen=screen,
        job_no=job.job_no,
        state_text=STATE_NAMES.get(job.state, job.state),
        detail=f"{job.created}  {'A4' if job.kind == 'a4' else '小票'} {job.pages} 页{fee}{collected}  {job.title}{error}",
        actions=[(a, ACTION_NAMES[a]) for a in ACTIONS.get(job.state, ())],
        alert=job.state in ("check_printer", "failed", "awaiting_release"),
    )


def _printer_row(printer: PrinterView, screen: StaffScreen) -> PrinterRow:
    role = "文件打印机" if printer.kind == "a4" else "小票打印机"
    reason = f"（{printer.reason}）" if printer.reason else ""
    error = f"\n最近错误：{printer.last_error}" if printer.last_error else ""
    return PrinterRow(
        screen=screen,
        kind=printer.kind,
        text=f"{role}：{printer.name}\n{PRINTER_STATES.get(printer.state, printer.state)}{reason}，"
        f"{PAPER_STATES.get(printer.paper, printer.paper)}{error}",
        alert=printer.state in ("stopped", "offline") or printer.paper == "out",
    )


load_kv(__file__)
