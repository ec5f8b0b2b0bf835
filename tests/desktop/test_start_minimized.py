"""A start at login (`cadence --minimized`) opens in the tray, or minimised without one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from app.cli import main
from app.services.autostart import LOGIN_ARGS
from app.ui.app import present
from tests.support.desktop import Service, start_trayer

pytestmark = pytest.mark.desktop


@pytest.fixture
def plain_window(qtbot: Any) -> Iterator[QMainWindow]:
    win = QMainWindow()
    win.setWindowTitle("Cadence")
    qtbot.addWidget(win)
    yield win
    win.close()


def test_without_a_tray_it_starts_minimised(qtbot: Any, plain_window: QMainWindow) -> None:
    try:
        qtbot.waitUntil(lambda: not QSystemTrayIcon.isSystemTrayAvailable(), timeout=3000)
    except AssertionError:
        pytest.skip("another test's tray host is still running")
    present(plain_window, minimized=True)
    qtbot.waitUntil(plain_window.isMinimized, timeout=5000)


def test_with_a_tray_it_stays_in_the_tray(qtbot: Any, plain_window: QMainWindow) -> None:
    tray: Service = start_trayer()
    try:
        qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=5000)
        present(plain_window, minimized=True)
        assert not plain_window.isVisible()
        present(plain_window, minimized=False)
        qtbot.waitExposed(plain_window)
    finally:
        tray.stop()


def test_the_login_item_passes_the_flag_and_the_cli_accepts_it() -> None:
    assert LOGIN_ARGS == ("--minimized",)
    assert main(["--minimized", "--help"]) == 0
