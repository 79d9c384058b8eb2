"""A column's items by year of publication: the year counts and the pages of one year."""

from __future__ import annotations

from content_cache import ContentCache
from content_cache.catalogue_layout import leaf_codes


def _busiest(cache: ContentCache) -> str:
    return max(leaf_codes(), key=cache.count_items)


def test_year_counts_are_the_years_with_items_newest_first_and_add_up(demo_cache: ContentCache) -> None:
    code = _busiest(demo_cache)
    years = demo_cache.year_counts(code)
    assert len(years) >= 2
    assert [y for y, _ in years] == sorted(
        {i.published_on.year for i in demo_cache.list_items(code, 0, 10_000)}, reverse=True
    )
    assert all(n > 0 for _, n in years)
    assert sum(n for _, n in years) == demo_cache.count_items(code)
    for year, n in years:
        assert demo_cache.count_items(code, year) == n


def test_pages_of_one_year_hold_only_that_year_newest_first(demo_cache: ContentCache) -> None:
    code = _busiest(demo_cache)
    year, count = demo_cache.year_counts(code)[-1]
    pages = [demo_cache.list_items(code, offset, 3, year) for offset in range(0, count, 3)]
    items = [item for page in pages for item in page]
    assert len(items) == count and all(len(page) <= 3 for page in pages)
    assert all(item.published_on.year == year for item in items)
    assert [i.index_no for i in items] == [
        i.index_no for i in demo_cache.list_items(code, 0, 10_000) if i.published_on.year == year
    ]
    assert demo_cache.list_items(code, count, 3, year) == []


def test_a_year_without_items_and_an_unknown_column_give_nothing(demo_cache: ContentCache) -> None:
    code = _busiest(demo_cache)
    assert demo_cache.count_items(code, 1990) == 0 and demo_cache.list_items(code, 0, 10, 1990) == []
    assert demo_cache.year_counts("no-such-column") == []
