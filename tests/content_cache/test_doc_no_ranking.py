"""A query that is a 文号 an item holds whole: that item first, then the items holding its parts by the prior
(newest first, an abolished one after)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from content_cache import ContentCache
from tests.content_cache.test_keywords import NOTICE, _hits
from tests.content_cache.test_store import load


def test_the_item_holding_the_whole_doc_no_comes_first_then_the_parts_newest_first(empty_cache: ContentCache) -> None:
    exact = replace(
        NOTICE,
        index_no="003233115/2015-90001",
        doc_no="宿政发〔2015〕29号",
        published_on=date(2015, 3, 2),
        title="关于印发宿州市城市绿化管理办法的通知",
    )
    older = replace(
        NOTICE,
        index_no="003233115/2015-90002",
        doc_no="宿政发〔2015〕2号",
        published_on=date(2015, 1, 9),
        title="关于宿政发〔2015〕29号文件的补充说明",
        body="对29号文件作如下补充。",
    )
    newer = replace(older, index_no="003233115/2016-90003", published_on=date(2016, 5, 1))
    abolished = replace(older, index_no="003233115/2017-90004", published_on=date(2017, 5, 1), validity="abolished")
    load(empty_cache, [older, exact, newer, abolished])
    for typed in ("宿政发〔2015〕29号", "宿政发[2015]29号", "宿政发 2015 29号"):
        assert _hits(empty_cache, typed) == [exact.index_no, newer.index_no, older.index_no, abolished.index_no], typed


def test_a_filter_that_leaves_out_the_holder_of_the_whole_doc_no_keeps_the_full_ranking(
    empty_cache: ContentCache,
) -> None:
    from content_cache.records import Filters

    exact = replace(
        NOTICE,
        index_no="003233115/2015-90001",
        doc_no="宿政发〔2015〕29号",
        published_on=date(2015, 3, 2),
        title="关于印发宿州市城市绿化管理办法的通知",
    )
    parts = replace(
        NOTICE,
        index_no="003233115/2016-90002",
        doc_no="宿政发〔2016〕29号",
        published_on=date(2016, 1, 9),
        title="关于宿政发〔2015〕29号文件的补充说明",
        body="对宿政发〔2015〕29号文件作如下补充。",
    )
    load(empty_cache, [exact, parts])
    found = empty_cache.search("宿政发〔2015〕29号", 10, filters=Filters(year=2016))
    assert [hit.index_no for hit in found.hits] == [parts.index_no]


def test_a_widening_that_finds_nothing_is_not_reported(empty_cache: ContentCache) -> None:
    load(empty_cache, [NOTICE])
    found = empty_cache.search("龟兔赛跑", 10)
    assert found.total == 0 and found.widened == ""
