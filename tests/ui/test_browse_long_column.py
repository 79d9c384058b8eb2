"""A long column on the real services: pages with 更多 to the end, years, 回到顶部, taps that answer at once.

The cache holds the seed report and 2,000 generated items, so a column holds
about eighty: three pages of thirty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import build_services, ensure_content
from kiosk.config import load_config
from kiosk.services import Services
from screens import theme
from screens.browse import PAGE_SIZE
from screens.item_list import ItemRow, ListFooter
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until

COLUMN = "normative-documents"
DEMO_ITEMS = 2000


@pytest.fixture
def services(kiosk_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The real services over a cache with the seed report and 2,000 generated items."""
    monkeypatch.setenv("KIOSK_CONTENT_DEMO_COUNT", str(DEMO_ITEMS))
    config = load_config()
    built = build_services(config)
    ensure_content(built.content, config)
    yield built
    built.close()
    theme.text.reset()


def _tile(container: Any, title: str) -> Any:
    return next(t for t in container.children if t.title == title)


def _rows(items: Any) -> list[ItemRow]:
    return [r for r in items.layout_manager.children if isinstance(r, ItemRow)]


def _footer(items: Any) -> ListFooter:
    """Scroll to the end of the list and return its footer row."""
    items.scroll_y = 0
    wait_until(lambda: any(isinstance(w, ListFooter) for w in items.layout_manager.children))
    footer = next(w for w in items.layout_manager.children if isinstance(w, ListFooter))
    wait_until(lambda: _on_view(footer.ids.top, items))
    return footer


def _on_view(widget: Any, view: Any) -> bool:
    """`widget` lies wholly inside `view`, in window coordinates."""
    x, y = widget.to_window(*widget.pos)
    vx, vy = view.to_window(*view.pos)
    return vy - 1 <= y and y + widget.height <= vy + view.height + 1


def _open_column(app: Any) -> Any:
    tap(_tile(app.current_screen.ids.tiles, "政府信息公开目录"))
    wait_until(lambda: app.current_screen.name == "browse" and app.current_screen.ready)
    browse = app.current_screen
    tap(_tile(browse.ids.subcolumns, "政府规范性文件"))
    wait_until(lambda: browse.ready and browse.column_name == "政府规范性文件")
    return browse


def test_a_long_column_pages_to_its_end_filters_by_year_and_goes_back_to_the_top(app: Any, services: Services) -> None:
    total = services.count_items(COLUMN)
    assert total > 2 * PAGE_SIZE
    browse = _open_column(app)
    items = browse.ids.item_list
    assert len(items.items) == PAGE_SIZE and browse.count_label == f"共 {total:,} 条"
    screenshot("40-browse-long-column")

    shown = PAGE_SIZE
    while shown < total:  # 更多 at the end of the list, until everything is shown
        footer = _footer(items)
        assert footer.text == f"已显示 {shown:,} / {total:,} 条" and not footer.ids.more.disabled
        tap(footer.ids.more)
        first_new, shown = shown, min(total, shown + PAGE_SIZE)
        wait_until(lambda shown=shown: len(items.items) == shown)
        # the citizen reads on from the first new row: it is at the top of the view, not scrolled past
        new_index = items.items[first_new]["index_no"]
        wait_until(
            lambda new_index=new_index: any(r.index_no == new_index and _on_view(r, items) for r in _rows(items))
        )
        top_row = max(_rows(items), key=lambda r: r.to_window(*r.pos)[1] if _on_view(r, items) else -1e9)
        assert top_row.index_no == new_index or items.scroll_y <= 1e-3  # else a short last page: the list's end
    footer = _footer(items)
    assert footer.text == f"已显示全部 {total:,} 条" and footer.ids.more.disabled and footer.ids.more.opacity == 0
    assert [r["index_no"] for r in items.items] == [i.index_no for i in services.list_items(COLUMN, 0, total)]
    screenshot("41-browse-end-marker")

    tap(footer.ids.top)  # 回到顶部
    wait_until(lambda: items.items[0]["index_no"] in [r.index_no for r in _rows(items)])
    assert items.scroll_y == pytest.approx(1, abs=1e-3)

    years = services.year_counts(COLUMN)
    assert len(years) >= 2
    chips = list(reversed(browse.ids.years.children))
    assert [c.text for c in chips] == [f"全部  {total:,}"] + [f"{y}年  {n:,}" for y, n in years]
    year, count = years[1]
    tap(chips[2])
    wait_until(lambda: browse.ready and browse.year == year)
    assert chips[2].chosen and not chips[0].chosen
    assert browse.count_label == f"{year}年 共 {count:,} 条"
    assert len(items.items) == min(count, PAGE_SIZE)
    assert all(r["dated"].startswith(f"{year}年") for r in items.items)
    screenshot("42-browse-one-year")

    tap(chips[0])  # 全部
    wait_until(lambda: browse.ready and browse.year == 0 and len(items.items) == PAGE_SIZE)
    assert browse.count_label == f"共 {total:,} 条"


