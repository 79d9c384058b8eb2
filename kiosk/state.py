"""The kiosk state store: print jobs, usage events (kiosk.usage), sync runs, the staff PIN and the audit log.

Precious: sync never touches it.

SQLite (WAL) in KIOSK_HOME by default; any SQLAlchemy URL (a PostgreSQL server
shared by the kiosks of one room) works too.

An SQLite state store is never made again silently over one that was lost:
when it is first made, a marker (KIOSK_HOME/state.made) records its path; a
store missing where the marker says one was made is refused
(`StateStoreMissing`), and so is a damaged one (`StateStoreDamaged`): both
messages name the file and `kiosk restore`. Every process that opens it
holds a shared lock on KIOSK_HOME/state.lock, so that a restore can tell the
store is in use and refuse.

    StateStoreError        (a KioskError) the state store cannot be used
    ├── StateStoreMissing  this kiosk had a store and it is gone
    ├── StateStoreDamaged  the file is damaged
    └── StateStoreBusy     a restore holds the store, or the store is open when a restore is asked
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from content_cache.db import (
    file_damage,
    is_damage,
    make_engine,
    make_sessionmaker,
    run_migrations,
    sqlite_path,
)
from kiosk.errors import KioskError
from printing.document import PrintKind
from printing.job_states import JobState

MIGRATIONS = "kiosk:state_migrations"
MARKER = "state.made"  # in KIOSK_HOME: a state store was made here, at this path
LOCK = "state.lock"  # in KIOSK_HOME: shared by every process with the store open, exclusive for a restore
FULL_CHECK_UP_TO = 256 * 2**20  # a state store up to this size is read through at every opening
RESTORE_HINT = "put back the newest backup with `kiosk restore`"


class StateStoreError(KioskError):
    """The state store cannot be used; the message names the file and what to do."""


class StateStoreMissing(StateStoreError):
    """This kiosk made a state store and it is no longer there."""


class StateStoreDamaged(StateStoreError):
    """The state store's file is damaged."""


class StateStoreBusy(StateStoreError):
    """A restore holds the state store, or a restore found it open."""


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
    kind: Mapped[PrintKind] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(Integer)
    state: Mapped[JobState] = mapped_column(String(24), default="queued")
    output: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    source: Mapped[str] = mapped_column(Text, default="item")  # item, or attachment:NAME
    visitor: Mapped[str] = mapped_column(String(64), default="")  # the visitor session that asked for it
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    warning: Mapped[str] = mapped_column(Text, default="")  # 废止 / 失效, shown before confirming
    data_path: Mapped[str] = mapped_column(Text, default="")  # the rendered copy, kept for retries and reprints
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handle: Mapped[str] = mapped_column(Text, default="")  # the printer's name for the job (CUPS id, file)
    handoff_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # about to send
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the printer has it
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    collected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reprint_of: Mapped[int | None] = mapped_column(Integer)

    @property
    def job_no(self) -> str:
        """The short number a citizen gives at the desk."""
        return f"{self.id:04d}"


class JobEvent(StateBase):
    """One transition of a print job, with its time and why."""

    __tablename__ = "job_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(Integer, ForeignKey("print_jobs.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(StateBase):
    """One staff action (release, cancel, reprint, PIN change, test print…), from the console or the CLI."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    actor: Mapped[str] = mapped_column(String(32))  # "console" or "cli"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


class StaffPin(StateBase):
    """The staff PIN (scrypt hash) and its wrong-try lockout; one row."""

    __tablename__ = "staff_pin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pin_hash: Mapped[str] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


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

    def __init__(self, url: str, *, held: IO[str] | None = None) -> None:
        self.engine = make_engine(url)
        self._held = held  # the shared lock on KIOSK_HOME/state.lock, released by close()
        run_migrations(self.engine, MIGRATIONS)
        self._sessions = make_sessionmaker(self.engine)  # reads: deferred, never in a writer's way
        self._writes = make_sessionmaker(self.engine, write=True)  # writes: the lock up front (SQLite IMMEDIATE)

    def close(self) -> None:
        self.engine.dispose()
        if self._held is not None:
            self._held.close()
            self._held = None

    def session(self) -> Session:
        """A session for reads only (writes go through `begin`); the caller closes it (use it in a `with`)."""
        return self._sessions()

    def begin(self) -> AbstractContextManager[Session]:
        """A session in a write transaction that commits when the block ends; keep it short.

        On SQLite it begins IMMEDIATE: it waits (busy timeout) for the write lock before its
        first read, so a read-then-write never meets another writer's newer snapshot.
        """
        return self._writes.begin()

    def audit(self, actor: str, action: str, detail: str = "") -> None:
        """Record a staff action."""
        with self._writes.begin() as session:
            session.add(AuditEntry(actor=actor, action=action, detail=detail[:1000]))

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The newest staff actions first."""
        with self._sessions() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))

    def start_sync(self, source: str, trigger: str, sequence_before: int | None) -> int:
        """Record that a sync began; returns the run's id."""
        with self._writes.begin() as session:
            run = SyncRun(source=source, trigger=trigger, sequence_before=sequence_before, outcome="running")
            session.add(run)
            session.flush()
            return run.id

    def mark_interrupted_syncs(self) -> int:
        """Runs still 'running' when the sync lock is free were killed: record them as interrupted."""
        with self._writes.begin() as session:
            runs = list(session.scalars(select(SyncRun).where(SyncRun.outcome == "running")))
            for run in runs:
                run.outcome, run.error = "interrupted", "the process ended before the sync finished"
            return len(runs)

    def finish_sync(self, run_id: int, outcome: str, **fields: object) -> SyncRun:
        """Record how a sync ended: its outcome, counts and error."""
        with self._writes.begin() as session:
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


