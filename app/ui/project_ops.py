"""Sidebar commands: create, rename, colour, nest, reorder and delete projects; saved filters."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.errors import UserFacingError
from app.services.dto import ProjectDTO, SavedFilterDTO
from app.services.task_query import INBOX, View
from app.ui import dialogs

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.ui.sidebar import Sidebar


class ProjectOps(QObject):
    """Answers the sidebar's requests through dialogs and the worker."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    def connect_sidebar(self, sidebar: Sidebar) -> None:
        sidebar.new_project_requested.connect(self.new_project)
        sidebar.rename_project_requested.connect(self.rename_project)
        sidebar.color_project_requested.connect(self.color_project)
        sidebar.delete_project_requested.connect(self.delete_project)
        sidebar.project_move_requested.connect(self.move_project)
        sidebar.delete_filter_requested.connect(self.delete_filter)

    def _error(self, exc: UserFacingError) -> None:
        self.w.show_message(str(exc))

    def _project(self, project_id: str) -> ProjectDTO | None:
        return self.w.sidebar.projects.get(project_id)

    def _changed(self, _result: object = None) -> None:
        self.w.reload_sidebar()

    # -- projects --------------------------------------------------------------------------
    def new_project(self, parent_id: object = None) -> None:
        parent = self._project(parent_id) if isinstance(parent_id, str) else None
        label = f"Name of the new subproject of “{parent.name}”:" if parent else "Project name:"
        dialogs.ask_text(self.w, "New project", label, "",
                         lambda name: self._create(name, parent.id if parent else None))

    def _create(self, name: str, parent_id: str | None) -> None:
        create = partial(self.w.services.projects.create, name, parent_id=parent_id)
        self.w.worker.run(create, on_done=self._on_created, on_error=self._error)

    def _on_created(self, project: ProjectDTO) -> None:
        self.w.reload_sidebar()
        self.w.show_view(View("project", project.id, project.name))

    def rename_project(self, project_id: str) -> None:
        project = self._project(project_id)
        if project is None:
            return
        dialogs.ask_text(self.w, "Rename project", "Project name:", project.name,
                         lambda name: self._update(project_id, name=name))

    def color_project(self, project_id: str) -> None:
        project = self._project(project_id)
        if project is not None:
            dialogs.choose_color(self.w, project.color,
                                 lambda color: self._update(project_id, color=color))

    def _update(self, project_id: str, *, name: str | None = None,
                color: str | None = None) -> None:
        update = partial(self.w.services.projects.update, project_id, name=name, color=color)
        self.w.worker.run(update, on_done=self._on_updated, on_error=self._error)

    def _on_updated(self, project: ProjectDTO) -> None:
        self.w.reload_sidebar()
        if self.w.current_view.kind == "project" and self.w.current_view.ref == project.id:
            self.w.current_view = View("project", project.id, project.name)
            self.w.view_title.setText(project.name)
        self.w.reload_list()  # project names and colours show in the rows

    def move_project(self, project_id: str, parent_id: object, after_id: object,
                     before_id: object) -> None:
        move = partial(self.w.services.projects.move, project_id, parent_id=_opt(parent_id),
                       after_id=_opt(after_id), before_id=_opt(before_id))
        self.w.worker.run(move, on_done=self._changed, on_error=self._error)

    def delete_project(self, project_id: str) -> None:
        project = self._project(project_id)
        if project is None:
            return
        n = project.open_tasks
        detail = f"Its {n} open task{'s' if n != 1 else ''}, its subprojects and their tasks " \
            "will be deleted too." if n else "Its subprojects and their tasks will be deleted too."
        dialogs.confirm(self.w, "Delete project", f"Delete the project “{project.name}”?",
                        "Delete", lambda: self._delete(project_id),
                        informative=f"{detail} Ctrl+Z brings everything back.")

    def _delete(self, project_id: str) -> None:
        self.w.worker.run(self.w.services.projects.delete, project_id,
                          on_done=self._on_deleted, on_error=self._error)

    def _on_deleted(self, n_tasks: int) -> None:
        self.w.show_message(f"Deleted the project and {n_tasks} task"
                            f"{'s' if n_tasks != 1 else ''}  (Ctrl+Z to undo)")
        self.w.refresh()

    # -- saved filters ---------------------------------------------------------------------
    def save_filter(self) -> None:
        query = self.w.search.text()
        if not query:
            self.w.show_message("Type a search first (Ctrl+F), then save it as a filter.")
            self.w.focus_search()
            return
        dialogs.ask_text(self.w, "Save filter", f"Name for the filter “{query}”:", query,
                         lambda name: self._save(name, query))

    def _save(self, name: str, query: str) -> None:
        self.w.worker.run(self.w.services.filters.save, name, query,
                          on_done=self._on_saved, on_error=self._error)

    def _on_saved(self, saved: SavedFilterDTO) -> None:
        self.w.reload_sidebar()
        self.w.show_view(View("filter", saved.query, saved.name))
        self.w.show_message(f"Saved the filter “{saved.name}” in the sidebar.")

    def delete_filter(self, filter_id: str) -> None:
        self.w.worker.run(self.w.services.filters.delete, filter_id,
                          on_done=self._on_filter_deleted, on_error=self._error)

    def _on_filter_deleted(self, _result: object) -> None:
        self.w.show_message("Deleted the filter  (Ctrl+Z to undo)")
        if self.w.current_view.kind == "filter":
            self.w.show_view(INBOX)
        self.w.reload_sidebar()


def _opt(value: object) -> str | None:
    """An optional id that came through a Qt signal typed ``object``."""
    return value if isinstance(value, str) else None
