"""Paints kanban cards: priority stripe, two-line title, due, subtasks, tags and project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.services.clock import Clock
from app.services.dto import TaskDTO
from app.ui import theme as app_theme
from app.ui.board_model import ID_ROLE, TASK_ROLE

MARGIN_X, MARGIN_Y = 8, 4  # around each card, inside its item rect (keeps drops gap-free)
PAD, STRIPE, RADIUS, GAP = 10, 4, 6.0, 8
_Index = QModelIndex | QPersistentModelIndex


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


@dataclass(frozen=True)
class CardTheme:
    """Card colours from the palette roles plus the app's semantic colours (app.ui.theme)."""

    column: QColor
    card: QColor
    border: QColor
    text: QColor
    muted: QColor
    chip: QColor
    highlight: QColor
    overdue: QColor
    today: QColor
    priority: dict[int, QColor]  # the stripe and circle colour; P4 has no stripe

    @classmethod
    def of(cls, palette: QPalette) -> CardTheme:
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        dark = is_dark(palette)
        semantic = app_theme.current()
        column = mix(window, text, 0.045) if not dark else mix(window, QColor("black"), 0.25)
        card = palette.color(QPalette.ColorRole.Base) if not dark else mix(window, text, 0.07)
        return cls(
            column=column,
            card=card,
            border=mix(card, text, 0.16),
            text=text,
            muted=mix(text, card, 0.42),
            chip=mix(card, text, 0.08),
            highlight=palette.color(QPalette.ColorRole.Highlight),
            overdue=semantic.overdue,
            today=semantic.today,
            priority=semantic.priority,
        )


def small_font(font: QFont) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * 0.86)
    else:
        small.setPixelSize(max(9, round(font.pixelSize() * 0.86)))
    return small


def day_label(day: date, today: date) -> str:
    """ "Today", "Tomorrow", "Yesterday" or "Mon 30 Nov" (with the year when not this year)."""
    names = {today: "Today", today + timedelta(days=1): "Tomorrow"}
    names[today - timedelta(days=1)] = "Yesterday"
    if day in names:
        return names[day]
    label = f"{day:%a} {day.day} {day:%b}"
    return label if day.year == today.year else f"{label} {day.year}"


def due_text(task: TaskDTO, now: datetime, zone: ZoneInfo) -> tuple[str, bool, bool] | None:
    """(label, overdue, due today) for a card, or None when the task has no due."""
    today = now.astimezone(zone).date()
    if task.due_at is not None:
        local = task.due_at.astimezone(zone)
        day, label = local.date(), f"{day_label(local.date(), today)} {local:%H:%M}"
        overdue = task.due_at < now
    elif task.due_date is not None:
        day, label = task.due_date, day_label(task.due_date, today)
        overdue = day < today
    else:
        return None
    if task.recurrence:
        label += " \u21bb"
    return label, overdue and task.is_open, day == today and task.is_open


def title_lines(title: str, font: QFont, width: int) -> list[str]:
    """The title wrapped into at most two lines, the second elided."""
    title = " ".join(title.split())
    fm = QFontMetrics(font)
    layout = QTextLayout(title, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    end = len(title)
    if line.isValid():
        line.setLineWidth(width)
        end = line.textStart() + line.textLength()
    layout.endLayout()
    first, rest = title[:end].rstrip(), title[end:].strip()
    first = fm.elidedText(first, Qt.TextElideMode.ElideRight, width)
    return [first, fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)] if rest else [first]


