"""The day/week time grid: hour rows, side-by-side events, a now-line; drag to create,
move and resize; double-click to edit; drop tasks to time-block them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QWidget

from app.ui import theme
from app.ui.calendar_drops import dropped_files, dropped_task_ids, wants_drop
from app.ui.calendar_layout import Block, DaysLayout, Item, snap
from app.ui.calendar_paint import NOW_COLOR, draw_item, small_font

GUTTER = 54
HOUR = 48
EDGE = 5  # pixels at the top/bottom of an event that resize instead of move
MIN_MINUTES = 15
WORK_START, WORK_END = 8, 18


@dataclass
class _Drag:
    kind: str  # "create", "move", "top", "bottom"
    block: Block | None
    day: int
    minutes: float
    x: float
    y: float
    ghost: tuple[int, float, float] | None = None  # day, top, bottom (minutes)


class TimeGrid(QWidget):
    """The scrolled body of the day and week views.

    Signals:
        item_selected(object): an Item was clicked.
        item_activated(object): an Item was double-clicked (edit it).
        create_requested(object, object): an empty span was dragged (aware start, end).
        move_requested(object, object, object): Item, new start, new end (moved or resized).
        tasks_dropped(list, object): task ids dropped at an aware start time.
        files_dropped(list): local .ics paths dropped here.
    """

    item_selected = Signal(object)
    item_activated = Signal(object)
    create_requested = Signal(object, object)
    move_requested = Signal(object, object, object)
    tasks_dropped = Signal(list, object)
    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_time_grid")
        self.layout_ = DaysLayout([date.today()])
        self.zone = ZoneInfo("UTC")
        self.now: datetime | None = None
        self.selected: Item | None = None
        self._drag: _Drag | None = None
        self._drop_at: tuple[int, float] | None = None
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setMinimumHeight(24 * HOUR)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(800, 24 * HOUR)

    def set_layout(self, layout: DaysLayout, zone: ZoneInfo) -> None:
        self.layout_, self.zone = layout, zone
        if self.selected is not None:
            self.selected = next((b.item for b in layout.blocks if _same(b.item, self.selected)),
                                 None)
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def col_width(self) -> float:
        return max(1.0, (self.width() - GUTTER) / max(1, len(self.layout_.days)))

    def block_rect(self, block: Block) -> QRectF:
        width = self.col_width()
        inner = width - 6
        x = GUTTER + block.day * width + 1 + block.col * inner / block.cols
        y = block.top / 60 * HOUR
        h = max((block.bottom - block.top) / 60 * HOUR, 18.0)
        return QRectF(x, y, inner * block.span / block.cols - 1, h - 1)

    def at(self, pos: QPointF) -> tuple[int, float]:
        """(day column, minutes since midnight) under a point."""
        day = int((pos.x() - GUTTER) // self.col_width())
        day = min(max(day, 0), len(self.layout_.days) - 1)
        return day, min(max(pos.y() / HOUR * 60, 0.0), 24 * 60.0)

    def when(self, day: int, minutes: float) -> datetime:
        """The aware instant at a wall-clock time of a column's day in the display zone."""
        base = datetime.combine(self.layout_.days[day], time(), self.zone)
        minutes = min(max(minutes, 0), 24 * 60)
        if minutes >= 24 * 60:
            return datetime.combine(self.layout_.days[day] + timedelta(days=1), time(), self.zone)
        return base.replace(hour=int(minutes // 60), minute=int(minutes % 60))

    def block_at(self, pos: QPointF) -> Block | None:
        for block in reversed(self.layout_.blocks):
            if self.block_rect(block).contains(pos):
                return block
        return None

    def y_of(self, minutes: float) -> float:
        return minutes / 60 * HOUR

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        p.fillRect(event.rect(), base)
        width = self.col_width()
        days = self.layout_.days
        off = QColor(pal.color(QPalette.ColorRole.AlternateBase))
        p.fillRect(QRectF(GUTTER, 0, width * len(days), WORK_START * HOUR), off)
        p.fillRect(QRectF(GUTTER, WORK_END * HOUR, width * len(days), (24 - WORK_END) * HOUR), off)
        for d, day in enumerate(days):
            if day.weekday() >= 5:
                p.fillRect(QRectF(GUTTER + d * width, 0, width, 24 * HOUR), off)
        line = QColor(pal.color(QPalette.ColorRole.Mid))
        p.setFont(small_font(self.font(), 0.85))
        for hour in range(25):
            y = hour * HOUR
            p.setPen(QPen(line, 1))
            p.drawLine(QPointF(GUTTER - 4, y), QPointF(self.width(), y))
            if 0 < hour < 24:
                p.setPen(theme.current().muted)
                p.drawText(QRectF(0, y - 8, GUTTER - 8, 16),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           f"{hour:02d}:00")
            half = QColor(line)
            half.setAlphaF(0.45)
            p.setPen(QPen(half, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(GUTTER, y + HOUR / 2), QPointF(self.width(), y + HOUR / 2))
        p.setPen(QPen(line, 1))
        for d in range(len(days) + 1):
            x = GUTTER + d * width
            p.drawLine(QPointF(x, 0), QPointF(x, 24 * HOUR))
        self._paint_blocks(p, pal)
        self._paint_now(p, width)
        self._paint_ghost(p, width)
        p.end()

    def _paint_blocks(self, p: QPainter, pal: QPalette) -> None:
        dragged = self._drag.block if self._drag and self._drag.ghost else None
        for block in self.layout_.blocks:
            rect = self.block_rect(block)
            if dragged is not None and _same(block.item, dragged.item):
                p.setOpacity(0.35)
            draw_item(p, rect, block.item, pal, time_text=_times(block.item),
                      selected=self.selected is not None and _same(block.item, self.selected),
                      compact=rect.height() < 30)
            p.setOpacity(1.0)

    def _paint_now(self, p: QPainter, width: float) -> None:
        if self.now is None:
            return
        local = self.now.astimezone(self.zone)
        if local.date() not in self.layout_.days:
            return
        d = self.layout_.days.index(local.date())
        y = self.y_of(local.hour * 60 + local.minute)
        p.setPen(QPen(NOW_COLOR, 2))
        p.drawLine(QPointF(GUTTER + d * width, y), QPointF(GUTTER + (d + 1) * width, y))
        p.setBrush(NOW_COLOR)
        p.drawEllipse(QPointF(GUTTER + d * width, y), 4, 4)

    def _paint_ghost(self, p: QPainter, width: float) -> None:
        ghost = self._drag.ghost if self._drag else None
        if ghost is None and self._drop_at is not None:
            ghost = (self._drop_at[0], self._drop_at[1], self._drop_at[1] + 30)
        if ghost is None:
            return
        day, top, bottom = ghost
        accent = QColor(theme.current().accent)
        rect = QRectF(GUTTER + day * width + 1, self.y_of(top), width - 6,
                      max(self.y_of(bottom) - self.y_of(top), 6))
        fill = QColor(accent)
        fill.setAlphaF(0.25)
        p.setPen(QPen(accent, 1.5))
        p.setBrush(fill)
        p.drawRoundedRect(rect, 3, 3)
        p.setPen(self.palette().color(QPalette.ColorRole.Text))
        p.setFont(small_font(self.font(), 0.85, bold=True))
        label = f"{_hm(top)}–{_hm(bottom)}"
        p.drawText(rect.adjusted(4, 1, -2, 0), Qt.AlignmentFlag.AlignLeft, label)

    # -- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        day, minutes = self.at(pos)
        block = self.block_at(pos)
        if block is not None:
            self.selected = block.item
            self.item_selected.emit(block.item)
            kind = "move"
            rect = self.block_rect(block)
            if block.item.movable and not block.item.is_task:
                if pos.y() - rect.top() <= EDGE and not block.clipped_top:
                    kind = "top"
                elif rect.bottom() - pos.y() <= EDGE and not block.clipped_bottom:
                    kind = "bottom"
            self._drag = _Drag(kind, block, day, minutes, pos.x(), pos.y()) if (
                block.item.movable) else None
        else:
            self.selected = None
            self._drag = _Drag("create", None, day, minutes, pos.x(), pos.y())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position()
        drag = self._drag
        if drag is None:
            self._set_hover_cursor(pos)
            return
        if drag.ghost is None and abs(pos.y() - drag.y) < 4 and abs(pos.x() - drag.x) < 4:
            return
        day, minutes = self.at(pos)
        if drag.kind == "create":
            lo, hi = sorted((snap(drag.minutes), snap(minutes)))
            drag.ghost = (drag.day, lo, max(hi, lo + MIN_MINUTES))
        elif drag.block is not None and drag.kind == "move":
            b = drag.block
            delta = snap(minutes - drag.minutes)
            drag.ghost = (min(max(b.day + day - drag.day, 0), len(self.layout_.days) - 1),
                          b.top + delta, b.bottom + delta)
        elif drag.block is not None and drag.kind == "top":
            b = drag.block
            drag.ghost = (b.day, min(snap(minutes), b.bottom - MIN_MINUTES), b.bottom)
        elif drag.block is not None:
            b = drag.block
            drag.ghost = (b.day, b.top, max(snap(minutes), b.top + MIN_MINUTES))
        self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        drag, self._drag = self._drag, None
        self.update()
        if drag is None or drag.ghost is None:
            return
        day, top, bottom = drag.ghost
        if drag.kind == "create":
            self.create_requested.emit(self.when(day, top), self.when(day, bottom))
            return
        block = drag.block
        assert block is not None
        item = block.item
        if drag.kind == "move":
            delta = timedelta(days=day - block.day, minutes=top - block.top)
            if delta:
                self.move_requested.emit(item, item.start + delta, item.end + delta)
        elif drag.kind == "top":
            self.move_requested.emit(item, self.when(block.day, top), item.end)
        else:
            self.move_requested.emit(item, item.start, self.when(block.day, bottom))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._drag = None
        block = self.block_at(event.position())
        if block is not None:
            self.item_activated.emit(block.item)
            return
        day, minutes = self.at(event.position())
        start = snap(minutes, 30)
        self.create_requested.emit(self.when(day, start), self.when(day, start + 60))

    def _set_hover_cursor(self, pos: QPointF) -> None:
        block = self.block_at(pos)
        shape = Qt.CursorShape.ArrowCursor
        if block is not None and block.item.movable and not block.item.is_task:
            rect = self.block_rect(block)
            near = pos.y() - rect.top() <= EDGE or rect.bottom() - pos.y() <= EDGE
            shape = Qt.CursorShape.SizeVerCursor if near else Qt.CursorShape.OpenHandCursor
        self.setCursor(shape)

    # -- drops -----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if wants_drop(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if not wants_drop(event.mimeData()):
            return
        day, minutes = self.at(event.position())
        self._drop_at = (day, snap(minutes)) if dropped_task_ids(event.mimeData()) else None
        event.acceptProposedAction()
        self.update()

    def dragLeaveEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        self._drop_at = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._drop_at = None
        self.update()
        data = event.mimeData()
        ids = dropped_task_ids(data)
        files = dropped_files(data)
        if not ids and not files:
            return
        event.acceptProposedAction()
        if ids:
            day, minutes = self.at(event.position())
            self.tasks_dropped.emit(ids, self.when(day, snap(minutes)))
        else:
            self.files_dropped.emit(files)


def _same(a: Item, b: Item) -> bool:
    if a.occ is not None and b.occ is not None:
        return (a.occ.event_id, a.occ.instance) == (b.occ.event_id, b.occ.instance)
    return a.task is not None and b.task is not None and a.task.id == b.task.id


def _hm(minutes: float) -> str:
    m = int(minutes) % (24 * 60) if minutes < 24 * 60 else 24 * 60
    return f"{m // 60:02d}:{m % 60:02d}"


def _times(item: Item) -> str:
    if item.is_task:
        return item.start.strftime("%H:%M")
    return f"{item.start:%H:%M}–{item.end:%H:%M}"


same_item = _same
