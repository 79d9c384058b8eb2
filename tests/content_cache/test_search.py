from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_cache import ContentCache
from content_cache.demo import annual_report_2008, generate_items
from content_cache.search import MAX_QUERY
from tests.conftest import DEMO_COUNT
from tests.content_cache.test_store import load

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
    for spelling in (
        record.doc_no.replace("〔", "[").replace("〕", "]"),
        record.doc_no.replace("〔", "［").replace("〕", "］"),
    ):
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
    result = demo_cache.search(query, 5)
    assert len(result.hits) <= 5 and result.total >= len(result.hits)
    assert len(result.query) <= MAX_QUERY  # a pasted page is cut before it is searched
    if not query.strip() or not any(char.isalnum() for char in query):
        assert (result.total, result.hits) == (0, ())  # nothing to search for: nothing found, no error


@pytest.mark.parametrize(
    ("syntax", "plain"),
    [
        ('"宿州"', "宿州"),
        ("宿州*", "宿州"),
        ("宿州 OR 通知", "宿州 or 通知"),
        ("AND", "and"),
        ("宿州 NOT 通知", "宿州 not 通知"),
    ],
)
def test_fts_syntax_in_a_query_is_plain_text(demo_cache: ContentCache, syntax: str, plain: str) -> None:
    found, expected = demo_cache.search(syntax, 5), demo_cache.search(plain, 5)
    assert found.total == expected.total and [hit.index_no for hit in found.hits] == [
        hit.index_no for hit in expected.hits
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(demo_cache: ContentCache, query: str) -> None:
    result = demo_cache.search(query, 5)
    assert result.total >= len(result.hits)


ODD = st.lists(
    st.sampled_from(
        [
            '"',
            "*",
            "(",
            ")",
            "\\",
            ":",
            "^",
            "-",
            "+",
            "{",
            "}",
            " ",
            "AND",
            "OR",
            "NOT",
            "NEAR",
            "\x00",
            "\u200b",
            "😀",
            "ＡＮＤ",
            "（",
            "〔",
            "财",
            "政",
            "预算",
            "宿州",
            "2008",
            "年",
            "号",
            "[color=ff0000]",
            "<b>",
            "𠀀",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=ODD, sort=st.sampled_from(["relevance", "date"]), year=st.sampled_from([None, 2008, 2009]))
def test_odd_queries_with_filters_and_facets_never_raise(demo_cache: ContentCache, query: str, sort, year) -> None:
    from content_cache.records import Filters

    result = demo_cache.search(query, 5, filters=Filters(year=year), sort=sort, facets=True)
    assert result.total >= len(result.hits) == len(result.snippets)
    for hit, snip in zip(result.hits, result.snippets, strict=True):
        assert all(0 <= s < e <= len(hit.title) for s, e in snip.title_marks)
        assert all(0 <= s < e <= len(snip.text) for s, e in snip.marks)
    if result.facets:
        assert sum(f.count for f in result.facets["validity"]) == result.total


def test_snippets_mark_the_query_in_title_and_body(demo_cache: ContentCache) -> None:
    result = demo_cache.search("年度报告", 3)
    snip = result.snippets[0]
    title = result.hits[0].title
    assert [title[s:e] for s, e in snip.title_marks] == ["年度报告"]
    assert all(snip.text[s:e] == "年度报告" for s, e in snip.marks)


def test_filters_narrow_and_facets_count(demo_cache: ContentCache) -> None:
    from content_cache.records import Filters

    every = demo_cache.search("通知", 1000, facets=True)
    for name in ("column", "publisher", "year", "validity"):
        assert sum(f.count for f in every.facets[name]) == every.total, name
    publisher = every.facets["publisher"][0]
    assert publisher.level in {"city", "county", "township"}
    narrowed = demo_cache.search("通知", 1000, filters=Filters(publisher=publisher.value))
    assert narrowed.total == publisher.count and {h.publisher for h in narrowed.hits} == {publisher.label}
    abolished = demo_cache.search("通知", 1000, filters=Filters(validity="abolished"))
    assert all(h.validity == "abolished" for h in abolished.hits)


def test_a_section_filter_takes_its_sub_columns(demo_cache: ContentCache) -> None:
    from content_cache.records import Filters

    section = next(s for s in demo_cache.sections() if demo_cache.subcolumns(s.code))
    inside = {c.code for c in demo_cache.subcolumns(section.code)} | {section.code}
    result = demo_cache.search("通知", 1000, filters=Filters(column=section.code))
    assert result.total and all(h.column_code in inside for h in result.hits)


def test_no_hits_for_several_words_suggests_dropping_one(demo_cache: ContentCache) -> None:
    result = demo_cache.search("年度报告 量子引力", 5)  # no item holds 量子引力: those with 年度报告, and the offer
    assert result.partial and result.total > 0 and result.suggestions == ("年度报告",)
    assert all("年度报告" in hit.title for hit in result.hits)


def test_a_word_spelt_with_the_wrong_characters_is_searched_as_the_right_ones(demo_cache: ContentCache) -> None:
    result = demo_cache.search("材政预算", 5)  # 材 and 政, left alone by the cut, read as 财政
    assert (result.respelt_from, result.query) == ("材政预算", "财政预算") and result.total > 0


def test_a_broad_query_gives_the_newest_title_hits_and_a_capped_total(
    demo_cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from content_cache import search

    exact = demo_cache.search("通知", 1000)
    assert exact.total > 30 and not exact.more
    monkeypatch.setattr(search, "BROAD", 30)
    broad = demo_cache.search("通知", 20, facets=True)
    assert (broad.total, broad.more) == (30, True)
    in_title = [h for h in exact.hits if "通知" in h.title]
    newest_titles = sorted(in_title, key=lambda h: h.index_no, reverse=True)
    assert all("通知" in h.title for h in broad.hits)
    assert {h.index_no for h in broad.hits} <= {h.index_no for h in in_title}
    assert len(broad.hits) == min(20, len(newest_titles))
    assert sum(f.count for f in broad.facets["validity"]) == 30


def test_short_and_long_pinyin_find_the_same_titles(demo_cache: ContentCache) -> None:
    short = {h.index_no for h in demo_cache.search("cz", 1000).hits}
    longer = {h.index_no for h in demo_cache.search("czys", 1000).hits}
    assert longer and longer <= short


@pytest.mark.parametrize("query", ["caizheng ys", "cz yusuan", "caizheng yusuan", "czys", "cz ys"])
def test_pinyin_parts_mix_full_pinyin_and_initials(demo_cache: ContentCache, query: str) -> None:
    titles = [hit.title for hit in demo_cache.search(query, 10).hits]
    assert titles and all("财政预算" in t for t in titles[:3]), titles


def test_nothing_to_suggest_offers_the_likeliest_column(demo_cache: ContentCache) -> None:
    result = demo_cache.search("绿化 养猪", 5, partial_ok=False)  # 绿化 is in titles, 养猪 in none
    assert result.total == 0
    assert result.browse is not None or result.suggestions == ("绿化",)
    partial = demo_cache.search("绿化养猪", 5)  # cut into 绿化 养猪: the items holding 绿化
    assert partial.partial and partial.hits and all("绿化" in h.title or "绿化" in h.doc_no for h in partial.hits)


def test_many_unknown_words_end_quickly_without_suggestions(demo_cache: ContentCache) -> None:
    result = demo_cache.search(" ".join(["量子"] * 40), 5)
    assert result.total == 0 and result.suggestions == ()


def test_pinyin_finds_the_words_it_reads_as_in_the_body_too(demo_cache: ContentCache) -> None:
    # gongjijin reads as 公积金, a word of the synonym list: items holding it (or 住房公积金) anywhere are found
    result = demo_cache.search("gongjijin", 20)
    assert result.total > 0
    assert all("公积金" in hit.title or "公积金" in demo_cache.item(hit.index_no).body for hit in result.hits)


def test_a_misspelling_that_finds_nothing_searches_its_respelling(demo_cache: ContentCache) -> None:
    result = demo_cache.search("公基金", 5)
    assert (result.respelt_from, result.query) == ("公基金", "公积金") and result.total > 0


def test_nothing_found_offers_the_shorter_query_and_the_column_together(demo_cache: ContentCache) -> None:
    result = demo_cache.search("年度报告 量子引力", 5, partial_ok=False)
    assert result.total == 0 and result.suggestions == ("年度报告",) and result.browse is not None


def test_two_letters_that_are_no_syllable_are_initials_and_initials_rank_first(empty_cache: ContentCache) -> None:
    plan, fire, safety, station = (
        replace(item, published_on=date(2024, 5, 1), validity="valid") for item in generate_items(4, seed=3)
    )
    plan = replace(plan, title="宿州市国土空间总体规划", published_on=date(2020, 1, 1))  # ghui: g·h initials
    fire = replace(fire, title="灵璧县森林防火管理办法", published_on=date(2026, 1, 1))  # fan|g h|uo: not initials
    safety = replace(safety, title="关于做好学校安全工作的通知", published_on=date(2026, 2, 1))  # an: 安
    station = replace(station, title="宿州市管理办法", published_on=date(2026, 3, 1))  # an in guan
    load(empty_cache, [plan, fire, safety, station])
    assert [hit.title for hit in empty_cache.search("gh", 10).hits] == [plan.title]
    found = {hit.title for hit in empty_cache.search("an", 10).hits}
    assert {safety.title, station.title} <= found  # a syllable also stands in the full pinyin


def test_words_apart_never_match_more_than_a_name_of_the_query(empty_cache: ContentCache) -> None:
    # 社保转移's other name 转社保 apart would be 社保 alone (转 is one character): every 社保 item would match
    transfer, card = (replace(item, published_on=date(2024, 5, 1)) for item in generate_items(2, seed=5))
    transfer = replace(
        transfer, title="关于做好社保关系跨省转移工作的通知", body="参保人员跨地区流动的，办理跨省转移。"
    )
    card = replace(card, title="社保卡申领办事指南", body="持身份证到社保经办机构办理。")
    load(empty_cache, [transfer, card])
    assert [hit.title for hit in empty_cache.search("社保转移", 10).hits] == [transfer.title]
