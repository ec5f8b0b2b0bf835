"""The calendar page: toolbar, day/week/month/agenda views, keyboard navigation."""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.calendar_agenda import AgendaList
from app.ui.calendar_dialogs import valid_zone, zone_box
from app.ui.calendar_grid import HOUR, WORK_START, TimeGrid
from app.ui.calendar_header import DayHeader
from app.ui.calendar_jobs import PageData
from app.ui.calendar_layout import MODES, Item, step
from app.ui.calendar_month import MonthGrid
from app.ui.qt_helpers import named

if TYPE_CHECKING:
    from app.services.calendar_dto import CalendarDTO

ZONE_SETTING = "calendar/zone"
MODE_SETTING = "calendar/mode"
_MODE_KEYS = {Qt.Key.Key_D: "day", Qt.Key.Key_W: "week", Qt.Key.Key_M: "month",
              Qt.Key.Key_A: "agenda"}
_OWN_KEYS = {*_MODE_KEYS, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_PageUp,
             Qt.Key.Key_PageDown, Qt.Key.Key_T, Qt.Key.Key_N, Qt.Key.Key_Return,
             Qt.Key.Key_Enter, Qt.Key.Key_Delete, Qt.Key.Key_Backspace}


class CalendarWidget(QWidget):
    """The calendar view. It asks for data and reports gestures; CalendarOps does the work.

    Signals:
        page_requested(str, object, str): load (mode, anchor date, zone name).
        page_shown(): fresh data is on screen (tests and benchmarks wait on it).
        new_event_requested(), delete_requested(object), edit_requested(object): commands.
        create_requested(object, object), move_requested(object, object, object),
        tasks_dropped(list, object), files_dropped(list): from the views.
        visibility_requested(str, bool): a calendar was shown or hidden in the menu.
    """

    page_requested = Signal(str, object, str)
    page_shown = Signal()
    new_event_requested = Signal()
    delete_requested = Signal(object)
    edit_requested = Signal(object)
    create_requested = Signal(object, object)
    move_requested = Signal(object, object, object)
    tasks_dropped = Signal(list, object)
    files_dropped = Signal(list)
    visibility_requested = Signal(str, bool)

    def __init__(self, home_zone: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "calendar_view")
        settings = QSettings()
        saved_zone = str(settings.value(ZONE_SETTING, home_zone) or home_zone)
        self.tz = saved_zone if valid_zone(saved_zone) else home_zone
        saved_mode = str(settings.value(MODE_SETTING, "week") or "week")
        self.mode = saved_mode if saved_mode in MODES else "week"
        self.anchor = today
        self.home_zone = home_zone
        self.page: PageData | None = None
        self.selected: Item | None = None
        self.last_draw_ms = 0.0
        self.now_fn: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._scrolled = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self._connect()
        self._now_timer = QTimer(self)
        self._now_timer.setInterval(60_000)
        self._now_timer.timeout.connect(self.on_now_timer_timeout)
        self._now_timer.start()

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.today_button = self._tool("Today", "calendar_today", "Go to today (T)")
        self.prev_button = self._tool("◀", "calendar_prev", "Previous (Left, Page Up)")
        self.next_button = self._tool("▶", "calendar_next", "Next (Right, Page Down)")
        self.title = named(QLabel(), "calendar_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        # The title gives way first when the pane is narrow (it never pushes the splitter).
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(60)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[str, QToolButton] = {}
        for mode, key in zip(MODES, "DWMA", strict=True):
            button = self._tool(mode.title(), f"calendar_mode_{mode}",
                                f"{mode.title()} view ({key})")
            button.setCheckable(True)
            self.modes.addButton(button)
            self.mode_buttons[mode] = button
        self.mode_buttons[self.mode].setChecked(True)
        self.zone = named(zone_box(self.tz, self.home_zone), "calendar_zone")
        self.zone.setToolTip("Time zone the calendar is shown in")
        self.zone.setMinimumContentsLength(10)
        self.zone.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.calendars_button = self._tool("Calendars", "calendar_list",
                                           "Show or hide calendars")
        self.calendars_menu = QMenu(self)
        self.calendars_button.setMenu(self.calendars_menu)
        self.calendars_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button = self._tool("New event", "calendar_new", "New event (N)")
        self._build_layout()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        for button in (self.today_button, self.prev_button, self.next_button):
            bar.addWidget(button)
        bar.addSpacing(10)
        bar.addWidget(self.title, 1)
        for widget in (*self.mode_buttons.values(), self.zone, self.calendars_button,
                       self.new_button):
            bar.addWidget(widget)
        self.header = DayHeader()
        self.grid = TimeGrid()
        self.scroller = named(QScrollArea(), "calendar_scroll")
        self.scroller.setWidget(self.grid)
        self.scroller.setWidgetResizable(True)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        days = QWidget()
        box = QVBoxLayout(days)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.scroller, 1)
        self.month = MonthGrid()
        self.agenda = AgendaList()
        self.stack = QStackedWidget()
        for page in (days, self.month, self.agenda):
            self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(bar)
        outer.addWidget(self.stack, 1)
        self.header.right_margin = self.scroller.verticalScrollBar().sizeHint().width()

    def _tool(self, text: str, name: str, tip: str) -> QToolButton:
        button = named(QToolButton(), name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        return button

    def _connect(self) -> None:
        self.today_button.clicked.connect(self.go_today)
        self.prev_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        for mode, button in self.mode_buttons.items():
            button.clicked.connect(lambda _c=False, m=mode: self.set_mode(m))
        self.zone.activated.connect(self.on_zone_activated)
        line = self.zone.lineEdit()
        if line is not None:
            line.editingFinished.connect(self.on_zone_activated)
        self.new_button.clicked.connect(self.new_event_requested)
        for view in (self.grid, self.header, self.month, self.agenda):
            view.item_selected.connect(self.on_item_selected)
            view.item_activated.connect(self.edit_requested)
        for view in (self.grid, self.header, self.month):
            view.create_requested.connect(self.create_requested)
            view.move_requested.connect(self.move_requested)
        for view in (self.grid, self.month):
            view.tasks_dropped.connect(self.tasks_dropped)
            view.files_dropped.connect(self.files_dropped)
        self.header.day_clicked.connect(self.open_day)
        self.month.day_clicked.connect(self.open_day)

    # -- navigation ------------------------------------------------------------------------
    def reload(self) -> None:
        self.page_requested.emit(self.mode, self.anchor, self.tz)

    def go(self, direction: int) -> None:
        self.anchor = step(self.mode, self.anchor, direction)
        self.reload()

    def go_today(self) -> None:
        self.anchor = self.page.today if self.page is not None else self.anchor
        self.reload()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        QSettings().setValue(MODE_SETTING, mode)
        self.reload()

    def open_day(self, day: object) -> None:
        if isinstance(day, date):
            self.anchor = day
            self.set_mode("day")

    def on_zone_activated(self, *_args: Any) -> None:
        name = self.zone.currentText().strip()
        if not valid_zone(name) or name == self.tz:
            if not valid_zone(name):
                self.zone.setCurrentText(self.tz)
            return
        self.tz = name
        QSettings().setValue(ZONE_SETTING, name)
        self.reload()

    def on_item_selected(self, item: object) -> None:
        self.selected = item if isinstance(item, Item) else None

    def on_now_timer_timeout(self) -> None:
        self.grid.now = self.now_fn()
        self.grid.update()

    # -- showing data ----------------------------------------------------------------------
    def show_page(self, page: PageData) -> None:
        started = clock.perf_counter()
        self.page = page
        self.title.setText(_title(page))
        if page.mode in ("day", "week") and page.layout is not None:
            self.stack.setCurrentIndex(0)
            self.header.set_layout(page.layout, page.today)
            self.grid.now = page.now
            self.grid.set_layout(page.layout, page.zone)
            if not self._scrolled:
                self.scroller.verticalScrollBar().setValue(WORK_START * HOUR - 12)
                self._scrolled = True
        elif page.mode == "month":
            self.stack.setCurrentIndex(1)
            self.month.set_page(page.first, page.anchor.month, page.today, page.zone, page.weeks)
        else:
            self.stack.setCurrentIndex(2)
            self.agenda.set_items(page.items, page.first, page.days, page.today)
        self.last_draw_ms = (clock.perf_counter() - started) * 1000
        self.page_shown.emit()

    def set_calendars(self, calendars: list[CalendarDTO]) -> None:
        self.calendars_menu.clear()
        for cal in calendars:
            label = cal.name + ("  (subscription)" if cal.is_subscription else "")
            if cal.last_error:
                label += "  ⚠"
            action = QAction(label, self.calendars_menu, checkable=True)
            action.setChecked(cal.visible)
            action.setToolTip(cal.last_error or "")
            action.toggled.connect(lambda on, cid=cal.id: self.visibility_requested.emit(cid, on))
            self.calendars_menu.addAction(action)

    # -- keyboard --------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        """Keys the calendar uses beat window shortcuts with the same key (Delete deletes the
        selected event here, not the selected task of the hidden list)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) and (
                Qt.Key(event.key()) in _OWN_KEYS):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = Qt.Key(event.key())
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.go(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.go(1)
        elif key == Qt.Key.Key_T:
            self.go_today()
        elif key in _MODE_KEYS:
            self.set_mode(_MODE_KEYS[key])
        elif key == Qt.Key.Key_N:
            self.new_event_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.edit_requested.emit(self.selected)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None:
            self.delete_requested.emit(self.selected)
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.setFocus()
        self.reload()


def _title(page: PageData) -> str:
    if page.mode == "day":
        return f"{page.first:%a} {page.first.day} {page.first:%b %Y}"
    if page.mode == "month":
        return page.anchor.strftime("%B %Y")
    if page.mode == "agenda":
        return f"From {page.first.day} {page.first:%b %Y}"
    end = date.fromordinal(page.first.toordinal() + page.days - 1)
    if end.month == page.first.month:
        return f"{page.first.day}–{end.day} {end:%B %Y}"
    if end.year == page.first.year:
        return f"{page.first.day} {page.first:%b} – {end.day} {end:%b %Y}"
    return f"{page.first.day} {page.first:%b %Y} – {end.day} {end:%b %Y}"
