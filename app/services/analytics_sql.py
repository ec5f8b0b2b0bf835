"""The SQL behind the analytics: aggregation in SQLite, bulk columns handed over as numbers.

Row-by-row fetching of 100,000 time entries costs more in Python object creation than
SQLite spends finding them, so wide reads come back as ONE ``group_concat`` string of
fixed-width records (UTC texts, 32-character ids, flags) that numpy slices and parses in C.
Every per-row SQL function costs ~0.1 s per million rows, and so does every lookup of a
task or project by its text id: those joins are done in numpy on sorted 64-bit id keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from app.models.base import to_utc_text
from app.services.analytics_time import Ints
from app.services.time_rules import MAX_ENTRY

Params = dict[str, Any]
Texts = npt.NDArray[np.bytes_]


def int_matrix(conn: Connection, sql: str, params: Params, ncols: int) -> Ints:
    """Run a query whose single value is a comma-joined list of integers; (rows, ncols)."""
    blob = conn.exec_driver_sql(sql, params).scalar()
    return ints(blob).reshape(-1, ncols)


def ints(blob: object) -> Ints:
    """A comma-joined text of integers (or None) as an array."""
    if not blob:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(str(blob), dtype=np.int64, sep=",")


def records(blob: object, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    """A group_concat of fixed-width ASCII records as a numpy record array (a query
    casting it AS BLOB hands over bytes, sparing a decode and an encode of megabytes)."""
    data = blob if isinstance(blob, bytes) else str(blob or "").encode("ascii")
    return np.frombuffer(data, dtype=dtype)


def utc(moment: datetime) -> str:
    return to_utc_text(moment)


# -- fixed-width columns --------------------------------------------------------------------

TS = 27  # fixed-width UTC text: 2026-11-28T08:00:00.000000Z
ID = 32  # ids are 32 hex digits (new_id); padded so that every record has one width
PAD = " " * ID


def padded(column: str, odd: bool) -> str:
    """SQL for an id column as exactly 32 characters (blank when NULL).

    Padding costs a function call per row, so it is only done when some id in the
    database is not 32 characters long (``odd``, see ``odd_ids``).
    """
    return f"substr(coalesce({column}, '') || '{PAD}', 1, {ID})" if odd \
        else f"coalesce({column}, '{PAD}')"


def odd_ids(conn: Connection) -> bool:
    """Some task, project or tag id is not 32 characters long (not made by new_id)."""
    sql = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE length(id) != {ID})"
                      for table in ("tasks", "projects", "tags"))
    return bool(conn.exec_driver_sql(f"SELECT {sql}").scalar())


def epochs(stamps: Texts) -> Ints:
    """Fixed-width UTC texts to epoch seconds (numpy parses the first 19 characters)."""
    return stamps.astype("S19").astype("datetime64[s]").astype(np.int64)


# Two hex digits (as one little-endian 16-bit number) -> their byte; 0xFFFF: not hex.
_PAIRS = np.full(1 << 16, 0xFFFF, dtype=np.uint16)
for _hi, _a in enumerate(b"0123456789abcdef"):
    for _lo, _b in enumerate(b"0123456789abcdef"):
        _PAIRS[_a | (_b << 8)] = _hi * 16 + _lo


def hex_prefix(ids: Texts) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """The first 16 hex digits of each 32-character id as one 64-bit number (and which
    ids are hex at all). Sorting and searching numbers is ~5x faster than 32-byte strings."""
    raw = np.frombuffer(ids.tobytes(), dtype=np.uint8).reshape(-1, ID)[:, :16]
    pairs = _PAIRS[np.ascontiguousarray(raw).view("<u2")]  # (n, 8) bytes, or 0xFFFF
    hexed = (pairs != 0xFFFF).all(axis=1)
    value = np.ascontiguousarray(pairs.astype(np.uint8)).view(">u8").reshape(-1)
    return value.astype(np.uint64), hexed


@dataclass(frozen=True)
class TaskIndex:
    """Every task sorted by id: its number, its project's rowid (0 = none) and liveness.

    A task's number is a small dense integer (1..n; 0 = no task) used to index arrays.
    """

    ids: Texts
    rowids: Ints
    projects: Ints
    live: npt.NDArray[np.bool_]
    odd_ids: bool  # some id is not 32 characters long (not made by new_id)
    keys: npt.NDArray[np.uint64] | None = None  # hex prefixes, when unique and all hex

    @property
    def size(self) -> int:
        """One more than the largest task number (arrays indexed by it are this long)."""
        return int(self.rowids.max(initial=0)) + 1

    def rowids_of(self, ids: Texts) -> Ints:
        """The number of each task id (0 for blank or unknown ids)."""
        if len(self.ids) == 0 or len(ids) == 0:
            return np.zeros(len(ids), dtype=np.int64)
        if self.keys is not None:
            # Searching the distinct keys in order is ~3x faster than 100,000 in random order.
            wanted, inverse = np.unique(hex_prefix(ids)[0], return_inverse=True)
            pos = np.minimum(np.searchsorted(self.keys, wanted), len(self.ids) - 1)[inverse]
        else:
            pos = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        # Comparing the whole id keeps the match exact whichever way it was found.
        return np.where(self.ids[pos] == ids, self.rowids[pos], 0)

    def ids_of(self, numbers: list[int]) -> list[str]:
        """The ids of a few task numbers (all known)."""
        return [self.ids[int(np.flatnonzero(self.rowids == n)[0])].decode("ascii").rstrip()
                for n in numbers]


def _ids_to_rowids(texts: Texts, named: dict[int, Named]) -> Ints:
    """Each padded id's rowid among the (few) ``named`` (0 when blank or not there)."""
    if len(texts) == 0 or not named:
        return np.zeros(len(texts), dtype=np.int64)
    pairs = sorted((n.id.encode("ascii")[:ID].ljust(ID), rowid) for rowid, n in named.items())
    ids = np.array([i for i, _ in pairs], dtype=f"S{ID}")
    rowids = np.array([r for _, r in pairs], dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, texts), len(ids) - 1)
    return np.where(ids[pos] == texts, rowids[pos], 0)


