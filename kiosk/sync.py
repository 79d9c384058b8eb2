"""Running a sync from the kiosk: the lock, the transport, the trusted keys, the run log.

The in-app scheduler and `kiosk sync` both come through `sync_now`, so two
syncs never run at once (an OS file lock, released by the kernel if the
process dies) and every run is recorded in the state store.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config, attachments_dir
from kiosk.errors import KioskError

if TYPE_CHECKING:  # the sync's modules (cryptography, httpx) and the stores load when a sync runs, not at start
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from content_cache import ContentCache
    from content_cache.sync.run import ProgressCallback, SyncProgress, SyncReport
    from kiosk.state import StateStore

log = logging.getLogger(__name__)


class SyncBusy(KioskError):
    """Another sync holds the lock."""


class SyncNotConfigured(KioskError):
    """No feed source or no trusted key is configured."""


class SyncInterrupted(KioskError):
    """The sync was stopped by a signal before it finished; nothing of it was applied."""


STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """One sync to run: where from, which keys to trust, and how."""

    source: str
    trusted: tuple[Path, ...]
    full: bool = False
    trigger: str = "manual"


def request_from_config(
    config: Config, *, source: str | None = None, trust: Path | None = None, full: bool = False, trigger: str = "manual"
) -> SyncRequest:
    """The request the settings describe, with command-line overrides."""
    chosen = source or config.settings.sync.source
    if not chosen:
        raise SyncNotConfigured("no feed source: set sync.source (KIOSK_SYNC_SOURCE) or pass --source")
    keys = (
        [trust]
        if trust
        else [Path(k.strip()).expanduser() for k in config.settings.sync.trusted_keys.split(",") if k.strip()]
    )
    if not keys:
        raise SyncNotConfigured("no trusted publisher key: set sync.trusted_keys or pass --trust PUBKEYFILE")
    return SyncRequest(chosen, tuple(keys), full, trigger)


@contextmanager
def sync_lock(home: Path) -> Iterator[None]:
    """Hold KIOSK_HOME/sync.lock; the kernel releases it if the process dies, so a crash never wedges it."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "sync.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise SyncBusy(f"another sync is running (process {handle.read().strip() or '?'})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SyncStatus:
    """What the UI and the staff view can observe of the sync: running or not, and how far."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.progress: SyncProgress | None = None
        self.running = False
        self.last_error = ""

    def update(self, progress: SyncProgress) -> None:
        with self._lock:
            self.progress = progress

    def snapshot(self) -> tuple[bool, SyncProgress | None, str]:
        with self._lock:
            return self.running, self.progress, self.last_error


def _one_line(exc: Exception) -> str:
    """The first line of an error, bounded: a database error carries its SQL and parameters after it."""
    return (str(exc).splitlines() or [type(exc).__name__])[0][:500]


def _record_failure(
    content: ContentCache, state: StateStore, run_id: int, exc: Exception, outcome: str = "failed"
) -> None:
    """Log the failed (or interrupted) run. The rolled-back write-ahead log may still fill a full disk: close
    the cache's connections first so SQLite can drop it, and never let the bookkeeping hide the cause."""
    log.warning("sync %s: %s", outcome, exc)
    content.engine.dispose()
    try:
        state.finish_sync(run_id, outcome, error=_one_line(exc))
    except Exception as also:  # the disk may still be full; the next sync marks the run interrupted
        log.error("could not record the %s sync run %d: %s", outcome, run_id, also)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """While a sync runs in the main thread, SIGTERM and SIGHUP raise SyncInterrupted there: the transaction
    rolls back, the workers stop, and the run is recorded as interrupted rather than left "running". A second
    signal while that happens is ignored, so the bookkeeping finishes. In another thread (the app's scheduler)
    signals stay as they are: the app handles its own ending."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        name = signal.Signals(signum).name
        raise SyncInterrupted(f"the sync was stopped ({name}) before it finished")

    previous = {number: signal.signal(number, stop) for number in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _what_stayed(content: ContentCache, before: int | None) -> str:
    """What a stopped sync left, said truly: a stop may land just after the commit."""
    try:
        after = content.feed_sequence()
    except Exception:  # the cache's state is reported by the next sync, not here
        return "the next sync starts again"
    if after == before:
        return "nothing of it was applied, and the next sync starts again"
    return f"its content had already been applied (sequence {after})"


def settle_interrupted(home: Path, state: StateStore) -> int:
    """Runs left "running" by a process that was killed: marked interrupted when no sync holds the lock now
    (a running sync keeps its run). Returns how many were marked."""
    try:
        with sync_lock(home):
            return state.mark_interrupted_syncs()
    except SyncBusy:
        return 0


def sync_now(
    config: Config,
    content: ContentCache,
    state: StateStore,
    request: SyncRequest,
    progress: ProgressCallback | None = None,
    status: SyncStatus | None = None,
) -> SyncReport:
    """Run one sync under the lock and record it; raises the sync's error after recording it."""
    from content_cache.feed import Limits, load_public_key
    from content_cache.sync.prepare import signals_held
    from content_cache.sync.run import run_sync
    from content_cache.sync.transport import open_transport

    keys: list[Ed25519PublicKey] = [load_public_key(path) for path in request.trusted]
    limits = Limits(max_attachment_bytes=int(config.settings.sync.max_attachment_mb) * 1024 * 1024)
    with sync_lock(config.home), stopped_by_signals():
        state.mark_interrupted_syncs()
        before = content.feed_sequence()
        run_id = state.start_sync(request.source, request.trigger, before)
        if status:
            status.running = True

        def observe(p: SyncProgress) -> None:
            if status:
                status.update(p)
            if progress:
                progress(p)

        recorded = False  # the run is recorded as finished: a stop after that changes nothing
        try:
            transport = open_transport(request.source, config.home / "sync" / "downloads")
            try:
                report = run_sync(
                    content,
                    transport,
                    keys,
                    attachments=attachments_dir(config),
                    limits=limits,
                    full=request.full,
                    progress=observe,
                )
            finally:
                transport.close()
            with signals_held():  # a stop now waits for the run's record; before it, the run is interrupted
                recorded = _record_success(content, state, run_id, report, status)
        except SyncInterrupted as exc:
            if not recorded:
                stopped = SyncInterrupted(f"{exc}; {_what_stayed(content, before)}")
                _record_failure(content, state, run_id, stopped, "interrupted")
                raise stopped from None
            log.info("a stop came as the finished sync was recorded; it stands as finished (%s)", exc)
        except KeyboardInterrupt:
            if not recorded:
                stopped = SyncInterrupted(f"the sync was stopped (Ctrl-C); {_what_stayed(content, before)}")
                _record_failure(content, state, run_id, stopped, "interrupted")
            raise
        except Exception as exc:
            _record_failure(content, state, run_id, exc)
            if status:
                status.last_error = _one_line(exc)
            raise
        finally:
            if status:
                status.running = False
        if status and recorded:
            status.last_error = ""
        return report


def _record_success(
    content: ContentCache, state: StateStore, run_id: int, report: SyncReport, status: SyncStatus | None
) -> bool:
    """Record the applied (or unchanged) run; True once it is. The content is applied whatever happens here: a
    record the state store cannot write (a full disk) is tried again once the cache's write-ahead log is let go,
    then logged and shown to staff, never reported as a failed sync. The next sync marks the run interrupted."""
    from sqlalchemy.exc import SQLAlchemyError

    outcome = "unchanged" if report.mode == "unchanged" else "ok"
    fields = {
        "sequence_after": report.sequence_after,
        "mode": report.mode,
        "added": report.added,
        "updated": report.updated,
        "withdrawn": report.withdrawn,
        "bytes": report.bytes_read,
    }
    refused = ""
    for _attempt in range(2):
        try:
            state.finish_sync(run_id, outcome, **fields)
            return True
        except SQLAlchemyError as exc:
            refused = _one_line(exc)
            content.engine.dispose()  # SQLite drops a committed write-ahead log when its last connection goes
    done = "applied" if report.mode != "unchanged" else "found nothing new"
    error = f"the sync {done} (sequence {report.sequence_after}) but its record could not be written: {refused}"
    log.error("%s", error)
    if status:
        status.last_error = error
    return False
