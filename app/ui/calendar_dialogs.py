"""Calendar dialogs: the event editor, the recurring-edit question, subscribing to a feed."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.services.calendar_dto import CalendarDTO, EventDTO, EventFields
from app.ui.qt_helpers import named

FLOATING = "Floating (same clock time everywhere)"
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
                "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
                "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Australia/Sydney")
REPEATS = (("Does not repeat", None), ("Every day", "FREQ=DAILY"),
           ("Every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), ("Every week", "FREQ=WEEKLY"),
           ("Every month", "FREQ=MONTHLY"), ("Every year", "FREQ=YEARLY"))
CUSTOM = "Custom rule…"


def zone_box(current: str | None, home: str, *, with_floating: bool = False) -> QComboBox:
    """An editable zone chooser: common zones first, any IANA name can be typed."""
    box = QComboBox()
    box.setEditable(True)
    names = [home, *[z for z in COMMON_ZONES if z != home]]
    if current and current not in names:
        names.insert(0, current)
    if with_floating:
        names.append(FLOATING)
    box.addItems(names)
    completer = QCompleter(sorted(zoneinfo.available_timezones()), box)
    completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
    box.setCompleter(completer)
    box.setCurrentText(current or home)
    return box


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass
class EventChoice:
    """What the dialog hands back: new fields, or a request to delete."""

    fields: EventFields
    delete: bool = False


class EventDialog(QDialog):
    """Create or edit one event (or one instance of a series)."""

    def __init__(self, parent: QWidget | None, *, calendars: list[CalendarDTO],
                 home_zone: str, start: datetime | date, end: datetime | date,
                 event: EventDTO | None = None, read_only: bool = False) -> None:
        super().__init__(parent)
        named(self, "event_dialog")
        self.setWindowTitle("Event" if event is None else f"Event — {event.summary}")
        self.source_event = event
        self.read_only = read_only
        self.deleted = False
        self.title = named(QLineEdit(event.summary if event else ""), "event_title")
        self.title.setPlaceholderText("Title")
        self.calendar = named(QComboBox(), "event_calendar")
        for cal in calendars:
            self.calendar.addItem(cal.name, cal.id)
        if event is not None:
            self.calendar.setCurrentIndex(max(0, self.calendar.findData(event.calendar_id)))
        all_day = not isinstance(start, datetime)
        self.all_day = named(QCheckBox("All day"), "event_all_day")
        self.all_day.setChecked(all_day)
        self.start = named(QDateTimeEdit(), "event_start")
        self.end = named(QDateTimeEdit(), "event_end")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
        floating = event is not None and event.floating
        zone_name = None if event is None or floating else event.tzid
        self.zone = named(zone_box(FLOATING if floating else zone_name, home_zone,
                                   with_floating=True), "event_zone")
        self._set_times(start, end)
        self.repeat = named(QComboBox(), "event_repeat")
        for label, rule in REPEATS:
            self.repeat.addItem(label, rule)
        self.repeat.addItem(CUSTOM, "custom")
        self.rule = named(QLineEdit(), "event_rule")
        self.rule.setPlaceholderText("RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10")
        self._show_rule(event.rrule if event else None)
        self.location = named(QLineEdit(event.location if event else ""), "event_location")
        self.notes = named(QPlainTextEdit(event.description if event else ""), "event_notes")
        self.notes.setFixedHeight(90)
        self._build()
        self.all_day.toggled.connect(self.on_all_day_toggled)
        self.repeat.currentIndexChanged.connect(self.on_repeat_changed)
        self.on_all_day_toggled(all_day)
        self.on_repeat_changed()
        if read_only:
            for w in (self.title, self.calendar, self.all_day, self.start, self.end, self.zone,
                      self.repeat, self.rule, self.location, self.notes):
                w.setEnabled(False)

    def _build(self) -> None:
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Calendar", self.calendar)
        form.addRow("", self.all_day)
        form.addRow("Starts", self.start)
        form.addRow("Ends", self.end)
        form.addRow("Time zone", self.zone)
        form.addRow("Repeats", self.repeat)
        form.addRow("", self.rule)
        form.addRow("Location", self.location)
        form.addRow("Notes", self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close if self.read_only else
                                   QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if self.source_event is not None and not self.read_only:
            delete = named(QPushButton("Delete"), "event_delete")
            buttons.addButton(delete, QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.clicked.connect(self.on_delete_clicked)
        form.addRow(buttons)
        self.setMinimumWidth(440)
        self.title.setFocus()

    def _set_times(self, start: datetime | date, end: datetime | date) -> None:
        if isinstance(start, datetime) and isinstance(end, datetime):
            self.start.setDateTime(_qdt(start))
            self.end.setDateTime(_qdt(end))
        else:
            last = end - timedelta(days=1) if end > start else end
            self.start.setDateTime(QDateTime(_qdate(start), QTime(9, 0)))
            self.end.setDateTime(QDateTime(_qdate(last), QTime(10, 0)))

    def _show_rule(self, rule: str | None) -> None:
        index = next((i for i, (_, r) in enumerate(REPEATS) if r == rule), None)
        if index is None:
            self.repeat.setCurrentIndex(self.repeat.count() - 1)
            self.rule.setText(rule or "")
        else:
            self.repeat.setCurrentIndex(index)

    def on_all_day_toggled(self, checked: bool) -> None:
        fmt = "ddd d MMM yyyy" if checked else "ddd d MMM yyyy  HH:mm"
        for edit in (self.start, self.end):
            edit.setDisplayFormat(fmt)
        self.zone.setEnabled(not checked and not self.read_only)

    def on_repeat_changed(self) -> None:
        self.rule.setVisible(self.repeat.currentData() == "custom")

    def on_delete_clicked(self) -> None:
        self.deleted = True
        self.accept()

    def accept(self) -> None:
        if not self.read_only and not self.deleted:
            problem = self.problem()
            if problem:
                QMessageBox.warning(self, "Event", problem)
                return
        super().accept()

    def problem(self) -> str | None:
        zone = self.zone.currentText().strip()
        if not self.all_day.isChecked() and zone != FLOATING and not valid_zone(zone):
            return f"Unknown time zone “{zone}”."
        start, end = self.times()
        if end < start:
            return "The event ends before it starts."
        return None

    def times(self) -> tuple[datetime | date, datetime | date]:
        s, e = self.start.dateTime(), self.end.dateTime()
        if self.all_day.isChecked():
            first, last = _pydate(s.date()), _pydate(e.date())
            return first, max(last, first) + timedelta(days=1)
        zone = self.zone.currentText().strip()
        tz = None if zone == FLOATING else ZoneInfo(zone) if valid_zone(zone) else None
        return _pydt(s, tz), _pydt(e, tz)

    def rrule(self) -> str | None:
        data = self.repeat.currentData()
        if data == "custom":
            return self.rule.text().strip() or None
        return data if isinstance(data, str) else None

    def choice(self) -> EventChoice:
        start, end = self.times()
        zone = self.zone.currentText().strip()
        rule = self.rrule()
        fields = EventFields(
            summary=self.title.text().strip() or "(No title)", start=start, end=end,
            tzid=None if self.all_day.isChecked() or zone == FLOATING else zone,
            description=self.notes.toPlainText(), location=self.location.text(),
            calendar_id=self.calendar.currentData(), rrule=rule, clear_rrule=rule is None)
        return EventChoice(fields, delete=self.deleted)


def ask_scope(parent: QWidget | None, verb: str,
              on_answer: Callable[[str], None]) -> QMessageBox:
    """Ask "this", "following" or "all" for an instance of a repeating event (window-modal,
    no nested event loop); ``on_answer`` is not called on Cancel."""
    box = QMessageBox(parent)
    box.setObjectName("scope_dialog")
    box.setWindowTitle("Repeating event")
    box.setText(f"This is a repeating event. What do you want to {verb}?")
    answers = {
        box.addButton("Only this event", QMessageBox.ButtonRole.AcceptRole): "this",
        box.addButton("This and following events", QMessageBox.ButtonRole.AcceptRole):
            "following",
        box.addButton("All events", QMessageBox.ButtonRole.AcceptRole): "all",
    }
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    for button, answer in answers.items():
        button.setObjectName(f"scope_{answer}")

    def finished() -> None:
        clicked = box.clickedButton()
        answer = next((a for b, a in answers.items() if b is clicked), None)
        box.deleteLater()
        if answer is not None:
            on_answer(answer)

    box.finished.connect(finished)
    box.open()
    return box


class SubscribeDialog(QDialog):
    """Ask for a feed address and a calendar name."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        named(self, "subscribe_dialog")
        self.setWindowTitle("Subscribe to a calendar")
        self.url = named(QLineEdit(), "subscribe_url")
        self.url.setPlaceholderText("https://… or webcal://…")
        self.name = named(QLineEdit(), "subscribe_name")
        form = QFormLayout(self)
        form.addRow("Address", self.url)
        form.addRow("Name", self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, self.sizeHint().height())


def _qdt(value: datetime) -> QDateTime:
    return QDateTime(_qdate(value.date()), QTime(value.hour, value.minute))


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _pydt(value: QDateTime, tz: ZoneInfo | None) -> datetime:
    t = value.time()
    return datetime.combine(_pydate(value.date()), time(t.hour(), t.minute()), tz)
