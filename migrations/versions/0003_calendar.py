"""calendar: calendars (local and subscribed), events with raw ICS, pre-expanded occurrences

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_STAMPS = (
    ("id", sa.String(length=32), False),
    ("created_at", sa.String(length=27), False),
    ("updated_at", sa.String(length=27), False),
    ("deleted_at", sa.String(length=27), True),
)


def _stamp_columns() -> list[sa.Column[str]]:
    return [sa.Column(name, typ, nullable=null) for name, typ, null in _STAMPS]


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("color", sa.String(length=9), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("refresh_minutes", sa.Integer(), nullable=True),
        sa.Column("last_fetched", sa.String(length=27), nullable=True),
        sa.Column("last_attempt", sa.String(length=27), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        *_stamp_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
    )
    op.create_index(
        "ix_calendars_live_position", "calendars", ["position"],
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "events",
        sa.Column("calendar_id", sa.String(length=32), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("recurrence_id", sa.String(length=20), nullable=True),
        sa.Column("this_and_future", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("floating", sa.Boolean(), nullable=False),
        sa.Column("tzid", sa.String(length=64), nullable=True),
        sa.Column("start_utc", sa.String(length=27), nullable=True),
        sa.Column("end_utc", sa.String(length=27), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("rdate", sa.Text(), nullable=True),
        sa.Column("exdate", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=32), nullable=True),
        sa.Column("raw_ics", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=40), nullable=False),
        *_stamp_columns(),
        sa.CheckConstraint(
            "(all_day = 1 AND start_date IS NOT NULL AND end_date > start_date) OR "
            "(all_day = 0 AND start_utc IS NOT NULL AND end_utc >= start_utc)",
            name=op.f("ck_events_times_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('confirmed','tentative','cancelled')",
            name=op.f("ck_events_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"], ["calendars.id"], name=op.f("fk_events_calendar_id_calendars"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_events_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_events_calendar_uid_rid "
        "ON events (calendar_id, uid, ifnull(recurrence_id, ''))"
    )
    op.create_index(
        "ix_events_task", "events", ["task_id"], sqlite_where=sa.text("task_id IS NOT NULL")
    )
    op.create_index("ix_events_content_hash", "events", ["calendar_id", "content_hash"])
    op.create_index(
        "ix_events_recurring", "events", ["calendar_id"],
        sqlite_where=sa.text("rrule IS NOT NULL OR rdate IS NOT NULL"),
    )
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("span", sa.Integer(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("floating", sa.Boolean(), nullable=False),
        sa.Column("recurrence_key", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_occurrences_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
    )
    op.create_index("ix_occurrences_floating_start", "occurrences", ["floating", "start"])
    op.create_index("ix_occurrences_event", "occurrences", ["event_id"])
    op.create_index("ix_occurrences_span", "occurrences", ["span"])


def downgrade() -> None:
    op.drop_table("occurrences")
    op.drop_table("events")
    op.drop_table("calendars")
