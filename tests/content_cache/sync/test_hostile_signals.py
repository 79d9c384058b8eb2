"""A stopped sync leaves no traces: `kiosk sync` stopped with SIGTERM or killed with SIGKILL mid-apply.

The real CLI runs in its own process with its output on pipes, as a timer or a
shell's $(…) runs it, against a feed of many small batches so that worker
processes prepare them. Every wait is bounded: a pipe that stays open (a worker
holding it) fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from content_cache.feed import publish
from tests.kiosk.test_cli import kiosk
from tests.kiosk.test_sync_crash import content, start

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out

ITEMS = 3000
PIPE_WAIT = 60  # seconds a stopped sync may take to let go of its output


@dataclass(frozen=True)
class Feed:
    folder: Path
    trust: Path

    def args(self) -> tuple[str, ...]:
        return ("sync", "--source", str(self.folder), "--trust", str(self.trust))


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Feed:
    """A feed of ITEMS items in batches of 100, published by the real publish."""
    root = tmp_path_factory.mktemp("stop")
    pub, src = root / "publisher", root / "src"
    for args in (
        ("demo-content", "--count", str(ITEMS), "--seed", "5"),
        ("keygen", str(root / "keys")),
        ("export", str(src)),
    ):
        done = kiosk(pub, *args)
        assert done.returncode == 0, done.stderr
    publish(src, root / "feed", root / "keys" / "publisher.key", batch_size=100)
    return Feed(root / "feed", root / "keys" / "publisher.pub")


def _descendants(pid: int) -> set[int]:
    """Every living process below `pid` (workers, and multiprocessing's resource tracker)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_workers(proc: subprocess.Popen[str]) -> set[int]:
    """The sync's worker processes, once at least one is running (bounded)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = {p for p in _descendants(proc.pid) if b"multiprocessing" in _cmdline(p)}
        if any(b"spawn_main" in _cmdline(p) for p in workers):
            return workers
        time.sleep(0.01)
    raise AssertionError("the sync never started its worker processes")


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _outcomes(home: Path) -> list[str]:
    with sqlite3.connect(f"file:{home / 'state.db'}?mode=ro", uri=True, timeout=5) as db:
        return [row[0] for row in db.execute("SELECT outcome FROM sync_runs ORDER BY id")]


def _stop(feed: Feed, home: Path, signum: signal.Signals) -> tuple[subprocess.CompletedProcess[str], set[int]]:
    """Run `kiosk sync`, send `signum` while its workers prepare batches; its output once every pipe closed."""
    proc = start(home, *feed.args())
    try:
        workers = _wait_for_workers(proc)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=PIPE_WAIT)  # returns only when no process holds the pipes
    finally:
        for pid in _descendants(proc.pid) | {proc.pid}:  # never leave a process behind, even when failing
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.wait(timeout=10)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), workers


def _gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


def test_sigterm_ends_the_run_as_interrupted_and_takes_the_workers_along(feed: Feed, tmp_path: Path) -> None:
    home = tmp_path / "term"
    done, workers = _stop(feed, home, signal.SIGTERM)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "stopped (SIGTERM)" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert _gone(workers)
    assert _outcomes(home) == ["interrupted"]
    status = kiosk(home, "sync", "--status")
    assert status.stdout.splitlines()[0].split()[2] == "interrupted", status.stdout
    assert content(home)[0] == {}  # nothing applied
    rerun = kiosk(home, *feed.args())
    assert rerun.returncode == 0, rerun.stderr
    assert len(content(home)[0]) == ITEMS + 1


def test_sigkill_leaves_no_worker_holding_the_callers_pipe(feed: Feed, tmp_path: Path) -> None:
    home = tmp_path / "kill"
    done, workers = _stop(feed, home, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL
    assert _gone(workers)
    assert _outcomes(home) == ["running"]  # the killed process could record nothing
    status = kiosk(home, "sync", "--status")  # the next start sees the lock free: the run was interrupted
    assert status.returncode == 0
    assert status.stdout.splitlines()[0].split()[2] == "interrupted", status.stdout
    assert _outcomes(home) == ["interrupted"]
    rerun = kiosk(home, *feed.args())
    assert rerun.returncode == 0, rerun.stderr
    assert _outcomes(home) == ["interrupted", "ok"]


def test_a_run_left_running_by_a_kill_is_marked_by_the_next_sync_too(feed: Feed, tmp_path: Path) -> None:
    home = tmp_path / "next"
    _stop(feed, home, signal.SIGKILL)
    rerun = kiosk(home, *feed.args())
    assert rerun.returncode == 0, rerun.stderr
    assert _outcomes(home) == ["interrupted", "ok"]


def test_status_leaves_a_sync_that_is_still_running_alone(feed: Feed, tmp_path: Path) -> None:
    home = tmp_path / "busy"
    proc = start(home, *feed.args())
    try:
        _wait_for_workers(proc)
        status = kiosk(home, "sync", "--status")
        assert status.stdout.splitlines()[0].split()[2] == "running", status.stdout
        _out, err = proc.communicate(timeout=PIPE_WAIT * 2)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert _outcomes(home) == ["ok"]
