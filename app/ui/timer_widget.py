"""The toolbar timer: running task and elapsed time, start/stop, recent tasks and Pomodoro.

Everything the tray menu offers is here too, for desktops without a tray (GNOME).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QToolButton,
    QWidget,
)

from app.services.pomodoro import IDLE, PHASE_LABELS, PomodoroState
from app.services.time_dto import RecentTask, TimerStatus
from app.services.time_rules import fmt_duration
from app.ui.time_controller import TimeController
from app.ui.tray import state_icon, tray_state

TITLE_WIDTH = 28  # characters of the task title shown in the toolbar


class TimerWidget(QWidget):
    """A compact toolbar widget over a TimeController."""

    def __init__(self, controller: TimeController,
                 selected_task: Callable[[], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timer_widget")
        self.controller = controller
        self.selected_task = selected_task or (lambda: None)
        self.icon_label = QLabel()
        self.icon_label.setObjectName("timer_icon")
        self.title_label = QLabel()
        self.title_label.setObjectName("timer_title")
        self.time_label = QLabel()
        self.time_label.setObjectName("timer_time")
        self.time_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.pomodoro_label = QLabel()
        self.pomodoro_label.setObjectName("timer_pomodoro")
        self.button = QToolButton()
        self.button.setObjectName("timer_button")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.menu = QMenu(self)
        self.menu.setObjectName("timer_menu")
        self.button.setMenu(self.menu)
        self.button.clicked.connect(self.on_button_clicked)
        self.menu.aboutToShow.connect(self.rebuild_menu)
        box = QHBoxLayout(self)
        box.setContentsMargins(6, 0, 6, 0)
        box.setSpacing(6)
        for w in (self.icon_label, self.title_label, self.time_label, self.pomodoro_label,
                  self.button):
            box.addWidget(w)
        controller.status_changed.connect(self.on_status_changed)
        controller.tick.connect(self.on_tick)
        controller.pomodoro_changed.connect(self.on_pomodoro_changed)
        self.update_all()

    # -- showing ---------------------------------------------------------------------------
    def on_status_changed(self, _status: TimerStatus) -> None:
        self.update_all()

    def on_tick(self, elapsed: int) -> None:
        self.time_label.setText(fmt_duration(elapsed))

    def on_pomodoro_changed(self, _state: PomodoroState) -> None:
        self.update_all()

    def update_all(self) -> None:
        c = self.controller
        entry = c.status.entry
        self.icon_label.setPixmap(state_icon(tray_state(c.status, c.pomodoro_state()))
                                  .pixmap(16, 16))
        if entry is None:
            self.title_label.setText("No timer")
            self.title_label.setToolTip("")
            self.time_label.hide()
            self.button.setText("Start")
            self.button.setToolTip("Start a timer on the selected task (Ctrl+Shift+T), or "
                                   "choose a task from the menu")
        else:
            title = entry.task_title
            short = title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"
            self.title_label.setText(short)
            self.title_label.setToolTip(title + (f" ({entry.project})" if entry.project else ""))
            self.time_label.setText(fmt_duration(c.elapsed()))
            self.time_label.show()
            self.button.setText("Stop")
            self.button.setToolTip("Stop the timer (Ctrl+Shift+X)")
        pomo = c.pomodoro_state()
        if pomo.phase == IDLE:
            self.pomodoro_label.hide()
        else:
            left = pomo.remaining(c.pomodoro.config, c.services.clock.now())
            self.pomodoro_label.setText(f"{PHASE_LABELS[pomo.phase]} {left // 60}:{left % 60:02d}")
            self.pomodoro_label.show()

    # -- acting ----------------------------------------------------------------------------
    def on_button_clicked(self) -> None:
        if self.controller.running:
            self.controller.stop()
            return
        task_id = self.selected_task()
        if task_id is not None:
            self.controller.start(task_id)
        else:
            self.button.showMenu()

    def rebuild_menu(self) -> None:
        m = self.menu
        m.clear()
        c = self.controller
        selected = self.selected_task()
        start_selected = m.addAction("Start timer on the selected task")
        start_selected.setEnabled(selected is not None)
        if selected is not None:
            start_selected.triggered.connect(lambda: c.start(selected))
        if c.running:
            m.addAction("Stop timer").triggered.connect(c.stop)
        running_task = c.status.entry.task_id if c.status.entry else None
        recent = [r for r in c.recent if r.id != running_task]
        if recent:
            m.addSection("Recent tasks")
            for task in recent:
                self._recent_action(task)
        m.addSeparator()
        m.addAction("New task and start…").triggered.connect(self.ask_new_task)
        m.addSeparator()
        if c.pomodoro.active:
            m.addAction("Skip to the next phase").triggered.connect(c.pomodoro_skip)
            m.addAction("Stop Pomodoro").triggered.connect(c.pomodoro_stop)
        else:
            m.addAction("Start Pomodoro").triggered.connect(c.pomodoro_start)
        for action in m.actions():
            action.setObjectName(f"timer_menu_{action.text()}")

    def _recent_action(self, task: RecentTask) -> QAction:
        label = task.title if not task.project else f"{task.title}  ·  {task.project}"
        action = self.menu.addAction(label.replace("&", "&&"))
        action.triggered.connect(lambda: self.controller.start(task.id))
        return action

    def ask_new_task(self) -> None:
        text, ok = QInputDialog.getText(
            self, "Start a timer on a new task",
            "Task (quick-add: “Call Bob #Work @phone”):")
        if ok and text.strip():
            self.controller.start_text(text.strip())
