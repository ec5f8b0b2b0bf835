"""The bell and the notification centre in the running window, with missed, snoozed and
on-time reminders shown by dunst; screenshots land in /tmp/shots/rem-*.png."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QToolButton

from app.services.clock import Clock
from app.services.facade import Services
from app.services.notify import DBusNotifier
from app.services.tasks import TaskFields
from tests.support.desktop import Service, start_dunst
from tests.support.windows import app_window_on

pytestmark = pytest.mark.desktop
SHOTS = Path("/tmp/shots")


@pytest.fixture
def dunst(tmp_path: Path) -> Iterator[Service]:
    service = start_dunst(tmp_path)
    try:
        yield service
    finally:
        service.stop()


def ics_event(uid: str, start: datetime, summary: str, location: str, lead: str) -> bytes:
    def fmt(x: datetime) -> str:
        return x.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nX-WR-CALNAME:Personal\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{fmt(start)}\r\nDTSTART:{fmt(start)}\r\n"
        f"DTEND:{fmt(start + timedelta(minutes=45))}\r\nSUMMARY:{summary}\r\n"
        f"LOCATION:{location}\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
        f"TRIGGER:{lead}\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def seed_the_past(data_dir: Path, now: datetime) -> None:
    """Items written five hours ago (by an earlier session): their reminders came due
    while Cadence was not running."""
    past = Services.open(data_dir, clock=Clock(zone_name="Europe/Berlin",
                                               fixed=now - timedelta(hours=5)))
    zone = past.clock.zone
    try:
        project = past.projects.create("Home").id
        for title, delta in (("Renew passport", -4 * 60), ("Book flights to Lisbon", -70),
                             ("Water the plants", -30)):
            due = (now + timedelta(minutes=delta)).astimezone(zone)
            past.tasks.create(TaskFields(title=title, due_date=due.date(),
                                         due_time=due.time().replace(second=0, microsecond=0),
                                         project_id=project))
        report = (now + timedelta(hours=3)).astimezone(zone)
        task = past.tasks.create(TaskFields(title="Write the quarterly report",
                                            due_date=report.date(),
                                            due_time=report.time().replace(second=0,
                                                                           microsecond=0)))
        past.reminders.rules.add(task.id, before="1h")
        past.calendar.ics.import_bytes(ics_event(
            "dentist@x", now + timedelta(minutes=12), "Dentist", "Dr. Weber, Hauptstr. 5",
            "-PT15M"), source="personal.ics")
    finally:
        past.close()


@pytest.fixture
def app_window(qtbot: Any, data_dir: Path) -> Iterator[Any]:
    seed_the_past(data_dir, datetime.now(UTC))
    berlin = Clock(zone_name="Europe/Berlin")
    with app_window_on(qtbot, data_dir, berlin, size=(1180, 720)) as window:
        yield window


def test_missed_snoozed_and_on_time_in_the_centre(app_window: Any, qtbot: Any,
                                                  dunst: Service) -> None:
    from app.ui.reminder_integration import install_reminders

    services: Services = app_window.services
    call = services.tasks.create(TaskFields(title="Call the bank about the mortgage"))
    services.reminders.rules.add(call.id, at=datetime.now(UTC) + timedelta(seconds=2))
    install_reminders(app_window, notifier=DBusNotifier())
    controller = app_window.reminders
    presenter = controller.presenter
    # catch-up: the four late reminders arrive as one summary
    qtbot.waitUntil(lambda: len(presenter.shown) == 1, timeout=10_000)
    summary = presenter.shown[0][1]
    assert summary.title == "You missed 4 reminders" and len(summary.reminder_ids) == 4
    qtbot.waitUntil(lambda: controller.bell.unread == 4, timeout=5000)
    # then the on-time one, by itself, with its actions
    qtbot.waitUntil(lambda: len(presenter.shown) == 2, timeout=10_000)
    assert presenter.shown[1][1].title == "Call the bank about the mortgage"
    qtbot.waitUntil(lambda: controller.bell.unread == 5, timeout=5000)

    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(300)  # let dunst paint both bubbles
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(SHOTS / "rem-notification.png")],
                       check=True, timeout=30)
    controller.open_center()
    center = controller.center
    qtbot.waitUntil(lambda: center.isVisible() and len(center.rows) == 5, timeout=5000)
    rows = {row.reminder.title: row for row in center.rows}
    assert rows["Dentist"].reminder.detail.startswith("Starts ")
    assert "Dr. Weber" in rows["Dentist"].reminder.detail
    # act from the centre: snooze one (the menu), dismiss one (a button)
    center.action_requested.emit(rows["Book flights to Lisbon"].reminder.id, "snooze-30")
    dismiss = rows["Water the plants"].findChild(QToolButton, "reminder_dismiss")
    assert dismiss is not None
    dismiss.click()

    def settled() -> bool:
        states = {r.title: r.state for r in services.reminders.recent()}
        return states.get("Book flights to Lisbon") == "snoozed" and \
            states.get("Water the plants") == "dismissed"

    qtbot.waitUntil(settled, timeout=5000)
    qtbot.waitUntil(lambda: len(center.rows) == 5 and any(
        r.reminder.state == "snoozed" for r in center.rows), timeout=5000)
    assert controller.bell.unread == 3
    assert center.data is not None and [t.title for t in center.data.upcoming] == \
        ["Book flights to Lisbon", "Write the quarterly report"]

    qtbot.wait(200)
    assert center.grab().save(str(SHOTS / "rem-center.png"))
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(SHOTS / "rem-window.png")],
                       check=True, timeout=30)
    bell = controller.bell
    assert bell.grab().save(str(SHOTS / "rem-bell.png"))

    controller.mark_all_read()
    qtbot.waitUntil(lambda: controller.bell.unread == 0, timeout=5000)
    center.hide()


def test_commands_are_in_the_palette_with_shortcuts(qtbot: Any, data_dir: Path) -> None:
    from PySide6.QtCore import Qt

    from app.ui.app import create_main_window
    from app.ui.reminder_integration import install_reminders

    services = Services.open(data_dir, clock=Clock(zone_name="Europe/Berlin"))
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        install_reminders(window, notifier=None)
        install_reminders(window, notifier=None)  # a second call changes nothing
        actions = {a.text(): a.shortcut().toString() for a in window.command_actions()}
        assert actions["Show reminders"] == "Ctrl+Shift+R"
        assert actions["Reminders for the selected task…"] == "Ctrl+Shift+M"
        assert all(actions.values())  # the window's contract: every command has a key
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(window.reminders.center.isVisible, timeout=5000)
        window.reminders.center.hide()
    finally:
        window.reminders.shutdown()
        window.close()
        services.close()
