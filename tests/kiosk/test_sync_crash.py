"""`kiosk sync` killed with SIGKILL at any moment, or out of disk, leaves the old content intact; a rerun completes.

Each test runs the real CLI in its own process against a feed folder, as cron
or the nightly timer would. Every wait is bounded.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache
from tests.content_cache.feed.support import cache_records, read_jsonl, write_jsonl
from tests.kiosk.test_cli import kiosk

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

ITEMS = 1500


def start(home: Path, *args: str, **popen: Any) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )


@dataclass
class Feeds:
    feed: Path
    trust: Path
    at_a: Path  # a kiosk home synced to sequence 1
    a: dict[str, Any]
    b: dict[str, Any]

    def sync_args(self) -> tuple[str, ...]:
        return ("sync", "--source", str(self.feed), "--trust", str(self.trust))


def content(home: Path) -> tuple[dict[str, Any], int | None, int]:
    """What the kiosk in `home` serves: its records, its feed sequence, and its index's row count."""
    cache = ContentCache.open(home / "content.db")
    try:
        with cache.session() as session:
            from sqlalchemy import text

            fts = session.execute(text("SELECT count(*) FROM item_fts")).scalar_one()
        return cache_records(cache), cache.feed_sequence(), fts
    finally:
        cache.close()


def integrity(home: Path) -> str:
    with sqlite3.connect(home / "content.db") as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Feeds:
    """Feed A (sequence 1), a kiosk synced to it, then feed B (sequence 2): 1,000 titles changed, 200 withdrawn."""
    root = tmp_path_factory.mktemp("crash")
    pub, src, feed, at_a = root / "publisher", root / "src", root / "feed", root / "at-a"
    for args in (
        ("demo-content", "--count", str(ITEMS), "--seed", "8"),
        ("keygen", str(root / "keys")),
        ("export", str(src)),
        ("publish", str(src), str(feed), "--key", str(root / "keys/publisher.key")),
    ):
        assert kiosk(pub, *args).returncode == 0
    trust = root / "keys" / "publisher.pub"
    assert kiosk(at_a, "sync", "--source", str(feed), "--trust", str(trust)).returncode == 0
    a = content(at_a)[0]
    rows = read_jsonl(src / "items.jsonl")
    for row in rows[:1000]:
        row["title"] = row["title"] + "(修订)"
    write_jsonl(src / "items.jsonl", rows[:-200])
    assert kiosk(pub, "publish", str(src), str(feed), "--key", str(root / "keys/publisher.key")).returncode == 0
    fresh = root / "fresh"
    assert kiosk(fresh, "sync", "--source", str(feed), "--trust", str(trust)).returncode == 0
    b = content(fresh)[0]
    assert len(b) == len(a) - 200 and a != b
    return Feeds(feed, trust, at_a, a, b)


def _running(home: Path) -> bool:
    """True once the sync process has taken the lock and logged its run."""
    try:
        with sqlite3.connect(f"file:{home / 'state.db'}?mode=ro", uri=True, timeout=1) as db:
            return bool(db.execute("SELECT count(*) FROM sync_runs WHERE outcome = 'running'").fetchone()[0])
    except sqlite3.Error:
        return False


