"""Kiosk state: the persistent print queue, its transition log, the staff PIN and the audit log.

Revision ID: s0003
Revises: s0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None

_JOB_COLUMNS = (
    sa.Column("source", sa.Text, nullable=False, server_default="item"),
    sa.Column("visitor", sa.String(64), nullable=False, server_default=""),
    sa.Column("fee_cents", sa.Integer, nullable=False, server_default="0"),
    sa.Column("warning", sa.Text, nullable=False, server_default=""),
    sa.Column("data_path", sa.Text, nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("handle", sa.Text, nullable=False, server_default=""),
    sa.Column("handoff_at", sa.DateTime(timezone=True)),
    sa.Column("handed_over_at", sa.DateTime(timezone=True)),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("released_at", sa.DateTime(timezone=True)),
    sa.Column("collected_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("reprint_of", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("print_jobs") as batch:
        for column in _JOB_COLUMNS:
            batch.add_column(column)
    op.create_index("ix_print_jobs_created_at", "print_jobs", ["created_at"])
    op.create_table(
        "job_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("print_jobs.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=False),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_job_events_job_id", "job_events", ["job_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "staff_pin",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pin_hash", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("lockouts", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_pin")
    op.drop_table("audit_log")
    op.drop_table("job_events")
    op.drop_index("ix_print_jobs_created_at", "print_jobs")
    with op.batch_alter_table("print_jobs") as batch:
        for column in reversed(_JOB_COLUMNS):
            batch.drop_column(column.name)
