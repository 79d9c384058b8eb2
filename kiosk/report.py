"""A room's figures as `kiosk stats` and the staff console give them: made from the stores, exported, merged.

make_report()    this kiosk's figures for a period (the totals brought up to date first)
export()         the figures and the daily totals they came from, as JSON-ready data
merge()          several exports as one room's (or one city's) figures, every kiosk's day counted once
lines()          the figures as (section, item, count, share) rows: the table and the CSV
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from content_cache.cache import ContentCache
from content_cache.figures import CatalogueFigures, Delay, Share
from kiosk import usage
from kiosk.errors import KioskError
from kiosk.figures import WEEKDAYS, PrintCount, Report, TopDocument, UsageFigures
from kiosk.state import StateStore, SyncRun, as_local
from kiosk.stats import TOP, merged_rows, total_row, usage_figures

FORMAT = "reading-room-kiosk-stats/1"


class ExportError(KioskError):
    """An export given to `kiosk stats --merge` cannot be read; the message names the file and why."""


def make_report(
    state: StateStore,
    content: ContentCache,
    start: date,
    end: date,
    *,
    room: str,
    kiosk: str,
    keep_days: int,
    exported: bool = True,
) -> tuple[Report, dict[str, Any]]:
    """This kiosk's figures for `start` … `end`, and their export (empty unless `exported`)."""
    usage.settle(state, keep_days)
    rows = usage.label_totals(state, start, end)
    documents = {kind: usage.top_documents(state, kind, start, end, TOP) for kind in ("read", "print")}
    zero = usage.asked_often(usage.zero_queries(state, start, end))
    catalogue = content.catalogue_figures(start, end)
    catalogue = _with_withdrawn(catalogue, withdrawn_between(state, start, end))
    figures = usage_figures(rows, zero, start, end, lambda index_nos: titles_of(content, index_nos), documents)
    report = Report(room, (kiosk,), start, end, content.feed_sequence(), _now_text(), figures, catalogue)
    if not exported:
        return report, {}
    return report, export(report, usage.totals(state, start, end), zero)


def titles_of(content: ContentCache, index_nos: Sequence[str]) -> dict[str, str]:
    """The titles of the documents still in the catalogue."""
    return content.titles(index_nos)


def withdrawn_between(state: StateStore, start: date, end: date) -> int:
    """Items the syncs of the period withdrew."""
    with state.session() as session:
        runs = session.execute(select(SyncRun.finished_at, SyncRun.withdrawn).where(SyncRun.outcome == "ok"))
        return sum(count for at, count in runs if at is not None and start <= as_local(at).date() <= end)


def _with_withdrawn(catalogue: CatalogueFigures, withdrawn: int) -> CatalogueFigures:
    from dataclasses import replace

    return replace(catalogue, withdrawn=withdrawn)


def _now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# -- export and merge ----------------------------------------------------------------------------------


