"""analytics: index time entries by zone and source, so unusual entries are found directly

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The dashboard footnotes entries made in another zone or tracked as meetings; without
    # this index finding those few meant reading every entry of the range (~30 ms a year).
    op.create_index(
        "ix_time_entries_zone_source",
        "time_entries",
        ["tz", "source", "start_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_time_entries_zone_source", table_name="time_entries")
