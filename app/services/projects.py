"""Projects (nestable, coloured, ordered), tags and saved filters."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from app.errors import NotFoundError, ValidationError
from app.models import Project, SavedFilter, Tag, Task, TaskTag, new_id
from app.models.db import Store
from app.models.entities import OPEN_STATUSES
from app.services.clock import Clock
from app.services.dto import ProjectDTO, SavedFilterDTO, TagDTO
from app.services.uow import UnitOfWork, read, write

PALETTE = ("#5b8def", "#e5484d", "#30a46c", "#f76b15", "#8e4ec6", "#12a594", "#d6409f", "#ffb224")


def _name(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError(f"A {what} needs a name.")
    if len(cleaned) > 200:
        raise ValidationError(f"A {what} name can be at most 200 characters.")
    return cleaned


def _color(value: str) -> str:
    if not (value.startswith("#") and len(value) in (7, 9)):
        raise ValidationError(f"Colour must look like #rrggbb, not {value!r}.")
    try:
        int(value[1:], 16)
    except ValueError as exc:
        raise ValidationError(f"Colour must look like #rrggbb, not {value!r}.") from exc
    return value.lower()


class ProjectService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def list(self, *, include_archived: bool = False) -> list[ProjectDTO]:
        counts = (
            select(Task.project_id, func.count().label("n"))
            .where(Task.deleted_at.is_(None), Task.status.in_(OPEN_STATUSES))
            .group_by(Task.project_id)
            .subquery()
        )
        stmt = (
            select(
                Project.id,
                Project.name,
                Project.color,
                Project.parent_id,
                Project.position,
                Project.archived,
                func.coalesce(counts.c.n, 0),
            )
            .outerjoin(counts, counts.c.project_id == Project.id)
            .where(Project.deleted_at.is_(None))
            .order_by(Project.position, func.lower(Project.name))
        )
        if not include_archived:
            stmt = stmt.where(Project.archived.is_(False))
        with read(self.store) as s:
            return [ProjectDTO(*row) for row in s.execute(stmt)]

    def by_name(self, name: str) -> ProjectDTO | None:
        wanted = name.strip().lower()
        return next((p for p in self.list(include_archived=True) if p.name.lower() == wanted), None)

    def get(self, project_id: str) -> ProjectDTO:
        found = next((p for p in self.list(include_archived=True) if p.id == project_id), None)
        if found is None:
            raise NotFoundError(f"No project with id {project_id}")
        return found

    def create(
        self, name: str, *, color: str | None = None, parent_id: str | None = None
    ) -> ProjectDTO:
        with write(self.store, "Add project", clock=self.clock) as uow:
            pid = self.create_in(uow, name, color=color, parent_id=parent_id)
        return self.get(pid)

    def create_in(
        self, uow: UnitOfWork, name: str, *, color: str | None = None, parent_id: str | None = None
    ) -> str:
        """Add a project inside the caller's unit of work (one undo step with other changes)."""
        top = uow.session.scalar(select(func.max(Project.position))) or 0.0
        count = uow.session.scalar(select(func.count()).select_from(Project)) or 0
        if parent_id is not None:
            uow.get(Project, parent_id)
        project = uow.add(
            Project(
                id=new_id(),
                name=_name(name, "project"),
                color=_color(color) if color else PALETTE[count % len(PALETTE)],
                parent_id=parent_id,
                position=float(top) + 1.0,
                archived=False,
            )
        )
        return project.id

    def update(
        self,
        project_id: str,
        *,
        name: str | None = None,
        color: str | None = None,
        archived: bool | None = None,
    ) -> ProjectDTO:
        with write(self.store, "Edit project", clock=self.clock) as uow:
            project = uow.get(Project, project_id)
            if name is not None:
                project.name = _name(name, "project")
            if color is not None:
                project.color = _color(color)
            if archived is not None:
                project.archived = archived
        return self.get(project_id)

    def move(
        self,
        project_id: str,
        *,
        parent_id: str | None,
        after_id: str | None = None,
        before_id: str | None = None,
    ) -> ProjectDTO:
        """Re-nest or reorder a project in the sidebar (drag and drop)."""
        with write(self.store, "Move project", clock=self.clock) as uow:
            project = uow.get(Project, project_id)
            cursor = parent_id
            while cursor is not None:
                if cursor == project_id:
                    raise ValidationError("A project cannot be nested inside itself.")
                cursor = uow.get(Project, cursor).parent_id
            project.parent_id = parent_id
            lo = uow.session.scalar(select(Project.position).where(Project.id == after_id))
            hi = uow.session.scalar(select(Project.position).where(Project.id == before_id))
            if lo is not None and hi is not None:
                project.position = (lo + hi) / 2.0
            elif lo is not None:
                project.position = lo + 1.0
            elif hi is not None:
                project.position = hi - 1.0
        return self.get(project_id)

    def delete(self, project_id: str) -> int:
        """Tombstone a project, its subprojects and their tasks; returns tasks deleted."""
        now = self.clock.now()
        with write(self.store, "Delete project", clock=self.clock) as uow:
            todo = [uow.get(Project, project_id)]
            n_tasks = 0
            while todo:
                project = todo.pop()
                project.deleted_at = now
                for task in uow.session.scalars(
                    select(Task).where(Task.project_id == project.id, Task.deleted_at.is_(None))
                ):
                    uow.track(task).deleted_at = now
                    n_tasks += 1
                todo.extend(
                    uow.track(p)
                    for p in uow.session.scalars(
                        select(Project).where(
                            Project.parent_id == project.id, Project.deleted_at.is_(None)
                        )
                    )
                )
        return n_tasks


