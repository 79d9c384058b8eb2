"""A year filter reads only the band of rowids its items hold, and still finds every item of that year."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from content_cache import ContentCache
from content_cache.demo import generate_items
from content_cache.records import Filters
from tests.content_cache.test_store import load


def _dated(records: list, year: int) -> list:
    return [
        replace(r, title=f"{r.title}龟兔赛跑", published_on=date(year, 1 + i % 12, 1)) for i, r in enumerate(records)
    ]


def test_a_year_filter_finds_every_item_of_the_year_wherever_its_rowid_lies(empty_cache: ContentCache) -> None:
    items = generate_items(60, seed=21)
    load(empty_cache, _dated(items[:20], 2009) + _dated(items[20:40], 2010) + _dated(items[40:50], 2011))
    late = _dated(items[50:], 2009)  # published in 2009, written later (a high rowid, beyond 2011's)
    load(empty_cache, late)
    for year, count in ((2009, 30), (2010, 20), (2011, 10), (2012, 0)):
        result = empty_cache.search("龟兔赛跑", 100, filters=Filters(year=year))
        assert result.total == count and all(h.published_on.year == year for h in result.hits)
        assert len(result.hits) == count
        by_date = empty_cache.search("龟兔赛跑", 100, filters=Filters(year=year), sort="date")
        assert {h.index_no for h in by_date.hits} == {h.index_no for h in result.hits}
    assert {h.index_no for h in empty_cache.search("龟兔赛跑", 100, filters=Filters(year=2009)).hits} >= {
        r.index_no for r in late
    }


def test_a_year_and_a_column_narrow_together(empty_cache: ContentCache) -> None:
    items = _dated(generate_items(40, seed=22), 2015)
    load(empty_cache, items)
    column = items[0].column_code
    result = empty_cache.search("龟兔赛跑", 100, filters=Filters(year=2015, column=column), facets=True)
    expected = {r.index_no for r in items if r.column_code == column}
    assert {h.index_no for h in result.hits} == expected and result.total == len(expected)
