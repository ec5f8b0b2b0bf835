"""Undo and redo from the change log: every kind of action, the redo stack, later edits."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import NotFoundError, NothingToUndoError
from app.models import Task
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.uow import write


def test_nothing_to_undo_or_redo(services: Services) -> None:
    assert services.history.undo_label() is None and services.history.redo_label() is None
    with pytest.raises(NothingToUndoError, match="Nothing to undo."):
        services.history.undo()
    with pytest.raises(NothingToUndoError, match="Nothing to redo."):
        services.history.redo()


def test_undo_redo_create(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="New", tags=("a",)))
    assert services.history.undo() == "Add task"
    with pytest.raises(NotFoundError):
        services.tasks.get(task.id)
    assert services.history.redo_label() == "Add task"
    assert services.history.redo() == "Add task"
    back = services.tasks.get(task.id)
    assert (back.title, back.tags) == ("New", ("a",))


def test_undo_redo_edit(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="Old", priority=4))
    services.tasks.update(task.id, TaskFields(title="New", priority=1, due_date=date(2026, 12, 1)))
    services.history.undo()
    old = services.tasks.get(task.id)
    assert (old.title, old.priority, old.due_date) == ("Old", 4, None)
    services.history.redo()
    new = services.tasks.get(task.id)
    assert (new.title, new.priority, new.due_date) == ("New", 1, date(2026, 12, 1))


def test_undo_complete_of_a_recurring_task_removes_the_next_one(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="Daily", recurrence="FREQ=DAILY",
                                            due_date=date(2026, 11, 28)))
    services.tasks.complete(task.id)
    assert len(services.tasks.reader.select()) == 2
    assert services.history.undo() == "Complete task"
    rows = services.tasks.reader.select()
    assert [(t.id, t.status, t.recurrence, t.completed) for t in rows] == [
        (task.id, "todo", "FREQ=DAILY", None)]
    services.history.redo()
    assert sorted(t.status for t in services.tasks.reader.select()) == ["done", "todo"]


def test_undo_delete_brings_back_subtasks(services: Services) -> None:
    parent = services.tasks.create(TaskFields(title="P"))
    child = services.tasks.create(TaskFields(title="C", parent_id=parent.id))
    services.tasks.delete(parent.id)
    services.history.undo()
    assert services.tasks.get(child.id).parent_id == parent.id
    assert services.tasks.get(parent.id).subtasks_total == 1


def test_undo_tag_changes(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="x", tags=("a", "b")))
    services.tasks.update(task.id, TaskFields(tags=("c",)))
    services.history.undo()
    assert services.tasks.get(task.id).tags == ("a", "b")
    tag_a = next(t for t in services.tags.list() if t.name == "a")
    services.tags.delete(tag_a.id)
    assert services.tasks.get(task.id).tags == ("b",)
    assert services.history.undo() == "Delete tag"
    assert services.tasks.get(task.id).tags == ("a", "b")
    services.tags.rename(tag_a.id, "@alpha")
    assert services.tasks.get(task.id).tags == ("alpha", "b")
    services.history.undo()
    assert services.tasks.get(task.id).tags == ("a", "b")


def test_undo_project_delete(services: Services) -> None:
    home = services.projects.create("Home")
    garden = services.projects.create("Garden", parent_id=home.id)
    a = services.tasks.create(TaskFields(title="A", project_id=home.id))
    b = services.tasks.create(TaskFields(title="B", project_id=garden.id))
    assert services.projects.delete(home.id) == 2
    assert services.projects.list() == [] and services.tasks.reader.select() == []
    services.history.undo()
    assert [p.name for p in services.projects.list()] == ["Home", "Garden"]
    assert {services.tasks.get(a.id).project, services.tasks.get(b.id).project} == {
        "Home", "Garden"}


def test_a_new_action_clears_the_redo_stack(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="One"))
    services.tasks.update(task.id, TaskFields(title="Two"))
    services.history.undo()
    assert services.history.redo_label() == "Edit task"
    services.tasks.update(task.id, TaskFields(priority=1))
    assert services.history.redo_label() is None
    with pytest.raises(NothingToUndoError):
        services.history.redo()
    # Undo still walks back through the earlier actions in order.
    assert services.history.undo() == "Edit task"
    assert services.history.undo() == "Add task"


def test_undo_steps_in_order_and_redo_in_reverse(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="v1"))
    for title in ("v2", "v3", "v4"):
        services.tasks.update(task.id, TaskFields(title=title))
    services.history.undo()
    services.history.undo()
    assert services.tasks.get(task.id).title == "v2"
    services.history.redo()
    assert services.tasks.get(task.id).title == "v3"
    services.history.redo()
    assert services.tasks.get(task.id).title == "v4"


def test_undo_skips_a_field_changed_later_by_someone_else(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="Draft", priority=4))
    services.tasks.update(task.id, TaskFields(title="Mine", priority=1))
    with write(services.store, "Sync", clock=services.clock, origin="sync") as uow:
        uow.get(Task, task.id).title = "Theirs"  # e.g. a calendar sync, not undoable
    assert services.history.undo_label() == "Edit task"
    services.history.undo()
    after = services.tasks.get(task.id)
    assert (after.title, after.priority) == ("Theirs", 4)


def test_undo_and_redo_are_in_the_audit_trail(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="x"))
    services.tasks.complete(task.id)
    services.history.undo()
    services.history.redo()
    trail = [(label, origin) for _, label, origin, _ in services.history.recent()]
    assert trail == [("Redo Complete task", "redo"), ("Undo Complete task", "undo"),
                     ("Complete task", "user"), ("Add task", "user")]
