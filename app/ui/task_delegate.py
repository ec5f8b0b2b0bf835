"""Paints the list's title cell: a priority-coloured done circle, the title, subtask progress."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon, QMouseEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.dto import TaskDTO
from app.ui import theme
from app.ui.task_tree_model import TITLE, TaskTreeModel

Index = QModelIndex | QPersistentModelIndex
CIRCLE = 14
GAP = 8
ROW_HEIGHT = 26


class TaskTitleDelegate(QStyledItemDelegate):
    """Draws the done circle itself (clicking it toggles done) instead of a checkbox."""

    def __init__(self, model: TaskTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + CIRCLE + GAP, max(size.height(), ROW_HEIGHT))

    @staticmethod
    def circle_rect(cell: QRect) -> QRectF:
        top = cell.top() + (cell.height() - CIRCLE) / 2
        return QRectF(cell.left() + 4, top, CIRCLE, CIRCLE)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        task = self._model.task(index)
        if task is None or index.column() != TITLE:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.features &= ~(QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
                          | QStyleOptionViewItem.ViewItemFeature.HasDecoration)
        opt.text = ""
        opt.icon = QIcon()
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        self._paint_circle(painter, self.circle_rect(option.rect), task, selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = option.palette.color(role)
        muted = theme.current().muted
        if not task.is_open and not selected:
            text_color = muted
        text_rect = option.rect.adjusted(4 + CIRCLE + GAP, 0, -6, 0)
        badge = f"{task.subtasks_done}/{task.subtasks_total}" if task.subtasks_total else ""
        if badge:
            width = option.fontMetrics.horizontalAdvance(badge) + 10
            painter.setPen(option.palette.color(role) if selected else muted)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, badge)
            text_rect.setRight(text_rect.right() - width)
        font = QFont(opt.font)
        font.setStrikeOut(not task.is_open)
        painter.setFont(font)
        painter.setPen(text_color)
        elided = option.fontMetrics.elidedText(task.title, Qt.TextElideMode.ElideRight,
                                               text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         elided)
        painter.restore()

    @staticmethod
    def _paint_circle(painter: QPainter, rect: QRectF, task: TaskDTO,
                      selected: bool = False) -> None:
        colors = theme.current()
        color = QColor(colors.priority.get(task.priority, colors.muted))
        if not task.is_open:
            color = colors.muted
        if selected:  # a light disc keeps the coloured ring readable on the highlight
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff"))
            painter.drawEllipse(rect.adjusted(-1.5, -1.5, 1.5, 1.5))
        pen = QPen(color, 1.6 if task.priority < 4 else 1.2)
        painter.setPen(pen)
        fill = QColor(color)
        fill.setAlpha(40 if task.priority < 4 and task.is_open else 0)
        painter.setBrush(fill)
        painter.drawEllipse(rect)
        if task.status == "in_progress":
            path = QPainterPath()
            path.moveTo(rect.center())
            path.arcTo(rect, 90, 180)
            path.closeSubpath()
            painter.setBrush(color)
            painter.drawPath(path)
        elif task.status == "done":
            painter.setBrush(color)
            painter.drawEllipse(rect)
            check = QPen(QColor("#ffffff"), 1.6)
            painter.setPen(check)
            c = rect.center()
            path = QPainterPath(QPointF(c.x() - 3.2, c.y()))
            path.lineTo(c.x() - 0.8, c.y() + 2.4)
            path.lineTo(c.x() + 3.4, c.y() - 2.6)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        elif task.status == "cancelled":
            c = rect.center()
            painter.drawLine(QPointF(c.x() - 3, c.y() - 3), QPointF(c.x() + 3, c.y() + 3))
            painter.drawLine(QPointF(c.x() - 3, c.y() + 3), QPointF(c.x() + 3, c.y() - 3))

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: Index) -> bool:
        """A click on the circle toggles done (through the model's setData)."""
        if index.column() == TITLE and event.type() in (QEvent.Type.MouseButtonRelease,
                                                        QEvent.Type.MouseButtonDblClick):
            assert isinstance(event, QMouseEvent)
            hit = self.circle_rect(option.rect).adjusted(-3, -3, 3, 3)
            if event.button() == Qt.MouseButton.LeftButton and hit.contains(event.position()):
                if event.type() == QEvent.Type.MouseButtonRelease:
                    model.setData(index, Qt.CheckState.Checked.value,
                                  Qt.ItemDataRole.CheckStateRole)
                return True
        return super().editorEvent(event, model, option, index)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: Index) -> None:
        super().updateEditorGeometry(editor, option, index)
        rect = option.rect.adjusted(CIRCLE + GAP, 0, 0, 0)
        editor.setGeometry(rect)
