"""Home on the real services: six section tiles in catalogue order with counts, the content date, search, text size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.services import Services
from screens import theme
from screens.formatting import cn_date, count_text
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until


@pytest.fixture
def services(real_services: Services) -> Iterator[Services]:
    """The real services (overrides the fake of tests/ui); the next test starts at the standard size."""
    yield real_services
    theme.text.reset()


def _nav(screen: Any) -> Any:
    return screen.children[0].children[-1]  # the NavBar at the top of the Paper


def _fits(label: Any) -> bool:
    return label.texture_size[1] <= label.height + 1 and label.texture_size[0] <= label.width + 1


def test_home_shows_six_sections_in_order_and_the_content_date(app: Any, services: Services) -> None:
    home = app.current_screen
    tiles = list(reversed(home.ids.tiles.children))
    sections = services.sections()
    assert [t.title for t in tiles] == [s.name for s in sections]
    assert [t.count for t in tiles] == [count_text(s.item_count) for s in sections]
    assert home.ids.updated.text == f"内容更新于 {cn_date(services.content_updated_on())}"
    nav = _nav(home)
    assert not nav.navigation and nav.ids.bigger.opacity == 1  # no 返回 or 主页 on Home, but the text size
    screenshot("01-home-portrait")


def test_search_bar_opens_search(app: Any) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_home_and_a_section_hold_at_every_text_size(app: Any, window: Any, size: Any) -> None:
    window.size = size
    frame()
    home = app.current_screen
    name = "portrait" if size == PORTRAIT else "landscape"
    for step in range(1, len(theme.TEXT_STEPS)):
        tap(_nav(home).ids.bigger)
        assert theme.text.step == step
    tiles = list(home.ids.tiles.children)
    wait_until(lambda: all(_fits(label) for tile in tiles for label in tile.children))
    assert home.ids.search_bar.font_size == theme.text.button
    screenshot(f"02-home-largest-{name}")

    tap(next(t for t in tiles if t.title == "政府信息公开目录"))
    assert app.current_screen.name == "browse"  # at the release, not a moment later
    browse = app.current_screen
    wait_until(lambda: browse.ready and browse.has_subcolumns)
    subs = list(browse.ids.subcolumns.children)
    wait_until(lambda: all(_fits(label) for tile in subs for label in tile.children))
    screenshot(f"03-section-largest-{name}")
    scroller = browse.ids.subcolumn_scroller
    scroller.scroll_y = 0  # the last sub-column can be reached
    last = subs[0]
    wait_until(lambda: last.to_window(*last.pos)[1] >= scroller.to_window(*scroller.pos)[1] - 1)
    tap(last)
    assert app.current_screen is browse and browse.code == last.code
    wait_until(lambda: browse.ready)
    window.size = PORTRAIT
