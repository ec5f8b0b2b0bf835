"""Tasks as JSON objects for scripts: one TaskDTO, or many straight from SQL (fast at 100k).

Both paths give identical objects. Instants are ISO 8601 in UTC with an offset
(``2026-11-28T08:00:00.000000+00:00``); a timed due is shown in its own zone
(``2026-11-29T09:00:00+01:00``) with ``tz`` naming the zone; a date-only due is a date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, case, func, select, true, type_coerce
from sqlalchemy.engine import Connection

from app.models import Project, Tag, Task, TaskTag
from app.models.entities import OPEN_STATUSES
from app.services import filter_query
from app.services.task_query import compile_filter, search_clause
from app.services.uow import read

if TYPE_CHECKING:
    from app.services.clock import Clock
    from app.services.dto import TaskDTO
    from app.services.facade import Services

FIELDS = (
    "id", "title", "notes", "project", "project_id", "parent_id", "status", "priority", "due",
    "tz", "scheduled", "tags", "estimate_minutes", "recurrence", "recur_from_completion",
    "position", "created", "updated", "completed", "subtasks_total", "subtasks_done",
)  # fmt: skip
_SMALL = 500  # up to this many rows, fetch tags and subtask counts for just those ids


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _timed_due(stored_utc: str, tz: str | None) -> str:
    moment = datetime.fromisoformat(stored_utc).astimezone(_zone(tz or "UTC"))
    return moment.isoformat(timespec="seconds")


def task_to_json(task: TaskDTO) -> dict[str, Any]:
    """One task as a JSON-ready dict (keys in FIELDS order)."""
    local = task.due_local()
    due = (local.isoformat(timespec="seconds") if local is not None
           else task.due_date.isoformat() if task.due_date else None)
    return {
        "id": task.id, "title": task.title, "notes": task.notes, "project": task.project,
        "project_id": task.project_id, "parent_id": task.parent_id, "status": task.status,
        "priority": task.priority, "due": due, "tz": task.due_tz if local else None,
        "scheduled": task.scheduled_date.isoformat() if task.scheduled_date else None,
        "tags": list(task.tags), "estimate_minutes": task.estimate_minutes,
        "recurrence": task.recurrence, "recur_from_completion": task.recur_from_completion,
        "position": task.position, "created": _instant(task.created),
        "updated": _instant(task.updated), "completed": _instant(task.completed),
        "subtasks_total": task.subtasks_total, "subtasks_done": task.subtasks_done,
    }


def listing_clause(
    text: str, clock: Clock, *, include_closed: bool
) -> tuple[ColumnElement[bool], list[Any]]:
    """(where, order_by) for a listing: the filter language, open tasks unless include_closed.

    Raises filter_query.FilterError for a malformed filter.
    """
    if include_closed:
        where = compile_filter(filter_query.parse_filter(text, today=clock.today()), clock)
    elif text.strip():
        where = search_clause(text, clock)
    else:
        where = Task.status.in_(OPEN_STATUSES)
    order = [Task.due_date.is_(None), Task.due_date, Task.due_at.is_(None), Task.due_at,
             Task.priority, Task.position, Task.id]
    return where, order


def _raw(col: Any) -> Any:
    """Read a date/instant column as its stored text (no parsing per row)."""
    return type_coerce(col, String())


_SELECT = (
    Task.id, Task.title, Task.notes, Project.name, Task.project_id, Task.parent_id, Task.status,
    Task.priority, _raw(Task.due_date), _raw(Task.due_at), Task.due_tz, _raw(Task.scheduled_date),
    Task.estimate_minutes, Task.recurrence, Task.recur_from_completion, Task.position,
    _raw(Task.created_at), _raw(Task.updated_at), _raw(Task.completed_at),
)  # fmt: skip


def select_json(
    services: Services,
    where: ColumnElement[bool] | None = None,
    order_by: Sequence[Any] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Live tasks matching where, as JSON dicts, with column selects and no DTOs."""
    stmt = (
        select(*_SELECT)
        .outerjoin(Project, Project.id == Task.project_id)
        .where(Task.deleted_at.is_(None), true() if where is None else where)
        .order_by(*(order_by or (Task.position, Task.id)))
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with read(services.store) as session:
        conn = session.connection()  # Core rows: no ORM bookkeeping per row
        rows = conn.execute(stmt).all()
        ids = [r[0] for r in rows] if len(rows) <= _SMALL else None
        tags = _tags(conn, ids)
        counts = _subtasks(conn, ids)
    return [_row_json(r, tags, counts) for r in rows]


def _row_json(
    r: Any, tags: dict[str, list[str]], counts: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    (ident, title, notes, project, project_id, parent_id, status, priority, due_date, due_at,
     due_tz, scheduled, estimate, recurrence, from_completion, position, created, updated,
     completed) = r
    total, done = counts.get(ident, (0, 0))
    return {
        "id": ident, "title": title, "notes": notes, "project": project,
        "project_id": project_id, "parent_id": parent_id, "status": status,
        "priority": priority,
        "due": _timed_due(due_at, due_tz) if due_at is not None else due_date,
        "tz": due_tz if due_at is not None else None, "scheduled": scheduled,
        "tags": tags.get(ident, []), "estimate_minutes": estimate, "recurrence": recurrence,
        "recur_from_completion": bool(from_completion), "position": position,
        "created": created[:-1] + "+00:00",  # stored as fixed-width UTC text ending in Z
        "updated": updated[:-1] + "+00:00",
        "completed": None if completed is None else completed[:-1] + "+00:00",
        "subtasks_total": total, "subtasks_done": done,
    }


def _tags(conn: Connection, ids: list[str] | None) -> dict[str, list[str]]:
    """Tag names per task, sorted case-insensitively (sorted here: cheaper than in SQL)."""
    if ids is not None and not ids:
        return {}
    names = dict(conn.execute(select(Tag.id, Tag.name).where(Tag.deleted_at.is_(None))).all())
    stmt = select(TaskTag.task_id, TaskTag.tag_id)
    if ids is not None:
        stmt = stmt.where(TaskTag.task_id.in_(ids))
    out: dict[str, list[str]] = defaultdict(list)
    for task_id, tag_id in conn.execute(stmt).all():  # fetchall: not a fetch per row
        name = names.get(tag_id)
        if name is not None:
            out[task_id].append(name)
    for found in out.values():
        if len(found) > 1:
            found.sort(key=str.lower)
    return out


def _subtasks(conn: Connection, ids: list[str] | None) -> dict[str, tuple[int, int]]:
    if ids is not None and not ids:
        return {}
    done = func.sum(case((Task.status == "done", 1), else_=0))
    stmt = (
        select(Task.parent_id, func.count(), done)
        .where(and_(Task.parent_id.is_not(None), Task.deleted_at.is_(None)))
        .group_by(Task.parent_id)
    )
    if ids is not None:
        stmt = stmt.where(Task.parent_id.in_(ids))
    return {p: (int(n), int(d or 0)) for p, n, d in conn.execute(stmt)}


def write_json_array(items: Iterable[dict[str, Any]], stream: IO[str], chunk: int = 2000) -> int:
    """Stream a JSON array, encoding a chunk of objects per call; returns how many."""
    count = 0
    stream.write("[")
    for part in _chunks(items, chunk):
        text = json.dumps(part, ensure_ascii=False)[1:-1]
        stream.write(("," if count else "") + "\n" + text)
        count += len(part)
    stream.write("\n]\n" if count else "]\n")
    return count


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    part: list[dict[str, Any]] = []
    for item in items:
        part.append(item)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
