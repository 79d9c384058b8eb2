"""The pinyin keyboard's vocabulary: kept by every write, ranked by how many titles hold a word."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from content_cache import ContentCache
from content_cache.catalogue_layout import column_records
from content_cache.demo import generate_items, publisher_records
from content_cache.store import upsert_columns, upsert_items, upsert_publishers, withdraw_items


def load(cache: ContentCache, records) -> None:
    with cache.transaction() as session:
        upsert_publishers(session, publisher_records())
        upsert_columns(session, column_records())
        upsert_items(session, records)


def titles_holding(cache: ContentCache, word: str) -> int:
    with cache.session() as session:
        return session.execute(text("SELECT titles FROM vocabulary WHERE word = :w"), {"w": word}).scalar() or 0


def words(cache: ContentCache, letters: str) -> list[str]:
    return [c.word for c in cache.candidates(letters, 12)]


def test_a_frequent_word_comes_before_a_rare_one_with_the_same_letters(empty_cache: ContentCache) -> None:
    base = generate_items(6, seed=5)
    titles = ["关于财政预算的通知", "财政局工作报告", "市财政收支情况", "关于建筑材质标准的通知"]
    load(empty_cache, [replace(item, title=t) for item, t in zip(base, titles, strict=False)])
    assert titles_holding(empty_cache, "财政") == 3 and titles_holding(empty_cache, "材质") == 1
    assert words(empty_cache, "caizh")[:2] == ["财政", "材质"]
    assert words(empty_cache, "cz")[:2] == ["财政", "材质"]


def test_letters_beyond_a_word_offer_it_for_its_part(empty_cache: ContentCache) -> None:
    load(empty_cache, [replace(generate_items(1, seed=5)[0], title="关于财政预算的通知")])
    found = {c.word: c.covers for c in empty_cache.candidates("caizhengyusuan")}
    assert found["财政"] == len("caizheng") and found["财"] == len("cai")
    assert empty_cache.candidates("yusuan")[0].word == "预算"


def test_updates_and_withdrawals_keep_the_counts(empty_cache: ContentCache) -> None:
    items = [replace(item, title="关于城市绿化的通知") for item in generate_items(3, seed=5)]
    load(empty_cache, items)
    assert titles_holding(empty_cache, "绿化") == 3
    load(empty_cache, [replace(items[0], title="关于道路养护的通知")])
    assert titles_holding(empty_cache, "绿化") == 2 and titles_holding(empty_cache, "养护") == 1
    with empty_cache.transaction() as session:
        withdraw_items(session, [items[1].index_no, items[2].index_no])
    assert titles_holding(empty_cache, "绿化") == 0 and "绿化" not in words(empty_cache, "lvhua")
    assert titles_holding(empty_cache, "通知") == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_input_gives_candidates_covering_at_most_the_letters(demo_cache: ContentCache, letters: str) -> None:
    for candidate in demo_cache.candidates(letters):
        assert 0 < candidate.covers <= len(letters)


def test_the_citizens_words_of_the_synonym_list_come_first(demo_cache: ContentCache) -> None:
    assert [c.word for c in demo_cache.candidates("dibao", 5)][0] == "低保"
    assert [c.word for c in demo_cache.candidates("gjj", 5)][0] == "公积金"
    assert {"养老保险", "医疗保险"} <= {c.word for c in demo_cache.candidates("ylbx", 5)}


def test_two_words_spelt_one_after_the_other_are_offered_whole_when_a_title_holds_them(
    empty_cache: ContentCache,
) -> None:
    base = generate_items(6, seed=5)
    titles = ["关于财政预算的通知", "财政局工作报告", "市财政收支情况", "关于宿州市预算执行的报告"]
    load(empty_cache, [replace(item, title=t) for item, t in zip(base, titles, strict=False)])
    assert words(empty_cache, "czys")[0] == "财政预算"
    assert words(empty_cache, "caizhengyusuan")[0] == "财政预算"
    assert "财政报告" not in words(empty_cache, "czbg")  # no title holds 财政 and 报告 together


def test_characters_that_merely_meet_in_a_title_come_after_real_words(empty_cache: ContentCache) -> None:
    base = generate_items(4, seed=5)
    titles = [
        "关于宿州市预算执行的报告",
        "关于宿州市预算执行的报告（二）",
        "关于宿州市预算执行的报告（三）",
        "预算公开",
    ]
    load(empty_cache, [replace(item, title=t) for item, t in zip(base, titles, strict=False)])
    offered = words(empty_cache, "ys")
    assert offered.index("预算") < offered.index("于宿")  # 于宿 of 关于宿州: more titles, but no word


def test_a_common_word_only_the_bodies_hold_is_offered_for_its_pinyin(empty_cache: ContentCache) -> None:
    base = generate_items(2, seed=5)
    load(empty_cache, [replace(base[0], title="户籍制度改革实施意见", body="全面放开建制镇和小城市落户限制。")])
    assert "落户" in words(empty_cache, "luohu")
