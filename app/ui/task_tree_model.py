"""The outline list's model: a task tree built off the GUI thread, cheap data(), row updates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from app.services.dto import STATUS_LABELS, TaskDTO
from app.ui import theme
from app.ui.formatting import due_text, is_overdue, tags_text
from app.ui.task_tree import ROOT, TreeData, build_tree, inside, plan_drop

MIME_TYPE = "application/x-cadence-task-ids"
TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Task", "Due", "Tags", "Project")
TITLE, DUE, TAGS, PROJECT = range(4)
BATCH = 1000  # top-level rows handed to the view at a time (its layout is O(rows shown))

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the default parent argument of Qt's model methods
_ROOT_FLAGS = Qt.ItemFlag.ItemIsDropEnabled
_CELL_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
               | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
_TITLE_FLAGS = _CELL_FLAGS | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
# Telling the view a row has no children spares it a hasChildren() call per row.
_LEAF_FLAGS = _TITLE_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


class TaskTreeModel(QAbstractItemModel):
    """Tasks as a tree: title (with done checkbox and priority dot), due, tags, project.

    The model never queries the database; its owner hands it data and applies the
    results of writes. Requests to change data are emitted as signals. Top-level rows
    reach the view in batches (canFetchMore/fetchMore) so that a reset costs the view
    O(BATCH), not O(all rows), on the GUI thread.

    Signals:
        status_toggle_requested(str): the checkbox of a task was clicked.
        rename_requested(str, str): a title was edited inline (task id, new title).
        move_requested(str, bool, object, object, object): a drop asked to move a task:
            (task id, reparent?, new parent id or None, after id, before id).
    """

    status_toggle_requested = Signal(str)
    rename_requested = Signal(str, str)
    move_requested = Signal(str, bool, object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = build_tree([])
        self.today = date.today()
        self.now = datetime.now(UTC)
        self.zone = ZoneInfo("UTC")
        self.reorderable = True
        self._shown = 0  # top-level rows the view knows about
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # -- loading ---------------------------------------------------------------------------
    def set_tree(self, data: TreeData, *, today: date, now: datetime, zone: ZoneInfo,
                 reorderable: bool, keep_rows: int = 0) -> None:
        """Swap in a prepared tree: O(1) here; the view lays out the first rows only.

        keep_rows: show at least this many top-level rows (what the user scrolled to).
        """
        self.beginResetModel()
        self._data = data
        self.today, self.now, self.zone = today, now, zone
        self.reorderable = reorderable
        self._shown = min(len(data.children(ROOT)), max(BATCH, keep_rows))
        self.endResetModel()

    def shown_rows(self) -> int:
        return self._shown

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._data.children(ROOT))

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self._show_up_to(self._shown + BATCH - 1)

    def _show_up_to(self, row: int) -> None:
        last = min(row, len(self._data.children(ROOT)) - 1)
        if last >= self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, last)
            self._shown = last + 1
            self.endInsertRows()

    def _root_row(self, node: int) -> int:
        while self._data.parent[node] != ROOT:
            node = self._data.parent[node]
        return self._data.row[node]

    def reveal(self, task_id: str) -> QModelIndex:
        """The index of a task, handing the view more top-level rows if it needs them."""
        node = self._data.node_of.get(task_id)
        if node is None:
            return QModelIndex()
        self._show_up_to(self._root_row(node))
        return self.index_for(task_id)

    def task_count(self) -> int:
        return len(self._data.node_of)

    def tasks(self) -> list[TaskDTO]:
        """The shown tasks in depth-first display order (for the board and tests)."""
        return self._data.in_order()

    def task(self, index: Index) -> TaskDTO | None:
        if not index.isValid():
            return None
        return self._data.tasks[index.internalId() - 1]

    def task_by_id(self, task_id: str) -> TaskDTO | None:
        node = self._data.node_of.get(task_id)
        return None if node is None else self._data.tasks[node]

    def index_for(self, task_id: str, column: int = 0) -> QModelIndex:
        """The task's index, invalid if it is not loaded or not yet shown (see reveal)."""
        node = self._data.node_of.get(task_id)
        if node is None or self._root_row(node) >= self._shown:
            return QModelIndex()
        return self.createIndex(self._data.row[node], column, node + 1)

    # -- single-row changes ----------------------------------------------------------------
    def update_task(self, task: TaskDTO) -> bool:
        """Replace one task's data in place; False if its place in the tree changed."""
        node = self._data.node_of.get(task.id)
        if node is None:
            return False
        old = self._data.tasks[node]
        assert old is not None
        if old.parent_id != task.parent_id:
            return False
        self._data.tasks[node] = task
        if self._root_row(node) < self._shown:
            self._row_changed(node)
        return True

    def remove_task(self, task_id: str) -> bool:
        """Drop one row that no longer belongs to the view; False if it has shown children."""
        node = self._data.node_of.get(task_id)
        if node is None:
            return True
        if self._data.children(node):
            return False
        p, row = self._data.parent[node], self._data.row[node]
        visible = self._root_row(node) < self._shown
        if visible:
            self.beginRemoveRows(self._index_of_node(p), row, row)
        self._data.detach(node)
        if visible:
            if p == ROOT:
                self._shown -= 1
            self.endRemoveRows()
        return True

    def append_task(self, task: TaskDTO) -> None:
        """Add a new task as the last child of its parent (or at the end of the top level)."""
        p = self._data.parent_node(task)
        count = len(self._data.children(p))
        visible = (self._root_row(p) < self._shown) if p != ROOT else self._shown == count
        if visible:
            self.beginInsertRows(self._index_of_node(p), count, count)
        self._data.attach(task)
        if visible:
            if p == ROOT:
                self._shown += 1
            self.endInsertRows()

    def move_task(self, task: TaskDTO, after_id: str | None, before_id: str | None) -> bool:
        """Apply a stored move: put task under its (new) parent next to after/before."""
        data = self._data
        node = data.node_of.get(task.id)
        if node is None:
            return False
        new_p = data.parent_node(task)
        dest = data.slot(node, new_p, after_id, before_id)
        old_p, old_row = data.parent[node], data.row[node]
        self._show_up_to(max(self._root_row(node),
                             self._root_row(new_p) if new_p != ROOT else dest))
        if new_p == old_p and dest == old_row:  # already in place
            data.tasks[node] = task
            self._row_changed(node)
            return True
        # moveRows counts the destination in the *old* sibling list of the new parent.
        dest_child = dest + 1 if new_p == old_p and dest >= old_row else dest
        moved = self.moveRows(self._index_of_node(old_p), old_row, 1,
                              self._index_of_node(new_p), dest_child)
        if moved:
            data.tasks[node] = task
            self._row_changed(node)
        return moved

    def _row_changed(self, node: int) -> None:
        row = self._data.row[node]
        self.dataChanged.emit(self.createIndex(row, 0, node + 1),
                              self.createIndex(row, len(COLUMNS) - 1, node + 1))

    # -- structure -------------------------------------------------------------------------
    def _node(self, index: Index) -> int:
        return index.internalId() - 1 if index.isValid() else ROOT

    def _index_of_node(self, node: int) -> QModelIndex:
        if node == ROOT:
            return QModelIndex()
        return self.createIndex(self._data.row[node], 0, node + 1)

    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self._node(parent)
        siblings = self._data.children(node)
        count = self._shown if node == ROOT else len(siblings)
        if 0 <= row < count and 0 <= column < len(COLUMNS):
            return self.createIndex(row, column, siblings[row] + 1)
        return QModelIndex()

    def parent(self, index: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        return self._index_of_node(self._data.parent[index.internalId() - 1])

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if not parent.isValid():
            return self._shown
        if parent.column() != 0:
            return 0
        return len(self._data.children(parent.internalId() - 1))

    def columnCount(self, parent: Index = NO_PARENT) -> int:  # noqa: ARG002
        return len(COLUMNS)

    def hasChildren(self, parent: Index = NO_PARENT) -> bool:
        return self.rowCount(parent) > 0

    def moveRows(self, sourceParent: Index, sourceRow: int, count: int,
                 destinationParent: Index, destinationChild: int) -> bool:
        """Move rows between sibling lists (only the in-memory tree; the store moved first)."""
        data = self._data
        src_p, dst_p = self._node(sourceParent), self._node(destinationParent)
        src = data.children(src_p)
        src_count = self._shown if src_p == ROOT else len(src)
        dst_count = self._shown if dst_p == ROOT else len(data.children(dst_p))
        if (count < 1 or sourceRow < 0 or sourceRow + count > src_count
                or not 0 <= destinationChild <= dst_count):
            return False
        if any(inside(data, n, dst_p) for n in src[sourceRow:sourceRow + count]):
            return False
        if not self.beginMoveRows(sourceParent, sourceRow, sourceRow + count - 1,
                                  destinationParent, destinationChild):
            return False
        data.relocate(src_p, sourceRow, count, dst_p, destinationChild)
        if (src_p == ROOT) != (dst_p == ROOT):
            self._shown += count if dst_p == ROOT else -count
        self.endMoveRows()
        return True

    # -- data ------------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called for every row when the view lays out: precomputed (enum "|" is slow).
        if not index.isValid():
            return _ROOT_FLAGS
        if index.column() != TITLE:
            return _CELL_FLAGS
        return _TITLE_FLAGS if index.internalId() - 1 in self._data.kids else _LEAF_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911, PLR0912
        if not index.isValid():
            return None
        task = self._data.tasks[index.internalId() - 1]
        if task is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TITLE:
                return task.title
            if col == DUE:
                return due_text(task, self.today, self.zone)
            if col == TAGS:
                return tags_text(task.tags)
            return task.project or "Inbox"
        if role == Qt.ItemDataRole.EditRole:
            return task.title if col == TITLE else None
        if role == TASK_ID_ROLE:
            return task.id
        if role == Qt.ItemDataRole.CheckStateRole and col == TITLE:
            if task.status == "in_progress":
                return Qt.CheckState.PartiallyChecked
            return Qt.CheckState.Unchecked if task.is_open else Qt.CheckState.Checked
        if role == Qt.ItemDataRole.DecorationRole and col == TITLE:
            return theme.current().priority_icon(task.priority)
        if role == Qt.ItemDataRole.ForegroundRole:
            colors = theme.current()
            if not task.is_open:
                return colors.muted
            if col == DUE and is_overdue(task, self.today, self.now):
                return colors.overdue
            if col == DUE and task.due_date == self.today:
                return colors.today
            if col in (TAGS, PROJECT):
                return colors.muted
            return None
        if role == Qt.ItemDataRole.FontRole and not task.is_open and col == TITLE:
            return self._strike
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE:
            return self._tooltip(task)
        return None

    def _tooltip(self, task: TaskDTO) -> str:
        lines = [task.title, f"{STATUS_LABELS.get(task.status, task.status)} · P{task.priority}"]
        if task.subtasks_total:
            lines.append(f"Subtasks: {task.subtasks_done}/{task.subtasks_total} done")
        if task.notes:
            lines.append(task.notes[:300])
        return "\n".join(lines)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        task = self.task(index)
        if task is None or index.column() != TITLE:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            self.status_toggle_requested.emit(task.id)
            return True
        if role == Qt.ItemDataRole.EditRole:
            text = str(value)
            if text.strip() and text != task.title:
                self.rename_requested.emit(task.id, text)
            return True
        return False

    # -- drag and drop ---------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        ids: list[str] = []
        for index in indexes:
            task = self.task(index)
            if task is not None and task.id not in ids:
                ids.append(task.id)
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray("\n".join(ids).encode()))
        return mime

    def _dropped_ids(self, data: QMimeData) -> list[str]:
        if not data.hasFormat(MIME_TYPE):
            return []
        raw = bytes(data.data(MIME_TYPE).data()).decode()
        return [i for i in raw.split("\n") if i in self._data.node_of]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                        column: int, parent: Index) -> bool:  # noqa: ARG002
        ids = self._dropped_ids(data)
        if not ids or action != Qt.DropAction.MoveAction:
            return False
        if row >= 0 and not self.reorderable:
            return False
        target = self._node(parent)  # a task cannot go inside itself or its own subtasks
        return not any(inside(self._data, self._data.node_of[i], target) for i in ids)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                     column: int, parent: Index) -> bool:
        """Turn a drop into move requests: on a row = make subtask; between rows = reorder."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        for move in plan_drop(self._data, self._dropped_ids(data), self._node(parent), row):
            self.move_requested.emit(*move)
        return True
