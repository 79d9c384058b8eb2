"""Home: the six catalogue sections as big tiles, a way to search, the content date."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from content_cache.records import ColumnInfo
from screens.base import KioskScreen, load_kv
from screens.formatting import cn_date, count_text
from screens.navigator import Params
from screens.worker import Task, run_in_worker

# Home of a kiosk whose content has not come yet: the first sync runs, or it failed (staff are told by the log
# and kiosk doctor; the citizen is sent to the desk rather than left waiting).
WAITING = "内容正在更新，请稍后点“重新载入”查看。"
WAITING_FAILED = "暂时无法取得公开信息内容。请到服务台咨询工作人员，或稍后点“重新载入”。"


class SectionTile(ButtonBehavior, BoxLayout):
    """One big tile: a section's name and how many items it holds."""

    code = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")


class HomeServices(Protocol):
    """What Home needs: the sections with their counts, and the content's date."""

    def sections(self) -> list[ColumnInfo]:
        """The six top-level sections, in catalogue order, with counts."""

    def content_updated_on(self) -> date | None:
        """The date of the cached content, shown as 内容更新于 … on Home."""

    def sync_failed(self) -> bool:
        """Whether the last sync failed and none runs now (Home of a kiosk still without content says so)."""


class HomeScreen(KioskScreen):
    """The first screen a visitor sees, and where the kiosk returns when idle."""

    services: HomeServices

    updated_text = StringProperty("")
    notice = StringProperty("正在载入…")
    failed = BooleanProperty(False)  # the sections could not be read: offer 重新载入
    foot_room = NumericProperty(0)  # height kept free at the foot for the last visit's job banner
    can_finish = BooleanProperty(False)  # the visit read or printed: 结束使用 asks for its rating
    __events__ = ("on_finish",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None

    def enter(self, params: Params) -> None:
        """Reload the sections: the nightly sync may have changed the counts."""
        self.ready = False
        self.failed = False
        if self._task is not None:
            self._task.cancel()
        self._task = run_in_worker(self._load, self._show, self._fail)

    def _load(self) -> tuple[list[ColumnInfo], date | None, bool]:
        sections = self.services.sections()
        return sections, self.services.content_updated_on(), not sections and self.services.sync_failed()

    def _show(self, loaded: tuple[list[ColumnInfo], date | None, bool]) -> None:
        sections, updated_on, sync_failed = loaded
        self.updated_text = f"内容更新于 {cn_date(updated_on)}" if updated_on else ""
        grid = self.ids.tiles
        grid.clear_widgets()
        for section in sections:
            tile = SectionTile(code=section.code, title=section.name, count=count_text(section.item_count))
            tile.bind(on_release=self._open_section)
            grid.add_widget(tile)
        # No sections: the cache is new and waits for its first sync (a kiosk without a feed has demo content).
        self.notice = "" if sections else (WAITING_FAILED if sync_failed else WAITING)
        self.failed = not sections  # 重新载入 leads on
        self.ready = True

    def _fail(self, exc: Exception) -> None:
        self.notice = "目录暂时无法载入，请点“重新载入”，或联系工作人员。"
        self.failed = True
        self.ready = True

    def _open_section(self, tile: SectionTile) -> None:
        self.navigator.show("browse", code=tile.code)

    def reload(self) -> None:
        """重新载入: read the sections again."""
        self.notice = "正在载入…"
        self.enter({})

    def open_search(self) -> None:
        """The search bar: open the Search screen."""
        self.navigator.show("search")

    def finish(self) -> None:
        """结束使用: the citizen is done (the App asks for a rating, then makes ready for the next)."""
        self.dispatch("on_finish")

    def on_finish(self) -> None:
        """Fired by 结束使用."""


load_kv(__file__)
