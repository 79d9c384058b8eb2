"""Browse: a column's sub-columns, then its items newest first, a page at a time."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from content_cache.records import ColumnInfo, ItemSummary
from screens import item_list  # noqa: F401  (registers ItemList for the .kv)
from screens.base import KioskScreen, load_kv
from screens.formatting import count_text
from screens.navigator import Params
from screens.worker import Task, run_in_worker

PAGE_SIZE = 50


class SubcolumnTile(ButtonBehavior, BoxLayout):
    """A sub-column: its name and item count."""

    code = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")


class BrowseScreen(KioskScreen):
    """One catalogue column: sub-column tiles above, an endless item list below."""

    code = StringProperty("")
    column_name = StringProperty("")
    count_label = StringProperty("")
    notice = StringProperty("")
    has_subcolumns = BooleanProperty(False)
    has_items = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._parent_code: str | None = None
        self._total = 0
        self._task: Task | None = None
        self._page_task: Task | None = None

    def enter(self, params: Params) -> None:
        """Show the column `params["code"]`; keep the scroll place when it is unchanged."""
        code = str(params["code"])
        if code == self.code and self.ready:
            return
        self.reset()
        self.code = code
        self.notice = "正在载入…"
        self._task = run_in_worker(lambda: self._load(code), self._show, self._fail)

    def reset(self) -> None:
        """Forget the column, its rows and any pending page."""
        for task in (self._task, self._page_task):
            if task is not None:
                task.cancel()
        self._task = self._page_task = None
        self.code = self.column_name = self.count_label = self.notice = ""
        self.has_subcolumns = self.has_items = False
        self._parent_code = None
        self._total = 0
        self.ids.subcolumns.clear_widgets()
        self.ids.item_list.clear()
        self.ready = False

    def _load(self, code: str) -> tuple[ColumnInfo, list[ColumnInfo], int, list[ItemSummary]]:
        services = self.services
        return (
            services.column(code),
            services.subcolumns(code),
            services.count_items(code),
            services.list_items(code, 0, PAGE_SIZE),
        )

    def _show(self, loaded: tuple[ColumnInfo, list[ColumnInfo], int, list[ItemSummary]]) -> None:
        column, subcolumns, total, first_page = loaded
        self._task = None
        self._parent_code = column.parent_code
        self.column_name = column.name
        self._total = total
        self.count_label = count_text(total)
        self._show_subcolumns(subcolumns)
        self.has_items = total > 0
        self.ids.item_list.set_items(first_page, self.open_item)
        self.notice = "" if (total or subcolumns) else "本栏目暂无信息。"
        self.ready = True

    def _show_subcolumns(self, subcolumns: list[ColumnInfo]) -> None:
        grid = self.ids.subcolumns
        for sub in subcolumns:
            tile = SubcolumnTile(code=sub.code, title=sub.name, count=count_text(sub.item_count))
            tile.bind(on_release=self._open_subcolumn)
            grid.add_widget(tile)
        self.has_subcolumns = bool(subcolumns)

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self.notice = "栏目暂时无法载入，请返回后重试。"
        self.ready = True

    def load_more(self) -> None:
        """Fetch the next page when the list nears its end (once at a time)."""
        loaded = len(self.ids.item_list.data)
        if self._page_task is not None or self._task is not None or loaded >= self._total:
            return
        code = self.code
        self._page_task = run_in_worker(
            lambda: self.services.list_items(code, loaded, PAGE_SIZE), self._add_page, self._page_failed
        )

    def _add_page(self, items: list[ItemSummary]) -> None:
        self._page_task = None
        if not items:  # the column shrank under us (a sync): stop asking
            self._total = len(self.ids.item_list.data)
            return
        self.ids.item_list.add_items(items, self.open_item)

    def _page_failed(self, exc: Exception) -> None:
        self._page_task = None

    def _open_subcolumn(self, tile: SubcolumnTile) -> None:
        self.navigator.show("browse", code=tile.code)

    def open_item(self, index_no: str) -> None:
        """A row was tapped: read that document."""
        self.navigator.show("document", index_no=index_no)

    def go_up(self) -> None:
        """The back button: the parent column, or Home for a section."""
        if self._parent_code:
            self.navigator.up_to("browse", code=self._parent_code)
        else:
            self.navigator.home()


load_kv(__file__)
