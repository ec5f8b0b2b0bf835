"""Cheap 'did anyone write to the database?' checks: SQLite's PRAGMA data_version."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class DataVersionWatch:
    """Holds one private connection; ``changed()`` is true after another connection (this
    process's pool, the CLI, a sync) committed. A microsecond call: no table is read."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.db_path, timeout=1, check_same_thread=False)
        return self._conn

    def changed(self) -> bool:
        with self._lock:
            try:
                row = self._connection().execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                self.close()
                return True  # cannot tell: let the caller re-plan
            version = int(row[0])
            was, self._version = self._version, version
            return was is not None and was != version

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._version = None
