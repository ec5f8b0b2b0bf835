"""Plain, immutable records handed to the UI and CLI (never ORM instances)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

STATUS_LABELS = {
    "todo": "To do",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True, slots=True)
class ProjectDTO:
    id: str
    name: str
    color: str
    parent_id: str | None
    position: float
    archived: bool
    open_tasks: int = 0


@dataclass(frozen=True, slots=True)
class TagDTO:
    id: str
    name: str
    color: str
    open_tasks: int = 0


@dataclass(frozen=True, slots=True)
class SavedFilterDTO:
    id: str
    name: str
    query: str


@dataclass(frozen=True, slots=True)
class TaskDTO:
    id: str
    title: str
    notes: str
    project_id: str | None
    project: str | None
    parent_id: str | None
    status: str
    priority: int
    due_date: date | None
    due_at: datetime | None
    due_tz: str | None
    scheduled_date: date | None
    estimate_minutes: int | None
    recurrence: str | None
    recur_from_completion: bool
    position: float
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    completed: datetime | None
    ics_uid: str
    subtasks_total: int = 0
    subtasks_done: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in ("todo", "in_progress")

    def due_local(self) -> datetime | None:
        """The timed due in its own zone (None for date-only dues)."""
        if self.due_at is None:
            return None
        from zoneinfo import ZoneInfo

        return self.due_at.astimezone(ZoneInfo(self.due_tz or "UTC"))
