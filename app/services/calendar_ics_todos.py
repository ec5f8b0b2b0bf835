"""VTODOs become tasks through the task service: status, priority, due, tags, parent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from app.errors import ValidationError
from app.models import Task
from app.services import validate
from app.services.calendar_dto import ImportProblem, ImportSummary
from app.services.calendar_records import until_like_start
from app.services.calendar_todo_records import ParsedTodo
from app.services.calendar_zones import zone
from app.services.clock import Clock
from app.services.tasks import TaskFields, TaskService
from app.services.uow import UnitOfWork


def _due(todo: ParsedTodo, clock: Clock) -> dict[str, Any]:
    if todo.due is None:
        return {"due_date": None, "due_time": None}
    value = todo.due.value
    if not isinstance(value, datetime):
        return {"due_date": value, "due_time": None}
    if value.tzinfo is None:
        tz = clock.zone_key()
        local = value
    else:
        tz = todo.due.tzid if todo.due.tzid not in (None, "UTC") else clock.zone_key()
        local = value.astimezone(zone(tz or "UTC")).replace(tzinfo=None)
    return {"due_date": local.date(), "due_time": local.time(), "due_tz": tz}


def _fields(todo: ParsedTodo, clock: Clock, summary: ImportSummary) -> TaskFields:
    given: dict[str, Any] = {
        "title": todo.summary.strip() or "(untitled to-do)",
        "notes": todo.description,
        "priority": todo.priority,
        "tags": tuple(todo.categories),
        **_due(todo, clock),
    }
    if todo.rrule:
        start = datetime.combine(given.get("due_date") or date(2000, 1, 1), time())
        try:
            given["recurrence"] = validate.recurrence(until_like_start(todo.rrule, start),
                                                      given.get("due_date"))
        except ValidationError as exc:
            summary.warnings.append(ImportProblem(todo.line_no, "VTODO", todo.uid,
                                                  f"recurrence dropped: {exc}"))
    return TaskFields(**given)


def _same(task: Task, fields: TaskFields, tags: list[str]) -> bool:
    given = fields.given()
    due_at_ok = given.get("due_time") is None or task.due_at is not None
    return (task.title == given["title"] and task.notes == given["notes"]
            and task.priority == given["priority"]
            and task.due_date == given.get("due_date") and due_at_ok
            and sorted(t.lower() for t in given["tags"]) == sorted(t.lower() for t in tags)
            and (task.recurrence or None) == given.get("recurrence"))


def import_todos(uow: UnitOfWork, tasks: TaskService, clock: Clock, todos: list[ParsedTodo],
                 summary: ImportSummary) -> None:
    """Create or update (by ICS UID) one task per VTODO, then link parents."""
    from app.models import Tag, TaskTag

    ids: dict[str, str] = {}
    for todo in todos:
        if not todo.uid:
            todo.uid = f"cadence-{todo.content_hash[:32]}"
        fields = _fields(todo, clock, summary)
        task = uow.session.scalar(select(Task).where(Task.ics_uid == todo.uid,
                                                     Task.deleted_at.is_(None)))
        try:
            if task is None:
                task = uow.session.get(Task, tasks._create(uow, fields))  # noqa: SLF001
                assert task is not None
                task.ics_uid = todo.uid
                summary.tasks_added += 1
            else:
                tags = list(uow.session.scalars(select(Tag.name).join(
                    TaskTag, TaskTag.tag_id == Tag.id).where(TaskTag.task_id == task.id)))
                if not _same(task, fields, tags) or task.status != todo.status:
                    uow.track(task)
                    tasks._apply(uow, task, fields.given(), creating=False)  # noqa: SLF001
                    summary.tasks_updated += 1
        except ValidationError as exc:
            summary.skipped.append(ImportProblem(todo.line_no, "VTODO", todo.uid,
                                                 f"unusable: {exc}"))
            continue
        # Status is set directly: completing through the service would spawn the next
        # instance of a recurring task, which the file already has (or not) on its own.
        if task.status != todo.status:
            task.status = todo.status
            closed = todo.status in ("done", "cancelled")
            task.completed_at = (todo.completed or clock.now()) if closed else None
        if todo.completed is not None and task.status == "done":
            task.completed_at = todo.completed.astimezone(UTC)
        ids[todo.uid] = task.id
    for todo in todos:
        if not todo.parent_uid or todo.uid not in ids:
            continue
        parent_id = ids.get(todo.parent_uid) or uow.session.scalar(
            select(Task.id).where(Task.ics_uid == todo.parent_uid, Task.deleted_at.is_(None)))
        task = uow.session.get(Task, ids[todo.uid])
        if parent_id is None or task is None or task.parent_id == parent_id:
            if parent_id is None:
                summary.warnings.append(ImportProblem(todo.line_no, "VTODO", todo.uid,
                                                      "parent to-do not found"))
            continue
        try:
            tasks._set_parent(uow, uow.track(task), parent_id)  # noqa: SLF001
        except ValidationError as exc:
            summary.warnings.append(ImportProblem(todo.line_no, "VTODO", todo.uid, str(exc)))
