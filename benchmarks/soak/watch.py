"""What the soak watches while the kiosk runs: memory, processor, the log, and every exception.

The log is counted by a handler beside the kiosk's own file handler, with the
same format, so its figures are the bytes and lines written to
KIOSK_HOME/logs/kiosk.log even when the file rotates. An exception is anything
raised out of a frame of the event loop (the App would stop), anything
uncaught in a thread, and any traceback or ERROR line in the log.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # as kiosk.bootstrap.setup_logging writes it
KEPT_LOG_LINES = 40  # of each error found in the log, the first lines are kept for the report


def rss_kib() -> int:
    """The process's resident memory now (VmRSS), in KiB."""
    return _status_kib("VmRSS:")


def peak_rss_kib() -> int:
    """The process's peak resident memory (VmHWM), in KiB."""
    return _status_kib("VmHWM:")


def rss_parts_kib() -> tuple[int, int]:
    """Resident memory now in two parts, KiB: anonymous (heap, textures, caches) and file-backed (mapped files and
    libraries, which the system can drop and read again)."""
    return _status_kib("RssAnon:"), _status_kib("RssFile:") + _status_kib("RssShmem:")


def trimmed_rss_kib() -> int | None:
    """Resident memory after glibc has given freed heap back to the system (malloc_trim); None without glibc.

    Beside the plain figure it tells a leak (memory still in use) from heap
    that was freed but kept by the allocator, which RSS also counts.
    """
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return rss_kib()


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def cpu_seconds() -> float:
    """User and system time of this process, all its threads, in seconds."""
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14, 15 of stat(5)


@dataclass
class LogCounts:
    """What was written to the log: bytes, lines, records by level."""

    bytes: int = 0
    lines: int = 0
    warnings: int = 0
    errors: int = 0  # ERROR and CRITICAL
    tracebacks: int = 0

    def since(self, before: LogCounts) -> LogCounts:
        """The growth from `before` to now."""
        return LogCounts(*(getattr(self, name) - getattr(before, name) for name in vars(self)))


@dataclass
class Problem:
    """One error seen: where it came from, what it said, what the soak had just done."""

    source: str  # "event loop", "thread <name>", "log"
    text: str  # the traceback or the log entry
    after: list[str] = field(default_factory=list)  # the soak's last actions before it


class LogCounter(logging.Handler):
    """Counts what the kiosk's log handler writes, and keeps each error entry."""

    def __init__(self, on_error: Callable[[str], None]) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.counts = LogCounts()
        self._on_error = on_error
        self._lock_counts = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Count one record as the file handler writes it (formatted, one newline after it)."""
        text = self.format(record)
        with self._lock_counts:
            self.counts.bytes += len(text.encode("utf-8")) + 1
            self.counts.lines += text.count("\n") + 1
            self.counts.warnings += record.levelno == logging.WARNING
            self.counts.errors += record.levelno >= logging.ERROR
            self.counts.tracebacks += "Traceback (most recent call last)" in text
        if record.levelno >= logging.ERROR or "Traceback (most recent call last)" in text:
            self._on_error("\n".join(text.splitlines()[:KEPT_LOG_LINES]))

    def snapshot(self) -> LogCounts:
        """The counts so far."""
        with self._lock_counts:
            return LogCounts(**vars(self.counts))


class Watch:
    """Installs the soak's hooks (the log counter, the thread and unraisable hooks) and gathers problems."""

    def __init__(self, recent_actions: Callable[[], list[str]]) -> None:
        self.problems: list[Problem] = []
        self._recent = recent_actions
        self._lock = threading.Lock()
        self.log = LogCounter(lambda text: self.add("log", text))
        self._old_thread_hook = threading.excepthook
        self._old_unraisable_hook = sys.unraisablehook

    def install(self) -> None:
        """Start watching: after the kiosk's logging is set up."""
        logging.getLogger().addHandler(self.log)
        threading.excepthook = self._thread_exception
        sys.unraisablehook = self._unraisable

    def uninstall(self) -> None:
        """Stop watching."""
        logging.getLogger().removeHandler(self.log)
        threading.excepthook = self._old_thread_hook
        sys.unraisablehook = self._old_unraisable_hook

    def add(self, source: str, text: str) -> None:
        """Record a problem with the soak's last actions."""
        with self._lock:
            self.problems.append(Problem(source, text, self._recent()))

    def event_loop_exception(self, exc: BaseException) -> None:
        """An exception raised out of a frame: the App would have stopped here."""
        self.add("event loop", "".join(traceback.format_exception(exc)))

    def _thread_exception(self, args: Any) -> None:
        name = args.thread.name if args.thread is not None else "?"
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        self.add(f"thread {name}", text)

    def _unraisable(self, unraisable: Any) -> None:
        exc = unraisable.exc_value
        text = f"{unraisable.err_msg or 'Exception ignored in'}: {unraisable.object!r}\n"
        if exc is not None:
            text += "".join(traceback.format_exception(type(exc), exc, unraisable.exc_traceback))
        self.add("unraisable", text)


def measure_idle_cpu(pump: Callable[[float], None], seconds: float) -> float:
    """The share of one core the process used while `pump` ran frames untouched for `seconds`."""
    cpu, wall = cpu_seconds(), time.monotonic()
    pump(seconds)
    return (cpu_seconds() - cpu) / max(time.monotonic() - wall, 1e-6)
