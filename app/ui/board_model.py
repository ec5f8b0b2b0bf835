"""Item model for one kanban column: the cards of one status, in board order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.services.dto import STATUS_LABELS, TaskDTO

MIME_TYPE = "application/x-cadence-task-id"
TASK_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
PAGE = 300  # rows shown at first and added per fetchMore
_CARD_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)


def describe(task: TaskDTO) -> str:
    """A one-line spoken summary of a card for screen readers."""
    parts = [task.title, STATUS_LABELS.get(task.status, task.status), f"priority {task.priority}"]
    if task.project:
        parts.append(f"project {task.project}")
    if task.tags:
        parts.append("tags " + ", ".join(task.tags))
    if task.subtasks_total:
        parts.append(f"{task.subtasks_done} of {task.subtasks_total} subtasks done")
    return ", ".join(parts)


class ColumnModel(QAbstractListModel):
    """The cards of one status.  Holds plain TaskDTOs; row order is board order.

    Drops never change the model by themselves: they are turned into a move request
    naming the card's new neighbours, and the board decides what to do with it.

    Rows are revealed to the view a page at a time (canFetchMore/fetchMore): QListView
    lays out every row it is told about, at about a microsecond per row through PySide,
    so 100,000 rows at once would cost 120 ms; the full list is always held.

    Signals:
        move_requested(task_id, status, after_id, before_id): a card was dropped here.
    """

    move_requested = Signal(str, str, object, object)

    def __init__(self, status: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self._tasks: list[TaskDTO] = []
        self._shown = 0  # rows the view knows about: a prefix of _tasks
        self._rows: dict[str, int] | None = None  # built lazily, dropped on every change
        self._scans = 0

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._shown < len(self._tasks)

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self.reveal(self._shown + PAGE - 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._shown:
            return None
        task = self._tasks[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return task.title
        if role == TASK_ROLE:
            return task
        if role == ID_ROLE:
            return task.id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return describe(task)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        # Cards are not drop targets themselves, so a drop over a card lands above or
        # below it (the view picks the half), never "onto" it.
        return _CARD_FLAGS if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Any) -> QMimeData:
        mime = QMimeData()
        ids = [self._tasks[i.row()].id for i in indexes if i.isValid()]
        if ids:
            mime.setData(MIME_TYPE, ids[0].encode())
            mime.setText(self._tasks[indexes[0].row()].title)
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, _row: int, column: int, parent: _Index
    ) -> bool:
        return (
            data.hasFormat(MIME_TYPE)
            and action == Qt.DropAction.MoveAction
            and not parent.isValid()
            and column <= 0
        )

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        """Turn a drop at insertion ``row`` (-1 = at the end) into a move request."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        task_id = bytes(data.data(MIME_TYPE).data()).decode()
        if not task_id:
            return False
        return self.request_move(task_id, self._shown if row < 0 else row)

    # -- board API ---------------------------------------------------------------------------
    def set_tasks(self, tasks: list[TaskDTO], *, show: int = PAGE) -> None:
        """Replace every card (already grouped and ordered), revealing ``show`` rows."""
        self.beginResetModel()
        self._tasks = tasks
        self._shown = min(len(tasks), max(show, PAGE))
        self._rows, self._scans = None, 0
        self.endResetModel()

    def total(self) -> int:
        """All cards of the column, including those not revealed to the view yet."""
        return len(self._tasks)

    def reveal(self, row: int) -> None:
        """Make sure the view knows about ``row`` (and every row above it)."""
        last = min(row, len(self._tasks) - 1)
        if last >= self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, last)
            self._shown = last + 1
            self.endInsertRows()

    def task_at(self, row: int) -> TaskDTO:
        return self._tasks[row]

    def row_of(self, task_id: str) -> int | None:
        if self._rows is None:
            # The first lookups after a change scan (the selected card after a refresh is
            # usually near the top); only repeated ones pay for an index of every row.
            self._scans += 1
            if self._scans <= 2:
                return next((r for r, task in enumerate(self._tasks) if task.id == task_id), None)
            self._rows = {task.id: row for row, task in enumerate(self._tasks)}
        return self._rows.get(task_id)

    def neighbours(self, task_id: str, row: int) -> tuple[str | None, str | None] | None:
        """The (after_id, before_id) of a card inserted at ``row``, or None if it is a no-op.

        ``row`` counts in the current rows, which may still include the card itself.
        """
        row = max(0, min(row, len(self._tasks)))
        current = self.row_of(task_id)
        if current is not None and row in (current, current + 1):
            return None
        # Neither neighbour can be the card itself: that case is the no-op above.
        after = self._tasks[row - 1].id if row > 0 else None
        before = self._tasks[row].id if row < len(self._tasks) else None
        return after, before

    def request_move(self, task_id: str, row: int) -> bool:
        """Emit move_requested for the card landing at insertion ``row``; False if a no-op."""
        found = self.neighbours(task_id, row)
        if found is None:
            return False
        self.move_requested.emit(task_id, self.status, found[0], found[1])
        return True

    def take(self, row: int) -> TaskDTO:
        self.reveal(row)
        self.beginRemoveRows(QModelIndex(), row, row)
        task = self._tasks.pop(row)
        self._shown -= 1
        self._rows, self._scans = None, 0
        self.endRemoveRows()
        return task

    def insert(self, row: int, task: TaskDTO) -> None:
        if task.status != self.status:
            task = replace(task, status=self.status)
        self.reveal(row - 1)
        self.beginInsertRows(QModelIndex(), row, row)
        self._tasks.insert(row, task)
        self._shown += 1
        self._rows, self._scans = None, 0
        self.endInsertRows()

    def move_within(self, row: int, to: int) -> None:
        """Move the card at ``row`` so that it lands at insertion index ``to`` (old rows)."""
        if to in (row, row + 1):
            return
        self.reveal(max(row, to - 1))
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to)
        task = self._tasks.pop(row)
        self._tasks.insert(to - 1 if to > row else to, task)
        self._rows, self._scans = None, 0
        self.endMoveRows()

    def insertion_row(self, after_id: str | None, before_id: str | None) -> int:
        """Where a card between ``after_id`` and ``before_id`` goes (rows as they are now)."""
        if after_id is not None and (row := self.row_of(after_id)) is not None:
            return row + 1
        if before_id is not None and (row := self.row_of(before_id)) is not None:
            return row
        return 0
