"""Fast start-up: the Inbox's first page painted at once, the services opened in the background."""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.errors import StoreError

if TYPE_CHECKING:
    from app.services.clock import Clock
    from app.services.facade import Services
    from app.ui.main_window import MainWindow

# What attaching the services to the window and installing the features import: loaded on
# the background thread too (module bodies only define classes), so that the GUI thread
# then only builds widgets.
PRELOAD = (
    "app.services.task_query",
    "app.ui.actions",
    "app.ui.editor",
    "app.ui.project_ops",
    "app.ui.sidebar",
    "app.ui.task_ops",
    "app.ui.view_loader",
    "app.ui.features",
)
INBOX_TITLE = "Inbox"  # task_query.INBOX.title (a test checks), without importing it
PAINT_FALLBACK_MS = 300  # start loading even if the window never paints (minimised)


def open_services(data_dir: Path, clock: Clock) -> Services:
    """Open the store the full way (schema check, migration if due, SQLAlchemy) and import
    what attaching it needs. Runs on a background thread; nothing here touches widgets."""
    from app.services.facade import Services

    services = Services.open(data_dir, clock=clock)
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    except BaseException:
        services.close()
        raise
    return services


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call back once, on the GUI thread, right after widget first paints."""
    watch = _PaintWatch(widget, callback)
    widget.installEventFilter(watch)
    QTimer.singleShot(PAINT_FALLBACK_MS, watch.fire)


class _PaintWatch(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.callback: Callable[[], None] | None = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.fire)  # after the paint, not inside it
        return False

    def fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback()


class ServicesOpener(QObject):
    """Opens the services on a background thread and completes the window with them.

    Signals:
        opened(object): the Services, attached to the window and its features installed.
        failed(object): the exception that stopped the opening (a StoreError was shown).
    """

    opened = Signal(object)
    failed = Signal(object)
    _finished = Signal(object, object)  # (Services | None, BaseException | None), any thread

    def __init__(self, window: MainWindow, data_dir: Path,
                 install: Callable[[MainWindow], None]) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.install = install
        self.services: Services | None = None
        self._thread: threading.Thread | None = None
        self._finished.connect(self._on_finished)  # here, on the GUI thread: queued

    def start(self) -> None:
        self._thread = threading.Thread(target=self._open, name="cadence-open", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _open(self) -> None:
        try:
            services = open_services(self.data_dir, self.window.clock)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, not lost
            self._finished.emit(None, exc)
        else:
            self._finished.emit(services, None)

    def _on_finished(self, services: Services | None, error: BaseException | None) -> None:
        if services is None:
            if isinstance(error, StoreError):
                from app.ui.dialogs import show_startup_error

                show_startup_error(str(error))
            self.failed.emit(error)
            return
        self.services = services
        if self.window.is_closed:  # closed while the services were opening
            return
        self.window.attach(services)
        QTimer.singleShot(0, self._install_features)  # a second step: two shorter stalls

    def _install_features(self) -> None:
        if self.services is None or self.window.is_closed:
            return
        self.install(self.window)
        gc.freeze()  # see app.ui.app.create_main_window
        self.opened.emit(self.services)
