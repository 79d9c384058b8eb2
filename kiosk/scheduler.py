"""The in-app nightly sync: at sync.time plus a random jitter, catching up a missed night at start.

A kiosk switched off at 02:30 syncs as soon as it starts again. A failed sync is
retried every `retry` until it succeeds or the next night comes. Two syncs never
overlap: `kiosk.sync.sync_now` takes an OS file lock, so a `kiosk sync` from cron
and the in-app scheduler cannot collide.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta

from kiosk.errors import ConfigError

log = logging.getLogger(__name__)


def parse_time(value: str) -> time:
    """sync.time as a time of day; a ConfigError naming the setting when it is not HH:MM."""
    try:
        hour, minute = (int(part) for part in value.strip().split(":"))
        return time(hour, minute)
    except ValueError:
        raise ConfigError(f"sync.time must be HH:MM (for example 02:30), not {value!r}") from None


def scheduled_at(day: datetime, at: time, jitter_minutes: int, seed: str) -> datetime:
    """The instant of the nightly sync on `day`: sync.time plus a jitter fixed for that day and kiosk."""
    jitter = random.Random(f"{seed}/{day.date().isoformat()}").uniform(0, jitter_minutes * 60)
    return datetime.combine(day.date(), at, tzinfo=day.tzinfo) + timedelta(seconds=jitter)


def next_due(now: datetime, at: time, jitter_minutes: int, seed: str, last_success: datetime | None) -> datetime:
    """When the next sync is due: now, when the latest scheduled instant passed without a success."""
    today = scheduled_at(now, at, jitter_minutes, seed)
    latest = today if today <= now else scheduled_at(now - timedelta(days=1), at, jitter_minutes, seed)
    if last_success is None or last_success < latest:
        return now
    return today if today > now else scheduled_at(now + timedelta(days=1), at, jitter_minutes, seed)


class SyncScheduler:
    """A daemon thread that runs `sync` when it is due; `stop()` ends it within a second."""

    def __init__(
        self,
        sync: Callable[[], None],
        last_success: Callable[[], datetime | None],
        *,
        at: time,
        jitter_minutes: int,
        seed: str,
        retry: timedelta = timedelta(minutes=30),
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self._sync, self._last_success = sync, last_success
        self._at, self._jitter, self._seed, self._retry, self._clock = at, jitter_minutes, seed, retry, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="nightly-sync", daemon=True)
        self._failed_at: datetime | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def due(self) -> datetime:
        """The next instant a sync should start."""
        now = self._clock()
        due = next_due(now, self._at, self._jitter, self._seed, self._last_success())
        if self._failed_at is not None and due <= now:
            due = max(due, self._failed_at + self._retry)
        return due

    def run_if_due(self) -> bool:
        """Run the sync when it is due; True when it ran (well or not)."""
        if self.due() > self._clock():
            return False
        try:
            self._sync()
            self._failed_at = None
        except Exception as exc:  # a failed night must not end the thread; it is in the run log
            log.warning("scheduled sync failed: %s", exc)
            self._failed_at = self._clock()
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_if_due()
                wait = (self.due() - self._clock()).total_seconds()
            except Exception:  # the run log unreadable for a moment (a locked or damaged store): try again later
                log.exception("the sync schedule could not be read; trying again in a minute")
                wait = 60.0
            self._stop.wait(min(max(wait, 1.0), 60.0))  # re-read the clock at least once a minute
