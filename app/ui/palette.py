"""The command palette (Ctrl+K): every enabled action, fuzzy-filtered as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.board_delegate import mix

SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 1
MATCH_ROLE = Qt.ItemDataRole.UserRole + 2
VISIBLE_ROWS = 10
_Index = QModelIndex | QPersistentModelIndex
_STEPS = {
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageUp: -VISIBLE_ROWS,
    Qt.Key.Key_PageDown: VISIBLE_ROWS,
}


def plain_text(text: str) -> str:
    """An action's text without mnemonic ampersands ("&&" stays one "&") or "..."."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _word_starts(text: str) -> set[int]:
    return {
        i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())
    }


def _subsequence(query: str, text: str, starts: set[int], prefer_starts: bool) -> list[int] | None:
    positions: list[int] = []
    at = 0
    for ch in query:
        found = -1
        if prefer_starts:
            found = next((i for i in sorted(starts) if i >= at and text[i] == ch), -1)
        if found < 0:
            found = text.find(ch, at)
        if found < 0:
            return None
        positions.append(found)
        at = found + 1
    return positions


def fuzzy_match(query: str, text: str) -> tuple[int, tuple[int, ...]] | None:
    """(score, matched character positions) when ``query`` matches ``text``; higher is better.

    Case-insensitive.  A substring beats a scattered subsequence; matches at word starts,
    runs of adjacent characters and early positions score higher.
    """
    needle = " ".join(query.casefold().split())
    hay = text.casefold()
    if not needle:
        return 0, ()
    starts = _word_starts(hay)
    at = hay.find(needle)
    if at >= 0:
        bonus = 300 if at == 0 else 150 if at in starts else 0
        return 2000 + bonus - at, tuple(range(at, at + len(needle)))
    compact = needle.replace(" ", "")
    best: tuple[int, tuple[int, ...]] | None = None
    for prefer in (True, False):
        positions = _subsequence(compact, hay, starts, prefer)
        if positions is None:
            continue
        runs = sum(1 for a, b in zip(positions, positions[1:], strict=False) if b == a + 1)
        at_starts = sum(1 for p in positions if p in starts)
        gaps = positions[-1] - positions[0] + 1 - len(positions)
        score = 1000 + 40 * at_starts + 20 * runs - 2 * gaps - positions[0]
        if best is None or score > best[0]:
            best = score, tuple(positions)
    return best


@dataclass(frozen=True)
class Command:
    action: QAction
    text: str
    shortcut: str


