"""``install_time_tracking(window)``: the timer widget, Timesheet view, tray, idle watcher and
timer commands in the main window.

Closing the window by hand (the title bar's X, a spontaneous close) keeps Cadence running in
the tray when a tray exists, and minimises the window where there is none (GNOME without
the AppIndicator extension); Quit (Ctrl+Q, the tray's Quit) really quits. A programmatic
``window.close()`` closes for real, as it always did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from app.services.idle import AwayPeriod
from app.services.idle_sources import detect_idle_source
from app.services.time_dto import RecentTask, TimerStatus
from app.services.time_settings import TimeSettings
from app.ui.idle_dialog import IdleDialog
from app.ui.idle_monitor import IdleMonitor
from app.ui.time_controller import TimeController
from app.ui.time_settings_dialog import TimeSettingsDialog
from app.ui.timer_widget import TimerWidget
from app.ui.timesheet_view import TimesheetView
from app.ui.tray import TrayIcon

log = logging.getLogger(__name__)

TIMESHEET_SHORTCUT = "Ctrl+T"
COMMANDS = (  # name, text, shortcut
    ("start_timer", "Start timer on the selected task", "Ctrl+Shift+T"),
    ("stop_timer", "Stop timer", "Ctrl+Shift+X"),
    ("start_timer_new", "Start timer on a new task…", ""),
    ("add_time_entry", "Add time entry…", ""),
    ("pomodoro", "Start Pomodoro / skip to the next phase", "Ctrl+Shift+P"),
    ("pomodoro_stop", "Stop Pomodoro", ""),
    ("time_settings", "Time-tracking settings…", ""),
)


class TimeIntegration(QObject):
    """Owns the time-tracking parts of one main window (find it with ``of(window)``)."""

    def __init__(self, window: Any, *,
                 idle_source_factory: Callable[[], Any] = detect_idle_source) -> None:
        super().__init__(window)
        self.setObjectName("time_tracking")
        self.window = window
        self.quitting = False
        self._down = False
        self.quit_hook: Callable[[], None] = QApplication.quit
        self.controller = TimeController(window.services, window.worker, self)
        self.widget = TimerWidget(self.controller, self.selected_task)
        self.widget_action = window.add_toolbar_widget(self.widget)
        self.timesheet = TimesheetView(self.controller)
        self.timesheet_action = window.add_view("Timesheet", self.timesheet, TIMESHEET_SHORTCUT)
        self.actions = self._make_actions()
        self._add_context_actions()
        self.tray: TrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.make_tray()
        self.idle = IdleMonitor(self, source_factory=idle_source_factory)
        self.idle.connect_dbus()
        self.idle_dialog: IdleDialog | None = None
        self.controller.message.connect(self.on_controller_message)
        self.controller.status_changed.connect(self.on_status_changed)
        self.controller.recent_changed.connect(lambda _r: self._sync_actions())
        self.idle.away.connect(self.on_idle_away)
        self.controller.settings_changed.connect(self.on_settings_changed)
        window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.aboutToQuit.connect(self.shutdown)
        self.controller.refresh()

    # -- building --------------------------------------------------------------------------
    def _make_actions(self) -> dict[str, QAction]:
        c = self.controller
        slots: dict[str, Callable[[], None]] = {
            "start_timer": self.start_selected, "stop_timer": c.stop,
            "start_timer_new": self.ask_new_task,
            "add_time_entry": lambda: self.timesheet.ops.add(c.services.clock.today()),
            "pomodoro": self.pomodoro_start_or_skip, "pomodoro_stop": c.pomodoro_stop,
            "time_settings": self.open_settings,
        }
        made: dict[str, QAction] = {}
        menu = self.window.menuBar().addMenu("&Timer")
        menu.setObjectName("timer_menu_bar")
        for name, text, keys in COMMANDS:
            action = QAction(text, self.window)
            action.setObjectName(f"action_{name}")
            if keys:
                action.setShortcut(QKeySequence(keys))
                action.setToolTip(f"{text} ({keys})")
            action.triggered.connect(slots[name])
            self.window.addAction(action)
            menu.addAction(action)
            made[name] = action
        menu.addSeparator()
        menu.addAction(self.timesheet_action)
        by_name = getattr(self.window, "actions_by_name", None)
        if isinstance(by_name, dict):  # the command palette lists these
            by_name.update(made)
        self._sync_actions()
        return made

    def _add_context_actions(self) -> None:
        """Right-click "Start timer" on tasks where the widget has no menu of its own."""
        for name in ("task_list", "board", "editor"):
            target = getattr(self.window, name, None)
            if (isinstance(target, QWidget)
                    and target.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu):
                target.addAction(self.actions["start_timer"])
                target.addAction(self.actions["stop_timer"])
                target.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def make_tray(self) -> TrayIcon:
        if self.tray is None:
            self.tray = TrayIcon(self.controller, self.window)
            self.tray.open_requested.connect(self.open_window)
            self.tray.quit_requested.connect(self.quit_app)
            self.tray.show()
            QApplication.setQuitOnLastWindowClosed(False)
        return self.tray

    # -- commands --------------------------------------------------------------------------
    def selected_task(self) -> str | None:
        """The task in the editor when it has focus, else the list/board selection."""
        editor: Any = getattr(self.window, "editor", None)
        focus = QApplication.focusWidget()
        current = editor.current_task() if editor is not None else None
        if current is not None and focus is not None and editor.isAncestorOf(focus):
            return str(current.id)
        selected_ids = getattr(self.window, "selected_ids", None)
        ids = selected_ids() if callable(selected_ids) else []
        if ids:
            return str(ids[0])
        return str(current.id) if current is not None else None

    def start_selected(self) -> None:
        task_id = self.selected_task()
        if task_id is None:
            self.window.show_message("Select a task first, or use “Start timer on a new task…”.")
            return
        self.controller.start(task_id)

    def ask_new_task(self) -> None:
        self.widget.ask_new_task()

    def pomodoro_start_or_skip(self) -> None:
        if self.controller.pomodoro.active:
            self.controller.pomodoro_skip()
        else:
            self.controller.pomodoro_start()

    def _sync_actions(self) -> None:
        if not hasattr(self, "actions"):
            return
        self.actions["stop_timer"].setEnabled(self.controller.running)

    def on_status_changed(self, status: TimerStatus) -> None:
        self._sync_actions()
        self.idle.set_active(status.running)

    def on_controller_message(self, text: str) -> None:
        self.window.show_message(text)

    def on_settings_changed(self, settings: TimeSettings) -> None:
        self.idle.set_threshold(settings.idle_minutes * 60.0)

    def open_settings(self) -> None:
        dialog = TimeSettingsDialog(self.controller.settings, self.window)
        dialog.saved.connect(self.controller.save_settings)
        dialog.open()

    # -- idle ------------------------------------------------------------------------------
    def on_idle_away(self, period: AwayPeriod) -> None:
        if self.idle_dialog is not None or not self.controller.running:
            return
        self.controller.worker.run(self.controller.time.timer.task_choices, write=False,
                                   on_done=lambda choices: self.ask_idle(period, choices))

    def ask_idle(self, period: AwayPeriod, choices: list[RecentTask]) -> IdleDialog | None:
        entry = self.controller.status.entry
        if entry is None or self.idle_dialog is not None:
            return None
        others = [c for c in choices if c.id != entry.task_id]
        dialog = IdleDialog(period, entry.task_title, self.controller.services.clock.zone,
                            others, None if self.window.isHidden() else self.window)
        dialog.decided.connect(
            lambda action, other: self.on_idle_decided(period, action, other, entry.id))
        self.idle_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def on_idle_decided(self, period: AwayPeriod, action: str, other: object,
                        entry_id: str) -> None:
        self.idle_dialog = None
        self.controller.resolve_idle(action, period, other if isinstance(other, str) else None,
                                     entry_id)

    # -- window life cycle -----------------------------------------------------------------
    def open_window(self) -> None:
        w = self.window
        w.showNormal() if w.isMinimized() else w.show()
        w.raise_()
        w.activateWindow()

    def quit_app(self) -> None:
        """Quit for real: the running timer stays stored and keeps counting."""
        self.quitting = True
        self.window.close()
        self.quit_hook()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if watched is self.window and event.type() == QEvent.Type.Close:
            if event.spontaneous() and not self.quitting:
                event.ignore()
                self.keep_running()
                return True
            self.shutdown()  # a real close: Quit, or the app/test closing the window
        return False

    def keep_running(self) -> None:
        """The user closed the window: stay in the tray, or minimise where there is none."""
        tray = self.tray
        if tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            tray = self.make_tray()
        if tray is not None and tray.isVisible() and QSystemTrayIcon.isSystemTrayAvailable():
            self.window.hide()
            self.controller.message.emit("Cadence keeps running in the tray.")
        else:
            self.window.showMinimized()

    def shutdown(self) -> None:
        if self._down:
            return
        self._down = True
        if self.tray is not None:
            self.tray.hide()
            QApplication.setQuitOnLastWindowClosed(True)
        self.idle.shutdown()
        self.controller.shutdown()


def install_time_tracking(window: Any) -> None:
    """Add time tracking to the main window, once (a second call changes nothing)."""
    if of(window) is None:
        TimeIntegration(window)


def of(window: QObject) -> TimeIntegration | None:
    """The window's TimeIntegration, if installed (tests, other features)."""
    found = window.findChild(TimeIntegration, "time_tracking")
    return found if isinstance(found, TimeIntegration) else None
