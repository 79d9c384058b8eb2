"""The reading room's figures for a period: how citizens used the kiosk, and the catalogue.

`Report` is what `kiosk stats` prints (table, JSON, CSV, PDF) and what the staff
console's figures page draws. Usage comes from the state store's daily totals,
the catalogue from the content cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from content_cache.figures import CatalogueFigures, Share

RATINGS: dict[str, str] = {"good": "满意", "fair": "基本满意", "poor": "不满意"}
REASONS: dict[str, str] = {"not_found": "找不到", "hard_to_read": "看不清", "printing": "打印问题", "other": "其他"}
PRINT_KINDS: dict[str, str] = {"a4": "A4 复印件", "receipt": "信息小票"}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True, slots=True)
class TopDocument:
    """A document read or printed often in the period."""

    index_no: str
    title: str  # '' when the document is no longer in the catalogue
    count: int


@dataclass(frozen=True, slots=True)
class PrintCount:
    """Copies and pages of one kind of printout."""

    kind: str  # a4 / receipt
    label: str
    copies: int
    pages: int


@dataclass(frozen=True, slots=True)
class UsageFigures:
    """What citizens did at the kiosk in a period; no text a citizen typed except zero-hit queries asked ≥ 3 times."""

    visits: int
    visits_by_hour: tuple[int, ...]  # 24 counts, 0:00 first
    visits_by_weekday: tuple[int, ...]  # 7 counts, Monday first
    visits_by_month: tuple[tuple[str, int], ...]  # ("2026-01", visits)
    screens: tuple[Share, ...]  # visits that saw each screen, share of all visits
    searches: int
    zero_searches: int  # searches that found nothing
    searches_by_class: tuple[Share, ...]  # 文字 / 拼音 / 首字母 / 文号 / 索引号 / 手写
    reads: int  # documents opened
    read_seconds: int
    top_read: tuple[TopDocument, ...]
    top_printed: tuple[TopDocument, ...]
    prints: tuple[PrintCount, ...]
    attachments: int  # attachments opened
    ratings: tuple[Share, ...]  # 满意 / 基本满意 / 不满意, share of all ratings
    rating_reasons: tuple[Share, ...]  # reasons given with 不满意, share of the 不满意 ratings
    zero_queries: tuple[tuple[str, int], ...]  # (normalised query, visits that asked it), ≥ 3 visits only

    @property
    def rated(self) -> int:
        return sum(share.count for share in self.ratings)

    @property
    def pages(self) -> int:
        return sum(count.pages for count in self.prints)


@dataclass(frozen=True, slots=True)
class Report:
    """One period's figures of one room (or of several rooms merged)."""

    room: str  # the reading room's name
    kiosks: tuple[str, ...]  # the kiosks whose usage is counted
    start: date
    end: date  # inclusive
    content_sequence: int | None  # the content cache's feed sequence the catalogue figures come from
    made_at: str  # ISO time the figures were worked out
    usage: UsageFigures
    catalogue: CatalogueFigures