class CommandModel(QAbstractListModel):
    """The commands that match the current query, best first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._commands: list[Command] = []
        self._rows: list[tuple[Command, tuple[int, ...]]] = []
        self._query = ""

    def set_actions(self, actions: list[QAction]) -> None:
        self._commands = [
            Command(
                action,
                plain_text(action.text()),
                action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            )  # fmt: skip
            for action in actions
            if action.isEnabled() and not action.isSeparator() and plain_text(action.text())
        ]
        self.set_query(self._query)

    def set_query(self, query: str) -> None:
        self.beginResetModel()
        self._query = query
        scored = []
        for order, command in enumerate(self._commands):
            found = fuzzy_match(query, command.text)
            if found is not None:
                scored.append((-found[0], len(command.text), order, command, found[1]))
        if query.strip():  # best first; an empty query keeps the actions' own order
            scored.sort(key=lambda row: row[:3])
        self._rows = [(command, positions) for *_, command, positions in scored]
        self.endResetModel()

    def action_at(self, row: int) -> QAction:
        return self._rows[row][0].action

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        command, positions = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return command.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return command.action.toolTip() or command.text
        if role == SHORTCUT_ROLE:
            return command.shortcut
        if role == MATCH_ROLE:
            return positions
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class CommandDelegate(QStyledItemDelegate):
    """A row: the command with matched letters in bold, its shortcut right-aligned."""

    def sizeHint(self, option: QStyleOptionViewItem, _index: _Index) -> QSize:
        return QSize(200, QFontMetrics(option.font).height() + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        inner = rect.adjusted(12, 0, -12, 0)
        shortcut = str(index.data(SHORTCUT_ROLE) or "")
        font = QFont(option.font)
        if shortcut:
            painter.setFont(font)
            muted = palette.color(text_role if selected else QPalette.ColorRole.PlaceholderText)
            painter.setPen(muted)
            painter.drawText(
                inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shortcut
            )
            inner.setRight(inner.right() - QFontMetrics(font).horizontalAdvance(shortcut) - 16)
        painter.setPen(palette.color(text_role))
        self._paint_matched(
            painter, inner, str(index.data()), set(index.data(MATCH_ROLE) or ()), font
        )
        painter.restore()

    @staticmethod
    def _paint_matched(
        painter: QPainter, rect: QRect, text: str, matched: set[int], font: QFont
    ) -> None:
        bold = QFont(font)
        bold.setBold(True)
        x = rect.left()
        runs: list[tuple[str, bool]] = []
        for i, ch in enumerate(text):
            hit = i in matched
            if runs and runs[-1][1] == hit:
                runs[-1] = (runs[-1][0] + ch, hit)
            else:
                runs.append((ch, hit))
        painter.setClipRect(rect)
        for run, hit in runs:
            use = bold if hit else font
            painter.setFont(use)
            width = QFontMetrics(use).horizontalAdvance(run)
            painter.drawText(
                QRect(x, rect.top(), width + 1, rect.height()), Qt.AlignmentFlag.AlignVCenter, run
            )
            x += width


class CommandPalette(QDialog):
    """A popup listing every enabled action; type to filter, Enter runs, Escape closes."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("command-palette")
        self._border = QColor()
        self._actions = list(actions)
        self.model = CommandModel(self)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Type a command…")
        self.input.setAccessibleName("Command")
        self.input.setClearButtonEnabled(False)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(CommandDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.clicked.connect(self.on_list_clicked)
        bigger = QFont(self.input.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.15)
        self.input.setFont(bigger)
        self.input.setMinimumHeight(QFontMetrics(bigger).height() + 14)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 9, 9, 9)
        layout.setSpacing(6)
        layout.addWidget(self.input)
        layout.addWidget(self.list)
        self.input.textChanged.connect(self.on_input_text_changed)
        self.input.installEventFilter(self)
        self._apply_theme()

    def set_actions(self, actions: list[QAction]) -> None:
        self._actions = list(actions)

    def open_palette(self) -> None:
        """Show the palette centred over the parent, with every currently enabled action."""
        self.model.set_actions(self._actions)
        self.input.clear()
        self.on_input_text_changed("")
        self._place()
        self.show()  # a popup: on top, takes the keyboard, closes on a click outside
        self.activateWindow()
        self.input.setFocus(Qt.FocusReason.PopupFocusReason)

    def current_action(self) -> QAction | None:
        index = self.list.currentIndex()
        return self.model.action_at(index.row()) if index.isValid() else None

    def trigger_current(self) -> None:
        action = self.current_action()
        if action is None:
            return
        self.accept()  # close first, so whatever the action opens is not under the popup
        action.trigger()

    def step(self, delta: int) -> None:
        """Move the highlighted row; single steps wrap around, page steps stop at the ends."""
        count = self.model.rowCount()
        if not count:
            return
        row = self.list.currentIndex().row() + delta
        row = row % count if abs(delta) == 1 else max(0, min(row, count - 1))
        self.list.setCurrentIndex(self.model.index(row, 0))

    # -- internals ---------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        # A popup has no window frame: a border that stands out in light and dark.  Painted
        # rather than style-sheeted so that palette changes still reach the children.
        window = self.palette().color(QPalette.ColorRole.Window)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self._border = mix(window, text, 0.35)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))
        painter.setPen(self._border)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()

    def _place(self) -> None:
        row = self.list.sizeHintForRow(0) if self.model.rowCount() else 30
        row = max(row, QFontMetrics(self.font()).height() + 14)
        self.list.setFixedHeight(row * VISIBLE_ROWS + 2)
        parent = self.parentWidget()
        if parent is not None:
            area = QRect(parent.mapToGlobal(QPoint(0, 0)), parent.size())
        else:
            area = self.screen().availableGeometry()
        width = max(360, min(640, area.width() - 80))
        self.resize(width, self.sizeHint().height())
        self.adjustSize()
        self.resize(width, self.height())
        self.move(area.center() - QPoint(width // 2, self.height() // 2))

    def on_input_text_changed(self, text: str) -> None:
        self.model.set_query(text)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def on_list_clicked(self, index: QModelIndex) -> None:
        self.list.setCurrentIndex(index)
        self.trigger_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            key = event.key()
            if key in _STEPS:
                self.step(_STEPS[Qt.Key(key)])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.trigger_current()
                return True
            if key == Qt.Key.Key_Escape:
                self.reject()
                return True
        return super().eventFilter(watched, event)
