"""Fixtures for UI tests: the real main window on real services (a SQLite file in tmp_path)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget


def _open_window(qtbot: Any, services: Any) -> Any:
    from app.ui.app import create_main_window

    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    assert window.worker.wait_idle(10)
    return window


@pytest.fixture
def window(qtbot: Any, services: Any) -> Iterator[Any]:
    """MainWindow on the fixed-clock services, shown and loaded."""
    win = _open_window(qtbot, services)
    yield win
    win.close()
    assert win.worker.bugs == []


@pytest.fixture
def live_window(qtbot: Any, live_services: Any) -> Iterator[Any]:
    """MainWindow on system-clock services (when updated stamps must differ)."""
    win = _open_window(qtbot, live_services)
    yield win
    win.close()
    assert win.worker.bugs == []


@pytest.fixture
def idle(window: Any) -> Callable[[], None]:
    def wait() -> None:
        assert window.worker.wait_idle(10)

    return wait


@pytest.fixture
def modal(qtbot: Any) -> Callable[[], QWidget]:
    """Returns a function that waits for the open window-modal dialog and returns it."""

    def find() -> QWidget:
        found: list[QWidget] = []

        def check() -> bool:
            widget = QApplication.activeModalWidget()
            if widget is not None and widget.isVisible():
                found.append(widget)
                return True
            return False

        qtbot.waitUntil(check, timeout=5000)
        return found[-1]

    return find
