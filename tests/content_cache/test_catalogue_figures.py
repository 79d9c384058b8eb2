"""The catalogue's figures for the annual report, on a small catalogue whose every number is known."""

from __future__ import annotations

from datetime import date

import pytest

from content_cache import ContentCache
from content_cache.figures import CatalogueFigures, Delay, Share, months
from content_cache.records import ColumnRecord, ItemRecord, PublisherRecord, Validity
from content_cache.store import upsert_columns, upsert_items, upsert_publishers

PUBLISHERS = [
    PublisherRecord("CITY", "宿州市人民政府", "city"),
    PublisherRecord("DEPT", "宿州市财政局", "city", "CITY"),
    PublisherRecord("TAX", "国家税务总局宿州市税务局", "vertical", "CITY"),
    PublisherRecord("COUNTY", "砀山县人民政府", "county", "CITY"),
    PublisherRecord("TOWN", "良梨镇人民政府", "township", "COUNTY"),
    PublisherRecord("WATER", "宿州市供水公司", "enterprise", "CITY"),
]
# Positions out of code order, so that catalogue order shows; "empty" holds nothing.
COLUMNS = [
    ColumnRecord("guide", "政府信息公开指南", None, 0),
    ColumnRecord("catalogue", "政府信息公开目录", None, 1),
    ColumnRecord("empty", "依申请公开", None, 2),
    ColumnRecord("departments", "政府各部门信息", None, 3),
    ColumnRecord("budgets", "财政预算决算报告", "catalogue", 0),
    ColumnRecord("plans", "国民经济和社会发展规划", "catalogue", 1),
    ColumnRecord("city-departments", "市直部门", "departments", 0),
]
FIRST_HALF_2026 = (date(2026, 1, 1), date(2026, 6, 30))


def item(
    n: int,
    publisher: str,
    column: str,
    published_on: date,
    written_on: date | None = None,
    validity: Validity = "valid",
) -> ItemRecord:
    """Item `n` of a publisher, made public on `published_on`."""
    index_no = f"{publisher}/{published_on.year}-{n}"
    return ItemRecord(
        index_no, f"文件{n}", publisher, column, published_on, "正文。", written_on=written_on, validity=validity
    )


# Working days from 成文 to 发布, by hand:
# 1: after Fri 1 Feb 2008: Sat 2, Sun 3 (worked for 春节), Mon 4, Tue 5, 6–12 off, Wed 13, Thu 14, Fri 15 → 7.
# 2: after Tue 3 Mar 2026: Wed 4, Thu 5, Fri 6, Mon 9, Tue 10 → 5.
# 4: written the day after it was made public → 0.
# 5: after Fri 29 May 2026: the 22 weekdays of June less 19 June (端午节) → 21, over the limit.
# 7: after Wed 11 Feb 2026: Thu 12, Fri 13, Sat 14 (worked for 春节), 15–23 off, Tue 24 … Fri 27 → 7.
ITEMS = [
    item(1, "CITY", "guide", date(2008, 2, 15), date(2008, 2, 1)),
    item(2, "DEPT", "budgets", date(2026, 3, 10), date(2026, 3, 3)),
    item(3, "TAX", "plans", date(2026, 3, 20), None, "amended"),
    item(4, "COUNTY", "catalogue", date(2026, 5, 6), date(2026, 5, 7), "abolished"),
    item(5, "TOWN", "city-departments", date(2026, 6, 30), date(2026, 5, 29)),
    item(6, "WATER", "guide", date(2025, 12, 31), date(2025, 12, 1), "expired"),
    item(7, "CITY", "budgets", date(2026, 2, 27), date(2026, 2, 11)),
]


def load(cache: ContentCache, items: list[ItemRecord], publishers: list[PublisherRecord] = PUBLISHERS) -> None:
    with cache.transaction() as session:
        upsert_publishers(session, publishers)
        upsert_columns(session, COLUMNS)
        upsert_items(session, items)


@pytest.fixture
def catalogue(empty_cache: ContentCache) -> ContentCache:
    load(empty_cache, ITEMS)
    return empty_cache


def test_items_by_level_in_the_report_s_order(catalogue: ContentCache) -> None:
    # 市: the city government's 1 and 7; 部门: a city department's 2 and the vertical tax bureau's 3.
    assert catalogue.catalogue_figures(*FIRST_HALF_2026).by_level == (
        Share("市", 2, 2 / 7),
        Share("部门", 2, 2 / 7),
        Share("县区", 1, 1 / 7),
        Share("乡镇", 1, 1 / 7),
        Share("公共企事业单位", 1, 1 / 7),
    )


def test_a_level_outside_the_five_is_a_sixth_line(empty_cache: ContentCache) -> None:
    load(empty_cache, [item(1, "PROV", "guide", date(2026, 1, 5))], [PublisherRecord("PROV", "省政府", "province")])
    assert empty_cache.catalogue_figures(*FIRST_HALF_2026).by_level[-2:] == (
        Share("公共企事业单位", 0, 0.0),
        Share("其他", 1, 1.0),
    )


