"""The agenda view: the coming days as a list, grouped under day headings."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.ui import theme
from app.ui.calendar_layout import Item
from app.ui.qt_helpers import named

ITEM_ROLE = Qt.ItemDataRole.UserRole + 7


def when_text(item: Item, day: date) -> str:
    if item.all_day:
        return "all day" if not item.is_task else "due"
    if item.is_task:
        return f"due {item.start:%H:%M}"
    start = item.start.strftime("%H:%M") if item.start.date() == day else "…"
    end = item.end.strftime("%H:%M") if item.end.date() == day else "…"
    return f"{start}–{end}"


class AgendaList(QListWidget):
    """Signals: item_selected(object), item_activated(object) with the calendar Item."""

    item_selected = Signal(object)
    item_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "calendar_agenda")
        self.setUniformItemSizes(False)
        self.setAlternatingRowColors(False)
        self.currentItemChanged.connect(self.on_current_item_changed)
        self.itemActivated.connect(self.on_item_activated)

    def set_items(self, items: list[Item], first: date, days: int, today: date) -> None:
        self.clear()
        colors = theme.current()
        by_day: dict[date, list[Item]] = {}
        for item in items:
            day = max(item.start.date(), first)
            last = (item.end - timedelta(microseconds=1)).date() if item.end > item.start \
                else item.start.date()
            while day <= min(last, first + timedelta(days=days - 1)):
                by_day.setdefault(day, []).append(item)
                day += timedelta(days=1)
        if not by_day:
            empty = QListWidgetItem("Nothing planned in the next 30 days.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(empty)
            return
        bold = QFont(self.font())
        bold.setBold(True)
        for day in sorted(by_day):
            label = "Today · " if day == today else "Tomorrow · " if day == today + timedelta(
                days=1) else ""
            head = QListWidgetItem(f"{label}{day:%A, %d %B %Y}")
            head.setFont(bold)
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            head.setForeground(QBrush(colors.accent if day == today else
                                      self.palette().text().color()))
            self.addItem(head)
            ordered = sorted(by_day[day], key=lambda it: (not it.all_day, it.start, it.title))
            for item in ordered:
                where = f"  ·  {item.occ.location}" if item.occ and item.occ.location else ""
                source = "task" if item.is_task else (item.occ.calendar if item.occ else "")
                mark = ("☑ " if item.done else "☐ ") if item.is_task or (
                    item.occ and item.occ.task_id) else ""
                row = QListWidgetItem(f"    {when_text(item, day):<13} {mark}{item.title}"
                                      f"{where}    ({source})")
                row.setData(ITEM_ROLE, item)
                row.setForeground(QBrush(QColor(item.color) if not item.is_task
                                         else colors.muted))
                if item.done or item.cancelled:
                    font = QFont(self.font())
                    font.setStrikeOut(True)
                    row.setFont(font)
                self.addItem(row)

    def on_current_item_changed(self, current: QListWidgetItem | None,
                                _previous: QListWidgetItem | None) -> None:
        item = current.data(ITEM_ROLE) if current is not None else None
        if isinstance(item, Item):
            self.item_selected.emit(item)

    def on_item_activated(self, row: QListWidgetItem) -> None:
        item = row.data(ITEM_ROLE)
        if isinstance(item, Item):
            self.item_activated.emit(item)
