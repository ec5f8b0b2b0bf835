"""Timer widget, controller, timesheet and dialogs on real services through the real DbWorker."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services.facade import Services
from app.services.idle import AwayPeriod, FakeIdleSource
from app.services.pomodoro import SHORT_BREAK, WORK
from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking
from app.ui.idle_dialog import IdleDialog
from app.ui.idle_monitor import IdleMonitor
from app.ui.time_controller import TimeController
from app.ui.time_entry_dialog import EntryDialog
from app.ui.timer_widget import TimerWidget
from app.ui.timesheet_model import EntryTableModel
from app.ui.timesheet_view import TimesheetView
from app.ui.worker import DbWorker


@pytest.fixture
def worker(qapp: Any) -> Iterator[DbWorker]:
    w = DbWorker()
    yield w
    w.shutdown()
    assert w.bugs == []


@pytest.fixture
def controller(services: Services, worker: DbWorker) -> Iterator[TimeController]:
    c = TimeController(services, worker)
    yield c
    c.shutdown()


@pytest.fixture
def tasks(services: Services) -> dict[str, str]:
    work = services.projects.create("Work").id
    return {
        "report": services.tasks.create(TaskFields(title="Write report", project_id=work,
                                                   estimate_minutes=60, tags=("deep",))).id,
        "mail": services.tasks.create(TaskFields(title="Mail")).id,
    }


def test_widget_starts_the_selected_task_and_stops(qtbot, controller, worker, tasks, services):
    widget = TimerWidget(controller, selected_task=lambda: tasks["report"])
    qtbot.addWidget(widget)
    assert widget.title_label.text() == "No timer" and not controller.ticking
    with qtbot.waitSignal(controller.status_changed, timeout=5000):
        qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    assert widget.title_label.text() == "Write report" and widget.button.text() == "Stop"
    assert controller.ticking  # the one-second tick runs only now
    assert TimeTracking.of(services).timer.status().entry.task_id == tasks["report"]
    with qtbot.waitSignal(controller.status_changed, timeout=5000):
        qtbot.mouseClick(widget.button, Qt.MouseButton.LeftButton)
    assert widget.title_label.text() == "No timer" and not controller.ticking


def test_writes_run_on_the_worker_thread(controller, worker, tasks, services, monkeypatch):
    seen: list[str] = []
    timer = controller.time.timer
    original = timer.start

    def spy(task_id: str) -> Any:
        seen.append(threading.current_thread().name)
        return original(task_id)

    monkeypatch.setattr(timer, "start", spy)
    controller.start(tasks["mail"])
    assert worker.wait_idle(5)
    assert seen and seen[0].startswith("cadence-writer")


def test_widget_menu_offers_recent_tasks(qtbot, controller, worker, tasks, clock):
    widget = TimerWidget(controller)
    qtbot.addWidget(widget)
    controller.start(tasks["report"])
    assert worker.wait_idle(5)
    clock.fixed += timedelta(minutes=5)
    controller.start(tasks["mail"])
    assert worker.wait_idle(5)
    controller.refresh()
    assert worker.wait_idle(5)
    widget.rebuild_menu()
    texts = [a.text() for a in widget.menu.actions()]
    assert "Write report  ·  Work" in texts and "Stop timer" in texts
    assert "Mail" not in texts  # the running task is not offered again
    start_report = next(a for a in widget.menu.actions() if a.text().startswith("Write report"))
    with qtbot.waitSignal(controller.status_changed, timeout=5000):
        start_report.trigger()
    assert controller.status.entry.task_title == "Write report"


def test_controller_notices_a_timer_started_by_another_process(qtbot, controller, worker,
                                                               tasks, data_dir, clock):
    controller.refresh()
    assert worker.wait_idle(5)
    other = Services.open(data_dir, clock=clock)
    try:
        with qtbot.waitSignal(controller.status_changed, timeout=5000):
            TimeTracking.of(other).timer.start(tasks["mail"])
    finally:
        other.close()
    assert controller.status.entry.task_title == "Mail"


def test_pomodoro_phases_reach_the_widget_and_are_never_silent(qtbot, controller, services,
                                                              monkeypatch):
    monkeypatch.setenv("CADENCE_NO_NOTIFICATIONS", "1")
    widget = TimerWidget(controller)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(controller.message, timeout=5000) as blocker:
        controller.pomodoro_start()
    assert blocker.args[0].startswith("Focus. Session 1 of 4")
    assert controller.ticking and widget.pomodoro_label.text() == "Focus 25:00"
    with qtbot.waitSignal(controller.notice_undelivered, timeout=5000):
        controller.pomodoro_tick(services.clock.now() + timedelta(minutes=25))
    assert controller.pomodoro.state.phase == SHORT_BREAK
    assert controller.notices[-1] == ("Short break", "Well done. Take 5 minutes off.",
                                      "desktop notifications are off")
    controller.pomodoro_skip()
    assert controller.pomodoro.state.phase == WORK
    controller.pomodoro_stop()
    assert not controller.ticking and widget.pomodoro_label.isHidden()


def _seed_week(services: Services, tasks: dict[str, str]) -> None:
    tt = TimeTracking.of(services)
    day = datetime(2026, 11, 26, 8, tzinfo=UTC)  # Thursday
    tt.entries.add(tasks["report"], day, day + timedelta(hours=2), note="draft")
    tt.entries.add(tasks["mail"], day + timedelta(hours=3), day + timedelta(hours=3, minutes=30))
    tt.entries.add(tasks["report"], day - timedelta(days=1), day - timedelta(days=1, hours=-1))


def test_timesheet_week_and_day(qtbot, controller, worker, services, tasks, qtmodeltester):
    _seed_week(services, tasks)
    view = TimesheetView(controller)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show()
    qtmodeltester.check(view.model)
    assert view.title.text() == "23 – 29 November 2026"
    assert view.model.rowCount() == 3
    assert [b.text() for b in view.day_buttons][2:4] == ["Wed 25\n1:00:00", "Thu 26\n2:30:00"]
    texts = view.totals.texts()
    assert texts["totals_projects"] == [["Work", "3:00:00"], ["No project", "0:30:00"]]
    assert texts["totals_tags"] == [["deep", "3:00:00"], ["(untagged)", "0:30:00"]]
    assert texts["totals_tasks"][0] == ["Write report", "3:00:00", "3:00 of 1:00 h (300%, over)"]
    assert view.total_label.text() == "Total 3:30:00  ·  3 entries"
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(view.day_buttons[3], Qt.MouseButton.LeftButton)
    assert view.days == 1 and view.model.rowCount() == 2
    assert view.title.text() == "Thursday 26 November 2026"
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(view.prev_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 1


def test_entry_dialog_overlap_offers_trim(qtbot, controller, worker, services, tasks):
    _seed_week(services, tasks)
    view = TimesheetView(controller)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show()
    view.ops.add(services.clock.today())
    assert worker.wait_idle(5)
    dialog = view.ops.dialog
    assert isinstance(dialog, EntryDialog) and dialog.isVisible()
    zone = services.clock.zone
    from app.ui.time_entry_dialog import to_qdatetime

    start = datetime(2026, 11, 26, 9, tzinfo=UTC)
    dialog.task_combo.setCurrentIndex(dialog.task_combo.findData(tasks["mail"]))
    dialog.start_edit.setDateTime(to_qdatetime(start, zone))
    dialog.end_edit.setDateTime(to_qdatetime(start + timedelta(minutes=30), zone))
    dialog.submit(trim=False)
    assert worker.wait_idle(5)
    assert dialog.isVisible() and dialog.trim_button.isVisible()
    assert dialog.error_label.text().startswith("Overlaps “Write report”")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(dialog.trim_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    titles = [(view.model.entry(r).task_title, view.model.entry(r).seconds(start))
              for r in range(view.model.rowCount())]
    assert titles[1:4] == [("Write report", 3600), ("Mail", 1800), ("Write report", 1800)]


def test_entry_table_model_on_its_own(qtmodeltester, services, tasks):
    _seed_week(services, tasks)
    model = EntryTableModel()
    tt = TimeTracking.of(services)
    model.reset(list(tt.sheet.week_of(services.clock.today()).entries), services.clock.zone,
                services.clock.now())
    qtmodeltester.check(model)
    assert model.data(model.index(1, 4)) == "Write report"
    assert model.data(model.index(1, 3)) == "2:00:00"


def test_idle_dialog_choices(qtbot, services, tasks):
    from app.services.time_dto import RecentTask

    start = datetime(2026, 11, 28, 9, 2, tzinfo=UTC)
    period = AwayPeriod(start, start + timedelta(minutes=33), "idle")
    dialog = IdleDialog(period, "Write report", services.clock.zone,
                        [RecentTask(tasks["mail"], "Mail", None)])
    qtbot.addWidget(dialog)
    dialog.show()
    head = dialog.findChild(QLabel, "idle_head")
    assert head is not None and "You were idle for 33 minutes" in head.text()
    with qtbot.waitSignal(dialog.decided) as blocker:
        qtbot.mouseClick(dialog.split_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["split", tasks["mail"]]
    again = IdleDialog(period, "Write report", services.clock.zone, [])
    qtbot.addWidget(again)
    again.show()
    assert not again.split_button.isEnabled()
    with qtbot.waitSignal(again.decided) as blocker:
        again.reject()  # Escape keeps the time: nothing is lost
    assert blocker.args == ["keep", None]


def test_idle_monitor_polls_only_while_active(qtbot):
    source = FakeIdleSource(0.0)
    monitor = IdleMonitor(threshold=1.0, source_factory=lambda: source, poll_ms=50)
    readings: list[object] = []
    monitor.reading.connect(readings.append)
    qtbot.wait(200)
    assert readings == []  # inactive: no polling at all
    monitor.set_active(True)
    source.idle = 5.0
    qtbot.waitUntil(lambda: monitor.watcher.away_since is not None, timeout=3000)
    source.idle = 0.2
    with qtbot.waitSignal(monitor.away, timeout=3000) as blocker:
        pass
    period = blocker.args[0]
    assert period.reason == "idle" and 4 <= period.seconds <= 6
    monitor.set_active(False)
    count = len(readings)
    qtbot.wait(200)
    assert len(readings) <= count + 1
    monitor.shutdown()


def test_screen_lock_signals_on_the_session_bus_reach_the_monitor(qtbot):
    source = FakeIdleSource(0.0)
    monitor = IdleMonitor(threshold=0.5, source_factory=lambda: source, poll_ms=60_000)
    wired = monitor.connect_dbus()
    assert "org.freedesktop.ScreenSaver.ActiveChanged" in wired
    assert "org.gnome.ScreenSaver.ActiveChanged" in wired
    monitor.set_active(True)

    def emit(active: str) -> None:
        subprocess.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/ScreenSaver",
                        "org.freedesktop.ScreenSaver.ActiveChanged", f"boolean:{active}"],
                       check=True)

    emit("true")
    qtbot.waitUntil(lambda: monitor.watcher.away_since is not None, timeout=5000)
    qtbot.wait(700)
    with qtbot.waitSignal(monitor.away, timeout=5000) as blocker:
        emit("false")
    assert blocker.args[0].reason == "lock" and blocker.args[0].seconds >= 0
    monitor.shutdown()


def test_no_refresh_loop_when_nothing_happens(qtbot, controller, worker, tasks):
    controller.start(tasks["mail"])
    assert worker.wait_idle(5)
    qtbot.wait(600)  # let the watcher's debounce settle after our own write
    seen: list[bool] = []
    controller.store_changed.connect(lambda: seen.append(True))
    qtbot.wait(1500)
    assert seen == []


def test_timesheet_entry_actions(qtbot, controller, worker, services, tasks, tmp_path):
    _seed_week(services, tasks)
    view = TimesheetView(controller)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show()

    def rows() -> list[tuple[str, int]]:
        return [(e.task_title, e.seconds(e.end or e.start)) for e in view.model.entries]

    assert rows() == [("Write report", 3600), ("Write report", 7200), ("Mail", 1800)]
    view.table.selectRow(1)
    menu = view.context_menu()
    assert [a.text() for a in menu.actions() if a.isEnabled() and a.text()] == [
        "Edit…", "Split…", "Move to task…", "Delete", "Add entry…"]
    second = view.model.entry(1)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ops.split_at(second, second.start + timedelta(minutes=30))
    assert rows()[1:3] == [("Write report", 1800), ("Write report", 5400)]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ops.merge([view.model.entry(1), view.model.entry(2)])
    assert rows()[1] == ("Write report", 7200)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ops.move_to([view.model.entry(0)], tasks["mail"])
    assert rows()[0] == ("Mail", 3600)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ops.delete([view.model.entry(2)])
    assert len(rows()) == 2 and "Ctrl+Z" in view.status_label.text()
    out = tmp_path / "week.csv"
    view.export_to(out)
    assert worker.wait_idle(5)
    assert out.read_text().count("\n") == 3 and "Exported 2 entries" in view.status_label.text()
    services.history.undo()  # the deleted entry comes back...
    with qtbot.waitSignal(view.loaded, timeout=5000):
        controller.store_changed.emit()  # ...and the watcher's signal reloads the view
    assert len(rows()) == 3
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.ops.delete([view.model.entry(0), view.model.entry(1), view.model.entry(2)])
    assert rows() == []
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.import_from(out, confirm=False)
    assert len(rows()) == 2 and view.status_label.text() == "Imported 2 entries."
