"""What a database file's schema revision is, read with the standard library's sqlite3 only."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from app import paths
from app.errors import StoreError

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")

def known_revisions() -> list[str]:
    """Revision ids shipped with this build, oldest first (ids are zero-padded numbers)."""
    versions = paths.migrations_dir() / "versions"
    found = (_REVISION_FILE.match(p.name) for p in versions.iterdir())
    return sorted(m.group(1) for m in found if m)


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


def connect_read_only(db_path: Path) -> sqlite3.Connection:
    """A read-only connection (it cannot write, even by mistake); StoreError if it fails."""
    try:
        return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {db_path}: {describe_db_error(exc)}") from exc


def revision_on(con: sqlite3.Connection, db_path: Path) -> str | None:
    """The schema revision stored in an open database; None for an empty file."""
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


def stored_revision(db_path: Path) -> str | None:
    """Read alembic_version with plain sqlite3 (no Alembic import on the common path)."""
    con = connect_read_only(db_path)
    try:
        return revision_on(con, db_path)
    finally:
        con.close()
