"""The kiosk's own forms: a held job's pickup slip and the printer test page, as printed documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from printing.document import CopyStamp, PrintDocument, withdrawn_mark
from printing.forms import TEST_PAGE_INDEX_NO, held_job_ticket, printer_test_page
from printing.receipt import receipt_lines


@pytest.mark.parametrize(("fee_cents", "fee"), [(0, ""), (150, "，费用 1.50 元"), (1000, "，费用 10.00 元")])
def test_a_held_job_s_slip_says_its_number_pages_fee_and_where_to_go(
    document: PrintDocument, fee_cents: int, fee: str
) -> None:
    ticket = held_job_ticket(document, "0042", 12, fee_cents, "一楼服务台")
    assert ticket.title == (
        f"取件凭条 任务号 0042：A4 复印件共 12 页{fee}，由工作人员核对后打印。"
        f"请到一楼服务台出示本凭条。《{document.title}》"
    )
    assert (ticket.index_no, ticket.publisher, ticket.validity) == (
        document.index_no,
        document.publisher,
        document.validity,
    )


def test_a_withdrawn_document_s_slip_keeps_its_mark(document: PrintDocument, stamp: CopyStamp) -> None:
    ticket = held_job_ticket(replace(document, validity="abolished"), "0007", 3, 0, "服务台")
    assert "本文件已废止，仅供查阅参考" in receipt_lines(ticket, stamp)


def test_the_test_page_shows_chinese_latin_and_digits() -> None:
    page = printer_test_page("宿迁市档案馆 查阅机1", date(2026, 12, 2))
    assert page.index_no == TEST_PAGE_INDEX_NO
    assert page.publisher == "宿迁市档案馆 查阅机1"
    assert page.published_on == date(2026, 12, 2)
    assert all(part in page.body for part in ("中文", "English", "0123456789"))
    assert withdrawn_mark(page.validity) == ""


@pytest.mark.parametrize(
    ("validity", "mark", "label"),
    [
        ("valid", "", "有效"),
        ("amended", "", "已修订"),
        ("abolished", "本文件已废止", "废止"),
        ("expired", "本文件已失效", "失效"),
    ],
)
def test_the_withdrawn_mark_follows_the_validity_code(
    document: PrintDocument, validity: str, mark: str, label: str
) -> None:
    doc = replace(document, validity=validity)
    assert withdrawn_mark(doc.validity) == mark
    assert doc.validity_label == label
