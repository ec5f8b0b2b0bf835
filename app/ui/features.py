"""Every feature beyond the task views, installed into the main window in one place."""

from __future__ import annotations

from app.ui.calendar_integration import install_calendar
from app.ui.dashboard_integration import install_dashboard
from app.ui.main_window import MainWindow
from app.ui.reminder_integration import install_reminders
from app.ui.time_integration import install_time_tracking


def install_features(window: MainWindow) -> None:
    """Time tracking (timer, tray, idle, timesheet), calendar, dashboard and reminders.

    Order matters: reminders fall back to the tray that time tracking creates.
    """
    install_time_tracking(window)
    install_calendar(window)
    install_dashboard(window)
    install_reminders(window)
