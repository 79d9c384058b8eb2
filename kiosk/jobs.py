"""The print queue: every confirmed print is a job in the state store, printed exactly once or shown to staff.

Its states, their moves and the staff actions each allows are declared once, in
printing.job_states; every move here is checked against that table.

Exactly once: before the bytes go to a printer the job records `handoff_at`
(committed); after the printer took them it records `handed_over_at` and the
printer's handle. A kiosk killed between the two cannot know whether the
printer has the job, so on start such a job becomes `check_printer` for staff,
never a silent resend. A job is claimed by a conditional update
(queued → printing), so two processes sharing the store never both send it.

Every transition is one transaction that also writes a `job_events` row, and
is logged.

Job numbers never repeat, even over a state store restored from a backup or
made afresh: a new job takes the number above both the store's highest and
`number_floor`, the highest number found outside the store (the spool
folders' files, the backups; see kiosk/backup.py), so a spooled copy is
never overwritten by another job of the same number.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from kiosk import usage
from kiosk.errors import KioskError, Refusal
from kiosk.state import JobEvent, PrintJob, StateStore, as_local, now
from printing.base import Printer
from printing.document import PrintKind
from printing.errors import OutcomeUnknown, PrintError, PrinterUnavailable
from printing.job_states import (
    ACTION_MOVES,
    COUNTED_STATES,
    FAULT_STATES,
    SETTLED_STATES,
    WAITING_STATES,
    JobState,
    StaffAction,
    allows,
    check_move,
)
from printing.spool import write_atomically

log = logging.getLogger(__name__)

FIRST_RETRY = 5.0  # seconds before the first retry of a job the printer could not take
LAST_RETRY = 300.0  # the longest wait between retries
KILL_AT = "KIOSK_KILL_AT"  # fault injection for the crash tests: SIGKILL this process at the named checkpoint


class JobError(KioskError):
    """A job cannot be made or moved; the message is written for whoever asked (citizen or staff)."""


class QuotaExceeded(JobError, Refusal):
    """The copy would go over the pages allowed per visit or per day."""


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """The room's rules for copies (settings printing.*)."""

    pages_per_visit: int = 50  # 0: no limit
    pages_per_day: int = 1000  # 0: no limit
    release_above: int = 20  # a job of more pages waits for staff to release it; 0: every job waits
    fee_per_page_cents: int = 0
    hold_hours: float = 4.0  # an unreleased job expires after this long


@dataclass(frozen=True, slots=True)
class Quote:
    """What a citizen is told before confirming: pages, fee, whether staff must release it, or why not."""

    pages: int
    fee_cents: int
    needs_release: bool
    refusal: str = ""  # non-empty: the copy cannot be made, and why (for the citizen)


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Today's figures for the staff console."""

    jobs: int  # every job made today, whatever it is
    pages: int  # A4 pages of citizens' copies printed today (not test pages)
    failures: int
    waiting: int  # queued, awaiting release or to check
    slips: int = 0  # citizens' information slips printed today (not held-job slips, not test slips)


# What a job is, from its source and kind: a citizen's A4 copy or information slip, the slip
# printed for a held job's citizen (取件凭条), or a staff test page.
JobPurpose = Literal["copy", "slip", "ticket", "test"]


Actor = Literal["console", "cli", "kiosk"]


def _checkpoint(name: str) -> None:
    """Where the crash tests kill the process (`KIOSK_KILL_AT=name`); nothing happens otherwise."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def job_id(job_no: str) -> int:
    """The id of a job number as printed on the slip (`0042` or `42`)."""
    text = job_no.strip().lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise JobError(f"{job_no!r} is not a job number")
    return int(text)


_ENDED_BY_PRINTER: dict[str, JobState] = {"done": "done", "failed": "failed", "cancelled": "cancelled"}


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 5, 10, 20, … up to 5 minutes."""
    return float(min(LAST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1)))


