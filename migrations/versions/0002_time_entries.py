"""time entries: tracked intervals, one running timer enforced by a partial unique index

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "time_entries",
        sa.Column("task_id", sa.String(length=32), nullable=True),
        sa.Column("start_at", sa.String(length=27), nullable=False),
        sa.Column("end_at", sa.String(length=27), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.CheckConstraint(
            "end_at IS NULL OR end_at > start_at", name=op.f("ck_time_entries_end_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_time_entries_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
    )
    # Covering index for range reads and reports (the scan never touches the table).
    op.create_index(
        "ix_time_entries_live_span",
        "time_entries",
        ["start_at", "end_at", "task_id"],
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    # Per-task totals (estimate vs actual), covering; also the foreign key's lookups.
    op.create_index(
        "ix_time_entries_task", "time_entries", ["task_id", "deleted_at", "start_at", "end_at"]
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_time_entries_one_running ON time_entries ((end_at IS NULL)) "
        "WHERE end_at IS NULL AND deleted_at IS NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX uq_time_entries_one_running")
    op.drop_index("ix_time_entries_task", table_name="time_entries")
    op.drop_index("ix_time_entries_live_span", table_name="time_entries")
    op.drop_table("time_entries")
