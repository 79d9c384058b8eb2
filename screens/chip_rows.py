"""A strip of chips (filter values, candidate words) of bounded height: at most `max_rows` lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.stacklayout import StackLayout

from screens import theme


class ChipRows(StackLayout):
    """Chips (or candidate words) in at most `max_rows` lines; those that do not fit are left out.

    The height follows from the rows used, never from the chips' layout, so the
    chips can neither grow over their neighbours nor push them away.
    """

    max_rows = NumericProperty(2)
    keep_a_row = BooleanProperty(False)  # hold one line's height even when empty

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "lr-tb")
        kwargs.setdefault("spacing", dp(8))
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self._chips: list[Any] = []
        self._refit = Clock.create_trigger(self._fit)
        self.bind(width=self._refit)
        theme.text.bind(step=self._refit)  # the chips' text, hence their widths, changed

    def show(self, chips: Iterable[Any]) -> None:
        """Offer these chips, in order of importance."""
        self._chips = list(chips)
        self._fit()

    def _fit(self, *_args: Any) -> None:
        left, top, right, bottom = self.padding
        gap_x, gap_y = self.spacing
        placed, rows = _fill_rows(self._chips, self.width - left - right, gap_x, int(self.max_rows))
        self.clear_widgets()
        for chip in placed:
            self.add_widget(chip)
        if not rows and self.keep_a_row:
            rows = [theme.TOUCH_HEIGHT]
        self.height = sum(rows) + gap_y * max(len(rows) - 1, 0) + (top + bottom if rows else 0)


def _fill_rows(chips: Sequence[Any], width: float, gap: float, max_rows: int) -> tuple[list[Any], list[float]]:
    """The chips that fit in `max_rows` lines of `width`, in order, and the height of each line used."""
    placed: list[Any] = []
    rows: list[float] = []
    x = 0.0
    for chip in chips:
        chip.texture_update()  # its width follows its text at the current size
        if width <= 0 or chip.width > width:
            continue
        if rows and x + gap + chip.width <= width:
            x += gap + chip.width
            rows[-1] = max(rows[-1], chip.height)
        elif len(rows) < max_rows:
            x = chip.width
            rows.append(chip.height)
        else:
            continue
        placed.append(chip)
    return placed, rows
