"""The hidden staff gesture: taps on the top-right corner of the window, where no citizen control lies."""

from __future__ import annotations

import time

from screens import theme


class CornerTaps:
    """`count` taps inside the top-right corner within `within` seconds: the staff gesture."""

    def __init__(self, count: int = 5, within: float = 3.0, size: float = theme.STAFF_CORNER) -> None:
        self.count, self.within, self.size = count, within, size
        self._times: list[float] = []

    def covers(self, x: float, y: float, width: float, height: float) -> bool:
        """Whether a touch at window coordinates lies in the staff corner."""
        return x >= width - self.size and y >= height - self.size

    def tap(self, x: float, y: float, width: float, height: float, at: float | None = None) -> bool:
        """Record a touch at window coordinates (origin bottom-left); True when the gesture is complete."""
        moment = time.monotonic() if at is None else at
        if x < width - self.size or y < height - self.size:
            self._times.clear()
            return False
        self._times = [t for t in self._times if moment - t <= self.within] + [moment]
        if len(self._times) >= self.count:
            self._times.clear()
            return True
        return False
