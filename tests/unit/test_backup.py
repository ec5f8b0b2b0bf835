"""The JSON backup: exact round trip, idempotent upsert, all-or-nothing validation."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from app.errors import ValidationError
from app.models import Operation, Setting, Task, TimeEntry
from app.services.backup import export_backup, import_backup
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields

TE = TimeEntry.__table__


def _fill(services: Services) -> dict[str, str]:
    """A store with one of everything: nesting, tombstones, timed dues, tags, settings."""
    home = services.projects.create("Home")
    garden = services.projects.create("Garden", parent_id=home.id, color="#30a46c")
    old = services.projects.create("Old stuff")
    services.projects.update(old.id, archived=True)
    gone = services.projects.create("Gone")
    services.projects.delete(gone.id)
    rent = services.tasks.create(TaskFields(
        title="Pay rent", project_id=home.id, priority=1, due_date=date(2026, 12, 1),
        due_time=time(9, 0), due_tz="Europe/Berlin", recurrence="FREQ=MONTHLY",
        tags=("bills", "Home-Admin"), estimate_minutes=15, notes="Ünïcode – ok"))
    sub = services.tasks.create(TaskFields(title="Find IBAN", parent_id=rent.id))
    services.tasks.create(TaskFields(title="Mow lawn", project_id=garden.id,
                                     due_date=date(2026, 11, 30),
                                     scheduled_date=date(2026, 11, 29)))
    done = services.tasks.create(TaskFields(title="Old chore", tags=("bills",)))
    services.tasks.complete(done.id)
    dead = services.tasks.create(TaskFields(title="Deleted one"))
    services.tasks.delete(dead.id)
    services.tasks.move(sub.id, after_id=None, before_id=None)
    spare = services.tasks.create(TaskFields(title="Tag me", tags=("temp",)))
    temp = next(t for t in services.tags.list() if t.name == "temp")
    services.tags.delete(temp.id)
    services.filters.save("Urgent", "p1 overdue")
    with services.store.engine.begin() as conn:
        conn.execute(insert(Setting), [{"key": "theme", "value": '{"mode": "dark"}'},
                                       {"key": "week_start", "value": "1"}])
        conn.execute(insert(TE), [
            {"id": "e" * 32, "task_id": rent.id, "start_at": datetime(2026, 11, 27, 8, tzinfo=UTC),
             "end_at": datetime(2026, 11, 27, 9, 30, tzinfo=UTC), "tz": "Europe/Berlin",
             "note": "", "source": "manual", "billable": True,
             "created_at": datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
             "updated_at": datetime(2026, 11, 27, 9, 30, tzinfo=UTC), "deleted_at": None}])
    return {"home": home.id, "rent": rent.id, "sub": sub.id, "spare": spare.id}


def _export_text(services: Services) -> str:
    buf = io.StringIO()
    export_backup(services, buf)
    return buf.getvalue()


def _other(tmp_path: Path, clock: Clock, name: str = "other") -> Services:
    return Services.open(tmp_path / name, clock=clock)


def _write(tmp_path: Path, doc: Any, name: str = "backup.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def _ops(services: Services) -> list[tuple[str, str, str]]:
    with services.store.sessions() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Operation.label, Operation.origin, Operation.state).order_by(Operation.id))]


def test_round_trip_is_exact(services: Services, tmp_path: Path, clock: Clock) -> None:
    _fill(services)
    first = tmp_path / "first.json"
    summary = export_backup(services, first)
    assert summary.counts == {"projects": 4, "tags": 3, "tasks": 6, "saved_filters": 1,
                              "time_entries": 1, "settings": 2}
    assert summary.describe() == (
        "4 projects, 3 tags, 6 tasks, 1 saved filter, 1 time entry, 2 settings")
    assert _export_text(services) == first.read_text(encoding="utf-8")
    other = _other(tmp_path, clock)
    try:
        result = import_backup(other, first)
        assert result.counts == summary.counts and result.source == "first.json"
        second = tmp_path / "second.json"
        export_backup(other, second)
        assert second.read_bytes() == first.read_bytes()
        # What the services read is the same too, stamps and tombstones included.
        assert other.tasks.reader.select() == services.tasks.reader.select()
        assert other.projects.list(include_archived=True) == services.projects.list(
            include_archived=True)
        assert other.tags.list() == services.tags.list()
    finally:
        other.close()


def test_document_shape(services: Services) -> None:
    ids = _fill(services)
    doc = json.loads(_export_text(services))
    assert (doc["format"], doc["version"]) == ("cadence-backup", 1)
    assert doc["exported"] == "2026-11-28T10:00:00.000000Z"
    assert doc["settings"] == {"theme": {"mode": "dark"}, "week_start": 1}
    rent = next(t for t in doc["tasks"] if t["id"] == ids["rent"])
    assert rent["due_at"] == "2026-12-01T08:00:00.000000Z" and rent["due_tz"] == "Europe/Berlin"
    assert rent["due_date"] == "2026-12-01" and rent["recurrence"] == "FREQ=MONTHLY"
    tag_names = {t["id"]: t["name"] for t in doc["tags"]}
    assert sorted(tag_names[t] for t in rent["tags"]) == ["Home-Admin", "bills"]
    assert [t["id"] for t in doc["tasks"]] == sorted(t["id"] for t in doc["tasks"])
    assert sum(t["deleted_at"] is not None for t in doc["tasks"]) == 1
    assert sum(t["deleted_at"] is not None for t in doc["tags"]) == 1
    assert doc["time_entries"][0]["billable"] is True


def test_import_is_idempotent_and_logged_once(services: Services, tmp_path: Path,
                                              clock: Clock) -> None:
    _fill(services)
    path = tmp_path / "b.json"
    export_backup(services, path)
    other = _other(tmp_path, clock)
    try:
        import_backup(other, path)
        import_backup(other, path)
        assert _export_text(other) == path.read_text(encoding="utf-8")
        assert _ops(other) == [("Import backup", "import", "final")] * 2
        assert other.history.undo_label() is None  # an import is not an undo step
        with other.store.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Task)) == 6
    finally:
        other.close()


def test_import_updates_by_id_and_keeps_other_rows(services: Services, tmp_path: Path) -> None:
    ids = _fill(services)
    path = tmp_path / "b.json"
    export_backup(services, path)
    services.tasks.update(ids["rent"], TaskFields(title="Changed", tags=("new",)))
    extra = services.tasks.create(TaskFields(title="Made after the backup"))
    import_backup(services, path)
    rent = services.tasks.get(ids["rent"])
    assert rent.title == "Pay rent"
    assert rent.tags == ("bills", "Home-Admin")  # the backup's tags replace the stored ones
    assert services.tasks.get(extra.id).title == "Made after the backup"


def test_hand_written_file_gets_defaults(services: Services, tmp_path: Path) -> None:
    stamp = "2026-11-01T10:00:00+01:00"  # an offset instead of Z is normalised
    doc = {"format": "cadence-backup", "version": 1,
           "projects": [{"id": "p" * 32, "name": "Work", "created_at": stamp,
                         "updated_at": stamp}],
           "tasks": [{"id": "a" * 32, "ics_uid": "x@y", "title": "Write report",
                      "project_id": "p" * 32, "created_at": stamp, "updated_at": stamp}]}
    summary = import_backup(services, _write(tmp_path, doc))
    assert summary.describe() == "1 project, 1 task"
    task = services.tasks.get("a" * 32)
    assert (task.status, task.priority, task.notes, task.project) == ("todo", 4, "", "Work")
    assert task.created == datetime(2026, 11, 1, 9, tzinfo=UTC)


def _valid_doc() -> dict[str, Any]:
    stamp = "2026-11-01T10:00:00.000000Z"
    base = {"created_at": stamp, "updated_at": stamp, "deleted_at": None}
    return {
        "format": "cadence-backup", "version": 1,
        "projects": [{"id": "1" * 32, "name": "Home", **base}],
        "tags": [{"id": "2" * 32, "name": "bills", **base},
                 {"id": "3" * 32, "name": "errands", **base}],
        "tasks": [{"id": "4" * 32, "ics_uid": "u4", "title": "Parent", "project_id": "1" * 32,
                   "tags": ["2" * 32], **base},
                  {"id": "5" * 32, "ics_uid": "u5", "title": "Child", "parent_id": "4" * 32,
                   "priority": 2, **base}],
        "time_entries": [{"id": "6" * 32, "task_id": "4" * 32, "tz": "UTC",
                          "start_at": "2026-11-01T08:00:00.000000Z",
                          "end_at": "2026-11-01T09:00:00.000000Z", **base}],
        "settings": {"theme": "dark"},
    }


def _broken(change: str) -> dict[str, Any]:
    doc = _valid_doc()
    tasks, tags = doc["tasks"], doc["tags"]
    if change == "missing title":
        del tasks[1]["title"]
    elif change == "priority 7":
        tasks[1]["priority"] = 7
    elif change == "priority text":
        tasks[1]["priority"] = "high"
    elif change == "bad status":
        tasks[0]["status"] = "finished"
    elif change == "bad instant":
        tasks[0]["created_at"] = "yesterday"
    elif change == "bad date":
        tasks[0]["due_date"] = "2026-02-30"
    elif change == "duplicate id":
        tasks[1]["id"] = tasks[0]["id"]
    elif change == "unknown project":
        tasks[0]["project_id"] = "9" * 32
    elif change == "unknown tag":
        tasks[0]["tags"] = ["8" * 32]
    elif change == "parent loop":
        tasks[0]["parent_id"] = tasks[1]["id"]
    elif change == "same tag name":
        tags[1]["name"] = "BILLS"
    elif change == "zone":
        tasks[0].update(due_date="2026-12-01", due_at="2026-12-01T08:00:00.000000Z",
                        due_tz="Mars/Olympus")
    elif change == "rrule":
        tasks[0]["recurrence"] = "FREQ=SOMETIMES"
    elif change == "timed due without date":
        tasks[0].update(due_at="2026-12-01T08:00:00.000000Z", due_tz="UTC")
    elif change == "entry ends before start":
        doc["time_entries"][0]["end_at"] = "2026-11-01T07:00:00.000000Z"
    elif change == "tags not a list":
        tasks[0]["tags"] = "bills"
    elif change == "task not an object":
        tasks[1] = "Child"
    elif change == "null title":
        tasks[0]["title"] = None
    return doc


@pytest.mark.parametrize(("change", "message"), [
    ("missing title", 'tasks[1]: "title" is missing.'),
    ("priority 7", "tasks[1].priority: must be 1 to 4, not 7."),
    ("priority text", "tasks[1].priority: must be a whole number."),
    ("bad status", "tasks[0].status: must be one of todo, in_progress, done, cancelled"),
    ("bad instant", "tasks[0].created_at: must be an instant like"),
    ("bad date", "tasks[0].due_date: must be a date like 2026-11-28, not '2026-02-30'."),
    ("duplicate id", f"tasks[1].id: {'4' * 32} appears twice (also tasks[0])."),
    ("unknown project", "tasks[0].project_id: no project with id 9999"),
    ("unknown tag", "tasks[0].tags: no tag with id 8888"),
    ("parent loop", "tasks[0].parent_id: the parent_id chain loops back."),
    ("same tag name", 'tags[1].name: "BILLS" is also the name of tags[0].'),
    ("zone", "tasks[0].due_tz: unknown time zone 'Mars/Olympus'."),
    ("rrule", "tasks[0].recurrence: Not a valid recurrence rule"),
    ("timed due without date", "tasks[0].due_at: a timed due needs due_date and due_tz too."),
    ("entry ends before start", "time_entries[0].end_at: must be after start_at."),
    ("tags not a list", "tasks[0].tags: must be a list of tag ids."),
    ("task not an object", "tasks[1] must be an object."),
    ("null title", "tasks[0].title: must not be null."),
])
def test_bad_elements_are_named_and_nothing_is_written(
    services: Services, tmp_path: Path, change: str, message: str
) -> None:
    ids = _fill(services)
    before = _export_text(services)
    ops = _ops(services)
    with pytest.raises(ValidationError) as info:
        import_backup(services, _write(tmp_path, _broken(change)))
    assert str(info.value).startswith("backup.json: ")
    assert message in str(info.value)
    assert _export_text(services) == before and _ops(services) == ops
    assert services.tasks.get(ids["rent"]).title == "Pay rent"


def test_the_valid_document_used_above_imports(services: Services, tmp_path: Path) -> None:
    summary = import_backup(services, _write(tmp_path, _valid_doc()))
    assert summary.counts["tasks"] == 2 and summary.counts["settings"] == 1
    assert services.tasks.get("5" * 32).parent_id == "4" * 32
    assert services.tasks.get("4" * 32).tags == ("bills",)


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "backup.json is not valid JSON (line 1, column 2"),
    ("[1, 2]", "backup.json: not a Cadence backup (expected a JSON object)."),
    ('{"format": "todo.txt", "version": 1}', "not a Cadence backup (format is 'todo.txt'"),
    ('{"format": "cadence-backup"}', "unknown backup version missing."),
    ('{"format": "cadence-backup", "version": 2}',
     "written by a newer Cadence (backup version 2); this Cadence reads version 1."),
    ('{"format": "cadence-backup", "version": 1, "tasks": {}}', '"tasks" must be a list.'),
    ('{"format": "cadence-backup", "version": 1, "settings": []}',
     '"settings" must be an object.'),
    ('{"format": "cadence-backup", "version": 1, "projects": [{"position": NaN}]}',
     "NaN is not allowed in a backup"),
])
def test_bad_files_are_refused(services: Services, tmp_path: Path, text: str,
                               message: str) -> None:
    with pytest.raises(ValidationError) as info:
        import_backup(services, _write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert _ops(services) == []


def test_missing_file(services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="No such file"):
        import_backup(services, tmp_path / "nope.json")


def test_a_tag_name_already_stored_is_merged(services: Services, tmp_path: Path) -> None:
    mine = services.tasks.create(TaskFields(title="mine", tags=("Bills",)))
    path = _write(tmp_path, _valid_doc())
    summary = import_backup(services, path)
    assert summary.describe().endswith("(1 tag merged into stored ones of the same name)")
    import_backup(services, path)  # still idempotent
    assert [(t.name, t.open_tasks) for t in services.tags.list()] == [
        ("Bills", 2), ("errands", 0)]
    assert services.tasks.get("4" * 32).tags == ("Bills",)
    assert services.tasks.get(mine.id).tags == ("Bills",)


def test_database_conflict_rolls_everything_back(services: Services, tmp_path: Path) -> None:
    """A second running timer passes the file checks but not the database: nothing stays."""
    with services.store.engine.begin() as conn:
        now = datetime(2026, 11, 28, 9, tzinfo=UTC)
        conn.execute(insert(TE), [{"id": "f" * 32, "task_id": None, "start_at": now,
                                   "end_at": None, "tz": "UTC", "note": "", "source": "timer",
                                   "billable": False, "created_at": now, "updated_at": now,
                                   "deleted_at": None}])
    doc = _valid_doc()
    doc["time_entries"][0]["end_at"] = None
    with pytest.raises(ValidationError, match="conflicts with the stored data"):
        import_backup(services, _write(tmp_path, doc))
    assert services.tasks.reader.select() == []
    assert services.projects.list() == [] and _ops(services) == []


def test_export_to_an_unwritable_place(services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Cannot write"):
        export_backup(services, tmp_path / "no" / "such" / "dir.json")
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def _index_sql(services: Services) -> set[str]:
    with services.store.engine.connect() as conn:
        return set(conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").scalars())


def _many(count: int, start: int = 0) -> dict[str, Any]:
    stamp = "2026-11-01T10:00:00.000000Z"
    return {"format": "cadence-backup", "version": 1,
            "tags": [{"id": "7" * 32, "name": "bulk", "created_at": stamp, "updated_at": stamp}],
            "tasks": [{"id": f"{n:032x}", "ics_uid": str(n), "title": f"Task {n}",
                       "due_date": "2026-11-28", "tags": ["7" * 32],
                       "created_at": stamp, "updated_at": stamp}
                      for n in range(start, start + count)]}


def test_a_large_import_rebuilds_the_same_indexes(services: Services, tmp_path: Path) -> None:
    indexes = _index_sql(services)
    import_backup(services, _write(tmp_path, _many(6000)))
    assert _index_sql(services) == indexes
    assert services.tags.list()[0].open_tasks == 6000
    with services.store.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE due_date = '2026-11-28' "
            "AND deleted_at IS NULL"))
    assert "ix_tasks_live_due_date" in plan


def test_a_failed_large_import_leaves_indexes_and_rows(services: Services,
                                                       tmp_path: Path) -> None:
    import_backup(services, _write(tmp_path, _many(10), name="small.json"))
    indexes = _index_sql(services)
    with services.store.engine.begin() as conn:
        now = datetime(2026, 11, 28, 9, tzinfo=UTC)
        conn.execute(insert(TE), [{"id": "f" * 32, "task_id": None, "start_at": now,
                                   "end_at": None, "tz": "UTC", "note": "", "source": "timer",
                                   "billable": False, "created_at": now, "updated_at": now,
                                   "deleted_at": None}])
    doc = _many(6000, start=100)
    doc["time_entries"] = [{"id": "e" * 32, "tz": "UTC", "start_at": "2026-11-28T08:00:00Z",
                            "created_at": "2026-11-28T08:00:00Z",
                            "updated_at": "2026-11-28T08:00:00Z"}]  # a second running timer
    with pytest.raises(ValidationError, match="conflicts with the stored data"):
        import_backup(services, _write(tmp_path, doc))
    assert _index_sql(services) == indexes
    assert len(services.tasks.reader.select()) == 10
