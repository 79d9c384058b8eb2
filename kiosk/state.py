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

    def record(self, kind: EventKind, index_no: str = "", detail: str = "") -> None:
        """Count a view, a search or a print."""
        with self._sessions.begin() as session:
            session.add(UsageEvent(kind=kind, index_no=index_no, detail=detail[:500]))

    def event_counts(self) -> dict[str, int]:
        """How many events of each kind were recorded."""
        with self._sessions() as session:
            rows = session.execute(select(UsageEvent.kind, func.count()).group_by(UsageEvent.kind))
            return {kind: count for kind, count in rows}