def _wait_running(home: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not _running(home) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def _sync_time(feeds: Feeds, home: Path) -> float:
    """Seconds from the logged start of a sync to its process's end."""
    proc = start(home, *feeds.sync_args())
    _wait_running(home, proc)
    began = time.monotonic()
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    return time.monotonic() - began


@pytest.mark.parametrize("kind", ["delta", "snapshot"])
def test_a_kill_at_any_moment_leaves_old_or_new_and_a_rerun_completes(kind: str, feeds: Feeds, tmp_path: Path) -> None:
    def fresh_home(name: str) -> Path:
        home = tmp_path / name
        if kind == "delta":
            shutil.copytree(feeds.at_a, home)
        return home

    old: dict[str, Any] = feeds.a if kind == "delta" else {}
    duration = _sync_time(feeds, fresh_home("timing"))
    outcomes = []
    for fraction in (None, 0.05, 0.35, 0.65, 0.95):  # None: during start-up, before the sync begins
        home = fresh_home(f"kill-{fraction}")
        proc = start(home, *feeds.sync_args())
        if fraction is None:
            time.sleep(0.3)
        else:
            _wait_running(home, proc)
            time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        if (home / "content.db").exists():
            assert integrity(home) == "ok"
            records, sequence, fts = content(home)
            assert records in (old, feeds.b), f"kill at {fraction} left a mix of old and new content"
            assert fts == len(records)
            assert sequence == (2 if records == feeds.b else (1 if kind == "delta" else None))
            outcomes.append("new" if records == feeds.b else "old" + _where_killed(home))
        else:
            outcomes.append("old" + _where_killed(home))
        rerun = kiosk(home, *feeds.sync_args())
        assert rerun.returncode == 0, rerun.stderr
        assert content(home)[0] == feeds.b
    print(f"{kind}: a sync runs {duration:.1f} s after start-up; kills left {outcomes}")
    assert "old (mid-sync)" in outcomes  # at least one kill landed inside a sync, before its commit


def _where_killed(home: Path) -> str:
    """' (mid-sync)' when the killed process had begun a logged sync run, else ' (at start-up)'."""
    return " (mid-sync)" if _running(home) else " (at start-up)"


def _limit_file_size(limit: int) -> Any:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_the_apply_fails_in_one_line_and_changes_nothing(feeds: Feeds, tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands for a full disk: no mount, no root-only tmpfs, the same on every machine.

    With the limit set just above the state store's size, SQLite's write-ahead
    log cannot grow to hold the delta's transaction, exactly as when the disk fills.
    """
    home = tmp_path / "full"
    shutil.copytree(feeds.at_a, home)
    limit = (home / "state.db").stat().st_size + 2 * 1024 * 1024
    proc = start(home, *feeds.sync_args(), preexec_fn=_limit_file_size(limit))
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("kiosk: error:"), err
    assert "Traceback" not in err
    assert integrity(home) == "ok"
    records, sequence, fts = content(home)
    assert (records, sequence, fts) == (feeds.a, 1, len(feeds.a))
    status = kiosk(home, "sync", "--status").stdout.splitlines()[0]
    assert "failed" in status
    rerun = kiosk(home, *feeds.sync_args())
    assert rerun.returncode == 0 and content(home)[0] == feeds.b


HOLD_LOCK = """
import sys, time
from pathlib import Path
from kiosk.sync import sync_lock
with sync_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_second_sync_waits_its_turn_and_a_killed_one_frees_the_lock(feeds: Feeds, tmp_path: Path) -> None:
    home = tmp_path / "lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        second = kiosk(home, *feeds.sync_args())
        assert second.returncode == 1 and f"another sync is running (process {holder.pid})" in second.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
    third = kiosk(home, *feeds.sync_args())  # the kernel released the dead holder's lock
    assert third.returncode == 0, third.stderr
    assert content(home)[0] == feeds.b


DIE_IN_MIGRATION = """
import os, signal, sys
from sqlalchemy import event
import content_cache.cache, content_cache.db, kiosk.cli

plain = content_cache.db.make_engine

def make_engine(url):
    engine = plain(url)
    @event.listens_for(engine, "after_cursor_execute")
    def die(conn, cursor, statement, *rest):
        if statement.lstrip().startswith("CREATE TABLE items"):
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9, or a power cut, half-way through the schema
    return engine

content_cache.cache.make_engine = make_engine
sys.exit(kiosk.cli.main(sys.argv[1:]))
"""


def test_a_kill_while_a_new_cache_is_created_does_not_wedge_the_kiosk(feeds: Feeds, tmp_path: Path) -> None:
    home = tmp_path / "new"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | {"KIOSK_HOME": str(home)}
    died = subprocess.run(
        [sys.executable, "-c", DIE_IN_MIGRATION, *feeds.sync_args()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr
    rerun = kiosk(home, *feeds.sync_args())
    assert rerun.returncode == 0, rerun.stderr
    assert integrity(home) == "ok" and content(home)[0] == feeds.b
