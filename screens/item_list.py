"""A list of items (browse pages, search hits) in a RecycleView.

Only the visible rows exist as widgets, so a column of 10,000 items scrolls
smoothly; `on_near_end` tells the owner to fetch the next page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview import RecycleView

from content_cache.records import WITHDRAWN_VALIDITIES, ItemSummary, Snippet
from screens.base import load_kv
from screens.formatting import item_meta

ROWS_BEFORE_END = 12  # fetch the next page when this many rows remain below


class ItemRow(ButtonBehavior, BoxLayout):
    """One row: the title (two lines at most), then publisher · date · 文号."""

    index_no = StringProperty("")
    title = StringProperty("")
    title_marks = ListProperty([])  # spans of the searched words in the title
    snippet = StringProperty("")  # a search hit's stretch of body, or ""
    snippet_marks = ListProperty([])
    meta = StringProperty("")
    abolished = BooleanProperty(False)
    opener = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        if self.opener is not None:
            self.opener(self.index_no)


class ItemList(RecycleView):
    """Rows of items; fires `on_near_end` when the visitor nears the bottom."""

    __events__ = ("on_near_end",)
    row_height = NumericProperty(168)  # dp; search hits are taller, with a line of body

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(scroll_y=self._check_end, height=self._check_end)

    def set_items(
        self, items: Iterable[ItemSummary], opener: Callable[[str], None], snippets: Sequence[Snippet] = ()
    ) -> None:
        """Replace the rows (search hits with their snippets) and scroll to the top."""
        found = list(snippets)
        self.data = [row_data(item, opener, found[i] if i < len(found) else None) for i, item in enumerate(items)]
        self.scroll_y = 1

    def add_items(self, items: Iterable[ItemSummary], opener: Callable[[str], None]) -> None:
        """Append rows (the next page) without moving the view."""
        self.data.extend(row_data(item, opener) for item in items)

    def clear(self) -> None:
        """No rows."""
        self.data = []
        self.scroll_y = 1

    def _check_end(self, *_args: Any) -> None:
        # Rows have a fixed height, so the content height follows from the data
        # at once; the layout's own height lags a frame behind a new page.
        layout = self.layout_manager
        if layout is None or not self.data:
            return
        content = len(self.data) * (layout.default_size[1] + layout.spacing)
        below = self.scroll_y * max(0.0, content - self.height)
        if below <= ROWS_BEFORE_END * layout.default_size[1]:
            self.dispatch("on_near_end")

    def on_near_end(self) -> None:
        """Default handler: nothing."""


def row_data(item: ItemSummary, opener: Callable[[str], None], snippet: Snippet | None = None) -> dict[str, Any]:
    """The RecycleView data of one row."""
    return {
        "index_no": item.index_no,
        "title": item.title,
        "title_marks": list(snippet.title_marks) if snippet else [],
        "snippet": snippet.text.replace("\n", " ") if snippet else "",
        "snippet_marks": list(snippet.marks) if snippet else [],
        "meta": item_meta(item),
        "abolished": item.validity in WITHDRAWN_VALIDITIES,
        "opener": opener,
    }


load_kv(__file__)
