"""The room's figures for a period, from the daily totals: worked out, exported, merged and written as text.

`usage_figures()` turns daily totals into the figures of kiosk.figures; it is
pure, so a merge of several kiosks' exports runs through the same code as one
kiosk's own store. An export (`--format json`) holds, beside the figures, the
daily totals it was made from, each under its kiosk's name: merging exports
that overlap (the same kiosk twice, or a period exported twice) counts every
kiosk's day once.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from content_cache.figures import Share
from kiosk.figures import PRINT_KINDS, RATINGS, REASONS, PrintCount, TopDocument, UsageFigures
from kiosk.recorder import QUERY_CLASSES
from kiosk.usage import TotalRow

TOP = 10  # documents listed as read or printed most
SCREEN_NAMES: dict[str, str] = {
    "home": "首页",
    "browse": "目录浏览",
    "search": "检索",
    "document": "阅读文件",
    "print": "打印",
    "attachment": "附件",
    "rating": "评价",
}

Titles = Callable[[Sequence[str]], dict[str, str]]


def shares(counts: Iterable[tuple[str, int]], whole: int | None = None) -> tuple[Share, ...]:
    """Each count with its share of `whole` (their sum when not given); 0 when the whole is 0."""
    pairs = list(counts)
    total = sum(count for _label, count in pairs) if whole is None else whole
    return tuple(Share(label, count, count / total if total else 0.0) for label, count in pairs)


def months(start: date, end: date) -> list[str]:
    """Every month from `start`'s to `end`'s, as YYYY-MM."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


class _Sums:
    """The totals summed by (kind, label), by (kind, index_no), and visits by hour, weekday and month."""

    def __init__(self, rows: Iterable[TotalRow]) -> None:
        self.count: Counter[tuple[str, str]] = Counter()
        self.amount: Counter[tuple[str, str]] = Counter()
        self.by_item: dict[str, Counter[str]] = defaultdict(Counter)
        self.hours, self.weekdays, self.months = [0] * 24, [0] * 7, Counter[str]()
        for day, hour, kind, label, index_no, count, amount in rows:
            self.count[kind, label] += count
            self.amount[kind, label] += amount
            if index_no:
                self.by_item[kind][index_no] += count
            if kind == "visit":
                self._visit(day, hour, count)

    def _visit(self, day: str, hour: int, count: int) -> None:
        if 0 <= hour < 24:
            self.hours[hour] += count
        try:
            self.weekdays[date.fromisoformat(day).weekday()] += count
        except ValueError:
            return
        self.months[day[:7]] += count

    def of(self, kind: str) -> int:
        return sum(count for (found, _label), count in self.count.items() if found == kind)

    def amount_of(self, kind: str) -> int:
        return sum(amount for (found, _label), amount in self.amount.items() if found == kind)

    def labelled(self, kind: str, names: dict[str, str]) -> list[tuple[str, int]]:
        """The counts of `kind` by label, in `names`' order, then any other label."""
        counts = {label: count for (found, label), count in self.count.items() if found == kind}
        known = [(name, counts.pop(key, 0)) for key, name in names.items()]
        return known + sorted(counts.items())

    def top(self, kind: str, titles: Titles, ranked: Sequence[tuple[str, int]] | None) -> tuple[TopDocument, ...]:
        if ranked is None:
            ranked = sorted(self.by_item[kind].items(), key=lambda pair: (-pair[1], pair[0]))[:TOP]
        named = titles([index_no for index_no, _count in ranked]) if ranked else {}
        return tuple(TopDocument(index_no, named.get(index_no, ""), count) for index_no, count in ranked)


