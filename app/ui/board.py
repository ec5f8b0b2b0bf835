"""The kanban board: one list view per status column, cards painted by a delegate."""

from __future__ import annotations

from operator import attrgetter

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.clock import Clock
from app.services.dto import STATUS_LABELS, TaskDTO
from app.ui.board_delegate import CardDelegate, CardTheme
from app.ui.board_model import ColumnModel

COLUMNS = ("todo", "in_progress", "done", "cancelled")
_ARROWS = {Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right"}
_MOVES = {
    Qt.Key.Key_Left: "move_left",
    Qt.Key.Key_Right: "move_right",
    Qt.Key.Key_Up: "move_up",
    Qt.Key.Key_Down: "move_down",
}
_MOVE_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class CardListView(QListView):
    """One column of cards; turns board keys into named actions.

    Signals:
        key_action(name): left, right, move_left, move_right, move_up, move_down,
            activate or toggle.
    """

    key_action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)  # the view asks the delegate for one size, not 100k
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == _MOVE_MODIFIERS and key in _MOVES:
            self.key_action.emit(_MOVES[key])
        elif mods == Qt.KeyboardModifier.NoModifier and key in _ARROWS:
            self.key_action.emit(_ARROWS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.key_action.emit("activate")
        elif key == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.NoModifier:
            self.key_action.emit("toggle")
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(8, 24, -8, 0)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(area, flags, "No tasks")
            painter.end()

    def keep_scroll(self) -> int:
        return self.verticalScrollBar().value()

    def restore_scroll(self, value: int) -> None:
        self.doItemsLayout()  # the range is only known after layout (C++, uniform sizes: fast)
        self.verticalScrollBar().setValue(value)


class _Column(QFrame):
    """A rounded panel holding a column's header and its card list."""

    def __init__(self, status: str, view: CardListView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"board-column-{status}")
        self.title = QLabel(STATUS_LABELS[status])
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.count = QLabel("0")
        self.header = QHBoxLayout()
        self.header.setContentsMargins(14, 10, 10, 4)
        self.header.setSpacing(8)
        self.header.addWidget(self.title)
        self.header.addWidget(self.count)
        self.header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(0)
        layout.addLayout(self.header)
        layout.addWidget(view, 1)
        self.setMinimumWidth(220)
        self._background = QColor(self.palette().color(QPalette.ColorRole.Window))

    def set_theme(self, theme: CardTheme) -> None:
        # Painted here rather than with a style sheet: style sheets stop palette changes
        # from reaching child widgets, and the board must follow light/dark switches.
        self._background = theme.column
        palette = self.count.palette()
        palette.setColor(QPalette.ColorRole.WindowText, theme.muted)
        self.count.setPalette(palette)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._background)
        painter.drawRoundedRect(QRectF(self.rect()), 8.0, 8.0)
        painter.end()


