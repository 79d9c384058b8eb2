from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from content_cache import ContentCache, InvalidRecord, ItemNotFound, fts
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
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "c0006"


def test_loading_the_same_demo_twice_changes_nothing(empty_cache: ContentCache) -> None:
    assert empty_cache.load_demo(40, seed=3) == 41
    assert empty_cache.load_demo(40, seed=3) == 0  # nothing written the second time
    assert empty_cache.item_count() == 41
    with empty_cache.session() as session:
        assert session.execute(text("SELECT count(*) FROM item_fts")).scalar() == 41


def test_an_update_reindexes_in_the_same_transaction(empty_cache: ContentCache) -> None:
    seed = annual_report_2008()
    load(empty_cache, [seed])
    load(empty_cache, [replace(seed, title="关于城市绿化的公告", body="城市绿化。", keywords="城市绿化")])
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


def _index_is_sound(cache: ContentCache) -> None:
    with cache.session() as session:
        for table in ("item_fts", "title_fts", "pinyin_fts"):
            session.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))


def test_updates_and_withdrawals_remove_exactly_what_was_indexed(empty_cache: ContentCache) -> None:
    items = generate_items(60, seed=5)
    load(empty_cache, items)
    first, second = items[0], items[1]
    load(empty_cache, [replace(first, title="关于龟兔赛跑的公告", body="龟兔赛跑。"), second])
    with empty_cache.transaction() as session:
        from content_cache.store import withdraw_items

        assert withdraw_items(session, [second.index_no]) == 1
    _index_is_sound(empty_cache)
    with empty_cache.session() as session:  # the old title, as a phrase, is no longer in the index for either
        for item in (first, second):
            found = (
                session.execute(
                    text(
                        "SELECT items.index_no FROM item_fts JOIN items ON items.id = item_fts.rowid "
                        "WHERE item_fts MATCH :phrase"
                    ),
                    {"phrase": fts.match_expression(item.title)},
                )
                .scalars()
                .all()
            )
            assert item.index_no not in found
    assert [h.index_no for h in empty_cache.search("龟兔赛跑", 10).hits] == [first.index_no]
    with empty_cache.session() as session:
        assert session.execute(text("SELECT count(*) FROM item_fts_docsize")).scalar() == 59


def test_a_batch_updating_items_in_any_order_leaves_a_sound_index(empty_cache: ContentCache) -> None:
    items = generate_items(60, seed=6)
    load(empty_cache, items)
    edited = [replace(item, title=f"{item.title}（第{n}次修订）") for n, item in enumerate(reversed(items[:30]))]
    load(empty_cache, [*edited, *generate_items(70, seed=6)[60:]])  # the new items after the changed ones
    _index_is_sound(empty_cache)
    assert {h.index_no for h in empty_cache.search("修订", 100).hits} == {item.index_no for item in edited}
    for item in edited:
        assert [h.index_no for h in empty_cache.search(f"{item.title}", 1).hits] == [item.index_no]


def test_a_renamed_publisher_is_found_by_its_new_name(empty_cache: ContentCache) -> None:
    load(empty_cache, generate_items(40, seed=5))
    renamed = [
        replace(p, name="宿州市财政和地方金融局") if p.name == "宿州市财政局" else p for p in publisher_records()
    ]
    with empty_cache.transaction() as session:
        upsert_publishers(session, renamed)
    _index_is_sound(empty_cache)
    with empty_cache.session() as session:
        from content_cache.models import Item

        count = session.query(Item).filter(Item.publisher_code == "003232805").count()
    assert count and empty_cache.search("地方金融局", 100).total == count
    assert all(h.publisher == "宿州市财政和地方金融局" for h in empty_cache.search("地方金融局", 100).hits)


def test_a_title_hit_ranks_above_a_long_body_full_of_the_word(empty_cache: ContentCache) -> None:
    base = generate_items(2, seed=5)
    in_title = replace(base[0], title="龟兔赛跑工作方案", body="见附件。")
    in_body = replace(base[1], title="关于某事项的通知", body="龟兔赛跑。" * 300)
    load(empty_cache, [in_body, in_title])
    assert [h.index_no for h in empty_cache.search("龟兔赛跑", 10).hits] == [in_title.index_no, in_body.index_no]


def test_an_index_cut_by_another_version_is_rebuilt_on_open(empty_cache: ContentCache) -> None:
    load(empty_cache, generate_items(30, seed=5))
    with empty_cache.transaction() as session:
        session.execute(text("UPDATE content_meta SET value = '0' WHERE key = 'fts_cut'"))
        session.execute(text("INSERT INTO title_fts(title_fts) VALUES ('delete-all')"))
    url = str(empty_cache.engine.url.database)
    empty_cache.close()
    reopened = ContentCache.open(Path(url))
    try:
        assert reopened.search("通知", 100).total > 0
        with reopened.session() as session:
            version = session.execute(text("SELECT value FROM content_meta WHERE key = 'fts_cut'")).scalar()
            assert version == fts.CUT_VERSION
            assert session.execute(text("SELECT count(*) FROM title_fts_docsize")).scalar() == 30
    finally:
        reopened.close()
