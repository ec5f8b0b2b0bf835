"""Job bodies the DbWorker runs off the GUI thread: plain functions of services, no widgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.services.capture import capture as capture_text
from app.services.dto import ProjectDTO, SavedFilterDTO, TagDTO, TaskDTO
from app.services.facade import Services
from app.services.task_query import (
    INBOX,
    OVERDUE,
    TODAY,
    UPCOMING,
    View,
    list_clause,
    view_clause,
)
from app.services.tasks import UNSET, TaskFields
from app.ui.task_tree import TreeData, build_tree

COUNTED_VIEWS = (INBOX, TODAY, UPCOMING, OVERDUE)
# Views sorted by the user's manual order: dropping between rows reorders them.
MANUAL_ORDER_KINDS = frozenset({"inbox", "project", "tag", "all"})


@dataclass(frozen=True)
class SidebarData:
    projects: list[ProjectDTO]
    tags: list[TagDTO]
    filters: list[SavedFilterDTO]
    counts: dict[str, int] = field(default_factory=dict)  # view kind -> open tasks


@dataclass(frozen=True)
class LoadedList:
    """One view's tasks, prepared off the GUI thread (the tree and the id index included)."""

    view: View
    with_closed: bool
    complete: bool  # False for a quick first page (top-level tasks only)
    tasks: list[TaskDTO]
    by_id: dict[str, TaskDTO]
    tree: TreeData
    today: date
    now: datetime
    zone: ZoneInfo

    @property
    def reorderable(self) -> bool:
        return self.view.kind in MANUAL_ORDER_KINDS


@dataclass(frozen=True)
class TaskChange:
    """A stored single-task change and whether the task still belongs to the shown view."""

    task: TaskDTO | None  # None when the task was deleted
    in_view: TaskDTO | None
    label: str = ""
    reload: bool = False  # the change touched other rows too (recurrence, subtasks)


def load_sidebar(services: Services) -> SidebarData:
    reader = services.tasks.reader
    counts = {v.kind: reader.count(view_clause(v, services.clock)[0]) for v in COUNTED_VIEWS}
    return SidebarData(services.projects.list(), services.tags.list(), services.filters.list(),
                       counts)


def load_list(services: Services, view: View, with_closed: bool = False,
              first_page: int | None = None) -> LoadedList:
    """A view's tasks; with first_page, only that many top-level ones (shown at once while
    the whole list loads)."""
    clock = services.clock
    where, order = list_clause(view, clock, with_closed=with_closed,
                               top_level=first_page is not None)
    tasks = services.tasks.reader.select(where, order, limit=first_page)
    return LoadedList(view, with_closed, first_page is None, tasks, {t.id: t for t in tasks},
                      build_tree(tasks), clock.today(), clock.now(), clock.zone)


def _in_view(services: Services, view: View, task_id: str) -> TaskDTO | None:
    found = services.tasks.reader.select(*list_clause(view, services.clock, ids=[task_id]))
    return found[0] if found else None


def update_task(services: Services, view: View, task_id: str, fields: TaskFields) -> TaskChange:
    before = services.tasks.get(task_id)
    task = services.tasks.update(task_id, fields)
    reload = fields.parent_id is not UNSET and before.parent_id != task.parent_id
    return TaskChange(task, _in_view(services, view, task_id), "Edit task", reload)


def toggle_done(services: Services, view: View, task_id: str) -> TaskChange:
    """Open -> done (spawning the next occurrence of a recurring task); closed -> to do."""
    before = services.tasks.get(task_id)
    status = "done" if before.is_open else "todo"
    task = services.tasks.set_status(task_id, status)
    spawned = status == "done" and before.recurrence is not None
    label = "Completed" if status == "done" else "Reopened"
    return TaskChange(task, _in_view(services, view, task_id), f"{label}: {task.title}", spawned)


def move_task(services: Services, view: View, task_id: str, reparent: bool,
              parent_id: str | None, after_id: str | None, before_id: str | None,
              status: str | None = None) -> TaskChange:
    task = services.tasks.move(
        task_id,
        parent_id=parent_id if reparent else UNSET,
        status=status if status is not None else UNSET,
        after_id=after_id,
        before_id=before_id,
    )
    return TaskChange(task, _in_view(services, view, task_id), "Moved task")


def delete_tasks(services: Services, task_ids: list[str]) -> int:
    return services.tasks.delete(task_ids)


def count_blocks(services: Services, task_ids: list[str]) -> int:
    """Time blocks in the calendar that belong to these tasks (or their subtasks)."""
    return services.calendar.events.count_blocks(task_ids)


def delete_tasks_and_blocks(services: Services, task_ids: list[str], with_blocks: bool) -> int:
    return services.calendar.events.delete_tasks(task_ids, with_blocks=with_blocks)[0]


def capture(services: Services, view: View, text: str, create_project: bool) -> TaskChange:
    task = capture_text(services, text, create_project=create_project)
    return TaskChange(task, _in_view(services, view, task.id), f"Added: {task.title}")


def undo(services: Services) -> str:
    return f"Undid: {services.history.undo()}"


def redo(services: Services) -> str:
    return f"Redid: {services.history.redo()}"
