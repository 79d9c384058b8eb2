from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache

import pytest

from content_cache.catalogue_layout import leaf_codes
from content_cache.demo import PUBLISHERS, generate_items, iter_items
from content_cache.demo.titles import COLUMNS, ENTERPRISE_TITLES
from content_cache.demo.topics import TOPICS
from content_cache.records import ItemRecord
from content_cache.store import INDEX_NO

DOC_NO = re.compile(r"^\w+〔\d{4}〕\d+号$")
KINDS = (
    "关于印发",
    "工作方案",
    "年度报告",
    "的公告",
    "的通知",
    "管理办法",
    "实施细则",
    "的批复",
    "的公示",
    "工作要点",
    "工作总结",
    "统计公报",
    "政策解读：",
    "的意见",
    "提案的答复",
    "行政处罚决定书",
    "招标公告",
    "中标公告",
    "职务任免",
    "会议纪要",
)
CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
BY_CODE = {p.code: p for p in PUBLISHERS}


@cache
def sample() -> tuple[ItemRecord, ...]:
    """20,000 items, as a small city catalogue holds them."""
    return tuple(iter_items(20_000, seed=1))


def test_the_same_seed_gives_the_same_items() -> None:
    assert generate_items(50, seed=4) == generate_items(50, seed=4)
    assert generate_items(50, seed=4) != generate_items(50, seed=5)


def test_items_stream_one_at_a_time() -> None:
    stream = iter_items(1_000_000_000, seed=1)  # a billion would not fit in memory as a list
    first, second = next(stream), next(stream)
    assert INDEX_NO.match(first.index_no) and first.published_on <= second.published_on


def test_items_are_well_formed_and_realistic() -> None:
    items = generate_items(2000, seed=1)
    assert len({i.index_no for i in items}) == 2000
    assert all(INDEX_NO.match(i.index_no) for i in items)
    assert all(DOC_NO.match(i.doc_no) for i in items if i.doc_no)
    assert all(i.body.count("\n") >= 4 for i in items)
    assert [kind for kind in KINDS if not any(kind in i.title for i in items)] == []
    assert set(leaf_codes()) == {i.column_code for i in items}
    levels = {p.code: p.level for p in PUBLISHERS}
    assert {"city", "county", "township", "enterprise"} <= {levels[i.publisher_code] for i in items}
    validity = Counter(i.validity for i in items)
    assert validity["abolished"] > 0 and all(i.abolished_on for i in items if i.validity == "abolished")
    assert validity["amended"] > 0 and validity["valid"] > 0.8 * len(items)


def test_index_and_document_numbers_are_unique_in_a_large_catalogue() -> None:
    items = sample()
    assert len({i.index_no for i in items}) == len(items)
    numbers = [i.doc_no for i in items if i.doc_no]
    assert len(numbers) > len(items) // 4 and len(set(numbers)) == len(numbers)


def test_items_are_in_publication_order_from_2008_to_2026_more_each_year() -> None:
    dates = [i.published_on for i in generate_items(300, seed=1)]
    assert dates == sorted(dates)
    years = Counter(i.published_on.year for i in sample())
    assert sorted(years) == list(range(2008, 2027))
    assert years[2025] > 2.5 * years[2008]
    assert all(years[y] <= years[y + 1] for y in range(2008, 2025))


def test_at_least_300_topics_occur_and_titles_speak_of_them() -> None:
    names = {t.name for t in TOPICS}
    about = [(i.keywords.split()[0], i) for i in sample() if i.keywords.split()[0] in names]
    assert len(about) > len(sample()) // 3
    assert len({topic for topic, _ in about}) >= 300
    assert sum(topic in i.body for topic, i in about) > 0.9 * len(about)


def test_keywords_name_only_what_the_title_is_about_then_the_subject() -> None:
    names = {t.name for t in TOPICS}
    for item in sample():
        *topics, subject = item.keywords.split()
        assert subject == item.subject, item
        assert all(topic in names and topic in item.title for topic in topics), item