def task_index(conn: Connection, projects: dict[int, Named], odd: bool) -> TaskIndex:
    """Every task (deleted ones too: their entries must be recognised and left out)."""
    sql = f"""SELECT CAST(group_concat({padded('t.id', odd)} || {padded('t.project_id', odd)}
              || (t.deleted_at IS NULL), '') AS BLOB) FROM tasks t"""
    rec = records(conn.exec_driver_sql(sql).scalar(),
                  np.dtype([("task", f"S{ID}"), ("project", f"S{ID}"), ("live", "S1")]))
    keys, hexed = hex_prefix(rec["task"])
    usable = bool(hexed.all()) and len(np.unique(keys)) == len(keys)
    order = np.argsort(keys if usable else rec["task"], kind="stable")
    rec = rec[order]
    return TaskIndex(rec["task"], np.arange(1, len(rec) + 1, dtype=np.int64),
                     _ids_to_rowids(rec["project"], projects), rec["live"] == b"1",
                     odd, keys[order] if usable else None)


def tag_pairs(conn: Connection, index: TaskIndex, tags: dict[int, Named]) -> Ints:
    """(task number, tag rowid) for every live tag on a task."""
    odd = index.odd_ids
    sql = f"SELECT CAST(group_concat({padded('tt.task_id', odd)} || {padded('tt.tag_id', odd)}, " \
          "'') AS BLOB) FROM task_tags tt"
    rec = records(conn.exec_driver_sql(sql).scalar(),
                  np.dtype([("task", f"S{ID}"), ("tag", f"S{ID}")]))
    pairs: Ints = np.stack([index.rowids_of(rec["task"]), _ids_to_rowids(rec["tag"], tags)],
                           axis=1)
    known: Ints = pairs[(pairs[:, 0] != 0) & (pairs[:, 1] != 0)]
    return known.reshape(-1, 2)


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


