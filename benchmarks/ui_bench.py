"""Screen changes and text-size steps, timed from a tap to the frame that shows the result.

Run as `python -m benchmarks.ui_bench --repeat N` with KIOSK_HOME holding a
filled content cache, in a process of its own (Kivy has one window a process):
the real KioskApp over the real services in the offscreen window, driven as
the UI tests drive it. A tap is a touch down, one frame, a touch up, on the
widget found by its visible text. A screen change ends at the first frame drawn
after the new screen says `ready` (its content is in place); a text-size step
ends at the first frame drawn after the tap on A+. A frame is drawn when its
pixels are (after glFinish), not when its drawing was handed to the renderer. Prints one JSON object:
name → list of milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy_home_"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

TIMEOUT = 30.0  # seconds a step may take before the run gives up


class Driver:
    """The App in the window, frames pumped by hand, every drawn frame's time recorded."""

    def __init__(self, app: Any) -> None:
        from kivy.core.window import Window

        self.app = app
        self.flips: list[float] = []
        self.ready_at: dict[str, float] = {}
        Window.bind(on_flip=self._flipped)

    def _flipped(self, _window: Any) -> None:
        # A frame counts as drawn when its pixels are: a software renderer may still be drawing it when the
        # buffers are swapped, so the time is taken after glFinish().
        from kivy.graphics.opengl import glFinish

        glFinish()
        self.flips.append(time.perf_counter())

    def frame(self) -> None:
        """Advance one frame: clock, input, layout, draw."""
        from kivy.base import EventLoop

        EventLoop.idle()

    def until(self, condition: Callable[[], bool]) -> None:
        """Pump frames until `condition()` holds."""
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the kiosk did not get there in time")
            self.frame()

    def watch_ready(self) -> None:
        """Record when each screen becomes ready (every screen is made by now)."""
        assert self.app.manager is not None
        for screen in self.app.manager.screens:
            screen.fbind("ready", self._ready, screen.name)
        self.app.navigator.fbind("on_display", self._displayed)

    def _displayed(self, _navigator: Any, name: str, _params: Any) -> None:
        if self.app.manager.get_screen(name).ready:  # ready at once (a screen with nothing to load)
            self.ready_at[name] = time.perf_counter()

    def _ready(self, name: str, _screen: Any, ready: bool) -> None:
        if ready:
            self.ready_at[name] = time.perf_counter()

    def settle(self, frames: int = 5) -> None:
        for _ in range(frames):
            self.frame()

    def tap(self, widget: Any) -> float:
        """Touch the middle of `widget`: down, a frame, up. Returns when the touch began."""
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(*widget.to_window(*widget.center))
        began = time.perf_counter()
        touch.touch_down()
        self.frame()
        touch.touch_up()
        return began

    def tap_to_screen(self, widget: Any, name: str) -> float:
        """Milliseconds from a tap to the first frame drawn once screen `name` is ready."""
        self.ready_at.pop(name, None)
        began = self.tap(widget)
        self.until(
            lambda: (
                name in self.ready_at
                and self.app.current_screen.name == name
                and bool(self.flips)
                and self.flips[-1] >= self.ready_at[name]
            )
        )
        drawn = next(t for t in self.flips if t >= self.ready_at[name])
        return (drawn - began) * 1000

    def tap_to_frame(self, widget: Any, changed: Callable[[], bool]) -> float:
        """Milliseconds from a tap to the first frame drawn after it took effect (`changed()` holds)."""
        began = self.tap(widget)
        if not changed():
            raise RuntimeError(f"tapping {getattr(widget, 'text', widget)!r} changed nothing")
        after = time.perf_counter()
        self.until(lambda: bool(self.flips) and self.flips[-1] >= after)
        return (next(t for t in self.flips if t >= after) - began) * 1000


def walk(widget: Any) -> Iterator[Any]:
    """`widget` and everything under it."""
    yield widget
    for child in widget.children:
        yield from walk(child)


def pressable(widget: Any) -> Any:
    """The widget, or its nearest ancestor, that reacts to a press."""
    from kivy.uix.behaviors import ButtonBehavior

    while widget is not None and not isinstance(widget, ButtonBehavior):
        parent = getattr(widget, "parent", None)
        widget = parent if parent is not widget else None  # the Window is its own parent
    return widget


def by_text(root: Any, text: str, *, prefix: bool = False) -> Any:
    """The pressable widget showing `text` (as its text or its title), or None."""
    for widget in walk(root):
        for shown in (getattr(widget, "text", None), getattr(widget, "title", None)):
            if isinstance(shown, str) and (shown.startswith(text) if prefix else shown == text):
                found = pressable(widget)
                if found is not None and found.get_root_window() is not None:
                    return found
    return None


def first_row(root: Any) -> Any:
    """The top item row on screen: a pressable widget with a 索引号 and a title (a list keeps rows out of view too)."""
    from kivy.uix.recycleview import RecycleView

    rows = [w for w in walk(root) if getattr(w, "index_no", "") and getattr(w, "title", "") and pressable(w) is w]
    shown = [w for w in rows if _in_view(w, RecycleView)]
    return max(shown, key=lambda w: w.to_window(*w.center)[1], default=None)


