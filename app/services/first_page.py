"""The first page of a task view read with the standard library's sqlite3 (no SQLAlchemy)."""

# The app paints this while SQLAlchemy and the services load. It reads what
# ``TaskReader.select(*list_clause(view, clock, top_level=True), limit=n)`` reads, with the
# same SQL shape (so SQLite picks the same plan and row order), into the same TaskDTOs;
# tests hold the two to equal results for every view kind served here.

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from app.errors import StoreError
from app.models.schema import connect_read_only, known_revisions, revision_on
from app.services.clock import Clock
from app.services.dto import TaskDTO

SAMPLE_SETTING = "sample_project"  # sample.SETTING_KEY: the first-run set-up happened
OPEN = ("todo", "in_progress")
CLOSED = ("done", "cancelled")
UPCOMING_DAYS = 7
_CHUNK = 500  # ids per IN (...), as TaskReader

_COLUMNS = (
    "tasks.id, tasks.title, tasks.notes, tasks.project_id, projects.name, tasks.parent_id, "
    "tasks.status, tasks.priority, tasks.due_date, tasks.due_at, tasks.due_tz, "
    "tasks.scheduled_date, tasks.estimate_minutes, tasks.recurrence, "
    "tasks.recur_from_completion, tasks.position, tasks.created_at, tasks.updated_at, "
    "tasks.completed_at, tasks.ics_uid"
)
_BY_DUE = ("tasks.due_date IS NULL, tasks.due_date, tasks.due_at IS NULL, tasks.due_at, "
           "tasks.priority, tasks.position")


class ViewLike(Protocol):
    """task_query.View, or anything with its kind and ref."""

    @property
    def kind(self) -> str: ...

    @property
    def ref(self) -> str | None: ...


@dataclass(frozen=True)
class ViewRef:
    """A view by kind and ref, for callers that do not import task_query (the start-up)."""

    kind: str
    ref: str | None = None


INBOX_REF = ViewRef("inbox")
KINDS = frozenset({"inbox", "today", "upcoming", "overdue", "completed", "all", "project",
                   "tag"})  # filter views need the filter compiler: not served here


@dataclass(frozen=True)
class FirstPage:
    """Up to ``limit`` top-level tasks of a view, and the clock readings they were read at."""

    kind: str
    ref: str | None
    tasks: list[TaskDTO]
    today: date
    now: datetime
    zone: ZoneInfo


def _param(values: tuple[str, ...]) -> str:
    return ", ".join("?" * len(values))


def _utc_text(moment: datetime) -> str:
    """An instant as the stored fixed-width UTC text (models.base.to_utc_text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _where(view: ViewLike, clock: Clock) -> tuple[str, list[Any], str]:
    """(conditions after the live-task test, parameters, ORDER BY) as task_query builds them."""
    today = clock.today()
    is_open = f"tasks.status IN ({_param(OPEN)})"
    kind = view.kind
    if kind == "inbox":
        return f"tasks.project_id IS NULL AND {is_open}", [*OPEN], "tasks.position"
    if kind == "today":
        return f"{is_open} AND tasks.due_date <= ?", [*OPEN, today.isoformat()], _BY_DUE
    if kind == "upcoming":
        last = today + timedelta(days=UPCOMING_DAYS)
        return (f"{is_open} AND tasks.due_date >= ? AND tasks.due_date < ?",
                [*OPEN, today.isoformat(), last.isoformat()], _BY_DUE)
    if kind == "overdue":
        return (f"{is_open} AND (tasks.due_at IS NULL AND tasks.due_date < ? "
                "OR tasks.due_at < ?)", [*OPEN, today.isoformat(), _utc_text(clock.now())],
                _BY_DUE)
    if kind == "completed":
        return f"tasks.status IN ({_param(CLOSED)})", [*CLOSED], "tasks.completed_at DESC"
    if kind == "all":
        return "", [], "tasks.position"
    if kind == "project":
        return f"tasks.project_id = ? AND {is_open}", [view.ref, *OPEN], "tasks.position"
    if kind == "tag":
        return (f"{is_open} AND tasks.id IN (SELECT task_tags.task_id FROM task_tags "
                "WHERE task_tags.tag_id = ?)", [*OPEN, view.ref], "tasks.position")
    raise ValueError(f"no first page for a {kind!r} view")


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _instant(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _dto(row: tuple[Any, ...], tags: list[str], counts: tuple[int, int]) -> TaskDTO:
    return TaskDTO(
        id=row[0], title=row[1], notes=row[2], project_id=row[3], project=row[4],
        parent_id=row[5], status=row[6], priority=row[7], due_date=_day(row[8]),
        due_at=_instant(row[9]), due_tz=row[10], scheduled_date=_day(row[11]),
        estimate_minutes=row[12], recurrence=row[13],
        recur_from_completion=bool(row[14]), position=row[15], tags=tuple(tags),
        created=datetime.fromisoformat(row[16]), updated=datetime.fromisoformat(row[17]),
        completed=_instant(row[18]), ics_uid=row[19],
        subtasks_total=counts[0], subtasks_done=counts[1],
    )


def select_first_page(con: sqlite3.Connection, view: ViewLike, clock: Clock,
                      limit: int) -> list[TaskDTO]:
    """The view's first ``limit`` top-level tasks on an open connection."""
    where, params, order = _where(view, clock)
    condition = " AND ".join(c for c in ("tasks.deleted_at IS NULL", where,
                                         "tasks.parent_id IS NULL") if c)
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM tasks LEFT OUTER JOIN projects ON projects.id = "
        f"tasks.project_id WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, 0]).fetchall()
    ids = [r[0] for r in rows]
    tags: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, tuple[int, int]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for task_id, name in con.execute(
                "SELECT task_tags.task_id, tags.name FROM task_tags JOIN tags ON tags.id = "
                f"task_tags.tag_id WHERE tags.deleted_at IS NULL AND task_tags.task_id IN "
                f"({marks}) ORDER BY lower(tags.name)", chunk):
            tags[task_id].append(name)
        for parent, total, done in con.execute(
                "SELECT tasks.parent_id, count(*), sum(CASE WHEN (tasks.status = ?) THEN ? "
                f"ELSE ? END) FROM tasks WHERE tasks.parent_id IN ({marks}) AND "
                "tasks.deleted_at IS NULL GROUP BY tasks.parent_id", ["done", 1, 0, *chunk]):
            counts[parent] = (int(total), int(done or 0))
    return [_dto(tuple(r), tags.get(r[0], []), counts.get(r[0], (0, 0))) for r in rows]


def read_first_page(db_path: Path, view: ViewLike, clock: Clock,
                    limit: int = 200) -> FirstPage | None:
    """The first page of view, or None when the store must be opened the full way first.

    It never writes: the connection is read-only, and a store that is not plainly ready
    (missing, behind or ahead of this build's schema, before the first-run set-up, damaged)
    gets None, so that the caller opens it with migrations and clear error messages.
    """
    if view.kind not in KINDS or not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    try:
        con = connect_read_only(db_path)
    except StoreError:
        return None
    try:
        if revision_on(con, db_path) != known_revisions()[-1]:
            return None  # new, behind (migrate first) or too new (refuse): the full way
        if con.execute("SELECT 1 FROM settings WHERE key = ?", (SAMPLE_SETTING,)).fetchone() \
                is None:
            return None  # the first run adds the sample project: a write
        tasks = select_first_page(con, view, clock, limit)
    except (StoreError, sqlite3.Error):
        return None  # the full open reports it properly
    finally:
        con.close()
    return FirstPage(view.kind, view.ref, tasks, clock.today(), clock.now(), clock.zone)