def export(report: Report, rows: Sequence[usage.TotalRow], zero: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """The figures and, for a later merge, the daily totals by kiosk."""
    figures = asdict(report)
    figures["start"], figures["end"] = report.start.isoformat(), report.end.isoformat()
    return {
        "format": FORMAT,
        "figures": figures,
        "totals": {kiosk: [list(row) for row in rows] for kiosk in report.kiosks},
        "zero_queries": {kiosk: [list(pair) for pair in zero] for kiosk in report.kiosks},
    }


def load_export(path: Path) -> dict[str, Any]:
    """An export written by `kiosk stats --format json`; ExportError naming the file when it is not one."""
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeError, ValueError) as exc:
        raise ExportError(f"{path}: not a readable export of `kiosk stats --format json` ({exc})") from exc
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise ExportError(f"{path}: not an export of `kiosk stats --format json` (no format {FORMAT!r})")
    for key in ("figures", "totals", "zero_queries"):
        if not isinstance(found.get(key), dict):
            raise ExportError(f"{path}: the export has no {key!r}")
    try:
        for rows in found["totals"].values():
            for row in rows:
                total_row(row)
        report_from(found["figures"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"{path}: not an export of `kiosk stats --format json` ({exc})") from exc
    return found


def merge(paths: Sequence[Path], start: date | None = None, end: date | None = None) -> Report:
    """The figures of several exports as one: each kiosk's day once, the catalogue of the newest content."""
    exports = [load_export(path) for path in paths]
    try:
        reports = [report_from(found["figures"]) for found in exports]
        rows = merged_rows((kiosk, rows) for found in exports for kiosk, rows in found["totals"].items())
        zero = _merged_zero(found["zero_queries"] for found in exports)
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"an export could not be merged: {exc}") from exc
    first = start or min(report.start for report in reports)
    last = end or max(report.end for report in reports)
    newest = max(reports, key=lambda report: report.content_sequence or -1)
    titles = {doc.index_no: doc.title for r in reports for doc in r.usage.top_read + r.usage.top_printed}
    figures = usage_figures(rows, zero, first, last, lambda index_nos: titles)
    kiosks = tuple(sorted({kiosk for report in reports for kiosk in report.kiosks}))
    rooms = "、".join(dict.fromkeys(report.room for report in reports))
    return Report(rooms, kiosks, first, last, newest.content_sequence, _now_text(), figures, newest.catalogue)


def _merged_zero(groups: Any) -> list[tuple[str, int]]:
    by_kiosk: dict[tuple[str, str], int] = {}
    for group in groups:
        for kiosk, pairs in group.items():
            for text, visits in pairs:
                key = (str(kiosk), str(text))
                by_kiosk[key] = max(by_kiosk.get(key, 0), int(visits))  # a longer period's count holds a part's
    summed: dict[str, int] = {}
    for (_kiosk, text), visits in by_kiosk.items():
        summed[text] = summed.get(text, 0) + visits
    return sorted(summed.items(), key=lambda pair: (-pair[1], pair[0]))


def report_from(data: dict[str, Any]) -> Report:
    """A Report from its exported form (`asdict`); KeyError, TypeError or ValueError when it is not one."""
    u, c = data["usage"], data["catalogue"]
    figures = UsageFigures(
        **{
            **u,
            "visits_by_hour": tuple(u["visits_by_hour"]),
            "visits_by_weekday": tuple(u["visits_by_weekday"]),
            "visits_by_month": tuple(tuple(pair) for pair in u["visits_by_month"]),
            "screens": _shares(u["screens"]),
            "searches_by_class": _shares(u["searches_by_class"]),
            "top_read": tuple(TopDocument(**doc) for doc in u["top_read"]),
            "top_printed": tuple(TopDocument(**doc) for doc in u["top_printed"]),
            "prints": tuple(PrintCount(**count) for count in u["prints"]),
            "ratings": _shares(u["ratings"]),
            "rating_reasons": _shares(u["rating_reasons"]),
            "zero_queries": tuple(tuple(pair) for pair in u["zero_queries"]),
        }
    )
    catalogue = CatalogueFigures(
        **{
            **c,
            "by_level": _shares(c["by_level"]),
            "by_column": _shares(c["by_column"]),
            "by_validity": _shares(c["by_validity"]),
            "published_by_month": tuple(tuple(pair) for pair in c["published_by_month"]),
            "delay": Delay(**{**c["delay"], "uncovered_years": tuple(c["delay"]["uncovered_years"])}),
        }
    )
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    sequence = data["content_sequence"]
    return Report(
        str(data["room"]),
        tuple(map(str, data["kiosks"])),
        start,
        end,
        sequence,
        str(data["made_at"]),
        figures,
        catalogue,
    )


def _shares(found: Any) -> tuple[Share, ...]:
    return tuple(Share(str(s["label"]), int(s["count"]), float(s["share"])) for s in found)


# -- as rows -------------------------------------------------------------------------------------------

Line = tuple[str, str, str, str]


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def lines(report: Report) -> list[Line]:
    """Every figure as (section, item, count, share)."""
    return (
        _use_lines(report.usage)
        + _print_lines(report.usage)
        + _rating_lines(report.usage)
        + _catalogue_lines(report.catalogue)
    )


