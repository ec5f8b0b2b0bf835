"""The reminders of one task: at due, N before, or at a time; several per task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.services.reminder_dto import RuleDTO
from app.services.reminders import ReminderService

PRESETS = (("At the due time", "0m"), ("5 minutes before", "5m"), ("10 minutes before", "10m"),
           ("15 minutes before", "15m"), ("30 minutes before", "30m"), ("1 hour before", "1h"),
           ("2 hours before", "2h"), ("1 day before", "1d"), ("2 days before", "2d"),
           ("1 week before", "1w"), ("At a date and time…", ""))


class TaskRemindersDialog(QDialog):
    """Signals:
        changed(): a rule was added or removed (after it was stored).
    """

    changed = Signal()

    def __init__(self, window: Any, service: ReminderService, task_id: str,
                 scheduler: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main = window
        self.service = service
        self.task_id = task_id
        self.scheduler = scheduler
        self.setObjectName("task_reminders_dialog")
        self.setWindowTitle("Task reminders")
        self.resize(420, 360)
        box = QVBoxLayout(self)
        self.title = QLabel("…")
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        self.list = QListWidget()
        box.addWidget(self.list, 1)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self.on_remove_clicked)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        box.addLayout(remove_row)
        row = QHBoxLayout()
        self.preset = QComboBox()
        for label, value in PRESETS:
            self.preset.addItem(label, value)
        self.preset.currentIndexChanged.connect(self.on_preset_current_index_changed)
        row.addWidget(self.preset, 1)
        self.when = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.when.hide()
        row.addWidget(self.when)
        add = QPushButton("Add")
        add.setObjectName("add_reminder_button")
        add.clicked.connect(self.on_add_clicked)
        row.addWidget(add)
        box.addLayout(row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        box.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        def load() -> tuple[str, list[RuleDTO]]:
            task = self.main.services.tasks.get(self.task_id)
            return task.title, self.service.rules.rules(self.task_id)

        self.main.worker.run(load, write=False, on_done=self._on_loaded,
                               on_error=self._on_error)

    def _on_loaded(self, loaded: tuple[str, list[RuleDTO]]) -> None:
        title, rules = loaded
        self.title.setText(f"Reminders for “{title}”. Without any, a task with a due time "
                           "reminds at the due time.")
        self.list.clear()
        for rule in rules:
            text = rule.describe()
            if rule.at is not None:
                text = f"at {rule.at.astimezone(self.service.clock.zone):%a %d %b %Y %H:%M}"
            item = QListWidgetItem(text, self.list)
            item.setData(256, rule.id)
        self.remove_button.setEnabled(bool(rules))

    def _on_error(self, error: UserFacingError) -> None:
        self.error.setText(str(error))
        self.error.show()

    def _stored(self, _result: object) -> None:
        self.error.hide()
        self.changed.emit()
        self.reload()
        if self.scheduler is not None:
            self.scheduler.data_changed()

    def on_preset_current_index_changed(self, _index: int) -> None:
        self.when.setVisible(not self.preset.currentData())

    def on_add_clicked(self) -> None:
        before = str(self.preset.currentData() or "")
        rules = self.service.rules
        if before:
            self.main.worker.run(lambda: rules.add(self.task_id, before=before),
                                 on_done=self._stored, on_error=self._on_error)
        else:
            local = self.when.dateTime().toSecsSinceEpoch()
            at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=local)
            self.main.worker.run(lambda: rules.add(self.task_id, at=at),
                                 on_done=self._stored, on_error=self._on_error)

    def on_remove_clicked(self) -> None:
        item = self.list.currentItem() or self.list.item(0)
        if item is not None:
            self.main.worker.run(self.service.rules.remove, str(item.data(256)),
                                 on_done=self._stored, on_error=self._on_error)
