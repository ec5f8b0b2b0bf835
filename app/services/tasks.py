"""Task use cases: create, edit, complete (with recurrence), move, delete, read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.models import Project, Tag, Task, new_id
from app.models.db import Store
from app.services import validate
from app.services.clock import Clock
from app.services.dto import TaskDTO
from app.services.recurrence import next_due
from app.services.snapshots import set_task_tags, task_tag_ids
from app.services.task_read import TaskReader
from app.services.uow import UnitOfWork, write


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class TaskFields:
    """Everything a user can set on a task; ``UNSET`` leaves a field alone on edit."""

    title: str = UNSET
    notes: str = UNSET
    project_id: str | None = UNSET
    parent_id: str | None = UNSET
    status: str = UNSET
    priority: int = UNSET
    due_date: date | None = UNSET
    due_time: time | None = UNSET
    due_tz: str | None = UNSET
    scheduled_date: date | None = UNSET
    estimate_minutes: int | None = UNSET
    recurrence: str | None = UNSET
    recur_from_completion: bool = UNSET
    tags: tuple[str, ...] = UNSET

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not UNSET}


class TaskService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.reader = TaskReader(store, clock)

    # -- reads -----------------------------------------------------------------------------
    def get(self, task_id: str) -> TaskDTO:
        return self.reader.get(task_id)

    # -- writes ----------------------------------------------------------------------------
    def create(self, fields: TaskFields, *, label: str = "Add task") -> TaskDTO:
        with write(self.store, label, clock=self.clock) as uow:
            task_id = self._create(uow, fields)
        return self.get(task_id)

    def create_in(self, uow: UnitOfWork, fields: TaskFields) -> str:
        """Add a task inside the caller's unit of work (one undo step with other changes)."""
        return self._create(uow, fields)

    def _create(self, uow: UnitOfWork, fields: TaskFields) -> str:
        given = fields.given()
        if "title" not in given:
            raise ValidationError("A task needs a title.")
        parent_id = given.get("parent_id")
        task = Task(id=new_id(), title=validate.title(given["title"]), notes="")
        task.ics_uid = f"{task.id}@cadence"
        task.parent_id = None
        task.project_id = None
        if parent_id is not None:
            parent = uow.session.get(Task, parent_id)
            if parent is None or parent.deleted_at is not None:
                raise ValidationError(f"No parent task with id {parent_id}.")
            task.parent_id = parent_id
            task.project_id = parent.project_id
        task.position = _next_position(uow.session, parent_id)
        uow.add(task)
        self._apply(uow, task, given, creating=True)
        return task.id

    def update(self, task_id: str, fields: TaskFields, *, label: str = "Edit task") -> TaskDTO:
        with write(self.store, label, clock=self.clock) as uow:
            task = uow.get(Task, task_id)
            self._apply(uow, task, fields.given(), creating=False)
        return self.get(task_id)

    def set_status(self, task_id: str, status: str) -> TaskDTO:
        label = {"done": "Complete task", "cancelled": "Cancel task"}.get(status, "Reopen task")
        return self.update(task_id, TaskFields(status=status), label=label)

    def complete(self, task_id: str) -> TaskDTO:
        return self.set_status(task_id, "done")

    def delete(self, task_ids: list[str] | str) -> int:
        """Tombstone tasks and all their subtasks; returns how many tasks were deleted."""
        ids = [task_ids] if isinstance(task_ids, str) else list(task_ids)
        with write(
            self.store, "Delete task" if len(ids) == 1 else "Delete tasks", clock=self.clock
        ) as uow:
            now = self.clock.now()
            todo = [uow.get(Task, i) for i in ids]
            count = 0
            while todo:
                task = todo.pop()
                if task.deleted_at is None:
                    uow.track(task)
                    task.deleted_at = now
                    count += 1
                children = uow.session.scalars(
                    select(Task).where(Task.parent_id == task.id, Task.deleted_at.is_(None))
                )
                todo.extend(children)
        return count

    def move(
        self,
        task_id: str,
        *,
        parent_id: str | None = UNSET,
        status: str = UNSET,
        after_id: str | None = None,
        before_id: str | None = None,
    ) -> TaskDTO:
        """Reorder (between after_id and before_id), re-parent, or move across board columns.

        Usually writes one row: the new position is the midpoint of the neighbours'.
        """
        with write(self.store, "Move task", clock=self.clock) as uow:
            task = uow.get(Task, task_id)
            if parent_id is not UNSET:
                self._set_parent(uow, task, parent_id)
            if status is not UNSET:
                self._set_status(uow, task, validate.status(status))
            task.position = _position_between(uow, task, after_id, before_id)
        return self.get(task_id)

    # -- helpers ---------------------------------------------------------------------------
    def _apply(self, uow: UnitOfWork, task: Task, given: dict[str, Any], *, creating: bool) -> None:
        if "title" in given:
            task.title = validate.title(given["title"])
        if "notes" in given:
            task.notes = given["notes"] or ""
        if "priority" in given:
            task.priority = validate.priority(given["priority"])
        if "project_id" in given:
            task.project_id = _check_project(uow.session, given["project_id"])
        if "parent_id" in given and not creating:
            self._set_parent(uow, task, given["parent_id"])
        if "scheduled_date" in given:
            task.scheduled_date = given["scheduled_date"]
        if "estimate_minutes" in given:
            task.estimate_minutes = validate.estimate(given["estimate_minutes"])
        if {"due_date", "due_time", "due_tz"} & given.keys():
            self._set_due(task, given)
        if "recurrence" in given:
            task.recurrence = validate.recurrence(given["recurrence"], task.due_date)
        if "recur_from_completion" in given:
            task.recur_from_completion = bool(given["recur_from_completion"])
        if "tags" in given:
            set_task_tags(uow.session, task.id, _tag_ids(uow, given["tags"]))
        if "status" in given:
            self._set_status(uow, task, validate.status(given["status"]))

    def _set_due(self, task: Task, given: dict[str, Any]) -> None:
        old_local = None
        if task.due_at is not None:
            old_local = task.due_at.astimezone(validate.zone(task.due_tz or "UTC"))
        day = given.get("due_date", task.due_date)
        wall = given.get("due_time", old_local.time() if old_local else None)
        tz = given.get("due_tz") or task.due_tz or self.clock.zone_key()
        if "due_date" in given and given["due_date"] is None:
            wall = None
        task.due_date, task.due_at, task.due_tz = validate.due(day, wall, tz)

    def _set_parent(self, uow: UnitOfWork, task: Task, parent_id: str | None) -> None:
        if parent_id is None:
            task.parent_id = None
            return
        parent = uow.session.get(Task, parent_id)
        if parent is None or parent.deleted_at is not None:
            raise ValidationError(f"No parent task with id {parent_id}.")
        cursor: Task | None = parent
        while cursor is not None:
            if cursor.id == task.id:
                raise ValidationError("A task cannot become a subtask of itself or its subtasks.")
            cursor = uow.session.get(Task, cursor.parent_id) if cursor.parent_id else None
        task.parent_id = parent_id
        task.project_id = parent.project_id

    def _set_status(self, uow: UnitOfWork, task: Task, status: str) -> None:
        was_closed = task.status in ("done", "cancelled")
        task.status = status
        if status in ("done", "cancelled"):
            if not was_closed:
                task.completed_at = self.clock.now()
                if status == "done" and task.recurrence:
                    self._spawn_next(uow, task)
        else:
            task.completed_at = None

    def _spawn_next(self, uow: UnitOfWork, done: Task) -> None:
        """Create the next occurrence of a recurring task that was just completed."""
        assert done.recurrence is not None
        local_due = (
            done.due_at.astimezone(validate.zone(done.due_tz or "UTC")) if done.due_at else None
        )
        nxt = next_due(
            done.recurrence,
            due_date=done.due_date,
            due_time=local_due.time() if local_due else None,
            completed_on=self.clock.today(),
            from_completion=done.recur_from_completion,
        )
        if nxt is None:
            return
        fields: dict[str, Any] = {
            "title": done.title,
            "notes": done.notes,
            "project_id": done.project_id,
            "parent_id": done.parent_id,
            "priority": done.priority,
            "estimate_minutes": done.estimate_minutes,
            "recurrence": done.recurrence,
            "recur_from_completion": done.recur_from_completion,
            "due_date": nxt,
            "due_time": local_due.time().replace(tzinfo=None) if local_due else None,
            "due_tz": done.due_tz,
        }
        tag_names = uow.session.scalars(
            select(Tag.name).where(Tag.id.in_(task_tag_ids(uow.session, done.id)))
        ).all()
        fields["tags"] = tuple(tag_names)
        self._create(uow, TaskFields(**fields))
        # The finished instance keeps its history but no longer recurs.
        done.recurrence = None


