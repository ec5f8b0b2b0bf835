"""reminders: state per (target, occurrence, trigger), task reminder rules, calendar leads

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.String(length=255), nullable=False),
        sa.Column("occurrence", sa.String(length=27), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("trigger_at", sa.String(length=27), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("snoozed_until", sa.String(length=27), nullable=True),
        sa.Column("fired_at", sa.String(length=27), nullable=True),
        sa.Column("missed", sa.Boolean(), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ref_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending','fired','snoozed','dismissed')",
            name=op.f("ck_reminders_state_known"),
        ),
        sa.CheckConstraint("target_kind IN ('task','event')", name=op.f("ck_reminders_kind_known")),
        sa.CheckConstraint(
            "state != 'snoozed' OR snoozed_until IS NOT NULL",
            name=op.f("ck_reminders_snooze_has_time"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index(
        "uq_reminders_key", "reminders", ["target_kind", "target_id", "occurrence", "trigger"],
        unique=True,
    )
    op.create_index("ix_reminders_occurrence", "reminders", ["occurrence"])
    op.create_index(
        "ix_reminders_snoozed", "reminders", ["snoozed_until"],
        sqlite_where=sa.text("state = 'snoozed'"),
    )
    op.create_index("ix_reminders_fired_at", "reminders", ["fired_at"])

    op.create_table(
        "reminder_rules",
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.Column("lead", sa.String(length=40), nullable=True),
        sa.Column("lead_seconds", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("deleted_at", sa.String(length=27), nullable=True),
        sa.CheckConstraint(
            "(lead IS NULL) != (at IS NULL)", name=op.f("ck_reminder_rules_lead_xor_at")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_reminder_rules_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_rules")),
    )
    op.create_index(
        "ix_reminder_rules_live_task", "reminder_rules", ["task_id"],
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_reminder_rules_live_at", "reminder_rules", ["at"],
        sqlite_where=sa.text("deleted_at IS NULL AND at IS NOT NULL"),
    )

    op.create_table(
        "calendar_reminder_leads",
        sa.Column("calendar_id", sa.String(length=32), nullable=False),
        sa.Column("lead", sa.String(length=40), nullable=True),
        sa.Column("lead_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"], ["calendars.id"],
            name=op.f("fk_calendar_reminder_leads_calendar_id_calendars"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("calendar_id", name=op.f("pk_calendar_reminder_leads")),
    )


def downgrade() -> None:
    op.drop_table("calendar_reminder_leads")
    op.drop_index("ix_reminder_rules_live_at", table_name="reminder_rules")
    op.drop_index("ix_reminder_rules_live_task", table_name="reminder_rules")
    op.drop_table("reminder_rules")
    op.drop_index("ix_reminders_fired_at", table_name="reminders")
    op.drop_index("ix_reminders_snoozed", table_name="reminders")
    op.drop_index("ix_reminders_occurrence", table_name="reminders")
    op.drop_index("uq_reminders_key", table_name="reminders")
    op.drop_table("reminders")
