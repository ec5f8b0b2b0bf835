"""The main window: sidebar, list/board (and views added later), editor, search and quick add."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app import APP_NAME, __version__
from app.services.clock import Clock
from app.services.dto import TaskDTO
from app.ui import dialogs, theme
from app.ui.icons import icon
from app.ui.quick_add import QuickAddBar
from app.ui.search_bar import SearchBar
from app.ui.task_list import TaskListView
from app.ui.task_tree import build_tree
from app.ui.task_tree_model import PROJECT, TITLE, TaskTreeModel
from app.ui.window_build import NO_COLUMN_KINDS, attach_parts, build_frame, count_text
from app.ui.worker import DbWorker

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.first_page import FirstPage
    from app.services.task_query import View
    from app.ui import jobs
    from app.ui.board import BoardView
    from app.ui.editor import TaskEditor
    from app.ui.project_ops import ProjectOps
    from app.ui.sidebar import Sidebar
    from app.ui.task_ops import TaskOps
    from app.ui.view_loader import ViewLoader

class MainWindow(QMainWindow):
    """Cadence's one window. Everything that touches the store goes through ``worker``.

    ``MainWindow(services)`` builds it all. For a fast start-up, ``MainWindow(clock=...)``
    builds the frame without importing SQLAlchemy or the services (header, list, empty
    sidebar and editor columns), ``show_first_page`` paints a page read directly
    from the file, and ``attach(services)`` completes it once the services are open.

    Signals:
        list_loaded(): the list or board shows fresh data for the current view.
        task_changed(object): a stored change of one task (its new TaskDTO) is on screen.
        ready(): attach() finished: the services are connected and every command works.
    """

    list_loaded = Signal()
    task_changed = Signal(object)
    ready = Signal()

    # Built by window_build.build_frame.
    model: TaskTreeModel
    task_list: TaskListView
    quick_add: QuickAddBar
    search: SearchBar
    search_box: QLineEdit
    search_error: QLabel
    view_title: QLabel
    header: QWidget
    stack: QStackedWidget
    last_task_page: QWidget  # the list or the board, whichever showed last
    splitter: QSplitter
    placeholders: tuple[QWidget, QWidget]
    count_label: QLabel
    day_timer: QTimer
    toolbar: QToolBar
    list_action: QAction
    board_action: QAction
    add_action: QAction
    view_anchor: QAction
    spacer_action: QAction
    # Set by attach(), once the services are open.
    services: Services
    board: BoardView
    current_view: View
    search_view: View | None
    sidebar: Sidebar
    editor: TaskEditor
    loader: ViewLoader
    ops: TaskOps
    project_ops: ProjectOps
    actions_by_name: dict[str, QAction]

    def __init__(self, services: Services | None = None, parent: QWidget | None = None, *,
                 clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.clock = services.clock if services is not None else clock or Clock()
        self.worker = DbWorker(self)
        self.view_menu: QMenu | None = None  # set by install_actions
        self.is_attached = False
        self.is_closed = False
        self._extra_actions: list[QAction] = []
        self._first_page: FirstPage | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        build_frame(self)
        self.apply_theme()
        self._restore_geometry()
        theme_manager = theme.manager()
        if theme_manager is not None:
            theme_manager.theme_changed.connect(self.on_theme_changed)
        if services is not None:
            self.attach(services)

    def attach(self, services: Services) -> None:
        """Complete the window on open services: sidebar, editor, commands, loading."""
        attach_parts(self, services)
        self.is_attached = True
        self.apply_theme()
        self.day_timer.start()
        self._show_task_chrome(self.task_page_visible())
        first, self._first_page = self._first_page, None
        inbox = self.current_view
        if first is not None and (first.kind, first.ref) == (inbox.kind, inbox.ref):
            self.loader.first_page_shown(inbox, first.tasks)
            self._update_title()
            self.reload_list()  # the whole view, below the first page already shown
            if self.search.text():  # typed while the services were loading
                self.search.run_now()
        else:
            self.show_view(inbox)
        self.reload_sidebar()
        self.ready.emit()

    def on_theme_changed(self, _dark: bool) -> None:
        self.apply_theme()

    def _paint_toolbar_icons(self) -> None:
        text = theme.current().text
        pairs = [(self.list_action, "list"), (self.board_action, "board"),
                 (self.add_action, "plus")]
        if self.is_attached:
            pairs += [(self.actions_by_name[name], name) for name in ("undo", "redo")]
        for action, name in pairs:
            action.setIcon(icon(name, text))

    def apply_theme(self) -> None:
        self._paint_toolbar_icons()
        self.search.apply_theme()
        if self.is_attached:
            self.editor.apply_theme()
            self.sidebar.apply_theme()
        self.task_list.viewport().update()

    # -- the first page, before attach -----------------------------------------------------
    def show_first_page(self, page: FirstPage, title: str) -> None:
        """Paint a view's first page read straight from the file while the services load;
        attach() goes on from it (the Inbox) or replaces it."""
        self._first_page = page
        self.view_title.setText(title)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        # Not reorderable until attach: nothing could store a drop yet.
        self.model.set_tree(build_tree(page.tasks), today=page.today, now=page.now,
                            zone=page.zone, reorderable=False)
        self.task_list.setColumnHidden(PROJECT, page.kind in NO_COLUMN_KINDS)
        self.count_label.setText(count_text(len(page.tasks), complete=False))
        self.list_loaded.emit()

    # -- contract for other features -------------------------------------------------------
    def command_actions(self) -> list[QAction]:
        """Every command with its shortcut (for the command palette)."""
        return [*self.actions_by_name.values(), *self._extra_actions]

    def add_toolbar_widget(self, widget: QWidget) -> QAction:
        return self.toolbar.addWidget(widget)

    def add_view(self, name: str, widget: QWidget, shortcut: str) -> QAction:
        """Add a central page (calendar, timesheet…) reachable from the toolbar, menu and
        palette. While it shows, the task header, quick add and editor are hidden."""
        self.stack.addWidget(widget)
        action = QAction(name, self, checkable=True)
        action.setObjectName(f"action_view_{name.lower().replace(' ', '_')}")
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{name} ({shortcut})")
        action.triggered.connect(lambda: self.show_page(widget))
        action.setData(widget)
        self.toolbar.insertAction(self.view_anchor, action)
        if self.view_menu is not None:
            self.view_menu.addAction(action)
        self._extra_actions.append(action)
        return action

    # -- views and pages -------------------------------------------------------------------
    def effective_view(self) -> View:
        return self.search_view or self.current_view

    def show_view(self, view: View) -> None:
        """Show a sidebar view (Inbox, a project, a tag, a saved filter…) in the list/board."""
        self.search.reset()
        self.search_view = None
        self.current_view = view
        self.sidebar.select_view(view)
        if not self.task_page_visible():
            self.show_page(self.last_task_page)
        self._update_title()
        self.reload_list(progressive=True)

    def show_page(self, widget: QWidget) -> None:
        was = self.stack.currentWidget()
        self.stack.setCurrentWidget(widget)
        on_tasks = self.task_page_visible()
        if on_tasks:
            self.last_task_page = widget
            if widget is not was:
                self.loader.page_switched()
        self._show_task_chrome(on_tasks)
        self._sync_page_actions()
        self._update_title()

    def task_page_visible(self) -> bool:
        """The list or the board shows (not a page added with add_view)."""
        current = self.stack.currentWidget()
        return current is self.task_list or self.board_visible()

    def _show_task_chrome(self, visible: bool) -> None:
        """The task header (title, search), quick add and editor belong to the task pages."""
        self.header.setVisible(visible)
        self.quick_add.setVisible(visible)
        if self.is_attached:
            self.editor.setVisible(visible)

    def toggle_board(self) -> None:
        target = self.task_list if self.board_visible() else self.board
        self.show_page(target)
        target.setFocus()

    def board_visible(self) -> bool:
        return self.is_attached and self.stack.currentWidget() is self.board

    def _sync_page_actions(self) -> None:
        current = self.stack.currentWidget()
        self.list_action.setChecked(current is self.task_list)
        self.board_action.setChecked(self.board_visible())
        for action in self._extra_actions:
            action.setChecked(action.data() is current)

    def _update_title(self) -> None:
        page = next((a.text() for a in self._extra_actions
                     if a.data() is self.stack.currentWidget()), None)
        if page is not None:
            self.setWindowTitle(f"{page} — {APP_NAME}")
            return
        view = self.effective_view()
        self.view_title.setText(view.title)
        self.setWindowTitle(f"{view.title} — {APP_NAME}")
        self.task_list.empty_text = (
            "No tasks match this search." if self.search_view is not None else
            "Nothing here. Press Ctrl+N to add a task.")

    # -- loading (see ViewLoader) ----------------------------------------------------------
    def refresh(self) -> None:
        """Reload the shown tasks and the sidebar (after undo, redo and bulk changes)."""
        self.loader.reload_list()
        self.loader.reload_sidebar()

    def reload_list(self, *, progressive: bool = False) -> None:
        self.loader.reload_list(progressive=progressive)

    def reload_sidebar(self) -> None:
        self.loader.reload_sidebar()

    def apply_change(self, change: jobs.TaskChange) -> None:
        self.loader.apply_change(change)

    @property
    def tasks(self) -> dict[str, TaskDTO]:
        """The tasks the list or board shows, by id, in view order."""
        if not self.is_attached:
            page = self._first_page
            return {t.id: t for t in page.tasks} if page is not None else {}
        return self.loader.tasks

    @property
    def list_complete(self) -> bool:
        """False while only the first page of a view is shown."""
        return self.is_attached and self.loader.complete

    # -- selection, focus ------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        if self.board_visible():
            selected = self.board.selected_task_id()
            return [selected] if selected else []
        return self.task_list.selected_ids()

    def on_current_task_changed(self, task_id: object) -> None:
        task = self.tasks.get(task_id) if isinstance(task_id, str) else None
        current = self.editor.current_task()
        if task is not None and current is not None and current.id == task.id:
            self.editor.task_saved(task)  # same task: never overwrite what is being typed
        else:
            self.editor.set_task(task)

    def on_task_activated(self, _task_id: object) -> None:
        self.focus_editor()

    def parent_title(self, task_id: str) -> str | None:
        parent = self.tasks.get(task_id)
        return parent.title if parent is not None else None

    def focus_quick_add(self) -> None:
        if not self.task_page_visible():
            self.show_page(self.last_task_page)
        self.quick_add.focus_input()

    def focus_search(self) -> None:
        self.search.focus()

    def focus_editor(self) -> None:
        self.editor.focus_title()

    def focus_list(self) -> None:
        current = self.stack.currentWidget()
        if current is not None:
            current.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_sidebar(self) -> None:
        self.sidebar.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def rename_current(self) -> None:
        if self.board_visible():
            self.focus_editor()
            return
        index = self.task_list.currentIndex()
        if index.isValid():
            self.task_list.edit(index.siblingAtColumn(TITLE))

    def open_palette(self) -> None:
        from app.ui.palette import CommandPalette

        palette = CommandPalette(self.command_actions(), self)
        palette.open_palette()

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<b>{APP_NAME}</b> {__version__}<br>A local-first planner: tasks, "
                          "projects and tags on one file on your computer.")

    # -- search ----------------------------------------------------------------------------
    def on_search_query_changed(self, query: object) -> None:
        """The search box holds a valid query (or was emptied): show its results."""
        from app.services.task_query import View

        text = query if isinstance(query, str) else None
        self.search_view = View("filter", text, f"Search: {text}") if text else None
        self._after_search_changed()

    def _after_search_changed(self) -> None:
        self.sidebar.select_view(self.search_view or self.current_view)
        self._update_title()
        self.reload_list(progressive=True)

    # -- messages, timers, shutdown --------------------------------------------------------
    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def on_worker_bug(self, message: str) -> None:
        self.show_message(message, 10_000)
        dialogs.show_bug(self, message)

    def on_day_timer_timeout(self) -> None:
        if self.services.clock.today() != self.loader.today:
            self.loader.today = self.services.clock.today()
            self.refresh()

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/splitter")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A real close (features that keep running in the tray filter the event first):
        save what was typed, finish the writes, stop the worker threads."""
        self.is_closed = True
        self.day_timer.stop()
        if self.is_attached:
            self.editor.set_task(None)  # saves what was typed
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        self.worker.shutdown()
        super().closeEvent(event)
