"""The kiosk state store: print jobs and usage events. Precious: sync never touches it.

SQLite (WAL) in KIOSK_HOME by default; any SQLAlchemy URL (a PostgreSQL server
shared by the kiosks of one room) works too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from content_cache.db import make_engine, make_sessionmaker, run_migrations

JobState = Literal["queued", "awaiting_release", "printing", "done", "failed", "cancelled"]
EventKind = Literal["view", "search", "print"]
MIGRATIONS = "kiosk:state_migrations"


def now() -> datetime:
    """The current time in UTC, as stored."""
    return datetime.now(UTC)


def as_local(moment: datetime) -> datetime:
    """A stored time in the local zone; SQLite hands times back without their zone, and they are UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()


class StateBase(DeclarativeBase):
    """Declarative base of the state store."""


class PrintJob(StateBase):
    """One confirmed print, recorded before its bytes reach a printer."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_no: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24), default="queued")
    output: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    @property
    def job_no(self) -> str:
        """The short number a citizen gives at the desk."""
        return f"{self.id:04d}"


class UsageEvent(StateBase):
    """A view, search or print, counted for the annual disclosure report."""

    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    kind: Mapped[str] = mapped_column(String(16))
    index_no: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class SyncRun(StateBase):
    """One sync of the content cache: when, from where, what changed, and how it ended."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text, default="")
    trigger: Mapped[str] = mapped_column(String(16), default="manual")  # manual / schedule
    sequence_before: Mapped[int | None] = mapped_column(Integer)
    sequence_after: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16), default="")  # snapshot / delta / unchanged
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(16), default="running")  # running / ok / unchanged / failed
    error: Mapped[str] = mapped_column(Text, default="")


class StateStore:
    """Short transactions on the state store; every method commits before it returns."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        run_migrations(self.engine, MIGRATIONS)
        self._sessions = make_sessionmaker(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def new_job(self, index_no: str, title: str, kind: str, pages: int) -> PrintJob:
        """Record a confirmed print as queued; its id gives the job number."""
        with self._sessions.begin() as session:
            job = PrintJob(index_no=index_no, title=title, kind=kind, pages=pages, state="queued")
            session.add(job)
        return job

    def set_state(
        self, job_id: int, state: JobState, *, output: str = "", error: str = "", pages: int | None = None
    ) -> PrintJob:
        """Move a job to a new state, with where it went, why it failed, or its page count."""
        with self._sessions.begin() as session:
            job = session.get_one(PrintJob, job_id)
            job.state, job.updated_at = state, now()
            job.pages = job.pages if pages is None else pages
            job.output = output or job.output
            job.error = error
        return job

    def jobs(self, limit: int = 50) -> list[PrintJob]:
        """The newest jobs first."""
        with self._sessions() as session:
            return list(session.scalars(select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)))

    def start_sync(self, source: str, trigger: str, sequence_before: int | None) -> int:
        """Record that a sync began; returns the run's id."""
        with self._sessions.begin() as session:
            run = SyncRun(source=source, trigger=trigger, sequence_before=sequence_before, outcome="running")
            session.add(run)
            session.flush()
            return run.id

    def mark_interrupted_syncs(self) -> int:
        """Runs still 'running' when the sync lock is free were killed: record them as interrupted."""
        with self._sessions.begin() as session:
            runs = list(session.scalars(select(SyncRun).where(SyncRun.outcome == "running")))
            for run in runs:
                run.outcome, run.error = "interrupted", "the process ended before the sync finished"
            return len(runs)

    def finish_sync(self, run_id: int, outcome: str, **fields: object) -> SyncRun:
        """Record how a sync ended: its outcome, counts and error."""
        with self._sessions.begin() as session:
            run = session.get_one(SyncRun, run_id)
            for name, value in fields.items():
                setattr(run, name, value)
            run.outcome, run.finished_at = outcome, now()
            return run

    def sync_runs(self, limit: int = 10) -> list[SyncRun]:
        """The newest sync runs first."""
        with self._sessions() as session:
            return list(session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)))

    def last_successful_sync(self) -> SyncRun | None:
        """The newest sync that ended well (applied or found nothing new)."""
        with self._sessions() as session:
            query = select(SyncRun).where(SyncRun.outcome.in_(("ok", "unchanged"))).order_by(SyncRun.id.desc())
            return session.scalars(query.limit(1)).first()

    def record(self, kind: EventKind, index_no: str = "", detail: str = "") -> None:
        """Count a view, a search or a print."""
        with self._sessions.begin() as session:
            session.add(UsageEvent(kind=kind, index_no=index_no, detail=detail[:500]))

    def event_counts(self) -> dict[str, int]:
        """How many events of each kind were recorded."""
        with self._sessions() as session:
            rows = session.execute(select(UsageEvent.kind, func.count()).group_by(UsageEvent.kind))
            return {kind: count for kind, count in rows}
