"""The built-in synonym groups and query words: their format, size and a few well-known pairs.

The files are read with plain Python, as the search reads them: a synonym group a line,
tab-separated, the formal term first; a query word a line; `#` starts a comment.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "content_cache" / "data"
SYNONYMS = DATA / "synonyms.tsv"
QUERY_WORDS = DATA / "query_words.txt"

AMBIGUOUS = "# ambiguous:"
# Latin letters stand in a term only where the official name has them.
OFFICIAL_LATIN = {"PM2.5", "PM10", "AQI", "GDP", "CPI", "ETC", "甲型H1N1流感"}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
TERM = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9.]+")


def _lines(path: Path) -> list[str]:
    """The file's lines, decoded strictly as UTF-8 (a stray byte fails here)."""
    return path.read_bytes().decode("utf-8").splitlines()


def _group_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(index, line) of every line that is a group: neither blank nor a comment."""
    return [(i, line) for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]


def _groups() -> list[list[str]]:
    """Every synonym group, formal term first."""
    return [line.split("\t") for _, line in _group_lines(_lines(SYNONYMS))]


def _query_words() -> list[str]:
    """Every query word, in file order."""
    return [line for line in _lines(QUERY_WORDS) if line.strip() and not line.startswith("#")]


def _group_of(term: str) -> list[str]:
    """The one group that holds `term` (fails if none or several do)."""
    found = [group for group in _groups() if term in group]
    assert len(found) == 1, f"{term} is in {len(found)} groups"
    return found[0]


def test_synonym_lines_are_tab_separated_terms_without_blanks() -> None:
    for _, line in _group_lines(_lines(SYNONYMS)):
        terms = line.split("\t")
        assert len(terms) >= 2, f"a group needs a formal term and at least one other: {line!r}"
        for term in terms:
            assert term, f"empty term (doubled or trailing tab): {line!r}"
            assert term == term.strip() and not re.search(r"\s", term), f"space in term {term!r}"


def test_every_term_is_two_to_twelve_characters_of_chinese_or_an_official_latin_name() -> None:
    for group in _groups():
        for term in group:
            assert 2 <= len(term) <= 12, f"{term!r} has {len(term)} characters"
            assert TERM.fullmatch(term), f"{term!r} holds a character other than Chinese, Latin or digits"
            if re.search(r"[A-Za-z]", term):
                assert term in OFFICIAL_LATIN, f"{term!r} uses Latin letters outside an official name"
            else:
                assert HAN.search(term), f"{term!r} has no Chinese character"


def test_no_line_is_repeated_and_no_group_repeats_a_term() -> None:
    lines = [line for _, line in _group_lines(_lines(SYNONYMS))]
    assert len(lines) == len(set(lines))
    for group in _groups():
        assert len(group) == len(set(group)), f"a term repeated inside {group}"


def test_a_term_in_two_groups_is_marked_ambiguous_before_each_of_them() -> None:
    lines = _lines(SYNONYMS)
    rows: dict[str, list[int]] = defaultdict(list)
    for i, line in _group_lines(lines):
        for term in line.split("\t"):
            rows[term].append(i)
    for term, at in rows.items():
        if len(at) == 1:
            continue
        for i in at:
            before = lines[i - 1] if i > 0 else ""
            assert before.startswith(AMBIGUOUS) and term in before, (
                f"{term} is in {len(at)} groups; line {i + 1} needs '{AMBIGUOUS} {term} …' before it"
            )


def test_the_file_is_grouped_by_domain_under_comment_headings() -> None:
    lines = _lines(SYNONYMS)
    headings = [line for line in lines if line.startswith("# ") and not line.startswith(AMBIGUOUS)]
    assert len(headings) >= 12
    first_group = _group_lines(lines)[0][0]
    assert any(line.startswith("#") for line in lines[:first_group])


def test_there_are_at_least_four_hundred_groups() -> None:
    assert len(_groups()) >= 400


def test_query_words_are_single_words_listed_once() -> None:
    words = _query_words()
    assert len(words) >= 60
    assert len(words) == len(set(words)), "a query word is listed twice"
    for word in words:
        assert word == word.strip() and not re.search(r"\s", word), f"space in {word!r}"
        assert all(HAN.fullmatch(ch) for ch in word), f"{word!r} is not Chinese"


def test_no_query_word_is_a_synonym_term() -> None:
    terms = {term for group in _groups() for term in group}
    assert not set(_query_words()) & terms


@pytest.mark.parametrize("word", ["办法", "办理", "咨询", "通知", "公告", "条件", "流程", "材料"])
def test_words_documents_search_for_are_not_query_words(word: str) -> None:
    assert word not in _query_words()


@pytest.mark.parametrize(
    ("everyday", "formal"),
    [
        ("社保", "社会保险"),
        ("低保", "最低生活保障"),
        ("发改委", "发展和改革委员会"),
        ("残联", "残疾人联合会"),
        ("新农合", "新型农村合作医疗"),
        ("公积金", "住房公积金"),
        ("人社局", "人力资源和社会保障局"),
        ("义教", "义务教育"),
        ("廉租房", "廉租住房"),
        ("拆迁", "房屋征收"),
        ("办低保", "申请最低生活保障"),
        ("环保局", "生态环境局"),
        ("驾照", "机动车驾驶证"),
    ],
)
def test_well_known_abbreviations_lead_to_the_formal_term_first(everyday: str, formal: str) -> None:
    assert _group_of(everyday)[0] == formal


@pytest.mark.parametrize(
    ("everyday", "formal"),
    [
        ("医保", "医疗保险"),
        ("上户口", "户籍登记"),
        ("上户口", "户口登记"),
        ("拆迁补偿", "征收补偿"),
        ("迁户口", "户口迁移"),
        ("开证明", "出具证明"),
        ("领养老金", "领取基本养老金"),
        ("人保局", "劳动局"),
        ("住建局", "建设委员会"),
    ],
)
def test_everyday_words_share_a_group_with_their_formal_terms(everyday: str, formal: str) -> None:
    assert formal in _group_of(everyday)


def test_query_words_include_the_common_question_words() -> None:
    words = set(_query_words())
    assert {
        "怎么",
        "如何",
        "怎样",
        "在哪里",
        "哪里",
        "什么",
        "多少",
        "哪些",
        "是否",
        "能不能",
        "可以吗",
        "吗",
        "呢",
    } <= words
    assert {"我想", "我要", "请问", "查询", "查一下", "了解"} <= words
