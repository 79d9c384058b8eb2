"""The staff console on the real services: the corner gesture, the PIN pad and its lockout, jobs and printers.

The kiosk's state store holds a day of jobs in every state (copies, slips, held
jobs with their 取件凭条, a test page, jobs that failed or wait for the offline
slip printer), as a reading room has them by the afternoon.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from kivy.uix.button import Button

from kiosk.services import Services
from kiosk.state import PrintJob, StaffPin, now
from printing.document import PrintKind
from printing.spool import SpoolPrinter
from screens.corner import CornerTaps
from screens.worker import pending_tasks
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_until

STAFF_PIN = "20081230"
SEED_INDEX_NO = "003232741/2008-00001"
SLOW = 90.0  # seconds: dozens of rows drawn on a loaded machine (a bound, not a timing)
_VISITORS = itertools.count(1)  # one visitor a copy, as in a reading room: no visit's quota is reached


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: the slip printer there is switched off."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def slip_port(kiosk_home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The slip printer is a network printer that is switched off."""
    port = _closed_port()
    monkeypatch.setenv("KIOSK_PRINTING_RECEIPT", f"tcp://127.0.0.1:{port}?timeout=1")
    return port


@pytest.fixture
def services(slip_port: int, real_services: Services, kiosk_home: Path) -> Iterator[Services]:
    """The real services with a staff PIN and a day of jobs in every state (overrides the fake of tests/ui)."""
    real_services.staff.set_pin(STAFF_PIN, "cli")
    _a_day_of_jobs(real_services, kiosk_home / "slips")
    yield real_services


def _titles(services: Services) -> list[tuple[str, str]]:
    hits = services.search("信息公开", 40).hits + services.search("通知", 40).hits
    return [(h.index_no, h.title) for h in hits]


def _submit(services: Services, index_no: str, title: str, kind: PrintKind = "a4", pages: int = 2) -> str:
    data = b"%PDF-1.4 copy" if kind == "a4" else b"\x1b@slip"
    job = services.queue.submit(
        index_no=index_no, title=title, kind=kind, data=data, pages=pages, visitor=f"visitor-{next(_VISITORS)}"
    )
    return job.job_no


def _a_day_of_jobs(services: Services, slips: Path) -> None:
    """Copies printed, slips printed while the slip printer was on, then jobs in every other state."""
    queue, titles = services.queue, _titles(services)
    offline, policy = queue.printers["receipt"], queue.policy
    queue.printers["receipt"] = SpoolPrinter(slips)  # the slip printer worked this morning
    for n, (index_no, title) in enumerate(titles[:24]):
        _submit(services, index_no, title, "a4" if n % 3 else "receipt", pages=1 + n % 4 if n % 3 else 1)
    queue.policy = replace(policy, release_above=3)
    services.print_item(SEED_INDEX_NO, "a4", wait=0)  # held for release; its 取件凭条 is printed
    services.print_item(SEED_INDEX_NO, "a4", wait=0)
    queue.policy = policy
    services.test_print("a4", "console")
    queue.work()
    queue.printers["receipt"] = offline  # then it was switched off
    for index_no, title in titles[24:27]:
        _submit(services, index_no, title, "receipt", pages=1)
    queue.work()  # the slips wait for the printer
    lost = _submit(services, *titles[27], pages=3)
    Path(queue.get(lost).data_path).unlink()  # its kept copy is gone: it fails
    queue.work()
    _submit(services, *titles[28], pages=5)
    queue._claim()  # sending when the kiosk lost power: staff must look
    queue.recover()
    queue.policy = replace(policy, hold_hours=0)
    _submit(services, *titles[29], pages=30)  # not released in time
    queue.work()
    queue.policy = policy
    queue.cancel(_submit(services, *titles[30], pages=25), "console")
    assert {j.state for j in queue.jobs()} == {
        "done",
        "queued",
        "awaiting_release",
        "failed",
        "check_printer",
        "expired",
        "cancelled",
    }


def _workers_done() -> None:
    wait_until(lambda: pending_tasks() == 0, timeout=SLOW)


def _corner_taps(window: Any, count: int) -> None:
    from kivy.tests.common import UnitTestTouch

    for _ in range(count):
        touch = UnitTestTouch(window.width - 20, window.height - 20)
        touch.touch_down()
        touch.touch_up()


