"""How the main window is put together: its frame first, the parts that need services on attach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.ui.qt_helpers import named
from app.ui.quick_add import QuickAddBar
from app.ui.search_bar import SearchBar
from app.ui.task_list import TaskListView
from app.ui.task_tree_model import TaskTreeModel

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.ui.main_window import MainWindow

MENUS = ("File", "Edit", "View", "Help")  # the menus actions.COMMANDS fill, in their order
SIDEBAR_MIN_WIDTH = 170
EDITOR_MIN_WIDTH = 280
NO_COLUMN_KINDS = ("project", "inbox")  # views in which the project column says nothing


def count_text(n: int, complete: bool) -> str:
    """The status bar's task count."""
    return f"{n:,} task{'s' if n != 1 else ''}{'' if complete else ' + loading…'}"


def build_frame(w: MainWindow) -> None:
    """What the first paint needs, and nothing that imports SQLAlchemy: the list, header,
    quick add, toolbar, status bar, and empty columns where the sidebar and editor go."""
    w.model = TaskTreeModel(w)
    w.task_list = TaskListView(w.model)
    w.quick_add = QuickAddBar()
    w.search = SearchBar(w.clock.today)
    w.search_box = w.search.box
    w.search_error = w.search.error
    w.view_title = named(QLabel(), "view_title")
    font = QFont(w.view_title.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    w.view_title.setFont(font)
    for title in MENUS:  # replaced by the real menus on attach, at the same height
        w.menuBar().addMenu(f"&{title}")
    _build_layout(w)
    _build_toolbar(w)


def _build_layout(w: MainWindow) -> None:
    w.header = named(QWidget(), "view_header")  # hidden on pages other than the tasks
    header = QHBoxLayout(w.header)
    header.setContentsMargins(0, 0, 0, 0)
    header.addWidget(w.view_title, 1)
    header.addWidget(w.search, 2)
    w.stack = QStackedWidget()
    w.stack.addWidget(w.task_list)  # the board joins on attach
    w.last_task_page = w.task_list
    middle = named(QWidget(), "middle")
    box = QVBoxLayout(middle)
    box.setContentsMargins(10, 8, 10, 0)
    box.addWidget(w.header)
    box.addWidget(w.quick_add)
    box.addWidget(w.stack, 1)
    w.splitter = QSplitter(Qt.Orientation.Horizontal)
    # The sidebar and the editor take these places on attach.
    w.placeholders = (named(QWidget(), "sidebar_placeholder"),
                      named(QWidget(), "editor_placeholder"))
    w.placeholders[0].setMinimumWidth(SIDEBAR_MIN_WIDTH)
    w.placeholders[1].setMinimumWidth(EDITOR_MIN_WIDTH)
    w.splitter.addWidget(w.placeholders[0])
    w.splitter.addWidget(middle)
    w.splitter.addWidget(w.placeholders[1])
    w.splitter.setStretchFactor(1, 1)
    w.splitter.setCollapsible(1, False)
    w.splitter.setSizes([230, 730, 320])
    w.setCentralWidget(w.splitter)
    w.count_label = QLabel()
    w.statusBar().addPermanentWidget(w.count_label)
    w.day_timer = QTimer(w)
    w.day_timer.setInterval(60_000)


def _build_toolbar(w: MainWindow) -> None:
    bar = w.toolbar = QToolBar("Main", w)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(bar)
    # Enabled on attach: switching pages needs the loader.
    w.list_action = QAction("List", w, checkable=True, enabled=False)
    w.list_action.setToolTip("Outline list (Ctrl+B switches)")
    w.list_action.triggered.connect(lambda: w.show_page(w.task_list))
    w.board_action = QAction("Board", w, checkable=True, enabled=False)
    w.board_action.setToolTip("Kanban board (Ctrl+B switches)")
    w.board_action.triggered.connect(lambda: w.show_page(w.board))
    bar.addAction(w.list_action)
    bar.addAction(w.board_action)
    w.view_anchor = bar.addSeparator()  # pages added with add_view go before it
    w.add_action = bar.addAction("Add task")
    w.add_action.setToolTip("Add a task (Ctrl+N)")
    w.add_action.triggered.connect(w.focus_quick_add)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    w.spacer_action = bar.addWidget(spacer)  # undo and redo go before it on attach


def attach_parts(w: MainWindow, services: Services) -> None:
    """The parts that work on services (board, sidebar, editor, loader, commands, menus)."""
    from app.services.task_query import INBOX
    from app.ui.actions import install_actions
    from app.ui.board import BoardView
    from app.ui.editor import TaskEditor
    from app.ui.project_ops import ProjectOps
    from app.ui.sidebar import Sidebar
    from app.ui.task_ops import TaskOps
    from app.ui.view_loader import ViewLoader

    w.services = services
    w.current_view = INBOX
    w.board = BoardView(clock=services.clock)
    w.stack.insertWidget(w.stack.indexOf(w.task_list) + 1, w.board)
    w.search_view = None
    w.editor = TaskEditor()
    w.editor.today = services.clock.today()
    w.editor.zone_name = services.clock.zone_key()
    w.editor.parent_title = w.parent_title
    w.sidebar = Sidebar()
    for placeholder, widget in zip(w.placeholders, (w.sidebar, w.editor), strict=True):
        widget.setMinimumWidth(placeholder.minimumWidth())
        w.splitter.replaceWidget(w.splitter.indexOf(placeholder), widget)
        placeholder.deleteLater()
    w.loader = ViewLoader(w)
    w.ops = TaskOps(w)
    w.project_ops = ProjectOps(w)
    w.menuBar().clear()
    w.actions_by_name = install_actions(w)
    for name in ("undo", "redo"):
        w.toolbar.insertAction(w.spacer_action, w.actions_by_name[name])
    w.list_action.setEnabled(True)
    w.board_action.setEnabled(True)
    _connect(w)


def _connect(w: MainWindow) -> None:
    w.worker.user_error.connect(w.show_message)
    w.worker.bug.connect(w.on_worker_bug)
    w.sidebar.view_selected.connect(w.show_view)
    w.project_ops.connect_sidebar(w.sidebar)
    w.task_list.current_task_changed.connect(w.on_current_task_changed)
    w.task_list.task_activated.connect(w.on_task_activated)
    w.task_list.space_pressed.connect(w.ops.toggle_done_selected)
    w.model.status_toggle_requested.connect(w.ops.toggle_done)
    w.model.rename_requested.connect(w.ops.rename)
    w.model.move_requested.connect(w.ops.move)
    w.board.task_selected.connect(w.on_current_task_changed)
    w.board.task_activated.connect(w.on_task_activated)
    w.board.move_requested.connect(w.ops.board_move)
    w.board.status_toggle_requested.connect(w.ops.toggle_done)
    w.editor.save_requested.connect(w.ops.save)
    w.editor.message.connect(w.show_message)
    w.quick_add.submitted.connect(w.ops.quick_add)
    w.search.query_changed.connect(w.on_search_query_changed)
    w.search.save_requested.connect(w.project_ops.save_filter)
    w.day_timer.timeout.connect(w.on_day_timer_timeout)
