"""The print screen on the real services: exactly what a citizen reads, from choosing to collecting.

The real KioskApp in the offscreen window, the real state store, renderers and
spool printers; faults are made real (a writer holding the store's lock, a
spool folder that cannot be written, a damaged attachment).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.jobs import QueuePolicy
from kiosk.services import Services
from screens import theme
from screens.print_copy import CHOOSE_FIRST
from tests.kiosk.test_attachments import NAME, _attach, _pdf
from tests.ui.conftest import LANDSCAPE, PORTRAIT, frame, screenshot, tap, wait_for_workers, wait_until

SEED_TITLE = "宿州市2008年政府信息公开工作年度报告"
SEED_INDEX_NO = "003232741/2008-00001"
GREY = (0.80, 0.80, 0.80, 1)


@pytest.fixture
def services(real_services: Services) -> Services:
    """The real services (overrides the fake of tests/ui)."""
    return real_services


def _open_print(app: Any, attachment: str = "") -> Any:
    extra = {"attachment": attachment} if attachment else {}
    app.navigator.show("print", index_no=SEED_INDEX_NO, title=SEED_TITLE, **extra)
    screen = app.current_screen
    wait_until(lambda: screen.name == "print" and screen.ready)
    return screen


def _print(screen: Any, kind: str) -> None:
    tap(screen.ids[kind])
    wait_until(lambda: screen.phase == "ready")
    tap(screen.ids.confirm)
    wait_until(lambda: screen.phase in ("done", "failed", "unknown"), timeout=60)


def test_a_slip_then_an_a4_copy_say_where_each_is_collected(app: Any, services: Services, kiosk_home: Path) -> None:
    screen = _open_print(app)
    assert screen.ids.confirm.disabled and tuple(screen.ids.confirm.background_color) == GREY
    assert screen.ids.hint.text == CHOOSE_FIRST
    assert "名称、索引号\n和二维码" in screen.ids.receipt.text and "不含正文" in screen.ids.receipt.text
    tap(screen.ids.confirm)  # a tap on the grey button changes nothing; the hint says why
    assert screen.phase == "choose" and screen.ids.hint.text == CHOOSE_FIRST
    screenshot("40-real-print-choose")

    _print(screen, "receipt")
    assert screen.ids.outcome_title.text == "打印任务号 0001"
    assert screen.ids.outcome.text == "小票 1 张，免费\n小票已打出，请在本机出纸口取走。"
    assert screen.job_note == "您的打印任务 0001：请在本机出纸口取走"
    slip = (kiosk_home / "spool" / "0001.escpos").read_bytes()
    assert "信息索引小票".encode("gb18030") in slip and "阅览复制件".encode("gb18030") not in slip
    screenshot("41-real-print-slip-done")

    screen = _open_print(app)
    tap(screen.ids.a4)
    wait_until(lambda: screen.phase == "ready")
    pages = services.print_quote(SEED_INDEX_NO, "a4").pages
    assert screen.ids.pages.text == f"A4 复印件共 {pages} 页" and screen.ids.terms.text == "免费"
    assert screen.ids.hint.text == "" and not screen.ids.confirm.disabled
    tap(screen.ids.confirm)
    wait_until(lambda: screen.phase == "done", timeout=60)
    assert screen.ids.outcome_title.text == "打印任务号 0002"
    assert screen.ids.outcome.text == f"A4 复印件 {pages} 页，免费\n请到服务台领取。"
    assert screen.ids.confirm.text == "回到主页"
    screenshot("42-real-print-a4-done")


def test_every_a4_copy_waits_for_staff_when_the_room_says_so(app: Any, services: Services) -> None:
    services.queue.policy = QueuePolicy(release_above=0, fee_per_page_cents=50)
    screen = _open_print(app)
    tap(screen.ids.a4)
    wait_until(lambda: screen.phase == "ready")
    pages = services.print_quote(SEED_INDEX_NO, "a4").pages
    fee = f"{pages * 0.5:.2f}"
    assert (
        screen.ids.terms.text == f"费用 {fee} 元\n本阅览室的A4复印件都由工作人员核对后打印。\n"
        "确认后本机出纸口会打出取件凭条，请持凭条到服务台领取。"
    )
    assert "页数较多" not in screen.ids.terms.text
    screenshot("43-real-print-release-fee")
    tap(screen.ids.confirm)
    wait_until(lambda: screen.phase == "done", timeout=60)
    assert screen.ids.outcome.text == (
        f"A4 复印件 {pages} 页，费用 {fee} 元\n"
        "本阅览室的A4复印件都由工作人员核对后打印。\n请在本机出纸口取走取件凭条，到服务台出示，工作人员核对后为您打印。"
    )
    assert screen.ids.outcome_title.text == "打印任务号 0001" and services.queue.get("1").state == "awaiting_release"
    assert screen.ids.terms.text == screen.ids.pages.text == ""  # the card says it all: no stale terms below it


def test_a_locked_store_is_said_in_plain_words_and_the_citizen_may_try_again(
    app: Any, services: Services, kiosk_home: Path
) -> None:
    screen = _open_print(app)
    tap(screen.ids.receipt)
    wait_until(lambda: screen.phase == "ready")
    other = sqlite3.connect(kiosk_home / "state.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        tap(screen.ids.confirm)
        wait_until(lambda: screen.phase != "printing", timeout=60)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert screen.phase == "failed" and screen.ids.outcome_title.text == "未能打印"
    assert screen.ids.outcome.text == (
        "本机正忙，打印没有登记上。请稍等片刻再试一次；如仍不行，请到服务台找工作人员帮助。\n"
        "本次没有生成打印任务，不会打印，也不收费。"
    )
    assert services.queue.jobs() == []
    assert screen.ids.confirm.text == "再试一次：确认打印" and not screen.ids.confirm.disabled
    screenshot("44-real-print-busy")
    tap(screen.ids.confirm)
    wait_until(lambda: screen.phase == "done", timeout=60)
    assert screen.ids.outcome_title.text == "打印任务号 0001"


def test_a_printer_that_cannot_take_the_job_keeps_it_and_says_so(
    app: Any, services: Services, kiosk_home: Path
) -> None:
    services.settings = replace(services.settings, wait_seconds=0)
    (kiosk_home / "spool").write_text("not a folder")  # the A4 spool printer cannot write its copy
    screen = _open_print(app)
    _print(screen, "a4")
    assert screen.phase == "done" and screen.ids.outcome_title.text == "打印任务号 0001"
    assert screen.ids.outcome.text.endswith("\n打印机暂不可用，任务已保留，恢复后自动打印。请到服务台领取。")
    assert services.queue.get("1").state == "queued"
    screenshot("45-real-print-printer-off")


def test_a_damaged_attachment_is_said_on_its_screen(app: Any, services: Services) -> None:
    data = _pdf(1)
    _attach(services, data)
    from content_cache.attachments import attachment_file

    attachment_file(services.attachments, hashlib.sha256(data).hexdigest()).write_bytes(data[:-10] + b"0123456789")
    app.navigator.show("attachment", index_no=SEED_INDEX_NO, title=SEED_TITLE, attachment=NAME)
    screen = app.current_screen
    wait_until(lambda: screen.ready)
    assert screen.ids.notice.text == "此附件文件已损坏，暂时无法查看或打印。请到服务台找工作人员帮助。"
    assert screen.ids.print_button.disabled and tuple(screen.ids.print_button.background_color) == (0.85, 0.85, 0.85, 1)
    screenshot("46-real-attachment-damaged")


def test_after_a_print_the_job_number_outlives_the_idle_reset(app: Any, services: Services) -> None:
    screen = _open_print(app)
    _print(screen, "receipt")
    app.navigator.back()
    screen = _open_print(app)
    _print(screen, "a4")
    tap(screen.ids.outcome_title)  # the visitor is here: the idle timer runs
    app.idle.advance(app.idle.timeout + 0.5)
    wait_until(lambda: app.warning.parent is not None)
    # every job of the visit, not only the last
    assert app.warning.ids.job.text == "您的打印任务 0001：请在本机出纸口取走\n您的打印任务 0002：请到服务台领取"
    app.idle.touched()
    wait_until(lambda: app.warning.parent is None)
    app.idle.advance(app.idle.timeout + 0.5)
    wait_until(lambda: app.warning.parent is not None)
    assert app.warning.ids.job.text.endswith("您的打印任务 0002：请到服务台领取")
    screenshot("47-real-idle-warning-with-job")

    app.idle.advance(app.idle.warning)
    wait_until(lambda: app.current_screen.name == "home" and app.current_screen.ready)
    assert app.banner.parent is not None
    # the visit is over: the slip came out of the kiosk and is left out; the copy at the desk stays
    wait_until(lambda: app.banner.ids.note.text == "您的打印任务 0002：请到服务台领取")
    assert screen.outcome_title == ""  # the print screen itself forgot the visit
    screenshot("48-real-home-last-job")

    tap(app.banner)  # a tap on the banner closes it and presses nothing beneath
    assert app.banner.parent is None and app.current_screen.name == "home"


def test_a_copy_staff_cancelled_is_said_cancelled_on_the_warning_and_on_home(app: Any, services: Services) -> None:
    services.queue.policy = QueuePolicy(release_above=0)
    screen = _open_print(app)
    _print(screen, "a4")
    assert services.queue.get("1").state == "awaiting_release"
    services.queue.cancel("1", "console")  # at the desk, while the visitor is still at the kiosk
    tap(screen.ids.outcome_title)
    app.idle.advance(app.idle.timeout + 0.5)
    wait_until(
        lambda: (
            app.warning.parent is not None
            and app.warning.ids.job.text == "您的打印任务 0001：已由工作人员取消，不会打印"
        )
    )
    app.idle.advance(app.idle.warning)
    wait_until(
        lambda: (
            app.current_screen.name == "home"
            and app.banner.parent is not None
            and app.banner.ids.note.text == "您的打印任务 0001：已由工作人员取消，不会打印"
        )
    )


def test_the_next_visitor_s_first_tap_elsewhere_clears_the_banner(app: Any, services: Services) -> None:
    app.show_last_job("您的打印任务 0003：请到服务台领取")
    home = app.current_screen
    tap(home.ids.search_bar)
    assert app.banner.parent is None
    wait_until(lambda: app.current_screen.name == "search")


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_print_screen_at_the_largest_text_size(app: Any, services: Services, window: Any, size: Any) -> None:
    window.size = size
    screen = _open_print(app)
    theme.text.step = 3  # 特大: as after three taps on A+
    try:
        services.queue.policy = QueuePolicy(release_above=0, fee_per_page_cents=50)
        _print(screen, "a4")
        assert screen.ids.outcome_title.font_size == pytest.approx(theme.text.tile * 1.2)
        screenshot(f"49-real-print-largest-{'portrait' if size == PORTRAIT else 'landscape'}")
    finally:
        theme.text.reset()
        wait_for_workers()


def test_every_button_of_the_print_screen_and_the_warning_looks_pressed_when_pressed(app: Any) -> None:
    screen = _open_print(app)
    tap(screen.ids.a4)
    wait_until(lambda: screen.phase == "ready")
    buttons = [screen.ids.receipt, screen.ids.a4, screen.ids.confirm, screen.ids.back, app.warning.ids.resume]
    for button in buttons:
        normal = tuple(button.background_color)
        button.state = "down"
        pressed = tuple(button.background_color)
        button.state = "normal"
        assert pressed != normal and pressed != tuple(button.color), button.text


def test_the_banner_leaves_the_tiles_and_the_content_date_uncovered(app: Any, services: Services) -> None:
    app.show_last_job("您的打印任务 0003：请到服务台领取\n您的打印任务 0004：请到服务台领取")
    home = app.current_screen
    wait_until(lambda: home.foot_room == app.banner.height and app.banner.height > 0)
    for _ in range(5):
        frame()
    banner_top = app.banner.top
    for widget in [*home.ids.tiles.children, home.ids.updated]:
        assert widget.to_window(widget.x, widget.y)[1] >= banner_top - 1, widget
    app.hide_last_job()
    assert home.foot_room == 0


def test_an_attachments_copy_is_described_as_the_attachment_as_it_is(app: Any, services: Services) -> None:
    _attach(services, _pdf(2))
    screen = _open_print(app, attachment=NAME)
    assert "附件\n按原样\n打印" in screen.ids.a4.text and "二维码" not in screen.ids.a4.text
    assert screen.ids.receipt.disabled
    screenshot("47-real-print-attachment")
    _print(screen, "a4")
    assert screen.phase == "done"
