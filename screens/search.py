"""Search: a query field, an on-screen keyboard, and the hits as you type."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import StringProperty

from content_cache.candidates import Candidate
from content_cache.records import SearchResult
from content_cache.search import Filters, Sort
from screens import item_list  # noqa: F401  (registers ItemList for the .kv)
from screens import keyboard  # noqa: F401  (registers OnScreenKeyboard for the .kv)
from screens.base import KioskScreen, load_kv
from screens.navigator import Params
from screens.worker import Task, run_in_worker

DEBOUNCE_SECONDS = 0.3
RESULT_LIMIT = 50
CANDIDATE_LIMIT = 10
FACET_CHIPS = 3  # values of each facet offered as chips
_PENDING = re.compile("[a-z]+$")
HINT = "可输入汉字、拼音首字母（如 czys）、文号或索引号"


class SearchScreen(KioskScreen):
    """Runs `services.search` in the worker, 0.3 s after the visitor stops typing."""

    query = StringProperty("")
    summary = StringProperty(HINT)
    suggestion = StringProperty("")
    browse_name = StringProperty("")  # nothing found: the column offered for browsing

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None
        self._debounce = Clock.create_trigger(self._search_now, DEBOUNCE_SECONDS)
        self._shown_query: str | None = None
        self._candidate_task: Task | None = None
        self._pending = ""
        self._candidate_buttons: list[Any] = []
        self.filters = Filters()
        self.sort: Sort = "relevance"
        self._browse_code: str | None = None
        self._offered: dict[Any, Candidate] = {}

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
        self.suggestion = ""
        self._offer_column(None)
        self.filters = Filters()
        self.sort = "relevance"
        self.ids.filters.clear_widgets()
        self._show_candidates([])

    # typing

    def on_field_text(self, text: str) -> None:
        """The field changed (on-screen keys, a physical keyboard or a paste)."""
        self.query = text
        self._debounce()
        self._ask_candidates(text)

    # pinyin candidates

    def _ask_candidates(self, text: str) -> None:
        """Look up the words the letters at the end of the field may stand for."""
        match = _PENDING.search(text.lower())
        pending = match.group(0) if match else ""
        if pending == self._pending:
            return
        self._pending = pending
        if self._candidate_task is not None:
            self._candidate_task.cancel()
            self._candidate_task = None
        if not pending:
            self._show_candidates([])
            return
        self._candidate_task = run_in_worker(
            lambda: self.services.candidates(pending, CANDIDATE_LIMIT), self._show_candidates, self._no_candidates
        )

    def _show_candidates(self, found: list[Candidate]) -> None:
        """Show the words on the pooled buttons: a key press must not wait for new widgets."""
        self._candidate_task = None
        bar = self.ids.candidates
        bar.clear_widgets()
        while len(self._candidate_buttons) < min(len(found), CANDIDATE_LIMIT):
            button = Factory.CandidateButton()
            button.bind(on_release=lambda b: self.pick(self._offered[b]))
            self._candidate_buttons.append(button)
        self._offered = {}
        for button, candidate in zip(self._candidate_buttons, found[:CANDIDATE_LIMIT], strict=False):
            button.text = candidate.word
            self._offered[button] = candidate
            bar.add_widget(button)

    def _no_candidates(self, exc: Exception) -> None:
        self._show_candidates([])

    def candidate_words(self) -> list[str]:
        """The words offered now, in order (tests read them)."""
        return [button.text for button in reversed(self.ids.candidates.children)]

    def candidate(self, word: str) -> Any:
        """The button offering `word` (tests tap it)."""
        return next(b for b in self.ids.candidates.children if b.text == word)

    def pick(self, candidate: Candidate) -> None:
        """A candidate was tapped: it replaces the letters it stands for."""
        field = self.ids.field
        text = field.text
        match = _PENDING.search(text.lower())
        pending = match.group(0) if match else ""
        kept = text[: len(text) - len(pending)]
        field.text = kept + candidate.word + text[len(text) - len(pending) + candidate.covers :]
        field.cursor = (len(field.text), 0)

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

    # filters and order

    def toggle_filter(self, name: str, value: str) -> None:
        """A filter chip was tapped: narrow to that value, or widen again when it was on."""
        current = getattr(self.filters, name)
        wanted = None if current is not None and str(current) == value else (int(value) if name == "year" else value)
        self.filters = replace(self.filters, **{name: wanted})
        self._search_again()

    def toggle_sort(self) -> None:
        """最新优先 / 最相关优先."""
        self.sort = "relevance" if self.sort == "date" else "date"
        self._search_again()

    def _search_again(self) -> None:
        self._shown_query = None
        self._debounce.cancel()
        self._search_now()

    def _show_filters(self, result: SearchResult) -> None:
        """Chips: the filters that are on (tap to remove), then the commonest values of each facet."""
        bar = self.ids.filters
        bar.clear_widgets()
        if result.total == 0 and not self.filters:
            return
        order = Factory.FilterChip(text="最新优先" if self.sort == "relevance" else "最相关优先")
        order.bind(on_release=lambda _b: self.toggle_sort())
        bar.add_widget(order)
        for name, values in result.facets.items():
            active = getattr(self.filters, name)
            shown = [f for f in values if str(active) == f.value] if active is not None else list(values[:FACET_CHIPS])
            for facet in shown:
                mark = "✕ " if active is not None else ""
                chip = Factory.FilterChip(text=f"{mark}{facet.label} {facet.count:,}", active=active is not None)
                chip.bind(on_release=lambda _b, n=name, v=facet.value: self.toggle_filter(n, v))
                bar.add_widget(chip)

    def filter_chips(self) -> list[str]:
        """The chips shown now, in order (tests read them)."""
        return [chip.text for chip in reversed(self.ids.filters.children)]

    def filter_chip(self, starts: str) -> Any:
        """The chip whose text starts with `starts` (tests tap it)."""
        return next(chip for chip in self.ids.filters.children if chip.text.startswith(starts))

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
        filters, sort = self.filters, self.sort
        self._task = run_in_worker(
            lambda: self.services.search(query, RESULT_LIMIT, filters=filters, sort=sort, facets=True),
            self._show,
            self._fail,
        )

    def _show(self, result: SearchResult) -> None:
        self._task = None
        self._shown_query = result.query.strip()
        self.ids.results.set_items(result.hits, self.open_item, result.snippets)
        self._show_filters(result)
        self.suggestion = result.suggestions[0] if result.total == 0 and result.suggestions else ""
        self._offer_column(result.browse if result.total == 0 and not self.suggestion else None)
        if result.total == 0:
            self.summary = f"没有找到与“{result.query}”相关的信息。请换个词，或回到主页按栏目浏览。"
        elif result.more:
            self.summary = f"找到 {result.total:,} 条以上，先显示标题含有该词的最新 {len(result.hits)} 条"
        elif result.total > len(result.hits):
            best = "最新" if self.sort == "date" else "最相关"
            self.summary = f"找到 {result.total:,} 条，显示{best}的 {len(result.hits)} 条"
        else:
            self.summary = f"找到 {result.total:,} 条"

    def _offer_column(self, code: str | None) -> None:
        self.browse_name = ""
        self._browse_code = code
        if code is not None:
            run_in_worker(lambda: self.services.column(code), self._show_column, lambda _exc: None)

    def _show_column(self, column: Any) -> None:
        if column.code == self._browse_code:
            self.browse_name = column.name

    def try_suggestion(self) -> None:
        """The suggested query (or the offered column) was tapped: search for it (or browse it)."""
        if self.suggestion:
            self.ids.field.text = self.suggestion
            self.suggestion = ""
        elif self.browse_name and self._browse_code:
            self.navigator.show("browse", code=self._browse_code)

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self._shown_query = None
        self.summary = "搜索暂时不可用，请稍后再试或按栏目浏览。"

    def open_item(self, index_no: str) -> None:
        """A hit was tapped: read that document."""
        self.navigator.show("document", index_no=index_no)


load_kv(__file__)