def usage_figures(
    rows: Iterable[TotalRow],
    zero_queries: Sequence[tuple[str, int]],
    start: date,
    end: date,
    titles: Titles,
    documents: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> UsageFigures:
    """The usage figures of a period from its daily totals (rows outside the period are left out).

    The documents read and printed most are ranked from the rows' 索引号, unless `documents` gives them ranked
    by kind (`read`, `print`): the store ranks them in SQL and hands over totals without 索引号.
    """
    first, last = start.isoformat(), end.isoformat()
    sums = _Sums(row for row in rows if first <= row[0] <= last)
    visits = sums.of("visit")
    ratings = sums.labelled("rating", RATINGS)
    return UsageFigures(
        visits=visits,
        visits_by_hour=tuple(sums.hours),
        visits_by_weekday=tuple(sums.weekdays),
        visits_by_month=tuple((month, sums.months[month]) for month in months(start, end)),
        screens=shares([(name, count) for name, count in sums.labelled("screen", SCREEN_NAMES) if count], visits),
        searches=sums.of("search"),
        zero_searches=sums.amount_of("search"),
        searches_by_class=shares(sums.labelled("search", QUERY_CLASSES)),
        reads=sums.of("read"),
        read_seconds=sums.amount_of("read"),
        top_read=sums.top("read", titles, None if documents is None else documents.get("read", ())),
        top_printed=sums.top("print", titles, None if documents is None else documents.get("print", ())),
        prints=_prints(sums),
        attachments=sums.of("attachment"),
        ratings=shares(ratings),
        rating_reasons=shares(sums.labelled("reason", REASONS), dict(ratings).get(RATINGS["poor"], 0)),
        zero_queries=tuple(zero_queries),
    )


def _prints(sums: _Sums) -> tuple[PrintCount, ...]:
    kinds = list(PRINT_KINDS) + sorted({label for kind, label in sums.count if kind == "print"} - set(PRINT_KINDS))
    return tuple(
        PrintCount(kind, PRINT_KINDS.get(kind, kind), sums.count["print", kind], sums.amount["print", kind])
        for kind in kinds
    )


def merged_rows(exports: Iterable[tuple[str, Iterable[Sequence[object]]]]) -> list[TotalRow]:
    """The daily totals of several kiosks' exports summed, each (kiosk, day, key) counted once however often it
    was exported: a kiosk's totals only grow, so of two exports of the same day the larger counts, in any order."""
    latest: dict[tuple[str, str, int, str, str, str], tuple[int, int]] = {}
    for kiosk, rows in exports:
        for row in rows:
            day, hour, kind, label, index_no, count, amount = total_row(row)
            key = (kiosk, day, hour, kind, label, index_no)
            latest[key] = max(latest.get(key, (0, 0)), (count, amount))
    summed: dict[tuple[str, int, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (_kiosk, day, hour, kind, label, index_no), (count, amount) in latest.items():
        pair = summed[day, hour, kind, label, index_no]
        pair[0] += count
        pair[1] += amount
    return [
        (day, hour, kind, label, index_no, c, a)
        for (day, hour, kind, label, index_no), (c, a) in sorted(summed.items())
    ]


def total_row(row: Sequence[object]) -> TotalRow:
    """One exported row, checked: (day, hour, kind, label, index_no, count, amount); ValueError when it is not."""
    if len(row) != 7:
        raise ValueError(f"a daily total has 7 fields, not {len(row)}")
    day, hour, kind, label, index_no, count, amount = row
    date.fromisoformat(str(day))
    texts = (day, kind, label, index_no)
    numbers = (hour, count, amount)
    if not all(isinstance(value, str) for value in texts) or not all(
        isinstance(value, int) and not isinstance(value, bool) and value >= least
        for value, least in zip(numbers, (-1, 0, 0), strict=True)
    ):
        raise ValueError(f"a daily total is not (day, hour, kind, label, index_no, count, amount): {row!r:.120}")
    return str(day), int(hour), str(kind), str(label), str(index_no), int(count), int(amount)  # type: ignore[call-overload]


def as_csv(figures: Sequence[tuple[str, str, str, str]]) -> str:
    """Rows of (section, item, count, share) as CSV with a header, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["部分", "项目", "数量", "占比"])
    writer.writerows(figures)
    return out.getvalue()
