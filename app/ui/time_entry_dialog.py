"""Dialogs for manual time entries: add/edit (with trimming on overlap), split, move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.services.time_dto import RecentTask, TimeEntryDTO
from app.services.time_rules import local_instant
from app.ui import theme
from app.ui.qt_helpers import named

DATETIME_FORMAT = "ddd d MMM yyyy  HH:mm:ss"


@dataclass(frozen=True)
class EntryRequest:
    """What the user asked for: a new entry (entry_id None) or an edit."""

    entry_id: str | None
    task_id: str
    start: datetime
    end: datetime
    note: str
    billable: bool
    trim: bool


def to_qdatetime(value: datetime, zone: ZoneInfo) -> QDateTime:
    local = value.astimezone(zone)
    qdt = QDateTime(local.year, local.month, local.day, local.hour, local.minute, local.second)
    return qdt


def from_qdatetime(value: QDateTime, zone: ZoneInfo) -> datetime:
    """The wall time in ``zone`` as an aware instant (the earlier one in a repeated hour)."""
    d, t = value.date(), value.time()
    wall = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second())
    return local_instant(wall.date(), wall.time(), zone, fold=0)


def _datetime_edit(value: datetime, zone: ZoneInfo, name: str) -> QDateTimeEdit:
    edit = QDateTimeEdit(to_qdatetime(value, zone))
    edit.setObjectName(name)
    edit.setDisplayFormat(DATETIME_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def fill_tasks(combo: QComboBox, choices: list[RecentTask], current: str | None) -> None:
    combo.clear()
    for task in choices:
        label = task.title if not task.project else f"{task.title} · {task.project}"
        combo.addItem(label, task.id)
    if current is not None:
        index = combo.findData(current)
        if index < 0:
            combo.insertItem(0, "(current task)", current)
            index = 0
        combo.setCurrentIndex(index)


class EntryDialog(QDialog):
    """Add or edit one entry. The owner stores it and calls ``failed`` or ``accept``.

    Signals:
        save_requested(object): an EntryRequest to store.
    """

    save_requested = Signal(object)

    def __init__(self, zone: ZoneInfo, choices: list[RecentTask], now: datetime,
                 entry: TimeEntryDTO | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entry_dialog")
        self.setWindowTitle("Edit time entry" if entry else "Add time entry")
        self.zone = zone
        self.entry = entry
        start = entry.start if entry else now.replace(second=0, microsecond=0) - timedelta(hours=1)
        end = (entry.end or now) if entry else start + timedelta(hours=1)
        self.task_combo = named(QComboBox(), "entry_task")
        self.task_combo.setMinimumWidth(320)
        fill_tasks(self.task_combo, choices, entry.task_id if entry else None)
        self.start_edit = _datetime_edit(start, zone, "entry_start")
        self.end_edit = _datetime_edit(end, zone, "entry_end")
        self.running = entry is not None and entry.end is None
        self.end_edit.setEnabled(not self.running)
        self.note_edit = named(QLineEdit(entry.note if entry else ""), "entry_note")
        self.billable_box = named(QCheckBox("Billable"), "entry_billable")
        self.billable_box.setChecked(bool(entry and entry.billable))
        self.error_label = named(QLabel(), "entry_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {theme.current().error.name()};")
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("Task", self.task_combo)
        form.addRow("Start", self.start_edit)
        form.addRow("End", self.end_edit if not self.running else QLabel("running"))
        if self.running:
            self.end_edit.hide()
        form.addRow("Note", self.note_edit)
        form.addRow("", self.billable_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.trim_button = named(QPushButton("Trim the others and save"), "entry_trim")
        self.trim_button.setToolTip("Cut the overlapped parts off the other entries")
        self.buttons.addButton(self.trim_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.trim_button.hide()
        self.buttons.accepted.connect(lambda: self.submit(trim=False))
        self.buttons.rejected.connect(self.reject)
        self.trim_button.clicked.connect(lambda: self.submit(trim=True))
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addWidget(self.buttons)

    def request(self, *, trim: bool) -> EntryRequest:
        task_id = self.task_combo.currentData()
        if not isinstance(task_id, str):
            raise ValidationError("Choose a task.")
        start = from_qdatetime(self.start_edit.dateTime(), self.zone)
        end = (self.entry.end if self.running and self.entry and self.entry.end else
               from_qdatetime(self.end_edit.dateTime(), self.zone))
        return EntryRequest(self.entry.id if self.entry else None, task_id, start, end,
                            self.note_edit.text(), self.billable_box.isChecked(), trim)

    def submit(self, *, trim: bool) -> None:
        try:
            req = self.request(trim=trim)
        except ValidationError as exc:
            self.failed(str(exc), conflict=False)
            return
        self.buttons.setEnabled(False)
        self.save_requested.emit(req)

    def failed(self, message: str, *, conflict: bool) -> None:
        self.buttons.setEnabled(True)
        self.error_label.setText(message)
        self.error_label.show()
        self.trim_button.setVisible(conflict)


class SplitDialog(QDialog):
    """Choose where to cut an entry in two (default: its middle)."""

    def __init__(self, entry: TimeEntryDTO, zone: ZoneInfo, now: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("split_dialog")
        self.setWindowTitle("Split time entry")
        self.zone = zone
        end = entry.end or now
        middle = entry.start + (end - entry.start) / 2
        self.at_edit = _datetime_edit(middle.replace(microsecond=0), zone, "split_at")
        self.at_edit.setMinimumDateTime(to_qdatetime(entry.start, zone).addSecs(1))
        self.at_edit.setMaximumDateTime(to_qdatetime(end, zone).addSecs(-1))
        label = QLabel(f"“{entry.task_title}” becomes two entries, cut at:")
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(label)
        box.addWidget(self.at_edit)
        box.addWidget(buttons)
        self.setMinimumWidth(360)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def value(self) -> datetime:
        return from_qdatetime(self.at_edit.dateTime(), self.zone)