def _use_lines(u: UsageFigures) -> list[Line]:
    s = "使用"
    zero_share = u.zero_searches / u.searches if u.searches else 0.0
    found: list[Line] = [
        (s, "来访人次", str(u.visits), ""),
        (s, "检索次数", str(u.searches), ""),
        (s, "无结果检索", str(u.zero_searches), _pct(zero_share)),
        (s, "阅读文件次数", str(u.reads), ""),
        (s, "阅读时长（小时）", f"{u.read_seconds / 3600:.1f}", ""),
        (s, "打开附件次数", str(u.attachments), ""),
    ]
    found += [("检索方式", share.label, str(share.count), _pct(share.share)) for share in u.searches_by_class]
    found += [("各时段来访", f"{hour}时", str(count), "") for hour, count in enumerate(u.visits_by_hour)]
    found += [("各星期来访", WEEKDAYS[day], str(count), "") for day, count in enumerate(u.visits_by_weekday)]
    found += [("各月来访", month, str(count), "") for month, count in u.visits_by_month]
    found += [("查阅最多", f"{doc.index_no} {doc.title}".strip(), str(doc.count), "") for doc in u.top_read]
    found += [("无结果检索词", text, str(visits), "") for text, visits in u.zero_queries]
    return found


def _print_lines(u: UsageFigures) -> list[Line]:
    found: list[Line] = []
    for count in u.prints:
        found += [
            ("打印", f"{count.label}（份）", str(count.copies), ""),
            ("打印", f"{count.label}（页）", str(count.pages), ""),
        ]
    found += [("打印最多", f"{doc.index_no} {doc.title}".strip(), str(doc.count), "") for doc in u.top_printed]
    return found


def _rating_lines(u: UsageFigures) -> list[Line]:
    found: list[Line] = [("社会评议", "参与评价人次", str(u.rated), "")]
    found += [("社会评议", share.label, str(share.count), _pct(share.share)) for share in u.ratings]
    found += [("不满意原因", share.label, str(share.count), _pct(share.share)) for share in u.rating_reasons]
    return found


def _catalogue_lines(c: CatalogueFigures) -> list[Line]:
    found: list[Line] = [("主动公开目录", "信息总数", str(c.total), "")]
    found += [("按发布机关层级", share.label, str(share.count), _pct(share.share)) for share in c.by_level]
    found += [("按栏目", share.label, str(share.count), _pct(share.share)) for share in c.by_column]
    found += [("按有效性", share.label, str(share.count), _pct(share.share)) for share in c.by_validity]
    found += [("本期公开", "新公开信息", str(c.published), ""), ("本期公开", "撤回信息", str(c.withdrawn), "")]
    found += [("各月公开", month, str(count), "") for month, count in c.published_by_month]
    d = c.delay
    found += [
        ("成文至公开", "计入信息数", str(d.items), ""),
        ("成文至公开", "平均工作日", f"{d.average_days:.1f}", ""),
        ("成文至公开", "最长工作日", str(d.max_days), ""),
        ("成文至公开", f"{d.limit}个工作日内公开", str(d.within_limit), _pct(d.within_share)),
    ]
    return found


def table(report: Report) -> str:
    """The figures as an aligned text table with a heading."""
    head = [
        f"{report.room} 查阅场所统计 {report.start.isoformat()} 至 {report.end.isoformat()}",
        f"终端：{'、'.join(report.kiosks)}；目录数据版本：{_sequence(report.content_sequence)}",
    ]
    body = [f"{section:<8}\t{item}\t{count}\t{share}".rstrip() for section, item, count, share in lines(report)]
    return "\n".join(head + [""] + body) + "\n"


def _sequence(sequence: int | None) -> str:
    return "无" if sequence is None else f"第 {sequence} 号"


def count_events(state: StateStore) -> int:
    """Events still kept (not yet purged)."""
    with state.session() as session:
        return int(session.scalar(select(func.count()).select_from(usage.UsageEvent)) or 0)
