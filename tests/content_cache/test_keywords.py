"""The 主题词 a publisher gives an item are searched and rank with the title; a cache of the earlier layout is
migrated to them (c0006) and stays sound through later updates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from content_cache import ContentCache, fts
from content_cache.cache import MIGRATIONS
from content_cache.demo import generate_items, publisher_records
from content_cache.records import ItemRecord
from tests.content_cache.test_store import _index_is_sound, load

NOTICE = ItemRecord(
    index_no="003233115/2023-90022",
    title="埇桥区关于推行新生儿出生登记“一件事”联办的公告",
    publisher_code="003233115",
    column_code="city-departments",
    published_on=generate_items(1, seed=1)[0].published_on,
    body="新生儿出生后，父母可通过线上平台一次办理出生医学证明、预防接种证和社会保障卡。",
    keywords="户籍登记 出生登记 联办",
)


def _hits(cache: ContentCache, query: str) -> list[str]:
    return [hit.index_no for hit in cache.search(query, 20).hits]


def test_a_word_of_the_keywords_alone_finds_the_item_as_a_title_would(empty_cache: ContentCache) -> None:
    body_only = replace(
        NOTICE,
        index_no="003233115/2023-90023",
        title="埇桥区关于优化政务服务的公告",
        body="包括户籍登记在内的二十项事项可以网上办理。",
        keywords="政务服务",
    )
    load(empty_cache, [NOTICE, body_only])
    assert _hits(empty_cache, "户籍登记") == [NOTICE.index_no, body_only.index_no]  # a keyword above a body hit
    assert _hits(empty_cache, "新生儿户籍登记") == [NOTICE.index_no]  # 新生儿 in the title, 户籍登记 a keyword


def test_a_title_holding_every_word_ranks_above_words_split_over_title_and_keywords(empty_cache: ContentCache) -> None:
    split = replace(
        NOTICE, index_no="003233115/2023-90024", title="埇桥区2023年部门预算", keywords="财政", body="部门收支情况。"
    )
    whole = replace(
        NOTICE,
        index_no="003233115/2023-90025",
        title="关于2022年财政预算执行情况和2023年财政预算草案的报告",
        keywords="",
        body="报告如下。",
    )
    load(empty_cache, [split, whole])
    assert _hits(empty_cache, "财政 预算") == [whole.index_no, split.index_no]


def test_changed_or_withdrawn_keywords_leave_the_index_exactly(empty_cache: ContentCache) -> None:
    load(empty_cache, [NOTICE])
    load(empty_cache, [replace(NOTICE, keywords="出生登记")])
    _index_is_sound(empty_cache)
    assert NOTICE.index_no not in _hits(empty_cache, "户籍登记")
    assert _hits(empty_cache, "出生登记") == [NOTICE.index_no]


def test_a_cache_of_the_earlier_layout_is_indexed_again_with_its_keywords(tmp_path: Path) -> None:
    path = tmp_path / "content.db"
    items = [*generate_items(40, seed=4), NOTICE]
    cache = ContentCache.open(path)
    load(cache, items)
    cache.close()
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:  # back to c0005's tables, indexed as c0005's code indexed them
        config.attributes["connection"] = connection
        command.downgrade(config, "c0005")
        names = {p.code: p.name for p in publisher_records()}
        for row in connection.execute(text("SELECT id, title, doc_no, index_no, publisher_code, body FROM items")):
            old = {
                "title": row.title,
                "doc_no": row.doc_no or "",
                "index_no": row.index_no,
                "publisher": names[row.publisher_code],
                "body": row.body,
            }
            cut = {name: fts.indexed_text(value) for name, value in old.items()}
            connection.execute(
                text(
                    "INSERT INTO item_fts(rowid, title, doc_no, index_no, publisher, body) "
                    "VALUES (:id, :title, :doc_no, :index_no, :publisher, :body)"
                ),
                cut | {"id": row.id},
            )
        connection.execute(text("INSERT INTO content_meta(key, value) VALUES ('fts_cut', '3')"))
    engine.dispose()
    cache = ContentCache.open(path)
    try:
        with cache.session() as session:
            assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "c0006"
            assert session.execute(text("SELECT count(*) FROM item_fts_docsize")).scalar() == len(items)
        assert _hits(cache, "新生儿户籍登记") == [NOTICE.index_no]
        load(cache, [replace(items[0], title="关于龟兔赛跑的公告", keywords="龟兔"), replace(NOTICE, keywords="")])
        _index_is_sound(cache)
        assert _hits(cache, "龟兔赛跑") == [items[0].index_no]
        assert NOTICE.index_no not in _hits(cache, "户籍登记")
    finally:
        cache.close()


def test_letters_the_lists_read_are_not_also_read_as_a_rare_pair_of_a_title(empty_cache: ContentCache) -> None:
    from content_cache.search import _pinyin_words

    water = replace(
        NOTICE,
        index_no="003233115/2023-90026",
        title="泗县饮用水水源地保护应急预案",
        keywords="",
        body="水源地保护区内禁止新建排污口。",
    )
    allowance = replace(
        NOTICE,
        index_no="003233115/2023-90027",
        title="关于提高最低生活保障标准的通知",
        keywords="",
        body="城乡低保标准每人每月提高30元。",
    )
    load(empty_cache, [water, allowance])
    with empty_cache.session() as session:
        read = _pinyin_words(session, "dibao")
    assert "低保" in read[0] and "地保" not in read[0]  # 地保 (水源|地保|护) is a pair of a title, not a word there
    assert _hits(empty_cache, "dibao")[0] == allowance.index_no
