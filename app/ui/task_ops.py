"""Task commands (edit, complete, move, delete, quick add, undo) run through the worker."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.errors import UserFacingError
from app.services.capture import UnknownProjectError
from app.services.task_query import View
from app.services.tasks import TaskFields
from app.ui import dialogs, jobs

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class TaskOps(QObject):
    """Turns user requests into worker jobs and their results into UI updates."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    @property
    def _view(self) -> View:
        return self.w.effective_view()

    def _error(self, exc: UserFacingError) -> None:
        self.w.show_message(str(exc))

    # -- edits -----------------------------------------------------------------------------
    def save(self, task_id: str, fields: TaskFields, key: str) -> None:
        """A field from the editor (key names the field for inline errors)."""
        self.w.worker.run(jobs.update_task, self.w.services, self._view, task_id, fields,
                          on_done=self.w.apply_change,
                          on_error=partial(self._on_save_error, task_id, key))

    def _on_save_error(self, task_id: str, key: str, exc: UserFacingError) -> None:
        self.w.editor.show_error(task_id, key, str(exc))
        self.w.show_message(f"Not saved: {exc}")

    def rename(self, task_id: str, title: str) -> None:
        self.w.worker.run(jobs.update_task, self.w.services, self._view, task_id,
                          TaskFields(title=title), on_done=self.w.apply_change,
                          on_error=self._error)

    def set_priority(self, priority: int) -> None:
        for task_id in self.w.selected_ids():
            self.w.worker.run(jobs.update_task, self.w.services, self._view, task_id,
                              TaskFields(priority=priority), on_done=self.w.apply_change,
                              on_error=self._error)

    def toggle_done(self, task_id: str) -> None:
        self.w.worker.run(jobs.toggle_done, self.w.services, self._view, task_id,
                          on_done=self._on_toggled, on_error=self._error)

    def toggle_done_selected(self) -> None:
        ids = self.w.selected_ids()
        if not ids:
            self.w.show_message("Select a task first.")
        for task_id in ids:
            self.toggle_done(task_id)

    def _on_toggled(self, change: jobs.TaskChange) -> None:
        self.w.apply_change(change)
        self.w.show_message(f"{change.label}  (Ctrl+Z to undo)")

    def delete_selected(self) -> None:
        ids = self.w.selected_ids()
        if not ids:
            self.w.show_message("Select a task to delete.")
            return
        self.w.worker.run(jobs.count_blocks, self.w.services, ids, write=False,
                          on_done=partial(self._ask_about_blocks, ids), on_error=self._error)

    def _ask_about_blocks(self, ids: list[str], blocks: int) -> None:
        """Deleting tasks that are time-blocked in the calendar asks about the blocks."""
        if not blocks:
            self.w.worker.run(jobs.delete_tasks, self.w.services, ids,
                              on_done=self._on_deleted, on_error=self._error)
            return
        box = QMessageBox(self.w)
        box.setObjectName("delete_blocks")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete tasks")
        what = "this task has" if len(ids) == 1 else "these tasks have"
        box.setText(f"{what.capitalize()} {blocks} time block{'s' if blocks != 1 else ''} "
                    "in the calendar. Delete the blocks too?")
        both = box.addButton("Delete tasks and blocks", QMessageBox.ButtonRole.AcceptRole)
        only = box.addButton("Keep the blocks", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)

        def finished() -> None:
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked in (both, only):
                self.w.worker.run(jobs.delete_tasks_and_blocks, self.w.services, ids,
                                  clicked is both, on_done=self._on_deleted,
                                  on_error=self._error)

        box.finished.connect(finished)
        box.open()

    def _on_deleted(self, count: int) -> None:
        self.w.show_message(f"Deleted {count} task{'s' if count != 1 else ''}  "
                            "(Ctrl+Z to undo)")
        self.w.refresh()

    # -- moves -----------------------------------------------------------------------------
    def move(self, task_id: str, reparent: bool, parent_id: object, after_id: object,
             before_id: object) -> None:
        """A drop in the list (see TaskTreeModel.move_requested)."""
        self.w.worker.run(
            jobs.move_task, self.w.services, self._view, task_id, reparent, parent_id,
            after_id, before_id, on_done=partial(self._on_moved, _opt(after_id), _opt(before_id)),
            on_error=self._on_move_error)

    def _on_moved(self, after_id: str | None, before_id: str | None,
                  change: jobs.TaskChange) -> None:
        task = change.in_view
        if self.w.board_visible() or task is None:
            self.w.apply_change(change)
            return
        old = self.w.tasks.get(task.id)
        if not self.w.model.move_task(task, after_id, before_id):
            self.w.reload_list()
            return
        self.w.tasks[task.id] = task
        self.w.editor.task_saved(task)
        self.w.task_changed.emit(task)
        if task.parent_id is not None:
            parent = self.w.model.index_for(task.parent_id)
            if parent.isValid():
                self.w.task_list.expand(parent)
        if old is not None and old.project_id != task.project_id:
            self.w.reload_sidebar()

    def _on_move_error(self, exc: UserFacingError) -> None:
        self.w.show_message(str(exc))
        self.w.reload_list()

    def board_move(self, task_id: str, status: str, after_id: object, before_id: object) -> None:
        self.w.worker.run(jobs.move_task, self.w.services, self._view, task_id, False, None,
                          after_id, before_id, status, on_done=self.w.apply_change,
                          on_error=self._on_move_error)

    def indent_selected(self) -> None:
        """Make the current task a subtask of the task above it (its previous sibling)."""
        index = self.w.task_list.currentIndex().siblingAtColumn(0)
        task = self.w.model.task(index)
        if task is None or self.w.board_visible():
            return
        if index.row() == 0:
            self.w.show_message("There is no task above to nest this one under.")
            return
        above = self.w.model.task(self.w.model.index(index.row() - 1, 0, index.parent()))
        assert above is not None
        last = self.w.model.rowCount(self.w.model.index_for(above.id)) - 1
        after = self.w.model.task(self.w.model.index(last, 0, self.w.model.index_for(above.id)))
        self.move(task.id, True, above.id, after.id if after else None, None)

    def outdent_selected(self) -> None:
        """Move the current subtask up one level, just after its parent."""
        index = self.w.task_list.currentIndex().siblingAtColumn(0)
        task = self.w.model.task(index)
        if task is None or task.parent_id is None or self.w.board_visible():
            return
        parent_index = index.parent()
        parent = self.w.model.task(parent_index)
        if parent is None:  # the parent is not shown in this view
            self.move(task.id, True, None, None, None)
            return
        grand = parent_index.parent()
        below = self.w.model.task(self.w.model.index(parent_index.row() + 1, 0, grand))
        grand_task = self.w.model.task(grand) if grand.isValid() else None
        self.move(task.id, True, grand_task.id if grand_task else parent.parent_id,
                  parent.id, below.id if below else None)

    # -- quick add -------------------------------------------------------------------------
    def quick_add(self, text: str, create_project: bool = False) -> None:
        self.w.worker.run(jobs.capture, self.w.services, self._view, text, create_project,
                          on_done=self._on_added, on_error=partial(self._on_add_error, text))

    def _on_added(self, change: jobs.TaskChange) -> None:
        self.w.quick_add.clear()
        self.w.apply_change(change)
        task = change.task
        assert task is not None
        where = f" to #{task.project}" if task.project else ""
        hidden = "" if change.in_view else " (not shown in this view)"
        self.w.show_message(f"Added{where}: {task.title}{hidden}")
        if change.in_view is not None and not self.w.board_visible():
            self.w.task_list.select_task(task.id)

    def _on_add_error(self, text: str, exc: UserFacingError) -> None:
        if isinstance(exc, UnknownProjectError):
            dialogs.confirm(
                self.w, "Create project?", f"There is no project “{exc.name}”. Create it?",
                "Create project", lambda: self.quick_add(text, create_project=True),
                informative="The task will be added to the new project.")
            return
        self.w.quick_add.show_error(str(exc))
        self.w.show_message(f"Not added: {exc}")

    # -- history ---------------------------------------------------------------------------
    def undo(self) -> None:
        self.w.worker.run(jobs.undo, self.w.services, on_done=self._on_history,
                          on_error=self._error)

    def redo(self) -> None:
        self.w.worker.run(jobs.redo, self.w.services, on_done=self._on_history,
                          on_error=self._error)

    def _on_history(self, message: str) -> None:
        self.w.show_message(message)
        self.w.refresh()


def _opt(value: object) -> str | None:
    """An optional id that came through a Qt signal typed ``object``."""
    return value if isinstance(value, str) else None
