"""A stopping signal that lands while the worker pool starts its threads still stops the pool cleanly.

`kiosk sync` turns SIGTERM into an exception raised in the main thread,
wherever it lands. Here a handler of the same kind is installed, and the
signal is sent at the worst moment, just as the pool starts its manager
thread: the sync must end with that exception, its workers stopped, and the
cache untouched, never with "cannot join thread before it is started".
"""

from __future__ import annotations

import faulthandler
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from content_cache import ContentCache
from content_cache.feed import publish
from content_cache.sync.transport import FolderTransport
from tests.content_cache.feed.conftest import NOW, KeyPair
from tests.content_cache.sync.test_sync import sync

pytestmark = pytest.mark.slow  # separate processes: `make test-fast` leaves these out


class Stopped(Exception):
    pass


@pytest.fixture
def stop_raises() -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("thread", ["_ExecutorManagerThread", "_CallItem"])
def test_a_stop_as_the_pool_starts_its_thread_stops_the_pool(
    kiosk_cache: ContentCache,
    src: Path,
    keypair: KeyPair,
    tmp_path: Path,
    stop_raises: None,
    monkeypatch: pytest.MonkeyPatch,
    thread: str,
) -> None:
    feed = tmp_path / "small-batches"
    publish(src, feed, keypair.key_path, now=NOW, batch_size=7)
    start = threading.Thread.start
    sent: list[str] = []

    def start_after_a_stop(self: threading.Thread) -> None:
        if type(self).__name__ == thread or (thread == "_CallItem" and sent == ["_ExecutorManagerThread"]):
            sent.append(thread)
            os.kill(os.getpid(), signal.SIGTERM)
        if not sent and type(self).__name__ == "_ExecutorManagerThread":
            sent.append("_ExecutorManagerThread")
        start(self)

    monkeypatch.setattr(threading.Thread, "start", start_after_a_stop)
    faulthandler.dump_traceback_later(120, exit=True)  # a pool that cannot be shut down hangs: bounded here
    try:
        with pytest.raises(Stopped):
            sync(kiosk_cache, FolderTransport(feed), keypair, tmp_path, workers=2)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert sent, "the pool never started a thread"
    assert kiosk_cache.item_count() == 0 and kiosk_cache.feed_sequence() is None
    pools = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
    assert not pools  # the pool's thread ended: it was shut down, not abandoned


def test_a_worker_that_dies_stops_the_sync_with_a_clear_error_not_a_hang(
    kiosk_cache: ContentCache,
    src: Path,
    keypair: KeyPair,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool ends its other workers with SIGTERM when one dies: they must not have inherited the held mask."""
    import concurrent.futures
    import multiprocessing

    from content_cache.errors import ContentError

    feed = tmp_path / "small-batches"
    publish(src, feed, keypair.key_path, now=NOW, batch_size=7)
    result = concurrent.futures.Future.result
    killed: list[int] = []

    def result_after_a_worker_died(self: concurrent.futures.Future, timeout: float | None = None) -> object:
        workers = multiprocessing.active_children()
        if not killed and workers:
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)
        return result(self, timeout)

    monkeypatch.setattr(concurrent.futures.Future, "result", result_after_a_worker_died)
    faulthandler.dump_traceback_later(120, exit=True)  # the old mask made the pool wait for ever
    try:
        with pytest.raises(ContentError, match="stopped unexpectedly"):
            sync(kiosk_cache, FolderTransport(feed), keypair, tmp_path, workers=2)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert killed
    assert kiosk_cache.item_count() == 0 and kiosk_cache.feed_sequence() is None
