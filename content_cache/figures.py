"""The catalogue's figures for the annual report on disclosure work, as the report states them.

Items by publisher level and by column with their shares, items made public in a
period, the days from 成文 (written) to 发布 (made public) counted in working
days by the official holiday calendar, items by 有效性.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from content_cache.calendar import LEGAL_LIMIT, covered_years, working_days_after
from content_cache.models import CatalogueColumn, Item, Publisher
from content_cache.records import VALIDITY_LABELS


@dataclass(frozen=True, slots=True)
class Share:
    """One line of a breakdown: what, how many, and its share of the whole (0 … 1)."""

    label: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class Delay:
    """Working days from 成文 to 发布 of the items made public in a period that have a 成文 date."""

    items: int
    average_days: float
    max_days: int
    within_limit: int  # made public within `limit` working days
    limit: int
    uncovered_years: tuple[int, ...] = ()  # years the shipped calendar lacks: counted Monday to Friday there

    @property
    def within_share(self) -> float:
        return self.within_limit / self.items if self.items else 0.0


@dataclass(frozen=True, slots=True)
class CatalogueFigures:
    """The catalogue now, and what it made public in a period."""

    total: int
    by_level: tuple[Share, ...]  # 市 / 部门 / 县区 / 乡镇 / 公共企事业单位 (/ 其他)
    by_column: tuple[Share, ...]  # the top-level columns, in catalogue order
    by_validity: tuple[Share, ...]  # 有效 / 已修订 / 废止 / 失效
    published: int  # items made public in the period
    published_by_month: tuple[tuple[str, int], ...]  # ("2026-01", count), every month of the period
    delay: Delay
    withdrawn: int = 0  # items withdrawn in the period (the state store's sync runs know; 0 here)


# The annual report's five kinds of publisher, in its order; a level outside them is 其他, listed only when present.
CITY, DEPARTMENT, COUNTY, TOWNSHIP, ENTERPRISE, OTHER = "市", "部门", "县区", "乡镇", "公共企事业单位", "其他"
LEVELS: tuple[str, ...] = (CITY, DEPARTMENT, COUNTY, TOWNSHIP, ENTERPRISE)
_LEVEL_OF: dict[str, str] = {"vertical": DEPARTMENT, "county": COUNTY, "township": TOWNSHIP, "enterprise": ENTERPRISE}


def catalogue_figures(session: Session, start: date, end: date) -> CatalogueFigures:
    """The catalogue's figures now, and of what it made public from `start` through `end`, by SQL aggregates."""
    total = session.scalar(select(func.count()).select_from(Item)) or 0
    return CatalogueFigures(
        total=total,
        by_level=_by_level(session, total),
        by_column=_by_column(session, total),
        by_validity=_by_validity(session, total),
        published=session.scalar(select(func.count()).select_from(Item).where(*_in_period(start, end))) or 0,
        published_by_month=_published_by_month(session, start, end),
        delay=_delay(session, start, end),
    )


def _share(label: str, count: int, total: int) -> Share:
    return Share(label, count, count / total if total else 0.0)


def _shares(labels: Iterable[str], counts: dict[str, int], total: int) -> tuple[Share, ...]:
    """A line for every label, in order, with its count (0 when absent) and share of `total`."""
    return tuple(_share(label, counts.get(label, 0), total) for label in labels)