def _open_console_pad(app: Any, window: Any) -> Any:
    _corner_taps(window, 5)
    wait_until(lambda: app.current_screen.name == "staff" and app.current_screen.ready, timeout=SLOW)
    _workers_done()
    return app.current_screen


def _keys(staff: Any) -> dict[str, Any]:
    return {child.text: child for child in staff.ids.pin_keys.children}


def _enter_pin(staff: Any, pin: str) -> None:
    keys = _keys(staff)
    for digit in pin:
        tap(keys[digit])
    tap(staff.ids.enter)
    _workers_done()


def _rows(staff: Any) -> list[Any]:
    return list(reversed(staff.ids.jobs.children))


def _row(staff: Any, job_no: str) -> Any:
    return next(r for r in staff.ids.jobs.children if r.job_no == job_no)


def _button(row: Any, text: str) -> Any:
    if text == "取消":
        return row.ids.cancel
    return next(b for b in row.ids.actions.children if b.text == text)


def _tap_in_list(staff: Any, widget: Any) -> None:
    staff.ids.job_scroll.scroll_to(widget, padding=40, animate=False)
    for _ in range(3):
        frame()
    tap(widget)


def _looks_pressed(button: Any) -> bool:
    """The button shows that a finger is on it."""
    normal = list(button.background_color)
    button.state = "down"
    pressed = list(button.background_color)
    button.state = "normal"
    return pressed != normal


def _settled(root: Any) -> bool:
    """No widget moved or changed size between two frames."""
    before = [(tuple(w.pos), tuple(w.size)) for w in root.walk()]
    frame()
    return before == [(tuple(w.pos), tuple(w.size)) for w in root.walk()]


def test_the_corner_gesture_needs_all_its_taps_in_time() -> None:
    taps = CornerTaps(count=5, within=3.0, size=120)
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (0, 0.5, 1.0, 1.5))
    assert taps.tap(1070, 1910, 1080, 1920, at=2.0)
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (10, 11, 12, 13))
    assert not taps.tap(1070, 1910, 1080, 1920, at=17)  # the first of these is more than 3 s old
    taps.tap(500, 500, 1080, 1920, at=17.1)  # a touch elsewhere starts the count again
    assert not any(taps.tap(1070, 1910, 1080, 1920, at=t) for t in (17.2, 17.3, 17.4, 17.5))


