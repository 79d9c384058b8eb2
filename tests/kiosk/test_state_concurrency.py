"""The state store under several writers at once: never "database is locked".

Threads of this process play the screens (a citizen submits a copy and waits
for it), the print worker and the staff console; a second process plays the
CLI doing the same against the same SQLite file. Every write must wait its
turn and succeed; staff actions may be refused because a job moved meanwhile
(a JobError, said in words), never by the database.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, event, select

from content_cache.db import make_engine, writer
from kiosk.jobs import JobError, JobQueue, QueuePolicy
from kiosk.state import JobEvent, PrintJob, StateStore
from printing.spool import SpoolPrinter

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

ROUNDS = 12  # jobs each citizen thread (and the second process) submits
CITIZENS = 3
INDEX_NO = "003232741/2008-00001"


def open_queue(url: str, folder: Path) -> JobQueue:
    """A queue over the shared store; jobs of more than one page wait for staff, as at a strict desk."""
    state = StateStore(url)
    printer = SpoolPrinter(folder / "spool")
    return JobQueue(
        state,
        {"a4": printer, "receipt": printer},
        folder / "jobs",
        QueuePolicy(pages_per_visit=0, pages_per_day=0, release_above=1),
    )


def citizen(queue: JobQueue, name: str) -> None:
    """Submit copies and follow each, as the print screen's worker does."""
    for n in range(ROUNDS):
        job = queue.submit(
            index_no=INDEX_NO,
            title=f"{name} 第 {n} 份",
            kind="a4" if n % 3 else "receipt",
            data=b"%PDF-1.4 copy",
            pages=1 + n % 2,
            visitor=name,
        )
        queue.work()
        queue.get(job.job_no)


def staff(queue: JobQueue, rounds: int) -> None:
    """Release held jobs, cancel one now and then, mark printed ones collected, reprint a few."""
    for n in range(rounds):
        for job in queue.jobs(("awaiting_release", "done"), limit=20):
            try:
                if job.state == "awaiting_release":
                    (queue.cancel if n % 5 == 4 else queue.release)(job.job_no, "console")
                elif job.collected_at is None:
                    queue.collected(job.job_no, "console")
                    if n % 4 == 0 and job.reprint_of is None:
                        queue.reprint(job.job_no, "console")
            except JobError:
                pass  # another writer moved the job first: a refusal in words, as staff would see it
        queue.work()


def worker(queue: JobQueue, stop: threading.Event) -> None:
    """The print worker's loop, without its pause."""
    while not stop.is_set():
        queue.work()


def run_second_process(url: str, folder: Path) -> None:
    """The CLI's part, in its own process: a citizen's copies and a staff round."""
    queue = open_queue(url, folder)
    citizen(queue, "cli")
    staff(queue, ROUNDS)
    queue.state.close()


def _guard(errors: list[BaseException], target: Callable[..., None], *args: object) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        except BaseException as exc:  # every failure is reported by the test
            errors.append(exc)

    return threading.Thread(target=run)


def test_screens_worker_staff_and_a_second_process_write_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    queue = open_queue(url, tmp_path)
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from tests.kiosk.test_state_concurrency import run_second_process; "
            "run_second_process(sys.argv[1], Path(sys.argv[2]))",
            url,
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[BaseException] = []
    stop = threading.Event()
    threads = [_guard(errors, citizen, queue, f"visitor-{i}") for i in range(CITIZENS)]
    threads += [_guard(errors, staff, queue, ROUNDS * 2), _guard(errors, worker, queue, stop)]
    for thread in threads:
        thread.start()
    for thread in threads[:-1]:
        thread.join()
    _, stderr = other.communicate(timeout=300)
    stop.set()
    threads[-1].join()

    assert not errors, [repr(e) for e in errors]
    assert other.returncode == 0, stderr
    assert "database is locked" not in stderr
    _assert_every_job_whole(queue)
    queue.state.close()


def _assert_every_job_whole(queue: JobQueue) -> None:
    """Every citizen's job exists once, with an event for every state it went through; none printed twice."""
    staff(queue, 2)  # one pass more of staff, then release everything still held (reprints of that pass too)
    for held in queue.jobs(("awaiting_release",), limit=100_000):
        queue.release(held.job_no, "console")
    queue.work()
    with queue.state.session() as session:
        jobs = list(session.scalars(select(PrintJob)))
        events = list(session.scalars(select(JobEvent).order_by(JobEvent.id)))
    originals = [j for j in jobs if j.reprint_of is None]
    assert len(originals) == ROUNDS * (CITIZENS + 1)
    for job in jobs:
        trail = [e.to_state for e in events if e.job_id == job.id]
        assert trail and trail[-1] == job.state, (job.job_no, trail)
        assert job.state in ("done", "cancelled"), (job.job_no, job.state)
    done = [j for j in jobs if j.state == "done"]
    spooled = list((Path(done[0].output.removeprefix("spool folder "))).iterdir())
    assert len([p for p in spooled if not p.name.startswith(".")]) == len(done)


def test_a_postgresql_engine_keeps_its_own_transactions() -> None:
    """Only SQLite gets BEGIN IMMEDIATE; a PostgreSQL state store is handed back as it is."""
    dbapi = SimpleNamespace(paramstyle="format", __version__="1.31.2")  # no server needed: nothing connects
    engine = create_engine("postgresql+pg8000://kiosk@db.example/kiosk", module=dbapi)
    assert writer(engine) is engine


def test_sqlite_writes_begin_immediate_and_reads_deferred(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with writer(engine).begin() as connection:
        connection.exec_driver_sql("SELECT 1")
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN DEFERRED", "SELECT 1"]
    engine.dispose()
