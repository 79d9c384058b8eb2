"""A random visitor for the soak: mostly taps on the buttons on screen, some stray touches, scrolls,
text size changes, now and then a print, now and then walking away until the kiosk resets.

Every choice comes from one `random.Random(seed)`, so a run can be replayed
with the same seed (what appears on screen also depends on timing, so a replay
is close, not exact). Each action is written to a short history that goes with
any problem found, and to a file for the whole run.
"""

from __future__ import annotations

import random
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.scrollview import ScrollView

from tests.tour import tree

# How often each action is chosen (weights, not per cent).
ACTIONS: dict[str, int] = {
    "button": 140,  # a tap on a button that is on screen, as a citizen would
    "stray": 16,  # a tap anywhere
    "scroll": 20,  # a drag on a list or a page, sometimes a fling
    "text size": 10,  # A+ or A−
    "print": 12,  # from a document: 打印, a kind, 确认打印
    "walk away": 1,  # no touch until the kiosk warns and resets (or, sometimes, a touch on the warning)
}
PAUSE = (0.05, 0.4)  # s between two actions: frames run meanwhile
PRINT_WAIT = 30.0  # s a print may take before the soak says it waited too long
HISTORY = 15  # actions kept for a problem's report


class Stalled(Exception):
    """The kiosk did not reach what the action waited for in time (not an exception of the kiosk)."""