def _check_project(session: Session, project_id: str | None) -> str | None:
    if project_id is None:
        return None
    project = session.get(Project, project_id)
    if project is None or project.deleted_at is not None:
        raise ValidationError(f"No project with id {project_id}.")
    return project_id


def _tag_ids(uow: UnitOfWork, names: tuple[str, ...] | list[str]) -> list[str]:
    """Ids for tag names, creating tags that do not exist yet (case-insensitive match)."""
    ids: list[str] = []
    for raw in names:
        name = raw.strip().lstrip("@")
        if not name:
            continue
        tag = uow.session.scalar(
            select(Tag).where(func.lower(Tag.name) == name.lower(), Tag.deleted_at.is_(None))
        )
        if tag is None:
            tag = uow.add(Tag(id=new_id(), name=name))
        ids.append(tag.id)
    return ids


def _next_position(session: Session, parent_id: str | None) -> float:
    top = session.scalar(
        select(func.max(Task.position)).where(
            Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id,
            Task.deleted_at.is_(None),
        )
    )
    return float(top or 0.0) + 1.0


def _position_between(
    uow: UnitOfWork, task: Task, after_id: str | None, before_id: str | None
) -> float:
    lo = _position_of(uow.session, after_id)
    hi = _position_of(uow.session, before_id)
    if lo is None and hi is None:
        return _next_position(uow.session, task.parent_id) if after_id is None else task.position
    if lo is None:
        assert hi is not None
        return hi - 1.0
    if hi is None:
        return lo + 1.0
    if hi - lo > 1e-9:
        return (lo + hi) / 2.0
    # The gap is used up (after ~50 drags into one spot): spread the siblings out again.
    siblings = uow.session.scalars(
        select(Task)
        .where(
            Task.parent_id.is_(task.parent_id)
            if task.parent_id is None
            else Task.parent_id == task.parent_id,
            Task.deleted_at.is_(None),
        )
        .order_by(Task.position)
    ).all()
    for i, sib in enumerate(siblings):
        uow.track(sib).position = float(i + 1) * 1024.0
    uow.session.flush()
    lo2 = _position_of(uow.session, after_id)
    hi2 = _position_of(uow.session, before_id)
    assert lo2 is not None and hi2 is not None
    return (lo2 + hi2) / 2.0


def _position_of(session: Session, task_id: str | None) -> float | None:
    if task_id is None:
        return None
    value = session.scalar(select(Task.position).where(Task.id == task_id))
    return None if value is None else float(value)
