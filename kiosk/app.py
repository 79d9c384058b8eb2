"""The Kivy App of the kiosk: wires the screens to the services, the idle timer, screenshots.

Run it with `KioskApp(services, font_path=...).run()`; there is no other entry
point. `kiosk run` (kiosk/cli.py) builds the services and calls exactly that.
Tests call `build()` and `on_start()` themselves and never `run()`.
"""

from __future__ import annotations

import ctypes
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import LabelBase
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.guard import ScreenGuard
from kiosk.idle import IdleTimer
from screens import theme
from screens.base import KioskScreen
from screens.corner import CornerTaps
from screens.idle_overlay import LAST_JOB_HINT, IdleWarning, LastJobBanner
from screens.navigator import Navigator, Params
from screens.registry import SCREENS, screen_class
from screens.worker import run_in_worker
from screens.wrap import lay_out_labels_when_shown

if TYPE_CHECKING:  # the other screens load after Home's first frame: their Protocols are types here only
    from kiosk.app_services import AppServices
    from kiosk.recorder import UsageRecorder

# How long Home keeps the last visit's job number (a citizen walking to the desk may look back).
LAST_JOB_SECONDS = 300.0
JOBS_SHOWN = 4  # the visit's latest print jobs kept on the idle warning and on Home


def register_font(font_path: str) -> None:
    """Register the CJK font under the name every `.kv` rule uses."""
    if not Path(font_path).is_file():
        raise FileNotFoundError(f"CJK font not found: {font_path} (install fonts-wqy-microhei or set the font path)")
    LabelBase.register(name=theme.FONT_NAME, fn_regular=font_path, fn_bold=font_path)


def software_renderer() -> bool:
    """True when OpenGL is drawn by the processor (Mesa llvmpipe or softpipe, SwiftShader), as on a kiosk PC
    without a graphics driver, and in tests."""
    from kivy.graphics.opengl import GL_RENDERER, glGetString

    try:
        renderer = bytes(glGetString(GL_RENDERER)).decode("ascii", "replace").lower()
    except Exception:  # no answer: assume a real driver
        return False
    return any(name in renderer for name in ("llvmpipe", "softpipe", "swiftshader", "software"))


def finish_frame(*_args: Any) -> None:
    """Wait until the frame just drawn is in pixels, before it is shown.

    A software renderer draws a frame in threads of its own after Kivy has
    handed it over; Kivy then prepares the next one, so frames pile up and a
    later texture upload waits for all of them at once (0.2–0.6 s after a tap
    on a 1080×1920 window). Finishing each frame keeps a tap's answer one frame
    away.
    """
    from kivy.graphics.opengl import glFinish

    glFinish()


def give_memory_back(*_args: Any) -> None:
    """After a visit: collect the cycles the screens left (on this thread, where Kivy's objects live), then hand
    the C heap's free pages back to the system in a worker (glibc keeps them otherwise)."""
    gc.collect()
    run_in_worker(_trim_heap, lambda _trimmed: None, lambda _exc: None)


def _trim_heap() -> bool:
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        return False


