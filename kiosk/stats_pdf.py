"""A reading room's figures for a period as an A4 PDF, laid out like the tables of the annual report.

The city's annual report on disclosure work (政府信息公开工作年度报告) states
its figures in numbered sections of 项目 / 数量 / 占比 tables; this document
gives the reading room's part of it in the same form: 一、查阅场所使用情况,
二、打印情况, 三、查阅最多的信息, 四、检索情况, 五、社会评议 and
六、主动公开目录情况, with bar and pie charts beside the tables.

The page footer says "第 N 页 共 M 页": the document is laid out twice, the
first time only to count its pages (the footer takes no room from the text, so
both layouts are the same). The text is set in the Chinese TrueType font of
A4 copies, embedded as a subset; the pieces it is made of live in
`kiosk.stats_pdf_layout`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from content_cache.figures import CatalogueFigures, Delay, Share
from kiosk.figures import WEEKDAYS, Report, TopDocument, UsageFigures
from kiosk.stats_pdf_layout import CONTENT_WIDTH, Kit, PageFooter, count, percent, ratio

__all__ = ["render_report_pdf"]

SECTIONS = ("查阅场所使用情况", "打印情况", "查阅最多的信息", "检索情况", "社会评议", "主动公开目录情况")
NUMERALS = "一二三四五六七八九十"
SHARE_HEADER = ("项目", "数量", "占比")
SHARE_WIDTHS = (100 * mm, 35 * mm, 35 * mm)
TOP_HEADER = ("序号", "索引号", "标题", "次数")
TOP_WIDTHS = (10 * mm, 56 * mm, 88 * mm, 16 * mm)  # a 29-character 索引号 on one line
QUERY_HEADER = ("检索词", "来访人次")
QUERY_WIDTHS = (130 * mm, 40 * mm)
HOUR_WEEKDAY_WIDTHS = (105 * mm, CONTENT_WIDTH - 105 * mm)
TITLE_MAX_SHOWN = 120  # a table row cannot split across pages: a title this long still fits a few lines
QUERY_MAX_SHOWN = 60
NOT_APPLICABLE = "—"
NOT_IN_CATALOGUE = "（已不在目录中）"

Row = tuple[Flowable | str, str, str]  # 项目, 数量, 占比


def render_report_pdf(report: Report, *, font_path: Path | None = None) -> bytes:
    """The figures of `report` as an A4 PDF in the Chinese TrueType font (found when `font_path` is None).

    FontNotFound (printing.errors) when no usable Chinese font is installed.
    """
    kit = Kit.load(font_path)
    footer = PageFooter(kit.font, kit.clean(report.room, 30), kit.clean(f"制表时间 {_made(report.made_at)}", 40))
    _build(report, kit, footer)  # the first pass only counts the pages
    footer.total = footer.pages
    return _build(report, kit, footer)


def _build(report: Report, kit: Kit, footer: PageFooter) -> bytes:
    buffer = io.BytesIO()
    template = kit.template(buffer, title=kit.clean(_title(report), 100))
    template.build(_story(report, kit), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _story(report: Report, kit: Kit) -> list[Flowable]:
    usage = report.usage
    return [
        *_cover(report, kit),
        *_usage_section(usage, kit),
        *_print_section(usage, kit),
        *_read_section(usage, kit),
        *_search_section(usage, kit),
        *_rating_section(usage, kit),
        *_catalogue_section(report.catalogue, kit),
    ]


# -- words -------------------------------------------------------------------


def _title(report: Report) -> str:
    start, end = report.start, report.end
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    year = f"{start.year}年度" if whole_year else ""
    place = report.room if report.room.endswith("查阅场所") else f"{report.room}政府信息查阅场所"
    return f"{place}{year}工作统计"


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _made(made_at: str) -> str:
    """The time the figures were worked out, to the minute; as given when it is no ISO time."""
    if not made_at.strip():
        return NOT_APPLICABLE
    try:
        return f"{datetime.fromisoformat(made_at):%Y-%m-%d %H:%M}"
    except ValueError:
        return made_at


def _month_labels(months: Sequence[tuple[str, int]]) -> list[str]:
    """ "1月" … "12月" for the months of one year; "2026-01" as given when the period spans years."""
    one_year = len({key[:4] for key, _ in months}) == 1
    return [f"{int(key[5:7])}月" if one_year and key[5:7].isdigit() else key for key, _ in months]


# -- pieces ------------------------------------------------------------------


def _heading(kit: Kit, number: int) -> Flowable:
    return kit.para(f"{NUMERALS[number]}、{SECTIONS[number]}", kit.styles.heading)


def _sub(kit: Kit, text: str) -> Flowable:
    return kit.para(text, kit.styles.subheading)


def _row(kit: Kit, label: str, value: int, share: float | None = None) -> Row:
    """A line of a 项目 / 数量 / 占比 table; "—" in 占比 when the line is no part of a whole."""
    return kit.cell(label), count(value), NOT_APPLICABLE if share is None else percent(share)


def _share_rows(kit: Kit, shares: Sequence[Share], total: str | None = "合计") -> list[Row]:
    """One line per share, then a `total` line (none when `total` is None); a "无" line when there are none."""
    if not shares:
        return [(kit.cell("无"), "0", NOT_APPLICABLE)]
    rows = [_row(kit, share.label, share.count, share.share) for share in shares]
    if total is not None:
        rows.append(_row(kit, total, sum(s.count for s in shares), sum(s.share for s in shares)))
    return rows


def _share_table(kit: Kit, rows: Sequence[Row]) -> Table:
    return kit.table(SHARE_HEADER, rows, SHARE_WIDTHS)


def _top_table(kit: Kit, documents: Sequence[TopDocument]) -> Table:
    """The documents read or printed most, with their 索引号 and title; a "无" line when there are none."""
    rows = [
        (
            str(rank),
            kit.cell(doc.index_no, limit=60),
            kit.cell(doc.title or NOT_IN_CATALOGUE, limit=TITLE_MAX_SHOWN),
            count(doc.count),
        )
        for rank, doc in enumerate(documents, start=1)
    ]
    return kit.table(TOP_HEADER, rows or [("", "无", "", "")], TOP_WIDTHS)


def _chart(kit: Kit, caption: str, chart: Flowable) -> list[Flowable]:
    return [kit.para(caption, kit.styles.caption), chart]


# -- sections ----------------------------------------------------------------


def _cover(report: Report, kit: Kit) -> list[Flowable]:
    sequence = NOT_APPLICABLE if report.content_sequence is None else f"第 {report.content_sequence} 号"
    lines = (
        f"统计期间：{_day(report.start)}至{_day(report.end)}",
        f"统计的查阅机：{'、'.join(report.kiosks) or '无'}",
        f"目录数据版本：{sequence}　　制表时间：{_made(report.made_at)}",
    )
    return [
        kit.para(_title(report), kit.styles.title),
        *[kit.para(line, kit.styles.subtitle, limit=300) for line in lines],
    ]


def _usage_section(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    rows = [
        _row(kit, "来访人次", usage.visits),
        _row(kit, "检索次数", usage.searches),
        _row(kit, "其中：无结果的检索（占检索次数）", usage.zero_searches, ratio(usage.zero_searches, usage.searches)),
        _row(kit, "阅读文件次数", usage.reads),
        (kit.cell("阅读时长（小时）"), f"{usage.read_seconds / 3600:,.1f}", NOT_APPLICABLE),
        _row(kit, "打开附件（次）", usage.attachments),
    ]
    months = usage.visits_by_month
    monthly = kit.bar_chart(_month_labels(months), [visits for _, visits in months])
    return [
        _heading(kit, 0),
        _share_table(kit, rows),
        *_chart(kit, "各月来访人次", monthly),
        *_hours_and_days(usage, kit),
    ]


def _hours_and_days(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    """Visits by hour of the day beside visits by day of the week."""
    left, right = HOUR_WEEKDAY_WIDTHS
    hours = kit.bar_chart([str(hour) for hour in range(len(usage.visits_by_hour))], usage.visits_by_hour, width=left)
    days = kit.bar_chart(WEEKDAYS[: len(usage.visits_by_weekday)], usage.visits_by_weekday, width=right)
    caption = kit.styles.caption
    captions = kit.side_by_side(
        kit.para("各时段来访人次（时）", caption), kit.para("按星期来访人次", caption), (left, right)
    )
    return [Spacer(1, 3 * mm), captions, kit.side_by_side(hours, days, (left, right))]  # no spaceBefore in a table


def _print_section(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    rows: list[Row] = []
    for kind in usage.prints:
        rows.append(_row(kit, f"{kind.label}（份）", kind.copies))
        rows.append(_row(kit, f"{kind.label}（页）", kind.pages, ratio(kind.pages, usage.pages)))
    rows.append(_row(kit, "打印总页数", usage.pages, ratio(usage.pages, usage.pages)))
    return [
        _heading(kit, 1),
        _sub(kit, "（一）打印数量"),
        _share_table(kit, rows),
        _sub(kit, "（二）打印最多的信息"),
        _top_table(kit, usage.top_printed),
    ]


def _read_section(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    return [_heading(kit, 2), _top_table(kit, usage.top_read)]


def _search_section(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    queries = [(kit.cell(query, limit=QUERY_MAX_SHOWN), count(visits)) for query, visits in usage.zero_queries]
    zero = (
        kit.table(QUERY_HEADER, queries, QUERY_WIDTHS)
        if queries
        else kit.para("本期没有三次及以上访问检索而无结果的检索词。")
    )
    return [
        _heading(kit, 3),
        _sub(kit, "（一）按检索方式"),
        _share_table(kit, _share_rows(kit, usage.searches_by_class)),
        _sub(kit, "（二）无结果的检索词（三次及以上访问）"),
        zero,
    ]


def _rating_section(usage: UsageFigures, kit: Kit) -> list[Flowable]:
    ratings = _share_rows(kit, usage.ratings, total=None) + [_row(kit, "参与评议人次", usage.rated)]
    pie = kit.pie_chart([share.label for share in usage.ratings], [share.count for share in usage.ratings])
    return [
        _heading(kit, 4),
        _sub(kit, "（一）评议结果"),
        _share_table(kit, ratings),
        *_chart(kit, "评议结果构成", pie),
        _sub(kit, "（二）不满意的原因（占不满意评议）"),
        _share_table(kit, _share_rows(kit, usage.rating_reasons, total=None)),
    ]


def _catalogue_section(catalogue: CatalogueFigures, kit: Kit) -> list[Flowable]:
    return [
        _heading(kit, 5),
        kit.para(f"查阅场所目录现有主动公开政府信息 {count(catalogue.total)} 条。"),
        _sub(kit, "（一）按发布机构层级"),
        _share_table(kit, _share_rows(kit, catalogue.by_level)),
        _sub(kit, "（二）按栏目"),
        _share_table(kit, _share_rows(kit, catalogue.by_column)),
        _sub(kit, "（三）按有效性"),
        _share_table(kit, _share_rows(kit, catalogue.by_validity)),
        *_published(catalogue, kit),
        *_delay(catalogue.delay, kit),
    ]


def _published(catalogue: CatalogueFigures, kit: Kit) -> list[Flowable]:
    rows = [_row(kit, "本期新增主动公开信息", catalogue.published), _row(kit, "本期撤回的信息", catalogue.withdrawn)]
    months = catalogue.published_by_month
    monthly = kit.bar_chart(_month_labels(months), [items for _, items in months])
    return [_sub(kit, "（四）本期公开情况"), _share_table(kit, rows), *_chart(kit, "各月新增主动公开信息", monthly)]


def _delay(delay: Delay, kit: Kit) -> list[Flowable]:
    """Working days from 成文 to 发布, and a note on the years the holiday calendar does not cover."""
    counted = delay.items > 0
    rows = [
        _row(kit, "统计的信息（有成文日期）", delay.items),
        (kit.cell("平均用时（工作日）"), f"{delay.average_days:.1f}" if counted else NOT_APPLICABLE, NOT_APPLICABLE),
        (kit.cell("最长用时（工作日）"), count(delay.max_days) if counted else NOT_APPLICABLE, NOT_APPLICABLE),
        _row(kit, f"{delay.limit}个工作日内公开", delay.within_limit, delay.within_share if counted else None),
    ]
    flowables = [_sub(kit, "（五）从成文到公开的用时"), _share_table(kit, rows)]
    if delay.uncovered_years:
        years = "、".join(f"{year}年" for year in delay.uncovered_years)
        flowables.append(kit.para(f"注：节假日安排未收录{years}，这些年份按周一至周五计算工作日。"))
    return flowables
