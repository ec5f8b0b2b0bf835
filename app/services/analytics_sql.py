"""The SQL behind the analytics: aggregation in SQLite, bulk columns handed over as numbers.

Row-by-row fetching of 100,000 time entries costs more in Python object creation than
SQLite spends finding them, so wide reads come back as ONE ``group_concat`` string of
integers (epoch seconds via ``unixepoch``, rowids, flags) parsed by numpy in C.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from app.models.base import to_utc_text
from app.services.analytics_time import Ints, OffsetPiece, local_date_sql
from app.services.time_rules import MAX_ENTRY

Params = dict[str, Any]


def int_matrix(conn: Connection, sql: str, params: Params, ncols: int) -> Ints:
    """Run a query whose single value is a comma-joined list of integers; (rows, ncols)."""
    blob = conn.exec_driver_sql(sql, params).scalar()
    if not blob:
        return np.zeros((0, ncols), dtype=np.int64)
    return np.fromstring(str(blob), dtype=np.int64, sep=",").reshape(-1, ncols)


@dataclass(frozen=True)
class TaskFilter:
    """A WHERE fragment on the tasks alias ``t`` plus its parameters (empty = no filter)."""

    sql: str
    params: Params
    project_ids: tuple[str, ...] = ()  # the chosen projects and all their subprojects
    tag_ids: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.sql)

    def where(self) -> str:
        return f" AND {self.sql}" if self.sql else ""


def project_subtrees(conn: Connection, roots: tuple[str, ...]) -> list[str]:
    """The given live projects and every live subproject beneath them."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for pid, parent in conn.exec_driver_sql(
        "SELECT id, parent_id FROM projects WHERE deleted_at IS NULL"
    ):
        children[parent].append(pid)
    found: list[str] = []
    todo = list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo.extend(children.get(pid, ()))
    return found


def task_filter(conn: Connection, project_ids: tuple[str, ...],
                tag_ids: tuple[str, ...]) -> TaskFilter:
    parts: list[str] = []
    params: Params = {}
    ids: list[str] = []
    if project_ids:
        ids = project_subtrees(conn, project_ids) or list(project_ids)
        names = [f"fp{i}" for i in range(len(ids))]
        params.update(zip(names, ids, strict=True))
        parts.append(f"t.project_id IN ({', '.join(':' + n for n in names)})")
    if tag_ids:
        names = [f"fg{i}" for i in range(len(tag_ids))]
        params.update(zip(names, tag_ids, strict=True))
        parts.append(
            "EXISTS (SELECT 1 FROM task_tags ftt WHERE ftt.task_id = t.id AND ftt.tag_id IN "
            f"({', '.join(':' + n for n in names)}))"
        )
    return TaskFilter(" AND ".join(parts), params, tuple(ids), tag_ids)


def utc(moment: datetime) -> str:
    return to_utc_text(moment)


# -- time entries ---------------------------------------------------------------------------

_TS = 27  # fixed-width UTC text: 2026-11-28T08:00:00.000000Z
_ID = 32  # task ids are 32 hex digits (new_id); padded so that every record has one width
_ENTRY = np.dtype([("start", f"S{_TS}"), ("end", f"S{_TS}"), ("task", f"S{_ID}")])
_TASK = np.dtype([("task", f"S{_ID}"), ("rowid", "S10"), ("project", "S10"), ("live", "S1")])
_PAD = " " * _ID


def epochs(stamps: npt.NDArray[np.bytes_]) -> Ints:
    """Fixed-width UTC texts to epoch seconds (numpy parses the first 19 characters)."""
    return stamps.astype("S19").astype("datetime64[s]").astype(np.int64)


@dataclass(frozen=True)
class EntryRows:
    starts: Ints
    ends: Ints
    tasks: npt.NDArray[np.bytes_]  # padded task ids (blank = no task)
    running: npt.NDArray[np.bool_]


