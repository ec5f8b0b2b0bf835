"""The main window: sidebar, list/board (and views added later), editor, search and quick add."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.services.dto import TaskDTO
from app.services.facade import Services
from app.services.task_query import INBOX, View
from app.ui import dialogs, jobs, theme
from app.ui.actions import install_actions
from app.ui.board import BoardView
from app.ui.editor import TaskEditor
from app.ui.icons import icon
from app.ui.palette import CommandPalette
from app.ui.project_ops import ProjectOps
from app.ui.qt_helpers import named
from app.ui.quick_add import QuickAddBar
from app.ui.search_bar import SearchBar
from app.ui.sidebar import Sidebar
from app.ui.task_list import TaskListView
from app.ui.task_ops import TaskOps
from app.ui.task_tree_model import TITLE, TaskTreeModel
from app.ui.view_loader import ViewLoader
from app.ui.worker import DbWorker


class MainWindow(QMainWindow):
    """Cadence's one window. Everything that touches the store goes through ``worker``.

    Signals:
        list_loaded(): the list or board shows fresh data for the current view.
        task_changed(object): a stored change of one task (its new TaskDTO) is on screen.
    """

    list_loaded = Signal()
    task_changed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.worker = DbWorker(self)
        self.current_view: View = INBOX
        self.search_view: View | None = None
        self.view_menu: QMenu | None = None  # set by install_actions
        self._extra_actions: list[QAction] = []
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self._build()
        self.loader = ViewLoader(self)
        self.ops = TaskOps(self)
        self.project_ops = ProjectOps(self)
        self.actions_by_name = install_actions(self)
        self._build_toolbar()
        self._connect()
        self._restore_geometry()
        self.show_view(INBOX)
        self.reload_sidebar()

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = TaskTreeModel(self)
        self.task_list = TaskListView(self.model)
        self.board = BoardView(clock=self.services.clock)
        self.editor = TaskEditor()
        self.editor.today = self.services.clock.today()
        self.editor.zone_name = self.services.clock.zone_key()
        self.editor.parent_title = self._parent_title
        self.sidebar = Sidebar()
        self.quick_add = QuickAddBar()
        self.search = SearchBar(self.services.clock.today)
        self.search_box = self.search.box
        self.search_error = self.search.error
        self.view_title = named(QLabel(), "view_title")
        font = QFont(self.view_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.view_title.setFont(font)
        self._build_layout()

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.view_title, 1)
        header.addWidget(self.search, 2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.task_list)
        self.stack.addWidget(self.board)
        self._task_page: QWidget = self.task_list
        middle = named(QWidget(), "middle")
        box = QVBoxLayout(middle)
        box.setContentsMargins(10, 8, 10, 0)
        box.addLayout(header)
        box.addWidget(self.quick_add)
        box.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.editor)
        self.sidebar.setMinimumWidth(170)
        self.editor.setMinimumWidth(280)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([230, 730, 320])
        self.setCentralWidget(self.splitter)
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(60_000)
        self._day_timer.start()
        self.apply_theme()

    def _build_toolbar(self) -> None:
        bar = self.toolbar = QToolBar("Main", self)
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        self.list_action = QAction("List", self, checkable=True)
        self.list_action.setToolTip("Outline list (Ctrl+B switches)")
        self.list_action.triggered.connect(lambda: self.show_page(self.task_list))
        self.board_action = QAction("Board", self, checkable=True)
        self.board_action.setToolTip("Kanban board (Ctrl+B switches)")
        self.board_action.triggered.connect(lambda: self.show_page(self.board))
        bar.addAction(self.list_action)
        bar.addAction(self.board_action)
        self._view_anchor = bar.addSeparator()
        self.add_action = bar.addAction("Add task")
        self.add_action.setToolTip("Add a task (Ctrl+N)")
        self.add_action.triggered.connect(self.focus_quick_add)
        bar.addAction(self.actions_by_name["undo"])
        bar.addAction(self.actions_by_name["redo"])
        self._paint_toolbar_icons()
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self._sync_page_actions()

    def _connect(self) -> None:
        self.worker.user_error.connect(self.show_message)
        self.worker.bug.connect(self.on_worker_bug)
        self.sidebar.view_selected.connect(self.show_view)
        self.project_ops.connect_sidebar(self.sidebar)
        self.task_list.current_task_changed.connect(self.on_current_task_changed)
        self.task_list.task_activated.connect(lambda _id: self.focus_editor())
        self.task_list.space_pressed.connect(self.ops.toggle_done_selected)
        self.model.status_toggle_requested.connect(self.ops.toggle_done)
        self.model.rename_requested.connect(self.ops.rename)
        self.model.move_requested.connect(self.ops.move)
        self.board.task_selected.connect(self.on_current_task_changed)
        self.board.task_activated.connect(lambda _id: self.focus_editor())
        self.board.move_requested.connect(self.ops.board_move)
        self.board.status_toggle_requested.connect(self.ops.toggle_done)
        self.editor.save_requested.connect(self.ops.save)
        self.editor.message.connect(self.show_message)
        self.quick_add.submitted.connect(self.ops.quick_add)
        self.search.query_changed.connect(self.on_search_query_changed)
        self.search.save_requested.connect(self.project_ops.save_filter)
        self._day_timer.timeout.connect(self.on_day_timer_timeout)
        theme_manager = theme.manager()
        if theme_manager is not None:
            theme_manager.theme_changed.connect(self.on_theme_changed)

    def on_theme_changed(self, _dark: bool) -> None:
        self.apply_theme()

    def _paint_toolbar_icons(self) -> None:
        text = theme.current().text
        for action, name in ((self.list_action, "list"), (self.board_action, "board"),
                             (self.add_action, "plus"), (self.actions_by_name["undo"], "undo"),
                             (self.actions_by_name["redo"], "redo")):
            action.setIcon(icon(name, text))

    def apply_theme(self) -> None:
        if hasattr(self, "add_action"):
            self._paint_toolbar_icons()
        self.search.apply_theme()
        self.editor.apply_theme()
        self.sidebar.apply_theme()
        self.task_list.viewport().update()

    # -- contract for other features -------------------------------------------------------
    def command_actions(self) -> list[QAction]:
        """Every command with its shortcut (for the command palette)."""
        return [*self.actions_by_name.values(), *self._extra_actions]

    def add_toolbar_widget(self, widget: QWidget) -> QAction:
        return self.toolbar.addWidget(widget)

    def add_view(self, name: str, widget: QWidget, shortcut: str) -> QAction:
        """Add a central view (calendar, timesheet…) reachable from the toolbar, menu, palette."""
        self.stack.addWidget(widget)
        action = QAction(name, self, checkable=True)
        action.setObjectName(f"action_view_{name.lower().replace(' ', '_')}")
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{name} ({shortcut})")
        action.triggered.connect(lambda: self.show_page(widget))
        action.setData(widget)
        self.toolbar.insertAction(self._view_anchor, action)
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
        if self.stack.currentWidget() not in (self.task_list, self.board):
            self.show_page(self._task_page)
        self._update_title()
        self.reload_list(progressive=True)

    def show_page(self, widget: QWidget) -> None:
        was = self.stack.currentWidget()
        self.stack.setCurrentWidget(widget)
        if widget in (self.task_list, self.board):
            self._task_page = widget
            self.quick_add.show()
            if widget is not was:
                self.loader.page_switched()
        else:
            self.quick_add.hide()
        self._sync_page_actions()

    def toggle_board(self) -> None:
        target = self.task_list if self.board_visible() else self.board
        self.show_page(target)
        target.setFocus()

    def board_visible(self) -> bool:
        return self.stack.currentWidget() is self.board

    def _sync_page_actions(self) -> None:
        current = self.stack.currentWidget()
        self.list_action.setChecked(current is self.task_list)
        self.board_action.setChecked(current is self.board)
        for action in self._extra_actions:
            action.setChecked(action.data() is current)

    def _update_title(self) -> None:
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
        return self.loader.tasks

    @property
    def list_complete(self) -> bool:
        """False while only the first page of a view is shown."""
        return self.loader.complete

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

    def _parent_title(self, task_id: str) -> str | None:
        parent = self.tasks.get(task_id)
        return parent.title if parent is not None else None

    def focus_quick_add(self) -> None:
        if self.stack.currentWidget() not in (self.task_list, self.board):
            self.show_page(self._task_page)
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
        palette = CommandPalette(self.command_actions(), self)
        palette.open_palette()

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<b>{APP_NAME}</b> {__version__}<br>A local-first planner: tasks, "
                          "projects and tags on one file on your computer.")

    # -- search ----------------------------------------------------------------------------
    def on_search_query_changed(self, query: object) -> None:
        """The search box holds a valid query (or was emptied): show its results."""
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
        self._day_timer.stop()
        self.editor.set_task(None)  # saves what was typed
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        self.worker.shutdown()
        super().closeEvent(event)
