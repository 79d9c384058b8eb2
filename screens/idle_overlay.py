"""The warning laid over any screen before the kiosk returns to Home."""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout

from screens.base import load_kv


class IdleWarning(FloatLayout):
    """即将返回首页, a countdown and 继续使用; fires `on_continue`.

    It covers the whole window and swallows touches, so a tap meant for the
    warning never also presses a button of the screen beneath it.
    """

    seconds_left = NumericProperty(0)
    __events__ = ("on_continue",)

    def on_touch_down(self, touch: Any) -> bool:
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch: Any) -> bool:
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        super().on_touch_up(touch)
        return True

    def on_continue(self) -> None:
        """Default handler: nothing (the App hides the warning)."""


load_kv(__file__)
