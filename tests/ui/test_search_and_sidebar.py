"""Search box, saved filters and the project sidebar (drag, rename, colour, delete)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QColorDialog, QInputDialog, QMessageBox

from app.services.task_query import INBOX, View
from app.services.tasks import TaskFields
from app.ui.task_tree_model import TITLE

Drop = QAbstractItemView.DropIndicatorPosition


def _titles(window: Any) -> list[str]:
    model = window.model
    return sorted(model.index(r, TITLE, QModelIndex()).data() for r in range(model.rowCount()))


def _wait_search(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not window.search.pending())
    assert window.worker.wait_idle(10)


def _seed(window: Any) -> None:
    svc = window.services
    svc.tasks.create(TaskFields(title="Pay rent", priority=1))
    svc.tasks.create(TaskFields(title="Pay phone bill", tags=("bills",)))
    svc.tasks.create(TaskFields(title="Paint fence"))
    window.refresh()
    assert window.worker.wait_idle(10)


def test_keystrokes_narrow_the_list(window: Any, qtbot: Any) -> None:
    _seed(window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "pa")
    _wait_search(window, qtbot)
    assert _titles(window) == ["Paint fence", "Pay phone bill", "Pay rent"]
    qtbot.keyClicks(window.search_box, "y")
    _wait_search(window, qtbot)
    assert _titles(window) == ["Pay phone bill", "Pay rent"]
    qtbot.keyClicks(window.search_box, " p1")
    _wait_search(window, qtbot)
    assert _titles(window) == ["Pay rent"]
    assert window.view_title.text() == "Search: pay p1"
    window.search_box.clear()
    _wait_search(window, qtbot)
    assert len(_titles(window)) == 3 and window.view_title.text() == "Inbox"


def test_malformed_filter_shows_message_and_keeps_list(window: Any, qtbot: Any) -> None:
    _seed(window)
    qtbot.keyClicks(window.search_box, "pay")
    _wait_search(window, qtbot)
    assert len(_titles(window)) == 2
    qtbot.keyClicks(window.search_box, " due<nonsense")
    _wait_search(window, qtbot)
    assert window.search_error.isVisible() and window.search_error.text()
    assert len(_titles(window)) == 2
    window.search_box.setText("pay")
    _wait_search(window, qtbot)
    assert not window.search_error.isVisible()


def test_save_filter_adds_it_to_the_sidebar_and_it_can_be_deleted(
        window: Any, qtbot: Any, modal: Callable[[], Any]) -> None:
    _seed(window)
    qtbot.keyClicks(window.search_box, "@bills")
    _wait_search(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = modal()
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue("Bills")
    dialog.accept()
    assert window.worker.wait_idle(10)
    saved = window.services.filters.list()
    assert [(f.name, f.query) for f in saved] == [("Bills", "@bills")]
    item = window.sidebar.view_item(View("filter", "@bills"))
    assert item is not None and item.text(0) == "Bills"
    assert window.current_view.kind == "filter" and _titles(window) == ["Pay phone bill"]
    assert window.search_box.text() == ""
    fid = saved[0].id
    window.sidebar.delete_filter_requested.emit(fid)
    assert window.worker.wait_idle(10)
    assert window.services.filters.list() == []
    assert window.sidebar.view_item(View("filter", "@bills")) is None
    assert window.current_view == INBOX


def test_project_context_actions(window: Any, qtbot: Any, modal: Callable[[], Any]) -> None:
    svc = window.services
    home = svc.projects.create("Home")
    svc.tasks.create(TaskFields(title="Fix tap", project_id=home.id))
    window.refresh()
    assert window.worker.wait_idle(10)
    item = window.sidebar.view_item(View("project", home.id))
    menu = window.sidebar.context_menu(item)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "New subproject…", "Rename…", "Colour…", "Delete project…"]
    menu.actions()[0].trigger()
    dialog = modal()
    dialog.setTextValue("Kitchen")
    dialog.accept()
    assert window.worker.wait_idle(10)
    kitchen = svc.projects.by_name("Kitchen")
    assert kitchen is not None and kitchen.parent_id == home.id
    window.sidebar.rename_project_requested.emit(home.id)
    dialog = modal()
    assert dialog.textValue() == "Home"
    dialog.setTextValue("House")
    dialog.accept()
    assert window.worker.wait_idle(10)
    assert svc.projects.get(home.id).name == "House"
    window.sidebar.color_project_requested.emit(home.id)
    dialog = modal()
    assert isinstance(dialog, QColorDialog)
    dialog.setCurrentColor(Qt.GlobalColor.red)
    dialog.accept()
    assert window.worker.wait_idle(10)
    assert svc.projects.get(home.id).color == "#ff0000"


def test_delete_project_asks_first(window: Any, qtbot: Any, modal: Callable[[], Any]) -> None:
    svc = window.services
    home = svc.projects.create("Home")
    svc.tasks.create(TaskFields(title="Fix tap", project_id=home.id))
    window.refresh()
    assert window.worker.wait_idle(10)
    window.show_view(View("project", home.id, "Home"))
    assert window.worker.wait_idle(10)
    window.sidebar.delete_project_requested.emit(home.id)
    box = modal()
    assert isinstance(box, QMessageBox) and "Home" in box.text()
    box.reject()  # Cancel: nothing happens
    assert window.worker.wait_idle(10)
    assert svc.projects.list() != []
    window.sidebar.delete_project_requested.emit(home.id)
    box = modal()
    next(b for b in box.buttons() if b.text() == "Delete").click()
    assert window.worker.wait_idle(10)
    assert svc.projects.list() == [] and svc.tasks.reader.select() == []
    assert window.current_view == INBOX


def test_dragging_projects_reorders_and_nests(window: Any, qtbot: Any) -> None:
    svc = window.services
    a, b, c = (svc.projects.create(n) for n in ("A", "B", "C"))
    window.refresh()
    assert window.worker.wait_idle(10)
    sidebar = window.sidebar
    item = sidebar.view_item
    sidebar.setCurrentItem(item(View("project", c.id)))
    assert window.worker.wait_idle(10)
    assert sidebar.drop_project(c.id, item(View("project", a.id)), Drop.AboveItem)
    assert window.worker.wait_idle(10)
    assert [p.name for p in svc.projects.list()] == ["C", "A", "B"]
    assert sidebar.drop_project(b.id, item(View("project", a.id)), Drop.OnItem)
    assert window.worker.wait_idle(10)
    assert svc.projects.get(b.id).parent_id == a.id
    nested = item(View("project", b.id))
    assert nested is not None and nested.parent() is item(View("project", a.id))
    assert not sidebar.drop_project(a.id, item(View("project", a.id)), Drop.OnItem)


def test_counts_update_after_changes(window: Any, qtbot: Any) -> None:
    task = window.services.tasks.create(TaskFields(title="x", due_date=window.services.clock
                                                   .today()))
    window.refresh()
    assert window.worker.wait_idle(10)
    inbox = window.sidebar.view_item(INBOX)
    today = window.sidebar.view_item(View("today"))
    assert (inbox.text(1), today.text(1)) == ("1", "1")
    window.ops.toggle_done(task.id)
    assert window.worker.wait_idle(10)
    assert (inbox.text(1), today.text(1)) == ("", "")
