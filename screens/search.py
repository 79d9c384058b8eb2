"""Search: a query field, an on-screen keyboard, and the hits as you type, a page at a time."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty

from content_cache.handwriting import Recognised, Stroke
from content_cache.records import Candidate, ColumnInfo, Facet, Filters, SearchResult, Sort, Suggestion
from screens import (
    chip_rows,  # noqa: F401  (registers ChipRows for the .kv)
    keyboard,  # noqa: F401  (registers OnScreenKeyboard for the .kv)
)
from screens.base import KioskScreen, load_kv
from screens.debounce import Debounce
from screens.handwriting import Points
from screens.item_list import row_data
from screens.navigator import Params
from screens.worker import Task, run_in_worker

DEBOUNCE_SECONDS = 0.3
PAGE_SIZE = 20  # hits per page: 更多结果 brings the next
CANDIDATE_LIMIT = 10
FACET_CHIPS = 3  # values of each facet offered as chips
FACET_ORDER = ("column", "publisher", "year", "genre", "validity")
_PENDING = re.compile("[a-z]+$")
_WRITTEN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")  # a Chinese character: the field holds written words
HINT = "可输入汉字、拼音首字母（如 czys）、文号或索引号"
OFFER = "试试："  # a way on that searches another query
BROWSE_OFFER = "按栏目浏览："
COMMON_SEARCHES = "常用搜索"
MAX_OFFERS = 2  # the respelt query and the query with a word fewer


class SearchServices(Protocol):
    """What Search needs: the search itself, pinyin candidates and a column's name."""

    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        facets: bool = False,
        offset: int = 0,
    ) -> SearchResult:
        """Characters, 文号, 索引号, publisher or pinyin, narrowed by filters; never raises on odd input.

        `offset` skips that many hits of the same order (the next page); `total` stays that of the whole query.
        """

    def candidates(self, letters: str, limit: int = 10) -> list[Candidate]:
        """Words of the catalogue that typed pinyin letters may stand for, best first."""

    def column(self, code: str) -> ColumnInfo:
        """One column by code; raises KeyError when unknown."""

    def prepare_search(self) -> None:
        """Load what understanding a query needs (its segmenter and the common words' pinyin, about 2 s once),
        so the first search is quick."""

    def handwriting_ready(self) -> bool:
        """Whether the handwriting recogniser and its model load: the 手写 tab is offered only then."""

    def recognise(self, strokes: Sequence[Stroke], width: float, height: float, before: str) -> Recognised:
        """The characters the strokes may be, best first, knowing the query so far."""

    def next_words(self, before: str) -> list[str]:
        """Words that begin with the query's last character (财 → 财政, 财务)."""

    def suggested_searches(self) -> list[Suggestion]:
        """What the empty search screen offers to tap: the room's common searches, then an example of each way."""


