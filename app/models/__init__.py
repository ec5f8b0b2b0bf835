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
    "new_id",
    "utcnow",
]
