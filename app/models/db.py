"""Opening the SQLite store: pragmas, cheap schema check, migrations, error translation."""

from __future__ import annotations

import re
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

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def known_revisions() -> list[str]:
    """Revision ids shipped with this build, oldest first (ids are zero-padded numbers)."""
    versions = paths.migrations_dir() / "versions"
    found = (_REVISION_FILE.match(p.name) for p in versions.iterdir())
    return sorted(m.group(1) for m in found if m)


def head_revision() -> str:
    return known_revisions()[-1]


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def describe_db_error(exc: BaseException) -> str:
    """Turn a sqlite3/SQLAlchemy error into one sentence a user can act on."""
    msg = str(getattr(exc, "orig", exc)).lower()
    if "disk is full" in msg or "disk i/o" in msg:
        return "The disk is full or failing; nothing was saved. Free some space and try again."
    if "locked" in msg or "busy" in msg:
        return "The database is locked by another program; nothing was saved. Try again."
    if "readonly" in msg or "read-only" in msg:
        return "The database file is read-only; nothing was saved."
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return "The database file is damaged (not a valid SQLite file)."
    return f"Database error: {getattr(exc, 'orig', exc)}"


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


def _stored_revision(db_path: Path) -> str | None:
    """Read alembic_version with plain sqlite3 (no Alembic import on the common path)."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {db_path}: {describe_db_error(exc)}") from exc
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreError(f"{db_path} is an SQLite file but not a Cadence database.")
            return None
        ver = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if ver is None else str(ver[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"Cannot read {db_path}: {describe_db_error(exc)}") from exc
    finally:
        con.close()


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
    current = _stored_revision(db_path) if exists else None
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
