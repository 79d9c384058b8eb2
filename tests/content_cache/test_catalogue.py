from __future__ import annotations

from datetime import date

import pytest

from content_cache import ColumnNotFound, ContentCache
from content_cache.demo import annual_report_2008
from tests.conftest import DEMO_COUNT, DEMO_DAY

SIX = [
    "政府信息公开指南",
    "政府信息公开目录",
    "依申请公开",
    "政府信息公开年度报告",
    "政府各部门信息",
    "公共企事业单位信息",
]


def test_six_sections_in_the_order_of_the_seed(demo_cache: ContentCache) -> None:
    assert [s.name for s in demo_cache.sections()] == SIX


def test_the_catalogue_section_has_the_sub_columns_of_the_seed(demo_cache: ContentCache) -> None:
    names = [c.name for c in demo_cache.subcolumns("catalogue")]
    assert names[:4] == ["政府领导", "政府机构", "人事信息", "政府规范性文件"]
    assert "财政预算决算报告" in names and names[-1] == "其他"
    assert demo_cache.column("catalogue").child_count == len(names)


def test_every_item_lives_in_some_column(demo_cache: ContentCache) -> None:
    codes = [s.code for s in demo_cache.sections()]
    codes += [c.code for s in list(codes) for c in demo_cache.subcolumns(s)]
    assert sum(demo_cache.count_items(c) for c in codes) == DEMO_COUNT + 1


def test_items_come_newest_first_a_page_at_a_time(demo_cache: ContentCache) -> None:
    total = demo_cache.count_items("annual-reports")
    pages = [demo_cache.list_items("annual-reports", offset, 7) for offset in range(0, total, 7)]
    items = [item for page in pages for item in page]
    assert len(items) == total == len({i.index_no for i in items})
    dates = [i.published_on for i in items]
    assert dates == sorted(dates, reverse=True)


def test_the_seed_report_is_an_annual_report_with_its_real_date(demo_cache: ContentCache) -> None:
    item = demo_cache.item(annual_report_2008().index_no)
    assert (item.title, item.column, item.publisher) == (
        "宿州市2008年政府信息公开工作年度报告",
        "政府信息公开年度报告",
        "宿州市人民政府",
    )
    assert item.published_on == date(2008, 12, 30)
    assert item.body.startswith("省政务公开办公室") and item.body.endswith("二〇〇八年十二月三十日")


def test_the_content_date_is_the_day_it_was_loaded(demo_cache: ContentCache) -> None:
    assert demo_cache.updated_on() == DEMO_DAY


def test_an_unknown_column_is_a_clear_error(demo_cache: ContentCache) -> None:
    with pytest.raises(ColumnNotFound):
        demo_cache.subcolumns("nope")


def test_a_section_counts_the_items_of_its_sub_columns(demo_cache: ContentCache) -> None:
    sections = demo_cache.sections()
    assert sum(s.item_count for s in sections) == DEMO_COUNT + 1
    catalogue = next(s for s in sections if s.code == "catalogue")
    assert catalogue.item_count == sum(c.item_count for c in demo_cache.subcolumns("catalogue")) > 0
