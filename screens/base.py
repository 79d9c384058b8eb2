"""The base of every kiosk screen: services, navigator, enter and reset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from screens import theme  # noqa: F401  (loads theme.kv before any screen's rules)
from screens.navigator import Navigator, Params
from screens.wrap import BreakLabel, lay_out_pending  # noqa: F401 - BreakLabel registered: the base of wrapping labels in the rules


def load_kv(module_file: str) -> None:
    """Load the `.kv` file beside a screen's module (once, at import)."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))


class KioskScreen(Screen):
    """A screen that receives the services and the navigator from the App.

    Each screen declares the small Protocol of services it uses (`HomeServices`, `SearchServices` …) as the type
    of its `services`; the App hands every screen the one object that has them all.
    """

    services: object

    ready = BooleanProperty(False)  # its content has arrived and is drawn

    def __init__(self, *, services: object, navigator: Navigator, **kwargs: Any) -> None:
        self.services = services
        self.navigator = navigator
        super().__init__(**kwargs)

    def enter(self, params: Params) -> None:
        """Called by the navigator just before the screen is shown."""
        self.ready = True

    def reset(self) -> None:
        """Forget the visitor's state (the kiosk fell idle)."""

    def on_pre_enter(self, *_args: Any) -> None:
        """About to be shown: text whose line breaking or layout waited while the screen was away is done now."""
        lay_out_pending(self)

    def go_home(self) -> None:
        """The 主页 button on every screen."""
        self.navigator.home()

    def go_back(self) -> None:
        """The 返回 button: the previous screen."""
        self.navigator.back()


class NavBar(BoxLayout):
    """The top bar of every screen: 返回 and 主页 on the left, the title, A− / A+.

    The same widgets in the same place on every screen. The top-right corner
    holds no control: it is where staff tap to open their console.
    """

    title = StringProperty("")
    navigation = BooleanProperty(True)  # Home has nowhere to go back to
    text_size_buttons = BooleanProperty(True)

    def _screen(self) -> KioskScreen | None:
        widget = self.parent
        while widget is not None and not isinstance(widget, KioskScreen):
            widget = widget.parent
        return widget

    def back(self) -> None:
        """返回."""
        screen = self._screen()
        if screen is not None:
            screen.go_back()

    def home(self) -> None:
        """主页."""
        screen = self._screen()
        if screen is not None:
            screen.go_home()


class _Hideable:
    """A pane shown or hidden by its opacity. Hidden, it lets every touch through.

    A hidden pane is also disabled, and Kivy lets a disabled widget swallow
    the touches that land on it, so that a tap on a greyed button does not fall
    through to what lies beneath. A pane of fixed size that overflows its
    hidden parent would then swallow the taps meant for the controls it
    overlaps, 主页 among them.
    """

    opacity: float

    def on_touch_down(self, touch: Any) -> bool:
        return False if self.opacity == 0 else super().on_touch_down(touch)  # type: ignore[misc]

    def on_touch_move(self, touch: Any) -> bool:
        return False if self.opacity == 0 else super().on_touch_move(touch)  # type: ignore[misc]

    def on_touch_up(self, touch: Any) -> bool:
        return False if self.opacity == 0 else super().on_touch_up(touch)  # type: ignore[misc]


class Pane(_Hideable, BoxLayout):
    """A BoxLayout that a screen shows and hides; hidden, it takes no touch."""


class AnchorPane(_Hideable, AnchorLayout):
    """An AnchorLayout that a screen shows and hides; hidden, it takes no touch."""
