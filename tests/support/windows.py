"""The running app's main window on real services, for desktop tests, torn down cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def app_window_on(qtbot: Any, data_dir: Path, clock: Any, *,
                  size: tuple[int, int] | None = None) -> Iterator[Any]:
    """Open the store in data_dir with clock, show the main window; on exit stop its
    reminders, close it and the store, and check that no worker job hit a bug."""
    from app.services.facade import Services
    from app.ui.app import create_main_window

    services = Services.open(data_dir, clock=clock)
    window = create_main_window(services)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
        window.move(0, 0)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        controller = getattr(window, "reminders", None)
        if controller is not None:
            controller.shutdown()
        window.close()
        services.close()
        assert window.worker.bugs == []
