"""Kivy without a screen (RECIPES.md), one window per session, and helpers to drive it.

The environment is set before Kivy is first imported; with no DISPLAY, SDL
renders offscreen through EGL and screenshots hold real pixels.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy_home_"))  # else ~/.kivy is written
os.environ.setdefault("KIVY_NO_ARGS", "1")  # Kivy must not parse pytest's argv
os.environ.setdefault("KIVY_USE_DEFAULTCONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # pytest captures Kivy's logging

from kivy.config import Config

Config.set("graphics", "width", "1080")
Config.set("graphics", "height", "1920")
for _key, _ in Config.items("input"):  # no mtdev / probesysfs / mouse providers
    Config.remove_option("input", _key)

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


@pytest.fixture(scope="session")
def window() -> Any:
    """The one Kivy window of the test session, 1080×1920."""
    from kivy.base import EventLoop
    from kivy.core.window import Window

    Window.create_window()
    Window.register()
    Window.initialized = True
    EventLoop.ensure_window()
    Window.size = PORTRAIT
    from screens import theme

    Window.clearcolor = theme.PAPER  # the screens' page colour, as the App clears the window
    return Window


@pytest.fixture
def services() -> Any:
    """A fresh fake services object (it records the calls)."""
    from tests.ui.fakes import FakeServices

    return FakeServices()


@pytest.fixture
def app(window: Any, services: Any) -> Iterator[Any]:
    """The KioskApp built with the fake services and put in the window, without App.run()."""
    from kiosk.app import KioskApp

    window.size = PORTRAIT
    kiosk = KioskApp(services, font_path=FONT_PATH)
    kiosk.root = kiosk.build()
    window.add_widget(kiosk.root)
    kiosk.dispatch("on_start")
    wait_until(lambda: kiosk.current_screen.name == "home" and kiosk.current_screen.ready)
    yield kiosk
    kiosk.dispatch("on_stop")
    kiosk.root.clear_widgets()
    window.remove_widget(kiosk.root)
    wait_for_workers()
    window.size = PORTRAIT


def frame() -> None:
    """Advance one frame: clock, input, layout, draw."""
    from kivy.base import EventLoop

    EventLoop.idle()


def wait_until(condition: Callable[[], bool], max_frames: int = 200_000, timeout: float = 10.0) -> None:
    """Pump frames until `condition()` holds; fail after `timeout` seconds (or `max_frames`).

    Frames with nothing to draw take microseconds, so the bound that matters
    is time: debounce and scroll-click delays are measured by the real clock.
    """
    deadline = time.monotonic() + timeout
    for _ in range(max_frames):
        if condition():
            return
        if time.monotonic() > deadline:
            break
        frame()
    assert condition(), f"condition not met after {max_frames} frames or {timeout} s"


def wait_for_workers(timeout: float = 60.0) -> None:
    """Pump frames until every background call has delivered; fail naming the calls still out."""
    from screens.worker import pending_calls, pending_tasks

    deadline = time.monotonic() + timeout
    while pending_tasks() and time.monotonic() < deadline:
        frame()
    assert not pending_tasks(), f"background calls still out after {timeout} s: {pending_calls()}"


def tap(widget: Any) -> None:
    """Touch the middle of `widget` like a finger: down, a frame, up, a frame."""
    from kivy.tests.common import UnitTestTouch

    frame()  # a screen just shown has not been laid out yet
    touch = UnitTestTouch(*widget.to_window(*widget.center))
    touch.touch_down()
    frame()
    touch.touch_up()
    frame()


def screenshot(name: str) -> Path:
    """Save what the window shows as test-artifacts/screenshots/<name>.png.

    At the session's 1080×1920 the window's own pixels are read, as the App
    does; the offscreen EGL surface keeps its first size, so after a resize
    (landscape) the root widget is rendered into an Fbo instead.
    """
    from kivy.core.window import Window

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    for _ in range(3):  # let layout settle
        frame()
    if tuple(Window.size) != PORTRAIT:
        Window.children[0].export_to_png(str(target))
        return target
    saved: list[str] = []

    def on_flip(window: Any) -> None:  # before the swap: the frame just drawn
        saved.append(window.screenshot(name=str(SCREENSHOTS / "shot.png")))

    Window.bind(on_flip=on_flip)
    try:
        Window.canvas.ask_update()
        wait_until(lambda: bool(saved), max_frames=60)
    finally:
        Window.unbind(on_flip=on_flip)
    os.replace(saved[0], target)
    return target
