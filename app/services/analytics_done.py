"""Completed tasks for the analytics: per local day (and late), estimates and their actuals.

One walk of the completion index reads every task done in the range and the four weeks
before it; the local day of each completion is found in numpy on the DST-aware grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from app.services.analytics_filter import TaskFilter
from app.services.analytics_sql import (
    ENTRY,
    ID,
    TS,
    TaskIndex,
    Texts,
    epochs,
    ints,
    padded,
    records,
    utc,
)
from app.services.analytics_time import Ints, LocalGrid

# "+t.status" keeps the planner off the (status, position) index, which would walk every
# task ever done; the completion index walks just the range.
_DONE = "+t.status = 'done' AND t.deleted_at IS NULL"
_NO_DATE = " " * 10
# 0/1: completed after its due instant; 2: no due time (compare the local day with due_date)
_LATE = "CASE WHEN t.due_at IS NULL THEN 2 ELSE t.completed_at > t.due_at END"
_RECORD = np.dtype([("done", f"S{TS}"), ("task", f"S{ID}"), ("late", "S1"), ("due", "S10")])


@dataclass(frozen=True)
class Done:
    """Tasks completed within a grid: local day index, lateness, id and estimate."""

    day: Ints  # index into the grid's days
    late: npt.NDArray[np.bool_]
    tasks: Texts  # padded ids
    estimates: Ints  # seconds, -1 = no estimate

    def per_day(self, ndays: int) -> tuple[Ints, Ints]:
        """(completions, late completions) on each day of the grid."""
        return (np.bincount(self.day, minlength=ndays),
                np.bincount(self.day[self.late], minlength=ndays))


def completed(conn: Connection, grid: LocalGrid, flt: TaskFilter, odd: bool) -> Done:
    """Every live task completed within the grid's days (and passing the filter)."""
    if not grid.days:
        nothing = np.zeros(0, dtype=np.int64)
        return Done(nothing, np.zeros(0, dtype=bool), np.zeros(0, dtype=f"S{ID}"), nothing)
    sql = f"""
        SELECT CAST(group_concat(t.completed_at || {padded('t.id', odd)} || {_LATE}
                                 || coalesce(t.due_date, '{_NO_DATE}'), '') AS BLOB),
               group_concat(coalesce(t.estimate_minutes * 60, -1), ',')
        FROM tasks t
        WHERE {_DONE} AND t.completed_at >= :lo AND t.completed_at < :hi{flt.where()}
    """
    lo, hi = (datetime.fromtimestamp(v, tz=grid.zone) for v in (grid.start, grid.end))
    blob, estimates = conn.exec_driver_sql(
        sql, {"lo": utc(lo), "hi": utc(hi), **flt.params}).one()
    rec = records(blob, _RECORD)
    day = grid.days_of(epochs(rec["done"]))
    late = rec["late"] == b"1"
    by_date = (rec["late"] == b"2") & (rec["due"] != _NO_DATE.encode())
    if by_date.any():  # done on a later local day than the due date
        first = (grid.days[0] - date(1970, 1, 1)).days
        due = rec["due"][by_date].astype("datetime64[D]").astype(np.int64)
        late[by_date] = first + day[by_date] > due
    return Done(day, late, rec["task"], ints(estimates))


def outside_time(conn: Connection, lo: datetime, hi: datetime, now: datetime,
                 flt: TaskFilter, numbers: Ints, index: TaskIndex) -> Ints:
    """Per task number: seconds tracked on the tasks ``numbers`` (those completed in
    [lo, hi)) in entries that start before or after it. The caller adds the entries that
    start inside, which it has read already, so each entry is read once.

    Two plans, chosen by size: walk the entries outside the range once and join them to
    the tasks in numpy (cheap while they are few, as for a long range reaching back to the
    first entry), or seek each task's entries before and after the range.
    """
    params = {"lo": utc(lo), "hi": utc(hi), "now": utc(now), **flt.params}
    out = np.zeros(index.size, dtype=np.int64)
    if len(numbers) == 0:
        return out
    cap = 8 * len(numbers) + 64
    ranges = ("e.start_at < :lo", "e.start_at >= :hi")  # two ranges of the start index
    count = sum(int(conn.exec_driver_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM time_entries e WHERE e.deleted_at IS NULL "
        f"AND {r} LIMIT {cap})", params).scalar() or 0) for r in ranges)
    odd = index.odd_ids
    if count < cap:
        walk = " UNION ALL ".join(
            f"SELECT e.start_at || coalesce(e.end_at, :now) || {padded('e.task_id', odd)} "
            f"AS rec FROM time_entries e WHERE e.deleted_at IS NULL "
            f"AND e.task_id IS NOT NULL AND {r}" for r in ranges)
        rec = records(conn.exec_driver_sql(
            f"SELECT group_concat(rec, '') FROM ({walk})", params).scalar(), ENTRY)
        task = index.rowids_of(rec["task"])
        wanted = np.zeros(index.size, dtype=bool)
        wanted[numbers] = True
        keep = wanted[task]
        np.add.at(out, task[keep], (epochs(rec["end"]) - epochs(rec["start"]))[keep])
        return out
    seconds = "unixepoch(coalesce(e.end_at, :now)) - unixepoch(e.start_at)"
    per_task = "(SELECT coalesce(sum({s}), 0) FROM time_entries e WHERE e.task_id = t.id " \
               "AND e.deleted_at IS NULL AND e.start_at {op})"
    inner = f"""SELECT {padded('t.id', odd)} AS task,
            {per_task.format(s=seconds, op='< :lo')} +
            {per_task.format(s=seconds, op='>= :hi')} AS s
        FROM tasks t WHERE {_DONE} AND t.completed_at >= :lo
          AND t.completed_at < :hi{flt.where()}"""
    blob, sums = conn.exec_driver_sql(
        f"SELECT group_concat(task, ''), group_concat(s, ',') FROM ({inner}) WHERE s != 0",
        params).one()
    rec = records(blob, np.dtype([("task", f"S{ID}")]))
    np.add.at(out, index.rowids_of(rec["task"]), ints(sums))
    return out


def first_completion(conn: Connection, flt: TaskFilter) -> str | None:
    sql = f"""
        SELECT t.completed_at FROM tasks t
        WHERE {_DONE} AND t.completed_at IS NOT NULL{flt.where()}
        ORDER BY t.completed_at LIMIT 1
    """
    value = conn.exec_driver_sql(sql, dict(flt.params)).scalar()
    return None if value is None else str(value)


def count_completed(conn: Connection, lo: datetime, hi: datetime, flt: TaskFilter) -> int:
    sql = f"""
        SELECT count(*) FROM tasks t
        WHERE {_DONE} AND t.completed_at >= :lo AND t.completed_at < :hi{flt.where()}
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
