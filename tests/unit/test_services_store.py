"""open_store on bad files, a locked database, and upgrading a 0001 database with data in it."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from app import paths
from app.errors import StoreError, StoreTooNewError
from app.models.db import known_revisions, make_engine, migrate, open_store
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields


def _db(tmp_path: Path) -> Path:
    return tmp_path / "cadence.sqlite3"


def _files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


def test_known_revisions_end_at_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    script = ScriptDirectory.from_config(cfg)
    assert known_revisions()[-1] == script.get_current_head()
    assert known_revisions() == sorted(r.revision for r in script.walk_revisions())


def test_a_new_store_is_created_at_head(tmp_path: Path) -> None:
    store = open_store(_db(tmp_path))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                known_revisions()[-1])
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()
    assert not any(name.endswith(".bak") for name in _files(tmp_path))


def test_corrupt_file(tmp_path: Path) -> None:
    _db(tmp_path).write_bytes(b"SQLite format 2\x00" + b"\x13" * 4000)
    before = _db(tmp_path).read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        open_store(_db(tmp_path))
    assert _db(tmp_path).read_bytes() == before
    assert _files(tmp_path) == ["cadence.sqlite3"]


def test_sqlite_file_of_another_program(tmp_path: Path) -> None:
    con = sqlite3.connect(_db(tmp_path))
    con.execute("CREATE TABLE photos (path TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="is an SQLite file but not a Cadence database"):
        open_store(_db(tmp_path))


def test_database_from_a_newer_version_is_not_touched(tmp_path: Path) -> None:
    open_store(_db(tmp_path)).close()
    con = sqlite3.connect(_db(tmp_path))
    con.execute("UPDATE alembic_version SET version_num = '0999'")
    con.commit()
    con.close()
    before = _db(tmp_path).read_bytes()
    with pytest.raises(StoreTooNewError, match=r"newer Cadence \(schema 0999\).*not changed"):
        open_store(_db(tmp_path))
    assert _db(tmp_path).read_bytes() == before
    assert not any(name.endswith(".bak") for name in _files(tmp_path))


def test_a_locked_database_keeps_what_was_stored(services: Services) -> None:
    kept = services.tasks.create(TaskFields(title="Kept"))
    holder = sqlite3.connect(services.store.path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked by another program; nothing was saved"):
            services.tasks.create(TaskFields(title="Lost"))
    finally:
        holder.rollback()
        holder.close()
    assert [t.id for t in services.tasks.reader.select()] == [kept.id]
    assert services.history.undo_label() == "Add task"


STAMP = "2026-10-01T08:00:00.000000Z"
PROJECT, TAG, PARENT, CHILD = "a" * 32, "b" * 32, "c" * 32, "d" * 32


def _fill_0001(db: Path) -> None:
    """Rows written with raw SQL against the first schema, as an old Cadence would have."""
    engine = make_engine(db)
    migrate(engine, "0001")
    task_cols = ("id, ics_uid, project_id, parent_id, title, notes, status, priority, due_date, "
                 "due_at, due_tz, scheduled_date, estimate_minutes, recurrence, "
                 "recur_from_completion, position, completed_at, created_at, updated_at, "
                 "deleted_at")
    created = json.dumps({"id": CHILD, "title": "Child", "tags": []})
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, color, parent_id, position, archived, created_at, "
            f"updated_at, deleted_at) VALUES ('{PROJECT}', 'Home', '#5b8def', NULL, 1.0, 0, "
            f"'{STAMP}', '{STAMP}', NULL)"))
        conn.execute(text(
            "INSERT INTO tags (id, name, color, created_at, updated_at, deleted_at) VALUES "
            f"('{TAG}', 'bills', '#8a8f98', '{STAMP}', '{STAMP}', NULL)"))
        conn.execute(text(
            f"INSERT INTO tasks ({task_cols}) VALUES "
            f"('{PARENT}', 'p@x', '{PROJECT}', NULL, 'Pay rent', 'notes', 'todo', 1, "
            f"'2026-12-01', '2026-12-01T08:00:00.000000Z', 'Europe/Berlin', NULL, 15, "
            f"'FREQ=MONTHLY', 0, 1.0, NULL, '{STAMP}', '{STAMP}', NULL), "
            f"('{CHILD}', 'c@x', '{PROJECT}', '{PARENT}', 'Child', '', 'done', 4, NULL, NULL, "
            f"NULL, NULL, NULL, NULL, 0, 1.0, '{STAMP}', '{STAMP}', '{STAMP}', NULL)"))
        conn.execute(text(f"INSERT INTO task_tags (task_id, tag_id) VALUES ('{PARENT}', '{TAG}')"))
        conn.execute(text(
            "INSERT INTO saved_filters (id, name, query, position, created_at, updated_at, "
            f"deleted_at) VALUES ('{'e' * 32}', 'Urgent', 'p1', 1.0, '{STAMP}', '{STAMP}', NULL)"))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('theme', '\"dark\"')"))
        conn.execute(text(
            "INSERT INTO operations (id, label, origin, at, state, undone_by) VALUES "
            f"(1, 'Add task', 'user', '{STAMP}', 'done', NULL)"))
        conn.execute(text(
            "INSERT INTO changes (op_id, entity, entity_id, before, after) VALUES "
            "(1, 'task', :ident, NULL, :after)"), {"ident": CHILD, "after": created})
    engine.dispose()


def test_upgrade_from_0001_keeps_everything(tmp_path: Path, clock: Clock) -> None:
    db = _db(tmp_path)
    _fill_0001(db)
    store = open_store(db)
    head = known_revisions()[-1]
    assert head != "0001"
    bak = tmp_path / f"cadence.sqlite3.pre-{head}.bak"
    assert bak.exists()
    con = sqlite3.connect(bak)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert con.execute("SELECT count(*) FROM tasks").fetchone() == (2,)
    con.close()
    services = Services(store, clock)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        parent = services.tasks.get(PARENT)
        assert (parent.title, parent.notes, parent.project, parent.priority) == (
            "Pay rent", "notes", "Home", 1)
        assert parent.due_date == date(2026, 12, 1) and parent.due_tz == "Europe/Berlin"
        assert parent.due_local() is not None and parent.due_local().hour == 9  # type: ignore[union-attr]
        assert (parent.tags, parent.recurrence, parent.estimate_minutes) == (
            ("bills",), "FREQ=MONTHLY", 15)
        assert (parent.subtasks_total, parent.subtasks_done) == (1, 1)
        assert services.tasks.get(CHILD).status == "done"
        assert [f.query for f in services.filters.list()] == ["p1"]
        assert [p.name for p in services.projects.list()] == ["Home"]
        # The old change log still drives undo.
        assert services.history.undo() == "Add task"
        assert [t.id for t in services.tasks.reader.select()] == [PARENT]
        services.tasks.create(TaskFields(title="New after upgrade", tags=("bills",)))
    finally:
        services.close()
    # A second open finds the schema current: no new backup.
    open_store(db).close()
    assert sorted(n for n in _files(tmp_path) if n.endswith(".bak")) == [bak.name]
