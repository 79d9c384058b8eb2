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


def test_the_idle_warning_out_of_the_window_waits_and_is_right_when_shown(app: Any) -> None:
    countdown = app.warning.ids.countdown
    assert app.warning.parent is None
    frame()
    before = countdown.font_size
    theme.text.bigger()
    for _ in range(3):
        frame()
    assert countdown.font_size > before
    assert countdown.break_pending or countdown.layout_pending  # nobody sees it: not laid out yet
    app.root.add_widget(app.warning)
    try:
        frame()
        frame()
        assert not countdown.break_pending and not countdown.layout_pending
        assert countdown._label.options["font_size"] == countdown.font_size
        assert countdown.lines and all(
            countdown._label.get_extents(line)[0] <= countdown.width for line in countdown.lines
        )
    finally:
        app.root.remove_widget(app.warning)
        theme.text.reset()
