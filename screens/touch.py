"""Taps inside scrolling lists that answer at once.

Kivy's ScrollView holds a touch back until it knows whether it is a scroll:
the button under the finger looks pressed only after `scroll_timeout`
(250 ms), and a quick tap is released to it a further 0.2 s after the finger
lifts. `QuickTap` keeps the ScrollView's way of telling a tap from a scroll
but shows the press on touch down and delivers the tap on touch up, in the
same frame.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

_DONE = "kiosk.quick_tap_done"


def pressable_at(root: Widget, x: float, y: float) -> ButtonBehavior | None:
    """The innermost button-like widget under window point (x, y), inside `root`."""
    for child in root.children:
        if _hit(child, x, y):
            inner = pressable_at(child, x, y)
            if inner is not None:
                return inner
            if isinstance(child, ButtonBehavior) and not child.disabled:
                return child
    return None


def _hit(widget: Widget, x: float, y: float) -> bool:
    wx, wy = widget.to_widget(x, y)
    return bool(widget.collide_point(wx, wy))


class QuickTap:
    """A ScrollView mix-in: pressed state on touch down, the tap on touch up, scrolling as before."""

    def on_touch_down(self: Any, touch: Any) -> bool:
        handled = super().on_touch_down(touch)  # type: ignore[misc]
        if handled and self._touch is touch and self._viewport is not None:
            pressed = pressable_at(self._viewport, *touch.pos)
            if pressed is not None:
                pressed.state = "down"  # looks pressed now; the tap itself still waits for the release
                touch.ud[self._get_uid("pressed")] = pressed
        return bool(handled)

    def on_scroll_move(self: Any, touch: Any) -> bool:
        result = super().on_scroll_move(touch)  # type: ignore[misc]
        ud = touch.ud.get(self._get_uid())
        if ud is not None and ud.get("mode") == "scroll":
            self._release_look(touch)  # a scroll, not a tap
        return bool(result)

    def on_scroll_stop(self: Any, touch: Any, check_children: bool = True) -> bool:
        ud = touch.ud.get(self._get_uid())
        tap = ud is not None and ud["mode"] == "unknown" and self._get_uid("svavoid") not in touch.ud
        result = super().on_scroll_stop(touch, check_children)  # type: ignore[misc]
        if tap:
            # ScrollView scheduled the release 0.2 s from now; deliver it at once instead.
            touch.ud[_DONE] = True
            self._do_touch_up(touch)
        self._release_look(touch)
        return bool(result)

    def _do_touch_up(self: Any, touch: Any, *largs: Any) -> None:
        if largs and touch.ud.get(_DONE):
            return  # the scheduled late release of a tap already delivered
        super()._do_touch_up(touch, *largs)  # type: ignore[misc]

    def _release_look(self: Any, touch: Any) -> None:
        pressed = touch.ud.pop(self._get_uid("pressed"), None)
        if pressed is not None and pressed not in touch.ud:  # the button never took this touch itself
            pressed.state = "normal"


class QuickTapScrollView(QuickTap, ScrollView):
    """A ScrollView whose buttons answer a tap at once, and whose content starts at its top when it fits.

    Kivy places content shorter than the view by `scroll_y` as well: a card
    scrolled to its end at a large text size would sit at the bottom of the
    view, under an empty band, once a smaller size made it fit.
    """

    def on_viewport_size(self, *_args: Any) -> None:
        if self.viewport_size[1] <= self.height:
            self.scroll_y = 1

    on_height = on_viewport_size
