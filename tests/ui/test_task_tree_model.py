"""TaskTreeModel: structure from flat rows, qtmodeltester, single-row changes, drops."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.services.task_query import ALL, INBOX
from app.services.tasks import TaskFields
from app.ui import jobs
from app.ui.task_tree import build_tree
from app.ui.task_tree_model import TASK_ID_ROLE, TITLE, TaskTreeModel

pytestmark = pytest.mark.usefixtures("qapp")


def _seed(services: Any) -> dict[str, str]:
    """a, b (with b1, b2, and b2 with b2x), c: all in the Inbox."""
    ids: dict[str, str] = {}
    for name in ("a", "b", "c"):
        ids[name] = services.tasks.create(TaskFields(title=name)).id
    ids["b1"] = services.tasks.create(TaskFields(title="b1", parent_id=ids["b"])).id
    ids["b2"] = services.tasks.create(TaskFields(title="b2", parent_id=ids["b"],
                                                 priority=1)).id
    ids["b2x"] = services.tasks.create(TaskFields(title="b2x", parent_id=ids["b2"],
                                                  status="done")).id
    return ids


def _model(services: Any, view: Any = INBOX) -> TaskTreeModel:
    loaded = jobs.load_list(services, view)
    model = TaskTreeModel()
    model.set_tree(loaded.tree, today=loaded.today, now=loaded.now, zone=loaded.zone,
                   reorderable=loaded.reorderable)
    return model


def _titles(model: TaskTreeModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    return [model.index(r, TITLE, parent).data() for r in range(model.rowCount(parent))]


def test_model_passes_qtmodeltester_with_nested_subtasks(qtmodeltester: Any,
                                                        services: Any) -> None:
    _seed(services)
    model = _model(services, ALL)
    assert _titles(model) == ["a", "b", "c"]
    b = model.index(1, 0)
    assert _titles(model, b) == ["b1", "b2"]
    assert _titles(model, model.index(1, 0, b)) == ["b2x"]
    qtmodeltester.check(model, force_py=True)


def test_build_tree_shows_subtask_of_hidden_parent_at_top_level(services: Any) -> None:
    ids = _seed(services)
    tasks = [t for t in services.tasks.reader.select() if t.id != ids["b"]]
    tree = build_tree(tasks)
    top = [tasks[n].title for n in tree.children(-1)]
    assert sorted(top) == ["a", "b1", "b2", "c"]
    b2 = tree.node_of[ids["b2"]]
    assert [tasks[n].title for n in tree.children(b2)] == ["b2x"]


def test_data_roles(services: Any) -> None:
    ids = _seed(services)
    model = _model(services, ALL)
    b2 = model.index_for(ids["b2"])
    assert b2.data(TASK_ID_ROLE) == ids["b2"]
    assert b2.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    done = model.index_for(ids["b2x"])
    assert done.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert done.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert model.index_for(ids["a"], 3).data() == "Inbox"


def test_update_remove_append_and_move_keep_model_consistent(qtmodeltester: Any,
                                                             services: Any) -> None:
    ids = _seed(services)
    model = _model(services, ALL)
    renamed = services.tasks.update(ids["a"], TaskFields(title="a!"))
    assert model.update_task(renamed)
    assert model.index_for(ids["a"]).data() == "a!"
    assert model.remove_task(ids["c"])
    assert _titles(model) == ["a!", "b"]
    assert not model.remove_task(ids["b"])  # has shown subtasks: the caller reloads
    new = services.tasks.create(TaskFields(title="d"))
    model.append_task(new)
    assert _titles(model) == ["a!", "b", "d"]
    moved = services.tasks.move(new.id, after_id=None, before_id=ids["a"])
    assert model.move_task(moved, None, ids["a"])
    assert _titles(model) == ["d", "a!", "b"]
    nested = services.tasks.move(ids["a"], parent_id=ids["b"], after_id=ids["b2"])
    assert model.move_task(nested, ids["b2"], None)
    assert _titles(model) == ["d", "b"]
    assert _titles(model, model.index_for(ids["b"])) == ["b1", "b2", "a!"]
    qtmodeltester.check(model, force_py=True)


def test_drop_between_rows_and_on_a_row_emit_moves(qtbot: Any, services: Any) -> None:
    ids = _seed(services)
    model = _model(services)
    mime = model.mimeData([model.index_for(ids["c"])])
    with qtbot.waitSignal(model.move_requested) as blocker:
        assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert blocker.args == [ids["c"], True, None, None, ids["a"]]
    with qtbot.waitSignal(model.move_requested) as blocker:
        assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index_for(ids["a"]))
    assert blocker.args == [ids["c"], True, ids["a"], None, None]
    # A task cannot be dropped into its own subtree.
    own = model.mimeData([model.index_for(ids["b"])])
    assert not model.canDropMimeData(own, Qt.DropAction.MoveAction, -1, 0,
                                     model.index_for(ids["b1"]))


def test_due_sorted_views_refuse_drops_between_rows(services: Any) -> None:
    ids = _seed(services)
    services.tasks.update(ids["a"], TaskFields(due_date=services.clock.today()))
    services.tasks.update(ids["c"], TaskFields(due_date=services.clock.today()))
    from app.services.task_query import TODAY

    model = _model(services, TODAY)
    assert not model.reorderable
    mime = model.mimeData([model.index_for(ids["c"])])
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0,
                                 model.index_for(ids["a"]))


def test_top_level_rows_reach_the_view_in_batches(qtmodeltester: Any, services: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import task_tree_model

    monkeypatch.setattr(task_tree_model, "BATCH", 3)
    ids = [services.tasks.create(TaskFields(title=f"t{i}")).id for i in range(8)]
    sub = services.tasks.create(TaskFields(title="t7.1", parent_id=ids[7]))
    model = _model(services, ALL)
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    assert not model.index_for(ids[5]).isValid()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 6
    # Revealing a subtask hands the view its parent's whole batch.
    index = model.reveal(sub.id)
    assert index.isValid() and index.data() == "t7.1"
    assert model.rowCount() == 8 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)


def test_changes_beyond_the_shown_rows_stay_consistent(qtmodeltester: Any, services: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import task_tree_model

    monkeypatch.setattr(task_tree_model, "BATCH", 2)
    ids = [services.tasks.create(TaskFields(title=f"t{i}")).id for i in range(5)]
    model = _model(services, ALL)
    assert model.remove_task(ids[4])  # not shown yet: no signals, still gone
    new = services.tasks.create(TaskFields(title="new"))
    model.append_task(new)  # appended after unshown rows: stays unshown
    assert model.rowCount() == 2 and model.task_count() == 5
    moved = services.tasks.move(ids[3], after_id=None, before_id=ids[0])
    assert model.move_task(moved, None, ids[0])
    assert _titles(model)[:2] == ["t3", "t0"]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert _titles(model) == ["t3", "t0", "t1", "t2", "new"]
    qtmodeltester.check(model, force_py=True)
