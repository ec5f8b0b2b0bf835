"""Asks what to do with time the user was away while a timer ran: keep, discard, split, stop."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.idle import AwayPeriod
from app.services.time_dto import RecentTask
from app.services.time_rules import fmt_duration

_REASONS = {"idle": "idle", "lock": "away (screen locked)", "suspend": "away (computer asleep)"}


class IdleDialog(QDialog):
    """Non-blocking: the choice comes back through ``decided``.

    Signals:
        decided(str, object): (keep|discard|split|stop, the other task id for split or None).
    """

    decided = Signal(str, object)

    def __init__(self, period: AwayPeriod, task_title: str, zone: ZoneInfo,
                 choices: list[RecentTask], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idle_dialog")
        self.setWindowTitle("You were away")
        self.period = period
        start, end = period.start.astimezone(zone), period.end.astimezone(zone)
        minutes = max(1, round(period.seconds / 60))
        head = QLabel(f"<b>You were {_REASONS.get(period.reason, 'away')} for {minutes} "
                      f"minute{'s' if minutes != 1 else ''}</b>")
        head.setObjectName("idle_head")
        detail = QLabel(
            f"From {start:%H:%M} to {end:%H:%M} ({fmt_duration(period.seconds)}), while the "
            f"timer ran on “{task_title}”. What should happen to that time?")
        detail.setWordWrap(True)
        detail.setMinimumWidth(420)
        self.keep_button = self._button("Keep it", "keep",
                                        "Count the time away on the running task")
        self.discard_button = self._button(
            "Discard it", "discard", f"Stop the timer at {start:%H:%M}, when you left")
        self.stop_button = self._button("Stop now", "stop",
                                        "Keep the time and stop the timer now")
        self.task_combo = QComboBox()
        self.task_combo.setObjectName("idle_task")
        self.task_combo.setMinimumWidth(220)
        for task in choices:
            label = task.title if not task.project else f"{task.title} · {task.project}"
            self.task_combo.addItem(label, task.id)
        self.split_button = self._button(
            "Give it to:", "split", "Book the time away on another task; the timer goes on")
        self.split_button.setEnabled(bool(choices))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        rows = [(self.keep_button, "Count it on the running task."),
                (self.discard_button, f"Stop the timer at {start:%H:%M}."),
                (self.stop_button, "Keep it and stop the timer.")]
        for i, (button, text) in enumerate(rows):
            grid.addWidget(button, i, 0)
            grid.addWidget(QLabel(text), i, 1)
        split_row = QHBoxLayout()
        split_row.addWidget(self.task_combo, 1)
        grid.addWidget(self.split_button, len(rows), 0)
        grid.addLayout(split_row, len(rows), 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 16, 18, 16)
        box.setSpacing(10)
        box.addWidget(head)
        box.addWidget(detail)
        box.addLayout(grid)
        self.keep_button.setDefault(True)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    def _button(self, text: str, action: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"idle_{action}")
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda: self.choose(action))
        return button

    def choose(self, action: str) -> None:
        other = self.task_combo.currentData() if action == "split" else None
        self.decided.emit(action, other)
        self.accept()

    def reject(self) -> None:
        """Escape or closing the dialog keeps the time (the safe choice: nothing is lost)."""
        self.decided.emit("keep", None)
        super().reject()
