"""Importing by drag-and-drop with progress and Cancel, the month view, the refresh timer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.services.calendar_dto import EventFields
from app.services.tasks import TaskFields
from app.ui.calendar_drops import task_mime
from app.ui.calendar_integration import install_calendar

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def cal(window: Any, qtbot: Any) -> Iterator[Any]:
    from PySide6.QtCore import QSettings

    QSettings().remove("calendar")  # zone and mode chosen by an earlier test
    install_calendar(window)
    view = window.calendar_view
    view.anchor = date(2026, 12, 2)
    view.mode = "week"
    with qtbot.waitSignal(view.page_shown, timeout=10_000):
        window.show_page(view)
    yield view


def drop(widget: QWidget, data: QMimeData, pos: QPointF) -> None:
    """What Qt delivers for a drop: the drag enters, then is dropped."""
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPointF, end: QPointF) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent

    for kind, pos, buttons in ((QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseMove, (start + end) / 2,
                                Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        QApplication.sendEvent(widget, QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos)),
                                                   Qt.MouseButton.LeftButton, buttons,
                                                   Qt.KeyboardModifier.NoModifier))


def files(*names: str) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(FIXTURES / n)) for n in names])
    return data


def test_dropping_ics_files_imports_them_with_a_summary(window: Any, cal: Any, qtbot: Any,
                                                         modal: Callable[[], QWidget]) -> None:
    io = window.calendar_io
    with qtbot.waitSignal(io.import_finished, timeout=10_000) as done:
        drop(cal.grid, files("basic.ics", "html_page.ics", "recurring.ics"), QPointF(300, 300))
    summaries = done.args[0]
    assert [s.added for s in summaries] == [8, 0, 8]
    assert summaries[1].error == "This is a web page (HTML), not an iCalendar file."
    box = modal()
    assert box.objectName() == "import_summary"
    assert "html_page.ics: not imported" in box.text()
    box.accept()
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        cal.reload()
    titles = {b.item.title for b in cal.grid.layout_.blocks}
    assert {"Dentist, Dr. Weiß", "Weekly review"} <= titles


def test_big_import_reports_progress_and_cancel_keeps_the_store_unchanged(
        window: Any, cal: Any, qtbot: Any, tmp_path: Path) -> None:
    from tests.perf.bench_calendar import generate

    big = tmp_path / "big.ics"
    big.write_bytes(generate(3000))
    io = window.calendar_io
    with qtbot.waitSignal(io.import_finished, timeout=60_000):
        io.import_files([str(big)])
        assert io.progress is not None and io.progress.objectName() == "import_progress"
        cancel = io.progress.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Cancel"
        cancel.click()
    assert window.services.calendar.calendars.list() == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert io.progress is None
    seen: list[tuple[int, int]] = []
    io._progress.connect(lambda _i, _n, done, total: seen.append((done, total)))
    with qtbot.waitSignal(io.import_finished, timeout=60_000) as done:
        io.import_files([str(big)])
    assert [s.added for s in done.args[0]] == [3000]
    assert seen and seen[-1] == (3004, 3004)  # 3000 events and 4 VTIMEZONEs


def test_month_view_draws_and_takes_drops(window: Any, cal: Any, qtbot: Any) -> None:
    events = window.services.calendar.events
    events.create(EventFields(summary="Trip", start=date(2026, 12, 4), end=date(2026, 12, 9)))
    events.create(EventFields(summary="Dinner",
                              start=datetime(2026, 12, 10, 19, tzinfo=BERLIN),
                              end=datetime(2026, 12, 10, 21, tzinfo=BERLIN)))
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        cal.set_mode("month")
    month = cal.month
    cal.grab()  # paints, which also records what is where
    hits = {item.title for _, item in month._hits}
    assert {"Trip", "Dinner"} <= hits
    task = window.services.tasks.create(TaskFields(title="Buy gifts"))
    index = (date(2026, 12, 15) - month.first).days
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        drop(month, task_mime(task.id), month.cell(index).center())
    [block] = window.services.calendar.query.agenda(date(2026, 12, 15), date(2026, 12, 15))
    assert (block.title, block.start) == ("Buy gifts", datetime(2026, 12, 15, 9, tzinfo=BERLIN))
    # Drag the dinner to the next day.
    cal.grab()
    rect, _ = next((r, it) for r, it in month._hits if it.title == "Dinner")
    target = month.cell((date(2026, 12, 11) - month.first).days).center()
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        drag(month, rect.center(), target)
    moved = window.services.calendar.query.agenda(date(2026, 12, 11), date(2026, 12, 11))
    assert [o.title for o in moved] == ["Dinner"]


class _Feed(BaseHTTPRequestHandler):
    body = (FIXTURES / "refresh.ics").read_bytes()
    hits: list[str] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(self.body)


def test_subscription_refresh_timer_waits_for_the_next_due_time(window: Any, cal: Any,
                                                                qtbot: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        io = window.calendar_io
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.ics"
        window.worker.run(window.services.calendar.subscriptions.subscribe, url, "Feed",
                          on_done=io.on_subscribed)
        assert window.worker.wait_idle(10)
        qtbot.waitUntil(io.timer.isActive, timeout=5000)
        # REFRESH-INTERVAL PT5M is clamped to 15 minutes: the timer sleeps that long.
        assert abs(io.timer.remainingTime() - 15 * 60 * 1000) < 5000
        clock = window.services.clock
        clock.fixed = clock.now() + timedelta(minutes=16)
        with qtbot.waitSignal(io.refreshed, timeout=10_000) as refreshed:
            io.timer.timeout.emit()
        assert [r.status for r in refreshed.args[0]] == ["unchanged"]
        assert len(_Feed.hits) == 2
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_selected_tasks_export_as_vtodos_from_the_window(window: Any, cal: Any, qtbot: Any,
                                                          tmp_path: Path) -> None:
    import icalendar

    services = window.services
    rent = services.tasks.create(TaskFields(title="Pay rent", priority=1))
    services.tasks.create(TaskFields(title="Not selected"))
    window.refresh()
    assert window.worker.wait_idle(10)
    io = window.calendar_io
    target = tmp_path / "picked.ics"
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=10_000):
        io.export_tasks_to([rent.id], str(target))
    todos = icalendar.Calendar.from_ical(target.read_bytes()).walk("VTODO")
    assert [str(t["SUMMARY"]) for t in todos] == ["Pay rent"]
    assert window.statusBar().currentMessage() == "Exported 1 tasks to picked.ics."
    window.task_list.clearSelection()
    assert io.choose_task_export() is None
    assert window.statusBar().currentMessage() == "Select the tasks to export first."


def test_deleting_a_time_blocked_task_asks_about_its_blocks(
    window: Any, cal: Any, qtbot: Any, modal: Callable[[], QWidget]
) -> None:
    services = window.services
    task = services.tasks.create(TaskFields(title="Write the report", estimate_minutes=90))
    kept = services.tasks.create(TaskFields(title="Plan the week"))
    start = datetime(2026, 12, 2, 9, 0, tzinfo=BERLIN)
    block = services.calendar.events.block_task(task.id, start)
    services.calendar.events.block_task(kept.id, start + timedelta(hours=3))
    window.show_view(window.current_view)
    assert window.worker.wait_idle(10)
    qtbot.waitUntil(lambda: window.task_list.select_task(task.id), timeout=5000)
    window.ops.delete_selected()
    box = modal()
    assert "1 time block" in box.text()
    both = next(b for b in box.findChildren(QPushButton) if b.text() == "Delete tasks and blocks")
    both.click()
    qtbot.waitUntil(lambda: services.calendar.events.count_blocks([task.id]) == 0, timeout=5000)
    with pytest.raises(Exception, match="No task"):
        services.tasks.get(task.id)
    assert services.calendar.events.count_blocks([kept.id]) == 1
    services.history.undo()  # one step brings back the task and its block
    assert services.tasks.get(task.id).title == "Write the report"
    assert [b.id for b in services.calendar.events.blocks_of_task(task.id)] == [block.id]
