"""Above the time grid: day names and the all-day lane (all-day, multi-day, task bars)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget

from app.ui import theme
from app.ui.calendar_grid import GUTTER, same_item
from app.ui.calendar_layout import Bar, DaysLayout, Item
from app.ui.calendar_paint import draw_item, small_font

NAMES = 38
LANE = 21
MAX_LANES = 6


class DayHeader(QWidget):
    """Day names (click: open that day) and all-day bars (drag sideways to move by days).

    Signals:
        day_clicked(object): a day name was clicked (a date).
        item_selected(object), item_activated(object): an all-day Item.
        create_requested(object, object): double-click on the lane (start date, end date).
        move_requested(object, object, object): Item moved by whole days (new start, end).
    """

    day_clicked = Signal(object)
    item_selected = Signal(object)
    item_activated = Signal(object)
    create_requested = Signal(object, object)
    move_requested = Signal(object, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_day_header")
        self.layout_ = DaysLayout([date.today()])
        self.today = date.today()
        self.right_margin = 0
        self.selected: Item | None = None
        self._press: tuple[Bar, float] | None = None
        self._shift = 0
        self.setMouseTracking(True)

    def set_layout(self, layout: DaysLayout, today: date) -> None:
        self.layout_, self.today = layout, today
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        lanes = min(max(self.layout_.lanes, 1), MAX_LANES)
        return QSize(800, NAMES + lanes * LANE + 6)

    def col_width(self) -> float:
        usable = self.width() - GUTTER - self.right_margin
        return max(1.0, usable / max(1, len(self.layout_.days)))

    def bar_rect(self, bar: Bar) -> QRectF:
        w = self.col_width()
        return QRectF(GUTTER + bar.first * w + 2, NAMES + bar.lane * LANE + 1,
                      (bar.last - bar.first + 1) * w - 4, LANE - 3)

    def bar_at(self, pos: QPointF) -> Bar | None:
        for bar in self.layout_.bars:
            if bar.lane < MAX_LANES and self.bar_rect(bar).contains(pos):
                return bar
        return None

    def day_at(self, x: float) -> int:
        d = int((x - GUTTER) // self.col_width())
        return min(max(d, 0), len(self.layout_.days) - 1)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(event.rect(), pal.color(QPalette.ColorRole.Window))
        w = self.col_width()
        colors = theme.current()
        line = pal.color(QPalette.ColorRole.Mid)
        for d, day in enumerate(self.layout_.days):
            x = GUTTER + d * w
            rect = QRectF(x, 2, w, NAMES - 4)
            is_today = day == self.today
            p.setPen(colors.accent if is_today else pal.color(QPalette.ColorRole.WindowText))
            font = small_font(self.font(), 0.85)
            p.setFont(font)
            p.drawText(rect.adjusted(0, 0, 0, -rect.height() / 2), Qt.AlignmentFlag.AlignCenter,
                       day.strftime("%a").upper())
            big = QFont(self.font())
            big.setPointSizeF(self.font().pointSizeF() * 1.15)
            big.setBold(is_today)
            p.setFont(big)
            p.drawText(rect.adjusted(0, rect.height() / 2 - 2, 0, 0), Qt.AlignmentFlag.AlignCenter,
                       day.strftime("%d").lstrip("0") + (day.strftime(" %b") if day.day == 1
                                                         or d == 0 else ""))
            p.setPen(QPen(line, 1))
            p.drawLine(QPointF(x, NAMES - 2), QPointF(x, self.height()))
        p.drawLine(QPointF(0, self.height() - 1), QPointF(self.width(), self.height() - 1))
        p.setFont(small_font(self.font(), 0.8))
        p.setPen(colors.muted)
        p.drawText(QRectF(0, NAMES, GUTTER - 6, LANE), Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter, "all day")
        hidden: dict[int, int] = {}
        for bar in self.layout_.bars:
            if bar.lane >= MAX_LANES:
                for d in range(bar.first, bar.last + 1):
                    hidden[d] = hidden.get(d, 0) + 1
                continue
            rect = self.bar_rect(bar)
            if self._press and self._shift and same_item(self._press[0].item, bar.item):
                rect.translate(self._shift * w, 0)
                p.setOpacity(0.7)
            draw_item(p, rect, bar.item, pal, compact=True,
                      selected=self.selected is not None and same_item(bar.item, self.selected))
            p.setOpacity(1.0)
        p.setPen(colors.muted)
        for d, n in hidden.items():
            p.drawText(QRectF(GUTTER + d * w, self.height() - LANE, w - 4, LANE),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"+{n}")
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position()
        if pos.y() < NAMES and pos.x() > GUTTER:
            self.day_clicked.emit(self.layout_.days[self.day_at(pos.x())])
            return
        bar = self.bar_at(pos)
        self.selected = bar.item if bar else None
        if bar is not None:
            self.item_selected.emit(bar.item)
            if bar.item.movable:
                self._press = (bar, pos.x())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            return
        self._shift = round((event.position().x() - self._press[1]) / self.col_width())
        self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        press, shift = self._press, self._shift
        self._press, self._shift = None, 0
        self.update()
        if press is not None and shift:
            item = press[0].item
            delta = timedelta(days=shift)
            self.move_requested.emit(item, item.start + delta, item.end + delta)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position()
        if pos.y() < NAMES:
            return
        bar = self.bar_at(pos)
        if bar is not None:
            self.item_activated.emit(bar.item)
            return
        day = self.layout_.days[self.day_at(pos.x())]
        self.create_requested.emit(day, day + timedelta(days=1))
