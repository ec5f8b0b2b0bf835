"""Sidebar views and the filter language, compiled to SQL over the tasks table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import aliased

from app.models import Project, Tag, Task, TaskTag
from app.models.entities import OPEN_STATUSES
from app.services import filter_query as fq
from app.services.clock import Clock


@dataclass(frozen=True)
class View:
    """What the task list shows: a built-in view, a project, a tag, or a filter query."""

    kind: str  # inbox, today, upcoming, overdue, completed, all, project, tag, filter
    ref: str | None = None  # project id, tag id, or the filter text
    title: str = ""


INBOX = View("inbox", title="Inbox")
TODAY = View("today", title="Today")
UPCOMING = View("upcoming", title="Upcoming")
OVERDUE = View("overdue", title="Overdue")
COMPLETED = View("completed", title="Completed")
ALL = View("all", title="All tasks")

_OPEN = Task.status.in_(OPEN_STATUSES)


def _local_midnight_utc(day: date, clock: Clock) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.zone)


def overdue_clause(clock: Clock) -> ColumnElement[bool]:
    now = clock.now()
    return and_(
        _OPEN,
        or_(
            and_(Task.due_at.is_(None), Task.due_date < clock.today()),
            Task.due_at < now,
        ),
    )


def due_on(day: date) -> ColumnElement[bool]:
    return Task.due_date == day


def view_clause(view: View, clock: Clock) -> tuple[ColumnElement[bool], list[Any]]:
    """(where, order_by) for a view."""
    today = clock.today()
    by_due = [
        Task.due_date.is_(None),
        Task.due_date,
        Task.due_at.is_(None),
        Task.due_at,
        Task.priority,
        Task.position,
    ]
    if view.kind == "inbox":
        return and_(Task.project_id.is_(None), _OPEN), [Task.position]
    if view.kind == "today":
        return and_(_OPEN, Task.due_date <= today), by_due
    if view.kind == "upcoming":
        return and_(
            _OPEN, Task.due_date >= today, Task.due_date < today + timedelta(days=7)
        ), by_due
    if view.kind == "overdue":
        return overdue_clause(clock), by_due
    if view.kind == "completed":
        return Task.status.in_(("done", "cancelled")), [Task.completed_at.desc()]
    if view.kind == "all":
        return true(), [Task.position]
    if view.kind == "project":
        return and_(Task.project_id == view.ref, _OPEN), [Task.position]
    if view.kind == "tag":
        return and_(
            _OPEN, exists().where(TaskTag.task_id == Task.id, TaskTag.tag_id == view.ref)
        ), [Task.position]
    if view.kind == "filter":
        node = fq.parse_filter(view.ref or "", today=today)
        return compile_filter(node, clock), by_due
    raise ValueError(f"unknown view {view.kind!r}")


def search_clause(text: str, clock: Clock) -> ColumnElement[bool]:
    """The search box: the filter language; closed tasks hidden unless asked for."""
    node = fq.parse_filter(text, today=clock.today())
    clause = compile_filter(node, clock)
    if not fq.shows_closed(node):
        clause = and_(clause, _OPEN)
    return clause


def compile_filter(node: Any, clock: Clock) -> ColumnElement[bool]:
    if isinstance(node, fq.And):
        return and_(true(), *(compile_filter(t, clock) for t in node.terms))
    if isinstance(node, fq.Or):
        return or_(false(), *(compile_filter(t, clock) for t in node.terms))
    if isinstance(node, fq.Not):
        return not_(compile_filter(node.term, clock))
    if isinstance(node, fq.Text):
        escaped = node.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        return or_(Task.title.ilike(pattern, escape="\\"), Task.notes.ilike(pattern, escape="\\"))
    if isinstance(node, fq.ProjectIs):
        return Task.project_id.in_(_project_subtree(node.name))
    if isinstance(node, fq.TagIs):
        return exists().where(
            TaskTag.task_id == Task.id,
            TaskTag.tag_id == Tag.id,
            func.lower(Tag.name) == node.name.lower(),
            Tag.deleted_at.is_(None),
        )
    if isinstance(node, fq.PriorityIs):
        return Task.priority == node.priority
    if isinstance(node, fq.DueOn):
        return Task.due_date == node.day
    if isinstance(node, fq.DueCompare):
        col = Task.due_date
        ops = {
            "<": col < node.day,
            "<=": col <= node.day,
            ">": col > node.day,
            ">=": col >= node.day,
        }
        return ops[node.op]
    if isinstance(node, fq.DueWithin):
        today = clock.today()
        return and_(Task.due_date >= today, Task.due_date < today + timedelta(days=node.days))
    if isinstance(node, fq.Overdue):
        return overdue_clause(clock)
    if isinstance(node, fq.NoField):
        if node.field == "due":
            return Task.due_date.is_(None)
        if node.field == "project":
            return Task.project_id.is_(None)
        return ~exists().where(TaskTag.task_id == Task.id)
    if isinstance(node, fq.StatusIs):
        if node.status == "open":
            return _OPEN
        return Task.status == node.status
    if isinstance(node, fq.HasSubtasks):
        child = aliased(Task)
        return exists().where(child.parent_id == Task.id, child.deleted_at.is_(None))
    raise TypeError(f"unknown filter node {node!r}")


def _project_subtree(name: str) -> Any:
    """Ids of the live project(s) called name and all their subprojects (recursive CTE)."""
    roots = (
        select(Project.id)
        .where(func.lower(Project.name) == name.lower(), Project.deleted_at.is_(None))
        .cte(recursive=True)  # anonymous: a query may hold several (#a or #b)
    )
    child = aliased(Project)
    tree = roots.union_all(
        select(child.id).where(child.parent_id == roots.c.id, child.deleted_at.is_(None))
    )
    return select(tree.c.id)


BOARD_DONE_DAYS = 14  # the board's Done/Cancelled columns show what was closed this recently


def list_clause(
    view: View,
    clock: Clock,
    *,
    ids: list[str] | None = None,
    with_closed: bool = False,
    top_level: bool = False,
) -> tuple[ColumnElement[bool], list[Any]]:
    """(where, order_by) for the task list and board: like view_clause, but a filter view
    reads its query as the search box does (closed tasks hidden unless asked for);
    ``with_closed`` adds tasks closed in the last BOARD_DONE_DAYS days to an inbox, project
    or tag view (the board's Done column); ``ids`` narrows to those tasks (row refreshes);
    ``top_level`` keeps only tasks without a parent (the list's quick first page)."""
    where, order = view_clause(view, clock)
    if view.kind == "filter":
        where = search_clause(view.ref or "", clock)
    elif view.kind == "tag":  # through the tag index, not an EXISTS probe per task
        where = and_(_OPEN, Task.id.in_(select(TaskTag.task_id).where(
            TaskTag.tag_id == view.ref)))
    if with_closed and view.kind in ("inbox", "project", "tag"):
        recent = Task.completed_at >= clock.now() - timedelta(days=BOARD_DONE_DAYS)
        scope = {
            "inbox": Task.project_id.is_(None),
            "project": Task.project_id == view.ref,
            "tag": Task.id.in_(select(TaskTag.task_id).where(TaskTag.tag_id == view.ref)),
        }[view.kind]
        where = and_(scope, or_(_OPEN, recent))
    if ids is not None:
        where = and_(where, Task.id.in_(ids))
    if top_level:
        where = and_(where, Task.parent_id.is_(None))
    return where, order
