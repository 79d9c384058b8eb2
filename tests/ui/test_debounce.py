"""The search's debounce on a clock that moves only when the test says: one run, `seconds` after the last call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from screens.debounce import Debounce


class _Event:
    def __init__(self, clock: StepClock, callback: Callable[[float], Any], due: float) -> None:
        self.clock, self.callback, self.due = clock, callback, due

    def cancel(self) -> None:
        if self in self.clock.events:
            self.clock.events.remove(self)


class StepClock:
    """Kivy's schedule_once, with time standing still until `advance`."""

    def __init__(self) -> None:
        self.now = 0.0
        self.events: list[_Event] = []

    def schedule_once(self, callback: Callable[[float], Any], timeout: float = 0) -> _Event:
        event = _Event(self, callback, self.now + timeout)
        self.events.append(event)
        return event

    def advance(self, seconds: float) -> None:
        """Move time on by `seconds`, running each event at its due time, in order."""
        until = self.now + seconds + 1e-9
        while due := sorted((e for e in self.events if e.due <= until), key=lambda e: e.due):
            event = due[0]
            self.events.remove(event)
            elapsed, self.now = event.due - self.now, event.due
            event.callback(elapsed)
        self.now = until - 1e-9


def _debounce() -> tuple[Debounce, StepClock, list[float]]:
    clock = StepClock()
    runs: list[float] = []
    return Debounce(lambda: runs.append(clock.now), 0.3, clock), clock, runs


def test_a_burst_of_keys_runs_once_after_the_last_key() -> None:
    debounce, clock, runs = _debounce()
    for _ in range(5):  # a key every 0.2 s: each restarts the wait
        debounce()
        clock.advance(0.2)
    assert runs == []
    clock.advance(0.1)
    assert runs == pytest.approx([1.1])  # 0.3 s after the last key (at 0.8 s), not 0.3 s after the first
    clock.advance(5)
    assert runs == pytest.approx([1.1]) and not debounce.pending


def test_a_pause_longer_than_the_wait_runs_each_word() -> None:
    debounce, clock, runs = _debounce()
    debounce()
    clock.advance(0.5)
    debounce()
    clock.advance(0.29)
    assert runs == pytest.approx([0.3])
    clock.advance(0.01)
    assert runs == pytest.approx([0.3, 0.8])


def test_cancel_stops_a_pending_run_and_is_harmless_when_none_is() -> None:
    debounce, clock, runs = _debounce()
    debounce.cancel()
    debounce()
    assert debounce.pending
    debounce.cancel()
    clock.advance(1)
    assert runs == [] and not debounce.pending


def test_a_changed_wait_applies_from_the_next_call() -> None:
    debounce, clock, runs = _debounce()
    debounce.seconds = 2.0
    debounce()
    clock.advance(1.9)
    assert runs == []
    clock.advance(0.1)
    assert runs == pytest.approx([2.0])
