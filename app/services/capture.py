"""Quick add: one line of Todoist-style text into a stored task (one undo step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.errors import ValidationError
from app.services.quickadd import ParsedTask, parse_quick_add
from app.services.tasks import TaskFields
from app.services.uow import write

if TYPE_CHECKING:
    from app.services.dto import TaskDTO
    from app.services.facade import Services


class UnknownProjectError(ValidationError):
    """The text names a project that does not exist; the caller may offer to create it."""

    def __init__(self, name: str) -> None:
        super().__init__(f'Unknown project "{name}"')
        self.name = name


def parse(services: Services, text: str) -> ParsedTask:
    """Parse text against the services' clock; the first parse error becomes a ValidationError."""
    now = services.clock.local_now()
    parsed = parse_quick_add(text, today=now.date(), now_time=now.time())
    if parsed.errors:
        raise ValidationError(parsed.errors[0])
    if not parsed.title:
        raise ValidationError("A task needs a title.")
    return parsed


def capture(
    services: Services,
    text: str,
    *,
    parent_id: str | None = None,
    create_project: bool = False,
) -> TaskDTO:
    """Create the task described by a quick-add line.

    An unknown ``#Project`` raises UnknownProjectError unless ``create_project`` is set,
    in which case the project and the task are created in one operation (one undo step).
    """
    parsed = parse(services, text)
    project_id: str | None = None
    missing_project: str | None = None
    if parsed.project is not None:
        found = services.projects.by_name(parsed.project)
        if found is not None:
            project_id = found.id
        elif create_project:
            missing_project = parsed.project
        else:
            raise UnknownProjectError(parsed.project)
    with write(services.store, "Add task", clock=services.clock) as uow:
        if missing_project is not None:
            project_id = services.projects.create_in(uow, missing_project)
        task_id = services.tasks.create_in(uow, _fields(services, parsed, project_id, parent_id))
    return services.tasks.get(task_id)


def _fields(
    services: Services, parsed: ParsedTask, project_id: str | None, parent_id: str | None
) -> TaskFields:
    given: dict[str, Any] = {"title": parsed.title, "tags": parsed.tags}
    if parent_id is not None:
        given["parent_id"] = parent_id
    if project_id is not None:
        given["project_id"] = project_id
    if parsed.priority is not None:
        given["priority"] = parsed.priority
    if parsed.due_date is not None:
        given["due_date"] = parsed.due_date
        given["due_time"] = parsed.due_time
        given["due_tz"] = services.clock.zone_key() if parsed.due_time is not None else None
    if parsed.recurrence is not None:
        given["recurrence"] = parsed.recurrence
        given["recur_from_completion"] = parsed.recurrence_from_completion
    if parsed.estimate_minutes is not None:
        given["estimate_minutes"] = parsed.estimate_minutes
    return TaskFields(**given)
