"""Buttons that size themselves to their text settle: the class rule never wraps a self-sized button's text."""

from __future__ import annotations

from typing import Any

import pytest
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from screens import theme  # loads the button rules
from tests.ui.conftest import FONT_PATH
from tests.ui.settle import assert_settled


@pytest.fixture(autouse=True)
def font() -> None:
    """The CJK font the rules name (the App registers it; these tests build no App)."""
    from kivy.core.text import LabelBase

    LabelBase.register(name=theme.FONT_NAME, fn_regular=FONT_PATH)


@pytest.mark.parametrize("kind", ["KioskButton", "QuietButton", "BarButton"])
def test_a_button_whose_width_follows_its_text_settles(window: Any, kind: str) -> None:
    row = BoxLayout(size=(1000, 200), size_hint=(None, None))
    # the pattern that grew forever: a width from the texture, with the class's text_size in force
    button = getattr(Factory, kind)(text="宿州市人民政府办公室 13", size_hint_x=None)
    button.bind(texture_size=lambda b, size: setattr(b, "width", size[0] + dp(16)))
    row.add_widget(button)
    window.add_widget(row)
    try:
        assert_settled(row)
        assert button.text_size == [None, None] or tuple(button.text_size) == (None, None)
        assert button.texture_size[0] + dp(16) == button.width
    finally:
        window.remove_widget(row)


def test_a_button_laid_out_by_its_row_wraps_its_text(window: Any) -> None:
    row = BoxLayout(size=(300, 200), size_hint=(None, None))
    button = Factory.KioskButton(text="按栏目浏览：政府信息公开年度报告")
    row.add_widget(button)
    window.add_widget(row)
    try:
        assert_settled(row)
        assert button.texture_size[0] <= button.width and button.texture_size[1] > button.font_size * 1.5
    finally:
        window.remove_widget(row)
