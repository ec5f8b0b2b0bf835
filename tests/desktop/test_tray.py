"""The tray under Xvfb with a real tray host (trayer), and the window path without one.

Closing by hand is a real WM_DELETE_WINDOW message sent to the window through Xlib, as a
window manager sends it. Set CADENCE_SHOTS_DIR to also save screenshots there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking
from app.ui.time_integration import TimeIntegration, install_time_tracking, of
from tests.support.desktop import Service, start_dunst, start_trayer

pytestmark = pytest.mark.desktop


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5),
                ("pad", ctypes.c_long * 24)]  # XEvent is a 24-long union


def wm_delete(window: Any) -> None:
    """Send WM_DELETE_WINDOW to the window, as a window manager does for the X button."""
    x: Any = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                             ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x.XOpenDisplay(None)
    assert display
    event = _ClientMessage()
    event.type = 33  # ClientMessage
    event.window = int(window.winId())
    event.message_type = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.format = 32
    event.data[0] = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    event.data[1] = 0  # CurrentTime
    assert x.XSendEvent(display, event.window, 0, 0, ctypes.byref(event))
    x.XFlush(display)
    x.XCloseDisplay(display)


def shot(name: str, pixmap: Any) -> None:
    folder = os.environ.get("CADENCE_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert pixmap.save(str(Path(folder) / f"time-{name}.png"))


@pytest.fixture
def window(qtbot: Any, services: Any, clock: Any) -> Iterator[Any]:
    from app.ui.app import create_main_window

    tt = TimeTracking.of(services)
    work = services.projects.create("Client work").id
    titles = ["Write the quarterly report", "Review pull requests", "Email & calls",
              "Plan the sprint", "Fix the login bug", "Team meeting"]
    ids = [services.tasks.create(TaskFields(title=t, project_id=work if i % 2 else None)).id
           for i, t in enumerate(titles)]
    start = clock.fixed - timedelta(hours=8)
    for i, task_id in enumerate(ids):
        tt.entries.add(task_id, start + timedelta(hours=i), start + timedelta(hours=i, minutes=50))
    win = create_main_window(services)
    qtbot.addWidget(win)
    win.task_ids = ids
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.isVisible() or win.isMinimized():
        win.close()
    assert win.worker.bugs == []


@pytest.fixture
def trayer(qtbot: Any) -> Iterator[Service]:
    service = start_trayer()
    try:
        qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=5000)
        yield service
    finally:
        service.stop()


def _installed(window: Any) -> TimeIntegration:
    install_time_tracking(window)
    integ = of(window)
    assert integ is not None
    assert window.worker.wait_idle(10)
    return integ


def test_without_a_tray_host_closing_minimises_and_the_window_does_everything(qtbot, window,
                                                                             services):
    try:
        qtbot.waitUntil(lambda: not QSystemTrayIcon.isSystemTrayAvailable(), timeout=3000)
    except AssertionError:
        pytest.skip("another test's tray host is still running")
    integ = _installed(window)
    assert integ.tray is None
    assert QApplication.quitOnLastWindowClosed()
    wm_delete(window)
    qtbot.waitUntil(window.isMinimized, timeout=5000)
    assert not integ._down  # noqa: SLF001 - still running, only minimised
    # Everything the tray offers is in the timer widget's menu.
    integ.widget.rebuild_menu()
    texts = [a.text() for a in integ.widget.menu.actions()]
    assert "Start Pomodoro" in texts and "New task and start…" in texts
    recent = next(a for a in integ.widget.menu.actions()
                  if a.text() == "Team meeting  ·  Client work")
    recent.trigger()
    # Wait for the stored state, not the first status signal: a database-change refresh
    # can emit one before the start has been written.
    qtbot.waitUntil(lambda: integ.controller.running
                    and integ.widget.title_label.text() == "Team meeting", timeout=5000)
    integ.widget.button.click()
    qtbot.waitUntil(lambda: not integ.controller.running, timeout=5000)
    from app.services.time_tracking import TimeTracking

    assert not TimeTracking.of(services).timer.status().running
    integ.open_window()
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=5000)


def test_tray_icon_appears_and_its_menu_starts_and_stops_a_timer(qtbot, window, trayer,
                                                                 services):
    integ = _installed(window)
    tray = integ.tray
    assert tray is not None and tray.isVisible()
    assert not QApplication.quitOnLastWindowClosed()
    qtbot.waitUntil(lambda: tray.geometry().width() > 0, timeout=5000)
    assert tray.geometry().height() > 0
    assert tray.state == "idle" and "No timer running" in tray.toolTip()
    recent = [a for a in tray.recent_actions if a.isVisible()]
    assert [a.text() for a in recent] == [
        "Team meeting  ·  Client work", "Fix the login bug", "Plan the sprint  ·  Client work",
        "Email && calls", "Review pull requests  ·  Client work"]
    with qtbot.waitSignal(integ.controller.status_changed, timeout=5000):
        recent[1].trigger()
    assert TimeTracking.of(services).timer.status().entry.task_title == "Fix the login bug"
    qtbot.waitUntil(lambda: "Fix the login bug — 0:00:0" in tray.toolTip(), timeout=5000)
    assert tray.state == "running" and tray.stop_action.isVisible()
    assert tray.current_action.text().startswith("Fix the login bug — ")
    # Open the real menu at the icon, as a click would, and look at it.
    menu = tray.contextMenu()
    geometry = tray.geometry()
    menu.popup(QPoint(geometry.left() - 260, geometry.bottom() + 2))
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    qtbot.wait(200)
    shot("tray-menu", QGuiApplication.primaryScreen().grabWindow(0))
    menu.hide()
    with qtbot.waitSignal(integ.controller.status_changed, timeout=5000):
        tray.stop_action.trigger()
    assert not TimeTracking.of(services).timer.status().running
    qtbot.waitUntil(lambda: "No timer running" in tray.toolTip(), timeout=5000)
    tray.pomodoro_action.trigger()
    assert tray.state == "pomodoro" and "Focus: 25:00 left" in tray.toolTip()
    tray.pomodoro_stop_action.trigger()
    assert tray.state == "idle"


def test_closing_keeps_running_in_the_tray_and_quit_quits(qtbot, window, trayer):
    integ = _installed(window)
    quits: list[bool] = []
    integ.quit_hook = lambda: quits.append(True)
    tray = integ.tray
    assert tray is not None
    wm_delete(window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert tray.isVisible() and not integ._down  # noqa: SLF001
    tray.open_action.trigger()
    qtbot.waitUntil(window.isVisible, timeout=5000)
    tray.quit_action.trigger()
    assert quits == [True] and not window.isVisible()
    assert integ._down and not tray.isVisible()  # noqa: SLF001
    assert QApplication.quitOnLastWindowClosed()


def test_pomodoro_phases_show_in_the_tray_and_as_desktop_notifications(
        qtbot, window, trayer, services, tmp_path, monkeypatch):
    monkeypatch.delenv("CADENCE_NO_NOTIFICATIONS", raising=False)
    dunst = start_dunst(tmp_path)
    try:
        integ = _installed(window)
        tray = integ.tray
        assert tray is not None
        integ.actions["pomodoro"].trigger()
        qtbot.waitUntil(lambda: len(integ.controller.notices) == 1, timeout=5000)
        assert integ.controller.notices[0] == (
            "Focus", "Session 1 of 4: 25 minutes of focus.", "desktop")
        assert tray.state == "pomodoro" and "Focus: 25:00 left" in tray.toolTip()
        services.clock.fixed += timedelta(minutes=25)
        integ.controller.pomodoro_tick(services.clock.now())
        qtbot.waitUntil(lambda: len(integ.controller.notices) == 2, timeout=5000)
        assert integ.controller.notices[1][::2] == ("Short break", "desktop")
        assert tray.state == "break" and "Short break: 5:00 left" in tray.toolTip()
        shown = subprocess.run(["dunstctl", "count", "displayed"], capture_output=True,
                               text=True, check=False).stdout.strip()
        history = subprocess.run(["dunstctl", "count", "history"], capture_output=True,
                                 text=True, check=False).stdout.strip()
        assert int(shown or 0) + int(history or 0) >= 2
    finally:
        dunst.stop()
