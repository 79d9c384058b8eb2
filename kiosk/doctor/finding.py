"""What `kiosk doctor` finds, and the few helpers its checks share (read-only SQLite, the sync lock)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from content_cache.records import safe_for_terminal

Level = Literal["ok", "warn", "fail"]
LABELS: dict[Level, str] = {"ok": "正常", "warn": "注意", "fail": "故障"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found: its level, where, what (Chinese, for staff), what to do, and a safe repair if any."""

    level: Level
    area: str
    what: str
    todo: str = ""
    repair: Callable[[], str] | None = None  # does the repair, returns what it did (Chinese)

    @property
    def line(self) -> str:
        """`[故障] 状态库：…；…` on one line."""
        todo = f"。{self.todo}" if self.todo else ""
        offer = "（kiosk doctor --repair 可以修复）" if self.repair and self.level != "ok" else ""
        return one_line(f"[{LABELS[self.level]}] {self.area}：{self.what}{todo}{offer}")


def one_line(text: str) -> str:
    """Control characters (from a file name, a feed, an error) shown escaped, never sent to the terminal."""
    return safe_for_terminal(text)


def read_only(path: Path) -> sqlite3.Connection:
    """The file opened read-only (never created); its name may hold '?' or '%', so it is quoted into the URI."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)


def read_write(path: Path) -> sqlite3.Connection:
    """The existing file opened for a repair (never created), transactions in our hands."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=10, isolation_level=None)


def mib(size: int) -> str:
    """A size for staff: MiB, or GiB from one GiB on."""
    return f"{size / 1024**2:.1f} MiB" if size < 1024**3 else f"{size / 1024**3:.1f} GiB"


@contextmanager
def sync_lock_if_free(home: Path) -> Iterator[bool]:
    """The sync lock held for the block when no sync holds it; False (and nothing held) when one does."""
    from kiosk.sync import SyncBusy, sync_lock

    try:
        with sync_lock(home):
            yield True
    except SyncBusy:
        yield False
