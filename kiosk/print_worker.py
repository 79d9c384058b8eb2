"""The kiosk's print worker: a thread that recovers the queue at start, then sends and follows jobs."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.jobs import JobQueue

log = logging.getLogger(__name__)


class PrintWorker:
    """Runs `JobQueue.work()` every `interval` seconds (and at once when poked) until stopped."""

    def __init__(self, queue: JobQueue, interval: float = 2.0) -> None:
        self.queue = queue
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)

    def start(self) -> None:
        stuck = self.queue.recover()
        if stuck:
            log.warning("%d print job(s) need a staff check after the restart", len(stuck))
        self._thread.start()

    def poke(self) -> None:
        """Work now rather than at the next tick (a job was just queued or released)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.queue.work()
            except Exception:  # a broken printer or a busy database must not end printing for the day
                log.exception("the print worker's pass failed; trying again in %g s", self.interval)
            self._wake.wait(self.interval)
            self._wake.clear()
