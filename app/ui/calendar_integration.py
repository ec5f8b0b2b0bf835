"""Puts the calendar into the main window: the view, its menu and commands, the refresh timer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from app.ui.calendar_io import CalendarIO
from app.ui.calendar_ops import CalendarOps
from app.ui.calendar_view import CalendarWidget

VIEW_NAME = "Calendar"
SHORTCUT = "Ctrl+Shift+C"  # Ctrl+1..5 already go to the task views


def install_calendar(window: Any) -> None:
    """Add the Calendar view (toolbar, View menu, palette) and a Calendar menu with import,
    export, subscribe and refresh; start the background refresh of subscriptions."""
    services = window.services
    view = CalendarWidget(services.clock.zone_key(), services.clock.today())
    ops = CalendarOps(window, view)
    io = CalendarIO(ops, window)
    view_action: QAction = window.add_view(VIEW_NAME, view, SHORTCUT)
    view_action.setStatusTip("Day, week, month and agenda of your calendars and tasks")
    made: dict[str, QAction] = {}
    menu = window.menuBar().addMenu("&Calendar")
    for name, text, keys, slot in (
        ("calendar_new_event", "New event…", "", ops.new_event),
        ("calendar_import", "Import calendar file…", "Ctrl+Shift+I", io.choose_import),
        ("calendar_export", "Export calendar…", "", io.choose_export),
        ("calendar_export_tasks", "Export selected tasks as iCalendar…", "",
         io.choose_task_export),
        ("calendar_subscribe", "Subscribe to calendar…", "", io.choose_subscribe),
        ("calendar_refresh", "Refresh subscriptions", "", io.refresh_now),
    ):
        action = QAction(text, window)
        action.setObjectName(f"action_{name}")
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(_show_then(window, view, slot)
                                 if name == "calendar_new_event" else slot)
        menu.addAction(action)
        window.addAction(action)
        made[name] = action
    by_name = getattr(window, "actions_by_name", None)
    if isinstance(by_name, dict):
        by_name.update(made)
    _reload_on_refresh(window, view)
    window.calendar_view = view
    window.calendar_ops = ops
    window.calendar_io = io
    io.schedule()


def _show_then(window: Any, view: CalendarWidget,
               slot: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        window.show_page(view)
        slot()

    return run


def _reload_on_refresh(window: Any, view: CalendarWidget) -> None:
    """Undo, redo and bulk task changes end in ``window.refresh()``: reload the calendar
    too when it is on screen (it reloads by itself whenever it is shown again)."""
    original = getattr(window, "refresh", None)
    if not callable(original):
        return

    def refresh() -> None:
        original()
        if view.isVisible():
            view.reload()

    setattr(window, "refresh", refresh)  # noqa: B010 - wraps the bound method of this window