class Citizen:
    """Drives the App's window with seeded random touches and counts what it did."""

    def __init__(self, app: Any, seed: int, action_log: TextIO | None = None) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.done: Counter[str] = Counter()  # actions by name
        self.touches = 0
        self.stalls: list[str] = []
        self.history: deque[str] = deque(maxlen=HISTORY)
        self._action_log = action_log
        self._started = time.monotonic()
        self._actions = list(ACTIONS)
        self._weights = list(ACTIONS.values())

    # the event loop

    def frame(self) -> None:
        """One frame of the event loop as App.run() makes it: Kivy's Clock, input and drawing, then the window's
        own events.

        SDL turns SIGTERM into a request to close the window, which stops the
        event loop: here it stops the soak as Ctrl-C does.
        """
        EventLoop.idle()
        Window.mainloop()
        if EventLoop.quit:
            raise KeyboardInterrupt("the window was asked to close (Ctrl-C or SIGTERM)")

    def pump(self, seconds: float) -> None:
        """Run frames for `seconds` of wall time, touching nothing."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frame()

    def wait(self, condition: Callable[[], Any], what: str, timeout: float) -> Any:
        """Run frames until `condition()` is true; Stalled naming `what` after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not (found := condition()):
            if time.monotonic() > deadline:
                raise Stalled(f"waited {timeout:.0f} s for {what}")
            self.frame()
        return found

    # the visit

    def run_for(self, seconds: float) -> None:
        """Random actions, a random pause after each, for `seconds` of wall time."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.act(self.rng.choices(self._actions, self._weights)[0])
            self.pump(self.rng.uniform(*PAUSE))

    def act(self, action: str) -> None:
        """Do one action by its name; a stall is noted and the visit goes on."""
        try:
            {
                "button": self.tap_button,
                "stray": self.tap_stray,
                "scroll": self.scroll,
                "text size": self.change_text_size,
                "print": self.print_copy,
                "walk away": self.walk_away,
            }[action]()
        except Stalled as stalled:
            self.stalls.append(f"{self.screen_name()}: {stalled}")
            self.note(f"stalled: {stalled}")

    def note(self, what: str) -> None:
        """Keep one line of what was done, with the time since the start and the screen."""
        line = f"{time.monotonic() - self._started:8.1f}s [{self.screen_name()}] {what}"
        self.history.append(line)
        if self._action_log is not None:
            self._action_log.write(line + "\n")

    def screen_name(self) -> str:
        """The name of the screen on display."""
        return str(self.app.current_screen.name)

    # touches

    def tap_at(self, x: float, y: float) -> None:
        """A finger at window point (x, y): down, a frame, up, a frame."""
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frame()
        touch.touch_up()
        self.touches += 1
        self.frame()

    def tap(self, widget: Any, name: str) -> None:
        """Touch the middle of `widget`, noting it as `name`."""
        self.note(f"{name}: {tree.describe(widget.__self__)}")  # an `ids` entry is a proxy: name the widget
        self.tap_at(*widget.to_window(*widget.center))

    def buttons(self) -> list[Any]:
        """The buttons a finger can press now: shown, enabled, their middle on screen and not covered."""
        found = []
        for widget in tree.walk(Window):
            if isinstance(widget, ButtonBehavior) and tree.shown(widget) and tree.visible_centre(widget):
                taker = tree.touch_taker(Window, *widget.to_window(*widget.center))
                if taker is widget or _inside(taker, widget):
                    found.append(widget)
        return found

    def tap_button(self) -> None:
        """A tap on one of the buttons on screen, or anywhere when there is none."""
        buttons = self.buttons()
        if not buttons:
            self.tap_stray()
            return
        self.tap(self.rng.choice(buttons), "tap")
        self.done["button"] += 1

    def tap_stray(self) -> None:
        """A tap at a random point of the window."""
        x, y = self.rng.uniform(0, Window.width), self.rng.uniform(0, Window.height)
        self.note(f"stray tap at ({x:.0f}, {y:.0f})")
        self.tap_at(x, y)
        self.done["stray"] += 1

    def scroll(self) -> None:
        """A drag up or down on a scrolling view on screen; held still before lifting, or flung."""
        views = [w for w in tree.walk(Window) if isinstance(w, ScrollView) and tree.shown(w) and w.height > 100]
        if not views:
            self.tap_button()
            return
        view = self.rng.choice(views)
        x0, y0, width, height = tree.window_rect(view)
        up = self.rng.random() < 0.6  # more reading on than back
        distance = self.rng.uniform(0.2, 0.7) * height * (1 if up else -1)
        x = x0 + width * self.rng.uniform(0.3, 0.7)
        y = y0 + height * (0.2 if up else 0.8)
        fling = self.rng.random() < 0.3
        self.note(
            f"{'fling' if fling else 'drag'} {'up' if up else 'down'} {abs(distance):.0f} px on {tree.describe(view)}"
        )
        self.drag(x, y, distance, fling)
        self.done["scroll"] += 1

    def drag(self, x: float, y: float, distance: float, fling: bool, steps: int = 6) -> None:
        """Slide a finger from (x, y) by `distance` upwards; unless flung, hold still before lifting."""
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frame()
        for index in range(1, steps + 1):
            touch.touch_move(x, y + distance * index / steps)
            self.frame()
        for _ in range(0 if fling else 6):
            touch.touch_move(x, y + distance)
            self.frame()
        touch.touch_up()
        self.touches += 1
        self.frame()

    def change_text_size(self) -> None:
        """A+ or A− (whichever can be pressed, chosen at random)."""
        found = [b for b in self.buttons() if getattr(b, "text", "") in ("A+", "A−")]
        if not found:
            self.tap_button()
            return
        self.tap(self.rng.choice(found), "text size")
        self.done["text size"] += 1

    # printing

    def print_copy(self) -> None:
        """On a document: 打印, a kind of copy, 确认打印, and wait for the outcome; elsewhere, a button."""
        if self.screen_name() == "document":
            button = self._button("打印")
            if button is None:
                self.tap_button()
                return
            self.tap(button, "print")
            self.wait(lambda: self.screen_name() == "print" and self.app.current_screen.ready, "the print screen", 10)
        if self.screen_name() != "print":
            self.tap_button()
            return
        self._choose_and_confirm(self.app.current_screen)

    def _choose_and_confirm(self, screen: Any) -> None:
        if screen.phase == "choose":
            kinds = [k for k in (screen.ids.a4, screen.ids.receipt) if not k.disabled]
            if not kinds:
                return
            self.tap(self.rng.choice(kinds), "print kind")
            self.wait(lambda: screen.phase != "counting", "the page count", PRINT_WAIT)
        if screen.phase in ("ready", "failed") and not screen.ids.confirm.disabled:
            self.tap(screen.ids.confirm, "print confirm")
            self.wait(lambda: screen.phase != "printing", "the print's outcome", PRINT_WAIT)
            self.note(f"print outcome: {screen.phase} {screen.outcome_title}")
            self.done["print"] += 1

    def _button(self, text: str) -> Any | None:
        found = [b for b in self.buttons() if getattr(b, "text", "") == text]
        return found[0] if found else None

    # idle

    def walk_away(self) -> None:
        """No touch until the kiosk has reset to Home; now and then a touch on the warning instead."""
        if self.app.idle.phase == "off":  # no visit under way: nothing to walk away from
            self.tap_button()
            return
        self.note("walk away")
        timeout = self.app.idle.timeout + self.app.idle.warning + 15
        self.wait(lambda: self.app.idle.phase == "warning", "the idle warning", timeout)
        if self.rng.random() < 0.3:
            self.note("back: touch the idle warning")
            self.pump(self.rng.uniform(0, self.app.idle.warning * 0.5))
            self.tap_at(Window.width / 2, Window.height / 2)
            self.done["warning touched"] += 1
            return
        self.wait_for_reset()
        self.done["walk away"] += 1

    def wait_for_reset(self) -> None:
        """Touch nothing until the idle timer has ended the visit and Home is on display, ready."""
        timeout = self.app.idle.timeout + self.app.idle.warning + 15
        self.wait(
            lambda: self.app.idle.phase == "off" and self.screen_name() == "home" and self.app.current_screen.ready,
            "the idle reset to Home",
            timeout,
        )
        self.note("idle reset: Home")


def _inside(widget: Any, ancestor: Any) -> bool:
    node = widget
    while node is not None and node is not node.parent:
        if node is ancestor:
            return True
        node = node.parent
    return False


def open_action_log(path: Path) -> TextIO:
    """The file every action of the run is written to."""
    return path.open("w", encoding="utf-8", buffering=1)
