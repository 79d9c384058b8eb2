"""The 主题词 a publisher gives an item are indexed, and rank with the title.

A publisher's keywords name what a document is about in the words of its
catalogue (户籍登记 on a notice titled 新生儿出生登记“一件事”联办; 停水 on a
water company's notice). They join the short fields that rank a hit above a
body hit (`title_fts`) and the fields that match (`item_fts`). A contentless
FTS5 table cannot gain a column: both are made again, the pinyin table with
them, and every item is indexed again.

The short fields' table also gains an index of its tokens' first characters
(`prefix = '1'`): a one-character query is a prefix query, and its newest
title hits are one list to read instead of a merge of every pair the
character starts (市 at a million items: 84 ms, now 1 ms).

Revision ID: c0006
Revises: c0005
"""

from __future__ import annotations

from alembic import op

from content_cache.store import FTS_CUT, rebuild_index

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def _tables(of_c0006: bool) -> None:
    """The three FTS5 tables, empty, as c0006 makes them (with the 主题词 and the prefix index) or as c0002 did."""
    short = "title, doc_no, index_no, publisher" + (", keywords" if of_c0006 else "")
    for table in ("pinyin_fts", "title_fts", "item_fts"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute(f"CREATE VIRTUAL TABLE item_fts USING fts5({short}, body, content = '', tokenize = 'ascii')")
    prefix = ", prefix = '1'" if of_c0006 else ""
    op.execute(f"CREATE VIRTUAL TABLE title_fts USING fts5({short}, content = '', tokenize = 'ascii'{prefix})")
    op.execute("CREATE VIRTUAL TABLE pinyin_fts USING fts5(pinyin, initials, content = '', tokenize = 'trigram')")


def upgrade() -> None:
    _tables(of_c0006=True)
    rebuild_index(op.get_bind())


def downgrade() -> None:
    """Back to the c0002 tables; their index is left empty (the code of today indexes today's columns)."""
    _tables(of_c0006=False)
    op.execute(f"DELETE FROM content_meta WHERE key = '{FTS_CUT}'")
