"""Reminder settings: quiet hours, catch-up window, default leads, e-mail, start at login."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.services.autostart import Autostart
from app.services.mailer import Mailer, digest_message, store_password
from app.services.reminder_settings import ReminderSettings, SmtpSettings
from app.services.reminder_time import QuietHours
from app.services.reminders import ReminderService

LEADS = (("None", None), ("At the time", "PT0S"), ("5 min before", "-PT5M"),
         ("10 min before", "-PT10M"), ("15 min before", "-PT15M"), ("30 min before", "-PT30M"),
         ("1 hour before", "-PT1H"), ("1 day before", "-P1D"))


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


class ReminderSettingsDialog(QDialog):
    def __init__(self, window: Any, service: ReminderService, scheduler: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main = window
        self.service = service
        self.scheduler = scheduler
        self.autostart = Autostart()
        self.setObjectName("reminder_settings_dialog")
        self.setWindowTitle("Reminder settings")
        box = QVBoxLayout(self)
        box.addWidget(self._reminders_group())
        box.addWidget(self._mail_group())
        self.login = QCheckBox("Start Cadence at login, so reminders fire all day")
        box.addWidget(self.login)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        box.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        window.worker.run(self._load, write=False, on_done=self._on_loaded,
                          on_error=self._show_error)

    def _reminders_group(self) -> QGroupBox:
        group = QGroupBox("Reminders")
        form = QFormLayout(group)
        quiet = QHBoxLayout()
        self.quiet_on = QCheckBox("from")
        self.quiet_start = QTimeEdit()
        self.quiet_end = QTimeEdit()
        for widget in (self.quiet_start, self.quiet_end):
            widget.setDisplayFormat("HH:mm")
        quiet.addWidget(self.quiet_on)
        quiet.addWidget(self.quiet_start)
        quiet.addWidget(QLabel("to"))
        quiet.addWidget(self.quiet_end)
        quiet.addStretch(1)
        form.addRow("Quiet hours:", quiet)
        self.grace = QDoubleSpinBox()
        self.grace.setRange(0, 168)
        self.grace.setDecimals(1)
        self.grace.setSuffix(" h")
        self.grace.setToolTip("Reminders missed while the computer slept or Cadence was closed "
                              "still pop up if they are at most this old.")
        form.addRow("Catch up on missed reminders up to:", self.grace)
        self.task_lead = self._lead_combo()
        form.addRow("Tasks with a due time:", self.task_lead)
        self.event_lead = self._lead_combo()
        form.addRow("Events without alarms:", self.event_lead)
        self.morning = QTimeEdit()
        self.morning.setDisplayFormat("HH:mm")
        form.addRow("“Tomorrow morning” means:", self.morning)
        return group

    def _mail_group(self) -> QGroupBox:
        group = QGroupBox("E-mail")
        form = QFormLayout(group)
        digest = QHBoxLayout()
        self.digest_on = QCheckBox("Daily agenda at")
        self.digest_time = QTimeEdit()
        self.digest_time.setDisplayFormat("HH:mm")
        digest.addWidget(self.digest_on)
        digest.addWidget(self.digest_time)
        digest.addStretch(1)
        form.addRow(digest)
        self.missed = QCheckBox("E-mail me reminders I missed")
        form.addRow(self.missed)
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        server = QHBoxLayout()
        server.addWidget(self.host, 1)
        server.addWidget(self.port)
        form.addRow("SMTP server:", server)
        self.starttls = QCheckBox("Use STARTTLS")
        form.addRow(self.starttls)
        self.user = QLineEdit()
        form.addRow("User:", self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in the system keyring; blank = unchanged")
        form.addRow("Password:", self.password)
        self.sender_edit = QLineEdit()
        form.addRow("From:", self.sender_edit)
        self.recipient = QLineEdit()
        form.addRow("To:", self.recipient)
        test = QPushButton("Send a test e-mail")
        test.clicked.connect(self.on_test_clicked)
        form.addRow(test)
        return group

    @staticmethod
    def _lead_combo() -> QComboBox:
        combo = QComboBox()
        for label, value in LEADS:
            combo.addItem(label, value)
        return combo

    # -- load / save -----------------------------------------------------------------------
    def _load(self) -> tuple[ReminderSettings, bool]:
        return self.service.settings(), self.autostart.is_enabled()

    def _on_loaded(self, loaded: tuple[ReminderSettings, bool]) -> None:
        s, login = loaded
        self.quiet_on.setChecked(s.quiet.enabled)
        self.quiet_start.setTime(_qtime(s.quiet.start))
        self.quiet_end.setTime(_qtime(s.quiet.end))
        self.grace.setValue(s.grace_hours)
        for combo, value in ((self.task_lead, s.task_lead), (self.event_lead, s.event_lead)):
            index = combo.findData(value)
            combo.setCurrentIndex(index if index >= 0 else 0)
        self.morning.setTime(_qtime(s.morning))
        self.digest_on.setChecked(s.digest_enabled)
        self.digest_time.setTime(_qtime(s.digest_time))
        self.missed.setChecked(s.email_missed)
        self.host.setText(s.smtp.host)
        self.port.setValue(s.smtp.port)
        self.starttls.setChecked(s.smtp.starttls)
        self.user.setText(s.smtp.user)
        self.sender_edit.setText(s.smtp.sender)
        self.recipient.setText(s.smtp.recipient)
        self.login.setChecked(login)
        self._loaded = s

    def settings_from_form(self) -> ReminderSettings:
        base = getattr(self, "_loaded", ReminderSettings())
        return replace(
            base,
            quiet=QuietHours(self.quiet_on.isChecked(), _time(self.quiet_start.time()),
                             _time(self.quiet_end.time())),
            grace_hours=float(self.grace.value()),
            task_lead=self.task_lead.currentData(),
            event_lead=self.event_lead.currentData(),
            morning=_time(self.morning.time()),
            digest_enabled=self.digest_on.isChecked(),
            digest_time=_time(self.digest_time.time()),
            email_missed=self.missed.isChecked(),
            smtp=SmtpSettings(self.host.text().strip(), int(self.port.value()),
                              self.starttls.isChecked(), self.user.text().strip(),
                              self.sender_edit.text().strip(), self.recipient.text().strip()),
        )

    def on_save_clicked(self) -> None:
        settings = self.settings_from_form()
        password = self.password.text()
        login = self.login.isChecked()

        def save() -> None:
            if password:
                store_password(settings.smtp, password)
            self.autostart.set_enabled(login)
            self.service.save_settings(settings)

        self.main.worker.run(save, on_done=self._saved, on_error=self._show_error)

    def _saved(self, _result: object) -> None:
        if self.scheduler is not None:
            self.scheduler.replan()
        self.main.show_message("Reminder settings saved.")
        self.accept()

    def on_test_clicked(self) -> None:
        settings = self.settings_from_form()
        password = self.password.text()

        def send() -> None:
            if password:
                store_password(settings.smtp, password)
            Mailer(settings.smtp).send(digest_message(settings.smtp,
                                                      self.service.clock.today(), [], []))

        self.main.worker.run(send, write=False, on_done=self._test_sent,
                             on_error=self._show_error)

    def _test_sent(self, _result: object) -> None:
        self.error.hide()
        self.main.show_message(f"Test e-mail sent to {self.recipient.text()}.")

    def _show_error(self, error: UserFacingError) -> None:
        self.error.setText(str(error))
        self.error.show()
