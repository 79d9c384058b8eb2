"""The idle timer: warn after `timeout` seconds untouched, end the session after `warning` more.

Time is the sum of the `dt` values Kivy's Clock passes to `advance`, so a test
drives it deterministically by calling `advance(seconds)` itself. The timer is
armed by the first touch of a visit and disarms when the session ends, so an
empty reading room does not see a warning every two minutes.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty

TICK_SECONDS = 0.25


class IdleTimer(EventDispatcher):
    """Phases: `off` (no visitor), `active` (counting), `warning` (counting down).

    Events: `on_warning` (the warning starts), `on_resume` (a touch during the
    warning), `on_expire` (the warning ran out: clear the visitor's state).
    """

    timeout = NumericProperty(120.0)
    warning = NumericProperty(10.0)
    phase = OptionProperty("off", options=("off", "active", "warning"))
    idle_seconds = NumericProperty(0.0)
    seconds_left = NumericProperty(0.0)  # of the warning
    running = BooleanProperty(False)
    __events__ = ("on_warning", "on_resume", "on_expire")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._event: ClockEvent | None = None

    def start(self) -> None:
        """Let Kivy's Clock drive the timer."""
        if self._event is None:
            self._event = Clock.schedule_interval(self.advance, TICK_SECONDS)
        self.running = True

    def stop(self) -> None:
        """Stop the Clock ticks (the App stops)."""
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.running = False

    def touched(self, *_args: Any) -> None:
        """Any touch or key: the visitor is here; start counting afresh."""
        was_warning = self.phase == "warning"
        self.idle_seconds = 0.0
        self.seconds_left = 0.0
        self.phase = "active"
        if was_warning:
            self.dispatch("on_resume")

    def advance(self, dt: float) -> None:
        """Count `dt` idle seconds; warn or expire when their time has come."""
        if self.phase == "off":
            return
        self.idle_seconds += dt
        if self.phase == "active" and self.idle_seconds >= self.timeout:
            self.phase = "warning"
            self.seconds_left = self.warning
            self.dispatch("on_warning")
        if self.phase == "warning":
            self.seconds_left = max(0.0, self.timeout + self.warning - self.idle_seconds)
            if self.seconds_left <= 0:
                self.phase = "off"
                self.idle_seconds = 0.0
                self.dispatch("on_expire")

    def on_warning(self, *_args: Any) -> None:
        """Default handler: nothing (also called with the new value when the `warning` seconds change)."""

    def on_resume(self) -> None:
        """Default handler: nothing."""

    def on_expire(self) -> None:
        """Default handler: nothing."""
