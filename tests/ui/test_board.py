"""The kanban board: grouping, drag and drop, keyboard, selection, painting helpers, scale."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.services.clock import Clock
from app.services.dto import TaskDTO
from app.ui.board import BoardView
from app.ui.board_delegate import CardBox, due_text, title_lines
from app.ui.board_model import MIME_TYPE, PAGE, TASK_ROLE, ColumnModel
from app.ui.theme import palette_for

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # Saturday, 11:00 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")


def card(n: int, status: str = "todo", position: float | None = None, **fields: object) -> TaskDTO:
    values: dict[str, object] = {
        "id": f"t{n:04d}",
        "title": f"Task {n}",
        "notes": "",
        "project_id": "p1",
        "project": "Home",
        "parent_id": None,
        "status": status,
        "priority": 4,
        "due_date": None,
        "due_at": None,
        "due_tz": None,
        "scheduled_date": None,
        "estimate_minutes": None,
        "recurrence": None,
        "recur_from_completion": False,
        "position": float(n) if position is None else position,
        "tags": (),
        "created": NOW,
        "updated": NOW,
        "completed": None,
        "ics_uid": f"t{n}@cadence",
    }
    values.update(fields)
    return TaskDTO(**values)  # type: ignore[arg-type]


def sample() -> list[TaskDTO]:
    """Three to-do cards given out of order, two in progress, one done, one cancelled."""
    return [
        card(3, position=30.0),
        card(1, position=10.0),
        card(2, position=20.0),
        card(11, "in_progress", 5.0),
        card(12, "in_progress", 6.0),
        card(21, "done"),
        card(31, "cancelled"),
    ]


def ids(board: BoardView, status: str) -> list[str]:
    model = board.column_model(status)
    return [model.task_at(row).id for row in range(model.total())]


@pytest.fixture
def board(qtbot):  # type: ignore[no-untyped-def]
    view = BoardView(clock=Clock(zone_name="Europe/Berlin", fixed=NOW))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.set_tasks(sample())
    view.show()
    qtbot.waitExposed(view)
    return view


def drop_on(board: BoardView, status: str, task_id: str, point: QPoint) -> None:
    """Deliver the events that end a drag (enter, move, drop) to a column's viewport."""
    mime = QMimeData()
    mime.setData(MIME_TYPE, task_id.encode())
    viewport = board.column_view(status).viewport()
    move, left = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, move, mime, left, none)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(point, move, mime, left, none))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), move, mime, left, none))


def card_rect(board: BoardView, status: str, row: int):  # type: ignore[no-untyped-def]
    view = board.column_view(status)
    return view.visualRect(board.column_model(status).index(row, 0))


# -- grouping and order -------------------------------------------------------------------------
def test_set_tasks_groups_by_status_and_orders_by_position(board: BoardView) -> None:
    assert ids(board, "todo") == ["t0001", "t0002", "t0003"]
    assert ids(board, "in_progress") == ["t0011", "t0012"]
    assert ids(board, "done") == ["t0021"]
    assert ids(board, "cancelled") == ["t0031"]
    assert board._columns["todo"].count.text() == "3"
    assert board.cancelled_button.text() == "Show cancelled (1)"


def test_cancelled_column_is_hidden_until_asked_for(board: BoardView) -> None:
    assert not board.cancelled_visible()
    board.cancelled_button.click()
    assert board.cancelled_visible()
    assert board.cancelled_button.text() == "Hide cancelled (1)"
    board.set_cancelled_visible(False)
    board.select_task("t0031")  # selecting a cancelled card shows its column
    assert board.cancelled_visible()
    assert board.selected_task_id() == "t0031"


