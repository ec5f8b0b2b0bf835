"""Reordering and re-parenting in the outline list write through the services (one row)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from app.services.task_query import ALL
from app.services.tasks import TaskFields
from app.ui.task_tree_model import TITLE


def _titles(window: Any, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    model = window.model
    return [model.index(r, TITLE, parent).data() for r in range(model.rowCount(parent))]


def _stamps(services: Any) -> dict[str, tuple[Any, float, Any]]:
    return {t.id: (t.updated, t.position, t.parent_id)
            for t in services.tasks.reader.select(*_all(services))}


def _all(services: Any) -> tuple[Any, ...]:
    from app.services.task_query import list_clause

    return list_clause(ALL, services.clock)


def _seed(window: Any, titles: str) -> dict[str, str]:
    ids = {t: window.services.tasks.create(TaskFields(title=t)).id for t in titles}
    window.refresh()
    assert window.worker.wait_idle(10)
    return ids


def test_drag_reorder_changes_exactly_one_row(live_window: Any, qtbot: Any) -> None:
    window = live_window
    ids = _seed(window, "abcde")
    before = _stamps(window.services)
    model = window.model
    mime = model.mimeData([model.index_for(ids["e"])])
    # Drop e between a (row 0) and b (row 1).
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert window.worker.wait_idle(10)
    after = _stamps(window.services)
    changed = [i for i in ids.values() if before[i] != after[i]]
    assert changed == [ids["e"]]
    assert _titles(window) == ["a", "e", "b", "c", "d"]
    stored = [t.title for t in window.services.tasks.reader.select(*_all(window.services))]
    assert stored == ["a", "e", "b", "c", "d"]


def test_drop_on_a_row_makes_a_subtask_and_dragging_out_lifts_it(window: Any,
                                                                  qtbot: Any) -> None:
    ids = _seed(window, "abc")
    model = window.model
    mime = model.mimeData([model.index_for(ids["c"])])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index_for(ids["a"]))
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(ids["c"]).parent_id == ids["a"]
    assert _titles(window) == ["a", "b"]
    a_index = model.index_for(ids["a"])
    assert _titles(window, a_index) == ["c"]
    assert window.task_list.isExpanded(a_index)
    # Drag it back out to the top level, below b.
    mime = model.mimeData([model.index_for(ids["c"])])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(ids["c"]).parent_id is None
    assert _titles(window) == ["a", "b", "c"]


def test_indent_and_outdent_shortcuts(window: Any, qtbot: Any) -> None:
    ids = _seed(window, "abc")
    view = window.task_list
    view.select_task(ids["b"])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(ids["b"]).parent_id == ids["a"]
    assert _titles(window) == ["a", "c"]
    view.select_task(ids["b"])
    qtbot.keyClick(view, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert window.worker.wait_idle(10)
    assert window.services.tasks.get(ids["b"]).parent_id is None
    assert _titles(window) == ["a", "b", "c"]


def test_subtasks_fold_and_unfold(window: Any, qtbot: Any) -> None:
    ids = _seed(window, "a")
    window.services.tasks.create(TaskFields(title="a1", parent_id=ids["a"]))
    window.refresh()
    assert window.worker.wait_idle(10)
    a_index = window.model.index_for(ids["a"])
    assert window.model.rowCount(a_index) == 1
    view = window.task_list
    assert not view.isExpanded(a_index)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert view.isExpanded(a_index)
    # Folding state survives a reload.
    window.refresh()
    assert window.worker.wait_idle(10)
    assert view.isExpanded(window.model.index_for(ids["a"]))