class SearchScreen(KioskScreen):
    """Runs `services.search` in the worker, `debounce` (0.3 s) after the visitor's last key."""

    services: SearchServices

    query = StringProperty("")
    summary = StringProperty(HINT)
    suggestion = StringProperty("")
    browse_name = StringProperty("")  # nothing found: the column offered for browsing
    pager_text = StringProperty("")  # 已显示 20 / 共 41 条, 已显示全部 41 条
    can_load_more = BooleanProperty(False)
    paging = BooleanProperty(False)  # the next page is on its way
    debounce = NumericProperty(DEBOUNCE_SECONDS)  # s after the last key before the search runs
    input_mode = OptionProperty("pinyin", options=["pinyin", "handwriting"])  # kept for the visit
    handwriting_ready = BooleanProperty(False)  # the recogniser loads: the 手写 tab is shown
    suggesting = BooleanProperty(False)  # the empty screen shows its searches to tap
    __events__ = ("on_searched",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._task: Task | None = None
        self._debounce = Debounce(self._search_now, self.debounce)
        self._shown_query: str | None = None
        self._candidate_task: Task | None = None
        self._pending = ""
        self._candidate_buttons: list[Any] = []
        self.filters = Filters()
        self.sort: Sort = "relevance"
        self._browse_code: str | None = None
        self._suggestions: list[str] = []
        self._prepared = False
        self._offered: dict[Any, Candidate] = {}
        self._total = 0
        self._broad = False
        self._failed = False
        self._written_task: Task | None = None
        self._written_buttons: list[Any] = []
        self._written: dict[Any, str] = {}  # button → the text it adds to the query
        self._suggested: list[Suggestion] | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)
        # ids are weak: the one of the two out of the tree is kept here
        self.keys, self.pad = self.ids.keyboard.__self__, self.ids.pad.__self__
        self.ids.input_area.remove_widget(self.pad)  # the pinyin keys first; the pad is swapped in

    def enter(self, params: Params) -> None:
        """Keep the visitor's query and hits when coming back from a document; ready the query segmenter."""
        self.ready = True
        if not self._prepared:  # while the visitor types the first letters
            self._prepared = True
            run_in_worker(self.services.prepare_search, lambda _done: None, self._prepare_failed)
            run_in_worker(self.services.handwriting_ready, self._set_handwriting_ready, self._no_handwriting)
        if not self.query:
            self._offer_suggestions()

    def on_leave(self, *_args: Any) -> None:
        """Ink is for the character being written now: it does not wait on the pad while the visitor reads."""
        self._cancel_written()
        if self.pad.written:
            self.pad.clear()
            self._offer_next_words()

    def _set_handwriting_ready(self, ready: bool) -> None:
        self.handwriting_ready = ready
        if not ready:
            self.set_input_mode("pinyin")

    def _no_handwriting(self, _exc: Exception) -> None:
        self._set_handwriting_ready(False)

    def _prepare_failed(self, _exc: Exception) -> None:
        self._prepared = False  # the next visit tries again; a search loads it anyway

    def reset(self) -> None:
        """Forget the query and the hits."""
        self._debounce.cancel()
        self._cancel_task()
        self.ids.field.text = ""
        self.query = ""
        self._shown_query = None
        self.ids.results.clear()
        self.summary = HINT
        self.suggestion, self._suggestions = "", []
        self._offer_column(None)
        self.filters = Filters()
        self.sort = "relevance"
        self.ids.filters.show([])
        self._show_candidates([])
        self._set_pager(0, 0, False)
        self._show_actions([])
        self._hide_suggestions()
        self.pad.clear()  # a character left half-written goes with the visitor
        self.set_input_mode("pinyin")
        self._suggested = None

    def _cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self.paging = False

    # typing

    def on_debounce(self, _screen: Any, seconds: float) -> None:
        self._debounce.seconds = seconds

    def on_field_text(self, text: str) -> None:
        """The field changed (on-screen keys, a physical keyboard or a paste)."""
        self.query = text
        if text.strip() and self.suggesting:
            self._hide_suggestions()  # the first key: the hits' place is kept for the hits
        self._debounce()
        self._ask_candidates(text)

    # pinyin candidates

    def _ask_candidates(self, text: str) -> None:
        """Look up the words the letters at the end of the field may stand for."""
        if self.input_mode == "handwriting":
            return  # the pad offers its own candidates
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
        while len(self._candidate_buttons) < min(len(found), CANDIDATE_LIMIT):
            button = Factory.CandidateButton()
            button.bind(on_release=lambda b: self.pick(self._offered[b]))
            self._candidate_buttons.append(button)
        self._offered = {}
        for button, candidate in zip(self._candidate_buttons, found[:CANDIDATE_LIMIT], strict=False):
            button.text = candidate.word
            self._offered[button] = candidate
        self.ids.candidates.show(list(self._offered))

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

    # handwriting

    def set_input_mode(self, mode: str) -> None:
        """拼音 / 手写: the pinyin keys or the pad, in the same place; the candidates start afresh."""
        if mode == "handwriting" and not self.handwriting_ready:
            mode = "pinyin"
        area, keys, pad = self.ids.input_area, self.keys, self.pad
        shown, hidden = (pad, keys) if mode == "handwriting" else (keys, pad)
        if shown.parent is None:
            area.remove_widget(hidden)
            area.add_widget(shown)
        if mode == self.input_mode:
            return
        self.input_mode = mode
        self._cancel_written()
        pad.clear()
        self._pending = ""
        self._show_candidates([])
        if mode == "handwriting":
            self._offer_next_words()
        else:
            self._ask_candidates(self.ids.field.text)

    def recognise(self, strokes: list[Points]) -> None:
        """A stroke ended: recognise the character so far off the UI thread and offer its candidates."""
        self._cancel_written()
        if not strokes:  # the last stroke rubbed out: what follows the query again
            self._offer_next_words()
            return
        area = self.pad.ids.area
        width, height, before = area.width, area.height, self.ids.field.text
        self._written_task = run_in_worker(
            lambda: self.services.recognise(strokes, width, height, before), self._show_recognised, self._unrecognised
        )

    def _show_recognised(self, found: Recognised) -> None:
        self._written_task = None
        if not self.pad.written:
            return  # rubbed out while it was recognised
        self.pad.status = "请再写一次" if found.unsure else ""  # its candidates stay: one may still be right
        self._offer_written([(char, char) for char in found.chars])

    def _unrecognised(self, _exc: Exception) -> None:
        self._written_task = None
        self.pad.status = "请再写一次"
        self._offer_written([])

    def _offer_next_words(self) -> None:
        """After a character: the words that begin with it, offered to finish the word in one tap."""
        before = self.ids.field.text
        if not before:
            self._offer_written([])
            return
        self._written_task = run_in_worker(
            lambda: self.services.next_words(before),
            lambda words: self._show_next_words(before, words),
            lambda _exc: self._offer_written([]),
        )

    def _show_next_words(self, before: str, words: list[str]) -> None:
        self._written_task = None
        if self.ids.field.text == before and not self.pad.written:
            self._offer_written([(word, word[1:]) for word in words if word[:1] == before[-1:]])

    def _offer_written(self, offers: list[tuple[str, str]]) -> None:
        """Show (label, text it adds) on the pooled buttons, the best first."""
        while len(self._written_buttons) < min(len(offers), CANDIDATE_LIMIT):
            button = Factory.WrittenButton()
            button.bind(on_release=lambda b: self.pick_written(self._written[b]))
            self._written_buttons.append(button)
        self._written = {}
        for button, (label, adds) in zip(self._written_buttons, offers[:CANDIDATE_LIMIT], strict=False):
            button.text = label
            self._written[button] = adds
        self.ids.candidates.show(list(self._written))

    @property
    def offered(self) -> dict[Any, str]:
        """The pad's candidates now (a new dict each time they are offered: benchmarks watch for it)."""
        return self._written

    def pick_written(self, adds: str) -> None:
        """A candidate of the pad was tapped: its text joins the query, the pad clears for the next character."""
        self._cancel_written()
        self.pad.clear()
        field = self.ids.field
        field.text += adds
        field.cursor = (len(field.text), 0)
        self._offer_next_words()

    def rewrite(self) -> None:
        """重写: the character being written is rubbed out; the query stays."""
        self._cancel_written()
        self._offer_next_words()

    def _cancel_written(self) -> None:
        if self._written_task is not None:
            self._written_task.cancel()
            self._written_task = None

    def type_key(self, char: str) -> None:
        """An on-screen key: insert at the cursor."""
        self.ids.field.insert_text(char)

    def backspace(self) -> None:
        """退格: delete the character before the cursor (on the pad: the last character of the query)."""
        if self.input_mode == "handwriting":
            field = self.ids.field
            field.cursor = (len(field.text), 0)
            field.do_backspace()
            self.pad.clear()
            self._cancel_written()
            self._offer_next_words()
            return
        self.ids.field.do_backspace()

    def clear(self) -> None:
        """清空: an empty query, and no filter left on (a new query must not be narrowed by one no longer shown)."""
        self.filters = Filters()
        self.ids.field.text = ""
        self.search_now()  # the results and their chips go with the tap, not a debounce later
        if self.input_mode == "handwriting":  # and a clean pad, with nothing to follow
            self._cancel_written()
            self.pad.clear()
            self._offer_written([])

    def search_now(self) -> None:
        """搜索 (or Enter): search without waiting for the debounce."""
        self._debounce.cancel()
        self._search_now()

    # filters and order

    def toggle_filter(self, name: str, value: str) -> None:
        """A filter chip was tapped: narrow to that value, or widen again when it was on."""
        current = getattr(self.filters, name)
        wanted = None if current is not None and str(current) == value else (int(value) if name == "year" else value)
        change: dict[str, Any] = {name: wanted}  # the field's own type: the year a number, the others text
        self.filters = replace(self.filters, **change)
        self._search_again()

    def toggle_sort(self) -> None:
        """最新优先 / 最相关优先."""
        self.sort = "relevance" if self.sort == "date" else "date"
        self._search_again()

    def clear_filters(self) -> None:
        """清除筛选: every filter off."""
        self.filters = Filters()
        self._search_again()

    def _search_again(self) -> None:
        self._shown_query = None
        self._debounce.cancel()
        self._search_now()

    def _show_filters(self, result: SearchResult) -> None:
        """Chips: the order, the filters that are on (tap to remove), then the commonest values of each facet."""
        if result.total == 0 and not self.filters:
            self.ids.filters.show([])
            return
        order = Factory.FilterChip(text="最新优先" if self.sort == "relevance" else "最相关优先")
        order.bind(on_release=lambda _b: self.toggle_sort())
        active = [(name, f) for name, values in _facets(result) for f in values if _is_on(self.filters, name, f)]
        offered = [
            (name, f)
            for name, f in _round_robin(result)
            if getattr(self.filters, name) is None and f.count < result.total
        ]  # a value every hit shares narrows nothing
        chips = [order] + [self._chip(name, f, True) for name, f in active]
        self.ids.filters.show(chips + [self._chip(name, f, False) for name, f in offered])

    def _chip(self, name: str, facet: Facet, active: bool) -> Any:
        mark = "✕ " if active else ""
        chip = Factory.FilterChip(text=f"{mark}{facet.label} {facet.count:,}", active=active)
        chip.bind(on_release=lambda _b: self.toggle_filter(name, facet.value))
        return chip

    def filter_chips(self) -> list[str]:
        """The chips shown now, in order (tests read them)."""
        return [chip.text for chip in reversed(self.ids.filters.children)]

    def filter_chip(self, starts: str) -> Any:
        """The chip whose text starts with `starts` (tests tap it)."""
        return next(chip for chip in reversed(self.ids.filters.children) if chip.text.startswith(starts))

    # searching

    def _search_now(self, *_args: Any) -> None:
        query = _written_part(self.query).strip()
        if query == self._shown_query:
            return
        self._cancel_task()
        if not query:
            self._shown_query = None
            self.ids.results.clear()
            self.summary = HINT
            self.suggestion, self._suggestions = "", []
            self._offer_column(None)
            self.ids.filters.show([])
            self._set_pager(0, 0, False)
            self._show_actions([])
            self._offer_suggestions()
            return
        self._hide_suggestions()
        self.summary = "正在搜索…"
        filters, sort = self.filters, self.sort
        self._task = run_in_worker(
            lambda: self.services.search(query, PAGE_SIZE, filters=filters, sort=sort, facets=True),
            self._show,
            self._fail,
        )

    def _show(self, result: SearchResult) -> None:
        self._task = None
        self._failed = False
        self._shown_query = result.query.strip()
        self.ids.results.set_items(result.hits, self.open_item, result.snippets)
        self._show_filters(result)
        self._suggestions = list(result.suggestions[:MAX_OFFERS])
        self.suggestion = self._suggestions[0] if self._suggestions else ""
        self._offer_column(result.browse if result.total == 0 else None)
        self.summary = self._summary(result)
        self._set_pager(len(result.hits), result.total, result.more)
        # with a column to offer, the buttons wait for its name: they must not move under a finger
        self._show_actions([] if self._browse_code else self._ways_on())
        self.dispatch("on_searched", result.respelt_from or result.query, result.total)

    def on_searched(self, query: str, hits: int) -> None:
        """Fired when a query's first page is shown, with how many items it found (the App counts searches)."""

    def showing(self) -> str | None:
        """The query whose hits are on screen (tests wait for it)."""
        return self._shown_query if self._task is None else None

    def _summary(self, result: SearchResult) -> str:
        if result.total == 0:
            return f"没有找到与“{result.query}”相关的信息。"
        if result.respelt_from:
            return f"没有找到“{result.respelt_from}”，以下是“{result.query}”的 {result.total:,} 条结果"
        if result.partial:
            return f"未找到含全部字词的信息，以下 {result.total:,} 条含部分字词"
        if result.more:
            return f"找到 {result.total:,} 条以上，最新的在前；加字词或点筛选可缩小范围"
        return f"找到 {result.total:,} 条" + ("，最新的在前" if self.sort == "date" else "")

    # pages

    def load_more(self) -> None:
        """更多结果: the next page of the same query, filters and order, below the rows shown."""
        if self._task is not None or not self.can_load_more or self._shown_query is None:
            return
        query, filters, sort, offset = self._shown_query, self.filters, self.sort, len(self.ids.results.data)
        self.paging = True
        self._task = run_in_worker(
            lambda: self.services.search(query, PAGE_SIZE, filters=filters, sort=sort, offset=offset),
            self._show_page,
            self._page_failed,
        )

    def _show_page(self, result: SearchResult) -> None:
        self._task = None
        self.paging = False
        results = self.ids.results
        first_new = len(results.data)
        found = list(result.snippets)
        results.data.extend(
            row_data(item, self.open_item, found[i] if i < len(found) else None) for i, item in enumerate(result.hits)
        )
        ended = len(result.hits) < PAGE_SIZE
        self._set_pager(len(results.data), self._total, self._broad, ended)
        Clock.schedule_once(lambda _dt: self._scroll_to_row(first_new))

    def _page_failed(self, exc: Exception) -> None:
        self._task = None
        self.paging = False
        self.pager_text = "下一页暂时载入不了，请再点一次“更多结果”"

    def _set_pager(self, shown: int, total: int, broad: bool, ended: bool = False) -> None:
        """The line under the hits, and whether 更多结果 has more to bring."""
        self._total, self._broad = total, broad
        self.can_load_more = shown > 0 and shown < total and not ended
        if shown == 0:
            self.pager_text = ""
        elif self.can_load_more:
            self.pager_text = f"已显示 {shown:,} / {total:,}{'+' if broad else ''} 条"
        elif broad:
            self.pager_text = f"已显示最新 {shown:,} 条"
        else:
            self.pager_text = f"已显示全部 {shown:,} 条"

    def _scroll_to_row(self, row: int) -> None:
        """Bring a row to the top of the list (the first of a new page)."""
        results = self.ids.results
        layout = results.layout_manager
        if layout is None or not results.data:
            return
        step = layout.default_size[1] + layout.spacing
        hidden = len(results.data) * step - results.height
        results.scroll_y = 1.0 if hidden <= 0 else max(0.0, 1.0 - row * step / hidden)

    def to_top(self) -> None:
        """回到顶部."""
        self.ids.results.scroll_y = 1

    # the ways on from nothing found

    def _ways_on(self) -> list[tuple[str, Callable[[], None]]]:
        """The buttons under an empty or failed search: each leads somewhere."""
        if self._failed:
            return [("再试一次", self.retry), ("回到主页", self.go_home)]
        if self._shown_query is None:
            return []
        # each offer of its own: the respelt query, the query with a word fewer, the column to browse
        offers: list[tuple[str, Callable[[], None]]] = [
            (f"{OFFER}{query}", partial(self._try_query, query)) for query in self._suggestions
        ]
        if self._total > 0:  # hits holding part of the query: the offers only
            return offers
        ways: list[tuple[str, Callable[[], None]]] = offers
        if self.browse_name:
            ways.append((f"{BROWSE_OFFER}{self.browse_name}", self.browse_offered))
        if self.filters:
            ways.append(("清除筛选", self.clear_filters))
        ways.append(("清空重输", self.clear))
        if sum(1 for label, _ in ways if not label.startswith((OFFER, BROWSE_OFFER))) < 2:
            ways.append(("回到主页", self.go_home))
        return ways

    def _show_suggestions(self, found: list[Suggestion]) -> None:
        """The empty screen: rows of buttons under each heading (常用搜索, 拼音首字母, 文号, 索引号); a tap searches."""
        self._suggested = found
        box = self.ids.suggestions
        if box.children and self.suggesting:
            return  # already shown: nothing moves
        box.clear_widgets()
        self.suggesting = bool(found) and not self.query.strip()
        if not self.suggesting:
            return
        for way in dict.fromkeys(s.way for s in found):
            box.add_widget(Factory.SuggestionHeading(text=way))
            shown = [s for s in found if s.way == way]
            columns = 3 if way == COMMON_SEARCHES else 2
            for start in range(0, len(shown), columns):
                row = Factory.WayOnRow(cols=columns)
                for suggestion in shown[start : start + columns]:
                    button = Factory.WayOnButton(text=suggestion.label)
                    button.bind(on_release=lambda _b, q=suggestion.query: self.search_for(q))
                    row.add_widget(button)
                box.add_widget(row)
        self.ids.suggestions_view.scroll_y = 1

    def _offer_suggestions(self) -> None:
        """The empty screen's searches to tap: those known, else asked for (once a visit: reset forgets them)."""
        if self._suggested is None:
            run_in_worker(self.services.suggested_searches, self._show_suggestions, lambda _exc: None)
        else:
            self._show_suggestions(self._suggested)

    def _hide_suggestions(self) -> None:
        self.suggesting = False
        self.ids.suggestions.clear_widgets()

    def suggestion_labels(self) -> list[str]:
        """The searches to tap shown now, in order (tests read them)."""
        return [b.text for b in self._suggestion_buttons()]

    def suggestion_button(self, label: str) -> Any:
        """The button of a search to tap (tests tap it)."""
        return next(b for b in self._suggestion_buttons() if b.text == label)

    def _suggestion_buttons(self) -> list[Any]:
        rows = [w for w in reversed(self.ids.suggestions.children) if not hasattr(w, "text")]
        return [b for row in rows for b in reversed(row.children)]

    def search_for(self, query: str) -> None:
        """A search to tap: it fills the field and runs at once."""
        self.ids.field.text = query
        self.ids.field.cursor = (len(query), 0)
        self.search_now()

    def _show_actions(self, ways: list[tuple[str, Callable[[], None]]]) -> None:
        """Each offer across the width (a query or a column name may be long), the commands in a row below."""
        box = self.ids.actions
        box.clear_widgets()
        commands = []
        for label, act in ways:
            button = Factory.WayOnButton(text=label)
            button.bind(on_release=lambda _b, act=act: act())
            if label.startswith((OFFER, BROWSE_OFFER)):
                box.add_widget(button)
            else:
                commands.append(button)
        if commands:
            row = Factory.WayOnRow(cols=len(commands))
            for button in commands:
                row.add_widget(button)
            box.add_widget(row)

    def _way_buttons(self) -> list[Any]:
        return [
            b
            for w in reversed(self.ids.actions.children)
            for b in ([w] if hasattr(w, "text") else reversed(w.children))
        ]

    def actions(self) -> list[str]:
        """The ways on shown now, in order (tests read them)."""
        return [button.text for button in self._way_buttons()]

    def suggested(self) -> list[Suggestion]:
        """The searches to tap the empty screen offers (tests read them)."""
        return list(self._suggested or [])

    def action(self, starts: str) -> Any:
        """The way-on button whose text starts with `starts` (tests tap it)."""
        return next(b for b in self._way_buttons() if b.text.startswith(starts))

    def _offer_column(self, code: str | None) -> None:
        self.browse_name = ""
        self._browse_code = code
        if code is not None:
            run_in_worker(lambda: self.services.column(code), self._show_column, self._no_column)

    def _show_column(self, column: Any) -> None:
        if column.code == self._browse_code:
            self.browse_name = column.name
            self._show_actions(self._ways_on())

    def _no_column(self, exc: Exception) -> None:
        self._browse_code = None
        self._show_actions(self._ways_on())

    def try_suggestion(self) -> None:
        """The first offer was tapped: search for the suggested query (or, with none, browse the column)."""
        if self.suggestion:
            self._try_query(self.suggestion)
        else:
            self.browse_offered()

    def _try_query(self, query: str) -> None:
        self._suggestions, self.suggestion = [], ""
        self.ids.field.text = query

    def browse_offered(self) -> None:
        """按栏目浏览: the column most of the query's words belong to."""
        if self.browse_name and self._browse_code:
            self.navigator.show("browse", code=self._browse_code)

    def retry(self) -> None:
        """再试一次: the same search again."""
        self._failed = False
        self._show_actions([])
        self._search_again()

    def _fail(self, exc: Exception) -> None:
        self._task = None
        self._shown_query = None
        self._failed = True
        self.ids.results.clear()
        self.ids.filters.show([])
        self._set_pager(0, 0, False)
        self.summary = "搜索暂时不可用。请再试一次，或回到主页按栏目浏览。"
        self._show_actions(self._ways_on())

    def open_item(self, index_no: str) -> None:
        """A hit was tapped: read that document."""
        self.navigator.show("document", index_no=index_no)


def _facets(result: SearchResult) -> list[tuple[str, Sequence[Facet]]]:
    return [(name, result.facets[name]) for name in FACET_ORDER if name in result.facets]


def _is_on(filters: Filters, name: str, facet: Facet) -> bool:
    active = getattr(filters, name)
    return active is not None and str(active) == facet.value


def _round_robin(result: SearchResult) -> list[tuple[str, Facet]]:
    """The facets' values, the commonest of each facet first, then the second of each, and so on."""
    facets = _facets(result)
    return [(name, values[rank]) for rank in range(FACET_CHIPS) for name, values in facets if rank < len(values)]


def _written_part(query: str) -> str:
    """What to search for while pinyin letters follow a picked word (财政ys): the written part alone, as a
    Chinese input method keeps the letters aside until they become a word. Letters alone are a pinyin search."""
    match = _PENDING.search(query.lower())
    if match and _WRITTEN.search(query[: match.start()]):
        return query[: match.start()]
    return query


load_kv(__file__)
