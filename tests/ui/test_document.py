"""Reading on the real services: the metadata card, the body at every text size, a withdrawn item in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from content_cache.catalogue_layout import leaf_codes
from content_cache.records import ItemSummary
from kiosk.services import Services
from screens import theme
from screens.document import BodyParagraph
from screens.item_list import ItemRow
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def services(real_services: Services) -> Iterator[Services]:
    """The real services (overrides the fake of tests/ui); the next test starts at the standard size."""
    yield real_services
    theme.text.reset()


def _abolished(services: Services) -> ItemSummary:
    for code in leaf_codes():
        for item in services.list_items(code, 0, 100):
            if item.validity == "abolished":
                return item
    raise AssertionError("the demo content holds no abolished item")


def _open(app: Any, index_no: str) -> Any:
    app.navigator.show("document", index_no=index_no)
    doc = app.current_screen
    _laid_out(doc)
    assert doc.index_no == index_no
    return doc


def _laid_out(doc: Any) -> None:
    """Wait until every paragraph has its size (Kivy lays Chinese text out slowly on a busy machine)."""
    wait_until(lambda: doc.ready and not doc.laying_out, timeout=120)


def _paragraphs(doc: Any) -> list[BodyParagraph]:
    return [w for w in doc.ids.body.children if isinstance(w, BodyParagraph)]


def _fits(label: Any) -> bool:
    return label.texture_size[1] <= label.height + 1 and label.texture_size[0] <= label.width + 1


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_a_document_reads_at_every_text_size(app: Any, services: Services, window: Any, size: Any) -> None:
    window.size = size
    frame()
    # the long seed report upright; a short generated notice on its side (the card beside the text)
    index_no = SEED_INDEX_NO if size == PORTRAIT else services.list_items("normative-documents", 0, 1)[0].index_no
    detail = services.item(index_no)
    doc = _open(app, index_no)
    assert doc.title == detail.title and doc.doc_no == (detail.doc_no or "—") and doc.publisher == detail.publisher
    body = "".join(p.text for p in reversed(_paragraphs(doc)))
    assert body == "".join(line.rstrip() for line in detail.body.splitlines())
    name = "portrait" if size == PORTRAIT else "landscape"
    screenshot(f"50-document-{name}")
    nav = doc.children[0].children[-1]
    assert doc.ids.title.font_size == theme.text.row_title
    for step in range(1, len(theme.TEXT_STEPS)):  # the NavBar's A+ drives the body and the card alike
        tap(nav.ids.bigger)
        assert theme.text.step == step and doc.size_step == step
        on_view = [p for p in _paragraphs(doc) if doc._staged.on_view(p)]
        assert on_view and all(p.font_size == theme.text.body for p in on_view)  # what is read changes at once
        code = next(w for w in doc.ids.meta.walk() if getattr(w, "text", None) == detail.index_no)
        wait_until(lambda code=code: len(code.lines) == 1)  # an 索引号 is read whole: smaller on one line, never cut
    _laid_out(doc)
    assert all(p.font_size == theme.text.body for p in _paragraphs(doc))
    meta = doc.ids.meta
    wait_until(lambda: all(_fits(w) for w in meta.walk() if w.__class__.__name__ in ("MetaName", "MetaValue")))
    screenshot(f"51-document-largest-{name}")
    card_view = meta.parent
    _drag_up(card_view)  # the citizen reads the card to its end
    while theme.text.step > 0:  # and back down with the document's own A−
        tap(doc.ids.smaller)
    _laid_out(doc)
    frame()
    # the card fits again: it starts at the top of its place, not under an empty band
    if meta.height <= card_view.height:
        assert meta.to_window(0, meta.top)[1] == pytest.approx(card_view.to_window(0, card_view.top)[1], abs=1)
    assert all(p.font_size == theme.text.body for p in _paragraphs(doc))
    assert doc.ids.smaller.disabled and not doc.ids.bigger.disabled
    # back at the first size, the title is as it opened: larger than the other values, not at their size
    assert doc.ids.title.font_size == theme.text.row_title > doc.ids.validity.font_size == theme.text.meta
    window.size = PORTRAIT


def _drag_up(view: Any) -> None:
    """A finger drags `view`'s content up by its height, in steps, and lifts."""
    from kivy.tests.common import UnitTestTouch

    x, y = view.to_window(*view.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    for step in range(1, 21):
        frame()
        touch.touch_move(x, y + view.height * step / 20)
    touch.touch_up()
    for _ in range(30):
        frame()


def test_a_withdrawn_item_says_so_in_words_in_its_row_and_on_its_page(app: Any, services: Services) -> None:
    item = _abolished(services)
    app.navigator.show("browse", code=item.column_code)
    browse = app.current_screen
    wait_until(lambda: browse.ready)
    items = browse.ids.item_list
    position = next(i for i, r in enumerate(items.items) if r["index_no"] == item.index_no)
    assert items.items[position]["status"] == "已废止"
    items.scroll_y = 1 - position / max(1, len(items.data) - 1)
    wait_until(
        lambda: any(isinstance(r, ItemRow) and r.index_no == item.index_no for r in items.layout_manager.children)
    )
    row = next(r for r in items.layout_manager.children if isinstance(r, ItemRow) and r.index_no == item.index_no)
    assert row.ids.status.text == "已废止" and row.ids.status.width > 0 and row.ids.status.opacity == 1
    assert row.ids.dated.color == list(theme.INK) and row.ids.dated.font_size >= theme.text.meta
    screenshot("52-browse-withdrawn-row")

    doc = _open(app, item.index_no)
    assert doc.abolished and doc.validity.startswith("已废止")
    assert doc.ids.abolished_banner.text == "本文件已废止，仅供查阅参考"
    screenshot("53-document-withdrawn")


def test_a_document_opened_again_starts_at_its_beginning_and_back_keeps_the_place(app: Any, services: Services) -> None:
    doc = _open(app, SEED_INDEX_NO)
    _laid_out(doc)
    doc.ids.scroller.scroll_y = 0.5
    app.navigator.show("print", index_no=SEED_INDEX_NO, title=doc.title)
    app.navigator.back()  # back from the print screen: the place is kept
    assert app.current_screen is doc and doc.ids.scroller.scroll_y == 0.5
    app.navigator.home()
    app.navigator.show("document", index_no=SEED_INDEX_NO)  # opened again: from the top
    assert doc.ids.scroller.scroll_y == 1
