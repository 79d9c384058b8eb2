"""Laid over any screen: the warning before the kiosk returns to Home, and the last job's banner after it.

A citizen who printed and walked to the desk must not lose the job number: the
warning repeats it, and Home shows it for a few minutes after the visit ends.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from screens.base import load_kv
from screens.wrap import ShownLater

LAST_JOB_HINT = "刚才在本机打印的读者请凭此任务号领取；轻触屏幕即开始新的查阅。"


class IdleWarning(ShownLater, FloatLayout):
    """即将返回首页, a countdown, the visit's print job if any, and 继续使用; fires `on_continue`.

    It covers the whole window and swallows touches, so a tap meant for the
    warning never also presses a button of the screen beneath it.
    """

    seconds_left = NumericProperty(0)
    job_note = StringProperty("")  # 您的打印任务 0007：请到服务台领取, or ''
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


class LastJobBanner(ShownLater, BoxLayout):
    """At the foot of Home after a visit that printed: its job number and where to collect it.

    Any touch dismisses it (the App decides when: a tap, or the time is up); a tap on the banner
    itself presses nothing beneath it.
    """

    job_note = StringProperty("")
    hint = StringProperty(LAST_JOB_HINT)  # the line beneath: how to collect, or what to do after a failure

    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.collide_point(*touch.pos))


load_kv(__file__)
