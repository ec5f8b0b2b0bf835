"""SQLAlchemy entities, engine and session factory. No Qt here."""

# The entities load on first use of a name below (PEP 562), so that importing a
# standard-library-only submodule (app.models.schema) does not import SQLAlchemy.

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "Base": "app.models.base",
    "new_id": "app.models.base",
    "utcnow": "app.models.base",
    "Change": "app.models.entities",
    "Operation": "app.models.entities",
    "Project": "app.models.entities",
    "SavedFilter": "app.models.entities",
    "Setting": "app.models.entities",
    "Tag": "app.models.entities",
    "Task": "app.models.entities",
    "TaskTag": "app.models.entities",
    "TimeEntry": "app.models.time_entries",
}

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


def _load(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'app.models' has no attribute {name!r}")
    # Every entity module together, as before: the mappers see all tables at once.
    importlib.import_module("app.models.entities")
    importlib.import_module("app.models.time_entries")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


if not TYPE_CHECKING:
    __getattr__ = _load
