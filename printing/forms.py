"""The kiosk's own printed forms, built as documents: a held job's pickup slip and a printer's test page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from printing.document import PrintDocument

TEST_PAGE_INDEX_NO = "TEST/0000-00000"


def held_job_ticket(doc: PrintDocument, job_no: str, pages: int, fee_cents: int, collect_at: str) -> PrintDocument:
    """The slip a held job's citizen takes to the desk: its job number, pages, fee and the document's title.

    A slip prints the title and the metadata, never the body; it is printed under `TICKET_LABEL`.
    """
    fee = f"，费用 {fee_cents / 100:.2f} 元" if fee_cents else ""
    return replace(
        doc,
        title=f"取件凭条 任务号 {job_no}：A4 复印件共 {pages} 页{fee}，由工作人员核对后打印。"
        f"请到{collect_at}出示本凭条。《{doc.title}》",
    )


def printer_test_page(kiosk_name: str, today: date) -> PrintDocument:
    """A short page in Chinese, Latin and digits: if staff can read it, the printer and its font work."""
    return PrintDocument(
        index_no=TEST_PAGE_INDEX_NO,
        title="打印机测试页 Printer test",
        doc_no=None,
        publisher=kiosk_name,
        written_on=None,
        published_on=today,
        validity="valid",
        body="这是一张测试页：中文、English、数字 0123456789。若能看清本页，打印机工作正常。",
        source_url="",
    )
