"""Chinese line breaking on paper: the A4 copy and the receipt slip keep 禁则 and codes whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

import pytest

from printing.a4 import render_a4
from printing.document import CopyStamp, PrintDocument
from printing.receipt import receipt_lines

PdfTool = Callable[..., str]
CREDIT_INDEX_NO = "11320000014000000X/2008-00012"
SENTENCE = "依据宿政〔2008〕12号文件，索引号为003232741/2008-00001，于2008年公开，共计373.51万元。“信息公开”（试行）。"
# Every offset of the sentence in a line of about 38 characters: each code meets the right margin somewhere.
BODY = "\n".join("政" * offset + SENTENCE for offset in range(40))
NO_LINE_START = "。，、；：？！）》」』〕】…”"


@pytest.fixture
def coded(make_document: Callable[..., PrintDocument]) -> PrintDocument:
    """A document whose body, title, 文号 and address are full of numbers and codes."""
    return make_document(
        index_no=CREDIT_INDEX_NO,
        title="关于印发《宿迁市政府信息公开指南（2008年修订）》的通知（索引号003232741/2008-00001）",
        doc_no="宿政办发〔2008〕120号",
        body=BODY,
        source_url=f"https://www.suqian.gov.cn/xxgk/{CREDIT_INDEX_NO}.shtml",
    )


def _layout_lines(pdf_tool: PdfTool, pdf: bytes) -> list[str]:
    return pdf_tool("pdftotext", pdf, "-layout").splitlines()


def test_no_a4_line_starts_with_a_closing_mark(coded: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool) -> None:
    lines = _layout_lines(pdf_tool, render_a4(coded, stamp)[0])
    for line in lines:
        for column in re.split(r"\s{2,}", line.strip()):  # -layout sets table columns side by side
            assert not column or column[0] not in NO_LINE_START, line
            assert not column or column[-1] not in "（《「『〔【“", line


def test_a4_copy_keeps_index_numbers_doc_numbers_and_years_whole(
    coded: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    pdf, pages = render_a4(coded, stamp)
    lines = _layout_lines(pdf_tool, pdf)

    def whole(text: str) -> int:
        return sum(line.count(text) for line in lines)

    assert whole("003232741/2008-00001") == 40 + 1  # the body and the title
    assert whole(CREDIT_INDEX_NO) == 1 + 1 + pages  # the table, the address under the code, each running header
    assert whole("宿政〔2008〕12号") == 40
    assert whole("宿政办发〔2008〕120号") == 1
    assert whole("373.51") == 40
    body = [line.strip() for line in lines if "政" in line]
    for above, below in pairwise(body):
        assert not (above[-1].isdigit() and below[0].isdigit()), (above, below)  # no number split


def test_a4_lines_fill_the_column(coded: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool) -> None:
    # Breaking by units must not leave lines half empty: most body lines hold over 30 characters.
    lines = [line.strip() for line in _layout_lines(pdf_tool, render_a4(coded, stamp)[0])]
    body = [line for line in lines if "政" in line and "索引号 " not in line]
    assert sum(len(line) >= 30 for line in body) > len(body) // 2


def test_slip_lines_at_58mm(coded: PrintDocument, stamp: CopyStamp) -> None:
    assert receipt_lines(coded, stamp, "58mm", job_no="A4-000123")[2:10] == [
        "关于印发《宿迁市政府信息公开指南",
        "（2008年修订）》的通知（索引号",
        "003232741/2008-00001）",
        "索引号：",
        CREDIT_INDEX_NO,
        "文号：宿政办发〔2008〕120号",
        "发布日期：2009-03-31",
        "有效性：有效",
    ]


def test_slip_lines_at_80mm(coded: PrintDocument, stamp: CopyStamp) -> None:
    assert receipt_lines(coded, stamp, "80mm")[2:6] == [
        "关于印发《宿迁市政府信息公开指南（2008年修订）》",
        "的通知（索引号003232741/2008-00001）",
        f"索引号：{CREDIT_INDEX_NO}",
        "文号：宿政办发〔2008〕120号",
    ]


@pytest.mark.parametrize("width", ["58mm", "80mm"])
def test_no_slip_line_starts_with_a_closing_mark(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, width: str
) -> None:
    for offset in range(24):
        lines = receipt_lines(make_document(title="政" * offset + SENTENCE), stamp, width)  # type: ignore[arg-type]
        assert all(line[0] not in NO_LINE_START for line in lines), lines
        assert sum(line.count("003232741/2008-00001") for line in lines) == 1, lines


def test_a_caption_under_the_slip_qr_code_keeps_the_index_number_whole() -> None:
    from printing.receipt import wrap_columns

    caption = f"扫码查看原文　索引号：{CREDIT_INDEX_NO}"
    assert wrap_columns(caption, 32) == ["扫码查看原文　索引号：", CREDIT_INDEX_NO]
    assert wrap_columns(caption, 48) == ["扫码查看原文　索引号：", CREDIT_INDEX_NO]
    assert wrap_columns("索引号：01404553-7/2026-90001", 32) == ["索引号：01404553-7/2026-90001"]
