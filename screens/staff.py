"""The staff console: a PIN pad, then jobs with their actions, printers with a test page, today's counts.

Opened by the hidden gesture (taps on the top-right corner, see `screens.corner.CornerTaps`);
leaving it signs staff out. Cancelling and reprinting ask first. While the PIN
is locked after wrong tries the pad is disabled and counts down to the next try.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar, cast

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from printing.document import PrintKind
from printing.job_states import ACTION_LABELS, ALERT_STATES, actions_of, staff_action, state_name
from screens import theme
from screens.base import KioskScreen, load_kv
from screens.figures import FiguresPane  # noqa: F401  (its kv rule, used by staff.kv)
from screens.navigator import Params
from screens.services import (
    PURPOSE_NAMES,
    ActionDone,
    CitizenError,
    FiguresView,
    JobView,
    PrinterView,
    SignIn,
    StaffOverview,
)
from screens.worker import Task, run_in_worker

T = TypeVar("T")
REFRESH_SECONDS = 3.0
PIN_PROMPT = "请输入工作人员密码"
ERROR_STATES = ("queued", "printing", "check_printer", "failed")  # where a job's last error still matters
monotonic: Callable[[], float] = time.monotonic  # the lockout countdown's clock (tests move it)


class JobRow(BoxLayout):
    """One job: number, state, what it is, its title, the buttons its state allows and 取消 apart."""

    screen = ObjectProperty(None)
    job = ObjectProperty(None)  # the JobView
    job_no = StringProperty("")
    state_text = StringProperty("")
    head = StringProperty("")  # what it is: A4 复印件 3 页
    meta = StringProperty("")  # when, fee, collected
    title = StringProperty("")
    error = StringProperty("")
    actions = ListProperty([])  # (action, label) other than cancel
    can_cancel = BooleanProperty(False)
    alert = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        from kivy.factory import Factory

        for action, label in self.actions:
            button = Factory.KioskButton(text=label) if action == "release" else Factory.QuietButton(text=label)
            button.font_size = theme.FONT_META
            button.action = action
            button.bind(on_release=lambda b: self.screen.ask(self.job, b.action))
            self.ids.actions.add_widget(button)


class PrinterRow(BoxLayout):
    """One printer: what and where it is, its state, a detail, and a test page button."""

    screen = ObjectProperty(None)
    kind = StringProperty("")
    role = StringProperty("")  # A4 文档打印机 / 小票打印机
    where = StringProperty("")  # what kind of printer and where: CUPS 队列 KioskPDF
    state_text = StringProperty("")
    detail = StringProperty("")
    alert = BooleanProperty(False)


class ConfirmDialog(ModalView):
    """A question before an action that cannot be undone or spends paper: yes or no."""

    question = StringProperty("")
    detail = StringProperty("")
    yes_text = StringProperty("确认")
    no_text = StringProperty("不要")
    danger = BooleanProperty(False)  # the yes button in the alert colour

    def __init__(self, on_yes: Callable[[], None], **kwargs: Any) -> None:
        self._on_yes = on_yes
        super().__init__(**kwargs)

    def yes(self) -> None:
        """Close and act."""
        self.dismiss()
        self._on_yes()


Period = Literal["today", "month", "year"]


class StaffServices(Protocol):
    """What the staff console needs: sign-in, the overview, actions on jobs, test pages."""

    def staff_sign_in(self, pin: str) -> SignIn:
        """Check the staff PIN (wrong tries lock it for a growing time)."""

    def staff_locked_for(self) -> float:
        """Seconds the PIN pad stays locked after too many wrong tries (0 when it takes a try now)."""

    def staff_overview(self, today_only: bool) -> StaffOverview:
        """Jobs, printers, today's counts and the last sync runs."""

    def staff_figures(self, period: Period) -> FiguresView:
        """Today's, this month's or this year's figures, worded for the figures page."""

    def job_action(self, job_no: str, action: str) -> ActionDone:
        """release / cancel / reprint / collected on a job from the console; raises with a message for staff."""

    def staff_test_print(self, kind: PrintKind) -> ActionDone:
        """A test page on one printer, through the queue."""


