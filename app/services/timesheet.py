"""Timesheet reads and reports: entries of a day or week with totals, and SQL-side aggregates.

Every range is a span of local days in the clock's zone, turned into UTC instants (a DST
day is 23 or 25 hours long). An entry is clipped to the range and, for per-day totals,
split at local midnight. Closed entries are at most ``MAX_ENTRY`` long, so the range scan
on the covering index starts that far before the range instead of at the beginning.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.models import Project, Tag, Task, TaskTag, TimeEntry
from app.models.base import to_utc_text
from app.models.db import Store
from app.services.clock import Clock
from app.services.time_dto import (
    NO_PROJECT,
    NO_TASK,
    TaskTime,
    TimeEntryDTO,
    Timesheet,
    Total,
    entry_from_row,
    entry_select,
)
from app.services.time_rules import MAX_ENTRY, day_start, split_by_day
from app.services.uow import read

REPORT_KEYS = ("project", "tag", "task", "day")
UNTAGGED = "(untagged)"
MAX_REPORT_DAYS = 36_600  # a sanity bound (a mistyped year), not a feature limit


def range_bounds(first: date, last: date, clock: Clock) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at ``first`` and after ``last`` (inclusive days)."""
    if last < first:
        raise ValidationError(f"The range ends ({last}) before it starts ({first}).")
    if (last - first).days > MAX_REPORT_DAYS:
        raise ValidationError("A range can span at most a hundred years.")
    return day_start(first, clock.zone), day_start(last + timedelta(days=1), clock.zone)


def _in_range(session: Session, lo: datetime, hi: datetime) -> ColumnElement[bool]:
    """Live entries sharing any time with [lo, hi), found by a bounded index range scan."""
    running_start = session.scalar(
        select(TimeEntry.start_at).where(TimeEntry.end_at.is_(None),
                                         TimeEntry.deleted_at.is_(None))
    )
    floor = lo - MAX_ENTRY
    if running_start is not None and running_start < floor:
        floor = running_start  # a timer left running for weeks: look back to its start
    return and_(
        TimeEntry.deleted_at.is_(None),
        TimeEntry.start_at >= floor,
        TimeEntry.start_at < hi,
        or_(TimeEntry.end_at.is_(None), TimeEntry.end_at > lo),
    )


def _clipped_seconds(lo: datetime, hi: datetime, now: datetime) -> ColumnElement[Any]:
    """SQL: whole seconds of an entry inside [lo, hi) (a running entry counts up to now)."""
    end = func.min(func.coalesce(TimeEntry.end_at, literal(to_utc_text(now))),
                   literal(to_utc_text(hi)))
    start = func.max(TimeEntry.start_at, literal(to_utc_text(lo)))
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0)


