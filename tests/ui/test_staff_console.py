"""The staff console in the real window: the hidden corner gesture, the PIN pad, jobs and printers."""

from __future__ import annotations

from typing import Any

from screens.staff import CornerTaps
from tests.ui.conftest import screenshot, tap, wait_for_workers, wait_until
from tests.ui.fakes import STAFF_PIN


def _corner_taps(window: Any, count: int) -> None:
    from kivy.tests.common import UnitTestTouch

    for _ in range(count):
        touch = UnitTestTouch(window.width - 20, window.height - 20)
        touch.touch_down()
        touch.touch_up()


def _enter_pin(staff: Any, pin: str) -> None:
    keys = {child.text: child for child in staff.ids.pin_keys.children}
    for digit in pin:
        tap(keys[digit])
    tap(staff.ids.enter)


def test_the_corner_gesture_needs_all_its_taps_in_time() -> None:
    taps = CornerTaps(count=5, within=3.0, size=120)
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (0, 0.5, 1.0, 1.5))
    assert taps.tap(1070, 1910, 1080, 1920, at=2.0)
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (10, 11, 12, 13))
    assert not taps.tap(1070, 1910, 1080, 1920, at=17)  # the first of these is more than 3 s old
    taps.tap(500, 500, 1080, 1920, at=17.1)  # a touch elsewhere starts the count again
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (17.2, 17.3, 17.4, 17.5))


def test_gesture_then_pin_opens_the_console_and_a_job_is_released(app: Any, services: Any, window: Any) -> None:
    _corner_taps(window, 4)
    wait_until(lambda: True)
    assert app.current_screen.name == "home"
    _corner_taps(window, 1)
    wait_until(lambda: app.current_screen.name == "staff" and app.current_screen.ready)
    staff = app.current_screen
    assert staff.phase == "pin"
    screenshot("40-staff-pin")
    _enter_pin(staff, "1111")
    wait_until(lambda: "密码错误" in staff.pin_message)
    assert staff.phase == "pin"
    _enter_pin(staff, STAFF_PIN)
    wait_until(lambda: staff.phase == "console" and len(staff.ids.jobs.children) == 2)
    assert "今日：2 个任务" in staff.counts_text and "最近同步" in staff.sync_text
    printers = [row.text for row in reversed(staff.ids.printers.children)]
    assert "CUPS queue KioskPDF" in printers[0] and "离线（connection refused）" in printers[1]
    screenshot("41-staff-console")
    held = next(row for row in staff.ids.jobs.children if row.job_no == "0002")
    assert held.state_text == "待放行"
    release = next(b for b in held.ids.actions.children if b.text == "放行")
    tap(release)
    wait_until(lambda: ("job_action", ("0002", "release")) in services.calls)
    wait_until(lambda: any(r.job_no == "0002" and r.state_text == "已完成" for r in staff.ids.jobs.children))
    test_button = next(w for w in staff.ids.printers.children[-1].walk() if getattr(w, "text", "") == "测试页")
    tap(test_button)
    wait_until(lambda: staff.message == "测试页任务 0009：已完成")
    tap(staff.ids.today)
    wait_until(lambda: ("staff_overview", (False,)) in services.calls)
    app.navigator.home()
    wait_until(lambda: app.current_screen.name == "home")
    wait_for_workers()
