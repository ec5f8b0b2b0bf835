"""Reading tasks in bulk with column selects (fast at 100k rows) into TaskDTOs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models import Project, Tag, Task, TaskTag
from app.models.db import Store
from app.services.clock import Clock
from app.services.dto import TaskDTO
from app.services.uow import read

_COLUMNS = (
    Task.id,
    Task.title,
    Task.notes,
    Task.project_id,
    Project.name,
    Task.parent_id,
    Task.status,
    Task.priority,
    Task.due_date,
    Task.due_at,
    Task.due_tz,
    Task.scheduled_date,
    Task.estimate_minutes,
    Task.recurrence,
    Task.recur_from_completion,
    Task.position,
)
_TAIL = (Task.created_at, Task.updated_at, Task.completed_at, Task.ics_uid)
_CHUNK = 500  # ids per IN (...): small enough that SQLite always probes by task id


def base_select() -> Select[Any]:
    stmt: Select[Any] = cast(
        Any,
        (
            select(*_COLUMNS, *_TAIL)
            .outerjoin(Project, Project.id == Task.project_id)
            .where(Task.deleted_at.is_(None))
        ),
    )
    return stmt


class TaskReader:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def get(self, task_id: str) -> TaskDTO:
        found = self.select(Task.id == task_id)
        if not found:
            raise NotFoundError(f"No task with id {task_id}")
        return found[0]

    def count(self, where: ColumnElement[bool] | None = None) -> int:
        """How many live tasks match (sidebar counts) without loading them."""
        stmt = select(func.count()).select_from(Task).where(Task.deleted_at.is_(None))
        if where is not None:
            stmt = stmt.where(where)
        with read(self.store) as session:
            return int(session.scalar(stmt) or 0)

    def select(
        self,
        where: ColumnElement[bool] | None = None,
        order_by: Sequence[ColumnElement[object]] | None = None,
        limit: int | None = None,
    ) -> list[TaskDTO]:
        stmt = base_select()
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*(order_by or (Task.position,)))
        if limit is not None:
            stmt = stmt.limit(limit)
        with read(self.store) as session:
            rows: Sequence[Any] = session.execute(stmt).all()
            ids = [r[0] for r in rows]
            tags = _tags_by_task(session, ids)
            counts = _subtask_counts(session, ids)
        out: list[TaskDTO] = []
        for row in rows:
            r: tuple[Any, ...] = tuple(row)
            total, done = counts.get(r[0], (0, 0))
            out.append(TaskDTO(*r[:16], tuple(tags.get(r[0], ())), *r[16:], total, done))  # type: ignore[call-arg]
        return out


def _chunks(ids: list[str]) -> list[list[str]]:
    """Id lists small enough for one IN (...) each (SQLite caps bound parameters)."""
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _tags_by_task(session: Session, ids: list[str]) -> dict[str, list[str]]:
    """Tag names of just these tasks (index lookups; no scan of every task's tags)."""
    tags: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        stmt = (
            select(TaskTag.task_id, Tag.name)
            .join(Tag, Tag.id == TaskTag.tag_id)
            .where(Tag.deleted_at.is_(None), TaskTag.task_id.in_(chunk))
            .order_by(func.lower(Tag.name))
        )
        for task_id, name in session.execute(stmt):
            tags[task_id].append(name)
    return tags


def _subtask_counts(session: Session, ids: list[str]) -> dict[str, tuple[int, int]]:
    done = func.sum(case((Task.status == "done", 1), else_=0))
    counts: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(ids):
        stmt = (
            select(Task.parent_id, func.count(), done)
            .where(Task.parent_id.in_(chunk), Task.deleted_at.is_(None))
            .group_by(Task.parent_id)
        )
        counts.update((p, (int(n), int(d or 0))) for p, n, d in session.execute(stmt))
    return counts
