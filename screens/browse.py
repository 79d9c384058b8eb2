"""Browse: a column's sub-columns, its years, then its items newest first, a page at a time.

A page is `PAGE_SIZE` rows; the list ends with 更多 for the next page, or with
已显示全部 N 条 when everything is shown, and 回到顶部. Year chips (the years
that have items, with their counts) narrow the list to one year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from content_cache.records import ColumnInfo, ItemSummary
from screens import item_list  # noqa: F401  (registers ItemList for the .kv)
from screens.base import KioskScreen, load_kv
from screens.formatting import count_text
from screens.navigator import Params
from screens.touch import QuickTapScrollView  # noqa: F401  (used in the .kv)
from screens.worker import Task, run_in_worker

PAGE_SIZE = 30
ALL_YEARS = 0  # the chip that shows every year


class SubcolumnTile(ButtonBehavior, BoxLayout):
    """A sub-column: its name and item count."""

    code = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")


class YearChip(ButtonBehavior, Label):
    """One year of the column (or 全部) with its item count; the chosen one is filled."""

    year = NumericProperty(ALL_YEARS)
    chosen = BooleanProperty(False)


@dataclass(frozen=True, slots=True)
class ColumnView:
    """What Browse shows of a column when it opens."""

    column: ColumnInfo
    subcolumns: list[ColumnInfo]
    years: list[tuple[int, int]]
    total: int
    first_page: list[ItemSummary]


def load_column(services: BrowseServices, code: str) -> ColumnView:
    """Everything Browse shows first, in one call from the worker."""
    return ColumnView(
        services.column(code),
        services.subcolumns(code),
        services.year_counts(code),
        services.count_items(code),
        services.list_items(code, 0, PAGE_SIZE),
    )


class BrowseServices(Protocol):
    """What Browse needs: a column, its sub-columns, years and a page of its items."""

    def column(self, code: str) -> ColumnInfo:
        """One column by code; raises KeyError when unknown."""

    def subcolumns(self, code: str) -> list[ColumnInfo]:
        """The sub-columns of a column, in catalogue order (may be empty)."""

    def count_items(self, column_code: str, year: int | None = None) -> int:
        """How many items a column holds directly (published in `year`, when given)."""

    def year_counts(self, column_code: str) -> list[tuple[int, int]]:
        """The years of a column's own items, newest first, each with how many it holds."""

    def list_items(self, column_code: str, offset: int, limit: int, year: int | None = None) -> list[ItemSummary]:
        """A page of a column's items (of one year, when given), newest first."""


