"""An on-screen keyboard for pinyin initials, 文号 digits and letters, and the "-" and "/" of an 索引号.

Big keys; it knows nothing of search: it fires `on_key(char)`, `on_backspace`,
`on_clear` and `on_search`, and the owning screen edits its own text field.
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.uix.boxlayout import BoxLayout

from screens.base import load_kv

# "-" and "/" make an 索引号 typable (003232741/2009-00296)
KEY_ROWS: tuple[str, ...] = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm-/")


class OnScreenKeyboard(BoxLayout):
    """Rows of letter and digit keys above a row of 退格 / 清空 / 搜索."""

    __events__ = ("on_key", "on_backspace", "on_clear", "on_search")

    def on_kv_post(self, base_widget: Any) -> None:
        # ids exist only once the rule of this widget has been applied
        rows = (self.ids.row_digits, self.ids.row_top, self.ids.row_middle, self.ids.row_bottom)
        for row, keys in zip(rows, KEY_ROWS, strict=True):
            for char in keys:
                row.add_widget(self._make_key(char))

    def _make_key(self, char: str) -> Any:
        key = Factory.KeyButton(text=char)
        key.bind(on_release=lambda button: self.dispatch("on_key", button.text))
        return key

    def key(self, char: str) -> Any:
        """The key widget for `char` (tests tap it)."""
        for row in self.ids.values():
            for child in getattr(row, "children", []):
                if getattr(child, "text", None) == char:
                    return child
        raise KeyError(char)

    def on_key(self, char: str) -> None:
        """Default handler: nothing."""

    def on_backspace(self) -> None:
        """Default handler: nothing."""

    def on_clear(self) -> None:
        """Default handler: nothing."""

    def on_search(self) -> None:
        """Default handler: nothing."""


load_kv(__file__)
