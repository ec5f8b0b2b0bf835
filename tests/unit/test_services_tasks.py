"""TaskService on a real SQLite file: create, edit, validate, subtasks, move, delete, repeat."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, ValidationError
from app.models import Change, Task
from app.services.facade import Services
from app.services.tasks import TaskFields


def _stamps(services: Services) -> dict[str, datetime]:
    with services.store.sessions() as s:
        return {row[0]: row[1] for row in s.execute(select(Task.id, Task.updated_at))}


def _later(services: Services, minutes: int = 5) -> None:
    """Move the fixed clock forward so that new writes get new stamps."""
    assert services.clock.fixed is not None
    services.clock.fixed += timedelta(minutes=minutes)


def test_create_with_every_field(services: Services) -> None:
    home = services.projects.create("Home")
    task = services.tasks.create(TaskFields(
        title="  Pay   rent ", notes="IBAN in the drawer", project_id=home.id, priority=2,
        due_date=date(2026, 12, 1), due_time=time(9, 30), due_tz="America/New_York",
        scheduled_date=date(2026, 11, 30), estimate_minutes=20, recurrence="rrule:freq=monthly",
        recur_from_completion=True, tags=("bills", "@Home"), status="in_progress"))
    assert task.title == "Pay rent"  # whitespace collapsed
    assert (task.project, task.priority, task.status) == ("Home", 2, "in_progress")
    assert task.due_at == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    assert task.due_local() is not None and task.due_local().hour == 9  # type: ignore[union-attr]
    assert task.recurrence == "FREQ=MONTHLY" and task.recur_from_completion
    assert task.tags == ("bills", "Home")
    assert task.created == task.updated == services.clock.now()
    assert task.ics_uid == f"{task.id}@cadence"


def test_date_only_due_has_no_zone(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="x", due_date=date(2026, 12, 1)))
    assert (task.due_date, task.due_at, task.due_tz) == (date(2026, 12, 1), None, None)


def test_timed_due_defaults_to_the_clock_zone(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="x", due_date=date(2026, 12, 1),
                                            due_time=time(9, 0)))
    assert task.due_tz == "Europe/Berlin" and task.due_at == datetime(2026, 12, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(("fields", "message"), [
    (TaskFields(), "A task needs a title."),
    (TaskFields(title="   "), "A task needs a title."),
    (TaskFields(title="x" * 2001), "at most 2000 characters"),
    (TaskFields(title="x", priority=5), "Priority must be 1 (highest) to 4, not 5."),
    (TaskFields(title="x", priority=0), "Priority must be 1"),
    (TaskFields(title="x", status="waiting"), "Unknown status 'waiting'"),
    (TaskFields(title="x", due_date=date(2026, 12, 1), due_time=time(9), due_tz="Mars/Base"),
     "Unknown time zone 'Mars/Base'."),
    (TaskFields(title="x", recurrence="FREQ=SOMETIMES"), "Not a valid recurrence rule"),
    (TaskFields(title="x", due_time=time(9)), "A due time needs a due date."),
    (TaskFields(title="x", estimate_minutes=0), "An estimate must be a positive number"),
    (TaskFields(title="x", project_id="nope"), "No project with id nope."),
    (TaskFields(title="x", parent_id="nope"), "No parent task with id nope."),
])
def test_validation_errors_store_nothing(services: Services, fields: TaskFields,
                                         message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.tasks.create(fields)
    assert services.tasks.reader.select() == []
    assert services.history.undo_label() is None


def test_update_changes_only_given_fields(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="Old", priority=2, tags=("a",),
                                            due_date=date(2026, 12, 1), due_time=time(9)))
    _later(services)
    after = services.tasks.update(task.id, TaskFields(title="New"))
    assert (after.title, after.priority, after.tags, after.due_at) == (
        "New", 2, ("a",), task.due_at)
    assert after.updated > task.updated and after.created == task.created


def test_update_due_keeps_wall_time_and_clearing_the_date_clears_the_time(
    services: Services,
) -> None:
    task = services.tasks.create(TaskFields(title="x", due_date=date(2026, 12, 1),
                                            due_time=time(9)))
    moved = services.tasks.update(task.id, TaskFields(due_date=date(2026, 12, 5)))
    assert moved.due_local() is not None and moved.due_local().time() == time(9)  # type: ignore[union-attr]
    rezoned = services.tasks.update(task.id, TaskFields(due_tz="Asia/Tokyo"))
    assert rezoned.due_at == datetime(2026, 12, 5, 0, tzinfo=UTC)  # 09:00 in Tokyo
    cleared = services.tasks.update(task.id, TaskFields(due_date=None))
    assert (cleared.due_date, cleared.due_at, cleared.due_tz) == (None, None, None)


def test_unknown_and_deleted_ids(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.tasks.update("f" * 32, TaskFields(title="x"))
    task = services.tasks.create(TaskFields(title="x"))
    services.tasks.delete(task.id)
    with pytest.raises(NotFoundError):
        services.tasks.get(task.id)
    with pytest.raises(NotFoundError):
        services.tasks.complete(task.id)


def test_subtasks_inherit_the_project_and_cannot_loop(services: Services) -> None:
    work = services.projects.create("Work")
    a = services.tasks.create(TaskFields(title="A", project_id=work.id))
    b = services.tasks.create(TaskFields(title="B", parent_id=a.id))
    c = services.tasks.create(TaskFields(title="C", parent_id=b.id))
    assert (b.parent_id, b.project_id, c.parent_id) == (a.id, work.id, b.id)
    assert services.tasks.get(a.id).subtasks_total == 1
    for parent in (c.id, b.id, a.id):
        with pytest.raises(ValidationError, match="cannot become a subtask of itself"):
            services.tasks.update(a.id, TaskFields(parent_id=parent))
    services.tasks.complete(b.id)
    top = services.tasks.get(a.id)
    assert (top.subtasks_total, top.subtasks_done) == (1, 1)
    loose = services.tasks.update(c.id, TaskFields(parent_id=None))
    assert loose.parent_id is None


def test_move_writes_one_row(services: Services) -> None:
    a, b, c = (services.tasks.create(TaskFields(title=t)) for t in "ABC")
    before = _stamps(services)
    _later(services)
    moved = services.tasks.move(c.id, after_id=a.id, before_id=b.id)
    after = _stamps(services)
    assert [k for k in after if after[k] != before[k]] == [c.id]
    assert a.position < moved.position < b.position
    with services.store.sessions() as s:
        op = s.scalar(select(Change.op_id).order_by(Change.id.desc()).limit(1))
        assert s.scalars(select(Change.entity_id).where(Change.op_id == op)).all() == [c.id]
    order = [t.title for t in services.tasks.reader.select()]
    assert order == ["A", "C", "B"]


def test_move_to_the_end_and_across_columns(services: Services) -> None:
    a, b = (services.tasks.create(TaskFields(title=t)) for t in "AB")
    moved = services.tasks.move(a.id, after_id=b.id, status="in_progress")
    assert moved.position > b.position and moved.status == "in_progress"
    first = services.tasks.move(a.id, before_id=b.id)
    assert first.position < b.position


def test_move_renormalises_when_the_gap_is_used_up(services: Services) -> None:
    a, b = (services.tasks.create(TaskFields(title=t)) for t in "AB")
    inserted: list[str] = []
    right = b.id
    for n in range(45):  # each drop halves the gap next to A: 2**-45 is below the epsilon
        task = services.tasks.create(TaskFields(title=f"t{n}"))
        services.tasks.move(task.id, after_id=a.id, before_id=right)
        inserted.append(task.id)
        right = task.id
    rows = services.tasks.reader.select()
    assert [r.id for r in rows] == [a.id, *reversed(inserted), b.id]
    positions = [r.position for r in rows]
    assert len(set(positions)) == len(positions)
    assert all(p % 1024.0 == 0 for p in positions[-5:])  # spread out again at some point


def test_delete_tombstones_the_subtree(services: Services) -> None:
    a = services.tasks.create(TaskFields(title="A"))
    b = services.tasks.create(TaskFields(title="B", parent_id=a.id))
    services.tasks.create(TaskFields(title="C", parent_id=b.id))
    keep = services.tasks.create(TaskFields(title="Keep"))
    assert services.tasks.delete(a.id) == 3
    assert [t.id for t in services.tasks.reader.select()] == [keep.id]
    with services.store.sessions() as s:
        stamps = s.scalars(select(Task.deleted_at).where(Task.deleted_at.is_not(None))).all()
    assert stamps == [services.clock.now()] * 3  # rows stay, as tombstones


def _recurring(services: Services, rule: str, due: date, *, from_completion: bool = False,
               at: time | None = None) -> str:
    task = services.tasks.create(TaskFields(
        title="Repeat", recurrence=rule, recur_from_completion=from_completion, due_date=due,
        due_time=at, tags=("home",), priority=2))
    return task.id


def _open(services: Services) -> list[tuple[str, date | None]]:
    return [(t.title, t.due_date) for t in services.tasks.reader.select() if t.is_open]


def test_monthly_from_the_due_date(services: Services) -> None:
    task_id = _recurring(services, "FREQ=MONTHLY", date(2026, 11, 30))
    done = services.tasks.complete(task_id)
    assert (done.status, done.recurrence, done.completed) == ("done", None, services.clock.now())
    nxt = [t for t in services.tasks.reader.select() if t.is_open]
    assert [(t.due_date, t.recurrence, t.tags, t.priority) for t in nxt] == [
        (date(2026, 12, 30), "FREQ=MONTHLY", ("home",), 2)]


def test_overdue_daily_comes_back_today(services: Services) -> None:
    task_id = _recurring(services, "FREQ=DAILY", date(2026, 11, 20))
    services.tasks.complete(task_id)
    assert _open(services) == [("Repeat", date(2026, 11, 28))]


def test_every_bang_counts_from_completion(services: Services) -> None:
    task_id = _recurring(services, "FREQ=DAILY;INTERVAL=3", date(2026, 11, 10),
                         from_completion=True)
    services.tasks.complete(task_id)
    assert _open(services) == [("Repeat", date(2026, 12, 1))]


def test_timed_recurrence_keeps_its_wall_time(services: Services) -> None:
    task_id = _recurring(services, "FREQ=WEEKLY", date(2026, 11, 27), at=time(9, 0))
    services.tasks.complete(task_id)
    nxt = next(t for t in services.tasks.reader.select() if t.is_open)
    assert nxt.due_at == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert nxt.due_tz == "Europe/Berlin"


def test_a_finished_rule_does_not_come_back(services: Services) -> None:
    task_id = _recurring(services, "FREQ=DAILY;COUNT=1", date(2026, 11, 28))
    services.tasks.complete(task_id)
    assert _open(services) == []


def test_reopening_clears_the_completion(services: Services) -> None:
    task = services.tasks.create(TaskFields(title="x"))
    services.tasks.complete(task.id)
    again = services.tasks.set_status(task.id, "todo")
    assert (again.status, again.completed) == ("todo", None)
    assert services.history.undo_label() == "Reopen task"
