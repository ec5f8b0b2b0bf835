"""Never silence: no notification server, a server that dies, no tray — each reminder still
reaches the user (tray message, then the window), with one clear explanation."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

from app.services.clock import Clock
from app.services.facade import Services
from app.services.notify import DBusNotifier
from app.services.tasks import TaskFields
from tests.support.desktop import Service, bus_has_owner, start_trayer
from tests.support.windows import app_window_on

pytestmark = pytest.mark.desktop

BARE_BUS = (
    '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" '
    '"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd"><busconfig>'
    "<type>session</type><listen>unix:tmpdir=/tmp</listen><policy context=\"default\">"
    '<allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>'
    '<allow own="*"/></policy></busconfig>')


@pytest.fixture
def bare_bus(tmp_path: Path) -> Iterator[str]:
    """A session bus with no activatable services: nothing answers Notify. (Request it
    before the window, so the app lets go of it before it stops.)"""
    config = tmp_path / "bare.conf"
    config.write_text(BARE_BUS)
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork",
                             "--print-address=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=5)


@pytest.fixture
def app_window(qtbot: Any, data_dir: Path) -> Iterator[Any]:
    with app_window_on(qtbot, data_dir, Clock(zone_name="Europe/Berlin")) as window:
        yield window


def due_soon(services: Services, title: str, seconds: float = 1.5) -> datetime:
    task = services.tasks.create(TaskFields(title=title)).id
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    services.reminders.rules.add(task, at=at)
    return at


def test_no_server_falls_back_to_the_window_with_one_message(bare_bus: str, app_window: Any,
                                                            qtbot: Any) -> None:
    from app.ui.reminder_integration import install_reminders

    due_soon(app_window.services, "Stretch")
    due_soon(app_window.services, "Drink water", seconds=2.5)
    messages: list[str] = []
    app_window.statusBar().messageChanged.connect(messages.append)
    install_reminders(app_window, notifier=DBusNotifier(bus=bare_bus))
    controller = app_window.reminders
    qtbot.waitUntil(lambda: len(controller.presenter.shown) == 2, timeout=10_000)
    assert [(path, n.title) for path, n in controller.presenter.shown] == [
        ("window", "Stretch"), ("window", "Drink water")]
    problems = [m for m in messages if "Desktop notifications are unavailable" in m]
    assert len(problems) == 1 and "No notification server" in problems[0]
    assert any(m.startswith("Reminder: Drink water") for m in messages)
    qtbot.waitUntil(lambda: controller.bell.unread == 2, timeout=5000)  # and in the centre
    assert any("unavailable" in p for p in controller.center.data.problems)


def test_no_server_but_a_tray_uses_the_tray(bare_bus: str, app_window: Any,
                                            qtbot: Any) -> None:
    from app.ui.reminder_integration import install_reminders

    trayer: Service = start_trayer()
    try:
        qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=5000)
        pixmap = QPixmap(16, 16)
        pixmap.fill()
        tray = QSystemTrayIcon(QIcon(pixmap), app_window)
        tray.show()
        qtbot.waitUntil(tray.isVisible, timeout=5000)
        due_soon(app_window.services, "Tray only")
        install_reminders(app_window, notifier=DBusNotifier(bus=bare_bus))
        controller = app_window.reminders
        qtbot.waitUntil(lambda: len(controller.presenter.shown) == 1, timeout=10_000)
        assert controller.presenter.shown[0][0] == "tray"
        tray.hide()
    finally:
        trayer.stop()


def test_a_server_that_dies_is_reported_once_and_nothing_is_lost(bare_bus: str,
                                                                app_window: Any, qtbot: Any,
                                                                tmp_path: Path) -> None:
    from app.ui.reminder_integration import install_reminders

    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": bare_bus}
    rc = tmp_path / "dunstrc"
    rc.write_text("[global]\n    monitor = 0\n[urgency_normal]\n    timeout = 0\n")
    dunst = subprocess.Popen(["dunst", "-config", str(rc)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        qtbot.waitUntil(lambda: bus_has_owner("org.freedesktop.Notifications", env),
                        timeout=10_000)
        install_reminders(app_window, notifier=DBusNotifier(bus=bare_bus))
        controller = app_window.reminders
        qtbot.waitUntil(lambda: controller.presenter.ready, timeout=5000)
        assert controller.presenter.unavailable is None
    finally:
        dunst.terminate()
        dunst.wait(timeout=5)
    qtbot.waitUntil(lambda: not bus_has_owner("org.freedesktop.Notifications", env),
                    timeout=5000)
    due_soon(app_window.services, "After the crash", seconds=0.5)
    due_soon(app_window.services, "Still here", seconds=1.5)
    controller.scheduler.data_changed()
    qtbot.waitUntil(lambda: len(controller.presenter.shown) == 2, timeout=10_000)
    assert [path for path, _ in controller.presenter.shown] == ["window", "window"]
    problems = [p for p in controller.problems if "unavailable" in p]
    assert len(problems) == 1  # explained once, not once per reminder
    titles = {r.title for r in app_window.services.reminders.recent()}
    assert titles == {"After the crash", "Still here"}
