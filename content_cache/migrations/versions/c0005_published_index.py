"""An index of the items by date: a search narrowed to a year finds the rowids of that year at once.

Items are written in the order the feed publishes them, so a year's items sit in
a narrow band of rowids; a search with a year filter reads only that band of the
full-text index (`content_cache.search._where`).

Revision ID: c0005
Revises: c0004
"""

from __future__ import annotations

from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_published", "items", ["published_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_items_published", "items")