class TimesheetService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def first_day(self) -> date | None:
        """The local day of the earliest live entry (None when nothing was tracked)."""
        with read(self.store) as s:
            first = s.scalar(select(func.min(TimeEntry.start_at))
                             .where(TimeEntry.deleted_at.is_(None)))
        return None if first is None else first.astimezone(self.clock.zone).date()

    def entries(self, first: date, last: date) -> list[TimeEntryDTO]:
        """Entries touching the local days first..last, oldest first."""
        lo, hi = range_bounds(first, last, self.clock)
        with read(self.store) as s:
            rows = s.execute(entry_select().where(_in_range(s, lo, hi))
                             .order_by(TimeEntry.start_at)).all()
        return [entry_from_row(r) for r in rows]

    def week_of(self, day: date) -> Timesheet:
        """The Monday-to-Sunday week holding ``day``."""
        monday = day - timedelta(days=day.weekday())
        return self.sheet(monday, 7)

    def sheet(self, first: date, days: int = 1) -> Timesheet:
        last = first + timedelta(days=days - 1)
        lo, hi = range_bounds(first, last, self.clock)
        now = self.clock.now()
        zone = self.clock.zone
        with read(self.store) as s:
            rows = s.execute(entry_select().where(_in_range(s, lo, hi))
                             .order_by(TimeEntry.start_at)).all()
            entries = [entry_from_row(r) for r in rows]
            task_ids = sorted({e.task_id for e in entries if e.task_id})
            tags = tags_of(s, task_ids)
            estimates, actuals = _task_totals(s, task_ids, now)
        by_day: dict[date, int] = {first + timedelta(days=i): 0 for i in range(days)}
        by_task: dict[str | None, int] = defaultdict(int)
        by_project: dict[str, int] = defaultdict(int)
        by_tag: dict[str, int] = defaultdict(int)
        for e in entries:
            start, end = max(e.start, lo), min(e.end or now, hi)
            if end <= start:
                continue
            for day, seconds in split_by_day(start, end, zone):
                if day in by_day:
                    by_day[day] += seconds
            seconds = int((end - start).total_seconds())
            by_task[e.task_id] += seconds
            by_project[e.project or NO_PROJECT] += seconds
            for tag in tags.get(e.task_id or "", [UNTAGGED]):
                by_tag[tag] += seconds
        titles = {e.task_id: (e.task_title, e.project) for e in entries}
        task_rows = [
            TaskTime(tid, titles[tid][0], titles[tid][1], sec,
                     estimates.get(tid or ""), actuals.get(tid or "", sec))
            for tid, sec in by_task.items()
        ]
        task_rows.sort(key=lambda t: (-t.seconds, t.title.lower()))
        return Timesheet(
            first_day=first,
            days=tuple(by_day),
            zone=self.clock.zone_key(),
            entries=tuple(entries),
            by_day=tuple(Total(d.isoformat(), n) for d, n in by_day.items()),
            by_task=tuple(task_rows),
            by_project=_sorted_totals(by_project),
            by_tag=_sorted_totals(by_tag),
            total=sum(by_day.values()),
        )

    def report(self, first: date, last: date, by: str) -> list[Total]:
        """Tracked seconds per project, tag, task or local day, largest first (days in order).

        Entries are clipped to the range; an entry counts once under each of its task's tags.
        """
        if by not in REPORT_KEYS:
            raise ValidationError(f"Unknown report grouping {by!r}; use {', '.join(REPORT_KEYS)}.")
        lo, hi = range_bounds(first, last, self.clock)
        now = self.clock.now()
        if by == "day":
            return self._report_days(first, last, lo, hi, now)
        seconds = func.sum(_clipped_seconds(lo, hi, now))
        stmt: Select[*tuple[Any, ...]]
        with read(self.store) as s:
            where = _in_range(s, lo, hi)
            if by == "project":
                stmt = (select(Project.id, Project.name, seconds)
                        .select_from(TimeEntry)
                        .outerjoin(Task, Task.id == TimeEntry.task_id)
                        .outerjoin(Project, Project.id == Task.project_id)
                        .where(where).group_by(Project.id))
                fallback = NO_PROJECT
            elif by == "task":
                stmt = (select(TimeEntry.task_id, Task.title, seconds)
                        .outerjoin(Task, Task.id == TimeEntry.task_id)
                        .where(where).group_by(TimeEntry.task_id))
                fallback = NO_TASK
            else:
                stmt = (select(Tag.id, Tag.name, seconds)
                        .select_from(TimeEntry)
                        .outerjoin(TaskTag, TaskTag.task_id == TimeEntry.task_id)
                        .outerjoin(Tag, and_(Tag.id == TaskTag.tag_id, Tag.deleted_at.is_(None)))
                        .where(where).group_by(Tag.id))
                fallback = UNTAGGED
            rows = s.execute(stmt).all()
        totals = [Total(name or fallback, int(n or 0)) for _, name, n in rows]
        return sorted((t for t in totals if t.seconds > 0), key=lambda t: (-t.seconds, t.key))

    def _report_days(self, first: date, last: date, lo: datetime, hi: datetime,
                     now: datetime) -> list[Total]:
        """SQL clips each entry and turns it into epoch seconds; Python only splits the
        numbers at the local midnights (DST days are 23 or 25 hours long)."""
        zone = self.clock.zone
        count = (last - first).days + 1
        bounds = [int(day_start(first + timedelta(days=i), zone).timestamp())
                  for i in range(count + 1)]
        start = func.max(TimeEntry.start_at, literal(to_utc_text(lo)))
        end = func.min(func.coalesce(TimeEntry.end_at, literal(to_utc_text(now))),
                       literal(to_utc_text(hi)))
        with read(self.store) as s:
            rows = s.execute(select(_epoch(start), _epoch(end))
                             .where(_in_range(s, lo, hi))).all()
        totals = [0] * count
        for raw_start, raw_end in rows:
            cursor, stop = int(raw_start), int(raw_end)
            i = max(0, bisect_right(bounds, cursor) - 1)
            while cursor < stop and i < count:
                piece = min(stop, bounds[i + 1])
                totals[i] += piece - cursor
                cursor, i = piece, i + 1
        return [Total((first + timedelta(days=i)).isoformat(), n)
                for i, n in enumerate(totals) if n > 0]


def _epoch(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQL: an instant's Unix time in whole seconds (julianday works on SQLite < 3.38)."""
    return func.round((func.julianday(value) - 2440587.5) * 86400.0)


def _sorted_totals(values: dict[str, int]) -> tuple[Total, ...]:
    return tuple(Total(k, v) for k, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def tags_of(session: Session, task_ids: list[str]) -> dict[str, list[str]]:
    """Live tag names per task, by name. Two plain queries: pairs by the task_tags primary
    key, then the few tags (one join lets SQLite scan all tags against the id list)."""
    if not task_ids:
        return {}
    pairs = session.execute(
        select(TaskTag.task_id, TaskTag.tag_id).where(TaskTag.task_id.in_(task_ids))
    ).all()
    names = dict(session.execute(
        select(Tag.id, Tag.name).where(Tag.id.in_({t for _, t in pairs}),
                                       Tag.deleted_at.is_(None))
    ).all())
    out: dict[str, list[str]] = defaultdict(list)
    for task_id, tag_id in pairs:
        if tag_id in names:
            out[task_id].append(names[tag_id])
    for tags in out.values():
        tags.sort(key=str.lower)
    return out


def _task_totals(session: Session, task_ids: list[str],
                 now: datetime) -> tuple[dict[str, int | None], dict[str, int]]:
    """(estimate minutes, all-time tracked seconds) per task."""
    if not task_ids:
        return {}, {}
    estimates: dict[str, int | None] = dict(session.execute(
        select(Task.id, Task.estimate_minutes).where(Task.id.in_(task_ids))).all())
    end = func.coalesce(TimeEntry.end_at, literal(to_utc_text(now)))
    seconds = func.sum(func.round(
        (func.julianday(end) - func.julianday(TimeEntry.start_at)) * 86400.0))
    actuals = {
        tid: int(n or 0) for tid, n in session.execute(
            select(TimeEntry.task_id, seconds)
            .where(TimeEntry.task_id.in_(task_ids), TimeEntry.deleted_at.is_(None))
            .group_by(TimeEntry.task_id)
        )
    }
    return estimates, actuals
