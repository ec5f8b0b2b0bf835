"""Reminder state per (target, occurrence, trigger), task reminder rules, calendar default leads.

A reminder that has never fired has no row: it is *planned* from tasks, rules and event
occurrences. A row is written the moment a reminder fires, is snoozed or dismissed, and its
unique key (target kind, target id, occurrence instant, trigger) is the dedup key: an event
is keyed by its iCalendar UID, so a re-sync or re-import of the same event finds the same
row and a dismissed reminder never fires again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow
from app.models.entities import Stamped

REMINDER_STATES = ("pending", "fired", "snoozed", "dismissed")
TARGET_KINDS = ("task", "event")
# The trigger key of a rule or alarm at a fixed instant (its occurrence is that instant).
ABSOLUTE = "at"


class Reminder(Base):
    """What happened to one planned trigger; its key never changes once written."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_kind: Mapped[str] = mapped_column(String(8))
    # task id, or the event's iCalendar UID (stable across sync and re-import)
    target_id: Mapped[str] = mapped_column(String(255))
    occurrence: Mapped[datetime] = mapped_column(UTCDateTime())
    # canonical signed ISO 8601 duration relative to the occurrence ("-PT15M", "PT0S",
    # "end:-PT5M"), or ABSOLUTE
    trigger: Mapped[str] = mapped_column(String(40))
    trigger_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10), default="pending")
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # delivered late (catch-up) or never shown as a popup (older than the grace window)
    missed: Mapped[bool] = mapped_column(Boolean, default=False)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # "Due 14:00 · Work", "Room 3"
    # the local row to open: task id or event row id
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "state IN ('pending','fired','snoozed','dismissed')", name="state_known"
        ),
        CheckConstraint("target_kind IN ('task','event')", name="kind_known"),
        CheckConstraint(
            "state != 'snoozed' OR snoozed_until IS NOT NULL", name="snooze_has_time"
        ),
        Index("uq_reminders_key", "target_kind", "target_id", "occurrence", "trigger",
              unique=True),
        Index("ix_reminders_occurrence", "occurrence"),
        Index("ix_reminders_snoozed", "snoozed_until", sqlite_where=text("state = 'snoozed'")),
        Index("ix_reminders_fired_at", "fired_at"),
    )


class ReminderRule(Stamped, Base):
    """One reminder on a task: relative to its due (``lead``) or at a fixed instant (``at``).

    ``lead`` is a canonical signed duration ("PT0S" = at due, "-PT15M", "-P1D"); days are
    calendar days in the due's zone. ``lead_seconds`` is its approximate length, kept only
    so that the planner can ask the database for the longest lead.
    """

    __tablename__ = "reminder_rules"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    lead: Mapped[str | None] = mapped_column(String(40), default=None)
    lead_seconds: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (
        CheckConstraint("(lead IS NULL) != (at IS NULL)", name="lead_xor_at"),
        Index("ix_reminder_rules_live_task", "task_id", sqlite_where=text("deleted_at IS NULL")),
        Index("ix_reminder_rules_live_at", "at",
              sqlite_where=text("deleted_at IS NULL AND at IS NOT NULL")),
    )


class CalendarReminderLead(Base):
    """The default reminder lead for timed events of one calendar (NULL lead = none)."""

    __tablename__ = "calendar_reminder_leads"

    calendar_id: Mapped[str] = mapped_column(
        ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True
    )
    lead: Mapped[str | None] = mapped_column(String(40), default=None)
    lead_seconds: Mapped[int] = mapped_column(Integer, default=0)
