"""Puts the Dashboard into the main window without loading matplotlib until it is opened."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.ui import dashboard_jobs

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from app.services.facade import Services
    from app.services.task_query import View
    from app.ui.dashboard import Dashboard
    from app.ui.worker import DbWorker

VIEW_NAME = "Dashboard"
SHORTCUT = "Ctrl+Shift+D"


class DashboardHost(Protocol):
    """What the dashboard needs from the window it lives in."""

    services: Services
    worker: DbWorker

    def show_view(self, view: View) -> None: ...

    def show_message(self, text: str, timeout_ms: int = 6000) -> None: ...


class DashboardWindow(DashboardHost, Protocol):
    """The main window's contract for views added by features."""

    def add_view(self, name: str, widget: QWidget, shortcut: str) -> QAction: ...


class DashboardPage(QWidget):
    """A light placeholder page; the real Dashboard is built the first time it is shown.

    Importing matplotlib costs ~0.5 s, so it starts in the background when the page is
    first shown, overlapping with the first figures being computed on the worker.

    Signals:
        dashboard_created(object): the Dashboard widget now exists (tests and benchmarks).
    """

    dashboard_created = Signal(object)

    def __init__(self, host: DashboardHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_page")
        self.host = host
        self.dashboard: Dashboard | None = None
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel("Loading the dashboard…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._box.addWidget(self.placeholder)
        self._starting = False
        self._asked_at = 0.0
        self.cache = dashboard_jobs.ResultCache()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.dashboard is not None:
            self.dashboard.refresh(with_choices=True)  # the data may have changed meanwhile
        elif not self._starting:
            self._start()

    def _start(self) -> None:
        """Compute this week's figures while matplotlib loads; build the view after both."""
        from app.services.analytics_types import PRESETS, StatsQuery, preset_range
        from app.ui import theme

        self._starting = True
        self._asked_at = time.perf_counter()
        dashboard_jobs.warm_up()
        query = StatsQuery(*preset_range(PRESETS[0], self.host.services.clock.today()))
        self.host.worker.run(dashboard_jobs.prepare, self.host.services, query,
                             theme.current().dark, "project", False, True, self.cache,
                             write=False, slow=True, on_done=self._on_first_prepared,
                             on_error=self._on_error)

    def _on_first_prepared(self, prepared: dashboard_jobs.Prepared) -> None:
        from app.ui.dashboard import Dashboard  # matplotlib is loaded by now: cheap

        dashboard = Dashboard(self.host, self, self.cache)
        self.placeholder.hide()
        self._box.addWidget(dashboard)
        self.dashboard = dashboard
        self.dashboard_created.emit(dashboard)
        dashboard.adopt(prepared, self._asked_at)

    def _on_error(self, error: UserFacingError) -> None:
        self._starting = False
        self._asked_at = 0.0
        self.cache = dashboard_jobs.ResultCache()
        self.placeholder.setText(f"The dashboard could not be loaded: {error}")
        self.host.show_message(str(error))


def install_dashboard(window: DashboardWindow) -> None:
    """Add the Dashboard view (toolbar, View menu, command palette, Ctrl+Shift+D).

    The page is ``window.findChild(DashboardPage)``; nothing heavy loads until it is shown.
    """
    page = DashboardPage(window)
    action = window.add_view(VIEW_NAME, page, SHORTCUT)
    action.setStatusTip("Completed tasks, tracked time, estimates and meetings over a range")
