"""The in-app notification centre: a bell with an unread badge and a reminders panel.

The panel lists recent and missed reminders (with the same actions as the desktop
notification) and what is coming up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.reminder_dto import ReminderDTO, Trigger
from app.services.reminder_text import DISMISS, DONE, OPEN, SNOOZES, TIMER, when_text
from app.ui import theme
from app.ui.icons import paint_icon


@dataclass(frozen=True)
class CenterData:
    """Everything the panel shows, loaded on the DB worker."""

    recent: list[ReminderDTO]
    upcoming: list[Trigger]
    unread: int
    zone: ZoneInfo
    today: date
    now: datetime
    problems: list[str] = field(default_factory=list)


def bell_icon(color: QColor, size: int = 18) -> QIcon:
    return paint_icon(color, _bell, size, width=1.5)


def _bell(p: QPainter) -> None:
    body = QPainterPath()
    body.moveTo(3, 12)
    body.cubicTo(4.5, 10.5, 4.2, 8.5, 4.3, 7)
    body.cubicTo(4.5, 4.2, 6, 2.8, 8, 2.8)
    body.cubicTo(10, 2.8, 11.5, 4.2, 11.7, 7)
    body.cubicTo(11.8, 8.5, 11.5, 10.5, 13, 12)
    body.closeSubpath()
    p.drawPath(body)
    p.drawArc(QRectF(6.3, 12, 3.4, 2.6), 180 * 16, 180 * 16)
    p.drawLine(QPointF(8, 1.4), QPointF(8, 2.8))


class BellButton(QToolButton):
    """The toolbar bell; paints the unread count as a red badge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminder_bell")
        self.unread = 0
        self.setAutoRaise(True)
        self.setIconSize(QSize(20, 20))
        self.setFixedSize(QSize(38, 32))
        self.setToolTip("Reminders (Ctrl+Shift+R)")
        self.apply_theme()

    def apply_theme(self) -> None:
        self.setIcon(bell_icon(self.palette().color(self.foregroundRole())))

    def set_unread(self, count: int) -> None:
        self.unread = count
        tip = f"{count} unread reminder{'s' * (count != 1)}" if count else "No unread reminders"
        self.setToolTip(f"Reminders — {tip} (Ctrl+Shift+R)")
        self.setAccessibleName(f"Reminders, {tip}")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.unread:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = str(self.unread) if self.unread < 100 else "99+"
        font = QFont(self.font())
        font.setPixelSize(10)
        font.setBold(True)
        p.setFont(font)
        width = max(16.0, p.fontMetrics().horizontalAdvance(text) + 8.0)
        rect = QRectF(self.width() - width - 1, 1, width, 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#d93025"))
        p.drawRoundedRect(rect, 8, 8)
        p.setPen(QColor("white"))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        p.end()


def _status(r: ReminderDTO, zone: ZoneInfo, today: date) -> str:
    def at(x: datetime) -> str:
        return when_text(x, zone, today, all_day=False)

    if r.state == "snoozed" and r.snoozed_until is not None:
        return f"Snoozed until {at(r.snoozed_until)}"
    if r.state == "dismissed":
        return f"Done with · {at(r.fired_at or r.trigger_at)}"
    if r.missed:
        return f"Missed · was due {at(r.trigger_at)}"
    return f"Reminded {at(r.fired_at or r.trigger_at)}"


def cross_icon(color: QColor, size: int = 12) -> QIcon:
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, 1.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(2.5, 2.5), QPointF(size - 2.5, size - 2.5))
    p.drawLine(QPointF(size - 2.5, 2.5), QPointF(2.5, size - 2.5))
    p.end()
    return QIcon(pixmap)


BUTTON_STYLE = "QPushButton { padding: 2px 10px; }"


class ReminderRow(QFrame):
    """One reminder with its actions.

    Signals:
        action_requested(int, str): reminder id, action key.
    """

    action_requested = Signal(int, str)

    def __init__(self, r: ReminderDTO, zone: ZoneInfo, today: date) -> None:
        super().__init__()
        self.reminder = r
        self.setObjectName("reminder_row")
        colors = theme.current()
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 8, 10)
        box.setSpacing(2)
        box.addLayout(self._header(r, colors))
        if r.detail:
            detail = QLabel(r.detail)
            detail.setWordWrap(True)
            detail.setStyleSheet(f"color: {colors.muted.name()};")
            box.addWidget(detail)
        status = QLabel(_status(r, zone, today))
        status.setObjectName("reminder_status")
        tint = colors.muted
        if r.state == "snoozed":
            tint = colors.accent
        elif r.missed and r.active:
            tint = colors.error
        status.setStyleSheet(f"color: {tint.name()}; font-size: 11px;")
        box.addWidget(status)
        box.addLayout(self._buttons(r))

    def _header(self, r: ReminderDTO, colors: theme.Colors) -> QHBoxLayout:
        top = QHBoxLayout()
        top.setSpacing(6)
        title = QLabel(r.title)
        font = QFont(title.font())
        font.setBold(r.active and not r.seen)
        title.setFont(font)
        title.setWordWrap(True)
        if not r.active:
            title.setStyleSheet(f"color: {colors.muted.name()};")
        top.addWidget(title, 1)
        if r.active:
            close = QToolButton()
            close.setObjectName("reminder_dismiss")
            close.setAutoRaise(True)
            close.setIcon(cross_icon(colors.muted))
            close.setToolTip("Dismiss: done with this reminder")
            close.clicked.connect(partial(self.action_requested.emit, r.id, DISMISS))
            top.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        return top

    def _buttons(self, r: ReminderDTO) -> QHBoxLayout:
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.setContentsMargins(0, 6, 0, 0)
        buttons.addWidget(self._button("Open", OPEN))
        if r.active and r.is_task:
            buttons.addWidget(self._button("Done", DONE))
            buttons.addWidget(self._button("Start timer", TIMER))
        snooze = QPushButton("Snooze")
        snooze.setObjectName("snooze_button")
        snooze.setStyleSheet(BUTTON_STYLE)
        menu = QMenu(snooze)
        for key, (label, _minutes) in SNOOZES.items():
            menu.addAction(label, partial(self.action_requested.emit, r.id, key))
        snooze.setMenu(menu)
        buttons.addWidget(snooze)
        buttons.addStretch(1)
        return buttons

    def _button(self, label: str, key: str) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName(f"reminder_{key}")
        button.setStyleSheet(BUTTON_STYLE)
        button.clicked.connect(partial(self.action_requested.emit, self.reminder.id, key))
        return button


