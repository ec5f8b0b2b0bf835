"""Screenshots of the timesheet and the idle dialog, with checks that nothing is clipped.

Set CADENCE_SHOTS_DIR to keep the pictures (time-timesheet.png, time-idle-dialog.png).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from app.services.idle import AwayPeriod
from app.services.tasks import TaskFields
from app.services.time_dto import RecentTask
from app.services.time_edits import EntryFields
from app.services.time_tracking import TimeTracking
from app.ui.idle_dialog import IdleDialog
from app.ui.time_integration import install_time_tracking, of

pytestmark = pytest.mark.desktop


def save(name: str, pixmap: Any) -> None:
    folder = os.environ.get("CADENCE_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert pixmap.save(str(Path(folder) / f"time-{name}.png"))


def seed_week(services: Any, clock: Any) -> None:
    """A plausible week: Mon 23 - Sat 28 Nov 2026, a timer running on Saturday."""
    p = services.projects
    acme, home = p.create("Acme redesign").id, p.create("Home").id
    t = services.tasks
    tasks = {
        "wire": t.create(TaskFields(title="Wireframes for the checkout flow", project_id=acme,
                                    estimate_minutes=480, tags=("design", "client"))).id,
        "review": t.create(TaskFields(title="Review pull requests", project_id=acme,
                                      estimate_minutes=120, tags=("dev",))).id,
        "mail": t.create(TaskFields(title="Email & calls", tags=("admin",))).id,
        "tax": t.create(TaskFields(title="Tax return", project_id=home, estimate_minutes=180)).id,
    }
    tt = TimeTracking.of(services)
    monday = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    plan = [("wire", 0, 0, 150, "first sketches"), ("mail", 0, 165, 40, ""),
            ("review", 1, 0, 95, "PR #412, #415"), ("wire", 1, 120, 200, ""),
            ("tax", 2, 600, 90, "receipts"), ("wire", 3, 10, 240, "checkout v2"),
            ("mail", 3, 260, 35, ""), ("review", 4, 30, 75, ""), ("mail", 4, 120, 25, "")]
    for key, day, minute, length, note in plan:
        start = monday + timedelta(days=day, minutes=minute)
        entry = tt.entries.add(tasks[key], start, start + timedelta(minutes=length), note=note)
        if key == "review":
            tt.entries.edit(entry.id, EntryFields(billable=True))
    clock.fixed = datetime(2026, 11, 28, 9, 15, tzinfo=UTC)
    tt.timer.start(tasks["tax"])
    clock.fixed = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_timesheet_screenshot(qtbot, window, services, clock):
    seed_week(services, clock)
    window.resize(1280, 800)
    install_time_tracking(window)
    integ = of(window)
    assert integ is not None and window.worker.wait_idle(10)
    with qtbot.waitSignal(integ.timesheet.loaded, timeout=5000):
        integ.timesheet_action.trigger()
    view = integ.timesheet
    qtbot.wait(100)
    assert view.model.rowCount() == 10
    tasks_tree = view.totals.tasks
    metrics = tasks_tree.fontMetrics()
    for row in range(tasks_tree.topLevelItemCount()):
        item = tasks_tree.topLevelItem(row)
        assert item is not None
        needed = metrics.horizontalAdvance(item.text(2))
        assert needed <= tasks_tree.columnWidth(2), f"clipped: {item.text(2)}"
    for button in view.day_buttons[:6]:
        lines = button.text().split("\n")
        assert max(button.fontMetrics().horizontalAdvance(s) for s in lines) < button.width()
    save("timesheet", window.grab())


def test_idle_dialog_screenshot(qtbot, services):
    start = datetime(2026, 11, 28, 9, 2, tzinfo=UTC)
    dialog = IdleDialog(AwayPeriod(start, start + timedelta(minutes=37), "idle"),
                        "Wireframes for the checkout flow", services.clock.zone,
                        [RecentTask("a" * 32, "Email & calls", None),
                         RecentTask("b" * 32, "Review pull requests", "Acme redesign")])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(100)
    for button in dialog.findChildren(QPushButton):
        hint = button.sizeHint()
        assert button.width() >= hint.width() and button.height() >= hint.height() - 1
    assert dialog.task_combo.currentText() == "Email & calls"
    save("idle-dialog", dialog.grab())
