"""Home: six section tiles in catalogue order with counts, the content date, the way to search."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import screenshot, tap, wait_until
from tests.ui.fakes import SECTIONS


def test_home_shows_six_sections_in_order_and_the_content_date(app: Any) -> None:
    home = app.current_screen
    tiles = list(reversed(home.ids.tiles.children))
    assert [t.title for t in tiles] == [name for _, name in SECTIONS]
    assert tiles[1].count == "共 10,005 条"
    assert home.ids.updated.text == "内容更新于 2026年11月1日"
    screenshot("01-home-portrait")


def test_search_bar_opens_search(app: Any) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
