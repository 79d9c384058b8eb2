"""A text-size step lays out the shown screen's labels at once and the others' when they are entered."""

from __future__ import annotations

from typing import Any

from screens import theme
from tests.ui.conftest import frame, wait_until


def test_labels_on_a_screen_away_wait_for_it_and_are_right_when_it_is_shown(app: Any) -> None:
    search = app.manager.get_screen("search")
    key = search.ids.keyboard.key("a")
    frame()
    before = key.texture_size[:]
    theme.text.bigger()
    for _ in range(3):
        frame()
    assert key.layout_pending and key.texture_size == before  # nobody sees it: not laid out yet
    home_label = app.current_screen.ids.search_bar
    assert not home_label.layout_pending  # the shown screen's own labels are laid out at once
    app.navigator.show("search")
    wait_until(lambda: app.current_screen.name == "search")
    frame()
    assert not key.layout_pending and key.texture_size[1] > before[1]  # laid out as its screen was entered
    theme.text.reset()
