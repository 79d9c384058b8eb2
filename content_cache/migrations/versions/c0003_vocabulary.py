"""The pinyin keyboard's vocabulary: every character and pair of neighbours of the titles.

Each word with its pinyin, its initials and how many titles hold it, kept by
the sync as it writes items (content_cache.store), filled here from the items
already cached.

Revision ID: c0003
Revises: c0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from content_cache.store import rebuild_vocabulary

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vocabulary",
        sa.Column("word", sa.String(8), primary_key=True),
        sa.Column("pinyin", sa.String(48), nullable=False),
        sa.Column("initials", sa.String(8), nullable=False),
        sa.Column("titles", sa.Integer, nullable=False),
    )
    op.create_index("ix_vocabulary_pinyin", "vocabulary", ["pinyin", "titles"])
    op.create_index("ix_vocabulary_initials", "vocabulary", ["initials", "titles"])
    rebuild_vocabulary(op.get_bind())


def downgrade() -> None:
    op.drop_table("vocabulary")
