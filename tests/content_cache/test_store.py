from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from content_cache import ContentCache, InvalidRecord, ItemNotFound
from content_cache.catalogue_layout import column_records
from content_cache.demo import annual_report_2008, generate_items, publisher_records
from content_cache.store import upsert_columns, upsert_items, upsert_publishers


def load(cache: ContentCache, records) -> None:
    with cache.transaction() as session:
        upsert_publishers(session, publisher_records())
        upsert_columns(session, column_records())
        upsert_items(session, records)


def test_the_cache_is_sqlite_in_wal_mode_with_fts5(empty_cache: ContentCache) -> None:
    with empty_cache.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("SELECT count(*) FROM item_fts")).scalar() == 0
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "c0001"


def test_loading_the_same_demo_twice_changes_nothing(empty_cache: ContentCache) -> None:
    assert empty_cache.load_demo(40, seed=3) == 41
    assert empty_cache.load_demo(40, seed=3) == 41
    assert empty_cache.item_count() == 41
    with empty_cache.session() as session:
        assert session.execute(text("SELECT count(*) FROM item_fts")).scalar() == 41


def test_an_update_reindexes_in_the_same_transaction(empty_cache: ContentCache) -> None:
    seed = annual_report_2008()
    load(empty_cache, [seed])
    load(empty_cache, [replace(seed, title="关于城市绿化的公告", body="城市绿化。")])
    assert seed.index_no not in {h.index_no for h in empty_cache.search("年度报告", 10).hits}
    assert [h.index_no for h in empty_cache.search("城市绿化", 10).hits] == [seed.index_no]
    assert empty_cache.search("chengshilvhua", 10).hits[0].index_no == seed.index_no


def test_a_bad_record_rolls_the_whole_load_back(empty_cache: ContentCache) -> None:
    good = generate_items(5, seed=2)
    bad = replace(good[-1], index_no="not an index number")
    with pytest.raises(InvalidRecord, match="索引号"):
        load(empty_cache, [*good[:-1], bad])
    assert empty_cache.item_count() == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": "  "}, "title"),
        ({"validity": "maybe"}, "validity"),
        ({"publisher_code": "nobody"}, "publisher"),
        ({"published_on": "2008-13-45"}, "date"),
    ],
)
def test_records_breaking_the_model_are_refused(empty_cache: ContentCache, change: dict, message: str) -> None:
    with pytest.raises(InvalidRecord, match=message):
        load(empty_cache, [replace(annual_report_2008(), **change)])


def test_index_numbers_take_any_unit_code_length(empty_cache: ContentCache) -> None:
    credit = replace(annual_report_2008(), index_no="11341300003232741X/2008-00001")
    load(empty_cache, [credit])
    assert empty_cache.item(credit.index_no).published_on == date(2008, 12, 30)


def test_an_unknown_item_is_a_clear_error(empty_cache: ContentCache) -> None:
    with pytest.raises(ItemNotFound, match="nope"):
        empty_cache.item("nope")
