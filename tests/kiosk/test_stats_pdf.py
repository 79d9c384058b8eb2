"""The reading room's figures as an A4 PDF: sections, shares, page totals, the embedded font, hostile text."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from content_cache.figures import CatalogueFigures, Delay, Share
from kiosk.figures import PrintCount, Report, TopDocument, UsageFigures
from kiosk.stats_pdf import SECTIONS, render_report_pdf

MONTHS = tuple(f"2026-{month:02d}" for month in range(1, 13))
HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 35, 210, 386, 402, 188, 160, 371, 395, 344, 201, 46, 0, 0, 0, 0, 0)
WEEKDAY_VISITS = (612, 598, 540, 571, 489, 190, 0)
MONTH_VISITS = (181, 203, 245, 262, 240, 219, 231, 238, 266, 190, 257, 206)
PUBLISHED = (38, 22, 41, 35, 47, 29, 33, 40, 36, 27, 44, 52)
TITLE = "宿州市人民政府办公室关于印发宿州市2026年政府信息公开工作要点的通知"


def _share(label: str, count: int, whole: int) -> Share:
    return Share(label, count, count / whole if whole else 0.0)


def _shares(whole: int, **counts: int) -> tuple[Share, ...]:
    return tuple(_share(label, count, whole) for label, count in counts.items())


def _usage() -> UsageFigures:
    return UsageFigures(
        visits=2738,
        visits_by_hour=HOURS,
        visits_by_weekday=WEEKDAY_VISITS,
        visits_by_month=tuple(zip(MONTHS, MONTH_VISITS, strict=True)),
        screens=_shares(2738, 首页=2738, 检索=1910, 阅读=1604),
        searches=3124,
        zero_searches=1100,  # 35.2% of the searches
        searches_by_class=_shares(3124, 文字=1800, 拼音=640, 首字母=310, 文号=190, 索引号=84, 手写=100),
        reads=4410,
        read_seconds=512_300,
        top_read=tuple(
            TopDocument(f"11341300003200000X/2026-{n:05d}", f"{TITLE}（第{n}号）", 90 - n) for n in range(1, 11)
        ),
        top_printed=(
            TopDocument("11341300003200000X/2026-00007", TITLE, 31),
            TopDocument("003232741/2025-00002", "", 9),
        ),
        prints=(PrintCount("a4", "A4 复印件", 412, 1288), PrintCount("receipt", "信息小票", 655, 655)),
        attachments=377,
        ratings=_shares(905, 满意=712, 基本满意=148, 不满意=45),
        rating_reasons=_shares(45, 找不到=25, 看不清=9, 打印问题=6, 其他=5),
        zero_queries=(("拆迁补偿标准", 14), ("低保申请", 7), ("公租房摇号", 3)),
    )


def _catalogue() -> CatalogueFigures:
    return CatalogueFigures(
        total=8213,
        by_level=_shares(8213, 市=2210, 县区=3012, 乡镇=1480, 部门=1302, 公共企事业单位=209),
        by_column=_shares(8213, 政府文件=2630, 规划计划=410, 财政预决算=820, 人事信息=602, 政策解读=751, 其他=3000),
        by_validity=_shares(8213, 有效=7420, 已修订=310, 废止=402, 失效=81),
        published=444,
        published_by_month=tuple(zip(MONTHS, PUBLISHED, strict=True)),
        delay=Delay(items=410, average_days=3.4, max_days=19, within_limit=389, limit=20, uncovered_years=(2025,)),
        withdrawn=6,
    )


def full_report() -> Report:
    """A year's realistic figures of one room."""
    return Report(
        room="宿州市档案馆",
        kiosks=("档案馆查阅机1", "档案馆查阅机2"),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        content_sequence=128,
        made_at="2027-01-04T09:30:12+08:00",
        usage=_usage(),
        catalogue=_catalogue(),
    )


