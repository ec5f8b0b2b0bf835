"""The dashboard's controls: the range and filter bar and the baseline/target dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from app.services.analytics_types import PRESET_LABELS
from app.ui.dashboard_widgets import named


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class RangeBar(QWidget):
    """Range preset (or custom dates) and project/tag filters.

    Signals:
        changed(): the user picked another range or filter (valid custom dates only).
        invalid(str): the custom dates make no range (the message says why).
    """

    changed = Signal()
    invalid = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.range_combo = named(QComboBox(), "range_combo")
        for key, label in PRESET_LABELS.items():
            self.range_combo.addItem(label, key)
        self.first_edit = named(QDateEdit(), "first_edit")
        self.last_edit = named(QDateEdit(), "last_edit")
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.hide()
        self.project_combo = named(QComboBox(), "project_filter")
        self.tag_combo = named(QComboBox(), "tag_filter")
        self.project_combo.addItem("All projects", "")
        self.tag_combo.addItem("All tags", "")
        self.to_label = QLabel("to")
        self.to_label.hide()
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.range_combo)
        box.addWidget(self.first_edit)
        box.addWidget(self.to_label)
        box.addWidget(self.last_edit)
        box.addSpacing(12)
        box.addWidget(self.project_combo)
        box.addWidget(self.tag_combo)
        box.addStretch(1)
        self.range_combo.currentIndexChanged.connect(self.on_range_combo_changed)
        self.first_edit.editingFinished.connect(self.on_dates_edited)
        self.last_edit.editingFinished.connect(self.on_dates_edited)
        self.project_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.tag_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @property
    def preset(self) -> str:
        return str(self.range_combo.currentData())

    def custom_dates(self) -> tuple[date, date]:
        return pydate(self.first_edit.date()), pydate(self.last_edit.date())

    def set_dates(self, first: date, last: date) -> None:
        for edit, day in ((self.first_edit, first), (self.last_edit, last)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)

    def on_range_combo_changed(self, _index: int) -> None:
        custom = self.preset == "custom"
        for widget in (self.first_edit, self.to_label, self.last_edit):
            widget.setVisible(custom)
        self.changed.emit()

    def on_dates_edited(self) -> None:
        first, last = self.custom_dates()
        if last < first:
            self.invalid.emit(f"The range ends ({last:%d %b %Y}) before it starts "
                              f"({first:%d %b %Y}).")
            return
        self.changed.emit()

    def set_choices(self, projects: list[tuple[str, str]], tags: list[tuple[str, str]]) -> None:
        """(id, label) pairs; the current selections are kept when they still exist."""
        for combo, items, everything in ((self.project_combo, projects, "All projects"),
                                         (self.tag_combo, tags, "All tags")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for ident, label in items:
                combo.addItem(label, ident)
            found = combo.findData(current)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)


class TargetDialog(QDialog):
    """Baseline (automatic or a number a week) and the target above it."""

    def __init__(self, baseline: float | None, target: float, on_accept: Callable[
            [float | None, float], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Baseline and target")
        self.baseline = named(QDoubleSpinBox(), "baseline_spin")
        self.baseline.setRange(0, 10_000)
        self.baseline.setDecimals(1)
        self.baseline.setSpecialValueText("Automatic (first 4 full weeks)")
        self.baseline.setSuffix(" tasks a week")
        self.baseline.setValue(baseline or 0)
        self.target = named(QDoubleSpinBox(), "target_spin")
        self.target.setRange(-99, 1000)
        self.target.setDecimals(0)
        self.target.setSuffix(" % above the baseline")
        self.target.setValue(target)
        form = QFormLayout(self)
        form.addRow("Baseline:", self.baseline)
        form.addRow("Target:", self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.accepted.connect(lambda: on_accept(self.baseline.value() or None,
                                                self.target.value()))