def test_staff_release_cancel_and_reprint_on_the_real_queue(
    app: Any, services: Services, window: Any, slip_port: int
) -> None:
    _corner_taps(window, 4)
    frame()
    assert app.current_screen.name == "home"
    staff = _open_console_pad(app, window)
    _corner_taps(window, 1)  # the fifth tap of a gesture started earlier; nothing happens
    assert staff.phase == "pin" and not staff.ids.pin_keys.disabled
    screenshot("40-staff-pin")
    _enter_pin(staff, "1111")
    wait_until(lambda: staff.pin_message == "密码错误，还可尝试 4 次", timeout=SLOW)
    _enter_pin(staff, STAFF_PIN)
    queue = services.queue
    wait_until(
        lambda: staff.phase == "console" and len(staff.ids.jobs.children) == len(queue.jobs(today=True)), timeout=SLOW
    )

    # today's figures: A4 copy pages and citizens' slips apart; 取件凭条 and the test page are not counted
    done = [j for j in queue.jobs(("done",)) if j.source == "item"]
    pages = sum(j.pages for j in done if j.kind == "a4")
    slips = sum(1 for j in done if j.kind == "receipt")
    assert f"今日 A4 复印 {pages} 页 · 小票 {slips} 张" in staff.counts_text
    assert slips == 8 and pages == sum(1 + n % 4 for n in range(24) if n % 3)

    # what each job is
    heads = {r.job_no: r.head for r in _rows(staff)}
    tickets = [j for j in queue.jobs() if j.source.startswith("ticket:")]
    test_page = next(j for j in queue.jobs() if j.source == "test")
    assert tickets and all(heads[t.job_no] == "取件凭条 1 张" for t in tickets)
    assert heads[test_page.job_no].startswith("测试页")
    assert any(h.startswith("信息小票") for h in heads.values()) and any(
        h.startswith("A4 复印件") for h in heads.values()
    )
    waiting_slip = next(r for r in _rows(staff) if r.state_text == "排队中")
    assert "连接被拒绝" in waiting_slip.error

    # printers in Chinese, with their state; the path only as a detail
    a4, slip = (r for r in reversed(staff.ids.printers.children))
    assert (a4.role, a4.where, a4.state_text) == ("A4 文档打印机", "本机假脱机文件夹（测试用，不出纸）", "空闲")
    assert a4.detail.startswith("文件夹 /") and not a4.alert
    assert (slip.role, slip.where) == ("小票打印机", f"网络小票打印机 127.0.0.1:{slip_port}")
    assert slip.state_text.startswith("离线：连接被拒绝，") and slip.alert
    wait_until(lambda: _settled(app.root), timeout=SLOW)
    screenshot("41-staff-console")
    assert all(_looks_pressed(b) for b in app.root.walk() if isinstance(b, Button) and b.opacity and not b.disabled)

    # release: the held job prints, and the message line follows it to 已完成
    held = next(r for r in _rows(staff) if r.state_text == "待放行")
    _tap_in_list(staff, _button(held, "放行"))
    wait_until(lambda: queue.get(held.job_no).state == "queued", timeout=SLOW)
    wait_until(lambda: staff.message == f"已放行任务 {held.job_no}；当前状态：排队中", timeout=SLOW)
    queue.work()  # the print worker's turn
    wait_until(lambda: _row(staff, held.job_no).state_text == "已完成", timeout=SLOW)
    wait_until(lambda: staff.message == f"已放行任务 {held.job_no}；当前状态：已完成", timeout=SLOW)

    # cancel asks first; 不取消 leaves the job as it was
    slip_no = waiting_slip.job_no
    _tap_in_list(staff, _button(_row(staff, slip_no), "取消"))
    wait_until(lambda: staff.confirm is not None, timeout=SLOW)
    dialog = staff.confirm
    assert dialog.question == f"确认取消任务 {slip_no}？" and dialog.ids.yes.text == "确认取消"
    assert dialog.ids.no.text == "不取消"
    screenshot("42-staff-confirm-cancel")
    tap(dialog.ids.no)
    wait_until(lambda: staff.confirm is None and dialog.parent is None, timeout=SLOW)
    _workers_done()
    assert queue.get(slip_no).state == "queued"
    _tap_in_list(staff, _button(_row(staff, slip_no), "取消"))
    wait_until(lambda: staff.confirm is not None, timeout=SLOW)
    tap(staff.confirm.ids.yes)
    wait_until(lambda: queue.get(slip_no).state == "cancelled", timeout=SLOW)
    wait_until(lambda: staff.message == f"已取消任务 {slip_no}；当前状态：已取消", timeout=SLOW)

    # reprint asks first, then the same copy prints again as a new job
    printed = next(r for r in _rows(staff) if r.state_text == "已完成" and r.head.startswith("A4 复印件"))
    before = len(queue.jobs())
    _tap_in_list(staff, _button(printed, "重印"))
    wait_until(lambda: staff.confirm is not None, timeout=SLOW)
    assert staff.confirm.question == f"确认重印任务 {printed.job_no}？" and staff.confirm.ids.yes.text == "确认重印"
    screenshot("46-staff-confirm-reprint")
    tap(staff.confirm.ids.yes)
    wait_until(lambda: len(queue.jobs()) == before + 1, timeout=SLOW)
    again = queue.jobs()[0]
    assert again.reprint_of == int(printed.job_no)
    queue.work()
    reprinted = f"任务 {printed.job_no} 已重印为任务 {again.job_no}；当前状态：已完成"
    wait_until(lambda: staff.message == reprinted, timeout=SLOW)

    # a stale list: the job moved on before staff pressed; the line says so, in Chinese, and stays true
    staff.act(held.job_no, "release")
    refused = f"未能放行任务 {held.job_no}：它的状态已变化；当前状态：已完成"
    wait_until(lambda: staff.message_alert and staff.message == refused, timeout=SLOW)

    window.size = LANDSCAPE
    wait_until(lambda: staff.ids.console.orientation == "horizontal", timeout=SLOW)
    wait_until(lambda: _settled(app.root), timeout=SLOW)
    assert staff.ids.side_scroll.right <= staff.ids.job_scroll.x
    screenshot("43-staff-console-landscape")
    window.size = PORTRAIT
    frame()

    app.navigator.home()  # leaving signs staff out
    wait_until(lambda: app.current_screen.name == "home" and staff.phase == "pin", timeout=SLOW)
    _workers_done()


