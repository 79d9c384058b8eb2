"""The base of every kiosk screen: services, navigator, enter and reset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty
from kivy.uix.screenmanager import Screen

from screens import theme  # noqa: F401  (loads theme.kv before any screen's rules)
from screens.navigator import Navigator, Params
from screens.services import KioskServices


def load_kv(module_file: str) -> None:
    """Load the `.kv` file beside a screen's module (once, at import)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))


class KioskScreen(Screen):
    """A screen that receives the services and the navigator from the App."""

    ready = BooleanProperty(False)  # its content has arrived and is drawn

    def __init__(self, *, services: KioskServices, navigator: Navigator, **kwargs: Any) -> None:
        self.services = services
        self.navigator = navigator
        super().__init__(**kwargs)

    def enter(self, params: Params) -> None:
        """Called by the navigator just before the screen is shown."""
        self.ready = True

    def reset(self) -> None:
        """Forget the visitor's state (the kiosk fell idle)."""

    def go_home(self) -> None:
        """The 主页 button on every screen."""
        self.navigator.home()

    def go_back(self) -> None:
        """The 返回 button: the previous screen."""
        self.navigator.back()
