"""The outline list: a QTreeView over TaskTreeModel with drag and drop, folding and rename."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from app.ui.task_delegate import TaskTitleDelegate
from app.ui.task_tree_model import DUE, PROJECT, TAGS, TASK_ID_ROLE, TITLE, TaskTreeModel


class TaskListView(QTreeView):
    """Tasks with their subtasks; keeps folding and selection across model resets.

    Signals:
        current_task_changed(object): the current task id (str) or None.
        task_activated(str): Enter on a task (open it in the editor).
        space_pressed(): Space on the list (toggle done of the selected tasks).
    """

    current_task_changed = Signal(object)
    task_activated = Signal(str)
    space_pressed = Signal()

    def __init__(self, model: TaskTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("task_list")
        self._model = model
        self.empty_text = "Nothing here. Press Ctrl+N to add a task."
        self._expanded: set[str] = set()
        self._restoring = False
        self._current_id: str | None = None
        self.setModel(model)
        self.setItemDelegateForColumn(TITLE, TaskTitleDelegate(model, self))
        self.setUniformRowHeights(True)  # essential at 100k rows
        self.setAllColumnsShowFocus(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setAnimated(False)
        self.setIndentation(18)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((DUE, 120), (TAGS, 130), (PROJECT, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.expanded.connect(self.on_expanded)
        self.collapsed.connect(self.on_collapsed)
        model.modelAboutToBeReset.connect(self.on_model_about_to_be_reset)
        model.modelReset.connect(self.on_model_reset)
        model.rowsInserted.connect(self.on_rows_inserted)

    # -- selection -------------------------------------------------------------------------
    def current_task_id(self) -> str | None:
        return self._current_id

    def selected_ids(self) -> list[str]:
        """Selected tasks in display order; the current task when nothing is selected."""
        rows = self.selectionModel().selectedRows(TITLE)
        ids = [str(i.data(TASK_ID_ROLE)) for i in rows]
        if not ids and self._current_id is not None:
            ids = [self._current_id]
        return ids

    def select_task(self, task_id: str) -> bool:
        index = self._model.reveal(task_id)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.expand(parent)
            parent = parent.parent()
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def currentChanged(self, current: QModelIndex | QPersistentModelIndex,
                       previous: QModelIndex | QPersistentModelIndex) -> None:
        super().currentChanged(current, previous)
        task = self._model.task(current)
        new_id = task.id if task is not None else None
        if new_id != self._current_id and not self._restoring:
            self._current_id = new_id
            self.current_task_changed.emit(new_id)

    # -- folding and resets ----------------------------------------------------------------
    def on_expanded(self, index: QModelIndex) -> None:
        task = self._model.task(index)
        if task is not None and not self._restoring:
            self._expanded.add(task.id)

    def on_collapsed(self, index: QModelIndex) -> None:
        task = self._model.task(index)
        if task is not None and not self._restoring:
            self._expanded.discard(task.id)

    def on_model_about_to_be_reset(self) -> None:
        self._restoring = True

    def on_model_reset(self) -> None:
        """Re-open folded-out tasks and keep the current task if it is still shown."""
        try:
            for task_id in list(self._expanded):
                index = self._model.index_for(task_id)
                if index.isValid():
                    self.expand(index)
            if self._current_id is not None:
                index = self._model.reveal(self._current_id)
                if index.isValid():
                    self.setCurrentIndex(index)
        finally:
            self._restoring = False
        task = self._model.task(self.currentIndex())
        new_id = task.id if task is not None else None
        if new_id != self._current_id:
            self._current_id = new_id
            self.current_task_changed.emit(new_id)

    def on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            self.expand(parent)
        elif self._expanded:  # a batch of top-level rows arrived: re-open folded-out ones
            for row in range(first, last + 1):
                index = self._model.index(row, TITLE)
                if index.data(TASK_ID_ROLE) in self._expanded:
                    self.expand(index)

    # -- keys and painting -----------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and self.state() != QAbstractItemView.State.EditingState
                and self._current_id is not None):
            self.task_activated.emit(self._current_id)
            return
        if (event.key() == Qt.Key.Key_Space and not event.modifiers()
                and self.state() != QAbstractItemView.State.EditingState):
            self.space_pressed.emit()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(self.palette().ColorRole.PlaceholderText))
            rect = self.viewport().rect().adjusted(24, 40, -24, 0)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, self.empty_text)
            painter.end()
