"""Moves between screens and keeps the visitor's way back.

Screens ask the navigator to show another screen by name with parameters;
they never reach into each other. The history is the visitor's browse trail,
cleared by `home()` and by `reset_session()` when the kiosk falls idle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kivy.event import EventDispatcher
from kivy.properties import StringProperty

if TYPE_CHECKING:
    from kivy.uix.screenmanager import ScreenManager

Params = Mapping[str, Any]
HOME = "home"


class Navigator(EventDispatcher):
    """Shows screens of a ScreenManager; fires `on_display(name, params)`."""

    current_name = StringProperty("")
    __events__ = ("on_display",)

    def __init__(self, manager: ScreenManager, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.returning = False  # the screen being entered is reached by 返回 (back), not opened anew
        self._manager = manager
        self._history: list[tuple[str, dict[str, Any]]] = []
        self._current: tuple[str, dict[str, Any]] = (HOME, {})

    @property
    def history(self) -> list[tuple[str, dict[str, Any]]]:
        """The screens to go back to, oldest first (a copy)."""
        return list(self._history)

    def show(self, name: str, **params: Any) -> None:
        """Show `name`, remembering the current screen for `back()`."""
        self._history.append(self._current)
        self._display(name, params)

    def back(self) -> None:
        """Return to the previous screen, or Home when there is none."""
        if not self._history:
            self.home()
            return
        name, params = self._history.pop()
        self._display(name, params, returning=True)

    def up_to(self, name: str, **params: Any) -> None:
        """Go back to `name` with `params`, dropping what lies after it."""
        target = (name, dict(params))
        while self._history and self._history[-1] != target:
            self._history.pop()
        if self._history:
            self._history.pop()
        self._display(name, dict(params), returning=True)

    def home(self) -> None:
        """Show Home and forget the trail."""
        self._history.clear()
        self._display(HOME, {})

    def reset_session(self) -> None:
        """Forget everything of the last visitor: every screen's state, the trail."""
        for screen in self._manager.screens:
            reset = getattr(screen, "reset", None)
            if reset is not None:
                reset()
        self.home()

    def _display(self, name: str, params: dict[str, Any], *, returning: bool = False) -> None:
        self.returning = returning  # a screen's enter() may keep its place on the way back, and start afresh else
        screen = self._manager.get_screen(name)
        enter = getattr(screen, "enter", None)
        if enter is not None:
            enter(params)
        self._current = (name, params)
        self._manager.current = name
        self.current_name = name
        self.dispatch("on_display", name, params)

    def on_display(self, name: str, params: Params) -> None:
        """Default handler: nothing (the App binds to take screenshots)."""
