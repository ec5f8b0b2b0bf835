"""Schema 0003 upgrades a 0002 store in place (tasks kept) and downgrades cleanly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.models.db import make_engine, migrate


def tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_upgrade_from_0002_keeps_data_and_downgrade_removes_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "cadence.sqlite3"
    engine = make_engine(path)
    migrate(engine, "0002")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO tasks (id, ics_uid, title, notes, status, priority, position, "
            "recur_from_completion, created_at, updated_at) VALUES ('t1', 't1@cadence', "
            "'Kept', '', 'todo', 4, 1.0, 0, '2026-11-28T10:00:00.000000Z', "
            "'2026-11-28T10:00:00.000000Z')")
    engine.dispose()
    assert "events" not in tables(path)
    engine = make_engine(path)
    migrate(engine, "0003")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "0003")
        assert conn.exec_driver_sql("SELECT title FROM tasks").scalar() == "Kept"
    engine.dispose()
    assert {"calendars", "events", "occurrences"} <= tables(path)
    engine = make_engine(path)
    migrate_down = __import__("alembic.command", fromlist=["downgrade"]).downgrade
    from alembic.config import Config

    from app import paths

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        migrate_down(cfg, "0002")
    engine.dispose()
    assert not {"calendars", "events", "occurrences"} & tables(path)
