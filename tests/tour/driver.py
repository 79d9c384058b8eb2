"""Driving the real window like a person, and measuring what each touch costs.

Frames run as in the App: `EventLoop.idle()` ticks Kivy's Clock, which sleeps
to hold its normal frame rate (60 fps), reads input, lays out and draws only
when something changed. So the process's CPU time over a stretch of idle
frames is what the kiosk spends when nobody touches it; the tour looks at
the widget tree only between the measured stretches.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch

from tests.tour import tree

SETTLE_LIMIT = 0.5  # s after the touch (or after the awaited content arrived) by which the layout stops
QUIET = 0.4  # s without a change that counts as settled (longer than the search's 0.3 s debounce)
CPU_LIMIT = 0.10  # of one core
CPU_WINDOW = 0.5  # s measured at a time
CPU_SPAN = 5.0  # s above the limit that fail a step
WAIT_LIMIT = 15.0  # s for any awaited screen or content


class StepProblem(Exception):
    """A step could not do what a person would: the message says what was missing."""


@dataclass
class Step:
    """One step of the tour: its picture, what it measured and what went wrong."""

    number: int
    name: str
    picture: str = ""
    settled_after: float | None = None  # s after the touch
    cpu: list[float] = field(default_factory=list)  # share of a core, per measured second
    failures: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """NN-name, the picture's file name without .png."""
        return f"{self.number:02d}-{self.name}"


def process_cpu_seconds() -> float:
    """utime + stime of this process (all threads), from /proc/self/stat."""
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # fields 14 and 15 of stat(5)


def _is_error(line: str) -> bool:
    return " ERROR " in line or "Traceback" in line


