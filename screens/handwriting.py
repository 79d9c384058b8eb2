"""A handwriting pad: the citizen writes one character with a finger; after each stroke the owner recognises it.

It knows nothing of recognition: it keeps the strokes of the character being
written (points in the writing area's own units, y downward, as the recogniser
takes them), draws them, and fires `on_stroke(strokes)` when a finger lifts,
`on_rewrite`, `on_backspace` (退格 with no ink left), `on_clear` and `on_search` from its
buttons; 退格 with ink on the pad rubs out its last stroke. A stroke may start
anywhere in the frame around the 田字格 square; a touch that starts outside the
frame writes nothing.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from screens import theme
from screens.base import load_kv

MAX_STROKES = 200  # strokes kept for one character: beyond this a finger keeps writing, nothing more is kept
MAX_POINTS = 2000  # points kept for one stroke (a very slow stroke): later ones are dropped
INK_WIDTH = dp(5)

Points = list[tuple[float, float]]


class WritingArea(Widget):
    """Where a character is written: the whole frame takes strokes, over a 田字格 square in its middle."""

    __events__ = ("on_stroke",)

    square_pos = ListProperty([0, 0])
    square_size = ListProperty([0, 0])

    def on_size(self, *_args: Any) -> None:
        self._place_square()

    def on_pos(self, *_args: Any) -> None:
        self._place_square()

    def _place_square(self) -> None:
        side = min(self.width, self.height)
        self.square_size = [side, side]
        self.square_pos = [self.center_x - side / 2, self.center_y - side / 2]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strokes: list[Points] = []
        self._lines: list[Any] = []
        self._touch: Any = None

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos) or self.disabled:
            return False
        if self._touch is not None or len(self.strokes) >= MAX_STROKES:
            return True  # a second finger, or a character of too many strokes: nothing more is written
        self._touch = touch
        touch.grab(self)
        self.strokes.append([self._point(touch)])
        with self.canvas:
            Color(*theme.INK)
            # a touch that never moves is a dot (点): drawn as one, its two ends at the same place
            self._lines.append(Line(points=[*touch.pos, *touch.pos], width=INK_WIDTH, cap="round", joint="round"))
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        stroke = self.strokes[-1]
        if len(stroke) < MAX_POINTS:
            stroke.append(self._point(touch))
            self._lines[-1].points += [min(max(touch.x, self.x), self.right), min(max(touch.y, self.y), self.top)]
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self._touch = None
        self.dispatch("on_stroke", [list(s) for s in self.strokes])
        return True

    def _point(self, touch: Any) -> tuple[float, float]:
        """The touch in the area's units, y downward from its top (outside the area, beyond its edges)."""
        return (touch.x - self.x, self.top - touch.y)

    def clear(self) -> None:
        """Rub the character out."""
        self.canvas.clear()
        self._lines = []
        self.strokes = []
        if self._touch is not None:
            self._touch.ungrab(self)
            self._touch = None

    def undo(self) -> None:
        """Rub out the last stroke."""
        if self._touch is not None or not self.strokes:
            return
        self.strokes.pop()
        self.canvas.remove(self._lines.pop())

    def on_stroke(self, strokes: list[Points]) -> None:
        """Default handler: nothing."""


class HandwritingPad(BoxLayout):
    """The writing area with its status line, above a row of 重写 / 退格 / 清空 / 搜索."""

    __events__ = ("on_stroke", "on_rewrite", "on_backspace", "on_clear", "on_search")

    status = StringProperty("")  # 请再写一次, or empty
    written = BooleanProperty(False)  # a character is being written

    @property
    def strokes(self) -> list[Points]:
        strokes: list[Points] = self.ids.area.strokes
        return strokes

    def stroke_done(self, strokes: list[Points]) -> None:
        self.written = bool(strokes)
        self.dispatch("on_stroke", strokes)

    def clear(self) -> None:
        """A clean pad for the next character."""
        self.ids.area.clear()
        self.written = False
        self.status = ""

    def rewrite(self) -> None:
        self.clear()
        self.dispatch("on_rewrite")

    def backspace(self) -> None:
        """退格: the last stroke of the character being written, or when none is, the query's last character."""
        area = self.ids.area
        if area.strokes:
            area.undo()
            self.written = bool(area.strokes)
            self.status = ""
            self.dispatch("on_stroke", [list(s) for s in area.strokes])
        else:
            self.dispatch("on_backspace")

    def on_stroke(self, strokes: list[Points]) -> None:
        """Default handler: nothing."""

    def on_rewrite(self) -> None:
        """Default handler: nothing."""

    def on_backspace(self) -> None:
        """Default handler: nothing."""

    def on_clear(self) -> None:
        """Default handler: nothing."""

    def on_search(self) -> None:
        """Default handler: nothing."""


load_kv(__file__)
