"""Calendar entities: calendars (local or subscribed), events with raw ICS, expanded occurrences.

Timed events store UTC instants plus the IANA zone they were written in; all-day events store
dates (end exclusive). Floating events (no zone) keep their wall-clock time in the ``*_utc``
columns with ``floating`` set, the way khal keeps floating and zoned instants apart.
Occurrences are derived rows (recurrences pre-expanded over a window) and never logged.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime
from app.models.entities import Stamped

EVENT_STATUSES = ("confirmed", "tentative", "cancelled")


class Calendar(Stamped, Base):
    __tablename__ = "calendars"

    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(9), default="#3b82c4")
    tz: Mapped[str | None] = mapped_column(String(64), default=None)  # None = the user's zone
    visible: Mapped[bool] = mapped_column(Boolean, default=True)
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[float] = mapped_column(Float, default=0.0)
    # Placeholder for two-way sync (Google, Microsoft, CalDAV accounts come later).
    account_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # ICS subscription state (all NULL for a local calendar).
    source_url: Mapped[str | None] = mapped_column(Text, default=None)
    etag: Mapped[str | None] = mapped_column(String(500), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    refresh_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    last_fetched: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (Index("ix_calendars_live_position", "position",
                            sqlite_where=text("deleted_at IS NULL")),)


class Event(Stamped, Base):
    __tablename__ = "events"

    calendar_id: Mapped[str] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255))
    # Original start of the overridden instance ("20261128T080000Z", "20261128" or floating
    # "20261128T080000"); NULL for a master or a single event.
    recurrence_id: Mapped[str | None] = mapped_column(String(20), default=None)
    this_and_future: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    floating: Mapped[bool] = mapped_column(Boolean, default=False)
    tzid: Mapped[str | None] = mapped_column(String(64), default=None)
    start_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    end_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)  # exclusive
    rrule: Mapped[str | None] = mapped_column(Text, default=None)  # bodies, one per line
    rdate: Mapped[str | None] = mapped_column(Text, default=None)  # comma-separated values
    exdate: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    task_id: Mapped[str | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), default=None
    )
    raw_ics: Mapped[str] = mapped_column(Text, default="")  # unfolded component text
    content_hash: Mapped[str] = mapped_column(String(40), default="")

    __table_args__ = (
        CheckConstraint(
            "(all_day = 1 AND start_date IS NOT NULL AND end_date > start_date) OR "
            "(all_day = 0 AND start_utc IS NOT NULL AND end_utc >= start_utc)",
            name="times_valid",
        ),
        CheckConstraint(
            "status IN ('confirmed','tentative','cancelled')", name="status_known"
        ),
        Index("uq_events_calendar_uid_rid", "calendar_id", "uid",
              text("ifnull(recurrence_id, '')"), unique=True),
        Index("ix_events_task", "task_id", sqlite_where=text("task_id IS NOT NULL")),
        Index("ix_events_content_hash", "calendar_id", "content_hash"),
        Index("ix_events_recurring", "calendar_id",
              sqlite_where=text("rrule IS NOT NULL OR rdate IS NOT NULL")),
    )


class Occurrence(Base):
    """One instance of an event, for range queries. Times are UTC epoch seconds; for floating
    and all-day events they are the wall-clock time read as if it were UTC."""

    __tablename__ = "occurrences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    span: Mapped[int] = mapped_column(Integer)  # end - start, for a bounded range scan
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    floating: Mapped[bool] = mapped_column(Boolean, default=False)
    # The instance's original start (same text form as Event.recurrence_id); NULL if single.
    recurrence_key: Mapped[str | None] = mapped_column(String(20), default=None)

    __table_args__ = (
        Index("ix_occurrences_floating_start", "floating", "start"),
        Index("ix_occurrences_event", "event_id"),
        Index("ix_occurrences_span", "span"),
    )