def test_items_by_top_level_column_with_their_sub_columns_in_catalogue_order(catalogue: ContentCache) -> None:
    assert catalogue.catalogue_figures(*FIRST_HALF_2026).by_column == (
        Share("政府信息公开指南", 2, 2 / 7),
        Share("政府信息公开目录", 4, 4 / 7),  # 2 and 7 in 财政预算决算报告, 3 in 规划, 4 in the section itself
        Share("依申请公开", 0, 0.0),
        Share("政府各部门信息", 1, 1 / 7),
    )


def test_items_by_validity_all_four_always(catalogue: ContentCache) -> None:
    assert catalogue.catalogue_figures(*FIRST_HALF_2026).by_validity == (
        Share("有效", 4, 4 / 7),
        Share("已修订", 1, 1 / 7),
        Share("废止", 1, 1 / 7),
        Share("失效", 1, 1 / 7),
    )


def test_items_made_public_in_the_period_month_by_month_with_zeros(catalogue: ContentCache) -> None:
    figures = catalogue.catalogue_figures(*FIRST_HALF_2026)
    assert (figures.total, figures.published, figures.withdrawn) == (7, 5, 0)
    assert figures.published_by_month == (
        ("2026-01", 0),
        ("2026-02", 1),
        ("2026-03", 2),
        ("2026-04", 0),
        ("2026-05", 1),
        ("2026-06", 1),
    )


def test_the_period_includes_both_its_ends(catalogue: ContentCache) -> None:
    figures = catalogue.catalogue_figures(date(2025, 12, 31), date(2026, 2, 27))
    assert figures.published == 2  # 6 on the first day, 7 on the last
    assert figures.published_by_month == (("2025-12", 1), ("2026-01", 0), ("2026-02", 1))


def test_the_delay_in_working_days_from_written_to_made_public(catalogue: ContentCache) -> None:
    # Items 2, 4, 5 and 7 have a 成文 date (3 has none): 5 + 0 + 21 + 7 = 33 days, 8.25 rounded half up to 8.3.
    assert catalogue.catalogue_figures(*FIRST_HALF_2026).delay == Delay(
        items=4, average_days=8.3, max_days=21, within_limit=3, limit=20
    )


def test_the_delay_over_the_2008_spring_festival(catalogue: ContentCache) -> None:
    figures = catalogue.catalogue_figures(date(2008, 1, 1), date(2008, 12, 31))
    assert figures.delay == Delay(items=1, average_days=7.0, max_days=7, within_limit=1, limit=20)
    assert figures.delay.within_share == 1.0
    assert [n for _, n in figures.published_by_month] == [0, 1] + [0] * 10


def test_an_item_written_after_it_was_made_public_counts_no_days(catalogue: ContentCache) -> None:
    delay = catalogue.catalogue_figures(date(2026, 5, 1), date(2026, 5, 31)).delay
    assert delay == Delay(items=1, average_days=0.0, max_days=0, within_limit=1, limit=20)


def test_years_the_calendar_lacks_are_named(empty_cache: ContentCache) -> None:
    # After Fri 20 Dec 2030: 23–27, 30, 31 December, 1–3 and 6–10 January, Monday to Friday: 15.
    # After Fri 28 Dec 2007: Mon 31 December, Wed 2 January 2008 (1 January is 元旦): 2.
    load(
        empty_cache,
        [
            item(1, "CITY", "guide", date(2031, 1, 10), date(2030, 12, 20)),
            item(2, "CITY", "guide", date(2008, 1, 2), date(2007, 12, 28)),
        ],
    )
    delay = empty_cache.catalogue_figures(date(2008, 1, 1), date(2031, 12, 31)).delay
    assert delay == Delay(
        items=2, average_days=8.5, max_days=15, within_limit=2, limit=20, uncovered_years=(2007, 2030, 2031)
    )


def test_an_empty_catalogue_has_every_line_at_zero(empty_cache: ContentCache) -> None:
    assert empty_cache.catalogue_figures(date(2026, 1, 1), date(2026, 2, 28)) == CatalogueFigures(
        total=0,
        by_level=tuple(Share(label, 0, 0.0) for label in ("市", "部门", "县区", "乡镇", "公共企事业单位")),
        by_column=(),
        by_validity=tuple(Share(label, 0, 0.0) for label in ("有效", "已修订", "废止", "失效")),
        published=0,
        published_by_month=(("2026-01", 0), ("2026-02", 0)),
        delay=Delay(items=0, average_days=0.0, max_days=0, within_limit=0, limit=20),
    )


def test_months_run_across_a_year_and_are_none_for_a_reversed_period() -> None:
    assert months(date(2025, 11, 15), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months(date(2026, 2, 1), date(2026, 1, 31)) == []