class StaffScreen(KioskScreen):
    """PIN first; then the console, refreshed every few seconds while it is shown."""

    services: StaffServices

    phase = OptionProperty("pin", options=("pin", "console", "figures"))
    pin_text = StringProperty("")
    pin_message = StringProperty(PIN_PROMPT)
    locked_seconds = NumericProperty(0)  # > 0: the pad is disabled for this many more seconds
    checking = BooleanProperty(False)  # a PIN is being checked
    counts_text = StringProperty("")
    sync_text = StringProperty("")
    message = StringProperty("")
    message_alert = BooleanProperty(False)
    today_only = BooleanProperty(True)
    confirm = ObjectProperty(None, allownone=True)  # the open ConfirmDialog, if any

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pin = ""
        self._refresh_event: Any = None
        self._lock_event: Any = None
        self._lock_until = 0.0
        self._followed: ActionDone | None = None  # the job whose state the message line reports
        self._shown_jobs: tuple[JobView, ...] | None = None
        self._shown_printers: tuple[PrinterView, ...] | None = None
        self._tasks: list[Task] = []  # background calls whose answers are dropped once staff leave

    def enter(self, params: Params) -> None:
        self.reset()
        self._run(self.services.staff_locked_for, self._lock, lambda _exc: None)
        self.ready = True

    def on_leave(self, *_args: Any) -> None:
        """Leaving the console signs staff out."""
        self.reset()

    def reset(self) -> None:
        """Signed out, PIN pad cleared, no question left open."""
        for event in (self._refresh_event, self._lock_event):
            if event is not None:
                event.cancel()
        self._refresh_event = self._lock_event = None
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if self.confirm is not None:
            self.confirm.dismiss()
            self.confirm = None
        self._pin = self.pin_text = self.message = ""
        self._followed = self._shown_jobs = self._shown_printers = None
        self.pin_message, self.locked_seconds, self.checking = PIN_PROMPT, 0, False
        self.phase = "pin"
        self.ready = False

    def _run(self, call: Callable[[], T], on_done: Callable[[T], None], on_error: Callable[[Exception], None]) -> None:
        """A service call in the background, its answer dropped if staff leave first."""

        def deliver(answer: Callable[[Any], None], value: Any) -> None:
            self._tasks.remove(task)
            answer(value)

        task = run_in_worker(call, lambda result: deliver(on_done, result), lambda exc: deliver(on_error, exc))
        self._tasks.append(task)

    # PIN pad

    def key(self, digit: str) -> None:
        """A digit of the PIN."""
        if len(self._pin) < 12 and not self.locked_seconds:
            self._pin += digit
            self.pin_text = "●" * len(self._pin)

    def clear(self) -> None:
        """清除: start the PIN again."""
        self._pin = self.pin_text = ""

    def sign_in(self) -> None:
        """确认: check the PIN in the background."""
        if self.locked_seconds or self.checking:
            return
        pin, self._pin, self.pin_text = self._pin, "", ""
        self.pin_message, self.checking = "正在核对…", True
        self._run(lambda: self.services.staff_sign_in(pin), self._signed_in, self._failed)

    def _signed_in(self, result: SignIn) -> None:
        self.checking = False
        if not result.ok:
            self.pin_message = result.message
            self._lock(result.locked_for)
            return
        self.phase = "console"
        self.refresh()
        self._refresh_event = Clock.schedule_interval(lambda _dt: self.refresh(), REFRESH_SECONDS)

    def _lock(self, seconds: float) -> None:
        """Disable the pad for `seconds`, counting down; it opens again by itself."""
        if seconds <= 0 or self.phase != "pin":
            return
        self._lock_until = monotonic() + seconds
        if self._lock_event is None:
            self._lock_event = Clock.schedule_interval(lambda _dt: self._tick(), 0.25)
        self._tick()

    def _tick(self) -> None:
        left = math.ceil(self._lock_until - monotonic())
        if left > 0:
            self.locked_seconds = left
            self.pin_message = f"密码错误次数过多，重试请等待 {_wait_text(left)}"
            return
        if self._lock_event is not None:
            self._lock_event.cancel()
            self._lock_event = None
        self.locked_seconds = 0
        self.pin_message = PIN_PROMPT

    # console

    def refresh(self) -> None:
        """Ask for the jobs, printers and counts again."""
        today = self.today_only
        self._run(lambda: self.services.staff_overview(today), self._show, self._failed)

    def open_figures(self) -> None:
        """统计: the figures page, today's first."""
        self.phase = "figures"
        self.ids.figures.choose("today")

    def show_figures(self, period: str) -> None:
        """Ask for a period's figures and draw them when they come."""
        pane = self.ids.figures
        self._run(
            lambda: self.services.staff_figures(cast(Period, period)),
            lambda view: pane.show(view) if pane.period == period else None,
            lambda exc: pane.fail("统计暂时无法读出：" + _said(exc)),
        )

    def toggle_today(self) -> None:
        """只看今日 / 显示全部."""
        self.today_only = not self.today_only
        self.refresh()

    def ask(self, job: JobView, action: str) -> None:
        """An action from a job's row: cancelling and reprinting ask first, the others act at once."""
        if action not in ("cancel", "reprint"):
            self.act(job.job_no, action)
            return
        what = f"{PURPOSE_NAMES.get(job.purpose, '')} {job.pages} {'页' if job.kind == 'a4' else '张'}"
        verb = _label(action)
        self.confirm = ConfirmDialog(
            lambda: self.act(job.job_no, action),
            question=f"确认{verb}任务 {job.job_no}？",
            detail=f"{what}：{job.title}" + ("\n取消后不能恢复。" if action == "cancel" else "\n将再打印一份。"),
            yes_text=f"确认{verb}",
            no_text=f"不{verb}",
            danger=action == "cancel",
        )
        self.confirm.bind(on_dismiss=lambda _dialog: setattr(self, "confirm", None))
        self.confirm.open()

    def act(self, job_no: str, action: str) -> None:
        """Do an action on a job now."""
        self._followed, self.message_alert = None, False
        self.message = f"正在{_label(action)}任务 {job_no}…"
        self._run(lambda: self.services.job_action(job_no, action), self._done, lambda exc: self._refused(job_no, exc))

    def test_print(self, kind: str) -> None:
        """A test page on one printer."""
        self._followed, self.message_alert = None, False
        self.message = "正在打印测试页…"
        self._run(lambda: self.services.staff_test_print(kind), self._done, self._failed)  # type: ignore[arg-type]

    def _done(self, done: ActionDone) -> None:
        self._followed, self.message_alert = done, False
        self.message = done.said
        self.refresh()

    def _refused(self, job_no: str, exc: Exception) -> None:
        self._followed, self.message_alert = ActionDone(_said(exc), job_no), True
        self.message = self._followed.said
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.checking = False
        text = _said(exc)
        if self.phase == "pin":
            self.pin_message = text
        else:
            self._followed, self.message, self.message_alert = None, text, True

    def _show(self, overview: StaffOverview) -> None:
        if self.phase != "console":
            return
        self.counts_text = _counts(overview)
        self.sync_text = "最近同步：" + ("；".join(overview.sync_runs) if overview.sync_runs else "无记录")
        self._follow(overview.jobs)
        if overview.jobs != self._shown_jobs:  # rebuilt only when something changed: a finger may be on a button
            self._shown_jobs = overview.jobs
            self.ids.jobs.clear_widgets()
            for job in overview.jobs:
                self.ids.jobs.add_widget(_job_row(job, self))
        if overview.printers != self._shown_printers:
            self._shown_printers = overview.printers
            self.ids.printers.clear_widgets()
            for printer in overview.printers:
                self.ids.printers.add_widget(_printer_row(printer, self))

    def _follow(self, jobs: tuple[JobView, ...]) -> None:
        """The message line says what was done and the job's state now, as the list shows it."""
        if self._followed is None:
            return
        job = next((j for j in jobs if j.job_no == self._followed.job_no), None)
        now = f"；当前状态：{state_name(job.state)}" if job is not None else ""
        self.message = self._followed.said + now


