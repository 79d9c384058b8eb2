"""Run blocking service calls off the UI thread and hand results back.

The screens call `run_in_worker(call, on_done, on_error)`: `call` runs in a
daemon thread; `on_done(result)` or `on_error(exc)` runs on the UI thread at
the next frame through `Clock.schedule_once`. A task that was cancelled in the
meantime delivers nothing, so a slow answer never overwrites a newer one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from kivy.clock import Clock
from kivy.logger import Logger

T = TypeVar("T")

_lock = threading.Lock()
_pending: dict[int, str] = {}  # id of each call not yet delivered → what it calls


class Task:
    """A handle on one background call; `cancel()` drops its result."""

    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        """Deliver nothing when the call returns."""
        self.cancelled = True


def pending_tasks() -> int:
    """How many calls have not yet delivered (tests wait for zero)."""
    with _lock:
        return len(_pending)


def pending_calls() -> list[str]:
    """What the calls not yet delivered call, by name (a test that waits too long says which)."""
    with _lock:
        return sorted(_pending.values())


def _name(call: Callable[..., object]) -> str:
    return getattr(call, "__qualname__", None) or repr(call)


def _log_error(exc: Exception) -> None:
    Logger.error("Worker: %s: %s", type(exc).__name__, exc)


def run_in_worker(
    call: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None] | None = None,
) -> Task:
    """Run `call` in a thread; deliver its result or error on the UI thread."""
    task = Task()
    report = on_error or _log_error

    def deliver(callback: Callable[[], None]) -> None:
        def on_frame(_dt: float) -> None:
            try:
                if not task.cancelled:
                    callback()
            finally:
                with _lock:
                    _pending.pop(id(task), None)

        Clock.schedule_once(on_frame)

    def work() -> None:
        try:
            result = call()
        except Exception as exc:  # the service's errors are shown, not raised
            error = exc  # `exc` is unbound after the except block; the lambda runs later
            deliver(lambda: report(error))
        else:
            deliver(lambda: on_done(result))

    with _lock:
        _pending[id(task)] = _name(call)
    threading.Thread(target=work, name="kiosk-worker", daemon=True).start()
    return task
