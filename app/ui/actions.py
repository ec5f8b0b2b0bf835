"""Every command of the main window as a QAction with a shortcut, in the menus and the palette."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from app.services.task_query import COMPLETED, INBOX, OVERDUE, TODAY, UPCOMING

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


@dataclass(frozen=True)
class Command:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    menu: str
    tip: str = ""


COMMANDS: tuple[Command, ...] = (
    Command("new_task", "New task (quick add)", ("Ctrl+N",), "File"),
    Command("new_project", "New project…", ("Ctrl+Shift+N",), "File"),
    Command("save_filter", "Save search as filter…", ("Ctrl+Shift+S",), "File"),
    Command("quit", "Quit", ("Ctrl+Q",), "File"),
    Command("undo", "Undo", ("Ctrl+Z",), "Edit"),
    Command("redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Edit"),
    Command("toggle_done", "Complete / reopen task", ("Ctrl+Return", "Ctrl+Enter"), "Edit",
            "Space does the same in the list and on the board"),
    Command("delete", "Delete task", ("Delete",), "Edit", "Ctrl+Z brings it back"),
    Command("rename", "Rename task", ("F2",), "Edit"),
    Command("edit", "Edit task details", ("Ctrl+E",), "Edit"),
    Command("indent", "Make subtask of the task above", ("Ctrl+]",), "Edit"),
    Command("outdent", "Make top-level task", ("Ctrl+[",), "Edit"),
    Command("priority_1", "Set priority 1", ("Alt+1",), "Edit"),
    Command("priority_2", "Set priority 2", ("Alt+2",), "Edit"),
    Command("priority_3", "Set priority 3", ("Alt+3",), "Edit"),
    Command("priority_4", "Set priority 4", ("Alt+4",), "Edit"),
    Command("view_inbox", "Go to Inbox", ("Ctrl+1",), "View"),
    Command("view_today", "Go to Today", ("Ctrl+2",), "View"),
    Command("view_upcoming", "Go to Upcoming", ("Ctrl+3",), "View"),
    Command("view_overdue", "Go to Overdue", ("Ctrl+4",), "View"),
    Command("view_completed", "Go to Completed", ("Ctrl+5",), "View"),
    Command("toggle_board", "Switch list / board", ("Ctrl+B",), "View"),
    Command("search", "Search and filter", ("Ctrl+F",), "View"),
    Command("palette", "Command palette", ("Ctrl+K",), "View"),
    Command("focus_list", "Go to the task list", ("Ctrl+L",), "View"),
    Command("focus_sidebar", "Go to the sidebar", ("Ctrl+0",), "View"),
    Command("expand_all", "Unfold all subtasks", ("Ctrl+Shift+Down",), "View"),
    Command("collapse_all", "Fold all subtasks", ("Ctrl+Shift+Up",), "View"),
    Command("about", "About Cadence", ("F1",), "Help"),
)


def handlers(window: MainWindow) -> dict[str, Callable[[], object]]:
    ops, projects = window.ops, window.project_ops
    return {
        "new_task": window.focus_quick_add,
        "new_project": lambda: projects.new_project(None),
        "save_filter": projects.save_filter,
        "quit": window.close,
        "undo": ops.undo,
        "redo": ops.redo,
        "toggle_done": ops.toggle_done_selected,
        "delete": ops.delete_selected,
        "rename": window.rename_current,
        "edit": window.focus_editor,
        "indent": ops.indent_selected,
        "outdent": ops.outdent_selected,
        "priority_1": lambda: ops.set_priority(1),
        "priority_2": lambda: ops.set_priority(2),
        "priority_3": lambda: ops.set_priority(3),
        "priority_4": lambda: ops.set_priority(4),
        "view_inbox": lambda: window.show_view(INBOX),
        "view_today": lambda: window.show_view(TODAY),
        "view_upcoming": lambda: window.show_view(UPCOMING),
        "view_overdue": lambda: window.show_view(OVERDUE),
        "view_completed": lambda: window.show_view(COMPLETED),
        "toggle_board": window.toggle_board,
        "search": window.focus_search,
        "palette": window.open_palette,
        "focus_list": window.focus_list,
        "focus_sidebar": window.focus_sidebar,
        "expand_all": window.task_list.expandAll,
        "collapse_all": window.task_list.collapseAll,
        "about": window.show_about,
    }


def install_actions(window: MainWindow) -> dict[str, QAction]:
    """Create the actions, put them in the menu bar, and connect them to the window."""
    menus: dict[str, QMenu] = {}
    actions: dict[str, QAction] = {}
    calls = handlers(window)
    for cmd in COMMANDS:
        menu = menus.get(cmd.menu)
        if menu is None:
            menu = menus[cmd.menu] = window.menuBar().addMenu(f"&{cmd.menu}")
        action = QAction(cmd.text, window)
        action.setObjectName(f"action_{cmd.name}")
        action.setShortcuts([QKeySequence(s) for s in cmd.shortcuts])
        if cmd.tip:
            action.setStatusTip(cmd.tip)
            action.setToolTip(f"{cmd.text} ({cmd.shortcuts[0]}): {cmd.tip}")
        else:
            action.setToolTip(f"{cmd.text} ({cmd.shortcuts[0]})")
        action.triggered.connect(calls[cmd.name])
        menu.addAction(action)
        if cmd.name in ("save_filter", "redo", "delete", "outdent", "priority_4", "view_completed",
                        "palette"):
            menu.addSeparator()
        actions[cmd.name] = action
    window.view_menu = menus["View"]
    return actions
