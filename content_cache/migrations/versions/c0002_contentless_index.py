"""The FTS5 index becomes contentless, cut into CJK pairs for the ascii tokenizer, and ranks by title.

The index no longer keeps a pre-cut copy of every text (about three times the
raw text), and the last character of a run is indexed in place instead of in a
separate `tails` column. A second table indexes the short fields alone, so
that a title or 文号 hit ranks above a body hit, and a third the pinyin of the
titles with the trigram tokenizer (see content_cache.fts).
Every item is indexed again by c0006, which adds a column to these tables (the
code of today indexes the columns of today).

Revision ID: c0002
Revises: c0001
"""

from __future__ import annotations

from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE item_fts")
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5("
        "title, doc_no, index_no, publisher, body, content = '', tokenize = 'ascii')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE title_fts USING fts5("
        "title, doc_no, index_no, publisher, content = '', tokenize = 'ascii')"
    )
    op.execute("CREATE VIRTUAL TABLE pinyin_fts USING fts5(pinyin, initials, content = '', tokenize = 'trigram')")


def downgrade() -> None:
    """Back to the c0001 tables; their index is left empty (c0001's cut is not kept in code)."""
    op.execute("DROP TABLE pinyin_fts")
    op.execute("DROP TABLE title_fts")
    op.execute("DROP TABLE item_fts")
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5("
        "title, doc_no, index_no, publisher, body, tails, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