def _in_view(widget: Any, view_class: type) -> bool:
    """True when the widget's middle lies inside the scrolling list that holds it (if any) and the window."""
    x, y = widget.to_window(*widget.center)
    holder = widget.parent
    while holder is not None and not isinstance(holder, view_class) and holder.parent is not holder:
        holder = holder.parent
    if isinstance(holder, view_class):
        left, bottom = holder.to_window(holder.x, holder.y)
        if not (left <= x <= left + holder.width and bottom <= y <= bottom + holder.height):
            return False
    window = widget.get_root_window()
    return window is not None and 0 <= x <= window.width and 0 <= y <= window.height


def run(repeat: int) -> dict[str, list[float]]:
    """Open the kiosk and time each step `repeat` times."""
    from kivy.config import Config

    Config.set("graphics", "width", "1080")
    Config.set("graphics", "height", "1920")
    for key, _ in Config.items("input"):
        Config.remove_option("input", key)
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.app import KioskApp
    from kiosk.bootstrap import build_services
    from kiosk.config import load_config
    from screens import theme

    Window.create_window()
    Window.register()
    Window.initialized = True
    EventLoop.ensure_window()
    Window.size = (1080, 1920)
    services = build_services(load_config())
    app = KioskApp(services, font_path=str(services.settings.font_path))
    app.root = app.build()
    Window.add_widget(app.root)
    app.dispatch("on_start")
    drive = Driver(app)
    drive.until(lambda: app.current_screen.ready and not app.manager.unmade)
    drive.watch_ready()
    times: dict[str, list[float]] = {}
    add = lambda name, ms: times.setdefault(name, []).append(ms)  # noqa: E731
    try:
        for _ in range(repeat):
            _one_visit(drive, app, theme, add)
    finally:
        app.dispatch("on_stop")
        services.close()
    return times


def _one_visit(drive: Driver, app: Any, theme: Any, add: Callable[[str, float], None]) -> None:
    """Home → Browse → (a sub-column) → Document → Print, A+ on Document, then Home → Search."""
    app.navigator.reset_session()
    theme.text.reset()
    drive.until(lambda: app.current_screen.name == "home" and app.current_screen.ready)
    drive.settle()
    tile = by_text(app.current_screen, "政府信息公开目录")
    add("Home → Browse", drive.tap_to_screen(tile, "browse"))
    drive.settle()
    if first_row(app.current_screen) is None:  # the section holds sub-columns only: open the first
        sub = next(
            w
            for w in walk(app.current_screen)
            if getattr(w, "code", "")
            and pressable(w) is w
            and w.get_root_window() is not None
            and w is not app.current_screen
        )
        drive.tap_to_screen(sub, "browse")
        drive.settle()
    add("Browse → Document", drive.tap_to_screen(first_row(app.current_screen), "document"))
    drive.settle()
    screen = app.current_screen
    for step in range(1, 4):
        bigger = by_text(screen, "A+") or by_text(screen, "A+", prefix=True)  # the NavBar's, or a screen's own
        if bigger is None or bigger.disabled:
            break
        before = (theme.text.step, getattr(screen, "size_step", None))
        add(
            f"A+ on Document (step {step})",
            drive.tap_to_frame(
                bigger, lambda before=before: (theme.text.step, getattr(screen, "size_step", None)) != before
            ),
        )
        drive.settle()
    theme.text.reset()
    if hasattr(screen, "size_step"):
        screen.size_step = 0
    drive.settle()
    add("Document → Print", drive.tap_to_screen(by_text(app.current_screen, "打印"), "print"))
    app.navigator.home()
    drive.until(lambda: app.current_screen.name == "home" and app.current_screen.ready)
    drive.settle()
    add("Home → Search", drive.tap_to_screen(by_text(app.current_screen, "搜索", prefix=True), "search"))
    drive.settle()
    _write_by_hand(drive, app.current_screen, add)


def _write_by_hand(drive: Driver, search: Any, add: Callable[[str, float], None]) -> None:
    """手写, then 财 stroke by stroke: from each lift of the finger to the frame that shows its candidates."""
    from kivy.tests.common import UnitTestTouch

    from screens.worker import pending_tasks
    from tests.handwriting.strokes import HANDS, recorded, written

    drive.until(lambda: pending_tasks() == 0)  # Search has asked whether the recogniser loads
    if not search.handwriting_ready:
        return
    drive.tap(by_text(search, "手写"))
    drive.until(lambda: search.pad.parent is not None)
    drive.settle()
    area = search.pad.ids.area
    (left, bottom), (side, _) = area.square_pos, area.square_size
    for stroke in written(recorded()["财"], HANDS[0], side):  # in the 田字格 square
        points = [area.to_window(left + x, bottom + side - y) for x, y in stroke]
        touch = UnitTestTouch(*points[0])
        touch.touch_down()
        for point in points[1:]:
            touch.touch_move(*point)
        offered = search.offered
        lifted = time.perf_counter()
        touch.touch_up()
        drive.until(lambda offered=offered: search.offered is not offered)  # the frame that applied them
        add("Handwriting: stroke end → candidates", (drive.flips[-1] - lifted) * 1000)
        # for comparison, the frame before: the last of the ink drawn, while the recogniser works in its thread
        add("Handwriting: stroke end → its ink", (next(t for t in drive.flips if t >= lifted) - lifted) * 1000)
    drive.tap(by_text(search, "清空"))
    drive.settle()


def main() -> None:
    """Print the timings as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui_bench")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(run(args.repeat), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