def task_titles(conn: Connection, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """id -> (title, project id) for a few tasks."""
    if not ids:
        return {}
    marks = ", ".join(f":i{k}" for k in range(len(ids)))
    rows = conn.exec_driver_sql(
        f"SELECT id, title, project_id FROM tasks WHERE id IN ({marks})",
        {f"i{k}": ident for k, ident in enumerate(ids)},
    )
    return {str(i): (str(t), p) for i, t, p in rows}


# -- time entries ---------------------------------------------------------------------------

ENTRY = np.dtype([("start", f"S{TS}"), ("end", f"S{TS}"), ("task", f"S{ID}")])
# The running timer, found through its one-row unique index on (end_at IS NULL): the
# expression term leads the planner there ("+start_at" keeps it off the start index).
_RUNNING = "(e.end_at IS NULL) = 1 AND e.end_at IS NULL AND e.deleted_at IS NULL"


@dataclass(frozen=True)
class EntryRows:
    starts: Ints
    ends: Ints
    tasks: Texts  # padded task ids (blank = no task)
    running: npt.NDArray[np.bool_]


def entries(conn: Connection, lo: datetime, hi: datetime, now: datetime,
            odd_ids: bool = False) -> EntryRows:
    """Live entries overlapping [lo, hi); the running one ends now.

    Closed entries come from one walk of the covering index (start_at, end_at, task_id):
    a closed entry lasts at most MAX_ENTRY, so the walk starts that far before the range
    and never reads a table row.
    """
    task = padded("e.task_id", odd_ids)
    sql = f"""SELECT CAST(group_concat(e.start_at || e.end_at || {task}, '') AS BLOB)
        FROM time_entries e
        WHERE e.deleted_at IS NULL AND e.end_at IS NOT NULL AND e.start_at >= :floor
          AND e.start_at < :hi AND e.end_at > :lo"""
    params = {"lo": utc(lo), "hi": utc(hi), "floor": utc(lo - MAX_ENTRY)}
    closed = bytes(conn.exec_driver_sql(sql, params).scalar() or b"")
    sql = f"""SELECT e.start_at || :now || {task} FROM time_entries e
        WHERE {_RUNNING} AND +e.start_at < :hi AND :now > :lo"""
    params = {"lo": utc(lo), "hi": utc(hi), "now": utc(now)}
    running = str(conn.exec_driver_sql(sql, params).scalar() or "").encode("ascii")
    rec = records(closed + running, ENTRY)
    flags = np.zeros(len(rec), dtype=bool)
    flags[len(closed) // ENTRY.itemsize:] = True
    return EntryRows(epochs(rec["start"]), epochs(rec["end"]), rec["task"], flags)


@dataclass(frozen=True)
class EntryFlags:
    zones: list[str]  # zones other than the user's that entries in the range were made in
    meetings: EntryRows  # entries tracked with source "meeting"


def entry_flags(conn: Connection, lo: datetime, hi: datetime, now: datetime,
                zone: str, odd_ids: bool = False) -> EntryFlags:
    """The few entries that are unusual: tracked as a meeting, or made in another zone.

    Each branch is a range on the (tz, source, start_at) index of migration 0005, so only
    those rows are read: not every entry of the range ("+" keeps the planner off the
    start index for the other-zone branches).
    """
    cols = f"""e.tz, e.source, e.start_at || coalesce(e.end_at, :now) ||
        {padded('e.task_id', odd_ids)} AS rec"""
    closed = "e.deleted_at IS NULL AND e.end_at IS NOT NULL AND e.end_at > :lo"
    sql = f"""
        SELECT tz, group_concat(CASE WHEN source = 'meeting' THEN rec END, '') FROM (
            SELECT {cols} FROM time_entries e WHERE e.tz < :zone
              AND +e.start_at >= :floor AND +e.start_at < :hi AND {closed}
            UNION ALL
            SELECT {cols} FROM time_entries e WHERE e.tz > :zone
              AND +e.start_at >= :floor AND +e.start_at < :hi AND {closed}
            UNION ALL
            SELECT {cols} FROM time_entries e WHERE e.tz = :zone AND e.source = 'meeting'
              AND e.start_at >= :floor AND e.start_at < :hi AND {closed}
            UNION ALL
            SELECT {cols} FROM time_entries e WHERE {_RUNNING} AND +e.start_at < :hi
              AND :now > :lo AND (e.tz != :zone OR e.source = 'meeting')
        ) GROUP BY tz ORDER BY tz
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
    rec = records("".join(blobs), ENTRY)
    meetings = EntryRows(epochs(rec["start"]), epochs(rec["end"]), rec["task"],
                         np.zeros(len(rec), dtype=bool))
    return EntryFlags(zones, meetings)


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


# -- change detection -----------------------------------------------------------------------

def data_stamp(conn: Connection) -> tuple[object, ...]:
    """Cheap (index-only) values that change whenever anything the figures read changes.

    Every edit made through a unit of work adds an operation; inserts that bypass it (bulk
    imports, derived occurrences) still raise a max(rowid); settings are read whole.
    """
    row = conn.exec_driver_sql(f"""
        SELECT (SELECT max(id) FROM operations), (SELECT max(updated_at) FROM tasks),
               (SELECT max(rowid) FROM time_entries), (SELECT max(rowid) FROM events),
               (SELECT max(id) FROM occurrences), (SELECT max(rowid) FROM task_tags),
               (SELECT max(updated_at) FROM projects),
               (SELECT count(*) FROM time_entries e WHERE {_RUNNING}),
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
