"""PDF attachments: their pages counted before confirming, printed byte for byte, drawn for the screen."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from content_cache.attachments import attachment_file
from content_cache.demo import annual_report_2008
from content_cache.records import AttachmentRecord
from content_cache.store import upsert_items
from kiosk import usage
from kiosk.services import PrintRefused, Services
from printing import CopyStamp, PrintDocument, render_a4

NAME = "2008年政府信息公开统计表.pdf"


def _pdf(pages_of_text: int = 3) -> bytes:
    doc = PrintDocument(
        "X/2008-00001",
        "统计表",
        None,
        "宿州市政府办公室",
        None,
        date(2008, 12, 30),
        "valid",
        "政府信息公开统计。" * 700 * pages_of_text,
        "",
    )
    return render_a4(doc, CopyStamp("publisher", datetime(2009, 1, 5, 9, 0), None))[0]


def _attach(services: Services, data: bytes, name: str = NAME, media_type: str = "application/pdf") -> None:
    sha = hashlib.sha256(data).hexdigest()
    path = attachment_file(services.attachments, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record = replace(annual_report_2008(), attachments=(AttachmentRecord(name, sha, len(data), media_type),))
    with services.content.transaction() as session:
        upsert_items(session, [record])


@pytest.fixture
def services(real_services: Services) -> Services:
    return real_services


def test_a_pdf_attachment_prints_as_it_is_with_its_pages_known_first(services: Services, kiosk_home: Path) -> None:
    data = _pdf()
    _attach(services, data)
    index_no = annual_report_2008().index_no
    pages = services.attachment_pages(index_no, NAME)
    quote = services.print_quote(index_no, "a4", attachment=NAME)
    assert quote.pages == pages >= 3 and quote.refusal == ""
    outcome = services.print_item(index_no, "a4", attachment=NAME)
    assert (outcome.state, outcome.pages) == ("done", pages)
    assert (kiosk_home / "spool" / f"{outcome.job_no}.pdf").read_bytes() == data  # byte for byte
    job = services.queue.get(outcome.job_no)
    assert job.source == f"attachment:{NAME}" and NAME in job.title
    assert usage.event_counts(services.state)["print"] == 1


def test_attachment_pages_are_drawn_for_the_screen(services: Services) -> None:
    _attach(services, _pdf())
    png = services.attachment_page(annual_report_2008().index_no, NAME, 1, 800)
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 800
    with pytest.raises(Exception, match="没有第 99 页"):
        services.attachment_page(annual_report_2008().index_no, NAME, 98, 800)


def test_a_tampered_or_missing_attachment_is_refused(services: Services) -> None:
    data = _pdf(1)
    _attach(services, data)
    index_no = annual_report_2008().index_no
    path = attachment_file(services.attachments, hashlib.sha256(data).hexdigest())
    path.write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(PrintRefused, match="已损坏"):
        services.print_item(index_no, "a4", attachment=NAME)
    assert services.print_quote(index_no, "a4", attachment=NAME).refusal.startswith("此附件文件已损坏")
    path.unlink()
    with pytest.raises(PrintRefused, match="缺失"):
        services.attachment_pages(index_no, NAME)
    assert services.queue.jobs() == []


def test_an_attachment_that_is_not_a_readable_pdf_is_refused_with_a_reason(services: Services) -> None:
    index_no = annual_report_2008().index_no
    _attach(services, b"PK\x03\x04 a spreadsheet", name="统计表.xlsx", media_type="application/vnd.ms-excel")
    assert services.print_quote(index_no, "a4", attachment="统计表.xlsx").refusal == "此附件不是 PDF 文件，无法打印。"
    _attach(services, b"%PDF-1.7\n garbage that is no PDF", name="坏.pdf")
    assert services.print_quote(index_no, "a4", attachment="坏.pdf").refusal.startswith("此附件无法读取")
    gone = services.print_quote(index_no, "a4", attachment="无此附件.pdf")
    assert gone.refusal == "这个附件已不在本机的目录中，可能刚刚更新。请返回文件页重新打开。"
