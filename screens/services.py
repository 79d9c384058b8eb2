"""The services a screen may call, declared as a Protocol.

The App in kiosk/ hands an object of this shape to every screen; tests hand a
fake. Every method may do IO, so screens call them from a worker thread
(see `screens.worker`) and never from the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from printing.document import PrintKind


class CitizenError(Exception):
    """A service could not do what a screen asked; `str()` is plain Chinese for the citizen.

    It says what happened, what to do next and, for a print, whether a job was made.
    Any other exception reaching a screen is a fault: the screen says so in its own words.
    """


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
class ChartView:
    """One chart of the figures page: bars of (label, value)."""

    title: str
    unit: str
    bars: tuple[tuple[str, float], ...]
    horizontal: bool = False


@dataclass(frozen=True, slots=True)
class FiguresView:
    """The staff console's figures for a period, worded and ready to draw."""

    period: str  # 2026年12月3日, 2026年12月, 2026年
    headline: tuple[tuple[str, str], ...]  # (来访, 1,234 人次)
    charts: tuple[ChartView, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (查阅最多的文件, lines)


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
