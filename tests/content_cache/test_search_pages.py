"""Search pages: `offset` walks every hit of a query once, in the order of the first page."""

from __future__ import annotations

import pytest

from content_cache import ContentCache
from content_cache import search as search_module
from content_cache.records import Filters, Sort

PAGE = 7


def _paged(cache: ContentCache, query: str, sort: Sort, filters: Filters | None = None) -> list[str]:
    seen: list[str] = []
    while True:
        page = cache.search(query, PAGE, sort=sort, filters=filters, offset=len(seen))
        seen += [hit.index_no for hit in page.hits]
        if len(page.hits) < PAGE:
            return seen


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("query", ["宿州", "财政", "suzhou", "通知 管理"])
def test_pages_hold_every_hit_once_in_order(demo_cache: ContentCache, query: str, sort: Sort) -> None:
    whole = demo_cache.search(query, 100_000, sort=sort)
    assert whole.total > PAGE, query
    assert _paged(demo_cache, query, sort) == [hit.index_no for hit in whole.hits]


def test_a_broad_query_pages_newest_first_without_repeats(
    demo_cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "BROAD", 20)  # the demo cache is small: make 宿州 broad
    first = demo_cache.search("宿州", PAGE)
    assert first.more
    paged = []
    for offset in range(0, 20, PAGE):
        paged += [hit.index_no for hit in demo_cache.search("宿州", PAGE, offset=offset).hits]
    assert len(paged) == len(set(paged)) == 21
    assert paged[:PAGE] == [hit.index_no for hit in first.hits]


def test_an_offset_past_the_end_or_past_an_exact_index_no_is_empty(demo_cache: ContentCache) -> None:
    hit = demo_cache.search("宿州", 1).hits[0]
    assert demo_cache.search(hit.index_no, 5).hits[0].index_no == hit.index_no
    assert demo_cache.search(hit.index_no, 5, offset=1).hits == ()
    assert demo_cache.search("宿州", 5, offset=100_000).hits == ()
    assert demo_cache.search("qqqzzz", 5, offset=5).suggestions == ()


def test_a_broad_querys_pages_are_the_same_with_or_without_the_titles_its_count_read(
    demo_cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "BROAD", 10)  # the count reads 11 title hits; pages go on past them

    def pages() -> list[str]:
        return [
            hit.index_no for offset in range(0, 35, PAGE) for hit in demo_cache.search("宿州", PAGE, offset=offset).hits
        ]

    reusing = pages()
    walk = search_module._walk
    monkeypatch.setattr(search_module, "_walk", lambda *args: walk(*args[:5]))  # every page read afresh
    assert reusing == pages() and len(reusing) == len(set(reusing)) == 35
