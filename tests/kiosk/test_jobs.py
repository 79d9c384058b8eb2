"""The print queue on its own: states, release, expiry, quotas, retries, unknown outcomes, claims.

The printers here are scripted stand-ins for one piece (the queue); the real
printers have their own tests, and the crash tests run the real CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk import usage
from kiosk.jobs import JobError, JobQueue, QueuePolicy, QuotaExceeded, retry_delay
from kiosk.state import PrintJob, StateStore, now
from printing.base import JobProgress, PrinterStatus
from printing.errors import OutcomeUnknown, PrinterUnavailable
from printing.spool import SpoolPrinter


@dataclass
class ScriptedPrinter:
    """Fails `unavailable` times, then takes jobs; `progress` answers from `states` (CUPS-like when set)."""

    unavailable: int = 0
    drop: bool = False
    held: bool = False  # the printer keeps jobs "pending" until told otherwise
    sent: list[str] = field(default_factory=list)
    states: dict[str, JobProgress] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    state: PrinterStatus = PrinterStatus("idle")

    name = "scripted printer"

    def submit(self, job_no: str, kind: str, data: bytes, *, title: str = "") -> str:
        if self.unavailable:
            self.unavailable -= 1
            raise PrinterUnavailable("the printer is switched off")
        if self.drop:
            raise OutcomeUnknown("the connection dropped after 512 bytes")
        self.sent.append(job_no)
        self.states[job_no] = "pending" if self.held else "done"
        return job_no

    def progress(self, handle: str) -> JobProgress:
        return self.states.get(handle, "unknown")

    def cancel(self, handle: str) -> bool:
        self.cancelled.append(handle)
        self.states[handle] = "cancelled"
        return True

    def status(self) -> PrinterStatus:
        return self.state


def make_queue(state: StateStore, tmp_path: Path, printer: object, **policy: object) -> JobQueue:
    return JobQueue(state, {"a4": printer, "receipt": printer}, tmp_path / "jobs", QueuePolicy(**policy))  # type: ignore[arg-type]


def submit(queue: JobQueue, pages: int = 2, visitor: str = "v1", kind: str = "a4") -> PrintJob:
    return queue.submit(
        index_no="003232741/2008-00001",
        title="关于2008年政府信息公开工作的年度报告",
        kind=kind,  # type: ignore[arg-type]
        data=b"%PDF-1.4 copy",
        pages=pages,
        visitor=visitor,
    )


def test_a_job_goes_queued_printing_done_with_every_step_logged(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter()
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    assert job.state == "queued" and job.job_no == "0001" and Path(job.data_path).read_bytes() == b"%PDF-1.4 copy"
    assert queue.work() == 1
    done = queue.get("1")
    assert (done.state, done.attempts, done.handle, done.output) == ("done", 1, "0001", "scripted printer")
    assert done.handoff_at and done.handed_over_at and done.finished_at
    events = queue.events("0001")
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "queued"),
        ("queued", "printing"),
        ("printing", "done"),
    ]
    assert all(e.at for e in events) and printer.sent == ["0001"]
    assert queue.work() == 0 and printer.sent == ["0001"]  # never twice
    assert usage.event_counts(state) == {"print": 1}


def test_a_long_copy_waits_for_release_and_a_held_one_expires(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter()
    queue = make_queue(state, tmp_path, printer, release_above=10, hold_hours=4)
    held = submit(queue, pages=11)
    assert held.state == "awaiting_release" and held.expires_at is not None
    queue.work()
    assert printer.sent == []
    released = queue.release(held.job_no, "console")
    assert released.state == "queued" and released.released_at
    queue.work()
    assert queue.get(held.job_no).state == "done" and printer.sent == [held.job_no]
    other = submit(queue, pages=30)
    with state.begin() as session:
        session.get_one(PrintJob, other.id).expires_at = now() - timedelta(seconds=1)
    queue.work()
    assert queue.get(other.job_no).state == "expired" and printer.sent == [held.job_no]
    with pytest.raises(JobError, match="only a job that is awaiting_release"):
        queue.release(other.job_no, "console")
    assert [(e.actor, e.action) for e in state.audit_log()] == [("console", "released")]


def test_release_threshold_zero_holds_every_a4_copy_but_not_slips(state: StateStore, tmp_path: Path) -> None:
    queue = make_queue(state, tmp_path, ScriptedPrinter(), release_above=0)
    assert submit(queue, pages=1).state == "awaiting_release"
    assert submit(queue, pages=1, kind="receipt").state == "queued"


def test_quotas_per_visit_and_per_day_refuse_with_a_message(state: StateStore, tmp_path: Path) -> None:
    queue = make_queue(state, tmp_path, ScriptedPrinter(), pages_per_visit=10, pages_per_day=25)
    submit(queue, pages=8, visitor="a")
    assert queue.quote("a4", 3, "a").refusal.startswith("每位读者每次最多打印 10 页，您还可打印 2 页")
    with pytest.raises(QuotaExceeded, match="您还可打印 2 页"):
        submit(queue, pages=3, visitor="a")
    submit(queue, pages=2, visitor="a")
    submit(queue, pages=10, visitor="b")
    assert queue.quote("a4", 6, "c").refusal == "本终端今日打印量已满，请联系工作人员。"
    cancelled = submit(queue, pages=5, visitor="c")
    queue.cancel(cancelled.job_no, "console")
    assert queue.quote("a4", 5, "c").refusal == ""  # a cancelled job gives its pages back
    queue.work()
    again = queue.reprint("0001", "console")  # staff reprints are outside the quota
    assert again.reprint_of == 1 and again.state == "queued"


def test_a_fee_is_quoted_per_a4_page(state: StateStore, tmp_path: Path) -> None:
    queue = make_queue(state, tmp_path, ScriptedPrinter(), fee_per_page_cents=50)
    assert queue.quote("a4", 7, "v").fee_cents == 350
    assert queue.quote("receipt", 1, "v").fee_cents == 0
    assert submit(queue, pages=7).fee_cents == 350


def test_an_offline_printer_gets_the_job_later_with_backoff_and_only_once(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter(unavailable=2)
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    queue.work()
    waiting = queue.get(job.job_no)
    assert waiting.state == "queued" and "switched off" in waiting.error and waiting.attempts == 1
    assert waiting.next_attempt_at is not None and waiting.handoff_at is None
    queue.work()
    assert queue.get(job.job_no).attempts == 1  # not due yet
    for _ in range(2):
        with state.begin() as session:
            session.get_one(PrintJob, job.id).next_attempt_at = now() - timedelta(seconds=1)
        queue.work()
    assert queue.get(job.job_no).state == "done" and printer.sent == [job.job_no]
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8, 20)] == [5, 10, 20, 300, 300, 300]


@pytest.mark.parametrize(
    "status",
    [
        PrinterStatus("offline", "connection refused"),
        PrinterStatus("idle", "the paper has run out", paper="out"),
        PrinterStatus("stopped", "Paused"),
    ],
)
def test_a_printer_that_says_it_cannot_print_gets_nothing_until_it_can(
    state: StateStore, tmp_path: Path, status: PrinterStatus
) -> None:
    printer = ScriptedPrinter(state=status)
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    queue.work()
    waiting = queue.get(job.job_no)
    assert waiting.state == "queued" and printer.sent == [] and status.reason in waiting.error
    printer.state = PrinterStatus("idle", paper="ok")
    with state.begin() as session:
        session.get_one(PrintJob, job.id).next_attempt_at = None
    queue.work()
    assert queue.get(job.job_no).state == "done" and printer.sent == [job.job_no]


def test_a_dropped_connection_goes_to_staff_and_is_never_resent_by_itself(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter(drop=True)
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    queue.work()
    checked = queue.get(job.job_no)
    assert checked.state == "check_printer" and "dropped" in checked.error
    printer.drop = False
    queue.work()
    assert printer.sent == []
    assert queue.today().failures == 1 and queue.today().waiting == 1
    queue.collected(job.job_no, "console")  # staff saw it printed
    assert queue.get(job.job_no).state == "done"


def test_a_job_to_check_can_be_reprinted_instead(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter(drop=True)
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    queue.work()
    printer.drop = False
    again = queue.reprint(job.job_no, "cli")
    queue.work()
    assert queue.get(job.job_no).state == "failed" and queue.get(again.job_no).state == "done"
    assert printer.sent == [again.job_no]
    assert ("cli", "reprint") in [(e.actor, e.action) for e in state.audit_log()]


def test_a_kiosk_stopped_mid_hand_off_leaves_a_job_to_check_not_a_resend(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter()
    queue = make_queue(state, tmp_path, printer)
    job = submit(queue)
    claimed = queue._claim()  # the kiosk dies here, after recording the hand-off
    assert claimed is not None and claimed.state == "printing"
    restarted = make_queue(state, tmp_path, printer)
    assert [j.job_no for j in restarted.recover()] == [job.job_no]
    restarted.work()
    assert restarted.get(job.job_no).state == "check_printer" and printer.sent == []


def test_a_printer_that_holds_jobs_is_followed_and_can_cancel(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter(held=True)
    queue = make_queue(state, tmp_path, printer)
    first, second = submit(queue), submit(queue)
    queue.work()
    assert queue.get(first.job_no).state == "printing" and queue.get(first.job_no).handed_over_at
    assert queue.recover() == []  # handed over: the printer has it, nothing to check
    printer.states[first.job_no] = "done"
    queue.work()
    assert queue.get(first.job_no).state == "done"
    queue.cancel(second.job_no, "console")
    assert queue.get(second.job_no).state == "cancelled" and printer.cancelled == [second.job_no]
    third = submit(queue)
    queue.work()
    printer.states[third.job_no] = "failed"  # CUPS aborted it
    queue.work()
    assert queue.get(third.job_no).state == "failed" and "failed" in queue.get(third.job_no).error


def test_two_kiosk_processes_never_send_the_same_job(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter()
    one, two = make_queue(state, tmp_path, printer), make_queue(state, tmp_path, printer)
    jobs = [submit(one) for _ in range(5)]
    claims = [one._claim(), two._claim(), two._claim(), one._claim(), two._claim(), one._claim()]
    assert sorted(j.id for j in claims if j is not None) == [j.id for j in jobs]
    assert claims[-1] is None


def test_cancel_and_collected_refuse_the_wrong_states(state: StateStore, tmp_path: Path) -> None:
    queue = make_queue(state, tmp_path, ScriptedPrinter())
    job = submit(queue)
    with pytest.raises(JobError, match="not printed: nothing to collect"):
        queue.collected(job.job_no, "cli")
    queue.work()
    with pytest.raises(JobError, match="can be cancelled"):
        queue.cancel(job.job_no, "cli")
    with pytest.raises(JobError, match="there is no print job 0099"):
        queue.release("0099", "cli")
    with pytest.raises(JobError, match="is not a job number"):
        queue.release("../1", "cli")


def test_a_spool_printer_in_the_queue(state: StateStore, tmp_path: Path) -> None:
    queue = make_queue(state, tmp_path, SpoolPrinter(tmp_path / "spool"))
    job = submit(queue)
    queue.work()
    assert queue.get(job.job_no).state == "done"
    assert (tmp_path / "spool" / "0001.pdf").read_bytes() == b"%PDF-1.4 copy"


def test_today_counts_pages_jobs_and_failures(state: StateStore, tmp_path: Path) -> None:
    printer = ScriptedPrinter()
    queue = make_queue(state, tmp_path, printer, release_above=5)
    submit(queue, pages=3)
    submit(queue, pages=9)
    queue.work()
    counts = queue.today()
    assert (counts.jobs, counts.pages, counts.failures, counts.waiting) == (2, 3, 0, 1)
    assert [j.job_no for j in queue.jobs(("awaiting_release",), today=True)] == ["0002"]