def test_rows_show_press_at_once_and_a_tap_opens_the_document_on_release(app: Any, services: Services) -> None:
    from kivy.tests.common import UnitTestTouch

    browse = _open_column(app)
    items = browse.ids.item_list
    frame()
    row = next(r for r in _rows(items) if r.index_no == items.items[0]["index_no"])
    touch = UnitTestTouch(*row.to_window(*row.center))
    touch.touch_down()
    frame()
    assert row.state == "down"  # pressed from the first frame, not after the scroll timeout
    assert app.current_screen is browse  # the tap fires on release, as a button's does
    touch.touch_up()
    assert app.current_screen.name == "document"  # in the same frame as the release
    doc = app.current_screen
    wait_until(lambda: doc.ready and doc.title)
    assert doc.index_no == row.index_no or doc.index_no == items.items[0]["index_no"]


def test_a_flick_on_the_list_scrolls_and_opens_nothing(app: Any, services: Services) -> None:
    from kivy.tests.common import UnitTestTouch

    browse = _open_column(app)
    items = browse.ids.item_list
    frame()
    row = _rows(items)[0]
    x, y = row.to_window(*row.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frame()
    for step in range(1, 8):
        touch.touch_move(x, y + step * 40)
        frame()
    touch.touch_up()
    for _ in range(5):
        frame()
    assert app.current_screen is browse
    assert all(r.state == "normal" for r in _rows(items))


def _no_clipped_rows(items: Any) -> None:
    for row in _rows(items):
        for label in (row.ids.dated, row.ids.publisher):
            assert label.texture_size[1] <= label.height + 1


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_text_size_step_on_browse_and_document(app: Any, services: Services, window: Any, size: Any) -> None:
    window.size = size
    browse = _open_column(app)
    items = browse.ids.item_list
    nav = browse.children[0].children[-1]  # the NavBar at the top of the Paper
    steps = len(theme.TEXT_STEPS)
    for step in range(1, steps):
        tap(nav.ids.bigger)
        assert theme.text.step == step
        wait_until(lambda: bool(_rows(items)) and _rows(items)[0].height == pytest.approx(items.row_px))
        _no_clipped_rows(items)
    assert nav.ids.bigger.disabled
    screenshot(f"43-browse-largest-{'portrait' if size == PORTRAIT else 'landscape'}")

    items.scroll_to_top()
    first = items.items[0]["index_no"]
    wait_until(lambda: any(r.index_no == first and _on_view(r, items) for r in _rows(items)))
    tap(next(r for r in _rows(items) if r.index_no == first))
    doc = app.current_screen
    wait_until(lambda: doc.name == "document" and doc.ready and not doc.laying_out)
    body = [w for w in doc.ids.body.children if w.__class__.__name__ == "BodyParagraph"]
    assert all(p.font_size == theme.text.body for p in body)
    screenshot(f"44-document-largest-{'portrait' if size == PORTRAIT else 'landscape'}")
    for step in reversed(range(steps - 1)):  # the document's own A− is the same global step
        tap(doc.ids.smaller)
        assert theme.text.step == step
        wait_until(lambda: not doc.laying_out)
        assert all(p.font_size == theme.text.body for p in body)
    assert doc.ids.smaller.disabled and theme.text.step == 0
    tap(doc.ids.bigger)
    assert theme.text.step == 1
    window.size = PORTRAIT


def _row_report(items: Any) -> list[tuple[int, str, list[str]]]:
    """(row height, the full title, the title's lines as drawn) of each row in view."""
    frame()
    frame()
    out = []
    for row in _rows(items):
        if _on_view(row, items):
            drawn = [line.words[0].text if line.words else "" for line in row.ids.title._label._cached_lines]
            out.append((round(row.height), row.title, drawn))
    return out


def _nav_button(screen: Any, name: str) -> Any:
    from screens.base import NavBar

    nav = next(w for w in screen.walk(restrict=True) if isinstance(w, NavBar))
    return nav.ids[name]


def test_long_titles_keep_two_lines_at_every_text_size_and_rows_come_back_to_their_height(
    app: Any, services: Services
) -> None:
    browse = _open_column(app)
    items = browse.ids.item_list
    before = _row_report(items)
    assert before
    for step in range(1, 4):
        tap(_nav_button(browse, "bigger"))
        wait_until(lambda step=step: theme.text.step == step)
        report = _row_report(items)
        for _height, title, drawn in report:
            shown = "".join(line.strip() for line in drawn)
            if shown == title.replace(" ", ""):
                continue  # whole
            assert len(drawn) == 2 and drawn[1].endswith("…"), (step, title, drawn)  # cut: two lines and "…"
            assert title.replace(" ", "").startswith(shown.removesuffix("…")), (step, title, drawn)
    for _ in range(3):
        tap(_nav_button(browse, "smaller"))
    wait_until(lambda: theme.text.step == 0)
    after = _row_report(items)
    assert [h for h, _, _ in after] == [h for h, _, _ in before]
