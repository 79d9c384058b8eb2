"""A list of items (browse pages, search hits) in a RecycleView.

Only the visible rows exist as widgets, so a long list scrolls smoothly. A
row shows the title, then 发布日期 · 文号 and 发布机构 in readable type, and
says 已废止 / 已失效 in words. The owner may end the list with a footer row
(`set_footer`): a 更多 button for the next page, or the end marker, and 回到顶部.
Rows grow with the visitor's text size (`theme.text`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview import RecycleView

from content_cache.records import VALIDITY_LABELS, WITHDRAWN_VALIDITIES, ItemSummary, Snippet
from screens import theme
from screens.base import load_kv
from screens.formatting import cn_date, item_meta
from screens.touch import QuickTap

ROWS_BEFORE_END = 12  # fire `on_near_end` when this many rows remain below
LINE = 1.3  # a line's height as a multiple of its font size
TITLE_LINE = 1.45  # the CJK font's lines are taller than 1.3: a title line that falls short is dropped
ROW_PADDING = dp(16)
FOOTER = "ListFooter"


class ItemRow(ButtonBehavior, BoxLayout):
    """One row: the title (two lines at most), 发布日期 · 文号, 发布机构, and a search hit's snippet."""

    index_no = StringProperty("")
    title = StringProperty("")
    title_marks = ListProperty([])  # spans of the searched words in the title
    snippet = StringProperty("")  # a search hit's stretch of body, or ""
    snippet_marks = ListProperty([])
    meta = StringProperty("")  # the whole second line, as one string (publisher · date · 文号 · validity)
    dated = StringProperty("")  # 发布日期 · 文号
    publisher = StringProperty("")
    status = StringProperty("")  # 已废止 / 已失效 / 已修订, in words; "" when in force
    abolished = BooleanProperty(False)
    opener = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        if self.opener is not None:
            self.opener(self.index_no)


class ListFooter(BoxLayout):
    """The end of a list: how much is shown, 更多 for the next page, 回到顶部."""

    index_no = StringProperty("")  # no item: code that looks rows up by 索引号 passes the footer by
    text = StringProperty("")
    more_text = StringProperty("")  # "" when there is nothing more to show
    more_action = ObjectProperty(None, allownone=True)
    top_action = ObjectProperty(None, allownone=True)


class ItemList(QuickTap, RecycleView):
    """Rows of items; fires `on_near_end` when the visitor nears the bottom."""

    __events__ = ("on_near_end",)
    row_height = NumericProperty(168)  # dp at the standard text size; search hits are taller
    row_px = NumericProperty(0)  # a row's height now, for the text size in force
    footer_px = NumericProperty(0)
    has_snippets = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._footer: dict[str, Any] | None = None
        self.bind(scroll_y=self._check_end, height=self._check_end)
        self.bind(row_height=self._resize, has_snippets=self._resize)
        theme.text.bind(scale=self._resize)
        self._resize()

    # rows

    @property
    def items(self) -> list[dict[str, Any]]:
        """The item rows' data (the footer left out)."""
        return [row for row in self.data if row.get("viewclass") != FOOTER]

    def set_items(
        self, items: Iterable[ItemSummary], opener: Callable[[str], None], snippets: Sequence[Snippet] = ()
    ) -> None:
        """Replace the rows (search hits with their snippets) and scroll to the top."""
        found = list(snippets)
        rows = [row_data(item, opener, found[i] if i < len(found) else None) for i, item in enumerate(items)]
        self.has_snippets = any(row["snippet"] for row in rows)
        self._footer = None
        self.data = rows
        self.scroll_y = 1.0

    def add_items(self, items: Iterable[ItemSummary], opener: Callable[[str], None]) -> None:
        """Append rows (the next page) before the footer, without moving the view."""
        rows = self.items + [row_data(item, opener) for item in items]
        self.data = rows + ([self._footer] if self._footer else [])

    def set_footer(self, text: str, more_text: str = "", on_more: Callable[[], None] | None = None) -> None:
        """End the list with `text`, a 更多 button when `more_text` is given, and 回到顶部."""
        self._footer = {
            "viewclass": FOOTER,
            "text": text,
            "more_text": more_text,
            "more_action": on_more,
            "top_action": self.scroll_to_top,
            "height": self.footer_px,
        }
        self.data = self.items + [self._footer]

    def clear(self) -> None:
        """No rows."""
        self._footer = None
        self.data = []
        self.scroll_y = 1.0

    def show_row(self, index: int) -> None:
        """Bring row `index` to the top of the view (the first row of a page just added)."""
        layout = self.layout_manager
        if layout is None or not self.data:
            return
        step = self.row_px + layout.spacing
        content = len(self.items) * step + (self.footer_px + layout.spacing if self._footer else 0)
        hidden = content - self.height
        if self.effect_y is not None:
            self.effect_y.cancel()
        self.scroll_y = 1.0 if hidden <= 0 else max(0.0, 1.0 - index * step / hidden)

    def scroll_to_top(self) -> None:
        """回到顶部: the first row at the top, at once."""
        self.scroll_y = 1.0
        if self.effect_y is not None:
            self.effect_y.cancel()  # a fling in progress must not carry the list away again
        self.scroll_y = 1

    def _resize(self, *_args: Any) -> None:
        text = theme.text
        title = 2 * text.row_title * TITLE_LINE
        meta = 2 * text.meta * LINE + (text.meta * LINE if self.has_snippets else 0)
        natural = title + meta + 2 * ROW_PADDING + dp(8)
        self.row_px = max(dp(self.row_height) * text.scale, natural)
        self.footer_px = text.meta * LINE + theme.TOUCH_HEIGHT * max(1.0, text.scale) + dp(48)
        if self._footer is not None:
            self._footer["height"] = self.footer_px
            self.refresh_from_data()

    def _check_end(self, *_args: Any) -> None:
        # Rows have one height, so the content height follows from the data at
        # once; the layout's own height lags a frame behind a new page.
        layout = self.layout_manager
        if layout is None or not self.data:
            return
        content = len(self.data) * (self.row_px + layout.spacing)
        below = self.scroll_y * max(0.0, content - self.height)
        if below <= ROWS_BEFORE_END * self.row_px:
            self.dispatch("on_near_end")

    def on_near_end(self) -> None:
        """Default handler: nothing."""


def status_words(validity: str) -> str:
    """已废止 / 已失效 / 已修订 for an item no longer as published; "" for one in force."""
    if validity == "valid":
        return ""
    label = VALIDITY_LABELS.get(validity, "")
    return label if label.startswith("已") else f"已{label}"


def row_data(item: ItemSummary, opener: Callable[[str], None], snippet: Snippet | None = None) -> dict[str, Any]:
    """The RecycleView data of one row."""
    dated = cn_date(item.published_on) + (f"  ·  {item.doc_no}" if item.doc_no else "")
    return {
        "index_no": item.index_no,
        "title": item.title,
        "title_marks": list(snippet.title_marks) if snippet else [],
        "snippet": snippet.text.replace("\n", " ") if snippet else "",
        "snippet_marks": list(snippet.marks) if snippet else [],
        "meta": item_meta(item),
        "dated": dated,
        "publisher": item.publisher,
        "status": status_words(item.validity),
        "abolished": item.validity in WITHDRAWN_VALIDITIES,
        "opener": opener,
    }


load_kv(__file__)
