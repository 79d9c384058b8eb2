"""The tour itself: what a citizen and then a member of staff do, step by step.

Every control is found by the text a person reads on it, with a few
spellings to allow for wording that changes; a step that cannot find what
it needs says so and ends its chapter, and the next chapter starts again
from Home. Each step is then measured (layout settled, CPU at rest), looked
at (error texts, off-screen or covered controls, the log) and pictured.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.core.window import Window

from tests.tour import tree
from tests.tour.driver import Driver, Step, StepProblem
from tests.tour.tree import containing, exactly, starting

SEARCH_LETTERS = "gh"  # pinyin initials typed on the on-screen keyboard
SEARCH_WORD = "规划"  # the candidate picked for them
CATALOGUE_TILE = "政府信息公开目录"
GESTURE_TAPS = 5

Action = Callable[[], None]


class Tour(Driver):
    """The citizen's and the staff's walk through every screen of the real App."""

    def __init__(self, app: Any, out_dir: Path, log_path: Path, pin: str) -> None:
        super().__init__(out_dir, log_path)
        self.app = app
        self.pin = pin
        self.steps: list[Step] = []
        self.current = Step(0, "start")
        self.first_number = 1
        self.started = time.monotonic()

    # running

    def run(self, part: str, first_number: int = 1) -> list[Step]:
        """The chapters of `part` in order; the steps with their pictures and failures.

        "visit" is everything a person does by touch; "idle" is a short visit
        left alone, run in a process whose idle timeout is short (the visit's
        process has a long one, so a slow machine never sees a warning there).
        """
        self.first_number = first_number
        chapters = PARTS[part](self)
        for chapter in chapters:
            chapter()
        return self.steps

    def chapter(self, steps: list[tuple[str, Action]], from_home: bool = True) -> None:
        """Run steps in order (from Home); after one that fails to act, the rest of the chapter is skipped."""
        if from_home:
            first_name, first_action = steps[0]
            steps = [(first_name, lambda: (self.go_home(), first_action()))] + steps[1:]
        for index, (name, action) in enumerate(steps):
            if not self.step(name, action):
                for skipped, _ in steps[index + 1 :]:
                    self.steps.append(Step(self._number(), skipped, failures=[f"skipped: “{name}” failed"]))
                return

    def step(self, name: str, action: Action) -> bool:
        """Do one step, then measure, inspect and picture it; False when the action itself failed."""
        step = Step(self._number(), name)
        self.steps.append(step)
        self.current = step
        self.mark = self.touched_at = self.started = time.monotonic()
        acted = True
        try:
            action()
        except StepProblem as problem:
            step.failures.append(str(problem))
            acted = False
        except Exception:  # a traceback out of the App's frames: the tour reports it and goes on
            step.failures.append("traceback during the step: " + traceback.format_exc(limit=8))
            acted = False
        if self.app.warning.parent is not None and name not in ("idle-warning",):
            step.failures.append("the idle warning came up during the step (the step took too long)")
        for measure in (self.settle, self.measure_cpu, self.inspect, self.picture):
            try:
                measure(step)
            except Exception:
                step.failures.append(f"{measure.__name__} failed: " + traceback.format_exc(limit=4))
        status = "ok" if not step.failures else f"FAILED ({len(step.failures)})"
        print(f"  {step.slug}: {status} in {time.monotonic() - self.started:.1f} s", flush=True)
        return acted

    def _number(self) -> int:
        return self.first_number + len(self.steps)

    # helpers a person's eye would use

    @property
    def screen(self) -> Any:
        """The screen on display."""
        return self.app.current_screen

    def on_screen(self, name: str) -> Any:
        """Wait for the screen `name` to be shown with its content."""
        return self.wait(
            lambda: self.screen if self.screen.name == name and getattr(self.screen, "ready", True) else None,
            f"the {name} screen",
        )

    def go_home(self) -> None:
        """主页, wherever it is."""
        if self.screen.name != "home":
            self.tap(self.find("the 主页 button", exactly("主页"), starting("主页"), containing("首页")))
        self.on_screen("home")

    def rows(self) -> list[Any]:
        """The result or item rows shown now, top first."""
        from screens.item_list import ItemRow

        rows = [w for w in tree.walk(Window) if isinstance(w, ItemRow) and tree.shown(w) and tree.visible_centre(w)]
        return sorted(rows, key=lambda w: -tree.window_rect(w)[1])

    def list_view(self) -> Any:
        """The scrolling list of the screen on display."""
        from screens.item_list import ItemList

        views = [w for w in tree.walk(self.screen) if isinstance(w, ItemList) and tree.shown(w)]
        if not views:
            raise StepProblem("no list of items on the screen")
        return views[0]

    def page_on(self) -> None:
        """Page through a long list: 更多 when the screen offers it, else a finger sliding the list up."""
        view = self.list_view()
        shown_before = len(view.data)
        more = tree.find_touchables(Window, starting("更多"))
        if more:
            self.tap(more[0])
        else:
            self.drag(view, view.height * 0.8)
        self.wait(lambda: len(view.data) > shown_before or view.scroll_y < 0.999, "more rows after paging on")

    # chapters

    def start(self) -> None:
        """Home as the kiosk opens."""
        self.chapter([("home", lambda: self.on_screen("home"))])

    def browse_and_print(self) -> None:
        """Catalogue → a column → page on → a document → text size → an A4 copy and a slip."""
        self.chapter(
            [
                ("browse-catalogue", self._open_catalogue),
                ("browse-column", self._open_column),
                ("browse-more", self.page_on),
                ("document", self._open_first_row),
                ("document-read", self._read),
                ("text-bigger", lambda: self._text_size("A+", 2)),
                ("text-smaller", lambda: self._text_size("A−", 1)),
                ("print-choose", self._open_print),
                ("print-a4", lambda: self._choose_kind("A4")),
                ("print-a4-sent", self._confirm_print),
                ("print-slip", self._slip),
                ("print-slip-sent", self._confirm_print),
                ("back-home", self.go_home),
            ]
        )

    def search(self) -> None:
        """Search by pinyin on the on-screen keyboard, a candidate, a filter chip, more results, a copy."""
        self.chapter(
            [
                ("search", self._open_search),
                ("search-typed", self._type_letters),
                ("search-candidate", self._pick_candidate),
                ("search-chip", self._tap_chip),
                ("search-more", self.page_on),
                ("search-document", self._open_first_row),
                ("search-print", self._open_print),
                ("search-print-a4", lambda: self._choose_kind("A4")),
                ("search-print-a4-sent", self._confirm_print),
            ]
        )

    def handwriting(self) -> None:
        """The 手写 pad: write 财 stroke by stroke, pick it, write 政, pick it, search for 财政."""
        self.chapter(
            [
                ("handwriting", self._open_pad),
                ("handwriting-cai", lambda: self._write("财")),
                ("handwriting-cai-picked", lambda: self._pick_written("财", then="财政")),
                ("handwriting-zheng", lambda: self._write("政")),
                ("handwriting-zheng-picked", lambda: self._pick_written("政")),
                ("handwriting-found", self._search_written),
            ]
        )

    def idle(self) -> None:
        """A visit, then nobody touches: the warning, then Home with the visit forgotten."""
        self.chapter(
            [
                ("idle-visit", self._open_search),
                ("idle-warning", self._wait_for_warning),
                ("idle-reset", self._wait_for_reset),
            ]
        )

    def staff(self) -> None:
        """The corner gesture, the PIN, the console; release one held copy and cancel the other."""
        self.chapter(
            [
                ("staff-pin", self._gesture),
                ("staff-console", self._enter_pin),
                ("staff-release", lambda: self._job_action("放行")),
                ("staff-cancel", lambda: self._job_action("取消")),
                ("staff-figures", self._open_figures),
                ("staff-figures-year", lambda: self._figures_of("本年", "年")),
                ("staff-figures-back", self._back_to_jobs),
                ("staff-home", self.go_home),
            ]
        )

    def rating(self) -> None:
        """The visit has read and printed: 结束使用 on Home asks for a rating; 不满意 with a reason, then 提交."""
        self.chapter(
            [
                ("rating-finish", self._finish_visit),
                ("rating-poor", self._rate_poor),
                ("rating-reason", lambda: self.tap(self.find("the reason 看不清", exactly("看不清")))),
                ("rating-submit", self._submit_rating),
            ]
        )

    # citizen steps

    def _finish_visit(self) -> None:
        self.tap(self.find("the 结束使用 button", exactly("结束使用"), starting("结束")))
        self.on_screen("rating")
        self.find("the rating 满意", exactly("满意"))

    def _rate_poor(self) -> None:
        self.tap(self.find("the rating 不满意", exactly("不满意")))
        self.find("the reason chips", exactly("看不清"))

    def _submit_rating(self) -> None:
        self.tap(self.find("the 提交 button", exactly("提交")))
        self.wait(lambda: self._shows("感谢") or self.screen.name == "home", "the thanks")
        self.wait(lambda: self.screen.name == "home", "Home for the next citizen", timeout=WAIT)

    def _open_catalogue(self) -> None:
        self.tap(self.find(f"the tile {CATALOGUE_TILE}", exactly(CATALOGUE_TILE), containing("目录")))
        self.on_screen("browse")

    def _open_column(self) -> None:
        from screens.browse import SubcolumnTile

        tiles = [w for w in tree.walk(self.screen) if isinstance(w, SubcolumnTile) and tree.shown(w)]
        wanted = [t for t in tiles if "规范性文件" in getattr(t, "title", "")] or tiles
        if not wanted:
            raise StepProblem("could not find a sub-column tile on the catalogue screen")
        self.tap(wanted[0])
        self.wait(lambda: len(self.rows()) >= 3, "the rows of the column")

    def _open_first_row(self) -> None:
        rows = self.wait(self.rows, "a row to open")
        self.tap(rows[0])
        self.on_screen("document")

    def _read(self) -> None:
        from kivy.uix.scrollview import ScrollView

        views = [w for w in tree.walk(self.screen) if isinstance(w, ScrollView) and tree.shown(w) and w.children]
        # the body: the view with the most text below its fold
        body = max(views, key=lambda v: v.children[0].height - v.height, default=None)
        if body is None:
            raise StepProblem("could not find the document's text to read")
        self.drag(body, body.height * 0.6)

    def _text_size(self, label: str, times: int) -> None:
        for _ in range(times):
            ascii_label = label.replace("−", "-")
            button = self.find(f"the {label} button", exactly(label), starting(label), starting(ascii_label))
            if button.disabled:
                raise StepProblem(f"the {label} button is disabled")
            self.tap(button)

    def _open_print(self) -> None:
        self.tap(self.find("the 打印 button", exactly("打印"), starting("打印")))
        self.on_screen("print")

    def _choose_kind(self, kind: str) -> None:
        self.tap(self.find(f"the {kind} choice", starting(kind), containing(kind)))
        self.wait(lambda: getattr(self.screen, "phase", "ready") not in ("choose", "counting"), "the page count")
        if getattr(self.screen, "phase", "ready") == "failed":
            raise StepProblem("the print screen says the copy cannot be made")

    def _slip(self) -> None:
        self.tap(self.find("the 返回阅读 button", exactly("返回阅读"), starting("返回")))
        self.on_screen("document")
        self._open_print()
        self._choose_kind("小票")

    def _confirm_print(self) -> None:
        self.tap(self.find("the 确认打印 button", exactly("确认打印"), starting("确认"), containing("打印")))
        self.wait(lambda: getattr(self.screen, "phase", "done") in ("done", "failed"), "the outcome of the print", 30)
        if self.screen.phase == "failed":  # the job may still exist: the tour goes on to the staff console
            self.current.failures.append("the print screen says the copy could not be printed")

    def _open_search(self) -> None:
        self.tap(self.find("the search bar", starting("搜索"), containing("搜索"), containing("查找")))
        search = self.on_screen("search")
        if not search.ids.field.text:  # the empty screen offers searches to tap, worked out at start
            self.wait(lambda: search.suggesting, "the searches to tap", timeout=WAIT)

    def _open_pad(self) -> None:
        self._open_search()
        self.tap(self.find("the 手写 tab", exactly("手写"), timeout=WAIT))
        self.wait(lambda: self._pad_area() is not None, "the handwriting pad")
        self.tap(self.find("清空", exactly("清空")))  # the query of an earlier search goes

    def _pad_area(self) -> Any:
        pad = getattr(self.screen, "pad", None)
        return pad.ids.area if pad is not None and pad.parent is not None else None

    def _write(self, char: str) -> None:
        """The recorded strokes of `char`, drawn by a careful hand on the pad's square."""
        from tests.handwriting.strokes import HANDS, recorded, written

        area = self._pad_area()
        if area is None:
            raise StepProblem("the handwriting pad is not shown")
        (left, bottom), (side, _) = area.square_pos, area.square_size
        for stroke in written(recorded()[char], HANDS[0], side):  # in the 田字格 square
            self.stroke([area.to_window(left + x, bottom + side - y) for x, y in stroke])
        self.find(f"the candidate {char}", exactly(char), timeout=WAIT)

    def _pick_written(self, char: str, then: str = "") -> None:
        self.tap(self.find(f"the candidate {char}", exactly(char)))
        if then:
            self.find(f"the word {then} offered after {char}", exactly(then), timeout=WAIT)
        search = self.screen  # the pick searches: the step settles from when its results are shown
        self.wait(lambda: search.query.strip() and search.showing() == search.query.strip(), "the results", WAIT)

    def _search_written(self) -> None:
        self.tap(self.find("搜索", exactly("搜索")))  # the search may have run already, after the last pick
        self.wait(lambda: self._summary().startswith("找到"), "the results for 财政")
        self.wait(self.rows, "a row of the results for 财政")

    def _summary(self) -> str:
        """The line that says what a search found (找到 … / 没有找到 …), or ""."""
        for _widget, text in tree.visible_texts(self.screen):
            if re.match(r"\s*(找到|没有找到|共)", text):
                return text
        return ""

    def _wait_for_results(self, before: str, what: str) -> None:
        self.wait(lambda: self._summary() not in ("", before), what)

    def _type_letters(self) -> None:
        before = self._summary()
        for char in SEARCH_LETTERS:
            self.tap(self.find(f"the key “{char}”", exactly(char)))
        self.find(f"the candidate {SEARCH_WORD}", exactly(SEARCH_WORD), timeout=WAIT)
        self._wait_for_results(before, f"the results for “{SEARCH_LETTERS}”")

    def _pick_candidate(self) -> None:
        before = self._summary()
        self.tap(self.find(f"the candidate {SEARCH_WORD}", exactly(SEARCH_WORD)))
        self._wait_for_results(before, f"the results for {SEARCH_WORD}")
        self.wait(self.rows, f"a row of the results for {SEARCH_WORD}")

    def _tap_chip(self) -> None:
        chip = self.find("a year filter chip", starting("2009年"), containing("年 "), containing("年"))
        before = self._summary()
        self.tap(chip)
        self._wait_for_results(before, "the results narrowed by the chip")

    def _wait_for_warning(self) -> None:
        self.wait(lambda: self.app.warning.parent is not None, "the idle warning", self.app.idle.timeout + 5)

    def _wait_for_reset(self) -> None:
        self.wait(lambda: self.app.warning.parent is None, "the idle warning to end", self.app.idle.warning + 5)
        self.on_screen("home")
        if self.app.warning.parent is not None:
            raise StepProblem("the idle warning stayed after the reset")

    # staff steps

    def _gesture(self) -> None:
        size = min(Window.width, Window.height) * 0.02
        for _ in range(GESTURE_TAPS):
            self.tap_at(Window.width - size, Window.height - size)
        self.on_screen("staff")
        self.find("the PIN pad", exactly("0"))

    def _enter_pin(self) -> None:
        for digit in self.pin:
            self.tap(self.find(f"the PIN key {digit}", exactly(digit)))
        self.tap(self.find("the 确认 button", exactly("确认"), exactly("确定"), exactly("登录"), starting("确定")))
        self.find("a job waiting for release", exactly("放行"), timeout=WAIT)

    def _open_figures(self) -> None:
        self.tap(self.find("the 统计 button", starting("统计")))
        self._figures_of("", "日")

    def _figures_of(self, period: str, ending: str) -> None:
        if period:
            self.tap(self.find(f"the {period} button", exactly(period)))
        pane = self.screen.ids.figures
        self.wait(lambda: pane.named.endswith(ending) and not pane.loading, f"the figures of {period or '今日'}")
        self.wait(lambda: self._shows("来访："), "the visits of the period")

    def _shows(self, start: str) -> bool:
        """Whether a text starting with `start` is shown on the screen."""
        return any(text.strip().startswith(start) for _widget, text in tree.visible_texts(self.screen))

    def _back_to_jobs(self) -> None:
        self.tap(self.find("the 回到任务 button", exactly("回到任务")))
        self.find("the jobs again", exactly("放行"), exactly("重印"), timeout=WAIT)

    def _job_action(self, label: str) -> None:
        """Tap `label` (放行 or 取消) on a job that waits for release; wait for the job's last state."""
        held = self.find_all(exactly("放行"))
        if not held:
            raise StepProblem("could not find a job waiting for release (a 放行 button)")
        job_no = self._job_no(held[0])
        self.tap(held[0] if label == "放行" else self._beside(held[0], label))
        if label == "取消":  # staff confirm a cancel in a dialog of its own
            self.tap(self.find("the 确认取消 button", exactly("确认取消"), starting("确认")))
        ended = ("已完成", "已打印") if label == "放行" else ("已取消",)
        self.wait(
            lambda: any(state in self._row_texts(job_no) for state in ended),
            f"job {job_no} to show {' or '.join(ended)} after {label}",
        )

    def _row_of(self, widget: Any) -> Any:
        """The job row holding `widget`: its nearest ancestor that holds a 4-digit job number."""
        node = widget.parent
        while node is not None and node is not Window:
            if any(re.fullmatch(r"\d{4,}", t.strip()) for _, t in tree.visible_texts(node)):
                return node
            node = node.parent
        raise StepProblem("could not find the job number beside its 放行 button")

    def _job_no(self, button: Any) -> str:
        texts = [t.strip() for _, t in tree.visible_texts(self._row_of(button))]
        return next(t for t in texts if re.fullmatch(r"\d{4,}", t))

    def _row_texts(self, job_no: str) -> list[str]:
        """The texts of the row showing job `job_no` ([] when it is not shown)."""
        for widget, text in tree.visible_texts(self.screen):
            if text.strip() == job_no:
                return [t.strip() for _, t in tree.visible_texts(self._row_of(widget))]
        return []

    def _beside(self, button: Any, label: str) -> Any:
        """The control labelled `label` in the same job row as `button`."""
        found = tree.find_touchables(self._row_of(button), exactly(label))
        if not found:
            raise StepProblem(f"could not find {label} beside the job's 放行 button")
        return found[0]


WAIT = 10.0
PARTS: dict[str, Callable[[Tour], list[Callable[[], None]]]] = {
    "visit": lambda tour: [
        tour.start,
        tour.browse_and_print,
        tour.search,
        tour.handwriting,
        tour.rating,
        tour.staff,
    ],
    "idle": lambda tour: [tour.idle],
}
