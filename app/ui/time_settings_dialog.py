"""Time-tracking settings: idle threshold, Pomodoro lengths, the e-mail for CSV exports."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.pomodoro import PomodoroConfig
from app.services.time_settings import TimeSettings
from app.ui.qt_helpers import named


def _spin(value: int, low: int, high: int, suffix: str, name: str) -> QSpinBox:
    spin = named(QSpinBox(), name)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class TimeSettingsDialog(QDialog):
    """Signals:
        saved(object): the TimeSettings to store.
    """

    saved = Signal(object)

    def __init__(self, settings: TimeSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("time_settings_dialog")
        self.setWindowTitle("Time-tracking settings")
        p = settings.pomodoro
        self.idle = _spin(settings.idle_minutes, 0, 240, " min", "settings_idle")
        self.idle.setSpecialValueText("off")
        self.work = _spin(p.work_minutes, 1, 240, " min", "settings_work")
        self.short = _spin(p.short_break_minutes, 1, 120, " min", "settings_short")
        self.long = _spin(p.long_break_minutes, 1, 240, " min", "settings_long")
        self.cycles = _spin(p.cycles, 1, 12, " sessions", "settings_cycles")
        self.email = named(QLineEdit(settings.email), "settings_email")
        self.email.setPlaceholderText("the Email column of CSV exports")
        self.email.setMinimumWidth(240)
        form = QFormLayout()
        form.addRow("Ask about idle time after", self.idle)
        form.addRow(QLabel("<b>Pomodoro</b>"))
        form.addRow("Focus", self.work)
        form.addRow("Short break", self.short)
        form.addRow("Long break", self.long)
        form.addRow("Long break after", self.cycles)
        form.addRow("E-mail", self.email)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)

    def value(self) -> TimeSettings:
        return TimeSettings(
            self.idle.value(),
            PomodoroConfig(self.work.value(), self.short.value(), self.long.value(),
                           self.cycles.value()),
            self.email.text().strip(),
        )

    def save(self) -> None:
        self.saved.emit(self.value())
        self.accept()