def entries(conn: Connection, lo: datetime, hi: datetime, now: datetime,
            odd_ids: bool = False) -> EntryRows:
    """Live entries overlapping [lo, hi); the running one ends now.

    Closed entries come from one walk of the covering index (start_at, end_at, task_id):
    a closed entry lasts at most MAX_ENTRY, so the walk starts that far before the range
    and never reads a table row. The columns travel as one fixed-width text that numpy
    slices and parses in C (every per-row SQL function costs ~0.1 s per million rows, so
    task ids are padded only if some id is not 32 characters long: ``odd_ids``).
    """
    task = (f"substr(coalesce(e.task_id, '') || '{_PAD}', 1, {_ID})" if odd_ids
            else f"coalesce(e.task_id, '{_PAD}')")
    sql = f"""SELECT group_concat(e.start_at || e.end_at || {task}, '') FROM time_entries e
        WHERE e.deleted_at IS NULL AND e.end_at IS NOT NULL AND e.start_at >= :floor
          AND e.start_at < :hi AND e.end_at > :lo"""
    params = {"lo": utc(lo), "hi": utc(hi), "floor": utc(lo - MAX_ENTRY)}
    closed = str(conn.exec_driver_sql(sql, params).scalar() or "")
    # "+start_at" keeps the planner on the one-running-timer index.
    sql = f"""SELECT e.start_at || :now || {task} FROM time_entries e
        WHERE e.end_at IS NULL AND e.deleted_at IS NULL AND +e.start_at < :hi AND :now > :lo"""
    params = {"lo": utc(lo), "hi": utc(hi), "now": utc(now)}
    running = str(conn.exec_driver_sql(sql, params).scalar() or "")
    rec = np.frombuffer((closed + running).encode("ascii"), dtype=_ENTRY)
    flags = np.zeros(len(rec), dtype=bool)
    flags[len(closed) // _ENTRY.itemsize:] = True
    return EntryRows(epochs(rec["start"]), epochs(rec["end"]), rec["task"], flags)


_NIBBLE = np.full(256, 255, dtype=np.uint8)
for _value, _char in enumerate(b"0123456789abcdef"):
    _NIBBLE[_char] = _value


def hex_prefix(ids: npt.NDArray[np.bytes_]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """The first 16 hex digits of each 32-character id as one 64-bit number (and which
    ids are hex at all). Sorting and searching numbers is ~5x faster than 32-byte strings."""
    raw = np.frombuffer(ids.tobytes(), dtype=np.uint8).reshape(-1, _ID)[:, :16]
    nibbles = _NIBBLE[raw]
    value = np.zeros(len(ids), dtype=np.uint64)
    for column in range(16):
        value = (value << np.uint64(4)) | nibbles[:, column].astype(np.uint64)
    return value, (nibbles != 255).all(axis=1)


@dataclass(frozen=True)
class TaskIndex:
    """Every task sorted by id: its rowid, its project's rowid (0 = none) and liveness."""

    ids: npt.NDArray[np.bytes_]
    rowids: Ints
    projects: Ints
    live: npt.NDArray[np.bool_]
    odd_ids: bool  # some task id is not 32 characters long (not made by new_id)
    keys: npt.NDArray[np.uint64] | None = None  # hex prefixes, when unique and all hex

    def rowids_of(self, ids: npt.NDArray[np.bytes_]) -> Ints:
        """The rowid of each task id (0 for blank or unknown ids)."""
        if len(self.ids) == 0:
            return np.zeros(len(ids), dtype=np.int64)
        if self.keys is not None and len(ids):
            wanted, _ = hex_prefix(ids)
            pos = np.minimum(np.searchsorted(self.keys, wanted), len(self.ids) - 1)
        else:
            pos = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        # Comparing the whole id keeps the match exact whichever way it was found.
        return np.where(self.ids[pos] == ids, self.rowids[pos], 0)


def task_index(conn: Connection) -> TaskIndex:
    sql = f"""
        SELECT group_concat(substr(t.id || '{_PAD}', 1, {_ID}) ||
            printf('%010d%010d', t.rowid, coalesce(p.rowid, 0)) || (t.deleted_at IS NULL), '')
        FROM tasks t LEFT JOIN projects p ON p.id = t.project_id
    """
    blob = conn.exec_driver_sql(sql).scalar()
    rec = np.frombuffer(str(blob or "").encode("ascii"), dtype=_TASK)
    keys, hexed = hex_prefix(rec["task"])
    usable = bool(hexed.all()) and len(np.unique(keys)) == len(keys)
    rec = rec[np.argsort(keys if usable else rec["task"], kind="stable")]
    odd = conn.exec_driver_sql(f"SELECT 1 FROM tasks WHERE length(id) != {_ID} LIMIT 1")
    return TaskIndex(rec["task"], rec["rowid"].astype(np.int64),
                     rec["project"].astype(np.int64), rec["live"] == b"1",
                     odd.scalar() is not None, np.sort(keys) if usable else None)


@dataclass(frozen=True)
class EntryFlags:
    zones: list[str]  # zones other than the user's that entries in the range were made in
    meetings: Ints  # (start, end, task rowid) of entries tracked with source "meeting"


def entry_flags(conn: Connection, lo: datetime, hi: datetime, now: datetime,
                zone: str) -> EntryFlags:
    """The few entries that are unusual: tracked as a meeting, or made in another zone."""
    sql = """
        SELECT e.tz, group_concat(CASE WHEN e.source = 'meeting' THEN
            unixepoch(e.start_at) || ',' || unixepoch(coalesce(e.end_at, :now)) || ',' ||
            coalesce(t.rowid, 0) END, ',')
        FROM time_entries e LEFT JOIN tasks t ON t.id = e.task_id
        WHERE e.deleted_at IS NULL AND (e.start_at >= :floor OR e.end_at IS NULL)
          AND e.start_at < :hi AND coalesce(e.end_at, :now) > :lo
          AND (e.source = 'meeting' OR e.tz != :zone)
        GROUP BY e.tz ORDER BY e.tz
    """
    params = {"lo": utc(lo), "hi": utc(hi), "now": utc(now), "floor": utc(lo - MAX_ENTRY),
              "zone": zone}
    zones: list[str] = []
    blobs: list[str] = []
    for tz, blob in conn.exec_driver_sql(sql, params):
        if tz != zone:
            zones.append(str(tz))
        if blob:
            blobs.append(str(blob))
    joined = ",".join(blobs)
    rows = (np.fromstring(joined, dtype=np.int64, sep=",").reshape(-1, 3) if joined
            else np.zeros((0, 3), dtype=np.int64))
    return EntryFlags(zones, rows)


def tag_pairs(conn: Connection) -> Ints:
    """(task rowid, tag rowid) for every live tag on a task."""
    sql = """
        SELECT group_concat(t.rowid || ',' || g.rowid, ',')
        FROM task_tags tt JOIN tags g ON g.id = tt.tag_id JOIN tasks t ON t.id = tt.task_id
        WHERE g.deleted_at IS NULL
    """
    return int_matrix(conn, sql, {}, 2)


@dataclass(frozen=True)
class Named:
    rowid: int
    id: str
    name: str
    color: str


def projects(conn: Connection) -> dict[int, Named]:
    rows = conn.exec_driver_sql("SELECT rowid, id, name, color FROM projects")
    return {int(r): Named(int(r), i, n, c) for r, i, n, c in rows}


def tags(conn: Connection) -> dict[int, Named]:
    rows = conn.exec_driver_sql("SELECT rowid, id, name, color FROM tags WHERE deleted_at IS NULL")
    return {int(r): Named(int(r), i, n, c) for r, i, n, c in rows}


def task_titles(conn: Connection, rowids: list[int]) -> dict[int, tuple[str, str, str | None]]:
    """rowid -> (id, title, project id) for a few tasks."""
    if not rowids:
        return {}
    marks = ", ".join(str(int(r)) for r in rowids)
    rows = conn.exec_driver_sql(
        f"SELECT rowid, id, title, project_id FROM tasks WHERE rowid IN ({marks})"
    )
    return {int(r): (i, t, p) for r, i, t, p in rows}


# -- calendar ------------------------------------------------------------------------------

MEETING_COLUMNS = 3  # start, end (epoch seconds), floating (wall-clock read as UTC)


def meetings(conn: Connection, lo: int, hi: int, wall_lo: int, wall_hi: int) -> Ints:
    """Timed occurrences of live, visible, not-cancelled events overlapping the range.

    Zoned occurrences are compared in real epoch seconds [lo, hi); floating ones store
    their wall-clock time as if it were UTC, so they are compared in [wall_lo, wall_hi).
    The longest occurrence bounds how far back the start index must be walked.
    """
    longest = int(conn.exec_driver_sql("SELECT max(span) FROM occurrences").scalar() or 0)
    part = """SELECT o.start || ',' || o."end" || ',' || o.floating AS row
        FROM occurrences o JOIN events ev ON ev.id = o.event_id
        JOIN calendars c ON c.id = ev.calendar_id
        WHERE o.floating = {flag} AND o.start >= :{p}floor AND o.start < :{p}hi
          AND o."end" > :{p}lo AND o.all_day = 0 AND ev.deleted_at IS NULL
          AND ev.status != 'cancelled' AND c.deleted_at IS NULL AND c.visible = 1"""
    sql = (f"SELECT group_concat(row, ',') FROM ({part.format(flag=0, p='z')} "
           f"UNION ALL {part.format(flag=1, p='w')})")
    params = {"zfloor": lo - longest, "zlo": lo, "zhi": hi,
              "wfloor": wall_lo - longest, "wlo": wall_lo, "whi": wall_hi}
    return int_matrix(conn, sql, params, MEETING_COLUMNS)


# -- completed tasks ------------------------------------------------------------------------

def completions_by_day(conn: Connection, lo: datetime, hi: datetime, pieces: list[OffsetPiece],
                       flt: TaskFilter) -> dict[date, tuple[int, int]]:
    """Local day -> (tasks done that day, of which completed after their due)."""
    local = local_date_sql("t.completed_at", pieces)
    late = (
        "(t.due_at IS NOT NULL AND t.completed_at > t.due_at) OR "
        f"(t.due_at IS NULL AND t.due_date IS NOT NULL AND {local} > t.due_date)"
    )
    sql = f"""
        SELECT {local} AS day, count(*), sum({late})
        FROM tasks t
        WHERE t.status = 'done' AND t.deleted_at IS NULL
          AND t.completed_at >= :lo AND t.completed_at < :hi{flt.where()}
        GROUP BY day
    """
    params = {"lo": utc(lo), "hi": utc(hi), **flt.params}
    return {date.fromisoformat(d): (int(n), int(k or 0))
            for d, n, k in conn.exec_driver_sql(sql, params)}


def first_completion(conn: Connection, flt: TaskFilter) -> str | None:
    sql = f"""
        SELECT min(t.completed_at) FROM tasks t
        WHERE t.status = 'done' AND t.deleted_at IS NULL AND t.completed_at IS NOT NULL
          {flt.where()}
    """
    value = conn.exec_driver_sql(sql, dict(flt.params)).scalar()
    return None if value is None else str(value)


def count_completed(conn: Connection, lo: datetime, hi: datetime, flt: TaskFilter) -> int:
    sql = f"""
        SELECT count(*) FROM tasks t
        WHERE t.status = 'done' AND t.deleted_at IS NULL
          AND t.completed_at >= :lo AND t.completed_at < :hi{flt.where()}
    """
    return int(conn.exec_driver_sql(sql, {"lo": utc(lo), "hi": utc(hi), **flt.params}).scalar()
               or 0)


def overdue(conn: Connection, now: datetime, today: date, flt: TaskFilter) -> int:
    """Open tasks past due right now (the same rule as the Overdue view)."""
    sql = f"""
        SELECT count(*) FROM tasks t
        WHERE t.deleted_at IS NULL AND t.status IN ('todo', 'in_progress')
          AND ((t.due_at IS NULL AND t.due_date < :today) OR t.due_at < :now){flt.where()}
    """
    params = {"today": today.isoformat(), "now": utc(now), **flt.params}
    return int(conn.exec_driver_sql(sql, params).scalar() or 0)


# task rowid, estimate seconds (-1 = none), seconds tracked in entries starting outside [lo, hi)
ESTIMATE_COLUMNS = 3


def estimates(conn: Connection, lo: datetime, hi: datetime, now: datetime,
              flt: TaskFilter) -> Ints:
    """Tasks completed in [lo, hi) with their estimate and the time tracked on them in
    entries that start before or after the range; the caller adds the entries starting
    inside it (already read for the range), so each entry is read once."""
    sql = f"""
        SELECT group_concat(t.rowid || ',' || coalesce(t.estimate_minutes * 60, -1) || ',' || (
            SELECT coalesce(sum(unixepoch(coalesce(e.end_at, :now)) - unixepoch(e.start_at)), 0)
            FROM time_entries e WHERE e.task_id = t.id
              AND (e.start_at < :lo OR e.start_at >= :hi) AND e.deleted_at IS NULL), ',')
        FROM tasks t
        WHERE t.status = 'done' AND t.deleted_at IS NULL
          AND t.completed_at >= :lo AND t.completed_at < :hi{flt.where()}
    """
    params = {"lo": utc(lo), "hi": utc(hi), "now": utc(now), **flt.params}
    return int_matrix(conn, sql, params, ESTIMATE_COLUMNS)


# -- change detection -----------------------------------------------------------------------

def data_stamp(conn: Connection) -> tuple[object, ...]:
    """Cheap (index-only) values that change whenever anything the figures read changes.

    Every edit made through a unit of work adds an operation; inserts that bypass it (bulk
    imports, derived occurrences) still raise a max(rowid); settings are read whole.
    """
    row = conn.exec_driver_sql("""
        SELECT (SELECT max(id) FROM operations), (SELECT max(updated_at) FROM tasks),
               (SELECT max(rowid) FROM time_entries), (SELECT max(rowid) FROM events),
               (SELECT max(id) FROM occurrences), (SELECT max(rowid) FROM task_tags),
               (SELECT max(updated_at) FROM projects),
               (SELECT count(*) FROM time_entries WHERE end_at IS NULL AND deleted_at IS NULL),
               (SELECT group_concat(key || '=' || value) FROM settings
                WHERE key LIKE 'analytics.%')
    """).one()
    return tuple(row)


# -- settings -------------------------------------------------------------------------------

def settings(conn: Connection, keys: tuple[str, ...]) -> dict[str, str]:
    marks = ", ".join(f":k{i}" for i in range(len(keys)))
    rows = conn.exec_driver_sql(
        f"SELECT key, value FROM settings WHERE key IN ({marks})",
        {f"k{i}": k for i, k in enumerate(keys)},
    )
    return {str(k): str(v) for k, v in rows}
