"""Content cache: publishers, catalogue columns, items, attachments, meta and the FTS5 index.

Revision ID: c0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publishers",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(32)),
    )
    op.create_table(
        "catalogue_columns",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_code", sa.String(64), sa.ForeignKey("catalogue_columns.code")),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("index_no", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("doc_no", sa.String(100)),
        sa.Column("publisher_code", sa.String(32), sa.ForeignKey("publishers.code"), nullable=False),
        sa.Column("column_code", sa.String(64), sa.ForeignKey("catalogue_columns.code"), nullable=False),
        sa.Column("written_on", sa.Date),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.Column("effective_on", sa.Date),
        sa.Column("abolished_on", sa.Date),
        sa.Column("validity", sa.String(16), nullable=False, server_default="valid"),
        sa.Column("subject", sa.String(100), nullable=False, server_default=""),
        sa.Column("genre", sa.String(100), nullable=False, server_default=""),
        sa.Column("keywords", sa.String(400), nullable=False, server_default=""),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        sa.Column("source_url", sa.String(1000), nullable=False, server_default=""),
        sa.Column("title_pinyin", sa.Text, nullable=False, server_default=""),
        sa.Column("title_initials", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_items_column_published", "items", ["column_code", "published_on", "id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
    )
    op.create_index("ix_attachments_item_id", "attachments", ["item_id"])
    op.create_table(
        "content_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # Pre-tokenised text (see content_cache.fts): CJK bigrams, ASCII words, and the
    # last character of each CJK run in `tails` so one-character queries find every item.
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5("
        "title, doc_no, index_no, publisher, body, tails, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE item_fts")
    for table in ("content_meta", "attachments", "items", "catalogue_columns", "publishers"):
        op.drop_table(table)