def test_set_tasks_again_keeps_the_selection_without_a_signal(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0002")
    moved = [*sample()[:2], card(2, position=5.0), *sample()[3:]]
    with qtbot.assertNotEmitted(board.task_selected):
        board.set_tasks(moved)
    assert ids(board, "todo") == ["t0002", "t0001", "t0003"]
    assert board.selected_task_id() == "t0002"


# -- drag and drop ------------------------------------------------------------------------------
def test_drop_through_the_model_names_the_new_neighbours(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    source = board.column_model("todo")
    mime = source.mimeData([source.index(0, 0)])  # what a drag of "Task 1" carries
    target = board.column_model("in_progress")
    with qtbot.waitSignal(board.move_requested) as blocker:
        assert target.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert blocker.args == ["t0001", "in_progress", "t0011", "t0012"]
    # Shown at once: the card left To do and sits between its neighbours, selected.
    assert ids(board, "todo") == ["t0002", "t0003"]
    assert ids(board, "in_progress") == ["t0011", "t0001", "t0012"]
    assert target.task_at(1).status == "in_progress"
    assert board.selected_task_id() == "t0001"
    assert board._columns["in_progress"].count.text() == "3"


def test_drop_on_the_upper_half_of_a_card_goes_above_it(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = card_rect(board, "in_progress", 0)
    with qtbot.waitSignal(board.move_requested) as blocker:
        drop_on(board, "in_progress", "t0003", QPoint(rect.center().x(), rect.top() + 10))
    assert blocker.args == ["t0003", "in_progress", None, "t0011"]
    assert ids(board, "in_progress") == ["t0003", "t0011", "t0012"]


def test_drop_below_the_last_card_appends(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = card_rect(board, "done", 0)
    with qtbot.waitSignal(board.move_requested) as blocker:
        drop_on(board, "done", "t0011", QPoint(rect.center().x(), rect.bottom() + 40))
    assert blocker.args == ["t0011", "done", "t0021", None]


def test_drop_within_a_column_reorders(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = card_rect(board, "todo", 2)
    with qtbot.waitSignal(board.move_requested) as blocker:
        drop_on(board, "todo", "t0001", QPoint(rect.center().x(), rect.top() + 10))
    assert blocker.args == ["t0001", "todo", "t0002", "t0003"]
    assert ids(board, "todo") == ["t0002", "t0001", "t0003"]


def test_drop_on_an_empty_column_has_no_neighbours(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.set_tasks([t for t in sample() if t.status != "done"])
    with qtbot.waitSignal(board.move_requested) as blocker:
        drop_on(board, "done", "t0012", QPoint(40, 40))
    assert blocker.args == ["t0012", "done", None, None]


def test_drop_back_in_place_requests_nothing(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = card_rect(board, "todo", 1)
    with qtbot.assertNotEmitted(board.move_requested):
        drop_on(board, "todo", "t0002", QPoint(rect.center().x(), rect.top() + 10))
        drop_on(board, "todo", "t0002", QPoint(rect.center().x(), rect.bottom() - 10))
    assert ids(board, "todo") == ["t0001", "t0002", "t0003"]


def test_foreign_drops_are_refused(board: BoardView) -> None:
    model = board.column_model("todo")
    mime = QMimeData()
    mime.setText("t0011")
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert ids(board, "in_progress") == ["t0011", "t0012"]


# -- keyboard -----------------------------------------------------------------------------------
def test_ctrl_shift_right_moves_the_card_to_the_next_column(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0002")
    view = board.column_view("todo")
    view.setFocus()
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(board.move_requested) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Right, mods)
    assert blocker.args == ["t0002", "in_progress", None, "t0011"]
    assert board.selected_task_id() == "t0002"
    with qtbot.waitSignal(board.move_requested) as blocker:
        qtbot.keyClick(board.column_view("in_progress"), Qt.Key.Key_Left, mods)
    assert blocker.args == ["t0002", "todo", None, "t0001"]
    with qtbot.assertNotEmitted(board.move_requested):
        qtbot.keyClick(board.column_view("todo"), Qt.Key.Key_Left, mods)  # no column there


def test_ctrl_shift_up_down_reorders_within_the_column(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0001")
    view = board.column_view("todo")
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(board.move_requested) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Down, mods)
    assert blocker.args == ["t0001", "todo", "t0002", "t0003"]
    with qtbot.waitSignal(board.move_requested) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Up, mods)
    assert blocker.args == ["t0001", "todo", None, "t0002"]
    with qtbot.assertNotEmitted(board.move_requested):
        qtbot.keyClick(view, Qt.Key.Key_Up, mods)  # already on top


def test_arrows_move_the_selection_across_and_within_columns(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0001")
    view = board.column_view("todo")
    with qtbot.waitSignal(board.task_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert blocker.args == ["t0002"]
    with qtbot.waitSignal(board.task_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert blocker.args == ["t0012"]  # the card at the same height in the next column
    assert board.column_view("in_progress").hasFocus() or not board.isActiveWindow()
    assert board.column_view("todo").selectionModel().selectedRows() == []
    with qtbot.waitSignal(board.task_selected) as blocker:
        qtbot.keyClick(board.column_view("in_progress"), Qt.Key.Key_Right)
    assert blocker.args == ["t0021"]
    with qtbot.assertNotEmitted(board.task_selected):
        qtbot.keyClick(board.column_view("done"), Qt.Key.Key_Right)  # Cancelled is hidden


def test_enter_activates_and_space_toggles(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0011")
    view = board.column_view("in_progress")
    with qtbot.waitSignal(board.task_activated) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["t0011"]
    with qtbot.waitSignal(board.status_toggle_requested) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert blocker.args == ["t0011"]


# -- mouse and selection ------------------------------------------------------------------------
def test_click_selects_one_card_on_the_whole_board(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.select_task("t0001")
    rect = card_rect(board, "done", 0)
    with qtbot.waitSignal(board.task_selected) as blocker:
        qtbot.mouseClick(board.column_view("done").viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())  # fmt: skip
    assert blocker.args == ["t0021"]
    assert board.selected_task_id() == "t0021"
    assert board.column_view("todo").selectionModel().selectedRows() == []


def test_double_click_activates(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = card_rect(board, "todo", 2)
    viewport = board.column_view("todo").viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())  # a double
    with qtbot.waitSignal(board.task_activated) as blocker:  # click starts with a click
        qtbot.mouseDClick(board.column_view("todo").viewport(), Qt.MouseButton.LeftButton,
                          pos=rect.center())  # fmt: skip
    assert blocker.args == ["t0003"]


def test_clicking_the_circle_requests_a_status_toggle(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = board.column_view("todo")
    box = CardBox.of(card_rect(board, "todo", 1), view.font())
    with qtbot.waitSignal(board.status_toggle_requested) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.check.center())
    assert blocker.args == ["t0002"]


def test_select_task_emits_once_and_unknown_ids_are_ignored(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(board.task_selected) as blocker:
        board.select_task("t0012")
    assert blocker.args == ["t0012"]
    with qtbot.assertNotEmitted(board.task_selected):
        board.select_task("t0012")
        board.select_task("missing")
    assert board.selected_task_id() == "t0012"


# -- painting helpers ---------------------------------------------------------------------------
def test_due_labels_are_relative_and_overdue_is_flagged() -> None:
    today = date(2026, 11, 28)
    assert due_text(card(1, due_date=today), NOW, BERLIN) == ("Today", False, True)
    assert due_text(card(1, due_date=today + timedelta(1)), NOW, BERLIN) == (
        "Tomorrow", False, False)  # fmt: skip
    assert due_text(card(1, due_date=date(2026, 11, 30)), NOW, BERLIN) == (
        "Mon 30 Nov", False, False)  # fmt: skip
    assert due_text(card(1, due_date=date(2026, 11, 20)), NOW, BERLIN) == (
        "Fri 20 Nov", True, False)  # fmt: skip
    assert due_text(card(1, due_date=date(2027, 1, 4)), NOW, BERLIN) == (
        "Mon 4 Jan 2027", False, False)  # fmt: skip
    timed = card(1, due_date=today, due_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    assert due_text(timed, NOW, BERLIN) == ("Today 09:00", True, True)
    done = card(1, "done", due_date=date(2026, 11, 20), recurrence="FREQ=WEEKLY")
    assert due_text(done, NOW, BERLIN) == ("Fri 20 Nov \u21bb", False, False)
    assert due_text(card(1), NOW, BERLIN) is None
    assert clock_time(9, 0) == timed.due_at.astimezone(BERLIN).time()  # type: ignore[union-attr]


def test_titles_wrap_to_two_lines_and_elide(qapp) -> None:  # type: ignore[no-untyped-def]
    font = QFont()
    assert title_lines("Short", font, 300) == ["Short"]
    lines = title_lines("word " * 60, font, 200)
    assert len(lines) == 2
    assert lines[1].endswith("\u2026")
    assert title_lines("x" * 200, font, 120)[1].endswith("\u2026")  # one long word breaks


# -- models and scale ---------------------------------------------------------------------------
def test_column_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ColumnModel("todo")
    model.set_tasks([card(n) for n in range(PAGE + 50)])
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == PAGE + 50  # the tester fetched the rest
    assert model.data(model.index(0, 0), TASK_ROLE).id == "t0000"


def test_large_columns_are_revealed_a_page_at_a_time(board: BoardView) -> None:
    tasks = [card(n) for n in range(5000)]
    board.set_tasks(tasks)
    model = board.column_model("todo")
    assert model.total() == 5000
    assert model.rowCount() < 5000
    board.select_task("t4000")
    assert model.rowCount() > 4000
    assert board.selected_task_id() == "t4000"
    assert board._columns["todo"].count.text() == "5,000"


def test_ten_thousand_cards(board: BoardView, qapp) -> None:  # type: ignore[no-untyped-def]
    statuses = ("todo", "in_progress", "done", "cancelled")
    tasks = [card(n, statuses[n % 4], position=float((n * 7919) % 10007)) for n in range(10_000)]
    started = time.perf_counter()
    board.set_tasks(tasks)
    elapsed = time.perf_counter() - started
    qapp.processEvents()
    print(f"\nset_tasks with 10,000 cards: {elapsed * 1000:.1f} ms")
    assert sum(board.column_model(s).total() for s in statuses) == 10_000
    positions = [board.column_model("todo").task_at(r).position for r in range(2500)]
    assert positions == sorted(positions)


def test_colours_follow_a_dark_palette(board: BoardView) -> None:
    assert board._delegate.theme.card.lightnessF() > 0.5
    board.setPalette(palette_for(True))
    theme = board._delegate.theme
    assert theme.card.lightnessF() < 0.5
    assert theme.text.lightnessF() > 0.5
    assert board.column_view("todo").palette().color(QPalette.ColorRole.Base) == theme.column
    board.setPalette(palette_for(False))
    assert board._delegate.theme.card.lightnessF() > 0.5


def test_focusing_the_board_lands_on_the_selected_card(board: BoardView, qtbot) -> None:  # type: ignore[no-untyped-def]
    board.activateWindow()
    qtbot.waitUntil(board.isActiveWindow)
    board.select_task("t0021")
    board.setFocus()
    qtbot.waitUntil(board.column_view("done").hasFocus)
    board.column_view("done").selectionModel().clear()
    board.column_view("todo").setFocus()  # take focus away, then give it back
    with qtbot.waitSignal(board.task_selected) as blocker:
        board.setFocus()
    assert blocker.args == ["t0001"]  # nothing selected: the first card of the first column