class JobQueue:
    """Makes, moves and sends print jobs; `work()` is the step a background thread or `kiosk print` repeats."""

    def __init__(
        self,
        state: StateStore,
        printers: Mapping[PrintKind, Printer],
        folder: Path,
        policy: QueuePolicy,
        *,
        number_floor: int = 0,
    ) -> None:
        self.state = state
        self.printers = printers
        self.folder = folder
        self.policy = policy
        self.number_floor = number_floor  # the highest job number known outside the store
        self.on_change: Callable[[], None] = lambda: None  # the console refreshes when a job moves

    # -- making jobs -------------------------------------------------------------------------

    def quote(self, kind: PrintKind, pages: int, visitor: str) -> Quote:
        """Pages, fee and release for a copy, or the reason it cannot be made (quotas)."""
        fee = pages * self.policy.fee_per_page_cents if kind == "a4" else 0
        needs_release = kind == "a4" and pages > self.policy.release_above
        with self.state.session() as session:
            if self.policy.pages_per_visit and visitor:
                used = _pages(session, PrintJob.visitor == visitor)
                if used + pages > self.policy.pages_per_visit:
                    left = max(0, self.policy.pages_per_visit - used)
                    return Quote(
                        pages,
                        fee,
                        needs_release,
                        f"每位读者每次最多打印 {self.policy.pages_per_visit} 页，"
                        f"您还可打印 {left} 页。如需更多，请联系工作人员。",
                    )
            if self.policy.pages_per_day:
                used = _pages(session, PrintJob.created_at >= _start_of_today())
                if used + pages > self.policy.pages_per_day:
                    return Quote(pages, fee, needs_release, "本终端今日打印量已满，请联系工作人员。")
        return Quote(pages, fee, needs_release)

    def submit(
        self,
        *,
        index_no: str,
        title: str,
        kind: PrintKind,
        data: bytes | Callable[[str], bytes],
        pages: int,
        visitor: str,
        source: str = "item",
        warning: str = "",
        reprint_of: int | None = None,
        exempt: bool = False,
    ) -> PrintJob:
        """Record a confirmed copy (its bytes kept on disk) as queued, or held for release; quotas checked.

        `data` is the copy, or makes it from the job number (a slip that carries its number); the
        job, its number and its kept copy come into being in one transaction.
        `exempt`: staff's test pages and the slips of held jobs, outside quotas and release.
        """
        free = exempt or reprint_of is not None
        quote = Quote(pages, 0, False) if free else self.quote(kind, pages, visitor)
        if quote.refusal:
            raise QuotaExceeded(quote.refusal)
        held = quote.needs_release
        # A copy that needs no job number is written before the write lock is taken: the lock is held
        # for the rows alone, not for an fsync (a slip carrying its number is made inside).
        kept = None if callable(data) else self._keep(data, kind)
        with self.state.begin() as session:
            job = PrintJob(
                id=_next_number(session, self.number_floor),
                index_no=index_no,
                title=title,
                kind=kind,
                pages=pages,
                source=source,
                visitor=visitor,
                fee_cents=quote.fee_cents,
                warning=warning,
                reprint_of=reprint_of,
                state="awaiting_release" if held else "queued",
                expires_at=now() + timedelta(hours=self.policy.hold_hours) if held else None,
            )
            session.add(job)
            session.flush()
            record_issued(self.folder, job.id)  # before the commit: a number once given is never given again
            job.data_path = str(kept or self._keep(data(job.job_no), kind))  # type: ignore[operator]
            _event(session, job, "", job.state, "reprint of " + _no(reprint_of) if reprint_of else "")
        log.info("print job %s %s: %s (%s, %d pages)", job.job_no, job.state, title, kind, pages)
        _checkpoint("queued")
        self.on_change()
        return job

    def _keep(self, data: bytes, kind: PrintKind) -> Path:
        """The copy's bytes in the jobs folder under a fresh name (orphans of a crash are harmless)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{now().strftime('%Y%m%d%H%M%S%f')}-{os.getpid()}.{'pdf' if kind == 'a4' else 'escpos'}"
        try:
            write_atomically(path, data)
        except OSError as exc:
            raise JobError(f"无法保存打印任务（{exc.strerror or exc}），请联系工作人员。") from exc
        return path

    # -- staff actions -----------------------------------------------------------------------

    def release(self, job_no: str, actor: Actor) -> PrintJob:
        """A held job goes to the printer."""
        job = self._move(job_no, "release", "queued", actor, "released", released_at=now())
        self.on_change()
        return job

    def cancel(self, job_no: str, actor: Actor) -> PrintJob:
        """A job not printed yet is withdrawn (also from a CUPS queue that still holds it)."""
        with self.state.session() as session:
            job = _get(session, job_no)
        if job.state == "printing" and job.handle:
            printer = self.printers[job.kind]
            printer.cancel(job.handle)
            moved = self._move(
                job_no, "cancel", "cancelled", actor, "cancelled at the printer", sent=True, finished_at=now()
            )
        else:
            moved = self._move(job_no, "cancel", "cancelled", actor, "cancelled", finished_at=now(), sent=False)
        self.on_change()
        return moved

    def reprint(self, job_no: str, actor: Actor) -> PrintJob:
        """The same copy again, as a new job (no quota: staff asked for it)."""
        with self.state.session() as session:
            job = _get(session, job_no)
        if not allows(job.state, "reprint"):
            raise JobError(f"job {job.job_no} is still {job.state}; it needs no reprint")
        try:
            data = Path(job.data_path).read_bytes()
        except OSError as exc:
            raise JobError(f"the copy of job {job.job_no} is no longer kept ({exc.strerror or exc})") from exc
        if ACTION_MOVES["reprint"][job.state] == "failed":  # a job to check: it did not print after all
            self._move(job_no, "reprint", "failed", actor, "not printed: reprinted", finished_at=now())
        again = self.submit(
            index_no=job.index_no,
            title=job.title,
            kind=job.kind,
            data=data,
            pages=job.pages,
            visitor=job.visitor,
            source=job.source,
            warning=job.warning,
            reprint_of=job.id,
        )
        self.state.audit(actor, "reprint", f"job {job.job_no} as job {again.job_no}")
        return again

    def collected(self, job_no: str, actor: Actor) -> PrintJob:
        """The citizen took the copy; a job to check is thereby known to have printed."""
        with self.state.begin() as session:
            job = _get(session, job_no)
            if not allows(job.state, "collected"):
                raise JobError(f"job {job.job_no} is {job.state}, not printed: nothing to collect")
            if ACTION_MOVES["collected"][job.state] == "done":  # a job to check: it printed after all
                _transition(session, job, "done", "staff saw it printed")
                job.finished_at = now()
            job.collected_at = now()
        self.state.audit(actor, "collected", f"job {job.job_no}")
        self.on_change()
        return job

    def _move(
        self,
        job_no: str,
        action: StaffAction,
        target: JobState,
        actor: Actor,
        what: str,
        sent: bool | None = None,
        **fields: datetime,
    ) -> PrintJob:
        """A staff action's move: from the states where `action` leads to `target` (`sent`: only from `printing`,
        or only from the others; None: from any of them)."""
        sources = tuple(
            state
            for state, to in ACTION_MOVES[action].items()
            if to == target and (sent is None or (state == "printing") == sent)
        )
        with self.state.begin() as session:
            job = _get(session, job_no)
            if job.state not in sources:
                raise JobError(
                    f"job {job.job_no} is {job.state}; only a job that is {' or '.join(sources)} "
                    f"can be {what.split()[0]}"
                )
            _transition(session, job, target, f"{what} by {actor}")
            for name, value in fields.items():
                setattr(job, name, value)
        self.state.audit(actor, what.split()[0], f"job {job.job_no}")
        return job

    # -- the work ----------------------------------------------------------------------------

    def recover(self) -> list[PrintJob]:
        """At start: jobs a killed kiosk left mid-hand-off go to staff as check_printer; returns them."""
        with self.state.begin() as session:
            stuck = list(
                session.scalars(select(PrintJob).where(PrintJob.state == "printing", PrintJob.handed_over_at.is_(None)))
            )
            for job in stuck:
                _transition(
                    session, job, "check_printer", "the kiosk stopped while sending this job: check whether it printed"
                )
                job.error = "发送中断：请检查打印机是否已打出"
        for job in stuck:
            log.warning("print job %s: outcome unknown after a restart; staff should check the printer", job.job_no)
        return stuck

    def work(self) -> int:
        """One pass: expire held jobs, follow jobs at the printer, send the queued ones due. Returns moves made."""
        moves = self._expire()
        moves += self._follow()
        moves += self._send_due()
        if moves:
            self.on_change()
        return moves

    def _expire(self) -> int:
        with self.state.begin() as session:
            old = list(
                session.scalars(
                    select(PrintJob).where(PrintJob.state == "awaiting_release", PrintJob.expires_at <= now())
                )
            )
            for job in old:
                _transition(session, job, "expired", f"not released within {self.policy.hold_hours:g} h")
                job.finished_at = now()
        return len(old)

    def _follow(self) -> int:
        """Jobs a printer holds (CUPS): done, failed or cancelled as the printer says."""
        with self.state.session() as session:
            sent = list(
                session.scalars(
                    select(PrintJob).where(PrintJob.state == "printing", PrintJob.handed_over_at.is_not(None))
                )
            )
        moves = 0
        for job in sent:
            progress = self.printers[job.kind].progress(job.handle)
            target = _ENDED_BY_PRINTER.get(progress)
            if target is None:
                continue
            with self.state.begin() as session:
                current = session.get_one(PrintJob, job.id)
                if current.state == "printing":
                    _transition(session, current, target, f"the printer reports {progress}")
                    current.finished_at = now()
                    current.error = "" if target == "done" else f"打印机报告：{progress}"
                    moves += 1
            if target == "done":
                self._count(job)
        return moves

    def _send_due(self) -> int:
        moves = 0
        while (job := self._claim()) is not None:
            self._send(job)
            moves += 1
        return moves

    def _claim(self) -> PrintJob | None:
        """The oldest queued job that is due, moved to printing by this process alone (or None)."""
        with self.state.begin() as session:
            due = session.scalars(
                select(PrintJob.id)
                .where(
                    PrintJob.state == "queued",
                    (PrintJob.next_attempt_at.is_(None)) | (PrintJob.next_attempt_at <= now()),
                )
                .order_by(PrintJob.id)
                .limit(1)
            ).first()
            if due is None:
                return None
            claimed = session.execute(
                update(PrintJob)
                .where(PrintJob.id == due, PrintJob.state == "queued")
                .values(state="printing", handoff_at=now(), updated_at=now(), attempts=PrintJob.attempts + 1)
                .returning(PrintJob.id)
            ).scalar_one_or_none()
            if claimed is None:
                return None
            session.add(JobEvent(job_id=due, from_state="queued", to_state="printing", detail="sending"))
            job = session.get_one(PrintJob, due)
        log.info("print job %s: sending (attempt %d)", job.job_no, job.attempts)
        _checkpoint("handoff")
        return job

    def _send(self, job: PrintJob) -> None:
        printer = self.printers[job.kind]
        status = printer.status()
        if status.state in ("offline", "stopped") or status.paper == "out":
            # Sent now, the job would sit in a stopped queue or be lost to an empty printer: it waits here.
            self._retry_later(job, status.reason or f"the printer is {status.state}, paper {status.paper}")
            return
        try:
            data = Path(job.data_path).read_bytes()
            handle = printer.submit(job.job_no, job.kind, data, title=job.title)
        except PrinterUnavailable as exc:
            self._retry_later(job, str(exc))
            return
        except (OutcomeUnknown, PrintError) as exc:
            self._unknown(job, str(exc))
            return
        except OSError as exc:
            self._fail(job, f"the copy of this job cannot be read: {exc.strerror or exc}")
            return
        _checkpoint("sent")
        progress = printer.progress(handle)
        with self.state.begin() as session:
            current = session.get_one(PrintJob, job.id)
            current.handle, current.handed_over_at, current.output = handle, now(), printer.name
            current.error, current.next_attempt_at = "", None
            if progress == "done":
                _transition(session, current, "done", f"printed on {printer.name}")
                current.finished_at = now()
            else:
                session.add(
                    JobEvent(
                        job_id=job.id,
                        from_state="printing",
                        to_state="printing",
                        detail=f"handed to {printer.name} as {handle}",
                    )
                )
        _checkpoint("recorded")
        if progress == "done":
            self._count(job)
            log.info("print job %s: done on %s", job.job_no, printer.name)

    def _count(self, job: PrintJob) -> None:
        """A printed copy of an item counts for the annual report (test pages and held-job slips do not)."""
        if not is_copy(job.source):
            return
        try:
            with self.state.begin() as session:
                usage.add_events(session, [usage.Event("print", job.visitor, job.kind, job.index_no, amount=job.pages)])
        except Exception as exc:  # the job is done and recorded; only its count in the figures is lost
            log.warning("print job %s: not counted in the figures (%s)", job.job_no, exc)

    def _retry_later(self, job: PrintJob, reason: str) -> None:
        delay = retry_delay(job.attempts)
        with self.state.begin() as session:
            current = session.get_one(PrintJob, job.id)
            _transition(session, current, "queued", f"printer unavailable, retry in {delay:g} s: {reason}")
            current.handoff_at, current.next_attempt_at = None, now() + timedelta(seconds=delay)
            current.error = f"打印机暂不可用，稍后自动重试：{reason}"
        log.warning("print job %s: printer unavailable (%s); retry in %g s", job.job_no, reason, delay)

    def _unknown(self, job: PrintJob, reason: str) -> None:
        with self.state.begin() as session:
            current = session.get_one(PrintJob, job.id)
            _transition(session, current, "check_printer", f"outcome unknown: {reason}")
            current.error = f"打印中断，请检查打印机是否已打出：{reason}"
        log.warning("print job %s: outcome unknown (%s); staff should check the printer", job.job_no, reason)

    def _fail(self, job: PrintJob, reason: str) -> None:
        with self.state.begin() as session:
            current = session.get_one(PrintJob, job.id)
            _transition(session, current, "failed", reason)
            current.error, current.finished_at = reason, now()
        log.error("print job %s failed: %s", job.job_no, reason)

    # -- reading -----------------------------------------------------------------------------

    def get(self, job_no: str) -> PrintJob:
        with self.state.session() as session:
            return _get(session, job_no)

    def jobs(self, states: Iterable[str] = (), *, today: bool = False, limit: int = 200) -> list[PrintJob]:
        """Jobs newest first, of the given states (all when empty), of today only when asked."""
        query = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
        if states := tuple(states):
            query = query.where(PrintJob.state.in_(states))
        if today:
            query = query.where(PrintJob.created_at >= _start_of_today())
        with self.state.session() as session:
            return list(session.scalars(query))

    def events(self, job_no: str) -> list[JobEvent]:
        with self.state.session() as session:
            return list(
                session.scalars(select(JobEvent).where(JobEvent.job_id == job_id(job_no)).order_by(JobEvent.id))
            )

    def today(self) -> DayCounts:
        """Today's jobs, printed copy pages and slips (held-job slips and test pages apart), failures, waiting."""
        with self.state.session() as session:
            since = PrintJob.created_at >= _start_of_today()
            jobs = session.scalar(select(func.count()).select_from(PrintJob).where(since)) or 0
            printed = (since, PrintJob.state == "done", _copies())
            pages = (
                session.scalar(
                    select(func.coalesce(func.sum(PrintJob.pages), 0)).where(*printed, PrintJob.kind == "a4")
                )
                or 0
            )
            slips = (
                session.scalar(
                    select(func.coalesce(func.sum(PrintJob.pages), 0)).where(*printed, PrintJob.kind == "receipt")
                )
                or 0
            )
            failures = (
                session.scalar(
                    select(func.count()).select_from(PrintJob).where(since, PrintJob.state.in_(FAULT_STATES))
                )
                or 0
            )
            waiting = (
                session.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.state.in_(WAITING_STATES)))
                or 0
            )
        return DayCounts(jobs, pages, failures, waiting, slips)

    def is_settled(self, job: PrintJob) -> bool:
        """True when the job needs nothing more from this process: printed, ended, held or with staff."""
        return job.state in SETTLED_STATES