def test_the_topic_frequency_curve_is_skewed() -> None:
    counts = sorted(Counter(i.keywords.split()[0] for i in sample()).values(), reverse=True)
    median = counts[len(counts) // 2]
    assert counts[0] >= 20 * median  # a few topics are common …
    assert sum(counts[:10]) / sum(counts) < 0.6  # … but no handful of them makes the catalogue
    assert sum(1 for n in counts if n <= median) >= len(counts) // 2  # … and most are rare


def _title_words() -> Counter[str]:
    """In how many titles each 2-character word occurs."""
    return Counter(pair for i in sample() for pair in set(CJK_PAIR.findall(i.title)))


def test_no_title_word_is_in_most_items_and_most_titles_hold_a_rare_word() -> None:
    items = sample()
    words = _title_words()
    assert max(words.values()) <= 0.5 * len(items)  # not even 关于 or 宿州
    rare = {w for w, n in words.items() if n <= len(items) // 1000}  # in at most 20 of 20,000 titles
    assert len(rare) >= 1500
    told_apart = sum(1 for i in items if any(words[p] <= len(items) // 100 for p in CJK_PAIR.findall(i.title)))
    assert told_apart >= 0.6 * len(items)  # a word of the title finds at most 1 % of the catalogue


def test_topic_words_are_spread_over_the_catalogue() -> None:
    items = sample()
    words = _title_words()
    forms = {pair for *_, template in _templates() for pair in CJK_PAIR.findall(re.sub(r"{\w+}", "|", template))}
    names = {pair for p in PUBLISHERS for pair in CJK_PAIR.findall(p.name)}
    topic_words = {pair for t in TOPICS for pair in CJK_PAIR.findall(t.name)} - forms - names
    assert len(topic_words) >= 500
    assert max(words[w] for w in topic_words) <= 0.12 * len(items)  # 安全 of 安全生产 and 食品安全 is the most common


def _templates() -> list[tuple[int, str, str, str]]:
    return [t for _, _, templates in COLUMNS.values() for t in templates] + [
        t for templates in ENTERPRISE_TITLES.values() for t in templates
    ]


def test_publishers_carry_the_name_they_had_that_year() -> None:
    for item in sample():
        publisher = BY_CODE[item.publisher_code]
        assert publisher.first_year <= item.published_on.year <= publisher.last_year, (item.index_no, publisher.name)
    years_of: dict[str, set[int]] = defaultdict(set)
    for item in sample():
        years_of[BY_CODE[item.publisher_code].name].add(item.published_on.year)
    assert max(years_of["宿州市劳动和社会保障局"]) < 2010 <= min(years_of["宿州市人力资源和社会保障局"])
    for old, new in (
        ("宿州市卫生局", "宿州市卫生健康委员会"),
        ("宿州市建设委员会", "宿州市住房和城乡建设局"),
        ("宿州市环境保护局", "宿州市生态环境局"),
        ("宿州市国土资源局", "宿州市自然资源和规划局"),
    ):
        assert max(years_of[old]) < 2019 <= min(years_of[new]), (old, new)
    assert min(years_of["宿州市医疗保障局"]) >= 2019 and min(years_of["宿州市退役军人事务局"]) >= 2019


def test_a_department_named_in_a_text_is_the_one_of_that_year() -> None:
    for item in sample():
        text = item.title + item.body
        if item.published_on.year >= 2019:
            assert "宿州市卫生局" not in text and "宿州市建设委员会" not in text, item.index_no
        else:
            assert "宿州市医疗保障局" not in text and "宿州市应急管理局" not in text, item.index_no


def test_doc_prefixes_are_unique_among_the_bodies_of_a_year() -> None:
    for year in range(2008, 2027):
        prefixes = Counter(p.doc_prefix for p in PUBLISHERS if p.active(year))
        assert [prefix for prefix, n in prefixes.items() if n > 1] == [], year


def test_topics_appear_only_in_their_years() -> None:
    for item in sample():
        if "新型农村合作医疗" in item.title:
            assert item.published_on.year <= 2016
        if "河长制" in item.title or "扫黑除恶" in item.title:
            assert item.published_on.year >= 2017


def test_rules_are_reissued_under_the_same_title_with_the_earlier_version_withdrawn() -> None:
    versions: dict[str, list[ItemRecord]] = defaultdict(list)
    for item in sample():
        versions[item.title].append(item)
    reissued = [v for title, v in versions.items() if "办法" in title and len({i.published_on.year for i in v}) > 1]
    assert len(reissued) >= 20
    assert sum(1 for v in reissued if v[0].validity in {"abolished", "amended"} and v[-1].validity == "valid") >= 10


@pytest.mark.parametrize("column", ["budgets", "welfare", "procurement", "utilities"])
def test_each_column_holds_its_own_kind_of_title(column: str) -> None:
    titles = [i.title for i in sample() if i.column_code == column]
    words = {
        "budgets": ("预算", "决算"),
        "welfare": ("公示", "指南", "解读", "标准"),
        "procurement": ("招标", "中标"),
        "utilities": ("停水", "停电", "公告", "情况"),
    }[column]
    assert titles and all(any(w in t for w in words) for t in titles), column


@pytest.mark.parametrize(
    ("column", "level"),
    [("townships", "township"), ("counties", "county"), ("city-departments", "city"), ("transport", "enterprise")],
)
def test_each_department_column_holds_its_own_level(column: str, level: str) -> None:
    levels = {BY_CODE[i.publisher_code].level for i in sample() if i.column_code == column}
    assert levels == ({"city", "vertical"} if level == "city" else {level})  # the tax bureau is a vertical unit
