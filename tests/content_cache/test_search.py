from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_cache import ContentCache
from content_cache.demo import annual_report_2008, generate_items
from tests.conftest import DEMO_COUNT

ALL = 100_000
CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def found(cache: ContentCache, query: str, index_no: str) -> bool:
    return index_no in {hit.index_no for hit in cache.search(query, ALL).hits}


DEMO = [annual_report_2008(), *generate_items(DEMO_COUNT, seed=7)]


@pytest.mark.parametrize("record", DEMO, ids=lambda r: r.index_no)
def test_every_demo_item_is_found_by_index_no_doc_no_and_a_title_word(demo_cache: ContentCache, record) -> None:
    assert found(demo_cache, record.index_no, record.index_no)
    if record.doc_no:
        assert found(demo_cache, record.doc_no, record.index_no)
    word = CJK_PAIR.findall(record.title)[-1]
    assert found(demo_cache, word, record.index_no), word


def test_pinyin_initials_and_full_pinyin_find_a_budget_title(demo_cache: ContentCache) -> None:
    for query in ("czys", "caizhengyusuan", "caizheng yusuan"):
        titles = [hit.title for hit in demo_cache.search(query, 5).hits]
        assert titles and all("财政预算" in t for t in titles), (query, titles)


def test_doc_no_in_other_spellings(demo_cache: ContentCache) -> None:
    record = next(r for r in DEMO if r.doc_no)
    assert record.doc_no
    for spelling in (record.doc_no.replace("〔", "[").replace("〕", "]"), record.doc_no.replace("〔", "［").replace("〕", "］")):
        assert found(demo_cache, spelling, record.index_no), spelling


def test_one_character_finds_a_character_that_ends_a_run(demo_cache: ContentCache) -> None:
    # 告 ends 年度报告 and starts no bigram in the seed's title.
    assert found(demo_cache, "告", annual_report_2008().index_no)


def test_results_are_summaries_with_publisher_and_column(demo_cache: ContentCache) -> None:
    result = demo_cache.search("宿州市2008年政府信息公开工作年度报告", 3)
    top = result.hits[0]
    assert top.index_no == annual_report_2008().index_no
    assert (top.publisher, top.column) == ("宿州市人民政府", "政府信息公开年度报告")


def test_no_match_is_an_empty_result(demo_cache: ContentCache) -> None:
    result = demo_cache.search("量子引力", 10)
    assert (result.total, result.hits) == (0, ())


HOSTILE = ['"', "*", "AND", "OR NOT", "NEAR(a b)", "(((", "\\", "😀", "\x00\x1b", "ＡＮＤ", "财" * 10_000, "", "  "]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(demo_cache: ContentCache, query: str) -> None:
    demo_cache.search(query, 5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(demo_cache: ContentCache, query: str) -> None:
    result = demo_cache.search(query, 5)
    assert result.total >= len(result.hits)
