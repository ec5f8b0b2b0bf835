"""Opening the SQLite store: pragmas, cheap schema check, migrations, error translation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.errors import StoreError, StoreTooNewError
from app.models.schema import describe_db_error, known_revisions, stored_revision


def head_revision() -> str:
    return known_revisions()[-1]


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


@contextmanager
def translated_errors() -> Iterator[None]:
    """Re-raise database failures a user can act on as StoreError."""
    try:
        yield
    except (sqlite3.DatabaseError, DBAPIError) as exc:
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.IntegrityError):
            raise
        raise StoreError(describe_db_error(exc)) from exc


def backup_file(db_path: Path, suffix: str) -> Path:
    """Copy the database aside through SQLite's backup API (consistent even in WAL mode)."""
    target = db_path.with_name(f"{db_path.name}.{suffix}.bak")
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run Alembic in-process on the engine (imported lazily: it costs ~0.5 s)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass
class Store:
    """An open Cadence database: the engine and a session factory (one session per operation)."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        # Refresh the query planner's statistics (SQLite's advice for long-lived apps;
        # sampled, ~2 ms at 100k tasks). Without them a tag view scans every task.
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit=400")
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        except DBAPIError:
            pass  # a read-only or locked file: the statistics simply stay as they were
        self.engine.dispose()


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 5})
    event.listen(engine, "connect", _set_pragmas)
    return engine


def open_store(db_path: Path, *, upgrade: bool = True) -> Store:
    """Open (creating if needed) the database, migrating it first if its schema is behind."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    exists = db_path.exists() and db_path.stat().st_size > 0
    current = stored_revision(db_path) if exists else None
    known = known_revisions()
    if current is not None and current not in known:
        raise StoreTooNewError(
            f"{db_path} was written by a newer Cadence (schema {current}); "
            "please update Cadence. The file was not changed."
        )
    engine = make_engine(db_path)
    if upgrade and current != known[-1]:
        if current is not None:
            backup_file(db_path, f"pre-{known[-1]}")
        with translated_errors():
            migrate(engine)
    return Store(path=db_path, engine=engine)
