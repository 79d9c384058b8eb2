"""The hand-written relevance set in tests/relevance is well-formed.

This checks the data only: every item has the fields of a disclosed document
with publisher and column codes the catalogue knows, and every query names
items that exist. Whether search finds them is for the search tests.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from content_cache.catalogue_layout import column_records
from content_cache.demo import PUBLISHERS

DATA = Path(__file__).resolve().parents[1] / "relevance"
ITEM_KEYS = {
    "index_no",
    "title",
    "publisher_code",
    "column_code",
    "published_on",
    "body",
    "doc_no",
    "validity",
    "subject",
    "genre",
    "keywords",
}
QUERY_KEYS = {"query", "class", "expect", "k", "note"}
CLASSES = (
    "unspaced",
    "abbreviation",
    "everyday",
    "question",
    "current_version",
    "title_exact",
    "doc_no",
    "pinyin",
    "homophone",
    "spaced",
)
VALIDITIES = {"valid", "amended", "abolished", "expired"}
INDEX_NO = re.compile(r"^(?P<code>[0-9A-Z]+)/(?P<year>\d{4})-(?P<serial>\d{5})$")


def _load(name: str) -> list[dict[str, Any]]:
    """The JSON objects of one .jsonl file, one a line."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ITEMS = _load("items.jsonl")
QUERIES = _load("queries.jsonl")
BY_INDEX = {item["index_no"]: item for item in ITEMS}


def test_there_are_enough_items_and_queries() -> None:
    assert len(ITEMS) >= 160
    assert len(QUERIES) >= 160


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["index_no"])
def test_item_fields(item: dict[str, Any]) -> None:
    assert set(item) == ITEM_KEYS
    for key in ITEM_KEYS - {"doc_no"}:
        assert isinstance(item[key], str) and item[key].strip(), key
    assert item["doc_no"] is None or (isinstance(item["doc_no"], str) and item["doc_no"].strip())
    assert item["validity"] in VALIDITIES
    assert 150 <= len(item["body"]) <= 600, len(item["body"])
    assert 3 <= item["body"].count("。") <= 8  # three to eight sentences, as a real notice reads


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["index_no"])
def test_item_codes_and_date(item: dict[str, Any]) -> None:
    publishers = {p.code for p in PUBLISHERS}
    columns = {c.code for c in column_records()}
    match = INDEX_NO.match(item["index_no"])
    assert match, item["index_no"]
    assert match["code"] == item["publisher_code"] and item["publisher_code"] in publishers
    assert int(match["serial"]) >= 90001  # never clashes with the demo generator's numbers
    assert item["column_code"] in columns
    published = date.fromisoformat(item["published_on"])
    assert date(2008, 1, 1) <= published <= date(2026, 12, 31)
    assert int(match["year"]) == published.year


def test_index_numbers_are_unique() -> None:
    counts = Counter(item["index_no"] for item in ITEMS)
    assert [n for n, c in counts.items() if c > 1] == []


def test_doc_numbers_are_unique() -> None:
    counts = Counter(item["doc_no"] for item in ITEMS if item["doc_no"])
    assert [n for n, c in counts.items() if c > 1] == []


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q['class']}:{q['query']}")
def test_query_fields(query: dict[str, Any]) -> None:
    assert set(query) == QUERY_KEYS
    assert isinstance(query["query"], str) and query["query"].strip()
    assert query["class"] in CLASSES
    assert isinstance(query["k"], int) and 1 <= query["k"] <= 10
    assert isinstance(query["note"], str) and query["note"].strip()
    expect = query["expect"]
    assert isinstance(expect, list) and expect, "every query expects at least one item"
    assert len(set(expect)) == len(expect) <= query["k"]
    assert [e for e in expect if e not in BY_INDEX] == []


def test_every_class_has_enough_queries() -> None:
    counts = Counter(q["class"] for q in QUERIES)
    assert {c: counts[c] for c in CLASSES if counts[c] < 15} == {}


def test_queries_are_not_repeated() -> None:
    counts = Counter((q["class"], q["query"]) for q in QUERIES)
    assert [q for q, c in counts.items() if c > 1] == []


@pytest.mark.parametrize("query", [q for q in QUERIES if q["class"] == "current_version"], ids=lambda q: q["query"])
def test_current_version_queries_expect_a_valid_item_near_the_top(query: dict[str, Any]) -> None:
    assert query["k"] <= 2
    assert all(BY_INDEX[e]["validity"] == "valid" for e in query["expect"])


@pytest.mark.parametrize("query", [q for q in QUERIES if q["class"] == "doc_no"], ids=lambda q: q["query"])
def test_doc_no_queries_name_a_doc_number_in_the_set(query: dict[str, Any]) -> None:
    assert all(BY_INDEX[e]["doc_no"] for e in query["expect"])


@pytest.mark.parametrize("query", [q for q in QUERIES if q["class"] == "title_exact"], ids=lambda q: q["query"])
def test_title_queries_are_part_of_the_expected_title(query: dict[str, Any]) -> None:
    assert all(query["query"] in BY_INDEX[e]["title"] for e in query["expect"])


@pytest.mark.parametrize("query", [q for q in QUERIES if q["class"] == "pinyin"], ids=lambda q: q["query"])
def test_pinyin_queries_are_latin_letters(query: dict[str, Any]) -> None:
    assert re.fullmatch(r"[a-z ]+", query["query"])


@pytest.mark.parametrize("query", [q for q in QUERIES if q["class"] == "spaced"], ids=lambda q: q["query"])
def test_spaced_queries_hold_a_space(query: dict[str, Any]) -> None:
    assert " " in query["query"].strip()


@pytest.mark.parametrize(
    "query", [q for q in QUERIES if q["class"] in {"unspaced", "homophone"}], ids=lambda q: q["query"]
)
def test_unspaced_and_homophone_queries_hold_no_space(query: dict[str, Any]) -> None:
    assert " " not in query["query"]


def test_yearly_versions_exist_with_older_ones_withdrawn() -> None:
    """The set holds expired and abolished versions that must rank below the valid one."""
    validities = Counter(item["validity"] for item in ITEMS)
    assert validities["expired"] >= 5 and validities["abolished"] >= 5


@pytest.mark.parametrize("item", [i for i in ITEMS if i["doc_no"]], ids=lambda i: i["doc_no"])
def test_doc_numbers_carry_the_publishers_prefix_and_year(item: dict[str, Any]) -> None:
    prefixes = {p.code: p.doc_prefix for p in PUBLISHERS}
    match = re.fullmatch(r"(?P<prefix>.+?)〔(?P<year>\d{4})〕\d+号", item["doc_no"])
    assert match, item["doc_no"]
    assert match["prefix"] == prefixes[item["publisher_code"]]
    assert match["year"] == item["published_on"][:4]