class TagService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def list(self) -> list[TagDTO]:
        counts = (
            select(TaskTag.tag_id, func.count().label("n"))
            .join(Task, Task.id == TaskTag.task_id)
            .where(Task.deleted_at.is_(None), Task.status.in_(OPEN_STATUSES))
            .group_by(TaskTag.tag_id)
            .subquery()
        )
        stmt = (
            select(Tag.id, Tag.name, Tag.color, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.tag_id == Tag.id)
            .where(Tag.deleted_at.is_(None))
            .order_by(func.lower(Tag.name))
        )
        with read(self.store) as s:
            return [TagDTO(*row) for row in s.execute(stmt)]

    def rename(self, tag_id: str, name: str) -> None:
        with write(self.store, "Rename tag", clock=self.clock) as uow:
            new = _name(name, "tag").lstrip("@")
            taken = uow.session.scalar(select(Tag.id).where(
                func.lower(Tag.name) == new.lower(), Tag.deleted_at.is_(None), Tag.id != tag_id))
            if taken is not None:
                raise ValidationError(f'A tag called "{new}" already exists.')
            uow.get(Tag, tag_id).name = new

    def delete(self, tag_id: str) -> None:
        """Tombstone the tag and take it off every task (undo puts it back)."""
        with write(self.store, "Delete tag", clock=self.clock) as uow:
            tag = uow.get(Tag, tag_id)
            task_ids = uow.session.scalars(select(TaskTag.task_id).where(TaskTag.tag_id == tag_id))
            for task in uow.session.scalars(select(Task).where(Task.id.in_(list(task_ids)))):
                uow.track(task)
            uow.session.execute(delete(TaskTag).where(TaskTag.tag_id == tag_id))
            tag.deleted_at = self.clock.now()


class FilterService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def list(self) -> list[SavedFilterDTO]:
        with read(self.store) as s:
            rows = s.execute(
                select(SavedFilter.id, SavedFilter.name, SavedFilter.query)
                .where(SavedFilter.deleted_at.is_(None))
                .order_by(SavedFilter.position)
            )
            return [SavedFilterDTO(*r) for r in rows]

    def save(self, name: str, query: str) -> SavedFilterDTO:
        from app.services.filter_query import parse_filter

        parse_filter(query, today=self.clock.today())  # refuse to save a malformed filter
        with write(self.store, "Save filter", clock=self.clock) as uow:
            top = uow.session.scalar(select(func.max(SavedFilter.position))) or 0.0
            saved = uow.add(
                SavedFilter(
                    id=new_id(),
                    name=_name(name, "filter"),
                    query=query.strip(),
                    position=float(top) + 1.0,
                )
            )
            return SavedFilterDTO(saved.id, saved.name, saved.query)

    def delete(self, filter_id: str) -> None:
        with write(self.store, "Delete filter", clock=self.clock) as uow:
            uow.get(SavedFilter, filter_id).deleted_at = self.clock.now()
