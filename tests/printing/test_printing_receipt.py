from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from printing.document import SLIP_LABEL, CopyStamp, PrintDocument, ReceiptWidth
from printing.receipt import columns, encode_line, receipt_lines, render_receipt, wrap_columns

ESC_INIT = b"\x1b\x40"
FS_AND = b"\x1c\x26"
FS_DOT = b"\x1c\x2e"
CHINESE_SEGMENT = re.compile(rb"\x1c\x26(.*?)\x1c\x2e", re.DOTALL)
WIDTHS: dict[ReceiptWidth, int] = {"58mm": 32, "80mm": 48}


def _chinese_text(data: bytes) -> str:
    """Everything sent inside Chinese mode, decoded, with line breaks dropped."""
    return "".join(segment.decode("gb18030") for segment in CHINESE_SEGMENT.findall(data))


@pytest.mark.parametrize("width", ["58mm", "80mm"])
def test_slip_structure(document: PrintDocument, stamp: CopyStamp, width: ReceiptWidth) -> None:
    data = render_receipt(document, stamp, width, job_no="A-0042")
    assert data.startswith(ESC_INIT)
    assert document.title in _chinese_text(data)
    assert b"\x1d(k" in data  # GS ( k: native QR code
    assert b"1P0" + document.source_url.encode() in data  # the QR code stores the source address
    assert data.endswith(b"\x1bd\x06\x1dV\x00")  # feed six lines, then GS V full cut
    assert "任务号：A-0042" in _chinese_text(data)


def test_every_non_ascii_byte_is_inside_chinese_mode(document: PrintDocument, stamp: CopyStamp) -> None:
    data = render_receipt(document, stamp)
    outside = CHINESE_SEGMENT.sub(b"", data)
    assert FS_AND not in outside and FS_DOT not in outside  # modes are balanced
    assert all(byte < 0x80 for byte in outside)


def test_exact_bytes_of_field_lines(document: PrintDocument, stamp: CopyStamp) -> None:
    data = render_receipt(document, stamp)
    assert FS_AND + "文号：无".encode("gb18030") + FS_DOT + b"\n" in data
    assert FS_AND + "发布日期：2009-03-31".encode("gb18030") + FS_DOT + b"\n" in data
    assert document.index_no.encode("ascii") + b"\n" in data  # too wide to share its label's line


def test_heading_is_centred_bold_and_tall_then_reset(document: PrintDocument, stamp: CopyStamp) -> None:
    data = render_receipt(document, stamp)
    heading = FS_AND + SLIP_LABEL.encode("gb18030") + FS_DOT + b"\n"
    start = data.index(heading)
    assert data[:start].endswith(b"\x1bE\x01\x1ba\x01\x1c!\x08")  # bold, centre, double-height Chinese
    assert data[start + len(heading) :].startswith(b"\x1c!\x00")


@pytest.mark.parametrize("width", ["58mm", "80mm"])
def test_lines_fit_the_paper(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, width: ReceiptWidth
) -> None:
    doc = make_document(title="关于" + "公开" * 40 + " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop，测试。")
    lines = receipt_lines(doc, stamp, width, job_no="J1")
    assert all(columns(line) <= WIDTHS[width] for line in lines)
    data = render_receipt(doc, stamp, width, job_no="J1")
    position = 0
    for line in lines:  # every wrapped line is sent, in order
        position = data.index(encode_line(line), position)


def test_title_is_whole_across_wrapped_lines(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    title = "关于进一步做好政府信息公开申请办理工作和规范政府信息查阅场所服务的通知"
    data = render_receipt(make_document(title=title), stamp)
    assert len([line for line in receipt_lines(make_document(title=title), stamp) if line[0] in title]) >= 2
    assert title in _chinese_text(data)


def test_emoji_and_unencodable_characters_become_question_marks(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    data = render_receipt(make_document(title="通知😀\ud800完𠀀"), stamp)
    assert "通知??完?" in _chinese_text(data)


def test_rare_extension_a_character_is_kept(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    assert "张䶮" in _chinese_text(render_receipt(make_document(title="张䶮"), stamp))


def test_control_characters_cannot_reach_the_printer(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp
) -> None:
    data = render_receipt(make_document(title="标题\x1b\x40\x1dV\x00尾"), stamp)
    assert FS_AND + "标题@ V尾".encode("gb18030") + FS_DOT in data  # NUL dropped, GS (a separator) is a space


def test_without_job_number_or_sync_date(document: PrintDocument, stamp: CopyStamp) -> None:
    no_sync = CopyStamp(kiosk_name=stamp.kiosk_name, printed_at=stamp.printed_at, content_synced_on=None)
    text = "\n".join(receipt_lines(document, no_sync))
    assert "任务号" not in text and "内容同步于" not in text
    assert "打印时间 2024-05-01 14:30" in text and stamp.kiosk_name in text


def test_no_qr_code_without_a_source_url(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    assert b"\x1d(k" not in render_receipt(make_document(source_url=""), stamp)


def test_long_url_gets_smaller_qr_modules(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    short = render_receipt(make_document(source_url="https://gov.cn/1"), stamp)
    long = render_receipt(make_document(source_url="https://gov.cn/" + "x" * 400), stamp)
    assert b"1C\x06" in short  # GS ( k function 167: module size 6 dots
    assert b"1C\x04" in long  # version 13: 69 modules + quiet zone, 4 dots each fit 384


class TestWrap:
    def test_chinese_counts_two_columns(self) -> None:
        assert wrap_columns("一二三四五", 6) == ["一二三", "四五"]

    def test_ascii_words_stay_whole(self) -> None:
        assert wrap_columns("copy of 文件 number 12345", 10) == ["copy of 文", "件 number", "12345"]

    def test_too_long_word_is_split(self) -> None:
        assert wrap_columns("abcdefghij", 4) == ["abcd", "efgh", "ij"]

    def test_punctuation_does_not_start_a_line(self) -> None:
        assert wrap_columns("一二三，四", 6) == ["一二", "三，四"]

    def test_a_word_and_its_punctuation_move_down_together(self) -> None:
        assert wrap_columns("一二 abc，", 9) == ["一二", "abc，"]


@pytest.mark.parametrize(("validity", "mark"), [("abolished", "本文件已废止"), ("expired", "本文件已失效")])
def test_withdrawn_document_slip_carries_the_warning_under_the_title(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, validity: str, mark: str
) -> None:
    doc = make_document(validity=validity)
    lines = receipt_lines(doc, stamp)
    warning = f"{mark}，仅供查阅参考"
    assert doc.title.endswith(lines[lines.index(warning) - 1])  # the line after the title's last
    heading = b"\x1bE\x01\x1ba\x01\x1c!\x08" + FS_AND + warning.encode("gb18030") + FS_DOT + b"\n"
    assert heading in render_receipt(doc, stamp)  # bold, centred and tall, like the title


def test_valid_document_slip_has_no_warning(document: PrintDocument, stamp: CopyStamp) -> None:
    assert not any("本文件已" in line for line in receipt_lines(document, stamp))


def test_the_slip_is_named_for_what_it_holds_not_as_a_copy(document: PrintDocument, stamp: CopyStamp) -> None:
    lines = receipt_lines(document, stamp)
    assert lines[0] == "政府信息查阅场所 信息索引小票" and "阅览复制件" not in "".join(lines)
    assert any(line.startswith("索引号：") for line in lines) and document.body[:10] not in "".join(lines)
