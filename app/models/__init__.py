"""SQLAlchemy entities, engine and session factory. No Qt here."""

from app.models.base import Base, new_id, utcnow
from app.models.entities import (
    Change,
    Operation,
    Project,
    SavedFilter,
    Setting,
    Tag,
    Task,
    TaskTag,
)
from app.models.time_entries import TimeEntry

__all__ = [
    "Base",
    "Change",
    "Operation",
    "Project",
    "SavedFilter",
    "Setting",
    "Tag",
    "Task",
    "TaskTag",
    "TimeEntry",
    "new_id",
    "utcnow",
]
