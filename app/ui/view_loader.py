"""Loads the shown view into the list or board (first page first) and applies task changes."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.services.dto import TaskDTO
from app.services.task_query import INBOX, View
from app.ui import jobs
from app.ui.heap import HeapKeeper
from app.ui.task_tree_model import PROJECT
from app.ui.window_build import NO_COLUMN_KINDS, count_text

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

FIRST_PAGE = 200  # top-level tasks shown at once when switching views
CLOSED_SCOPE_KINDS = frozenset({"inbox", "project", "tag"})  # the board adds recent Done


class ViewLoader(QObject):
    """Keeps the list/board and sidebar in step with the store, off the GUI thread.

    Each reload bumps a generation number; results of older requests are dropped. A view
    switch first shows FIRST_PAGE top-level tasks (one quick query) and then everything.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.heap = HeapKeeper(self)
        self.loaded: jobs.LoadedList | None = None  # the last complete load
        self.tasks: dict[str, TaskDTO] = {}  # what the list/board shows, in view order
        self.complete = False  # the shown list is all of the view (not a first page)
        self.today = window.services.clock.today()
        self._gen = 0
        self._complete_gen = -1
        self._shown_view: View | None = None
        self._counts: dict[str, int] = {}

    # -- requests --------------------------------------------------------------------------
    def wants_closed(self) -> bool:
        return self.w.board_visible() and self.w.effective_view().kind in CLOSED_SCOPE_KINDS

    def reload_list(self, *, progressive: bool = False) -> None:
        """Load the shown view again; progressive (on view switches) shows a first page of
        top-level tasks at once while the whole list loads."""
        self._gen += 1
        w = self.w
        view, closed = w.effective_view(), self.wants_closed()
        expected = self.expected_rows(view)
        if progressive and (expected is None or expected > 2 * FIRST_PAGE):
            w.worker.run(jobs.load_list, w.services, view, closed, FIRST_PAGE, write=False,
                         key="list-first", on_done=partial(self._on_first_page, self._gen))
        w.worker.run(jobs.load_list, w.services, view, closed, write=False, key="list",
                     on_done=partial(self._on_list_loaded, self._gen))

    def reload_sidebar(self) -> None:
        self.w.worker.run(jobs.load_sidebar, self.w.services, write=False, slow=True,
                          key="sidebar", on_done=self._on_sidebar_loaded)

    def page_switched(self) -> None:
        """The list and board take turns: reuse the data if it suits the new page."""
        loaded = self.loaded
        if loaded is not None and loaded.with_closed == self.wants_closed():
            self._show(loaded)
        else:
            self.reload_list(progressive=True)

    def first_page_shown(self, view: View, tasks: list[TaskDTO]) -> None:
        """The window painted view's first page before this loader existed (see
        MainWindow.show_first_page): take it as shown, so that the whole list, when it
        comes, keeps the user's scroll position."""
        self.tasks = {t.id: t for t in tasks}
        self.complete = False
        self._shown_view = view

    def expected_rows(self, view: View) -> int | None:
        """How many open tasks the sidebar last counted for view (None: not counted)."""
        sidebar = self.w.sidebar
        if view.kind in self._counts:
            return self._counts[view.kind]
        if view.kind == "project" and view.ref in sidebar.projects:
            return sidebar.projects[view.ref].open_tasks
        if view.kind == "tag" and view.ref in sidebar.tags:
            return sidebar.tags[view.ref].open_tasks
        return None

    # -- results ---------------------------------------------------------------------------
    def _on_first_page(self, gen: int, loaded: jobs.LoadedList) -> None:
        if gen == self._gen and self._complete_gen != gen:
            self._show(loaded)

    def _on_list_loaded(self, gen: int, loaded: jobs.LoadedList) -> None:
        if gen != self._gen:
            return  # a newer request is on its way: drop stale results
        self._complete_gen = gen
        self.loaded = loaded
        self.today = loaded.today
        self._show(loaded)
        self.heap.loaded()

    def _show(self, loaded: jobs.LoadedList) -> None:
        w = self.w
        self.tasks = dict(loaded.by_id)
        same_view = loaded.view == self._shown_view
        self._shown_view = loaded.view
        if w.board_visible():
            w.board.set_tasks(loaded.tasks)
        else:  # a reload of the same view keeps how far the user had scrolled
            scroll = w.task_list.verticalScrollBar().value() if same_view else 0
            w.model.set_tree(loaded.tree, today=loaded.today, now=loaded.now, zone=loaded.zone,
                             reorderable=loaded.reorderable,
                             keep_rows=w.model.shown_rows() if same_view else 0)
            # Inside one project (or the Inbox) the project column says nothing.
            w.task_list.setColumnHidden(PROJECT, loaded.view.kind in NO_COLUMN_KINDS)
            w.task_list.verticalScrollBar().setValue(scroll)
        self.complete = loaded.complete
        w.editor.today = loaded.today
        w.quick_add.set_today(loaded.today if w.services.clock.fixed else None)
        current = w.editor.current_task()
        if current is not None and current.id in self.tasks:
            w.editor.task_saved(self.tasks[current.id])
            self._select_on_page(current.id)
        self._update_count()
        w.list_loaded.emit()

    def _select_on_page(self, task_id: str) -> None:
        """Keep the task being edited selected when the list and board take turns."""
        w = self.w
        if w.board_visible():
            if w.board.selected_task_id() != task_id:
                w.board.select_task(task_id)
        elif w.task_list.current_task_id() != task_id:
            w.task_list.select_task(task_id)

    def _on_sidebar_loaded(self, data: jobs.SidebarData) -> None:
        w = self.w
        self._counts = data.counts
        if w.sidebar.set_data(data):
            w.editor.set_projects(data.projects)
            w.editor.set_tag_names([t.name for t in data.tags])
        view = w.current_view
        if view.kind == "project" and view.ref not in w.sidebar.projects:
            w.show_view(INBOX)  # the shown project was deleted

    def _update_count(self) -> None:
        self.w.count_label.setText(count_text(len(self.tasks), self.complete))

    # -- single changes --------------------------------------------------------------------
    def apply_change(self, change: jobs.TaskChange) -> None:
        """Show a stored single-task change: one row when possible, else a reload."""
        w = self.w
        if change.task is not None:
            w.editor.task_saved(change.task)
            w.task_changed.emit(change.task)
        if change.reload or change.task is None:
            w.refresh()
            return
        task_id = change.task.id
        old = self.tasks.get(task_id)
        if w.board_visible():
            # Cards stay where the user put them until the next reload, even out of scope.
            self.tasks[task_id] = change.in_view or change.task
            w.board.set_tasks(list(self.tasks.values()))
        elif change.in_view is not None:
            self._update_row(old, change.in_view)
        elif old is not None:
            if w.model.remove_task(task_id):
                del self.tasks[task_id]
            else:
                self.reload_list()
        self._update_count()
        self.reload_sidebar()

    def _update_row(self, old: TaskDTO | None, new: TaskDTO) -> None:
        model = self.w.model
        sort_keys_changed = old is not None and (old.due_date, old.due_at, old.priority) != (
            new.due_date, new.due_at, new.priority)
        if old is None and model.reorderable:
            model.append_task(new)
        elif (old is None or (sort_keys_changed and not model.reorderable)
              or not model.update_task(new)):
            self.reload_list()
            return
        self.tasks[new.id] = new