def empty_report() -> Report:
    """A year with no events over an empty catalogue."""
    usage = UsageFigures(
        0, (0,) * 24, (0,) * 7, tuple((m, 0) for m in MONTHS), (), 0, 0, (), 0, 0, (), (), (), 0, (), (), ()
    )
    nothing = CatalogueFigures(0, (), (), (), 0, tuple((m, 0) for m in MONTHS), Delay(0, 0.0, 0, 0, 20))
    return Report("", (), date(2026, 1, 1), date(2026, 12, 31), None, "", usage, nothing)


def hostile_report() -> Report:
    """Titles and queries holding markup, control characters, emoji and 2,000 characters."""
    nasty = ("<b>加粗</b> & <font size=90>大</font>\x00\x1b\u202e😀", "政" * 2000, "<para>&amp;\x07</para>")
    report = full_report()
    usage = replace(
        report.usage,
        top_read=tuple(TopDocument(f"<i>{n}</i>&\x01" * 30, title, 5) for n, title in enumerate(nasty)),
        top_printed=(TopDocument("x", nasty[1], 2),),
        zero_queries=tuple((query, 4) for query in nasty) + (("😀" * 500, 3),),
        ratings=(Share("<満意>&", 1, 1.0),),
    )
    catalogue = replace(report.catalogue, by_column=(Share("<栏目>&\x0c" + "长" * 900, 3, 1.0),))
    return replace(report, room="<b>档案馆</b>&\x00😀", kiosks=("机" * 3000,), usage=usage, catalogue=catalogue)


def _text(pdf: bytes) -> str:
    """The PDF's text without white space (the font's narrow spaces read as none or as several)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return render_report_pdf(full_report())


def test_full_report_has_title_period_and_every_section(full_pdf: bytes) -> None:
    text = _text(full_pdf)
    assert "宿州市档案馆政府信息查阅场所2026年度工作统计" in text
    assert "统计期间：2026年1月1日至2026年12月31日" in text
    assert "目录数据版本：第128号" in text and "2027-01-0409:30" in text
    for number, section in zip("一二三四五六", SECTIONS, strict=True):
        assert f"{number}、{section}" in text


def test_shares_are_percentages_with_one_decimal_and_counts_have_separators(full_pdf: bytes) -> None:
    text = _text(full_pdf)
    assert "35.2%" in text  # zero-result searches of all searches
    assert "78.7%" in text  # 满意 712 of 905
    assert "2,738" in text and "8,213" in text and "142.3" in text  # visits, items, reading hours
    assert "拆迁补偿标准" in text and "（已不在目录中）" in text


def test_every_page_says_which_of_how_many(full_pdf: bytes) -> None:
    pages, text = _pages(full_pdf), _text(full_pdf)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"第{number}页共{pages}页" in text


def test_the_chinese_font_is_embedded_as_a_truetype_subset(full_pdf: bytes) -> None:
    assert full_pdf.startswith(b"%PDF")
    assert b"/FontFile2" in full_pdf
    assert b"STSong-Light" not in full_pdf and b"Helvetica" not in full_pdf
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(full_pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in fonts), fonts


def test_empty_figures_render_with_zeros_and_none_lines() -> None:
    pdf = render_report_pdf(empty_report())
    text = _text(pdf)
    assert "政府信息查阅场所2026年度工作统计" in text and "目录数据版本：—" in text
    assert "无数据" in text and "无" in text and "本期没有三次及以上访问检索而无结果的检索词" in text
    assert "制表时间：—" in text and "0.0%" not in text  # no share of nothing
    assert "第1页共" in text and b"/FontFile2" in pdf


def test_hostile_text_is_printed_as_text_not_markup() -> None:
    pdf = render_report_pdf(hostile_report())
    text = _text(pdf)
    assert "<b>档案馆</b>&〓" in text  # markup shown as typed; the emoji the font lacks marked
    assert "<b>加粗</b>&<fontsize=90>大</font>〓" in text  # control and direction characters dropped
    assert "政" * 100 + "…" in text and "〓" * 60 + "…" in text  # long text cut
    assert "\x00" not in text and "\x1b" not in text


def test_rendering_is_deterministic() -> None:
    assert render_report_pdf(empty_report()) == render_report_pdf(empty_report())
