"""A debounce: run a callback once, `seconds` after the last of a burst of calls (a visitor's last key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Scheduled(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """What a debounce needs of a clock: Kivy's Clock, or a test's clock that time moves only when told."""

    def schedule_once(self, callback: Callable[[float], Any], timeout: float = 0) -> Scheduled: ...


class Debounce:
    """Each call restarts the wait: the callback runs once, `seconds` after the last call, never mid-burst.

    (A Kivy trigger called again while pending keeps its first deadline: it throttles, it does not debounce.)
    """

    def __init__(self, callback: Callable[[], None], seconds: float, clock: Scheduler | None = None) -> None:
        if clock is None:
            from kivy.clock import Clock

            clock = Clock
        self.callback = callback
        self.seconds = seconds
        self._clock = clock
        self._pending: Scheduled | None = None

    def __call__(self) -> None:
        self.cancel()
        self._pending = self._clock.schedule_once(self._run, self.seconds)

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def _run(self, _dt: float) -> None:
        self._pending = None
        self.callback()
