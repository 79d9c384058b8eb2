"""The effective vocabulary: built-in groups merged with the publisher's, and the one segmenter that follows it."""

from __future__ import annotations

from content_cache import query
from content_cache.query import Vocabulary, default_vocabulary, understand, words_of


def test_a_publisher_group_sharing_a_term_extends_the_built_in_group_and_others_are_added() -> None:
    built_in = default_vocabulary()
    merged = built_in.merged([("公积金", "住房储金"), ("汴河路", "汴河大道")])
    assert merged.synonyms_of("住房储金")[0] == "住房公积金"  # the built-in formal term stays first
    assert "住房储金" in merged.synonyms_of("公积金")
    assert merged.groups[-1] == ("汴河路", "汴河大道") and merged.origins[-1] == "publisher"
    extended = [g for g, o in zip(merged.groups, merged.origins, strict=True) if o == "built-in + publisher"]
    assert extended == [("住房公积金", "公积金", "住房储金")]
    assert len(merged.groups) == len(built_in.groups) + 1
    assert built_in.synonyms_of("住房储金") == ()  # the built-in vocabulary itself is unchanged


def test_a_publisher_group_joining_two_built_in_groups_extends_both() -> None:
    merged = default_vocabulary().merged([("社保", "公积金", "社金")])
    assert {"社会保险", "住房公积金"} <= set(merged.synonyms_of("社金"))
    assert merged.origins.count("publisher") == 0


def test_pinyin_of_a_publisher_term_reads_as_it() -> None:
    merged = default_vocabulary().merged([("汴河路", "汴河大道")])
    assert "汴河大道" in merged.read_as("bianhedadao") and "汴河大道" in merged.spelt_from("bhdd")[0]
    assert "汴河大道" not in default_vocabulary().read_as("bianhedadao")


def test_the_one_segmenter_follows_the_newest_list_and_forgets_an_older_one() -> None:
    first = default_vocabulary().merged([("汴河路", "汴河大道")])
    second = default_vocabulary().merged([("农业综合开发", "农综开")])
    assert "汴河大道" in understand("汴河大道改造", first).words
    segmenter = query._segmenter
    assert "汴河大道" not in understand("汴河大道改造", second).words
    assert query._segmenter is segmenter  # the same segmenter, told other words: no second copy in memory
    assert "汴河大道" not in words_of("汴河大道改造工程", default_vocabulary())
    assert "汴河大道" in understand("汴河大道改造工程", first).words


def test_vocabularies_with_the_same_groups_are_equal_whatever_their_origins() -> None:
    groups = (("甲乙", "丙丁"),)
    assert Vocabulary(groups, frozenset()) == Vocabulary(groups, frozenset(), ("publisher",))
