"""The month view: six weeks of day cells with all-day bars and timed lines; drag moves days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QWidget

from app.ui import theme
from app.ui.calendar_drops import dropped_files, dropped_task_ids, wants_drop
from app.ui.calendar_grid import same_item
from app.ui.calendar_layout import DaysLayout, Item
from app.ui.calendar_paint import draw_item, small_font

HEAD = 22  # weekday names row


class MonthGrid(QWidget):
    """Signals: as TimeGrid (item_selected, item_activated, create_requested,
    move_requested, tasks_dropped, files_dropped) plus day_clicked(object)."""

    item_selected = Signal(object)
    item_activated = Signal(object)
    create_requested = Signal(object, object)
    move_requested = Signal(object, object, object)
    tasks_dropped = Signal(list, object)
    files_dropped = Signal(list)
    day_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_month_grid")
        self.first = date.today()
        self.month = self.first.month
        self.today = self.first
        self.zone = ZoneInfo("UTC")
        self.weeks: list[DaysLayout] = []
        self.selected: Item | None = None
        self._hits: list[tuple[QRectF, Item]] = []
        self._press: tuple[Item, int] | None = None
        self._hover_day: int | None = None
        self.setAcceptDrops(True)
        self.setMinimumSize(320, 300)

    def set_page(self, first: date, month: int, today: date, zone: ZoneInfo,
                 weeks: list[DaysLayout]) -> None:
        """Six week rows laid out by ``layout_days`` (on the worker), starting at ``first``."""
        self.first, self.month, self.today, self.zone, self.weeks = (first, month, today, zone,
                                                                     weeks)
        self.update()

    def cell(self, index: int) -> QRectF:
        w = self.width() / 7
        h = (self.height() - HEAD) / 6
        return QRectF((index % 7) * w, HEAD + (index // 7) * h, w, h)

    def index_at(self, pos: QPointF) -> int:
        w = self.width() / 7
        h = (self.height() - HEAD) / 6
        col = min(max(int(pos.x() // w), 0), 6)
        row = min(max(int((pos.y() - HEAD) // h), 0), 5)
        return row * 7 + col

    def day_of(self, index: int) -> date:
        return self.first + timedelta(days=index)

    def item_at(self, pos: QPointF) -> Item | None:
        return next((item for rect, item in reversed(self._hits) if rect.contains(pos)), None)

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        pal = self.palette()
        colors = theme.current()
        p.fillRect(event.rect(), pal.color(QPalette.ColorRole.Base))
        font = small_font(self.font(), 0.88)
        metrics = QFontMetrics(font)
        line_h = metrics.height() + 3
        p.setFont(font)
        p.setPen(colors.muted)
        for col in range(7):
            r = self.cell(col)
            p.drawText(QRectF(r.left(), 0, r.width(), HEAD), Qt.AlignmentFlag.AlignCenter,
                       self.day_of(col).strftime("%a"))
        self._hits = []
        for index in range(42):
            self._paint_cell(p, pal, index, line_h)
        p.end()

    def _paint_cell(self, p: QPainter, pal: QPalette, index: int, line_h: int) -> None:
        colors = theme.current()
        rect = self.cell(index)
        day = self.day_of(index)
        if day.month != self.month:
            p.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawRect(rect)
        if self._hover_day == index:
            p.setPen(QPen(colors.accent, 2))
            p.drawRect(rect.adjusted(1, 1, -1, -1))
        label = day.strftime("%d").lstrip("0") + (day.strftime(" %b") if day.day == 1 else "")
        head = QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, line_h)
        if day == self.today:
            p.setPen(colors.accent)
            bold = small_font(self.font(), 0.88, bold=True)
            p.setFont(bold)
        else:
            p.setPen(pal.color(QPalette.ColorRole.Text) if day.month == self.month
                     else colors.muted)
        p.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        p.setFont(small_font(self.font(), 0.88))
        week = self.weeks[index // 7] if self.weeks else None
        if week is None:
            return
        col = index % 7
        slots = max(int((rect.height() - line_h - 4) // line_h), 0)
        bars = [b for b in week.bars if b.first <= col <= b.last]
        timed = sorted((b.item for b in week.blocks if b.day == col),
                       key=lambda it: (it.start, it.title))
        visible = week.lanes if week.lanes <= slots else max(slots - 1, 0)
        hidden = 0
        used = 0
        for bar in bars:
            if bar.lane >= visible:
                hidden += 1
                continue
            used = max(used, bar.lane + 1)
            if col == bar.first:
                r = QRectF(rect.left() + 2, rect.top() + line_h + 2 + bar.lane * line_h,
                           (bar.last - bar.first + 1) * rect.width() - 4, line_h - 2)
                self._draw(p, pal, r, bar.item, "")
        free = slots - used - (1 if hidden else 0)
        y = rect.top() + line_h + 2 + used * line_h
        for n, item in enumerate(timed):
            if n >= free - (1 if len(timed) > free and not hidden else 0):
                hidden += len(timed) - n
                break
            r = QRectF(rect.left() + 2, y, rect.width() - 4, line_h - 2)
            self._draw(p, pal, r, item, item.start.strftime("%H:%M"))
            y += line_h
        if hidden:
            p.setPen(colors.muted)
            p.drawText(QRectF(rect.left() + 4, rect.bottom() - line_h, rect.width() - 8, line_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       f"+{hidden} more")

    def _draw(self, p: QPainter, pal: QPalette, rect: QRectF, item: Item, when: str) -> None:
        selected = self.selected is not None and same_item(item, self.selected)
        draw_item(p, rect, item, pal, time_text=when, compact=True, selected=selected)
        self._hits.append((rect, item))

    # -- mouse and drops -------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position()
        index = self.index_at(pos)
        item = self.item_at(pos)
        self.selected = item
        if item is not None:
            self.item_selected.emit(item)
            if item.movable:
                self._press = (item, index)
        elif pos.y() - self.cell(index).top() < 18:
            self.day_clicked.emit(self.day_of(index))
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is not None:
            self._hover_day = self.index_at(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        press, self._press, self._hover_day = self._press, None, None
        self.update()
        if press is None:
            return
        shift = self.index_at(event.position()) - press[1]
        if shift:
            item = press[0]
            delta = timedelta(days=shift)
            self.move_requested.emit(item, item.start + delta, item.end + delta)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._press = None
        item = self.item_at(event.position())
        if item is not None:
            self.item_activated.emit(item)
            return
        day = self.day_of(self.index_at(event.position()))
        start = datetime.combine(day, time(9), self.zone)
        self.create_requested.emit(start, start + timedelta(hours=1))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if wants_drop(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if wants_drop(event.mimeData()):
            self._hover_day = self.index_at(event.position())
            event.acceptProposedAction()
            self.update()

    def dragLeaveEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        self._hover_day = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._hover_day = None
        self.update()
        ids, files = dropped_task_ids(event.mimeData()), dropped_files(event.mimeData())
        if not ids and not files:
            return
        event.acceptProposedAction()
        if ids:
            day = self.day_of(self.index_at(event.position()))
            self.tasks_dropped.emit(ids, datetime.combine(day, time(9), self.zone))
        else:
            self.files_dropped.emit(files)
