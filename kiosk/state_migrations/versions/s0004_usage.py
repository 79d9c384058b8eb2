"""Kiosk state: anonymous usage events by visit, their daily totals (by 索引号, and by label alone), zero-hit
queries and the roll-up mark.

The events of earlier versions (a view, a print with "KIND PAGES" as its detail)
become `read` and `print` events with their local day and hour.

Revision ID: s0004
Revises: s0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table("usage_events", "usage_events_before")
    op.drop_index("ix_usage_events_at", "usage_events_before")
    _create_events()
    _carry_over()
    op.drop_table("usage_events_before")
    op.create_table(
        "daily_totals",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("label", sa.String(32), primary_key=True),
        sa.Column("index_no", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    # the documents read or printed most in a period come from this index alone (no lookup of the table's rows)
    op.create_index("ix_daily_totals_documents", "daily_totals", ["kind", "day", "index_no", "count"])
    op.create_table(
        "label_totals",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("label", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_table(
        "document_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("index_no", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_table(
        "zero_queries",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("visits", sa.Integer, nullable=False),
    )
    op.create_table(
        "zero_texts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("text", sa.String(40), nullable=False),
    )
    op.create_table(
        "usage_rollup",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
    )


def _create_events() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("visit", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("index_no", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_index("ix_usage_events_day", "usage_events", ["day"])


def _carry_over() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT at, kind, index_no, detail FROM usage_events_before ORDER BY id"))
    insert = sa.text(
        "INSERT INTO usage_events (at, day, hour, visit, kind, label, index_no, count, amount) "
        "VALUES (:at, :day, :hour, '', :kind, :label, :index_no, 1, :amount)"
    )
    for at, kind, index_no, detail in rows.fetchall():
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()
        label, amount = _print_detail(detail) if kind == "print" else ("", 0)
        bind.execute(
            insert,
            {
                "at": moment,
                "day": local.date().isoformat(),
                "hour": local.hour,
                "kind": "read" if kind == "view" else kind,
                "label": label,
                "index_no": index_no,
                "amount": amount,
            },
        )


def _print_detail(detail: str) -> tuple[str, int]:
    """'a4 3' as (kind, pages)."""
    words = (detail or "").split()
    pages = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    return (words[0] if words else "")[:32], pages


def downgrade() -> None:
    op.drop_table("usage_rollup")
    op.drop_table("zero_texts")
    op.drop_table("zero_queries")
    op.drop_table("document_months")
    op.drop_table("label_totals")
    op.drop_table("daily_totals")
    op.drop_table("usage_events")
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("index_no", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_usage_events_at", "usage_events", ["at"])