class Driver:
    """Touches, waits and measurements on the one Kivy window."""

    def __init__(self, out_dir: Path, log_path: Path) -> None:
        self.out_dir = out_dir
        self.log_path = log_path
        self.mark = time.monotonic()  # the last touch, or the moment awaited content arrived
        self.touched_at = self.mark  # the last touch
        self._log_seen = 0

    # frames and touches

    def frame(self) -> None:
        """One frame of the event loop, paced by Kivy's Clock."""
        EventLoop.idle()

    def pump(self, seconds: float) -> None:
        """Run frames for `seconds` of wall time."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frame()

    def wait(self, condition: Callable[[], Any], what: str, timeout: float = WAIT_LIMIT) -> Any:
        """Run frames until `condition()` gives something true; a StepProblem naming `what` after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            found = condition()
            if found:
                self.mark = max(self.mark, time.monotonic())
                return found
            if time.monotonic() > deadline:
                raise StepProblem(f"waited {timeout:.0f} s for {what}")
            self.frame()

    def tap_at(self, x: float, y: float) -> None:
        """A finger at window point (x, y): down, a frame, up, a frame."""
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frame()
        touch.touch_up()
        self.mark = self.touched_at = time.monotonic()
        self.frame()

    def tap(self, widget: Any) -> None:
        """Touch the middle of `widget`."""
        self.tap_at(*widget.to_window(*widget.center))

    def stroke(self, points: list[tuple[float, float]]) -> None:
        """A finger drawn through window points: down at the first, a move to each, up at the last."""
        touch = UnitTestTouch(*points[0])
        touch.touch_down()
        self.frame()
        for index, point in enumerate(points[1:]):
            touch.touch_move(*point)
            if index % 6 == 0:
                self.frame()
        touch.touch_up()
        self.mark = self.touched_at = time.monotonic()
        self.frame()

    def drag(self, widget: Any, distance: float, steps: int = 6) -> None:
        """Slide a finger up (positive distance) across `widget`, then hold still before lifting it.

        The finger stops before it lifts, as when someone reads on: the list
        does not fly on after the touch.
        """
        x, y = widget.to_window(widget.center_x, widget.y + widget.height * 0.15)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frame()
        for index in range(1, steps + 1):
            touch.touch_move(x, y + distance * index / steps)
            self.frame()
        for _ in range(6):
            touch.touch_move(x, y + distance)
            self.frame()
        touch.touch_up()
        self.mark = self.touched_at = time.monotonic()
        self.frame()

    # finding

    def find(self, what: str, *matchers: tree.Matcher, root: Any = None, timeout: float = 3.0) -> Any:
        """The first shown control whose text a matcher accepts (tried in order); a StepProblem naming `what`."""

        def first() -> Any:
            for matcher in matchers:
                found = tree.find_touchables(root or Window, matcher)
                if found:
                    return found[0]
            return None

        try:
            return self.wait(first, what, timeout)
        except StepProblem:
            raise StepProblem(f"could not find {what} on the screen") from None

    def find_all(self, matcher: tree.Matcher, root: Any = None) -> list[Any]:
        """Every shown control whose text matches, top of the screen first."""
        return tree.find_touchables(root or Window, matcher)

    # measuring a step

    def settle(self, step: Step) -> None:
        """Run frames until the layout has been still for QUIET s; fail when it moved later than SETTLE_LIMIT."""
        start = self.mark
        before = tree.geometry(Window)
        last_change, what = None, []
        while True:
            self.frame()
            now = time.monotonic()
            after = tree.geometry(Window)
            if after != before:
                last_change, what, before = now, tree.changes(before, after, Window), after
            if now - (last_change or start) >= QUIET or now - start > SETTLE_LIMIT + QUIET:
                break
        step.settled_after = round((last_change or start) - self.touched_at, 3)
        if last_change is not None and last_change - start > SETTLE_LIMIT:
            step.failures.append(
                f"layout not settled {SETTLE_LIMIT} s after the touch (still changing at "
                f"{last_change - start:.2f} s): " + "; ".join(what)
            )

    def measure_cpu(self, step: Step) -> None:
        """CPU of the process in short windows while idle; fail when it stays above 10 % for 5 s.

        The layout must stay still meanwhile: a change is a failure of its own.
        """
        before = tree.geometry(Window)
        moved: list[str] = []
        for _ in range(int(CPU_SPAN / CPU_WINDOW)):
            cpu, wall = process_cpu_seconds(), time.monotonic()
            self.pump(CPU_WINDOW)  # only the App's own frames run inside the measured window
            step.cpu.append(round((process_cpu_seconds() - cpu) / (time.monotonic() - wall), 3))
            after = tree.geometry(Window)
            if after != before and not moved:
                moved = tree.changes(before, after, Window)
            before = after
            if step.cpu[-1] <= CPU_LIMIT:
                break
        if moved:
            step.failures.append("layout keeps changing after it settled: " + "; ".join(moved))
        if len(step.cpu) * CPU_WINDOW >= CPU_SPAN and all(share > CPU_LIMIT for share in step.cpu):
            shares = ", ".join(f"{share:.0%}" for share in step.cpu)
            step.failures.append(f"CPU stayed above {CPU_LIMIT:.0%} for {CPU_SPAN:.0f} s after the touch ({shares})")

    def inspect(self, step: Step) -> None:
        """Error texts, widgets off the window or covered, and ERROR or Traceback lines in the log."""
        step.failures += tree.error_texts(Window)
        step.failures += tree.off_screen(Window)
        step.failures += tree.covered(Window)
        step.failures += self.new_log_errors()

    def new_log_errors(self) -> list[str]:
        """ERROR and Traceback lines written to the kiosk's log since the last look."""
        if not self.log_path.exists():
            return []
        with self.log_path.open(encoding="utf-8", errors="replace") as log:
            log.seek(self._log_seen)
            lines = log.read()
            self._log_seen = log.tell()
        errors = [f"log: {line.strip()[:200]}" for line in lines.splitlines() if _is_error(line)]
        return errors[:3] + ([f"log: and {len(errors) - 3} more such lines"] if len(errors) > 3 else [])

    def picture(self, step: Step) -> None:
        """Save what the window shows, read back after the frame is drawn, as <out>/NN-name.png."""
        target = self.out_dir / f"{step.slug}.png"
        saved: list[str] = []

        def on_flip(window: Any) -> None:  # before the buffers swap: the frame just drawn
            if not saved:
                saved.append(window.screenshot(name=str(self.out_dir / "shot.png")))

        Window.bind(on_flip=on_flip)
        try:
            Window.canvas.ask_update()
            self.wait(lambda: saved, "a drawn frame for the picture", timeout=5.0)
        finally:
            Window.unbind(on_flip=on_flip)
        os.replace(saved[0], target)
        step.picture = target.name