class BrowseScreen(KioskScreen):
    """One catalogue column: sub-column tiles, year chips, a paged item list."""

    services: BrowseServices

    code = StringProperty("")
    column_name = StringProperty("")
    count_label = StringProperty("")
    notice = StringProperty("")
    has_subcolumns = BooleanProperty(False)
    has_items = BooleanProperty(False)
    year = NumericProperty(ALL_YEARS)
    total = NumericProperty(0)  # items in the list as filtered now

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._all_total = 0
        self._task: Task | None = None
        self._page_task: Task | None = None

    def enter(self, params: Params) -> None:
        """Show the column `params["code"]`; keep the year and the scroll place when it is unchanged."""
        code = str(params["code"])
        if code == self.code and self.ready:
            return
        self.reset()
        self.code = code
        self.notice = "正在载入…"
        self._task = run_in_worker(lambda: load_column(self.services, code), self._show, self._fail)

    def reset(self) -> None:
        """Forget the column, its rows and any pending page."""
        self._cancel()
        self.code = self.column_name = self.count_label = self.notice = ""
        self.has_subcolumns = self.has_items = False
        self.year = ALL_YEARS
        self.total = self._all_total = 0
        self.ids.subcolumns.clear_widgets()
        self.ids.years.clear_widgets()
        self.ids.item_list.clear()
        self.ready = False

    def _cancel(self) -> None:
        for task in (self._task, self._page_task):
            if task is not None:
                task.cancel()
        self._task = self._page_task = None

    def _show(self, view: ColumnView) -> None:
        self._task = None
        self.column_name = view.column.name
        self._all_total = view.total
        self._show_subcolumns(view.subcolumns)
        self._show_years(view.years)
        self.has_items = view.total > 0
        self._show_list(view.total, view.first_page)
        self.notice = "" if (view.total or view.subcolumns) else "本栏目暂无信息，请返回选择其他栏目。"
        self.ready = True

    def _show_subcolumns(self, subcolumns: list[ColumnInfo]) -> None:
        grid = self.ids.subcolumns
        for sub in subcolumns:
            tile = SubcolumnTile(code=sub.code, title=sub.name, count=count_text(sub.item_count))
            tile.bind(on_release=self._open_subcolumn)
            grid.add_widget(tile)
        self.has_subcolumns = bool(subcolumns)

    def _show_years(self, years: list[tuple[int, int]]) -> None:
        """A chip per year with items, after 全部; none when the items are all of one year."""
        box = self.ids.years
        box.clear_widgets()
        if len(years) < 2:
            return
        chips = [YearChip(year=ALL_YEARS, text=f"全部  {sum(n for _, n in years):,}", chosen=True)]
        chips += [YearChip(year=y, text=f"{y}年  {n:,}") for y, n in years]
        for chip in chips:
            chip.bind(on_release=lambda c: self.choose_year(int(c.year)))
            box.add_widget(chip)

    def _show_list(self, total: int, first_page: list[ItemSummary]) -> None:
        self.total = total
        prefix = f"{int(self.year)}年 " if self.year else ""
        self.count_label = f"{prefix}{count_text(total)}" if total else ""
        self.ids.item_list.set_items(first_page, self.open_item)
        self._update_footer()

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self.notice = "栏目暂时无法载入，请返回后重试。"
        self.ready = True

    # years and pages

    def choose_year(self, year: int) -> None:
        """A year chip (or 全部) was tapped: the list shows that year's items from the top."""
        if self._task is not None or year == self.year:
            return
        self._cancel()
        self.year = year
        for chip in self.ids.years.children:
            chip.chosen = int(chip.year) == year
        code, chosen = self.code, year or None
        self.ready = False
        self._task = run_in_worker(
            lambda: (self.services.count_items(code, chosen), self.services.list_items(code, 0, PAGE_SIZE, chosen)),
            self._show_year,
            self._fail,
        )

    def _show_year(self, loaded: tuple[int, list[ItemSummary]]) -> None:
        self._task = None
        self._show_list(*loaded)
        self.ready = True

    def load_more(self) -> None:
        """更多: fetch the next page and add it at the end of the list."""
        shown = len(self.ids.item_list.items)
        if self._page_task is not None or self._task is not None or shown >= self.total:
            return
        code, year = self.code, int(self.year) or None
        self._page_task = run_in_worker(
            lambda: self.services.list_items(code, shown, PAGE_SIZE, year), self._add_page, self._page_failed
        )

    def _add_page(self, items: list[ItemSummary]) -> None:
        self._page_task = None
        rows = self.ids.item_list
        first_new = len(rows.items)
        if not items:  # the column shrank under us (a sync): what is shown is all there is
            self.total = len(rows.items)
        rows.add_items(items, self.open_item)
        self._update_footer()
        if items:  # the citizen reads on from the first new row, not from the end of the list
            rows.show_row(first_new)

    def _page_failed(self, exc: Exception) -> None:
        self._page_task = None
        self.ids.item_list.set_footer("下一页暂时无法载入，请再试一次。", "再试一次", self.load_more)

    def _update_footer(self) -> None:
        shown, total = len(self.ids.item_list.items), int(self.total)
        if not total:
            return
        if shown >= total:
            self.ids.item_list.set_footer(f"已显示全部 {total:,} 条")
        else:
            more = f"更多（再显示 {min(PAGE_SIZE, total - shown)} 条）"
            self.ids.item_list.set_footer(f"已显示 {shown:,} / {total:,} 条", more, self.load_more)

    def scroll_to_top(self) -> None:
        """回到顶部."""
        self.ids.item_list.scroll_to_top()

    # navigation

    def _open_subcolumn(self, tile: SubcolumnTile) -> None:
        self.navigator.show("browse", code=tile.code)

    def open_item(self, index_no: str) -> None:
        """A row was tapped: read that document."""
        self.navigator.show("document", index_no=index_no)


load_kv(__file__)