def is_copy(source: str) -> bool:
    """True for a citizen's copy of an item or attachment (A4 or slip); False for test pages and held-job slips."""
    return source == "item" or source.startswith("attachment:")


def job_purpose(source: str, kind: str) -> JobPurpose:
    """What a job is: a citizen's A4 copy or information slip, a held job's 取件凭条, or a test page."""
    if source == "test":
        return "test"
    if source.startswith("ticket:"):
        return "ticket"
    return "copy" if kind == "a4" else "slip"


def _copies() -> ColumnElement[bool]:
    """The SQL condition that `is_copy` states in Python."""
    return (PrintJob.source == "item") | PrintJob.source.startswith("attachment:")


def _start_of_today() -> datetime:
    """Local midnight, in UTC as times are stored."""
    local = datetime.now().astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _pages(session: Session, condition: ColumnElement[bool]) -> int:
    copies = (PrintJob.source == "item") | PrintJob.source.startswith("attachment:")
    total = session.scalar(
        select(func.coalesce(func.sum(PrintJob.pages), 0)).where(condition, copies, PrintJob.state.in_(COUNTED_STATES))
    )
    return int(total or 0)


def _get(session: Session, job_no: str) -> PrintJob:
    job = session.get(PrintJob, job_id(job_no))
    if job is None:
        raise JobError(f"there is no print job {job_no}")
    return job


