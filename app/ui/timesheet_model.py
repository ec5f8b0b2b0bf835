"""Item model of a timesheet's entries, and the texts its totals panel shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.time_dto import TimeEntryDTO
from app.services.time_rules import fmt_duration
from app.ui import theme

COLUMNS = ("Day", "Start", "End", "Time", "Task", "Project", "Note", "Billable")
DAY, START, END, TIME, TASK, PROJECT, NOTE, BILLABLE = range(len(COLUMNS))
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
# The widest text each fixed column shows (the view sizes columns from these).
COLUMN_SAMPLES = {DAY: "Wed 28", START: "00:00", END: "running", TIME: "000:00:00",
                  PROJECT: "A project name", NOTE: "A short note here", BILLABLE: "Billable"}

Index = QModelIndex | QPersistentModelIndex


class EntryTableModel(QAbstractTableModel):
    """Rows are TimeEntryDTOs, oldest first; ``reset`` replaces them all (a week is small)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[TimeEntryDTO] = []
        self._texts: list[list[str]] = []
        self.zone = ZoneInfo("UTC")
        self.now = datetime.now().astimezone()

    def reset(self, entries: list[TimeEntryDTO], zone: ZoneInfo, now: datetime,
              texts: list[list[str]] | None = None) -> None:
        """Show entries; ``texts`` (from ``sheet_rows``, made on the worker) saves the GUI
        thread formatting every cell."""
        self.beginResetModel()
        self.entries = list(entries)
        self.zone = zone
        self.now = now
        self._texts = texts if texts is not None else sheet_rows(entries, zone, now)
        self.endResetModel()

    def set_now(self, now: datetime) -> None:
        """Refresh the running entry's duration (one cell) without a reset."""
        self.now = now
        for row, entry in enumerate(self.entries):
            if entry.end is None:
                self._texts[row][TIME] = fmt_duration(entry.seconds(now))
                index = self.index(row, TIME)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def entry(self, row: int) -> TimeEntryDTO | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def row_of(self, entry_id: str) -> int:
        return next((i for i, e in enumerate(self.entries) if e.id == entry_id), -1)

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (TASK, NOTE, END):
            if col == END and e.end is None:
                return "The timer is running"
            return e.note if col == NOTE else e.task_title
        if role == Qt.ItemDataRole.ForegroundRole and e.end is None and col in (END, TIME):
            return theme.current().today
        if role == Qt.ItemDataRole.TextAlignmentRole and col == TIME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def row_texts(e: TimeEntryDTO, zone: ZoneInfo, now: datetime) -> list[str]:
    """The display text of every column of one entry (no Qt: callable on the worker)."""
    start = e.start.astimezone(zone)
    if e.end is None:
        end_text = "running"
    else:
        end = e.end.astimezone(zone)
        end_text = f"{end:%H:%M}" + ("" if end.date() == start.date() else " (+1)")
    return [f"{start:%a %d}", f"{start:%H:%M}", end_text, fmt_duration(e.seconds(now)),
            e.task_title, e.project or "", e.note.replace("\n", " "),
            "Yes" if e.billable else ""]


def sheet_rows(entries: Sequence[TimeEntryDTO], zone: ZoneInfo,
               now: datetime) -> list[list[str]]:
    return [row_texts(e, zone, now) for e in entries]
