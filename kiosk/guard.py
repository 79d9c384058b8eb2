"""The screens' error boundary: an unexpected error in a touch, a timer or a screen's callback never ends the kiosk.

Kivy hands every exception raised in its main loop to its ExceptionManager; the
guard logs it with its traceback, takes the citizen back to Home with a plain
notice (their confirmed print jobs are in the state store, untouched), and lets
the loop go on. An error that keeps coming back (more than MAX_ERRORS within
WINDOW_SECONDS: a broken layout, a timer that fails every frame) is raised
instead, so that the service manager restarts the kiosk rather than it spinning.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from kivy.base import ExceptionHandler, ExceptionManager

log = logging.getLogger(__name__)

MAX_ERRORS = 10
RAISE: int = ExceptionManager.RAISE  # what handle_exception answers Kivy's loop
PASS: int = ExceptionManager.PASS
WINDOW_SECONDS = 60.0


class ScreenGuard(ExceptionHandler):
    """Logs an exception of the main loop and calls `recover` (go Home, say so), unless errors come too often."""

    def __init__(self, recover: Callable[[BaseException], None], clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._recover = recover
        self._clock = clock
        self._recent: deque[float] = deque(maxlen=MAX_ERRORS + 1)

    def handle_exception(self, inst: BaseException) -> int:
        """PASS after recovering; RAISE for an interrupt, an exit, or an error that keeps coming back."""
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return RAISE
        now = self._clock()
        self._recent.append(now)
        log.error("unexpected error on a screen; back to Home", exc_info=(type(inst), inst, inst.__traceback__))
        if len(self._recent) > MAX_ERRORS and now - self._recent[0] <= WINDOW_SECONDS:
            log.critical(
                "%d errors within %.0f s: the kiosk stops so that it can be restarted",
                len(self._recent),
                WINDOW_SECONDS,
            )
            return RAISE
        try:
            self._recover(inst)
        except Exception:  # recovering failed too: the next error decides, the loop goes on
            log.exception("going back to Home after an error failed")
        return PASS

    def install(self) -> None:
        """Take the main loop's exceptions from now on."""
        if self not in ExceptionManager.handlers:
            ExceptionManager.add_handler(self)

    def remove(self) -> None:
        """Stop taking them (the app stopped)."""
        if self in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self)
