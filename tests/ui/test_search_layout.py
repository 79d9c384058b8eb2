"""The search screen on the real services, in both orientations: type, pick, filter, page to the end.

After every touch the layout settles (no widget moves between two frames),
the touch targets neither overlap nor leave the window, and the top bar stays
uncovered; at every text size too.
"""

from __future__ import annotations

from typing import Any

import pytest

from content_cache.records import Filters
from kiosk.services import Services
from screens import theme
from screens.search import PAGE_SIZE
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_for_workers, wait_until
from tests.ui.settle import assert_no_overlap, assert_settled, in_list

ORIENTATIONS = pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


@pytest.fixture(autouse=True)
def standard_text() -> Any:
    """Each test starts, and leaves the next, at the standard text size."""
    theme.text.reset()
    yield
    theme.text.reset()


def _open_search(app: Any, window: Any, size: tuple[int, int]) -> Any:
    window.size = size
    frame()
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    return app.current_screen


def _whole(label: Any) -> bool:
    """The label's text fits its width unshortened."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=label.text, font_size=label.font_size, font_name=label.font_name)
    core.refresh()
    return core.content_width <= label.width + 0.5


def _check(app: Any, search: Any, size: tuple[int, int]) -> None:
    """Settled, nothing overlapping, the line under the hits whole, and the bar above everything else."""
    wait_for_workers()
    assert_settled(app.root)
    assert_no_overlap(search, size)
    assert _whole(search.ids.pager_label), search.pager_text
    bar = search.children[0].children[-1]
    below = search.children[0].children[0]
    assert bar.y >= below.top - 0.5 and bar.top == size[1]
    for child in below.walk(restrict=True):
        if child.opacity > 0 and child.height > 0 and not in_list(child):
            assert child.to_window(*child.pos)[1] + child.height <= bar.y + 0.5, child


@ORIENTATIONS
def test_type_pick_filter_and_page_to_the_end_settles(app: Any, window: Any, size: tuple[int, int]) -> None:
    name = "portrait" if size == PORTRAIT else "landscape"
    search = _open_search(app, window, size)
    for char in "suzhou":
        tap(search.ids.keyboard.key(char))
    wait_until(lambda: "宿州" in search.candidate_words())
    _check(app, search, size)
    screenshot(f"40-search-{name}-candidates")

    tap(search.candidate("宿州"))
    wait_until(lambda: search.showing() == "宿州" and len(search.filter_chips()) > 1)
    total = int(search.summary.split()[1].replace(",", ""))
    assert total > PAGE_SIZE and len(search.ids.results.data) == PAGE_SIZE
    assert search.pager_text == f"已显示 {PAGE_SIZE} / {total} 条" and search.can_load_more
    _check(app, search, size)
    assert search.ids.filters.height <= 2 * search.filter_chip("最新优先").height + 8 + 0.5  # two lines at most
    screenshot(f"41-search-{name}-hits")

    year_chip = next(chip for chip in search.filter_chips() if "年 " in chip)
    tap(search.filter_chip(year_chip))
    wait_until(lambda: search.filter_chips()[1:2] == [f"✕ {year_chip}"])
    narrowed = int(year_chip.split()[-1])
    assert len(search.ids.results.data) == min(narrowed, PAGE_SIZE)
    _check(app, search, size)
    tap(search.filter_chip("✕"))
    wait_until(lambda: not search.filter_chips()[1].startswith("✕") and search.summary.startswith(f"找到 {total} 条"))
    tap(search.filter_chip("最新优先"))
    wait_until(lambda: search.filter_chips()[0] == "最相关优先" and search.summary.endswith("最新的在前"))
    _check(app, search, size)

    pages = 1
    while search.can_load_more:
        tap(search.ids.more)
        wait_until(lambda: not search.paging)
        pages += 1
        _check(app, search, size)
    shown = [row["index_no"] for row in search.ids.results.data]
    assert pages == -(-total // PAGE_SIZE) and len(shown) == len(set(shown)) == total
    assert search.pager_text == f"已显示全部 {total} 条"
    assert search.ids.results.scroll_y < 1  # the first row of the new page was brought up
    screenshot(f"42-search-{name}-end")
    tap(search.ids.to_top)
    wait_until(lambda: search.ids.results.scroll_y == 1)
    _check(app, search, size)


@ORIENTATIONS
def test_every_text_size_lays_out_without_overlap(app: Any, window: Any, size: tuple[int, int]) -> None:
    name = "portrait" if size == PORTRAIT else "landscape"
    search = _open_search(app, window, size)
    search.ids.field.text = "宿州"
    wait_until(lambda: search.showing() == "宿州" and len(search.filter_chips()) > 1)
    for step in range(len(theme.TEXT_STEPS)):
        theme.text.step = step
        _check(app, search, size)
        assert all(chip.font_size == theme.text.meta for chip in search.ids.filters.children)
    screenshot(f"43-search-{name}-largest-text")
    search.ids.field.text = "宿州ch"  # candidates for the letters at the end, at the largest size
    wait_until(lambda: bool(search.candidate_words()))
    _check(app, search, size)
    screenshot(f"44-search-{name}-largest-candidates")


@ORIENTATIONS
def test_the_empty_screen_offers_searches_to_tap_in_both_orientations(
    app: Any, window: Any, services: Services, size: tuple[int, int]
) -> None:
    name = "portrait" if size == PORTRAIT else "landscape"
    search = _open_search(app, window, size)
    wait_until(lambda: len(search.suggestion_labels()) >= 6)
    offered = search.suggested()
    assert {s.way for s in offered} == {"常用搜索", "拼音首字母", "文号", "索引号"}
    assert search.suggestion_labels() == [s.label for s in offered]
    _check(app, search, size)
    screenshot(f"46-search-{name}-suggested")
    for suggestion in offered:  # each finds something, however it is typed
        assert services.search(suggestion.query, 5).total > 0, suggestion
    example = next(s for s in offered if s.way == "拼音首字母")
    tap(search.suggestion_button(example.label))
    wait_until(lambda: search.ids.field.text == example.query)  # a scrolling view hands the tap on after a moment
    wait_until(lambda: search.summary.startswith("找到"))
    _check(app, search, size)


@ORIENTATIONS
def test_nothing_found_leads_on_in_both_orientations(app: Any, window: Any, size: tuple[int, int]) -> None:
    name = "portrait" if size == PORTRAIT else "landscape"
    search = _open_search(app, window, size)
    search.ids.field.text = "量子引力养猪"
    wait_until(lambda: search.actions()[:1] and search.actions()[0].startswith("按栏目浏览："))
    assert search.actions()[1:] == ["清空重输", "回到主页"]
    _check(app, search, size)
    screenshot(f"45-search-{name}-nothing")
    tap(search.action("清空重输"))
    wait_until(lambda: search.ids.field.text == "" and search.actions() == [])
    assert search.suggestion_labels() == [s.label for s in search.suggested()]
    search.ids.field.text = "量子引力养猪"
    wait_until(lambda: bool(search.actions()))
    assert search.actions()[0].startswith("按栏目浏览：")  # in one go: no button moves under a finger
    tap(search.action("回到主页"))
    wait_until(lambda: app.current_screen.name == "home")


def test_a_failed_search_offers_to_try_again(
    app: Any, window: Any, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = _open_search(app, window, PORTRAIT)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("disk I/O error")

    real = services.search
    monkeypatch.setattr(services, "search", broken)
    search.ids.field.text = "宿州"
    wait_until(lambda: search.actions() == ["再试一次", "回到主页"])
    assert "error" not in search.summary and search.summary.startswith("搜索暂时不可用")
    _check(app, search, PORTRAIT)
    monkeypatch.setattr(services, "search", real)
    tap(search.action("再试一次"))
    wait_until(lambda: search.summary.startswith("找到") and search.actions() == [])


def _press_shows(app: Any, target: Any, shot: str = "") -> None:
    """Down: within one frame the target looks pressed; up: it looks as before."""
    from kivy.tests.common import UnitTestTouch

    assert_settled(app.root)
    normal = (tuple(target.background_color), tuple(target.color))
    touch = UnitTestTouch(*target.to_window(*target.center))
    touch.touch_down()
    frame()
    assert target.state == "down" and (tuple(target.background_color), tuple(target.color)) != normal, target.text
    if shot:
        screenshot(shot)
    touch.touch_up()
    wait_until(lambda: target.state == "normal")  # a press shorter than Kivy's min_state_time ends a moment later
    assert (tuple(target.background_color), tuple(target.color)) == normal
    wait_for_workers()


def test_keys_candidates_and_chips_show_the_press_at_once(app: Any, window: Any) -> None:
    search = _open_search(app, window, PORTRAIT)
    search.ids.field.text = "宿州"
    wait_until(lambda: search.showing() == "宿州" and len(search.filter_chips()) > 1)
    _press_shows(app, search.filter_chip("最新优先"))
    wait_until(lambda: search.showing() == "宿州")
    _press_shows(app, search.filter_chip(search.filter_chips()[1]))
    search.ids.field.text = ""
    _press_shows(app, search.ids.keyboard.key("z"), "46-search-key-pressed")
    _press_shows(app, search.ids.keyboard.ids.key_search)
    wait_until(lambda: bool(search.candidate_words()))
    _press_shows(app, search.candidate(search.candidate_words()[0]))
    assert search.ids.field.text and search.ids.field.text != "z"


def test_words_not_all_found_together_show_what_holds_most_of_them(app: Any, window: Any) -> None:
    # 年度报告养猪, typed without a space: no item holds both words, so the items with 年度报告 come, said so
    search = _open_search(app, window, PORTRAIT)
    search.ids.field.text = "年度报告养猪"
    wait_until(lambda: search.showing() == "年度报告养猪" and search.summary.startswith("未找到含全部字词的信息"))
    assert search.ids.results.items and all("年度报告" in row["title"] for row in search.ids.results.items)
    _check(app, search, PORTRAIT)


def test_a_misspelling_that_finds_nothing_shows_the_respelt_words_hits(app: Any, window: Any) -> None:
    # 公基金 reads as 公积金 (gongjijin), which the synonym list knows and the demo's titles hold
    search = _open_search(app, window, PORTRAIT)
    search.ids.field.text = "公基金"
    wait_until(lambda: search.showing() == "公积金")
    assert search.summary.startswith("没有找到“公基金”，以下是“公积金”的")
    assert search.ids.results.items and search.ids.field.text == "公基金"
    _check(app, search, PORTRAIT)


def test_clearing_the_query_turns_its_filters_off(app: Any, window: Any) -> None:
    search = _open_search(app, window, PORTRAIT)
    search.ids.field.text = "财政"
    wait_until(lambda: search.showing() == "财政" and bool(search.ids.filters.children))
    chip = next(
        c for c in reversed(search.ids.filters.children) if c.text[:4].isdigit() and "年" in c.text
    )  # a year chip, not 政府信息公开年度报告
    tap(chip)
    wait_until(lambda: search.filters.year is not None and search.showing() == "财政")
    search.clear()
    assert search.filters == Filters() and search.ids.field.text == ""


@ORIENTATIONS
def test_an_index_number_is_typed_on_the_keys_and_finds_its_document(
    app: Any, window: Any, size: tuple[int, int]
) -> None:
    search = _open_search(app, window, size)
    keyboard = search.ids.keyboard
    for char in "003232741/2008-00001":
        tap(keyboard.key(char))
    wait_until(lambda: search.showing() == "003232741/2008-00001")
    assert [row["index_no"] for row in search.ids.results.items] == ["003232741/2008-00001"]
    _check(app, search, size)
    window.size = PORTRAIT
