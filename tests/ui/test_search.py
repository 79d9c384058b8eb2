"""Search: on-screen keys type the query; hits appear after the debounce; a hit opens Document."""

from __future__ import annotations

from typing import Any

from kivy.utils import escape_markup

from screens.search import DEBOUNCE_SECONDS
from tests.ui.conftest import screenshot, tap, wait_until
from tests.ui.fakes import MARKUP_TITLE


def _open_search(app: Any) -> Any:
    tap(app.current_screen.ids.search_bar)
    wait_until(lambda: app.current_screen.name == "search")
    return app.current_screen


def test_pinyin_initials_typed_on_screen_find_and_open_a_document(app: Any, services: Any) -> None:
    search = _open_search(app)
    keyboard = search.ids.keyboard
    searches = lambda: [c for c in services.calls if c[0] == "search"]  # noqa: E731
    search.debounce = 3600  # every key comes within the debounce, however slow the machine
    for char in "czy":
        tap(keyboard.key(char))
    assert search.ids.field.text == "czy"
    assert searches() == []  # debounced: not one search per key
    search.debounce = DEBOUNCE_SECONDS
    tap(keyboard.key("s"))  # the last key: the search runs after it, for the whole query
    wait_until(lambda: searches()[-1:] == [("search", ("czys", 20))] and search.summary == "找到 2 条")
    assert [c[1][0] for c in searches()] == ["czys"]
    screenshot("09-search-results")

    results = search.ids.results
    wait_until(
        lambda: any(r.title == "宿州市2026年市级财政预算执行情况的报告" for r in results.layout_manager.children)
    )
    row = next(r for r in results.layout_manager.children if r.title == "宿州市2026年市级财政预算执行情况的报告")
    tap(row)
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready)
    assert app.current_screen.doc_no == "宿财〔2026〕8号"


def test_backspace_clear_and_zero_results(app: Any) -> None:
    search = _open_search(app)
    keyboard = search.ids.keyboard
    for char in "qqq":
        tap(keyboard.key(char))
    tap(keyboard.ids.key_backspace)
    assert search.ids.field.text == "qq"
    tap(keyboard.ids.key_search)
    wait_until(lambda: search.summary.startswith("没有找到与“qq”相关的信息"))
    screenshot("10-search-nothing")
    tap(keyboard.ids.key_clear)
    assert search.query == ""


def test_chinese_typed_or_pasted_into_the_field_searches(app: Any) -> None:
    search = _open_search(app)
    search.ids.field.text = "拆迁"  # what a paste or an IME commit does
    wait_until(lambda: search.summary == "找到 1 条")
    assert search.ids.results.data[0]["abolished"]


def test_markup_in_content_is_shown_literally(app: Any) -> None:
    search = _open_search(app)
    search.ids.field.text = "color"
    wait_until(lambda: search.summary == "找到 1 条")
    wait_until(lambda: bool(search.ids.results.layout_manager.children))
    row = search.ids.results.layout_manager.children[0]
    title_label = row.children[-1]
    # Markup is on for the highlights, and the title's own brackets are escaped: shown as written.
    assert title_label.markup and "[color=ff0000]" not in title_label.text
    assert title_label.text == escape_markup(MARKUP_TITLE)
    tap(row)
    wait_until(lambda: app.current_screen.name == "document" and app.current_screen.ready)
    doc = app.current_screen
    assert doc.ids.title.text == MARKUP_TITLE and not doc.ids.title.markup
    body = doc.ids.body.children[0]
    assert "[i]标记[/i]" in body.text and not body.markup
    screenshot("11-document-markup-literal")


def test_pinyin_letters_offer_candidates_and_a_tap_enters_the_word(app: Any, services: Any) -> None:
    search = _open_search(app)
    keyboard = search.ids.keyboard
    for char in "caizheng":
        tap(keyboard.key(char))
    wait_until(lambda: search.candidate_words()[:1] == ["财政"])
    assert "财" in search.candidate_words()
    screenshot("11-search-candidates")
    tap(search.candidate("财政"))
    assert search.ids.field.text == "财政"
    wait_until(lambda: search.candidate_words() == [])
    for char in "ys":
        tap(keyboard.key(char))
    wait_until(lambda: search.candidate_words() == ["预算"])
    tap(search.candidate("预算"))
    assert search.ids.field.text == "财政预算"
    wait_until(lambda: search.summary.startswith("找到"))
    assert all("财政预算" in row["title"] for row in search.ids.results.data)


def test_a_candidate_for_the_first_letters_keeps_the_rest(app: Any, services: Any) -> None:
    search = _open_search(app)
    search.ids.field.text = "caizhengyusuan"
    wait_until(lambda: "财政" in search.candidate_words())
    tap(search.candidate("财政"))
    assert search.ids.field.text == "财政yusuan"
    wait_until(lambda: search.candidate_words()[:1] == ["预算"])
    # as an input method does, the letters still being spelt are kept aside: the written word is searched
    searched = lambda: [c[1][0] for c in services.calls if c[0] == "search"]  # noqa: E731
    wait_until(lambda: searched()[-1:] == ["财政"])
    assert "财政yusuan" not in searched()
    tap(search.candidate("预算"))
    assert search.ids.field.text == "财政预算"


def test_filter_chips_narrow_the_hits_and_the_order_can_be_newest_first(app: Any, services: Any) -> None:
    search = _open_search(app)
    search.ids.field.text = "czys"
    wait_until(lambda: search.summary == "找到 2 条" and len(search.filter_chips()) > 1)
    chips = search.filter_chips()
    assert chips[0] == "最新优先" and all("年" in c for c in chips[1:])
    screenshot("13-search-filters")
    year = chips[1].split("年")[0]
    tap(search.filter_chip(chips[1]))
    wait_until(lambda: services.searches[-1][1].year == int(year) and search.filter_chips()[1:] == [f"✕ {chips[1]}"])
    assert all(row["meta"].find(f"{year}年") >= 0 for row in search.ids.results.data)
    tap(search.filter_chip("✕"))
    wait_until(lambda: services.searches[-1][1].year is None and len(search.filter_chips()) == len(chips))
    tap(search.filter_chip("最新优先"))
    wait_until(lambda: services.searches[-1][2] == "date" and search.filter_chips()[0] == "最相关优先")
