"""Search: a query field, an on-screen keyboard, and the hits as you type."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from content_cache.records import SearchResult
from screens import item_list  # noqa: F401  (registers ItemList for the .kv)
from screens import keyboard  # noqa: F401  (registers OnScreenKeyboard for the .kv)
from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.worker import Task, run_in_worker

DEBOUNCE_SECONDS = 0.3
RESULT_LIMIT = 50
HINT = "可输入汉字、拼音首字母（如 czys）、文号或索引号"


class SearchScreen(KioskScreen):
    """Runs `services.search` in the worker, 0.3 s after the visitor stops typing."""

    query = StringProperty("")
    summary = StringProperty(HINT)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None
        self._debounce = Clock.create_trigger(self._search_now, DEBOUNCE_SECONDS)
        self._shown_query: str | None = None

    def enter(self, params: Params) -> None:
        """Keep the visitor's query and hits when coming back from a document."""
        self.ready = True

    def reset(self) -> None:
        """Forget the query and the hits."""
        self._debounce.cancel()
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.ids.field.text = ""
        self.query = ""
        self._shown_query = None
        self.ids.results.clear()
        self.summary = HINT

    # typing

    def on_field_text(self, text: str) -> None:
        """The field changed (on-screen keys, a physical keyboard or a paste)."""
        self.query = text
        self._debounce()

    def type_key(self, char: str) -> None:
        """An on-screen key: insert at the cursor."""
        self.ids.field.insert_text(char)

    def backspace(self) -> None:
        """退格: delete the character before the cursor."""
        self.ids.field.do_backspace()

    def clear(self) -> None:
        """清空: an empty query."""
        self.ids.field.text = ""

    def search_now(self) -> None:
        """搜索 (or Enter): search without waiting for the debounce."""
        self._debounce.cancel()
        self._search_now()

    # searching

    def _search_now(self, *_args: Any) -> None:
        query = self.query.strip()
        if query == self._shown_query:
            return
        if self._task is not None:
            self._task.cancel()
        if not query:
            self._task = None
            self._shown_query = None
            self.ids.results.clear()
            self.summary = HINT
            return
        self.summary = "正在搜索…"
        self._task = run_in_worker(
            lambda: self.services.search(query, RESULT_LIMIT), self._show, self._fail
        )

    def _show(self, result: SearchResult) -> None:
        self._task = None
        self._shown_query = result.query.strip()
        self.ids.results.set_items(result.hits, self.open_item)
        if result.total == 0:
            self.summary = f"没有找到与“{result.query}”相关的信息。请换个词，或回到主页按栏目浏览。"
        elif result.total > len(result.hits):
            self.summary = f"找到 {result.total:,} 条，显示最新的 {len(result.hits)} 条"
        else:
            self.summary = f"找到 {result.total:,} 条"

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self._shown_query = None
        self.summary = "搜索暂时不可用，请稍后再试或按栏目浏览。"

    def open_item(self, index_no: str) -> None:
        """A hit was tapped: read that document."""
        self.navigator.show("document", index_no=index_no)


load_kv(__file__)
