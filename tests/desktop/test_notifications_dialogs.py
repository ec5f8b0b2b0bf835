"""The reminder settings dialog (quiet hours, catch-up, e-mail, start at login) and a task's
reminders dialog, on the running window; screenshots in /tmp/shots/rem-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QApplication

from app.services.autostart import Autostart
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields

pytestmark = pytest.mark.desktop
SHOTS = Path("/tmp/shots")


@pytest.fixture
def app_window(qtbot: Any, data_dir: Path) -> Iterator[Any]:
    from app.ui.app import create_main_window
    from app.ui.reminder_integration import install_reminders

    services = Services.open(data_dir, clock=Clock(zone_name="Europe/Berlin"))
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    install_reminders(window, notifier=None)
    try:
        yield window
    finally:
        window.reminders.shutdown()
        window.close()
        services.close()
        assert window.worker.bugs == []


def test_settings_dialog_saves_quiet_hours_mail_and_login_item(app_window: Any,
                                                               qtbot: Any) -> None:
    from app.ui.reminder_settings_dialog import ReminderSettingsDialog

    controller = app_window.reminders
    dialog = ReminderSettingsDialog(app_window, controller.service, controller.scheduler)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: hasattr(dialog, "_loaded"), timeout=5000)
    dialog.quiet_on.setChecked(True)
    dialog.quiet_start.setTime(QTime(21, 30))
    dialog.quiet_end.setTime(QTime(6, 45))
    dialog.grace.setValue(8)
    dialog.event_lead.setCurrentIndex(dialog.event_lead.findData("-PT15M"))
    dialog.digest_on.setChecked(True)
    dialog.host.setText("smtp.example.org")
    dialog.user.setText("ada")
    dialog.recipient.setText("ada@example.org")
    dialog.login.setChecked(True)
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(100)
    assert dialog.grab().save(str(SHOTS / "rem-settings.png"))
    dialog.on_save_clicked()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    saved = controller.service.settings()
    assert saved.quiet.enabled and (saved.quiet.start, saved.quiet.end) == (time(21, 30),
                                                                           time(6, 45))
    assert saved.grace_hours == 8 and saved.event_lead == "-PT15M" and saved.digest_enabled
    assert (saved.smtp.host, saved.smtp.user, saved.smtp.port) == ("smtp.example.org", "ada",
                                                                   587)
    assert Autostart().is_enabled()  # the XDG entry in the test HOME
    Autostart().disable()


def test_task_reminders_dialog_adds_and_removes_rules(app_window: Any, qtbot: Any) -> None:
    from app.ui.reminder_rules_dialog import TaskRemindersDialog

    services: Services = app_window.services
    task = services.tasks.create(TaskFields(title="Quarterly report", due_date=date(2030, 1, 15),
                                            due_time=time(9, 0))).id
    controller = app_window.reminders
    dialog = TaskRemindersDialog(app_window, controller.service, task, controller.scheduler)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: "Quarterly report" in dialog.title.text(), timeout=5000)
    for count, label in enumerate(("1 day before", "15 minutes before"), 1):
        dialog.preset.setCurrentIndex(dialog.preset.findText(label))
        dialog.on_add_clicked()
        qtbot.waitUntil(lambda n=count: dialog.list.count() == n, timeout=5000)
    items = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert items == ["1 day before", "15 min before"]
    dialog.preset.setCurrentIndex(dialog.preset.findText("At a date and time…"))
    assert dialog.when.isVisible()
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(100)
    assert dialog.grab().save(str(SHOTS / "rem-task-reminders.png"))
    dialog.list.setCurrentRow(0)
    dialog.on_remove_clicked()
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    assert [r.lead for r in services.reminders.rules.rules(task)] == ["-PT15M"]
    services.tasks.update(task, TaskFields(due_date=None))
    dialog.preset.setCurrentIndex(dialog.preset.findText("1 hour before"))
    dialog.on_add_clicked()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert "has no due date" in dialog.error.text()
    dialog.close()
    QApplication.processEvents()
