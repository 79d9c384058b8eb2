"""Idle: a warning after the timeout, then Home with the visitor's state cleared.

The timer counts the seconds Kivy's Clock hands it; the tests hand it seconds
directly with `advance`, so nothing sleeps.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import screenshot, tap, wait_until


def _visit_and_leave_traces(app: Any) -> Any:
    tap(app.current_screen.ids.search_bar)  # the first touch arms the timer
    search = app.current_screen
    for char in "czys":
        tap(search.ids.keyboard.key(char))
    wait_until(lambda: search.summary == "找到 2 条")
    app.navigator.show("document", index_no="01404553-7/2026-90001")
    doc = app.current_screen
    wait_until(lambda: doc.ready)
    tap(doc.ids.bigger)
    assert doc.size_step == 1  # one step above the standard size, on every screen
    return search, doc


def test_idle_warns_then_returns_home_and_forgets_the_visitor(app: Any) -> None:
    app.idle.stop()  # only the test's advance() counts time, from the first touch: a slow machine's frames must not
    search, doc = _visit_and_leave_traces(app)
    assert app.idle.phase == "active" and app.idle.idle_seconds == 0.0
    app.idle.advance(119.0)
    assert app.warning.parent is None

    app.idle.advance(1.5)
    wait_until(lambda: app.warning.parent is not None)
    wait_until(lambda: app.warning.ids.countdown.text == "10\u00a0秒后将清除本次查阅记录并返回首页")
    app.idle.advance(1.0)
    wait_until(lambda: app.warning.ids.countdown.text == "9\u00a0秒后将清除本次查阅记录并返回首页")
    screenshot("12-idle-warning")

    app.idle.advance(9.0)
    wait_until(lambda: app.current_screen.name == "home" and app.current_screen.ready)
    assert app.warning.parent is None
    assert app.navigator.history == []
    assert search.query == "" and search.ids.field.text == "" and search.ids.results.data == []
    assert doc.index_no == "" and doc.body_font_size == 40
    assert app.manager.get_screen("print").kind == ""
    assert app.idle.phase == "off"  # an empty room sees no more warnings


def test_a_touch_during_the_warning_keeps_the_visit(app: Any) -> None:
    search, doc = _visit_and_leave_traces(app)
    app.idle.advance(121.0)
    wait_until(lambda: app.warning.parent is not None)
    tap(app.warning.ids.resume)
    wait_until(lambda: app.warning.parent is None)
    assert app.current_screen is doc and doc.size_step == 1
    assert app.idle.phase == "active" and app.idle.idle_seconds < 1.0
