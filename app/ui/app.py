"""GUI entry: the QApplication, the store (with clear errors), the sample project, the window.

Importing this module is cheap: Qt and the services are imported when the GUI starts.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.services.clock import Clock
    from app.services.facade import Services
    from app.services.first_page import FirstPage
    from app.ui.main_window import MainWindow

EXIT_AFTER_SHOWN_ENV = "CADENCE_EXIT_AFTER_SHOWN"
SHOWN_MARKER = "CADENCE_SHOWN"
_T0 = time.perf_counter()


def process_age() -> float:
    """Seconds since this process started (from /proc; since this import elsewhere)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _T0


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM: unlike getrusage's ru_maxrss it
    does not inherit the parent's peak across fork and exec); 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            line = next(x for x in f if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration, ValueError, IndexError):
        return 0.0


def application(argv: list[str]) -> QApplication:
    """The one QApplication, named and themed (created if needed)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app import APP_ID, APP_NAME, __version__, paths
    from app.ui import theme

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        # argv holds the options after the program name (as the CLI passes them).
        app = QApplication([sys.argv[0] if sys.argv else "cadence", *argv])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    icon_file = paths.resource("icons", "cadence.svg")
    if icon_file.exists():
        app.setWindowIcon(QIcon(str(icon_file)))
    if theme.manager() is None:
        theme.ThemeManager(app)
    return app


def create_main_window(services: Services) -> MainWindow:
    """The main window on open services (used by run_gui, the self-test and tests)."""
    import gc

    from app.ui.main_window import MainWindow

    application([])
    window = MainWindow(services)
    # Everything imported and built so far lives until exit: keep it out of the cyclic
    # collector, whose full passes otherwise walk all of it (~100 ms stalls at 100k tasks).
    gc.freeze()
    return window


def present(window: QWidget, *, minimized: bool) -> None:
    """Show the window; for a start at login (``minimized``) leave it in the system tray,
    whose icon opens it, or minimise it where there is no tray."""
    from PySide6.QtWidgets import QSystemTrayIcon

    if not minimized:
        window.show()
    elif not QSystemTrayIcon.isSystemTrayAvailable():
        window.showMinimized()


def run_gui(data_dir: Path | None, argv: list[str], *, minimized: bool = False) -> int:
    """Run the desktop app until its window closes; 2 if the store cannot be used.

    A store that is ready as it is (this build's schema, past the first run) shows the
    Inbox's first page, read with plain sqlite3, before SQLAlchemy and the services load
    in the background (app.ui.startup); any other store is opened the full way first.
    """
    app = application(argv)
    from app import paths
    from app.services.clock import Clock
    from app.services.first_page import INBOX_REF, read_first_page

    folder = data_dir or paths.default_data_dir()
    clock = Clock()
    page = read_first_page(paths.database_path(folder), INBOX_REF, clock)
    if page is None:
        return _run_opened(app, folder, clock, minimized)
    return _run_first_page_first(app, folder, page, clock, minimized)


def _run_first_page_first(app: QApplication, folder: Path, page: FirstPage,
                          clock: Clock, minimized: bool) -> int:
    """Paint the first page, open the services after that paint, attach them, run."""
    from PySide6.QtCore import Qt

    from app.errors import StoreError
    from app.ui.main_window import MainWindow
    from app.ui.startup import INBOX_TITLE, ServicesOpener, after_first_paint

    window = MainWindow(clock=clock)
    if os.environ.get(EXIT_AFTER_SHOWN_ENV):
        _report_when_painted(window)
    window.show_first_page(page, INBOX_TITLE)
    opener = ServicesOpener(window, folder, _install_features)
    failures: list[BaseException] = []

    def on_failed(error: object) -> None:
        failures.append(error if isinstance(error, BaseException) else RuntimeError(error))
        window.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # exit() says it all
        window.close()
        app.exit(2)

    opener.failed.connect(on_failed)
    present(window, minimized=minimized)
    after_first_paint(window.task_list.viewport(), opener.start)
    try:
        code = app.exec()
    finally:
        opener.wait()
        if opener.services is not None:
            opener.services.close()
    if failures:
        if isinstance(failures[0], StoreError):
            return 2  # its message was shown
        raise failures[0]
    return code


def _install_features(window: MainWindow) -> None:
    from app.ui.features import install_features

    install_features(window)


def _run_opened(app: QApplication, folder: Path, clock: Clock, minimized: bool) -> int:
    """Open (and migrate) the store, add the sample project on the first run, then show."""
    from app.errors import StoreError
    from app.services.facade import Services
    from app.services.sample import PROJECT_NAME, ensure_sample_project
    from app.services.task_query import View
    from app.ui.dialogs import show_startup_error
    from app.ui.features import install_features

    try:
        services = Services.open(folder, clock=clock)
    except StoreError as exc:  # StoreTooNewError included
        show_startup_error(str(exc))
        return 2
    try:
        try:
            first_run = ensure_sample_project(services)
        except StoreError as exc:
            show_startup_error(str(exc))
            return 2
        window = create_main_window(services)
        install_features(window)
        sample = services.projects.by_name(PROJECT_NAME) if first_run else None
        if sample is not None:  # the first run opens the welcome project, not an empty Inbox
            window.show_view(View("project", sample.id, sample.name))
        present(window, minimized=minimized)
        if os.environ.get(EXIT_AFTER_SHOWN_ENV):
            _report_when_painted(window)
        return app.exec()
    finally:
        services.close()


def _report_when_painted(window: MainWindow) -> None:
    """Benchmark hook: print the process age when the Inbox list is first painted with data
    (its first page), when the window is ready (services attached: sidebar, editor, every
    command) and when the whole list is painted, then quit."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class Reporter(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.pending = False
            self.first: tuple[float, int] | None = None
            self.ready = None if not window.is_attached else process_age()
            window.ready.connect(self.on_window_ready)
            window.list_loaded.connect(self.on_window_list_loaded)
            window.task_list.viewport().installEventFilter(self)

        def on_window_ready(self) -> None:
            self.ready = process_age()

        def on_window_list_loaded(self) -> None:
            self.pending = True
            window.task_list.viewport().update()

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if self.pending and event.type() == QEvent.Type.Paint:
                self.pending = False
                QTimer.singleShot(0, self.painted)
            return False

        def painted(self) -> None:
            now, rows = process_age(), window.model.rowCount()
            if self.first is None:
                self.first = (now, rows)
            if not window.list_complete:
                return
            first, first_rows = self.first
            ready = now if self.ready is None else self.ready
            print(f"{SHOWN_MARKER} {first:.3f} rows={first_rows} ready={ready:.3f} "
                  f"complete={now:.3f} tasks={len(window.tasks)} rss_mb={peak_rss_mb():.0f}",
                  flush=True)
            window.close()
            QCoreApplication.quit()

    Reporter()