ISSUED = "highest-job-number"  # in the jobs folder: the highest job number this kiosk ever gave


def record_issued(folder: Path, number: int) -> None:
    """Keep `number` as the highest job number given, outside the state store (a store lost and restored from
    an older backup, or started afresh, must not give it again; with a CUPS printer no spooled file keeps it)."""
    if number <= read_issued(folder):
        return
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{ISSUED}.{os.getpid()}"
    with open(temporary, "w", encoding="ascii") as out:
        out.write(f"{number}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, folder / ISSUED)


def read_issued(folder: Path) -> int:
    """The highest job number `record_issued` kept in `folder`; 0 when none (or the file is unreadable)."""
    try:
        text = (folder / ISSUED).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return 0
    return int(text) if text.isascii() and text.isdigit() else 0


def _next_number(session: Session, floor: int) -> int:
    """The next job number: above every job in the store and above `floor`, in the caller's write transaction."""
    highest = session.scalar(select(func.max(PrintJob.id))) or 0
    return max(highest, floor) + 1


def _no(job_id_: int | None) -> str:
    return f"{job_id_:04d}" if job_id_ is not None else ""


def _transition(session: Session, job: PrintJob, target: JobState, detail: str) -> None:
    """Move a job and log the move, in the caller's transaction; MoveRefused for a move the table does not hold."""
    check_move(job.state, target)
    _event(session, job, job.state, target, detail)
    log.info("print job %s: %s -> %s (%s)", job.job_no, job.state, target, detail)
    job.state, job.updated_at = target, now()


def _event(session: Session, job: PrintJob, source: str, target: str, detail: str) -> None:
    session.add(JobEvent(job_id=job.id, from_state=source, to_state=target, detail=detail[:1000]))


def describe_time(moment: datetime | None) -> str:
    """A stored time as local HH:MM:SS (with the date when not today), or ''."""
    if moment is None:
        return ""
    local = as_local(moment)
    return local.strftime("%H:%M:%S" if local.date() == datetime.now().date() else "%Y-%m-%d %H:%M")
