"""A long text as many labels, built and resized a few at a time so a frame never waits for all of them.

Laying out a label of Chinese text is slow (hundreds of glyph measurements),
and a document body is dozens of labels. Doing them all in one frame holds the
screen for a second or more. `StagedText` does what the visitor sees first,
in the frame of the tap, and the rest over the following frames, keeping the
paragraph at the top of the view in place while those above it change height.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from kivy.clock import Clock
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

FRAME_BUDGET = 0.010  # seconds of a frame given to the labels not in view, once the visible ones are done
SETTLE_FRAMES = 4  # frames to keep the place after the last change (heights follow textures a frame later)


class StagedText:
    """Adds and resizes the paragraphs of a scrolling box in stages."""

    def __init__(self, scroller: ScrollView, box: Widget) -> None:
        self.scroller = scroller
        self.box = box
        self._jobs: list[Callable[[], None]] = []
        self._anchor: tuple[Widget, float] | None = None
        self._settle = 0
        self._event = Clock.schedule_interval(self._tick, 0)
        self._event.cancel()

    @property
    def busy(self) -> bool:
        """True while some paragraphs are still to be added or resized."""
        return bool(self._jobs) or self._settle > 0

    def cancel(self) -> None:
        """Drop what is still to do (the document closed)."""
        self._jobs.clear()
        self._anchor = None
        self._settle = 0
        self._event.cancel()

    def add(self, widgets: list[Widget], first: int) -> None:
        """Add `widgets` to the box: the first `first` now, the rest a few per frame."""
        for widget in widgets[:first]:
            self.box.add_widget(widget)
        self._jobs.extend(partial(_add_and_lay_out, self.box, w) for w in widgets[first:])
        self._start()

    def resize(self, font_size: float, is_text: Callable[[Widget], bool]) -> None:
        """Give every text label `font_size`: the visible ones now, the others nearest first, the place kept."""
        self._jobs.clear()
        paragraphs = [w for w in reversed(self.box.children) if is_text(w)]
        if not paragraphs:
            return
        visible = [i for i, w in enumerate(paragraphs) if self.on_view(w)] or [0]
        top, bottom = visible[0], visible[-1]
        self._anchor = (paragraphs[top], self._from_view_top(paragraphs[top]))
        for widget in paragraphs[top : bottom + 1]:
            widget.font_size = font_size
        below = paragraphs[bottom + 1 :]
        above = list(reversed(paragraphs[:top]))
        self._jobs.extend(partial(_resize_and_lay_out, w, font_size) for w in below + above)
        self._start()

    # the place on the page

    def _content_top_offset(self) -> float:
        """How far the top of the view lies below the top of the content."""
        extra = max(0.0, self.box.height - self.scroller.height)
        return float((1.0 - self.scroller.scroll_y) * extra)

    def _from_view_top(self, widget: Widget) -> float:
        return float(self.box.top - widget.top) - self._content_top_offset()

    def on_view(self, widget: Widget) -> bool:
        """True when some of `widget` shows in the scroller's view."""
        top = (self.box.top - widget.top) - self._content_top_offset()
        return bool(top < self.scroller.height and top + widget.height > 0)

    def _keep_place(self) -> None:
        if self._anchor is None or self.scroller._touch:  # the visitor is scrolling: let them
            return
        widget, from_view_top = self._anchor
        if widget.parent is not self.box:
            self._anchor = None
            return
        extra = self.box.height - self.scroller.height
        if extra <= 0:
            return
        wanted = (self.box.top - widget.top) - from_view_top
        self.scroller.scroll_y = min(1.0, max(0.0, 1.0 - wanted / extra))

    # frames

    def _start(self) -> None:
        self._settle = SETTLE_FRAMES
        self._event.cancel()
        self._event = Clock.schedule_interval(self._tick, 0)

    def _tick(self, _dt: float) -> bool:
        self._keep_place()
        if self._jobs:
            # at least one label a frame, more while the frame's budget lasts: a frame drawn in software is
            # slow (40–60 ms at 1080×1920), so one label a frame would leave a long text moving for seconds
            until = time.perf_counter() + FRAME_BUDGET
            while self._jobs:
                self._jobs.pop(0)()
                if time.perf_counter() >= until:
                    break
            self._settle = SETTLE_FRAMES
            return True
        self._settle -= 1
        if self._settle > 0:
            return True
        self._anchor = None
        return False


def _add_and_lay_out(box: Widget, widget: Widget) -> None:
    box.add_widget(widget)
    _lay_out(widget)


def _resize_and_lay_out(widget: Widget, font_size: float) -> None:
    widget.font_size = font_size
    _lay_out(widget)


def _lay_out(widget: Widget) -> None:
    """Lay the label out now, so that the frame's budget counts its cost (else it falls on the next frame)."""
    lay_out_now = getattr(widget, "lay_out_now", None)
    if lay_out_now is not None:
        lay_out_now()