def _counts(overview: StaffOverview) -> str:
    return (
        f"今日 A4 复印 {overview.today_pages} 页 · 小票 {overview.today_slips} 张 · "
        f"共 {overview.today_jobs} 个任务\n待处理 {overview.waiting} 个 · 失败或待检查 {overview.today_failures} 个"
    )


def _wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{seconds // 60} 分 {seconds % 60} 秒"


def _label(action: str) -> str:
    """A staff action's name on its button."""
    known = staff_action(action)
    return ACTION_LABELS[known] if known is not None else action


def _job_row(job: JobView, screen: StaffScreen) -> JobRow:
    unit = "页" if job.kind == "a4" else "张"
    fee = f" · 费用 {job.fee_cents / 100:.2f} 元" if job.fee_cents else ""
    collected = " · 已取件" if job.collected else ""
    # the actions its state allows (printing.job_states); cancelling has a place of its own, apart from the others
    actions = [a for a in actions_of(job.state) if _offered(a, job.purpose, job.collected)]
    return JobRow(
        screen=screen,
        job=job,
        job_no=job.job_no,
        state_text=state_name(job.state),
        head=f"{PURPOSE_NAMES.get(job.purpose, job.purpose)} {job.pages} {unit}",
        meta=f"{job.created}{fee}{collected}",
        title=job.title,
        error=job.error if job.state in ERROR_STATES else "",
        actions=[(a, ACTION_LABELS[a]) for a in actions if a != "cancel"],
        can_cancel="cancel" in actions,
        alert=job.state in ALERT_STATES,
    )


def _said(exc: Exception) -> str:
    """What the console says of a failure: the services' own words, or plain Chinese, never an exception's text."""
    if isinstance(exc, CitizenError) and str(exc):
        return str(exc)
    return "操作未能完成，请稍后再试；若一再出现，请查看运行日志。"


def _offered(action: str, purpose: str, collected: bool = False) -> bool:
    """已取件 is for a citizen's copy not yet collected (a 取件凭条 or a test page is nobody's to collect);
    a test page is not reprinted."""
    if action == "collected":
        return purpose in ("copy", "slip") and not collected
    return action != "reprint" or purpose != "test"


def _printer_row(printer: PrinterView, screen: StaffScreen) -> PrinterRow:
    return PrinterRow(
        screen=screen,
        kind=printer.kind,
        role="A4 文档打印机" if printer.kind == "a4" else "小票打印机",
        where=printer.where or printer.name,
        state_text=printer.state_text or printer.state,
        detail=printer.detail,
        alert=not printer.ready,
    )


load_kv(__file__)
