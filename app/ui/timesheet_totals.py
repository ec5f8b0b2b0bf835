"""The totals under the timesheet: per project, per tag, and per task with estimate vs actual."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.services.time_dto import TaskTime, Timesheet, Total
from app.services.time_rules import fmt_duration
from app.ui import theme
from app.ui.qt_helpers import named

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def hours_text(seconds: int) -> str:
    """3h 5m 59s -> '3:05' (hours and minutes: enough next to an estimate)."""
    minutes = seconds // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def estimate_text(task: TaskTime) -> str:
    """'2:00 of 4:00 h (50%)', '… (125%, over)', or '1:00 h (no estimate)' — all time."""
    if task.estimate_minutes is None:
        return f"{hours_text(task.actual_seconds)} h (no estimate)"
    estimate = task.estimate_minutes * 60
    share = round(100 * task.actual_seconds / estimate)
    over = ", over" if task.actual_seconds > estimate else ""
    return f"{hours_text(task.actual_seconds)} of {hours_text(estimate)} h ({share}%{over})"


def _tree(name: str, headers: list[str], samples: list[str]) -> QTreeWidget:
    tree = named(QTreeWidget(), name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    metrics = tree.fontMetrics()
    for col, sample in enumerate(samples, start=1):
        # Fixed widths from samples: ResizeToContents would measure every row on each load.
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(col, metrics.horizontalAdvance(sample) + 16)
        tree.headerItem().setTextAlignment(col, _RIGHT)
    return tree


class TotalsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timesheet_totals")
        self.projects = _tree("totals_projects", ["Project", "Time"], ["0000:00:00"])
        self.tags = _tree("totals_tags", ["Tag", "Time"], ["0000:00:00"])
        self.tasks = _tree("totals_tasks", ["Task", "Time", "All time vs estimate"],
                           ["0000:00:00", "0000:00 of 0000:00 h (1000%, over)"])
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.projects, 2)
        box.addWidget(self.tags, 2)
        box.addWidget(self.tasks, 5)

    def show_sheet(self, sheet: Timesheet) -> None:
        _fill(self.projects, sheet.by_project)
        _fill(self.tags, sheet.by_tag)
        self.tasks.clear()
        for task in sheet.by_task:
            item = QTreeWidgetItem([task.title, fmt_duration(task.seconds), estimate_text(task)])
            item.setTextAlignment(1, _RIGHT)
            item.setTextAlignment(2, _RIGHT)
            item.setToolTip(0, task.title + (f" ({task.project})" if task.project else ""))
            if task.estimate_minutes is not None and \
                    task.actual_seconds > task.estimate_minutes * 60:
                item.setForeground(2, theme.current().overdue)
            self.tasks.addTopLevelItem(item)

    def texts(self) -> dict[str, list[list[str]]]:
        """What each list shows (tests and screenshots)."""
        out: dict[str, list[list[str]]] = {}
        for tree in (self.projects, self.tags, self.tasks):
            rows = []
            for i in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(i)
                assert item is not None
                rows.append([item.text(c) for c in range(tree.columnCount())])
            out[tree.objectName()] = rows
        return out


def _fill(tree: QTreeWidget, totals: tuple[Total, ...]) -> None:
    tree.clear()
    for total in totals:
        item = QTreeWidgetItem([total.key, fmt_duration(total.seconds)])
        item.setTextAlignment(1, _RIGHT)
        tree.addTopLevelItem(item)
