"""The empty search screen's searches to tap: telling words of the catalogue, and examples that each find something."""

from __future__ import annotations

from content_cache import ContentCache
from content_cache.suggest import COMMON, DOC_NO, GENERIC, INDEX_NO, INITIALS, common_title_words


def test_each_way_to_search_is_offered_and_each_offer_finds_something(demo_cache: ContentCache) -> None:
    offered = demo_cache.suggested_searches()
    ways = [s.way for s in offered]
    assert ways == sorted(ways, key=[COMMON, INITIALS, DOC_NO, INDEX_NO].index)  # in rows, in that order
    assert 3 <= ways.count(COMMON) <= 6 and ways.count(INITIALS) == ways.count(DOC_NO) == ways.count(INDEX_NO) == 2
    for suggestion in offered:
        assert demo_cache.search(suggestion.query, 5).total > 0, suggestion


def test_the_common_words_name_subjects_not_the_city_or_its_bodies(demo_cache: ContentCache) -> None:
    words = common_title_words_of(demo_cache)
    assert len(words) == len(set(words))
    assert not set(words) & GENERIC
    assert not any(w.endswith(("市", "县", "区", "政府", "局")) for w in words)
    assert not any(w in ("宿州", "宿迁", "泗县", "灵璧") for w in words)


def test_pinyin_examples_are_the_initials_of_offered_words(demo_cache: ContentCache) -> None:
    offered = demo_cache.suggested_searches()
    common = {s.query for s in offered if s.way == COMMON}
    for example in (s for s in offered if s.way == INITIALS):
        letters, word = example.label.rstrip("）").split("（")
        assert letters == example.query and word in common and example.query.isascii()


def test_an_empty_catalogue_offers_nothing(empty_cache: ContentCache) -> None:
    assert empty_cache.suggested_searches() == []


def common_title_words_of(cache: ContentCache) -> list[str]:
    with cache.session() as session:
        return common_title_words(session)
