"""What the staff console is told: today's counts, what each job is, printers and their states in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.console import error_text, printer_view, printer_where, reason_text, state_text
from kiosk.jobs import JobQueue, QueuePolicy, job_purpose
from kiosk.services import Services
from kiosk.state import StateStore
from printing.base import PrinterStatus
from printing.cups import CupsPrinter
from printing.escpos_printer import ReceiptPrinter
from printing.spool import SpoolPrinter
from printing.uri import parse_receipt
from screens.services import ActionDone

SEED_INDEX_NO = "003232741/2008-00001"


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[JobQueue]:
    state = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    printers = {"a4": SpoolPrinter(tmp_path / "a4"), "receipt": SpoolPrinter(tmp_path / "slips")}
    yield JobQueue(state, printers, tmp_path / "jobs", QueuePolicy(release_above=5))  # type: ignore[arg-type]
    state.close()


def _submit(queue: JobQueue, kind: str, pages: int, source: str = "item", visitor: str = "v", **extra: bool) -> str:
    job = queue.submit(
        index_no="X/2008-00001",
        title="标题",
        kind=kind,
        data=b"copy",
        pages=pages,  # type: ignore[arg-type]
        visitor=visitor,
        source=source,
        **extra,
    )
    return job.job_no


def test_today_counts_copy_pages_and_slips_apart_from_held_job_slips_and_test_pages(queue: JobQueue) -> None:
    _submit(queue, "a4", 3)
    _submit(queue, "a4", 4, source="attachment:附件1.pdf")
    _submit(queue, "receipt", 1)
    _submit(queue, "receipt", 1, visitor="w")
    held = _submit(queue, "a4", 9)  # waits for staff: not printed
    _submit(queue, "receipt", 1, source=f"ticket:{held}", exempt=True)  # its 取件凭条
    _submit(queue, "a4", 1, source="test", visitor="staff", exempt=True)
    _submit(queue, "receipt", 1, source="test", visitor="staff", exempt=True)
    queue.work()
    counts = queue.today()
    assert (counts.pages, counts.slips) == (7, 2)
    assert (counts.jobs, counts.waiting, counts.failures) == (8, 1, 0)
    queue.release(held, "console")
    queue.work()
    assert queue.today().pages == 16


@pytest.mark.parametrize(
    ("source", "kind", "purpose"),
    [
        ("item", "a4", "copy"),
        ("attachment:附件.pdf", "a4", "copy"),
        ("item", "receipt", "slip"),
        ("ticket:0007", "receipt", "ticket"),
        ("test", "a4", "test"),
        ("test", "receipt", "test"),
    ],
)
def test_what_a_job_is(source: str, kind: str, purpose: str) -> None:
    assert job_purpose(source, kind) == purpose


def test_printers_are_described_in_chinese(tmp_path: Path) -> None:
    assert printer_where(SpoolPrinter(tmp_path)) == ("本机假脱机文件夹（测试用，不出纸）", f"文件夹 {tmp_path}")
    assert printer_where(CupsPrinter("KioskPDF")) == ("CUPS 队列 KioskPDF", "")
    receipt = lambda uri: ReceiptPrinter(parse_receipt(uri, "printing.receipt", tmp_path))  # noqa: E731
    assert printer_where(receipt("tcp://192.168.1.60:9100")) == ("网络小票打印机 192.168.1.60:9100", "")
    assert printer_where(receipt("usb://0416:5011")) == ("USB 小票打印机（设备号 0416:5011）", "")
    assert printer_where(receipt("serial:///dev/ttyUSB0")) == ("串口小票打印机", "设备 /dev/ttyUSB0")
    assert printer_where(receipt("file:///dev/usb/lp0")) == ("小票打印机（设备文件）", "设备 /dev/usb/lp0")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (PrinterStatus("idle", paper="ok"), "空闲"),
        (PrinterStatus("processing", "printing page 2"), "打印中"),
        (PrinterStatus("stopped", "disabled"), "已停止：已被管理员停用"),
        (PrinterStatus("stopped", "not accepting jobs: maintenance"), "已停止：不接受新任务（已被管理员暂停）"),
        (PrinterStatus("stopped", "Rebooting, back at 3"), "已停止：原因见下方详情"),
        (
            PrinterStatus("offline", "receipt printer tcp://10.0.0.9:9100 refused the connection: is it switched on?"),
            "离线：连接被拒绝，请检查打印机是否开机、网线是否接好",
        ),
        (PrinterStatus("offline", "the CUPS scheduler is not running"), "离线：CUPS 打印服务未运行，请联系管理员"),
        (PrinterStatus("idle", "the paper has run out", "out"), "缺纸，请装纸"),
        (PrinterStatus("idle", "", "out"), "缺纸，请装纸"),
        (PrinterStatus("idle", "the paper roll is nearly used up", "near_end"), "空闲，纸将用完，请备好新纸卷"),
        (PrinterStatus("unknown", "the printer does not answer status requests"), "状态未知，打印机不回答状态查询"),
    ],
)
def test_printer_states_in_chinese(status: PrinterStatus, words: str) -> None:
    assert state_text(status) == words


def test_a_printer_view_keeps_the_printers_own_words_as_a_detail(tmp_path: Path) -> None:
    status = PrinterStatus("offline", "the spool folder /x is not writable")
    view = printer_view("a4", SpoolPrinter(tmp_path), status, "")
    assert (view.where, view.state_text, view.reason) == (
        "本机假脱机文件夹（测试用，不出纸）",
        "离线：本机无权写入，请联系管理员",
        "本机无权写入，请联系管理员",
    )
    assert view.detail == f"文件夹 {tmp_path}；the spool folder /x is not writable" and not view.ready
    assert (
        printer_view("a4", SpoolPrinter(tmp_path), PrinterStatus("idle", paper="ok"), "").detail == f"文件夹 {tmp_path}"
    )


def test_job_errors_are_said_in_chinese() -> None:
    retry = "打印机暂不可用，稍后自动重试：receipt printer tcp://h:9100 refused the connection: is it on?"
    assert error_text(retry) == "打印机暂不可用，稍后自动重试：连接被拒绝，请检查打印机是否开机、网线是否接好"
    assert error_text("the copy of this job cannot be read: No such file") == "本机保存的打印文件读不出，无法打印"
    assert error_text("发送中断：请检查打印机是否已打出") == "发送中断：请检查打印机是否已打出"
    assert reason_text("something new") == ""


@pytest.fixture
def services(real_services: Services) -> Services:
    return real_services


def test_console_actions_say_what_they_did_and_which_job_to_follow(services: Services) -> None:
    services.queue.policy = QueuePolicy(release_above=1)
    held = services.print_item(SEED_INDEX_NO, "a4", wait=0)
    overview = services.staff_overview(today_only=True)
    assert [(j.state, j.purpose) for j in overview.jobs] == [("awaiting_release", "copy"), ("done", "ticket")]
    assert (overview.today_pages, overview.today_slips) == (0, 0)  # the 取件凭条 is no citizen's slip
    assert services.job_action(held.job_no, "release") == ActionDone(f"已放行任务 {held.job_no}", held.job_no)
    with pytest.raises(Exception, match=f"未能放行任务 {held.job_no}：它的状态已变化"):
        services.job_action(held.job_no, "release")
    services.wait_for(held.job_no, 5)
    again = services.job_action(held.job_no, "reprint")
    assert again.said == f"任务 {held.job_no} 已重印为任务 {again.job_no}" and again.job_no != held.job_no
    assert services.job_action(held.job_no, "collected").said == f"任务 {held.job_no} 已登记为已取件"
    test = services.staff_test_print("receipt")
    assert test.said == f"已发送小票打印机测试页（任务 {test.job_no}）"
    overview = services.staff_overview(today_only=True)
    assert {j.job_no: j.purpose for j in overview.jobs}[test.job_no] == "test"
    assert overview.today_pages == 2 * held.pages and overview.today_slips == 0