def open_state_store(url: str, home: Path) -> StateStore:
    """The state store at `url`, refused when it is missing where one was made, damaged, or being restored.

    A store made here for the first time is recorded in KIOSK_HOME/state.made.
    Other databases than SQLite files are opened as they are.
    """
    path = sqlite_path(url)
    if path is None:
        return StateStore(url)
    held = hold_shared(home)
    try:
        store = _open_checked(url, path, home, held)
    except BaseException:
        held.close()
        raise
    record_made(home, path)
    return store


def _open_checked(url: str, path: Path, home: Path, held: IO[str]) -> StateStore:
    made = made_at(home, path)
    if made and not _has_content(path):
        raise StateStoreMissing(
            f"the state store {path} is missing, but this kiosk made one on {made}: it holds the print jobs and "
            f"their numbers; {RESTORE_HINT}, or start with an empty store with `kiosk restore --fresh`"
        )
    damage = file_damage(path, full=_has_content(path) and path.stat().st_size <= FULL_CHECK_UP_TO)
    if damage:
        raise StateStoreDamaged(damaged_message(path, damage))
    try:
        return StateStore(url, held=held)
    except Exception as exc:
        if is_damage(exc):
            raise StateStoreDamaged(damaged_message(path, str(getattr(exc, "orig", exc)))) from exc
        raise


def damaged_message(path: Path, reason: str) -> str:
    """The one line for a damaged state store: the file, why, and `kiosk restore`."""
    reason = (reason.splitlines() or ["damaged"])[0][:200]
    return (
        f"the state store {path} is damaged ({reason}): it holds the print jobs and cannot be rebuilt; "
        f"{RESTORE_HINT} (it keeps the damaged file aside)"
    )


def _has_content(path: Path) -> bool:
    """A file that SQLite would not take for a new, empty database."""
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def hold_shared(home: Path) -> IO[str]:
    """The shared lock every process with the state store open holds; StateStoreBusy while a restore runs."""
    home.mkdir(parents=True, exist_ok=True)
    handle = open(home / LOCK, "a+")  # held open for the store's life
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StateStoreBusy(
            f"the state store in {home} is being restored (`kiosk restore`); start again once it has finished"
        ) from None
    return handle


def made_at(home: Path, path: Path) -> str:
    """When the marker says a state store was made at `path` ('' when it says nothing about that path)."""
    try:
        found = json.loads((home / MARKER).read_text("utf-8"))
    except FileNotFoundError:
        return ""
    except (OSError, ValueError):
        return "an unknown date"  # a marker there but unreadable still says a store was made
    if not isinstance(found, dict) or found.get("path") != str(path):
        return ""
    return str(found.get("made_at") or "an unknown date")


def record_made(home: Path, path: Path) -> None:
    """Write the marker for the store at `path`, unless it already names that path."""
    if made_at(home, path):
        return
    marker = home / MARKER
    temp = marker.with_name(marker.name + ".part")
    temp.write_text(
        json.dumps({"path": str(path), "made_at": now().astimezone().isoformat(timespec="seconds")}), "utf-8"
    )
    os.replace(temp, marker)


def forget_made(home: Path) -> None:
    """Remove the marker: the next opening may make a new store (`kiosk restore --fresh`)."""
    (home / MARKER).unlink(missing_ok=True)
