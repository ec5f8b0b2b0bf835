"""The main window over real services: add, edit, complete, undo/redo, rename, views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox

from app.services.task_query import COMPLETED, INBOX, TODAY, View
from app.services.tasks import TaskFields
from app.ui.task_delegate import TaskTitleDelegate
from app.ui.task_tree_model import TITLE


def _titles(window: Any, parent: QModelIndex | None = None) -> list[str]:
    model = window.model
    parent = parent or QModelIndex()
    return [model.index(r, TITLE, parent).data() for r in range(model.rowCount(parent))]


def _add(window: Any, qtbot: Any, text: str) -> None:
    window.quick_add.set_text(text)
    window.quick_add.submit()
    assert window.worker.wait_idle(10)


def test_window_contract(window: Any) -> None:
    assert "Cadence" in window.windowTitle()
    assert window.width() >= 1000
    for name in ("services", "worker", "task_list", "board", "editor", "sidebar",
                 "search_box", "quick_add"):
        assert getattr(window, name) is not None
    actions = window.command_actions()
    assert actions and all(not a.shortcut().isEmpty() for a in actions)
    shortcuts = {a.shortcut().toString() for a in actions}
    assert {"Ctrl+K", "Ctrl+B", "Ctrl+N", "Ctrl+F", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+1",
            "Ctrl+5", "Del", "Ctrl+E", "Ctrl+Return"} <= shortcuts
    assert window.statusBar() is not None


def test_quick_add_creates_task_shown_in_list(window: Any, qtbot: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.quick_add.edit.hasFocus()
    qtbot.keyClicks(window.quick_add.edit, "Buy milk tomorrow 9am @shop p2")
    qtbot.keyClick(window.quick_add.edit, Qt.Key.Key_Return)
    assert window.worker.wait_idle(10)
    assert _titles(window) == ["Buy milk"]
    stored = window.services.tasks.reader.select()
    assert len(stored) == 1
    task = stored[0]
    assert task.priority == 2 and task.tags == ("shop",)
    assert task.due_date == date(2026, 11, 29)
    assert window.quick_add.text() == ""
    assert window.task_list.current_task_id() == task.id
    assert "Added: Buy milk" in window.statusBar().currentMessage()


def test_quick_add_empty_title_stores_nothing(window: Any, qtbot: Any) -> None:
    window.quick_add.set_text("tomorrow p1")
    window.quick_add.submit()
    assert window.worker.wait_idle(10)
    assert window.services.tasks.reader.select() == []
    assert window.quick_add.error_label.text()
    assert window.quick_add.text() == "tomorrow p1"


def test_quick_add_unknown_project_offers_to_create_it(window: Any, qtbot: Any,
                                                        modal: Callable[[], Any]) -> None:
    window.quick_add.set_text("Plant tulips #Garden")
    window.quick_add.submit()
    box = modal()
    assert isinstance(box, QMessageBox) and "Garden" in box.text()
    create = next(b for b in box.buttons() if b.text() == "Create project")
    create.click()
    assert window.worker.wait_idle(10)
    project = window.services.projects.by_name("Garden")
    assert project is not None
    task = window.services.tasks.reader.select()[0]
    assert task.project_id == project.id and task.title == "Plant tulips"
    qtbot.waitUntil(lambda: window.sidebar.view_item(View("project", project.id)) is not None)


def test_quick_add_unknown_project_cancelled_keeps_text(window: Any, qtbot: Any,
                                                        modal: Callable[[], Any]) -> None:
    window.quick_add.set_text("Plant tulips #Garden")
    window.quick_add.submit()
    box = modal()
    box.reject()
    assert window.worker.wait_idle(10)
    assert window.services.projects.list() == []
    assert window.services.tasks.reader.select() == []
    assert window.quick_add.text() == "Plant tulips #Garden"


def test_editor_edits_reach_the_database(window: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="Write report"))
    window.refresh()
    assert window.worker.wait_idle(10)
    assert window.task_list.select_task(task.id)
    editor = window.editor
    assert editor.current_task().id == task.id
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert editor.title.hasFocus()
    qtbot.keyClicks(editor.title, "Write the report")
    qtbot.keyClick(editor.title, Qt.Key.Key_Return)
    editor.due_date.setText("2026-12-03")
    editor.due_time.setText("14:30")
    editor.commit("due")
    editor.estimate.setText("1:30")
    editor.commit("estimate")
    editor.tags.setText("work, writing")
    editor.commit("tags")
    editor.priority.setCurrentIndex(editor.priority.findData(1))
    editor.commit("priority")
    editor.notes.setPlainText("Two pages")
    editor.rrule.setText("FREQ=WEEKLY;BYDAY=FR")
    editor.commit("recurrence")
    assert window.worker.wait_idle(10)
    # Switching to another task saves the notes typed so far.
    other = window.services.tasks.create(TaskFields(title="Other"))
    window.refresh()
    assert window.worker.wait_idle(10)
    window.task_list.select_task(other.id)
    assert window.worker.wait_idle(10)
    stored = window.services.tasks.get(task.id)
    assert stored.title == "Write the report"
    assert stored.due_date == date(2026, 12, 3)
    assert stored.due_local() is not None and stored.due_local().time() == time(14, 30)
    assert stored.due_tz == "Europe/Berlin"
    assert stored.estimate_minutes == 90
    assert stored.tags == ("work", "writing")
    assert stored.priority == 1
    assert stored.notes == "Two pages"
    assert stored.recurrence == "FREQ=WEEKLY;BYDAY=FR"
    assert window.model.index_for(task.id).data() == "Write the report"


def test_editor_shows_errors_inline_and_stores_nothing(window: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="Pay rent"))
    window.refresh()
    assert window.worker.wait_idle(10)
    window.task_list.select_task(task.id)
    editor = window.editor
    editor.due_date.setText("feb 30")
    editor.commit("due")
    assert editor.errors["due"].isVisible()
    assert "feb 30" in editor.errors["due"].text()
    editor.rrule.setText("FREQ=SOMETIMES")
    editor.commit("recurrence")
    assert window.worker.wait_idle(10)
    assert editor.errors["recurrence"].isVisible()
    assert "recurrence" in editor.errors["recurrence"].text().lower()
    editor.title.setText("   ")
    editor.commit("title")
    assert window.worker.wait_idle(10)
    assert editor.errors["title"].text() == "A task needs a title."
    stored = window.services.tasks.get(task.id)
    assert (stored.title, stored.due_date, stored.recurrence) == ("Pay rent", None, None)


def test_checkbox_completes_then_undo_redo_by_shortcut(window: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="Call Sam"))
    window.refresh()
    assert window.worker.wait_idle(10)
    view = window.task_list
    index = window.model.index_for(task.id)
    rect = view.visualRect(index)
    circle = TaskTitleDelegate.circle_rect(rect).center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=circle)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(task.id).status == "done"
    assert _titles(window) == []  # the Inbox shows open tasks only
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(task.id).status == "todo"
    assert window.statusBar().currentMessage() == "Undid: Complete task"
    assert _titles(window) == ["Call Sam"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(task.id).status == "done"
    assert window.statusBar().currentMessage() == "Redid: Complete task"


def test_space_toggles_done_and_delete_key_deletes_with_undo(window: Any, qtbot: Any) -> None:
    a = window.services.tasks.create(TaskFields(title="A"))
    b = window.services.tasks.create(TaskFields(title="B"))
    window.refresh()
    assert window.worker.wait_idle(10)
    view = window.task_list
    view.select_task(a.id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(a.id).status == "done"
    view.select_task(b.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.worker.wait_idle(10)
    assert [t.id for t in window.services.tasks.reader.select()] == [a.id]
    assert "Deleted 1 task" in window.statusBar().currentMessage()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(b.id).title == "B"
    assert _titles(window) == ["B"]


def test_inline_rename(window: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="Old name"))
    window.refresh()
    assert window.worker.wait_idle(10)
    view = window.task_list
    view.select_task(task.id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Old name"
    editor.selectAll()
    qtbot.keyClicks(editor, "New name")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next event-loop turn.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(task.id).title == "New name"
    assert window.model.index_for(task.id).data() == "New name"


def test_sidebar_views_show_the_right_tasks(window: Any, qtbot: Any) -> None:
    svc = window.services
    today = svc.clock.today()
    svc.tasks.create(TaskFields(title="inbox task"))
    svc.tasks.create(TaskFields(title="due today", due_date=today))
    done = svc.tasks.create(TaskFields(title="finished"))
    svc.tasks.complete(done.id)
    project = svc.projects.create("Home")
    svc.tasks.create(TaskFields(title="home task", project_id=project.id))
    window.refresh()
    assert window.worker.wait_idle(10)
    assert sorted(_titles(window)) == ["due today", "inbox task"]
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.current_view == TODAY and _titles(window) == ["due today"]
    assert window.view_title.text() == "Today"
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.current_view == COMPLETED and _titles(window) == ["finished"]
    item = window.sidebar.view_item(View("project", project.id))
    assert item is not None and item.text(1) == "1"
    window.sidebar.setCurrentItem(item)
    assert window.worker.wait_idle(10)
    assert _titles(window) == ["home task"]
    assert window.sidebar.view_item(INBOX).text(1) == "2"


def test_board_toggle_and_card_move(window: Any, qtbot: Any) -> None:
    a = window.services.tasks.create(TaskFields(title="A"))
    window.refresh()
    assert window.worker.wait_idle(10)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.board.isVisible() and not window.task_list.isVisible()
    assert window.board.column_model("todo").rowCount() == 1
    window.board.move_requested.emit(a.id, "done", None, None)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(a.id).status == "done"
    assert window.board.column_model("done").rowCount() == 1  # stays visible on the board
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.task_list.isVisible() and _titles(window) == []


def test_view_switch_shows_a_first_page_then_everything(window: Any, qtbot: Any,
                                                        monkeypatch: Any) -> None:
    from app.services.task_query import ALL
    from app.ui import view_loader

    monkeypatch.setattr(view_loader, "FIRST_PAGE", 2)
    ids = [window.services.tasks.create(TaskFields(title=f"t{i}")).id for i in range(6)]
    window.services.tasks.create(TaskFields(title="t0.1", parent_id=ids[0]))
    seen: list[tuple[int, bool]] = []
    window.list_loaded.connect(lambda: seen.append((window.model.rowCount(),
                                                    window.list_complete)))
    window.show_view(ALL)
    assert window.worker.wait_idle(10)
    assert seen[0] == (2, False) and seen[-1] == (6, True)
    assert window.model.rowCount(window.model.index_for(ids[0])) == 1
    assert window.count_label.text() == "7 tasks"


def test_fast_view_switches_end_on_the_last_view(window: Any, qtbot: Any) -> None:
    svc = window.services
    svc.tasks.create(TaskFields(title="today", due_date=svc.clock.today(),
                                project_id=svc.projects.create("P").id))
    svc.tasks.create(TaskFields(title="inbox"))
    window.show_view(TODAY)
    window.show_view(COMPLETED)
    window.show_view(INBOX)
    assert window.worker.wait_idle(10)
    assert window.current_view == INBOX and _titles(window) == ["inbox"]


def test_editor_project_status_parent_and_tag_completion(window: Any, qtbot: Any) -> None:
    svc = window.services
    home = svc.projects.create("Home")
    parent = svc.tasks.create(TaskFields(title="Parent", tags=("work",)))
    child = svc.tasks.create(TaskFields(title="Child", parent_id=parent.id))
    window.refresh()
    assert window.worker.wait_idle(10)
    assert window.task_list.select_task(child.id)
    editor = window.editor
    assert editor.parent_label.text() == "Subtask of “Parent”"
    editor.make_top_level.click()
    assert window.worker.wait_idle(10)
    assert svc.tasks.get(child.id).parent_id is None
    editor.status.setCurrentIndex(editor.status.findData("in_progress"))
    editor.commit("status")
    editor.project.setCurrentIndex(editor.project.findData(home.id))
    editor.commit("project")
    assert window.worker.wait_idle(10)
    stored = svc.tasks.get(child.id)
    assert (stored.status, stored.project_id) == ("in_progress", home.id)
    # Tag completion works on the word after the last comma.
    window.show_view(View("project", home.id, "Home"))
    assert window.worker.wait_idle(10)
    window.task_list.select_task(child.id)
    editor.tags.setFocus()
    qtbot.keyClicks(editor.tags, "urgent, wo")
    completer = editor._tag_completer
    assert completer.currentCompletion() == "work"
    completer.activated.emit("work")
    assert editor.tags.text() == "urgent, work"
