"""Core entities: projects, tasks, tags, saved filters, settings and the change log.

Every synced entity has a UUID key, created/updated stamps and a ``deleted_at``
tombstone; tasks carry an ICS UID so that CalDAV/ICS sync can map them later.
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

from app.models.base import Base, UTCDateTime, new_id, utcnow

TASK_STATUSES = ("todo", "in_progress", "done", "cancelled")
OPEN_STATUSES = ("todo", "in_progress")


class Stamped:
    """Columns every synced entity shares."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Project(Stamped, Base):
    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(9), default="#5b8def")
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[float] = mapped_column(Float, default=0.0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_projects_parent_position", "parent_id", "position"),)


class Task(Stamped, Base):
    __tablename__ = "tasks"

    ics_uid: Mapped[str] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), default=None
    )
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), default=None
    )
    title: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="todo")
    priority: Mapped[int] = mapped_column(Integer, default=4)
    # due_date is set whenever there is a due (for a timed due: the date in due_tz);
    # due_at is the UTC instant when the due has a time of day.
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    due_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    scheduled_date: Mapped[date | None] = mapped_column(Date, default=None)
    estimate_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    recurrence: Mapped[str | None] = mapped_column(String(500), default=None)
    recur_from_completion: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[float] = mapped_column(Float, default=0.0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (
        CheckConstraint("status IN ('todo','in_progress','done','cancelled')", name="status_known"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority_range"),
        Index(
            "ix_tasks_live_parent_position",
            "parent_id",
            "position",
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index("ix_tasks_live_project", "project_id", sqlite_where=text("deleted_at IS NULL")),
        Index(
            "ix_tasks_live_status_position",
            "status",
            "position",
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index("ix_tasks_live_due_date", "due_date", sqlite_where=text("deleted_at IS NULL")),
        Index("ix_tasks_completed_at", "completed_at"),
        Index("ix_tasks_ics_uid", "ics_uid"),
        Index("ix_tasks_updated_at", "updated_at"),
    )


class Tag(Stamped, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str] = mapped_column(String(9), default="#8a8f98")

    __table_args__ = (
        Index(
            "uq_tags_live_name",
            text("lower(name)"),
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )


class TaskTag(Base):
    __tablename__ = "task_tags"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_task_tags_tag", "tag_id"),)


class SavedFilter(Stamped, Base):
    __tablename__ = "saved_filters"

    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text)
    position: Mapped[float] = mapped_column(Float, default=0.0)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class Operation(Base):
    """One user-visible action (one undo step), grouping its entity changes.

    state: ``done`` (undoable), ``undone`` (redoable), ``dead`` (undone then superseded by
    a new action), ``final`` (audit only: undo/redo/import/sync bookkeeping).
    """

    __tablename__ = "operations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))  # user, undo, redo, sync, import, system
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="done")
    undone_by: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (Index("ix_operations_state", "state", "id"),)


class Change(Base):
    """Before/after images of one entity within an operation: undo, audit trail, sync feed."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text, default=None)  # JSON, NULL = did not exist
    after: Mapped[str | None] = mapped_column(Text, default=None)  # JSON

    __table_args__ = (
        Index("ix_changes_op", "op_id"),
        Index("ix_changes_entity", "entity", "entity_id"),
    )
