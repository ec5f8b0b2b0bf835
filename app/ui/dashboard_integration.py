"""Puts the Dashboard into the main window without loading matplotlib until it is opened."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

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
    """The Dashboard view's page; the Dashboard is built the first time it is shown.

    The Dashboard itself needs no matplotlib (charts arrive as pixels drawn on the
    worker), so it appears at once; matplotlib (~0.3-0.5 s) starts loading in the
    background at the same moment, overlapping with the first figures being computed.

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
        self.cache = dashboard_jobs.ResultCache()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.dashboard is not None:
            self.dashboard.refresh(with_choices=True)  # the data may have changed meanwhile
        else:
            self._start()

    def _start(self) -> None:
        """Build the view, lay it out (so the visible charts and their sizes are known) and
        ask for this week's figures while matplotlib loads."""
        from app.ui.dashboard import Dashboard

        asked_at = time.perf_counter()
        dashboard_jobs.warm_up()
        dashboard = Dashboard(self.host, self, self.cache)
        self._box.addWidget(dashboard)
        dashboard.show()
        settle_layouts(self)
        self.dashboard = dashboard
        self.dashboard_created.emit(dashboard)
        dashboard.refresh(with_choices=True, asked_at=asked_at)


def settle_layouts(widget: QWidget) -> None:
    """Give every widget below ``widget`` its geometry now rather than at the next event
    loop pass (parents first: a scroll area sizes its content when it is resized)."""
    layout = widget.layout()
    if layout is not None:
        layout.activate()
    for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if child.isVisibleTo(widget):
            settle_layouts(child)


def install_dashboard(window: DashboardWindow) -> None:
    """Add the Dashboard view (toolbar, View menu, command palette, Ctrl+Shift+D).

    The page is ``window.findChild(DashboardPage)``; nothing heavy loads until it is shown.
    """
    page = DashboardPage(window)
    action = window.add_view(VIEW_NAME, page, SHORTCUT)
    action.setStatusTip("Completed tasks, tracked time, estimates and meetings over a range")
