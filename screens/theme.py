"""Colours, sizes and the font name shared by every screen's `.kv` file.

The App registers the CJK font under `FONT_NAME`; `theme.kv` makes it the font
of every Label, Button and TextInput so no glyph renders as an empty box.
"""

from __future__ import annotations

from pathlib import Path

from kivy.effects.scroll import ScrollEffect
from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BoundedNumericProperty, NumericProperty

FONT_NAME = "CJK"

PRIMARY = (0.11, 0.30, 0.55, 1)
PRIMARY_DARK = (0.07, 0.20, 0.40, 1)
SECONDARY = (0.86, 0.89, 0.93, 1)
SECONDARY_DARK = (0.72, 0.77, 0.85, 1)
ALERT = (0.75, 0.10, 0.10, 1)
INK = (0.12, 0.12, 0.12, 1)
MUTED = (0.38, 0.38, 0.38, 1)
PAPER = (0.96, 0.96, 0.94, 1)
CARD = (1, 1, 1, 1)
DISABLED = (0.62, 0.64, 0.67, 1)  # a button that cannot be tapped now
DISABLED_QUIET = (0.92, 0.92, 0.92, 1)
WHITE = (1, 1, 1, 1)
SCRIM = (0, 0, 0, 0.6)

TOUCH_HEIGHT = dp(96)  # every touch target is at least 80 px tall
BAR_HEIGHT = dp(112)
GAP = dp(16)
STAFF_CORNER = dp(100)  # the top-right square that takes the staff gesture; it holds no control

FONT_BAR = dp(44)
FONT_TILE = dp(44)
FONT_BUTTON = dp(36)
FONT_ROW_TITLE = dp(34)
FONT_META = dp(28)
FONT_KEY = dp(40)


class SteadyScrollEffect(ScrollEffect):
    """Scrolling that stops at the ends, with no spring past them.

    Kivy's default (DampedScrollEffect) lets the content run past an end and
    springs it back. Its spring is not scaled by the frame time: on a kiosk
    that draws in software, where a frame takes tens of milliseconds, a drag
    past the end throws the text out of sight and the view never comes to
    rest. Its rounding of the resting place does the same on a smaller scale
    whenever the content's height is not a whole number of pixels.
    """


# Text size: one choice for the whole visit, applied to every citizen screen.
TEXT_STEPS: tuple[float, ...] = (1.0, 1.2, 1.4, 1.65)  # 标准, 较大, 大, 特大
TEXT_STEP_NAMES: tuple[str, ...] = ("标准", "较大", "大", "特大")
DEFAULT_TEXT_STEP = 0
BODY_BASE = dp(40)  # a document's body at the standard size


class TextSizes(EventDispatcher):
    """The font sizes of the citizen screens at the visitor's chosen step.

    `.kv` rules read them (`font_size: theme.text.meta`), so one change of
    `step` resizes every screen's text at once; the top bar's own labels keep
    their size so that 主页 and 返回 never move.
    """

    step = BoundedNumericProperty(DEFAULT_TEXT_STEP, min=0, max=len(TEXT_STEPS) - 1)
    scale = NumericProperty(TEXT_STEPS[DEFAULT_TEXT_STEP])
    tile = NumericProperty(FONT_TILE)
    button = NumericProperty(FONT_BUTTON)
    row_title = NumericProperty(FONT_ROW_TITLE)
    meta = NumericProperty(FONT_META)
    key = NumericProperty(FONT_KEY)
    body = NumericProperty(BODY_BASE)

    def on_step(self, _sizes: TextSizes, step: float) -> None:
        scale = TEXT_STEPS[int(step)]
        self.tile = FONT_TILE * scale
        self.button = FONT_BUTTON * scale
        self.row_title = FONT_ROW_TITLE * scale
        self.meta = FONT_META * scale
        self.key = FONT_KEY * min(scale, 1.2)  # keys keep their place on the keyboard
        self.body = BODY_BASE * scale
        self.scale = scale  # last: what follows the scale (a list's row height) reads the sizes above

    @property
    def largest(self) -> bool:
        """True at the largest step (A+ has nothing more to give)."""
        return int(self.step) >= len(TEXT_STEPS) - 1

    @property
    def smallest(self) -> bool:
        """True at the standard step (A− has nothing less to give)."""
        return int(self.step) <= 0

    def bigger(self) -> None:
        """A+: one step larger, up to the largest."""
        if not self.largest:
            self.step = int(self.step) + 1

    def smaller(self) -> None:
        """A−: one step smaller, down to the standard size."""
        if not self.smallest:
            self.step = int(self.step) - 1

    def reset(self) -> None:
        """The next visitor starts at the standard size."""
        self.step = DEFAULT_TEXT_STEP


text = TextSizes()

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