def _tally(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Counts summed by label (several stored values may fall under one label)."""
    out: dict[str, int] = {}
    for label, count in rows:
        out[label] = out.get(label, 0) + count
    return out


def level_label(level: str | None, has_parent: bool) -> str:
    """The report's kind of a publisher: the city government is the city unit without a parent, a department …"""
    if level == "city":
        return DEPARTMENT if has_parent else CITY
    return _LEVEL_OF.get(level or "", OTHER)


def _by_level(session: Session, total: int) -> tuple[Share, ...]:
    """Items by the report's kind of publisher: the five always, 其他 when some publisher is of another level."""
    has_parent = Publisher.parent_code.is_not(None)
    rows = session.execute(
        select(Publisher.level, has_parent, func.count())
        .select_from(Item)
        .outerjoin(Publisher, Item.publisher_code == Publisher.code)
        .group_by(Publisher.level, has_parent)
    )
    counts = _tally((level_label(level, bool(parented)), n) for level, parented, n in rows)
    return _shares(LEVELS + ((OTHER,) if counts.get(OTHER) else ()), counts, total)


def _by_column(session: Session, total: int) -> tuple[Share, ...]:
    """Each top-level column with the items in it and in its sub-columns (one level deep), in catalogue order."""
    section = func.coalesce(CatalogueColumn.parent_code, CatalogueColumn.code)
    rows = session.execute(select(section, func.count()).select_from(Item).join(CatalogueColumn).group_by(section))
    counts: dict[str, int] = {code: n for code, n in rows}
    sections = session.execute(
        select(CatalogueColumn.code, CatalogueColumn.name)
        .where(CatalogueColumn.parent_code.is_(None))
        .order_by(CatalogueColumn.position, CatalogueColumn.code)
    )
    return tuple(_share(name, counts.get(code, 0), total) for code, name in sections)


def _by_validity(session: Session, total: int) -> tuple[Share, ...]:
    """有效 / 已修订 / 废止 / 失效; a stored value outside them reads as 有效, as the catalogue shows it."""
    rows = session.execute(select(Item.validity, func.count()).group_by(Item.validity))
    counts = _tally((VALIDITY_LABELS.get(validity, VALIDITY_LABELS["valid"]), n) for validity, n in rows)
    return _shares(VALIDITY_LABELS.values(), counts, total)


def _in_period(start: date, end: date) -> list[ColumnElement[bool]]:
    """Items made public from `start` through `end`: a range, so the published_on index serves it."""
    return [Item.published_on >= start, Item.published_on <= end]


def months(start: date, end: date) -> list[str]:
    """Every month from `start`'s through `end`'s as "YYYY-MM" (none when `end` is before `start`)."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)] if start <= end else []


def _published_by_month(session: Session, start: date, end: date) -> tuple[tuple[str, int], ...]:
    """Items made public in each month of the period, months without any included."""
    month = func.strftime("%Y-%m", Item.published_on)
    rows = session.execute(select(month, func.count()).where(*_in_period(start, end)).group_by(month))
    counts: dict[str, int] = {m: n for m, n in rows}
    return tuple((m, counts.get(m, 0)) for m in months(start, end))


def _delay(session: Session, start: date, end: date) -> Delay:
    """Working days from 成文 to 发布 of the period's items with a 成文 date, counted once a distinct pair of dates."""
    pairs = session.execute(
        select(Item.written_on, Item.published_on, func.count())
        .where(*_in_period(start, end), Item.written_on.is_not(None))
        .group_by(Item.written_on, Item.published_on)
    ).all()
    counted = [(working_days_after(written_on, published_on), n) for written_on, published_on, n in pairs if written_on]
    items = sum(n for _, n in counted)
    total_days = sum(days * n for days, n in counted)
    within = sum(n for days, n in counted if days <= LEGAL_LIMIT)
    max_days = max((days for days, _ in counted), default=0)
    return Delay(items, _tenths(total_days, items), max_days, within, LEGAL_LIMIT, _uncovered(pairs))


def _uncovered(pairs: Iterable[tuple[date | None, date, int]]) -> tuple[int, ...]:
    """The years counted Monday to Friday: those from 成文 to 发布 of a pair that the shipped calendar lacks."""
    spans = {(w.year, p.year) for w, p, _ in pairs if w and w < p}
    spanned = {year for first, last in spans for year in range(first, last + 1)}
    return tuple(sorted(spanned - set(covered_years())))


def _tenths(total: int, count: int) -> float:
    """total / count rounded half up to one decimal (as the report rounds), 0 when count is 0."""
    return (20 * total + count) // (2 * count) / 10 if count else 0.0