class LazyScreens(ScreenManager):
    """A ScreenManager that makes a registered screen the first time it is asked for.

    Only Home is needed for the first frame; the App makes the others one per
    frame after it, and any screen asked for before its turn is made then.
    """

    def __init__(self, make: Callable[[str], KioskScreen], names: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._make = make
        self.unmade = list(names)

    def get_screen(self, name: str) -> KioskScreen:
        """The screen `name`, made now if it was not yet."""
        if name in self.unmade:
            self.make(name)
        return super().get_screen(name)  # type: ignore[no-any-return]

    def make(self, name: str) -> None:
        """Make and add the screen `name` (once)."""
        self.unmade.remove(name)
        self.add_widget(self._make(name))

    def make_next(self, *_args: Any) -> None:
        """Make one screen not yet made; the rest follow on later frames."""
        if self.unmade:
            self.make(self.unmade[0])
            Clock.schedule_once(self.make_next)


class KioskApp(App):
    """The reading-room kiosk: Home, Browse, Document, Print and Search, reset when idle."""

    title = "政府信息公开查阅"

    def __init__(
        self,
        services: AppServices,
        *,
        font_path: str,
        idle_timeout: float = 120.0,
        idle_warning: float = 10.0,
        window_size: tuple[int, int] | None = None,
        screenshot_dir: Path | None = None,
        exit_after_first_frame: bool = False,
        started_at: float | None = None,
        staff_taps: int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.font_path = font_path
        self.window_size = window_size
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir is not None else None
        self.exit_after_first_frame = exit_after_first_frame
        self.started_at = time.monotonic() if started_at is None else started_at
        self.idle = IdleTimer(timeout=idle_timeout, warning=idle_warning)
        self.navigator: Navigator | None = None
        self.manager: ScreenManager | None = None
        self.warning = IdleWarning()
        self.banner = LastJobBanner()
        self.job_note = ""  # the visit's prints, a line each: 您的打印任务 0007：请到服务台领取
        self._visit_notes: list[str] = []
        self._visit_jobs: list[str] = []  # their job numbers: each note is read again from its job's state when shown
        self._banner_timeout: Any = None
        self._give_back: Any = None  # the memory handed back a second after a visit ends
        self.first_frame_after: float | None = None
        self.home_drawn_after: float | None = None
        self.on_first_frame: list[Callable[[], None]] = []  # start-up work that waits for the first frame drawn
        self.after_first_frame: list[Callable[[], None]] = []  # start-up work that waits for Home to be drawn
        self.screenshots: list[Path] = []
        self._shot_pending = False
        self.corner = CornerTaps(count=staff_taps)
        self.guard = ScreenGuard(self.recover)
        self._usage: UsageRecorder | None = None
        self._reading: tuple[str, float] | None = None  # the document on screen and since when (monotonic)

    @property
    def usage(self) -> UsageRecorder:
        """The visit's usage events, written in a thread of their own once the state store is open."""
        if self._usage is None:
            from kiosk.recorder import UsageRecorder

            self._usage = UsageRecorder(lambda: self.services.state)
        return self._usage

    # building

    def build(self) -> FloatLayout:
        """Register the font, make Home (the other screens follow the first frame), show Home."""
        from kivy.core.window import Window

        register_font(self.font_path)
        lay_out_labels_when_shown()
        if self.window_size is not None:
            Window.size = self.window_size
        Window.clearcolor = theme.PAPER
        self.manager = LazyScreens(self._make_screen, list(SCREENS), transition=NoTransition())
        self.navigator = Navigator(self.manager)
        self.manager.make("home")
        root = FloatLayout()
        root.add_widget(self.manager)
        self._wire_idle()
        self.navigator.bind(on_display=self._on_display)
        self.navigator.home()
        return root

    def _make_screen(self, name: str) -> KioskScreen:
        assert self.navigator is not None
        screen = screen_class(name)(name=name, services=self.services, navigator=self.navigator)
        screen.bind(ready=self._on_screen_ready)
        if name == "print":
            screen.bind(job_note=self._on_job_note)
        if name == "search":
            screen.bind(on_searched=lambda _screen, query, hits: self.usage.searched(query, hits))
        if name == "home":
            screen.bind(on_finish=lambda *_: self.finish_visit())
        if name == "rating":
            screen.bind(
                on_rated=lambda _screen, rating, reasons: self.usage.rated(rating, tuple(reasons)),
                on_finished=lambda *_: self._end_session(reason="end"),
            )
        return screen

    def _wire_idle(self) -> None:
        self.warning.bind(on_continue=lambda *_: self.idle.touched())
        self.idle.bind(
            seconds_left=self.warning.setter("seconds_left"),
            on_warning=self._show_warning,
            on_resume=self._hide_warning,
            on_expire=self._end_session,
        )

    def on_start(self) -> None:
        """Listen for activity and for drawn frames; start the idle timer."""
        from kivy.core.window import Window

        Window.bind(on_touch_down=self._on_touch, on_key_down=self._on_key, on_flip=self._on_flip)
        if software_renderer():
            Window.bind(on_flip=finish_frame)  # bound last, so called first: _on_flip sees the frame's pixels
        self.idle.start()
        self.guard.install()

    def on_stop(self) -> None:
        """Let go of the Window and the Clock."""
        from kivy.core.window import Window

        Window.unbind(on_touch_down=self._on_touch, on_key_down=self._on_key, on_flip=self._on_flip)
        Window.unbind(on_flip=finish_frame)
        self.idle.stop()
        self.guard.remove()
        for pending in (self._give_back, self._banner_timeout):  # a stopped kiosk does nothing a moment later
            if pending is not None:
                pending.cancel()
        if self._usage is not None:
            self._done_reading()
            self._usage.end_visit("closed")
            self._usage.close()

    def content_changed(self) -> None:
        """Called from any thread after a sync: Home, if it is on display, shows the new content."""
        Clock.schedule_once(self._refresh_home)

    def _refresh_home(self, *_args: Any) -> None:
        if self.manager is not None and self.current_screen.name == "home":
            self.current_screen.enter({})

    @property
    def current_screen(self) -> KioskScreen:
        """The screen on display."""
        assert self.manager is not None, "build() first"
        screen: KioskScreen = self.manager.current_screen
        return screen

    # idle

    def _on_touch(self, _window: Any, _touch: Any) -> bool:
        # A touch that ends the warning only ends the warning: it must not also
        # press whatever lies beneath the overlay.
        swallowed = bool(self.idle.phase == "warning")
        if self.banner.parent is not None:  # the next visitor: the last job's number has had its time
            swallowed = swallowed or bool(self.banner.collide_point(_touch.x, _touch.y))
            self.hide_last_job()
        self.idle.touched()
        from kivy.core.window import Window

        staff = self.manager is not None and self.manager.current == "staff"
        if not staff and not self.corner.covers(_touch.x, _touch.y, Window.width, Window.height):
            self.usage.touched()  # staff at the console, or tapping its corner, are no citizen's visit
        if not swallowed and self.corner.tap(_touch.x, _touch.y, Window.width, Window.height):
            assert self.navigator is not None
            self.navigator.show("staff")  # the hidden staff gesture: the PIN pad
        return swallowed

    def _on_key(self, *_args: Any) -> None:
        self.idle.touched()

    def _on_job_note(self, screen: Any, note: str) -> None:
        # every job of the visit stays findable, not only the last: a visitor may print several
        if note and note not in self._visit_notes:
            self._visit_notes = (self._visit_notes + [note])[-JOBS_SHOWN:]
            self.usage.printed()
            self.home_can_finish()
            job_no = getattr(screen, "job_no", "")
            if job_no and job_no not in self._visit_jobs:
                self._visit_jobs = (self._visit_jobs + [job_no])[-JOBS_SHOWN:]
            self.job_note = "\n".join(self._visit_notes)

    def _show_warning(self, *_args: Any) -> None:
        self.warning.job_note = self.job_note
        self._refresh_notes(self._visit_jobs, self.warning, visit_over=False)
        if self.warning.parent is None and self.root is not None:
            self.root.add_widget(self.warning)

    def _refresh_notes(self, job_nos: list[str], shown: Any, *, visit_over: bool) -> None:
        """Read the jobs' states again (staff may have cancelled one) and put their notes on `shown`."""
        if not job_nos:
            return

        def show(notes: list[str]) -> None:
            if shown is self.banner and not notes:
                self.hide_last_job()  # nothing left to collect: a slip already taken
            elif shown.job_note:  # not dismissed meanwhile
                shown.job_note = "\n".join(notes)

        run_in_worker(
            lambda: self.services.job_notes(list(job_nos), visit_over=visit_over), show, lambda _exc: None
        )  # the note as printed stays

    def _hide_warning(self, *_args: Any) -> None:
        if self.warning.parent is not None:
            self.warning.parent.remove_widget(self.warning)

    def finish_visit(self) -> None:
        """The citizen tapped 结束: a visit that read or printed is asked for its rating first."""
        assert self.navigator is not None
        if self.usage.acted:
            self.navigator.show("rating")
        else:
            self._end_session(reason="end")

    def home_can_finish(self) -> None:
        """Home offers 结束使用 once the visit has read or printed something."""
        if self.manager is not None:
            self.manager.get_screen("home").can_finish = self._usage is not None and self._usage.acted

    def _end_session(self, *_args: Any, reason: str = "idle") -> None:
        self._done_reading()
        if self._usage is not None:
            self._usage.end_visit(reason)
        note, jobs = self.job_note, self._visit_jobs
        self.job_note, self._visit_notes, self._visit_jobs = "", [], []
        self._hide_warning()
        assert self.navigator is not None
        self.navigator.reset_session()
        self.services.new_visit()
        if note:
            self.show_last_job(note)
            self._refresh_notes(jobs, self.banner, visit_over=True)
        if self._give_back is not None:
            self._give_back.cancel()
        # nobody is at the screen: a pause is seen by no one
        self._give_back = Clock.schedule_once(give_memory_back, 1.0)

    def recover(self, _error: BaseException) -> None:
        """After an unexpected error (logged by the guard): Home, and a notice at its foot that says so; the visit
        and its print jobs stay."""
        assert self.navigator is not None
        self._hide_warning()
        self.navigator.home()
        note = "刚才的操作没有完成，已回到首页。" + (f"\n{self.job_note}" if self.job_note else "")
        self.show_last_job(note, hint="请重新操作。已确认的打印任务不受影响，可凭任务号到服务台查询。")

    def show_last_job(self, note: str, hint: str = LAST_JOB_HINT) -> None:
        """Home keeps the ended visit's job number at its foot until a touch or LAST_JOB_SECONDS."""
        self.banner.job_note = note
        self.banner.hint = hint
        if self.banner.parent is None and self.root is not None:
            self.root.add_widget(self.banner)
            self.banner.bind(height=self._keep_room)
        self._keep_room()
        if self._banner_timeout is not None:
            self._banner_timeout.cancel()
        self._banner_timeout = Clock.schedule_once(lambda _dt: self.hide_last_job(), LAST_JOB_SECONDS)

    def hide_last_job(self) -> None:
        """The banner goes (the next visitor touched the screen, or its minutes are up)."""
        if self._banner_timeout is not None:
            self._banner_timeout.cancel()
            self._banner_timeout = None
        if self.banner.parent is not None:
            self.banner.parent.remove_widget(self.banner)
            self.banner.unbind(height=self._keep_room)
        self.banner.job_note = ""
        self._keep_room()

    def _keep_room(self, *_args: Any) -> None:
        """Home's tiles end above the banner while it is shown."""
        if self.manager is not None:
            home = self.manager.get_screen("home")
            home.foot_room = self.banner.height if self.banner.parent is not None else 0

    # frames and screenshots

    def _on_display(self, _navigator: Navigator, name: str, params: Params) -> None:
        self._count_display(name, params)
        if self.screenshot_dir is not None:
            self._shot_pending = True

    def _count_display(self, name: str, params: Params) -> None:
        """Count the screen for the visit, the document read, the attachment opened (no visit before a touch)."""
        self._done_reading()
        if self._usage is None:
            return
        if name == "staff":  # staff take over the kiosk: the citizen's visit, if one was under way, has ended
            self._usage.end_visit("staff")
            return
        self._usage.saw(name)
        index_no = str(params.get("index_no") or "")
        if name == "document" and index_no:
            self._reading = (index_no, time.monotonic())
        elif name == "attachment" and index_no:
            self._usage.opened_attachment(index_no)
        if name == "home":
            self.home_can_finish()

    def _done_reading(self) -> None:
        """The document on screen was left: count its reading and how long it was read."""
        reading, self._reading = self._reading, None
        if reading is not None and self._usage is not None:
            self._usage.read(reading[0], time.monotonic() - reading[1])

    def _on_screen_ready(self, screen: KioskScreen, ready: bool) -> None:
        if ready and self._shot_pending:
            from kivy.core.window import Window

            Window.canvas.ask_update()  # make sure a frame follows, to be captured

    def _on_flip(self, window: Any) -> None:
        # Bound handlers run before the buffers swap: the frame just drawn is readable.
        if self.first_frame_after is None:
            self.first_frame_after = time.monotonic() - self.started_at
            print(f"first frame drawn after {self.first_frame_after:.2f} s", flush=True)
            for start in self.on_first_frame:
                start()
        if self.home_drawn_after is None and self.current_screen.ready:
            # The first frame with content (Home's counts, unless the visitor was quicker): what waited for it
            # starts now, not earlier, so that Home's own loading has the processor to itself.
            self.home_drawn_after = time.monotonic() - self.started_at
            if self.current_screen.name == "home":
                print(f"Home drawn after {self.home_drawn_after:.2f} s", flush=True)
            Clock.schedule_once(self._after_first_frame)
        if self._shot_pending and self.current_screen.ready:
            self._shot_pending = False
            self._save_screenshot(window)
        if (
            self.exit_after_first_frame
            and self.home_drawn_after is not None
            and (self.screenshot_dir is None or self.screenshots)
        ):
            self.exit_after_first_frame = False
            Clock.schedule_once(lambda _dt: self.stop())

    def _after_first_frame(self, *_args: Any) -> None:
        """Start what waited for Home to be drawn, then make the other screens, one a frame."""
        for start in self.after_first_frame:
            start()
        assert self.manager is not None
        Clock.schedule_once(self.manager.make_next)

    def _save_screenshot(self, window: Any) -> None:
        assert self.screenshot_dir is not None
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        target = self.screenshot_dir / f"{len(self.screenshots) + 1:02d}-{self.current_screen.name}.png"
        saved = window.screenshot(name=str(self.screenshot_dir / "kiosk-shot.png"))
        if saved is None:
            return
        os.replace(saved, target)
        self.screenshots.append(target)
        if len(self.screenshots) == 1:
            print(f"screenshot saved to {target}", flush=True)
