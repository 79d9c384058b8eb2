"""The staff console's figures page: a period's Report in the words and charts staff read."""

from __future__ import annotations

from datetime import date
from typing import Literal

from kiosk.figures import WEEKDAYS, Report
from screens.services import ChartView, FiguresView

Period = Literal["today", "month", "year"]
LISTED = 5  # documents and queries listed per list


def period_days(period: Period, today: date | None = None) -> tuple[date, date, str]:
    """The first and last day of today, this month or this year, and how the page names it."""
    day = today or date.today()
    if period == "today":
        return day, day, f"{day.year}年{day.month}月{day.day}日"
    if period == "month":
        return day.replace(day=1), day, f"{day.year}年{day.month}月"
    return day.replace(month=1, day=1), day, f"{day.year}年"


def figures_view(report: Report, named: str) -> FiguresView:
    """What the figures page shows of `report`."""
    u, c = report.usage, report.catalogue
    zero = f"（无结果 {u.zero_searches:,}）" if u.zero_searches else ""
    headline = (
        ("来访", f"{u.visits:,} 人次"),
        ("检索", f"{u.searches:,} 次{zero}"),
        ("阅读文件", f"{u.reads:,} 次，{_reading_time(u.read_seconds)}"),
        ("打印", "，".join(f"{p.label} {p.copies:,} 份 {p.pages:,} 页" for p in u.prints)),
        ("评价", f"{u.rated:,} 人次" + _satisfied(report)),
        ("目录", f"共 {c.total:,} 条，本期新公开 {c.published:,} 条，撤回 {c.withdrawn:,} 条"),
    )
    return FiguresView(named, headline, _charts(report), _lists(report))


def _reading_time(seconds: int) -> str:
    """Hours with one decimal, or minutes below an hour (a short day reads 0.0 小时 otherwise)."""
    return f"{seconds / 3600:.1f} 小时" if seconds >= 3600 else f"{round(seconds / 60)} 分钟"


def _satisfied(report: Report) -> str:
    ratings = report.usage.ratings
    if not report.usage.rated:
        return ""
    good = sum(share.share for share in ratings[:2])
    return f"，满意与基本满意 {good * 100:.1f}%"


def _charts(report: Report) -> tuple[ChartView, ...]:
    u, c = report.usage, report.catalogue
    charts = [
        ChartView("各时段来访", "人次", tuple((str(hour), float(n)) for hour, n in enumerate(u.visits_by_hour))),
        ChartView("各星期来访", "人次", tuple((WEEKDAYS[day], float(n)) for day, n in enumerate(u.visits_by_weekday))),
    ]
    if len(u.visits_by_month) > 1:
        charts.append(ChartView("各月来访", "人次", tuple((_month(m), float(n)) for m, n in u.visits_by_month)))
    rated = tuple((f"{s.label} {s.share * 100:.1f}%" if u.rated else s.label, float(s.count)) for s in u.ratings)
    charts.append(ChartView("社会评议", "人次", rated, horizontal=True))
    if any(s.count for s in u.rating_reasons):
        reasons = tuple((s.label, float(s.count)) for s in u.rating_reasons)
        charts.append(ChartView("不满意的原因", "人次", reasons, horizontal=True))
    if len(c.published_by_month) > 1:
        charts.append(ChartView("各月新公开信息", "条", tuple((_month(m), float(n)) for m, n in c.published_by_month)))
    charts.append(ChartView("检索方式", "次", tuple((s.label, float(s.count)) for s in u.searches_by_class), True))
    return tuple(charts)


def _month(month: str) -> str:
    return f"{int(month[5:])}月"


def _lists(report: Report) -> tuple[tuple[str, tuple[str, ...]], ...]:
    u = report.usage
    read = tuple(f"{doc.count:,} 次  {doc.title or doc.index_no}" for doc in u.top_read[:LISTED]) or ("无",)
    printed = tuple(f"{doc.count:,} 次  {doc.title or doc.index_no}" for doc in u.top_printed[:LISTED]) or ("无",)
    zero = tuple(f"{visits} 人次  {text}" for text, visits in u.zero_queries[:LISTED]) or ("无（3 人次以上才列出）",)
    return (("查阅最多的文件", read), ("打印最多的文件", printed), ("找不到结果的检索", zero))
