from __future__ import annotations

import re
from collections import Counter

from content_cache.catalogue_layout import leaf_codes
from content_cache.demo import PUBLISHERS, generate_items
from content_cache.store import INDEX_NO

DOC_NO = re.compile(r"^\w+〔\d{4}〕\d+号$")
KINDS = ("关于印发", "工作方案", "年度报告", "的公告", "的通知")


def test_the_same_seed_gives_the_same_items() -> None:
    assert generate_items(50, seed=4) == generate_items(50, seed=4)
    assert generate_items(50, seed=4) != generate_items(50, seed=5)


def test_items_are_well_formed_and_realistic() -> None:
    items = generate_items(2000, seed=1)
    assert len({i.index_no for i in items}) == 2000
    assert all(INDEX_NO.match(i.index_no) for i in items)
    assert all(DOC_NO.match(i.doc_no) for i in items if i.doc_no)
    assert all(i.body.count("\n") >= 4 for i in items)
    assert all(any(kind in i.title for i in items) for kind in KINDS)
    assert set(leaf_codes()) == {i.column_code for i in items}
    levels = {p.code: p.level for p in PUBLISHERS}
    assert {"city", "county", "township", "enterprise"} <= {levels[i.publisher_code] for i in items}
    validity = Counter(i.validity for i in items)
    assert validity["abolished"] > 0 and all(i.abolished_on for i in items if i.validity == "abolished")


def test_items_are_in_publication_order() -> None:
    dates = [i.published_on for i in generate_items(300, seed=1)]
    assert dates == sorted(dates)
