"""The screens' error boundary: an unexpected error on a screen takes the citizen Home with a plain notice."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from kivy.base import ExceptionManager

from kiosk.guard import MAX_ERRORS, ScreenGuard
from tests.ui.conftest import frame, screenshot, tap, wait_until


def _as_the_main_loop(action: Any) -> None:
    """Run `action` and hand what it raises to Kivy's ExceptionManager, as EventLoop.mainloop does."""
    try:
        action()
        frame()
    except Exception as exc:  # the main loop hands every exception over
        assert ExceptionManager.handle_exception(exc) == ExceptionManager.PASS


def test_an_error_on_a_screen_takes_the_citizen_home_with_a_plain_notice(
    app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    home = app.current_screen
    browse = app.manager.get_screen("browse")

    def broken(_params: Any) -> None:
        raise RuntimeError("(sqlite3.OperationalError) database disk image is malformed")

    monkeypatch.setattr(browse, "enter", broken)
    tile = next(reversed(home.ids.tiles.children))
    with caplog.at_level(logging.ERROR, logger="kiosk.guard"):
        _as_the_main_loop(lambda: tap(tile))
    wait_until(lambda: app.current_screen.name == "home" and app.banner.parent is not None)
    assert app.banner.job_note.startswith("刚才的操作没有完成，已回到首页。")
    screenshot("45-error-notice")
    assert "sqlite" not in app.banner.job_note + app.banner.hint and "打印任务不受影响" in app.banner.hint
    record = next(r for r in caplog.records if r.name == "kiosk.guard")
    assert record.exc_info and "malformed" in str(record.exc_info[1])

    tap(home)  # the next touch dismisses the notice; the kiosk goes on as before
    wait_until(lambda: app.banner.parent is None)
    monkeypatch.undo()
    tap(next(reversed(home.ids.tiles.children)))
    wait_until(lambda: app.current_screen.name == "browse")


def test_the_visits_print_jobs_stay_in_the_notice(app: Any) -> None:
    app.job_note = "您的打印任务 0007：请到服务台领取"
    app.recover(RuntimeError("boom"))
    wait_until(lambda: app.banner.parent is not None)
    assert "0007" in app.banner.job_note and app.job_note


def test_an_error_that_keeps_coming_back_is_raised_so_the_kiosk_restarts() -> None:
    now = [0.0]
    recovered: list[BaseException] = []
    guard = ScreenGuard(recovered.append, clock=lambda: now[0])
    for _ in range(MAX_ERRORS):
        now[0] += 1.0
        assert guard.handle_exception(ValueError("again")) == ExceptionManager.PASS
    now[0] += 1.0
    assert guard.handle_exception(ValueError("again")) == ExceptionManager.RAISE
    assert len(recovered) == MAX_ERRORS
    assert guard.handle_exception(KeyboardInterrupt()) == ExceptionManager.RAISE


def test_errors_far_apart_never_stop_the_kiosk() -> None:
    now = [0.0]
    guard = ScreenGuard(lambda _exc: None, clock=lambda: now[0])
    for _ in range(5 * MAX_ERRORS):
        now[0] += 30.0
        assert guard.handle_exception(ValueError("now and then")) == ExceptionManager.PASS


def test_a_recovery_that_fails_too_leaves_the_loop_running() -> None:
    def fails(_exc: BaseException) -> None:
        raise RuntimeError("no navigator")

    assert ScreenGuard(fails).handle_exception(ValueError("x")) == ExceptionManager.PASS
