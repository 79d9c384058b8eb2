"""Colours, sizes and the font name shared by every screen's `.kv` file.

The App registers the CJK font under `FONT_NAME`; `theme.kv` makes it the font
of every Label, Button and TextInput so no glyph renders as an empty box.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp

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
WHITE = (1, 1, 1, 1)
SCRIM = (0, 0, 0, 0.6)

TOUCH_HEIGHT = dp(96)  # every touch target is at least 80 px tall
BAR_HEIGHT = dp(112)
GAP = dp(16)

FONT_BAR = dp(44)
FONT_TILE = dp(44)
FONT_BUTTON = dp(36)
FONT_ROW_TITLE = dp(34)
FONT_META = dp(28)
FONT_KEY = dp(40)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
