"""Time entries: tracked intervals on tasks; a running timer is the one entry with no end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime
from app.models.entities import Stamped

TIME_SOURCES = ("timer", "manual", "idle", "import", "pomodoro", "meeting")


class TimeEntry(Stamped, Base):
    """One tracked interval, instants in UTC with the zone the user was in.

    The services keep every closed entry at most 999 hours long (Toggl's limit), so a
    range query only needs to look that far back before the range: see
    ``app.services.time_rules.MAX_ENTRY``.
    """

    __tablename__ = "time_entries"

    task_id: Mapped[str | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), default=None
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)  # NULL = running
    tz: Mapped[str] = mapped_column(String(64))  # the user's zone when the entry was made
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="timer")
    billable: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("end_at IS NULL OR end_at > start_at", name="end_after_start"),
        # At most one running timer, enforced by the database itself.
        Index("uq_time_entries_one_running", text("(end_at IS NULL)"), unique=True,
              sqlite_where=text("end_at IS NULL AND deleted_at IS NULL")),
        # Covering index for range reads and reports: the scan never touches the table.
        Index("ix_time_entries_live_span", "start_at", "end_at", "task_id",
              sqlite_where=text("deleted_at IS NULL")),
        # Per-task totals (estimate vs actual), covering; also the foreign key's lookups.
        Index("ix_time_entries_task", "task_id", "deleted_at", "start_at", "end_at"),
        # Entries made in another zone or tracked as meetings, for the analytics footnotes.
        Index("ix_time_entries_zone_source", "tz", "source", "start_at",
              sqlite_where=text("deleted_at IS NULL")),
    )