class BoardView(QWidget):
    """Kanban board over TaskDTOs.  Cancelled is a fourth column, hidden until the
    "Show cancelled" button in the Done header is pressed (or a cancelled card is selected).

    Moves are shown at once (the card jumps to its new place) and requested from the
    owner, who must call ``set_tasks`` again after the write, whether it worked or not.

    Signals:
        task_selected(task_id): the selected card changed.
        task_activated(task_id): a card was double-clicked or Enter was pressed on it.
        move_requested(task_id, status, after_id, before_id): a card was dropped or moved
            with Ctrl+Shift+arrows; after/before are its new neighbours (None at an end).
        status_toggle_requested(task_id): the done circle was clicked or Space pressed.
    """

    task_selected = Signal(str)
    task_activated = Signal(str)
    move_requested = Signal(str, str, object, object)
    status_toggle_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self._delegate = CardDelegate(self, clock)
        self._delegate.toggle_requested.connect(self.status_toggle_requested)
        self._models: dict[str, ColumnModel] = {}
        self._views: dict[str, CardListView] = {}
        self._columns: dict[str, _Column] = {}
        self._selected: str | None = None
        self._syncing = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        for status in COLUMNS:
            layout.addWidget(self._make_column(status), 1)
        self.cancelled_button = QToolButton()
        self.cancelled_button.setCheckable(True)
        self.cancelled_button.setAutoRaise(True)
        self.cancelled_button.setToolTip("Show or hide the Cancelled column")
        self.cancelled_button.toggled.connect(self.set_cancelled_visible)
        self._columns["done"].header.addWidget(self.cancelled_button)
        for column in self._columns.values():  # same header height with or without the button
            column.title.setFixedHeight(self.cancelled_button.sizeHint().height())
        self._columns["cancelled"].hide()
        self._apply_theme()
        self._update_counts()

    def _make_column(self, status: str) -> _Column:
        model = ColumnModel(status, self)
        model.move_requested.connect(self._on_model_move_requested)
        view = CardListView()
        view.setObjectName(f"board-list-{status}")
        view.setModel(model)
        view.setItemDelegate(self._delegate)
        view.selectionModel().selectionChanged.connect(
            lambda sel, _desel, s=status: self._on_selection_changed(s, sel)
        )
        view.doubleClicked.connect(lambda index, m=model: self._activate(m, index))
        view.key_action.connect(lambda name, s=status: self._on_key_action(s, name))
        self._models[status], self._views[status] = model, view
        self._columns[status] = _Column(status, view)
        return self._columns[status]

    # -- public API --------------------------------------------------------------------------
    def set_clock(self, clock: Clock) -> None:
        """The clock that decides "Today" and what is overdue."""
        self._delegate.clock = clock
        for view in self._views.values():
            view.viewport().update()

    def set_tasks(self, tasks: list[TaskDTO]) -> None:
        """Show ``tasks`` grouped by status and ordered by position, keeping the
        selection and each column's scroll position."""
        groups: dict[str, list[TaskDTO]] = {status: [] for status in COLUMNS}
        appenders = {status: group.append for status, group in groups.items()}
        for task in tasks:
            add = appenders.get(task.status)
            if add is not None:
                add(task)
        selected = self.selected_task_id()
        scrolls = {status: view.keep_scroll() for status, view in self._views.items()}
        by_position = attrgetter("position")
        self._syncing = True
        try:
            for status, group in groups.items():
                group.sort(key=by_position)
                model = self._models[status]
                model.set_tasks(group, show=model.rowCount())
                self._views[status].restore_scroll(scrolls[status])
        finally:
            self._syncing = False
        if selected is not None and self._locate(selected) is not None:
            self._select(selected, scroll=False)  # the same card: no new task_selected
        else:
            self._selected = None
        self._update_counts()

    def select_task(self, task_id: str) -> None:
        """Select (and scroll to) a card; emits task_selected if the selection changed."""
        if self._locate(task_id) is not None:
            self._select(task_id, scroll=True)

    def selected_task_id(self) -> str | None:
        for status, view in self._views.items():
            rows = view.selectionModel().selectedRows()
            if rows:
                return self._models[status].task_at(rows[0].row()).id
        return None

    def set_cancelled_visible(self, visible: bool) -> None:
        self._columns["cancelled"].setVisible(visible)
        self.cancelled_button.setChecked(visible)
        self._update_counts()

    def cancelled_visible(self) -> bool:
        return not self._columns["cancelled"].isHidden()

    def column_view(self, status: str) -> CardListView:
        """The list view of one column (for the owner's focus handling and for tests)."""
        return self._views[status]

    def column_model(self, status: str) -> ColumnModel:
        return self._models[status]

    def focusInEvent(self, event: QFocusEvent) -> None:
        """``board.setFocus()`` lands in the column of the selected card (or the first one)."""
        super().focusInEvent(event)
        shown = [s for s in COLUMNS if not self._columns[s].isHidden()]
        with_cards = [s for s in shown if self._models[s].rowCount()]
        selected = [s for s in shown if self._views[s].selectionModel().hasSelection()]
        target = (selected or with_cards or shown)[0]
        view = self._views[target]
        if not selected and with_cards:
            view.setCurrentIndex(self._models[target].index(0, 0))
        view.setFocus(event.reason())

    # -- internals ---------------------------------------------------------------------------
    def _locate(self, task_id: str) -> tuple[str, int] | None:
        for status, model in self._models.items():
            row = model.row_of(task_id)
            if row is not None:
                return status, row
        return None

    def _select(self, task_id: str, *, scroll: bool, focus: bool = False) -> None:
        found = self._locate(task_id)
        if found is None:
            return
        status, row = found
        if status == "cancelled":
            self.set_cancelled_visible(True)
        view, model = self._views[status], self._models[status]
        model.reveal(row)
        index = model.index(row, 0)
        view.setCurrentIndex(index)
        if scroll:
            view.scrollTo(index)
        if focus:
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_selection_changed(self, status: str, selected: QItemSelection) -> None:
        if self._syncing or selected.isEmpty():
            return
        task_id = self._models[status].task_at(selected.indexes()[0].row()).id
        self._syncing = True
        try:
            for other, view in self._views.items():
                if other != status:
                    view.selectionModel().clear()
        finally:
            self._syncing = False
        if task_id != self._selected:
            self._selected = task_id
            self.task_selected.emit(task_id)

    def _activate(self, model: ColumnModel, index: QModelIndex) -> None:
        if index.isValid():
            self.task_activated.emit(model.task_at(index.row()).id)

    def _visible_neighbour(self, status: str, step: int, *, non_empty: bool) -> str | None:
        shown = [s for s in COLUMNS if not self._columns[s].isHidden()]
        i = shown.index(status) + step
        while 0 <= i < len(shown):
            if not non_empty or self._models[shown[i]].rowCount() > 0:
                return shown[i]
            i += step
        return None

    def _on_key_action(self, status: str, name: str) -> None:
        view, model = self._views[status], self._models[status]
        current = view.currentIndex()
        if not current.isValid():
            return
        task_id, row = model.task_at(current.row()).id, current.row()
        step = -1 if name.endswith("left") else 1
        if name in ("left", "right"):
            target = self._visible_neighbour(status, step, non_empty=True)
            if target is not None:
                self._focus_across(view, current, target)
        elif name in ("move_left", "move_right"):
            target = self._visible_neighbour(status, step, non_empty=False)
            if target is not None:
                self._models[target].request_move(task_id, 0)
        elif name == "move_up":
            model.request_move(task_id, row - 1)
        elif name == "move_down":
            model.request_move(task_id, row + 2)
        elif name == "activate":
            self.task_activated.emit(task_id)
        elif name == "toggle":
            self.status_toggle_requested.emit(task_id)

    def _focus_across(self, view: CardListView, current: QModelIndex, target: str) -> None:
        """Select the card of ``target`` at the same height as the current one."""
        other = self._views[target]
        y = view.visualRect(current).center().y()
        point = other.viewport().mapFromGlobal(view.viewport().mapToGlobal(QPoint(8, y)))
        index = other.indexAt(QPoint(8, point.y()))
        if not index.isValid():
            model = self._models[target]
            index = model.index(model.rowCount() - 1 if point.y() > 0 else 0, 0)
        other.setCurrentIndex(index)
        other.scrollTo(index)
        other.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_model_move_requested(
        self, task_id: str, status: str, after_id: str | None, before_id: str | None
    ) -> None:
        found = self._locate(task_id)
        if found is None:
            return  # not a card of this board
        source, row = found
        target = self._models[status]
        had_focus = any(view.hasFocus() for view in self._views.values())
        if source == status:
            target.move_within(row, target.insertion_row(after_id, before_id))
        else:
            task = self._models[source].take(row)
            target.insert(target.insertion_row(after_id, before_id), task)
            self._update_counts()
        self._select(task_id, scroll=True, focus=had_focus)
        self.move_requested.emit(task_id, status, after_id, before_id)

    def _update_counts(self) -> None:
        for status, column in self._columns.items():
            column.count.setText(f"{self._models[status].total():,}")
        cancelled = self._models["cancelled"].total()
        verb = "Hide" if self.cancelled_visible() else "Show"
        self.cancelled_button.setText(f"{verb} cancelled ({cancelled:,})")

    def _apply_theme(self) -> None:
        theme = CardTheme.of(self.palette())
        self._delegate.theme = theme
        for status, view in self._views.items():
            palette = view.palette()
            palette.setColor(QPalette.ColorRole.Base, theme.column)
            view.setPalette(palette)
            self._columns[status].set_theme(theme)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()
