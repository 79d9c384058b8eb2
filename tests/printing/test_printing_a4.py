from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from printing.a4 import count_a4_pages, render_a4
from printing.document import CopyStamp, PrintDocument

PdfTool = Callable[..., str]
LONG_BODY = "\n".join(f"第{n}段　各级行政机关应当主动公开本机关的政府信息，方便公民查阅和复制。" * 8 for n in range(60))


def _font_rows(pdffonts_output: str) -> list[list[str]]:
    return [line.split() for line in pdffonts_output.splitlines()[2:] if line.strip()]


def test_cjk_font_is_embedded_as_a_truetype_subset(
    document: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    pdf, _ = render_a4(document, stamp)
    rows = _font_rows(pdf_tool("pdffonts", pdf))
    assert rows, "the PDF lists no fonts"
    for name, *kind, _encoding, emb, sub, uni, _obj, _gen in rows:
        assert "+WenQuanYiMicroHei" in name  # "ABCDEF+" marks a subset
        assert kind[-1] == "TrueType"
        assert (emb, sub, uni) == ("yes", "yes", "yes")


def test_text_comes_back_exactly(document: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool) -> None:
    text = pdf_tool("pdftotext", render_a4(document, stamp)[0])
    for expected in (
        document.title,
        "索引号",
        document.index_no,
        "发布机构",
        "宿迁市人民政府办公室",
        "成文日期",
        "2008-12-30",
        "发布日期",
        "2009-03-31",
        "有效性",
        "政府信息查阅场所 阅览复制件",
        "打印时间 2024-05-01 14:30",
        "宿迁市档案馆 查阅机1",
        "内容同步于 2024-04-30",
        "第 1 页 / 共 1 页",
        "触摸屏查询机",
    ):
        assert expected in text


def test_missing_doc_no_shows_none_and_missing_sync_date_is_omitted(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    no_sync = CopyStamp(kiosk_name=stamp.kiosk_name, printed_at=stamp.printed_at, content_synced_on=None)
    text = pdf_tool("pdftotext", render_a4(make_document(doc_no=None), no_sync)[0], "-raw")
    assert "文号 无" in text or "文号\n无" in text
    assert "内容同步于" not in text


def test_doc_no_is_printed(make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool) -> None:
    text = pdf_tool("pdftotext", render_a4(make_document(doc_no="宿政〔2008〕12号"), stamp)[0])
    assert "宿政〔2008〕12号" in text


def test_page_is_a4(document: PrintDocument, stamp: CopyStamp) -> None:
    page = PdfReader(io.BytesIO(render_a4(document, stamp)[0])).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_long_body_pages_are_counted_and_numbered(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    doc = make_document(body=LONG_BODY)
    pdf, pages = render_a4(doc, stamp)
    assert pages > 1
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    assert count_a4_pages(doc, stamp) == pages
    page_texts = pdf_tool("pdftotext", pdf).split("\f")
    for number in range(1, pages + 1):
        footer = f"第 {number} 页 / 共 {pages} 页"
        assert footer in page_texts[number - 1]
        assert "打印时间 2024-05-01 14:30" in page_texts[number - 1]


def test_markup_characters_in_the_title_print_literally(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    title = "通知<b>&[color=ff0000]红&amp;字</b>"
    text = pdf_tool("pdftotext", render_a4(make_document(title=title, body="正文<i>不是斜体</i> & 符号"), stamp)[0])
    assert title in text
    assert "正文<i>不是斜体</i> & 符号" in text


def test_abolished_document_is_marked_on_every_page(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    pdf, pages = render_a4(make_document(validity="abolished", body=LONG_BODY), stamp)
    page_texts = pdf_tool("pdftotext", pdf).split("\f")[:pages]
    assert "本文件已废止，仅供查阅参考" in page_texts[0]
    assert all("本文件已废止" in text for text in page_texts)


def test_valid_document_carries_no_abolished_mark(document: PrintDocument, stamp: CopyStamp, pdf_tool: PdfTool) -> None:
    assert "废止" not in pdf_tool("pdftotext", render_a4(document, stamp)[0])


def test_source_url_is_printed_under_the_qr_code(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    text = pdf_tool("pdftotext", render_a4(make_document(source_url="https://gov.cn/a/1"), stamp)[0])
    assert "https://gov.cn/a/1" in text


def test_characters_the_font_lacks_become_a_visible_mark(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    text = pdf_tool("pdftotext", render_a4(make_document(title="通知😀\x1b\x00完"), stamp)[0])
    assert "通知〓完" in text


def test_rendering_is_deterministic(document: PrintDocument, stamp: CopyStamp) -> None:
    assert render_a4(document, stamp) == render_a4(document, stamp)


@pytest.mark.parametrize("url", ["", "https://x.gov.cn/" + "a" * 3000])
def test_missing_or_huge_source_url_still_renders(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, url: str
) -> None:
    assert render_a4(make_document(source_url=url), stamp)[1] >= 1


def test_lapsed_document_is_marked_on_every_page(make_document: Callable[..., PrintDocument], stamp: CopyStamp) -> None:
    pdf, pages = render_a4(make_document(validity="expired", body=LONG_BODY), stamp)
    page_texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert pages == len(page_texts) > 1
    assert "本文件已失效，仅供查阅参考" in page_texts[0]  # the banner above the title
    assert all("本文件已失效" in text for text in page_texts)  # the mark in every page's header
    assert not any("废止" in text for text in page_texts)


@pytest.mark.parametrize("validity", ["valid", "amended"])
def test_a_document_in_force_carries_no_withdrawn_mark(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, validity: str
) -> None:
    pdf, _ = render_a4(make_document(validity=validity, body=LONG_BODY), stamp)
    page_texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert not any("本文件已" in text for text in page_texts)


def test_absurdly_long_metadata_is_shortened_rather_than_failing(
    make_document: Callable[..., PrintDocument], stamp: CopyStamp, pdf_tool: PdfTool
) -> None:
    # Found by hypothesis: the metadata table cannot split across pages, so a 1,800-character
    # 文号 made the layout fail. Values are cut at 200 characters with "…".
    doc = make_document(index_no="X" * 5000, doc_no="宿政〔2008〕" * 2000, publisher="办" * 10_000)
    pdf, pages = render_a4(doc, stamp)
    assert pages == 1
    assert "宿政〔2008〕" * 25 + "…" in pdf_tool("pdftotext", pdf).replace("\n", "")