@dataclass(frozen=True)
class CardBox:
    """Where each part of a card goes inside its item rect."""

    card: QRect
    check: QRect
    title: QRect
    meta: QRect

    @classmethod
    def of(cls, rect: QRect, font: QFont) -> CardBox:
        line = QFontMetrics(font).lineSpacing()
        chip = QFontMetrics(small_font(font)).height() + 4
        card = rect.adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        size = min(line, 18)
        left = card.left() + STRIPE + PAD
        check = QRect(left, card.top() + PAD + (line - size) // 2, size, size)
        text_left = check.right() + 1 + GAP
        width = card.right() - PAD - text_left
        title = QRect(text_left, card.top() + PAD, width, 2 * line)
        meta = QRect(text_left, title.bottom() + 1 + GAP, width, chip)
        return cls(card, check, title, meta)

    @staticmethod
    def height(font: QFont) -> int:
        line = QFontMetrics(font).lineSpacing()
        chip = QFontMetrics(small_font(font)).height() + 4
        return 2 * MARGIN_Y + 2 * PAD + 2 * line + GAP + chip


class CardDelegate(QStyledItemDelegate):
    """Paints one card per row (no widget per card); clicks on the circle toggle done.

    Signals:
        toggle_requested(task_id): the card's done circle was clicked.
    """

    toggle_requested = Signal(str)

    def __init__(self, parent: QObject | None = None, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.clock = clock or Clock()
        # Set by the board from its own palette: the views' palettes carry the column colour.
        self.theme = CardTheme.of(QGuiApplication.palette())

    def sizeHint(self, option: QStyleOptionViewItem, _index: _Index) -> QSize:
        return QSize(max(option.rect.width(), 200), CardBox.height(option.font))

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        kinds = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease)
        if event.type() in kinds and isinstance(event, QMouseEvent):
            box = CardBox.of(option.rect, option.font)
            if box.check.adjusted(-4, -4, 4, 4).contains(event.position().toPoint()):
                if event.type() == QEvent.Type.MouseButtonRelease:
                    self.toggle_requested.emit(str(index.data(ID_ROLE)))
                return True
        return super().editorEvent(event, model, option, index)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        task = index.data(TASK_ROLE)
        if not isinstance(task, TaskDTO):
            return
        rect: QRect = option.rect
        font: QFont = option.font
        state: QStyle.StateFlag = option.state
        theme = self.theme
        box = CardBox.of(rect, font)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_card(painter, box, task, theme, selected)
        self._paint_check(painter, box.check, task, theme)
        self._paint_title(painter, box.title, task, theme, font)
        self._paint_meta(painter, box.meta, task, theme, small_font(font))
        painter.restore()

    # -- parts -------------------------------------------------------------------------------
    def _paint_card(
        self, painter: QPainter, box: CardBox, task: TaskDTO, theme: CardTheme, selected: bool
    ) -> None:
        path = QPainterPath()
        path.addRoundedRect(QRectF(box.card).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        painter.fillPath(path, theme.card)
        stripe = theme.priority.get(task.priority)
        if stripe is not None and task.priority < 4:
            painter.save()
            painter.setClipPath(path)
            painter.fillRect(
                QRect(box.card.left(), box.card.top(), STRIPE, box.card.height()), stripe
            )
            painter.restore()
        painter.setPen(QPen(theme.highlight, 2) if selected else QPen(theme.border, 1))
        painter.drawPath(path)

    def _paint_check(self, painter: QPainter, rect: QRect, task: TaskDTO, theme: CardTheme) -> None:
        circle = QRectF(rect).adjusted(1, 1, -1, -1)
        ring = theme.priority.get(task.priority, theme.muted) if task.priority < 4 else theme.muted
        if task.status == "done":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.muted)
            painter.drawEllipse(circle)
            pen = QPen(theme.card, 1.8)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            w, h, x, y = circle.width(), circle.height(), circle.left(), circle.top()
            painter.drawPolyline(
                [
                    QPointF(x + w * 0.28, y + h * 0.52),
                    QPointF(x + w * 0.44, y + h * 0.68),
                    QPointF(x + w * 0.74, y + h * 0.34),
                ]  # fmt: skip
            )
        else:
            painter.setPen(QPen(ring, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(circle)

    def _paint_title(
        self, painter: QPainter, rect: QRect, task: TaskDTO, theme: CardTheme, font: QFont
    ) -> None:
        title_font = QFont(font)
        title_font.setStrikeOut(task.status == "cancelled")
        painter.setFont(title_font)
        painter.setPen(theme.text if task.is_open else theme.muted)
        line = QFontMetrics(font).lineSpacing()
        for number, text in enumerate(title_lines(task.title, font, rect.width())):
            row = QRect(rect.left(), rect.top() + number * line, rect.width(), line)
            painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_meta(
        self, painter: QPainter, rect: QRect, task: TaskDTO, theme: CardTheme, font: QFont
    ) -> None:
        painter.setFont(font)
        fm = QFontMetrics(font)
        right = rect.right()
        if task.project:
            width = min(fm.horizontalAdvance("#" + task.project), rect.width() * 2 // 5)
            text = fm.elidedText("#" + task.project, Qt.TextElideMode.ElideRight, width)
            painter.setPen(theme.muted)
            flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(
                QRect(right - width, rect.top(), width + 1, rect.height()), flags, text
            )
            right -= width + GAP
        chips: list[tuple[str, QColor, QColor]] = []
        due = due_text(task, self.clock.now(), self.clock.zone)
        if due is not None:
            label, overdue, today = due
            color = theme.overdue if overdue else theme.today if today else theme.text
            chips.append((label, color, mix(theme.card, color, 0.14)))
        if task.subtasks_total:
            label = f"\u2713 {task.subtasks_done}/{task.subtasks_total}"
            chips.append((label, theme.text, theme.chip))
        chips.extend(("@" + tag, theme.text, theme.chip) for tag in task.tags)
        self._paint_chips(painter, rect, right, chips, theme, fm)

    def _paint_chips(
        self,
        painter: QPainter,
        rect: QRect,
        right: int,
        chips: list[tuple[str, QColor, QColor]],
        theme: CardTheme,
        fm: QFontMetrics,
    ) -> None:
        """Chips left to right; those that do not fit become one "+N" chip."""
        x = rect.left()
        for number, (label, fg, bg) in enumerate(chips):
            width = fm.horizontalAdvance(label) + 12
            last = number == len(chips) - 1
            more = f"+{len(chips) - number}"
            room = right - x - (0 if last else fm.horizontalAdvance(more) + 16)
            text = label
            if width > room and number == 0 and room > 40:
                # The first chip (usually the due) is elided rather than lost.
                text = fm.elidedText(label, Qt.TextElideMode.ElideRight, room - 12)
                width = room
            elif width > room:
                box = QRect(x, rect.top(), fm.horizontalAdvance(more) + 12, rect.height())
                self._chip(painter, box, more, theme.muted, theme.chip)
                return
            self._chip(painter, QRect(x, rect.top(), width, rect.height()), text, fg, bg)
            x += width + 4

    @staticmethod
    def _chip(painter: QPainter, rect: QRect, label: str, fg: QColor, bg: QColor) -> None:
        radius = rect.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(QRectF(rect), radius, radius)
        painter.setPen(fg)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
