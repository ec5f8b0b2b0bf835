"""The calendar in the real main window: create, move, resize, edit recurring, drop tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.services.calendar_dto import EventFields, OccurrenceDTO
from app.services.tasks import TaskFields
from app.ui.calendar_drops import task_mime
from app.ui.calendar_grid import GUTTER, HOUR
from app.ui.calendar_integration import install_calendar

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)  # Monday; the fixture clock says Saturday 28 November


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 30, hour, minute, tzinfo=BERLIN) + timedelta(days=day)


@pytest.fixture
def cal(window: Any, qtbot: Any) -> Iterator[Any]:
    from PySide6.QtCore import QSettings

    QSettings().remove("calendar")  # zone and mode chosen by an earlier test
    install_calendar(window)
    view = window.calendar_view
    view.anchor = WEEK
    view.mode = "week"
    with qtbot.waitSignal(view.page_shown, timeout=10_000):
        window.show_page(view)
    view.resize(1100, 800)
    yield view


def reload(view: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(view.page_shown, timeout=10_000):
        view.reload()


def settle(window: Any, view: Any, qtbot: Any) -> None:
    assert window.worker.wait_idle(10)
    reload(view, qtbot)


def point(view: Any, day: int, hour: float) -> QPointF:
    grid = view.grid
    return QPointF(GUTTER + (day + 0.5) * grid.col_width(), hour * HOUR)


def send_mouse(widget: QWidget, kind: QEvent.Type, pos: QPointF,
               buttons: Qt.MouseButton) -> None:
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos)), Qt.MouseButton.LeftButton,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPointF, end: QPointF, steps: int = 5) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for i in range(1, steps + 1):
        pos = start + (end - start) * (i / steps)
        send_mouse(widget, QEvent.Type.MouseMove, pos, Qt.MouseButton.LeftButton)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def double_click(widget: QWidget, pos: QPointF) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, pos, Qt.MouseButton.LeftButton)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton)
    send_mouse(widget, QEvent.Type.MouseButtonDblClick, pos, Qt.MouseButton.LeftButton)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton)


def block_of(view: Any, title: str, day: int | None = None) -> Any:
    for block in view.grid.layout_.blocks:
        if block.item.title == title and (day is None or block.day == day):
            return block
    raise AssertionError(f"no block {title!r} on day {day}")


def centre(view: Any, block: Any) -> QPointF:
    return view.grid.block_rect(block).center()


def week_events(services: Any) -> list[OccurrenceDTO]:
    return services.calendar.query.agenda(WEEK, WEEK + timedelta(days=6))


def click_scope(modal: Callable[[], QWidget], answer: str) -> None:
    box = modal()
    assert box.objectName() == "scope_dialog"
    button = box.findChild(QPushButton, f"scope_{answer}")
    assert button is not None
    button.click()


def test_the_week_shows_events_side_by_side_and_tasks_apart(window: Any, cal: Any,
                                                            qtbot: Any) -> None:
    events = window.services.calendar.events
    events.create(EventFields(summary="A", start=at(1, 9), end=at(1, 11)))
    events.create(EventFields(summary="B", start=at(1, 10), end=at(1, 12)))
    events.create(EventFields(summary="Trip", start=date(2026, 12, 2), end=date(2026, 12, 5)))
    window.services.tasks.create(TaskFields(title="Due task", due_date=date(2026, 12, 1)))
    settle(window, cal, qtbot)
    a, b = block_of(cal, "A"), block_of(cal, "B")
    assert (a.col, b.col, a.cols, b.cols) == (0, 1, 2, 2)
    assert cal.grid.block_rect(a).right() <= cal.grid.block_rect(b).left()
    bars = {bar.item.title: bar for bar in cal.header.layout_.bars}
    assert (bars["Trip"].first, bars["Trip"].last) == (2, 4)
    assert bars["Due task"].item.is_task and bars["Due task"].first == 1
    assert cal.title.text() == "30 Nov – 6 Dec 2026"


def test_drag_on_empty_grid_creates_an_event(window: Any, cal: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(window.calendar_ops.dialog_opened, timeout=5000) as opened:
        drag(cal.grid, point(cal, 0, 10.1), point(cal, 0, 11.4))
    dialog = opened.args[0]
    dialog.title.setText("Planning")
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        dialog.accept()
    settle(window, cal, qtbot)
    [occ] = week_events(window.services)
    assert (occ.title, occ.start, occ.end) == ("Planning", at(0, 10), at(0, 11, 30))
    assert block_of(cal, "Planning").day == 0


def test_drag_moves_and_edge_drag_resizes(window: Any, cal: Any, qtbot: Any) -> None:
    ev = window.services.calendar.events.create(
        EventFields(summary="Review", start=at(1, 10), end=at(1, 11)))
    settle(window, cal, qtbot)
    block = block_of(cal, "Review")
    start = centre(cal, block)
    end = start + QPointF(cal.grid.col_width(), HOUR)  # one day later, one hour later
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        drag(cal.grid, start, end)
    moved = window.services.calendar.events.get(ev.id)
    assert (moved.start, moved.end) == (at(2, 11), at(2, 12))
    settle(window, cal, qtbot)
    rect = cal.grid.block_rect(block_of(cal, "Review"))
    bottom = QPointF(rect.center().x(), rect.bottom() - 2)
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        drag(cal.grid, bottom, bottom + QPointF(0, HOUR / 2))
    assert window.services.calendar.events.get(ev.id).end == at(2, 12, 30)
    settle(window, cal, qtbot)
    rect = cal.grid.block_rect(block_of(cal, "Review"))
    top = QPointF(rect.center().x(), rect.top() + 2)
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        drag(cal.grid, top, top - QPointF(0, HOUR))
    assert window.services.calendar.events.get(ev.id).start == at(2, 10)


def test_edit_one_occurrence_of_a_series(window: Any, cal: Any, qtbot: Any,
                                         modal: Callable[[], QWidget]) -> None:
    window.services.calendar.events.create(EventFields(
        summary="Standup", start=at(0, 9), end=at(0, 9, 15), rrule="FREQ=DAILY;COUNT=5"))
    settle(window, cal, qtbot)
    with qtbot.waitSignal(window.calendar_ops.dialog_opened, timeout=5000) as opened:
        double_click(cal.grid, centre(cal, block_of(cal, "Standup", day=2)))
    dialog = opened.args[0]
    assert dialog.start.dateTime().time().hour() == 9
    dialog.title.setText("Standup (demo day)")
    dialog.accept()
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        click_scope(modal, "this")
    titles = [o.title for o in week_events(window.services)]
    assert titles == ["Standup", "Standup", "Standup (demo day)", "Standup", "Standup"]


def test_moving_an_occurrence_asks_and_can_split_the_series(window: Any, cal: Any, qtbot: Any,
                                                            modal: Callable[[], QWidget]) -> None:
    window.services.calendar.events.create(EventFields(
        summary="Standup", start=at(0, 9), end=at(0, 9, 30), rrule="FREQ=DAILY;COUNT=5"))
    settle(window, cal, qtbot)
    start = centre(cal, block_of(cal, "Standup", day=3))
    drag(cal.grid, start, start + QPointF(0, HOUR))
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        click_scope(modal, "following")
    hours = [o.start.astimezone(BERLIN).hour for o in week_events(window.services)]  # type: ignore[union-attr]
    assert hours == [9, 9, 9, 10, 10]
    uids = {o.uid for o in week_events(window.services)}
    assert len(uids) == 2  # the series was split in two


def test_cancelling_the_question_changes_nothing(window: Any, cal: Any, qtbot: Any,
                                                modal: Callable[[], QWidget]) -> None:
    window.services.calendar.events.create(EventFields(
        summary="Standup", start=at(0, 9), end=at(0, 9, 30), rrule="FREQ=DAILY;COUNT=3"))
    settle(window, cal, qtbot)
    start = centre(cal, block_of(cal, "Standup", day=1))
    drag(cal.grid, start, start + QPointF(0, HOUR))
    box = modal()
    box.reject()
    assert window.worker.wait_idle(10)
    assert [o.start for o in week_events(window.services)] == [at(d, 9) for d in range(3)]


def test_dropping_a_task_time_blocks_it(window: Any, cal: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="Write report", estimate_minutes=45))
    data = task_mime(task.id)
    pos = point(cal, 1, 14.05)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.MoveAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(cal.grid, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.MoveAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        QApplication.sendEvent(cal.grid, drop)
    [block] = week_events(window.services)
    assert (block.title, block.task_id, block.start, block.end) == (
        "Write report", task.id, at(1, 14), at(1, 14, 45))
    settle(window, cal, qtbot)
    item = block_of(cal, "Write report").item
    assert item.occ.task_status == "todo" and not item.done
    window.services.tasks.complete(task.id)
    settle(window, cal, qtbot)
    assert block_of(cal, "Write report").item.done  # completing the task marks the block


def test_several_dropped_tasks_are_stacked(window: Any, cal: Any, qtbot: Any) -> None:
    first = window.services.tasks.create(TaskFields(title="One"))
    second = window.services.tasks.create(TaskFields(title="Two", estimate_minutes=60))
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        cal.grid.tasks_dropped.emit([first.id, second.id], at(3, 8))
    got = [(o.title, o.start, o.end) for o in week_events(window.services)]
    assert got == [("One", at(3, 8), at(3, 8, 30)), ("Two", at(3, 8, 30), at(3, 9, 30))]


def test_deleting_a_block_asks_about_its_task(window: Any, cal: Any, qtbot: Any,
                                              modal: Callable[[], QWidget]) -> None:
    task = window.services.tasks.create(TaskFields(title="Call Bob"))
    window.services.calendar.events.block_task(task.id, at(2, 16))
    settle(window, cal, qtbot)
    send_mouse(cal.grid, QEvent.Type.MouseButtonPress, centre(cal, block_of(cal, "Call Bob")),
               Qt.MouseButton.LeftButton)
    send_mouse(cal.grid, QEvent.Type.MouseButtonRelease, centre(cal, block_of(cal, "Call Bob")),
               Qt.MouseButton.NoButton)
    qtbot.keyClick(cal, Qt.Key.Key_Delete)
    box = modal()
    assert box.objectName() == "delete_block_dialog"
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        box.findChild(QPushButton, "delete_task_too").click()
    assert week_events(window.services) == []
    assert window.services.tasks.reader.select() == []


def test_keyboard_and_toolbar_navigation(window: Any, cal: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        qtbot.keyClick(cal, Qt.Key.Key_Right)
    assert cal.page.first == date(2026, 12, 7)
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        qtbot.keyClick(cal, Qt.Key.Key_M)
    assert (cal.mode, cal.title.text(), cal.stack.currentWidget()) == (
        "month", "December 2026", cal.month)
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        qtbot.keyClick(cal, Qt.Key.Key_T)
    assert cal.title.text() == "November 2026"
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        cal.prev_button.click()
    assert cal.title.text() == "October 2026"
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        qtbot.keyClick(cal, Qt.Key.Key_A)
    assert cal.stack.currentWidget() is cal.agenda
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        qtbot.keyClick(cal, Qt.Key.Key_D)
    assert cal.page.days == 1


def test_display_zone_moves_events_on_the_grid(window: Any, cal: Any, qtbot: Any) -> None:
    window.services.calendar.events.create(EventFields(summary="Call", start=at(1, 15),
                                                       end=at(1, 16)))
    settle(window, cal, qtbot)
    assert block_of(cal, "Call").top == 15 * 60
    cal.zone.setCurrentText("America/New_York")
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        cal.on_zone_activated()
    assert block_of(cal, "Call").top == 9 * 60
    assert cal.page.zone == ZoneInfo("America/New_York")


def test_subscribed_events_cannot_be_dragged(window: Any, cal: Any, qtbot: Any) -> None:
    from pathlib import Path

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "ics" / "basic.ics"
    sub = window.services.calendar.subscriptions.subscribe("https://example.invalid/x.ics",
                                                           "Feed", refresh_now=False)
    window.services.calendar.ics.import_bytes(fixture.read_bytes(), source="feed",
                                              calendar_id=sub.calendar_id, origin="sync")
    settle(window, cal, qtbot)
    block = block_of(cal, "Workshop")
    assert not block.item.movable
    start = centre(cal, block)
    drag(cal.grid, start, start + QPointF(0, HOUR))
    assert window.worker.wait_idle(5)
    [workshop] = [o for o in week_events(window.services) if o.title == "Workshop"]
    assert workshop.start == at(4, 13)


def test_all_day_lane_creates_all_day_events(window: Any, cal: Any, qtbot: Any) -> None:
    header = cal.header
    x = GUTTER + 2.5 * header.col_width()
    with qtbot.waitSignal(window.calendar_ops.dialog_opened, timeout=5000) as opened:
        double_click(header, QPointF(x, header.height() - 8))
    dialog = opened.args[0]
    assert dialog.all_day.isChecked() and not dialog.zone.isEnabled()
    dialog.title.setText("Holiday")
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        dialog.accept()
    [occ] = week_events(window.services)
    assert (occ.title, occ.all_day, occ.start, occ.end) == (
        "Holiday", True, date(2026, 12, 2), date(2026, 12, 3))


def test_undo_in_the_window_updates_the_calendar(window: Any, cal: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(window.calendar_ops.changed, timeout=5000):
        cal.grid.tasks_dropped.emit([window.services.tasks.create(TaskFields(title="T")).id],
                                    at(0, 9))
    settle(window, cal, qtbot)
    assert [b.item.title for b in cal.grid.layout_.blocks] == ["T"]
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        window.ops.undo()
    assert cal.grid.layout_.blocks == []


def test_agenda_rows_open_the_event_dialog(window: Any, cal: Any, qtbot: Any) -> None:
    window.services.calendar.events.create(EventFields(summary="Dentist", start=at(1, 9),
                                                       end=at(1, 10), location="Main St"))
    with qtbot.waitSignal(cal.page_shown, timeout=5000):
        cal.set_mode("agenda")
    agenda = cal.agenda
    rows = [agenda.item(i) for i in range(agenda.count())]
    row = next(r for r in rows if "Dentist" in r.text())
    assert "09:00–10:00" in row.text() and "Main St" in row.text()
    with qtbot.waitSignal(window.calendar_ops.dialog_opened, timeout=5000) as opened:
        agenda.itemActivated.emit(row)
    dialog = opened.args[0]
    assert (dialog.title.text(), dialog.location.text()) == ("Dentist", "Main St")
    dialog.reject()