class UpcomingRow(QWidget):
    """A planned reminder: when, what."""

    def __init__(self, t: Trigger, zone: ZoneInfo, today: date) -> None:
        super().__init__()
        colors = theme.current()
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.setSpacing(10)
        when = QLabel(when_text(t.at, zone, today, all_day=False))
        when.setMinimumWidth(when.fontMetrics().horizontalAdvance("00:00") + 4)
        when.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        when.setStyleSheet(f"color: {colors.accent.name()};")
        row.addWidget(when)
        text = QVBoxLayout()
        text.setSpacing(0)
        title = QLabel(t.title + ("  (snoozed)" if t.snoozed else ""))
        title.setWordWrap(True)
        text.addWidget(title)
        if t.detail:
            detail = QLabel(t.detail)
            detail.setStyleSheet(f"color: {colors.muted.name()}; font-size: 11px;")
            text.addWidget(detail)
        row.addLayout(text, 1)


class NotificationCenter(QFrame):
    """A popup under the bell.

    Signals:
        action_requested(int, str): act on a reminder (same keys as the notification).
        mark_all_read_requested()
        settings_requested()
    """

    action_requested = Signal(int, str)
    mark_all_read_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("notification_center")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.resize(440, 600)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        header = QHBoxLayout()
        header.setContentsMargins(12, 10, 8, 8)
        title = QLabel("Reminders")
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        header.addWidget(title, 1)
        self.mark_read = QPushButton("Mark all read")
        self.mark_read.setFlat(True)
        self.mark_read.clicked.connect(self.mark_all_read_requested.emit)
        header.addWidget(self.mark_read)
        settings = QPushButton("Settings…")
        settings.setFlat(True)
        settings.clicked.connect(self.settings_requested.emit)
        header.addWidget(settings)
        box.addLayout(header)
        self.problem = QLabel()
        self.problem.setObjectName("reminder_problem")
        self.problem.setWordWrap(True)
        self.problem.setContentsMargins(12, 4, 12, 6)
        self.problem.hide()
        box.addWidget(self.problem)
        self.list = QListWidget()
        self.list.setObjectName("reminder_list")
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        box.addWidget(self.list, 1)
        self.rows: list[ReminderRow] = []
        self.data: CenterData | None = None

    def set_data(self, data: CenterData) -> None:
        self.data = data
        colors = theme.current()
        self.problem.setVisible(bool(data.problems))
        self.problem.setText("\n".join(data.problems))
        self.problem.setStyleSheet(f"color: {colors.error.name()};")
        self.mark_read.setEnabled(data.unread > 0)
        self.list.clear()
        self.rows = []
        active = [r for r in data.recent if r.active]
        done = [r for r in data.recent if not r.active][:20]
        if not active and not data.upcoming and not done:
            self._section("Nothing to remind you of. Reminders appear here when they fire.")
        if active:
            self._section(f"Now ({len(active)})")
            for r in active:
                self._row(r, data)
        if data.upcoming:
            self._section("Coming up")
            for t in data.upcoming[:6]:
                self._widget(UpcomingRow(t, data.zone, data.today))
        if done:
            self._section("Earlier")
            for r in done:
                self._row(r, data)

    def _row(self, r: ReminderDTO, data: CenterData) -> None:
        row = ReminderRow(r, data.zone, data.today)
        row.action_requested.connect(self.action_requested.emit)
        self._widget(row)
        self.rows.append(row)

    def _widget(self, widget: QWidget) -> None:
        item = QListWidgetItem(self.list)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        width = self.list.viewport().width() or self.width() - 20
        item.setSizeHint(QSize(width, widget.heightForWidth(width)
                               if widget.hasHeightForWidth() else widget.sizeHint().height()))
        self.list.setItemWidget(item, widget)

    def _section(self, text: str) -> None:
        label = QLabel(text.upper() if len(text) < 30 else text)
        label.setWordWrap(True)
        label.setContentsMargins(12, 10, 12, 2)
        font = QFont(label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        label.setFont(font)
        label.setStyleSheet(f"color: {theme.current().muted.name()};")
        self._widget(label)

    def open_below(self, anchor: QWidget) -> None:
        """Show under (and right-aligned with) the anchor, kept on its screen."""
        corner = anchor.mapToGlobal(anchor.rect().bottomRight())
        x = corner.x() - self.width()
        screen = anchor.screen().availableGeometry()
        x = max(screen.left(), min(x, screen.right() - self.width()))
        y = min(corner.y() + 4, screen.bottom() - self.height())
        self.move(x, y)
        self.show()
        self.raise_()
