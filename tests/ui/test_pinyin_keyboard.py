"""The pinyin keyboard on the real services: candidates come from the cached titles, best first."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.services import Services
from tests.ui.conftest import frame, screenshot, tap, wait_for_workers, wait_until


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def test_keys_pressed_in_the_window_offer_catalogue_words_and_find_them(app: Any, services: Services) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    for char in "suzhou":
        tap(search.ids.keyboard.key(char))
    # The lookup runs in a worker; its answer is on screen the frame after it returns.
    wait_for_workers()
    frame()
    words = search.candidate_words()
    assert words[0] == "宿州", words  # the city's name is in most titles: it comes before 苏州, 速 …
    assert words == [c.word for c in services.candidates("suzhou", len(words))]
    tap(search.candidate("宿州"))
    assert search.ids.field.text == "宿州"
    wait_until(lambda: search.summary.startswith("找到"))
    assert search.ids.results.data and "宿州" in search.ids.results.data[0]["title"]


def test_a_misspelt_word_offers_the_right_one(app: Any, services: Services) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    # 凯 for 开: 公 and 凯, left alone by the cut, read alike as 公开 (gongkai), which the documents hold
    search.ids.field.text = "政府信息公凯"
    wait_until(lambda: search.showing() == "政府信息公开")
    assert search.summary.startswith("没有找到“政府信息公凯”，以下是“政府信息公开”的")
    assert search.ids.results.items and search.ids.field.text == "政府信息公凯"


def test_hits_show_the_searched_words_highlighted_in_title_and_snippet(app: Any, services: Services) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    search.ids.field.text = "年度报告"
    wait_until(lambda: search.summary.startswith("找到") and bool(search.ids.results.layout_manager.children))
    wait_until(lambda: any(r.title_marks for r in search.ids.results.layout_manager.children))
    row = next(r for r in search.ids.results.layout_manager.children if r.title_marks)
    title_label, snippet_label = row.children[-1], row.children[0]
    assert "[b][color=1c4d8c]年度报告[/color][/b]" in title_label.text
    assert row.snippet and snippet_label.height > 0
    screenshot("12-search-highlights")


def test_nothing_found_offers_a_column_to_browse(app: Any, services: Services) -> None:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    search = app.current_screen
    search.ids.field.text = "量子引力养猪"  # no word of it in any item
    wait_until(lambda: search.browse_name != "" and search.actions()[0].startswith("按栏目浏览："))
    assert search.actions() == [f"按栏目浏览：{search.browse_name}", "清空重输", "回到主页"]
    screenshot("10-search-nothing-ways-on")
    tap(search.action("按栏目浏览"))
    wait_until(lambda: app.current_screen.name == "browse" and app.current_screen.ready)
