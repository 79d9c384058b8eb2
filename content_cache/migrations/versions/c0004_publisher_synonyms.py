"""The publisher's synonym list, applied by a sync in the same transaction as the content.

One row a group, in the list's order, its terms separated by tabs (formal term
first). Which version of the list it is, and the feed sequence it came with,
are kept in `content_meta` under `publisher_synonyms`; a cache without a
publisher list has neither rows nor that key.

Revision ID: c0004
Revises: c0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publisher_synonyms",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("terms", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("publisher_synonyms")
    op.execute("DELETE FROM content_meta WHERE key = 'publisher_synonyms'")