def test_five_wrong_pins_lock_the_pad_until_the_lockout_ends(
    app: Any, services: Services, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = _open_console_pad(app, window)
    for _ in range(5):
        _enter_pin(staff, "0000")
    wait_until(lambda: staff.locked_seconds > 0, timeout=SLOW)
    assert staff.pin_message == "密码错误次数过多，重试请等待 30 秒"
    assert staff.ids.pin_keys.disabled and all(key.disabled for key in _keys(staff).values())
    tap(_keys(staff)["1"])
    assert staff.pin_text == ""  # a disabled key takes no digit
    screenshot("44-staff-pin-locked")
    window.size = LANDSCAPE
    wait_until(lambda: _settled(app.root), timeout=SLOW)
    screenshot("45-staff-pin-locked-landscape")
    window.size = PORTRAIT
    frame()

    # coming back to the pad while locked: still locked, still counting down
    app.navigator.home()
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    staff = _open_console_pad(app, window)
    wait_until(lambda: staff.locked_seconds > 0, timeout=SLOW)
    assert staff.ids.pin_keys.disabled and "重试请等待" in staff.pin_message

    # 31 seconds later (the store's clock and the pad's): the pad opens by itself and the right PIN works
    import screens.staff

    later = screens.staff.monotonic() + 31
    monkeypatch.setattr(screens.staff, "monotonic", lambda: later)
    with services.state.begin() as session:
        session.get_one(StaffPin, 1).locked_until = now() - timedelta(seconds=1)
    wait_until(lambda: staff.locked_seconds == 0, timeout=SLOW)
    assert not staff.ids.pin_keys.disabled and staff.pin_message == "请输入工作人员密码"
    _enter_pin(staff, STAFF_PIN)
    wait_until(lambda: staff.phase == "console", timeout=SLOW)
    app.navigator.home()
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    _workers_done()


def test_held_jobs_slips_and_test_pages_are_not_counted_as_printed_pages(services: Services) -> None:
    counts = services.queue.today()
    with services.state.session() as session:
        jobs = list(session.query(PrintJob).filter(PrintJob.state == "done"))
    copies = [j for j in jobs if j.source == "item"]
    assert counts.pages == sum(j.pages for j in copies if j.kind == "a4")
    assert counts.slips == sum(j.pages for j in copies if j.kind == "receipt")
    assert counts.jobs == len(services.queue.jobs(today=True))


def test_home_and_back_answer_on_the_signed_in_console(app: Any, services: Services, window: Any) -> None:
    """The hidden PIN pad overflows its pane in portrait; it must not take the taps meant for the top bar."""
    staff = _open_console_pad(app, window)
    _enter_pin(staff, STAFF_PIN)
    wait_until(lambda: staff.phase == "console", timeout=SLOW)
    home_button = next(w for w in staff.walk() if getattr(w, "text", None) == "主页")
    tap(home_button)
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)
    # the pad again: its bottom row (清除, 0, 确认) lies under the hidden console and must still answer
    staff = _open_console_pad(app, window)
    keys = _keys(staff)
    tap(keys["1"])
    tap(keys["清除"])
    assert staff.pin_text == ""
    _enter_pin(staff, STAFF_PIN)  # 20081230: three 0s and 确认
    wait_until(lambda: staff.phase == "console", timeout=SLOW)
    tap(next(w for w in staff.walk() if getattr(w, "text", None) == "返回"))
    wait_until(lambda: app.current_screen.name == "home", timeout=SLOW)


def test_a_collected_copy_offers_no_second_collected(app: Any, services: Services, window: Any) -> None:
    index_no, title = _titles(services)[0]
    job_no = _submit(services, index_no, title, "a4", 1)
    services.queue.work()
    assert services.queue.get(job_no).state == "done"
    staff = _open_console_pad(app, window)
    _enter_pin(staff, STAFF_PIN)
    wait_until(
        lambda: staff.phase == "console" and any(r.job_no == job_no for r in staff.ids.jobs.children), timeout=SLOW
    )
    _tap_in_list(staff, _button(_row(staff, job_no), "已取件"))
    wait_until(lambda: services.queue.get(job_no).collected_at is not None, timeout=SLOW)
    wait_until(lambda: "已取件" not in [b.text for b in _row(staff, job_no).ids.actions.children], timeout=SLOW)
    assert "重印" in [b.text for b in _row(staff, job_no).ids.actions.children]
