"""The relevance set: queries a visitor would type, with the hits they must see first.

tests/content_cache/relevance.json holds 50 queries over the demo content
(the seed report and 300 items of seed 7): a whole title, a 文号 in four
spellings, a 索引号, a person's name and its pinyin must put that one item
first; pinyin initials of a word and a publisher with a word must fill the top
hits with titles holding the word or items of that publisher.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content_cache import ContentCache

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parent / "relevance.json").read_text("utf-8"))


def test_the_set_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}:{c['query']}")
def test_relevance(demo_cache: ContentCache, case: dict[str, Any]) -> None:
    result = demo_cache.search(case["query"], 10)
    if "expect" in case:
        ranked = [h.index_no for h in result.hits]
        assert case["expect"] in ranked[: case["within"]], ranked[:5]
    elif "top_title_contains" in case:
        top = [h.title for h in result.hits[: case["top"]]]
        assert len(top) == case["top"] and all(case["top_title_contains"] in t for t in top), top
    else:
        top = [h.publisher for h in result.hits[: case["top"]]]
        assert len(top) == case["top"] and set(top) == {case["top_publisher"]}, top
