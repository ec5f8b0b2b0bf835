"""Toggl-compatible CSV export and import of time entries.

Columns: Email, Client, Project, Task, Description, Billable, Start date, Start time,
End date, End time, Duration, Tags; dates YYYY-MM-DD, times HH:MM:SS in the local zone,
Duration H:MM:SS, Billable Yes/No, Tags comma-separated. Cadence's task title goes to
Task and the entry note to Description; on import a row with no Task takes its title from
Description (as Toggl's own exports do). Import reads and checks the whole file first
(``read``): bad rows are reported by line number, and ``apply`` stores the good rows in
one transaction (one undo step) or nothing at all.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, ValidationError
from app.models import Project, Task, TimeEntry, new_id
from app.models.db import Store
from app.services.clock import Clock
from app.services.projects import ProjectService
from app.services.tasks import TaskFields, TaskService
from app.services.time_dto import TimeEntryDTO
from app.services.time_rules import MAX_ENTRY, check_interval, local_instant, whole_seconds
from app.services.timesheet import TimesheetService, tags_of
from app.services.uow import UnitOfWork, read, write

COLUMNS = ("Email", "Client", "Project", "Task", "Description", "Billable", "Start date",
           "Start time", "End date", "End time", "Duration", "Tags")
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n", ""}


@dataclass(frozen=True)
class CsvRow:
    line: int
    title: str
    project: str | None
    tags: tuple[str, ...]
    note: str
    billable: bool
    start: datetime
    end: datetime


@dataclass
class ImportPlan:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: why", in line order


def fmt_hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class TimeCsv:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- export ----------------------------------------------------------------------------
    def export(self, out: TextIO, first: date, last: date, *, email: str = "") -> int:
        """Write finished entries of the local days first..last; returns rows written."""
        entries = TimesheetService(self.store, self.clock).entries(first, last)
        tags = _task_tags(self.store, sorted({e.task_id for e in entries if e.task_id}))
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        zone = self.clock.zone
        count = 0
        for e in entries:
            if e.end is None:
                continue  # the running timer is not an entry yet
            writer.writerow(_export_row(e, zone, email, tags.get(e.task_id or "", ())))
            count += 1
        return count

    def export_file(self, path: Path, first: date, last: date, *, email: str = "") -> int:
        buffer = io.StringIO()
        count = self.export(buffer, first, last, email=email)
        try:
            path.write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
        return count

    # -- import ----------------------------------------------------------------------------
    def read_file(self, path: Path) -> ImportPlan:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{path} is not a UTF-8 text file.") from exc
        except OSError as exc:
            raise ValidationError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        return self.read(io.StringIO(text))

    def read(self, source: TextIO) -> ImportPlan:
        """Parse and check every row (dates, lengths, overlaps) without storing anything."""
        reader = csv.reader(source)
        header = next(reader, None)
        if header is None:
            raise ValidationError("The CSV file is empty.")
        index = {name.strip().lower(): i for i, name in enumerate(header)}
        _check_header(index)
        plan = ImportPlan()
        zone = self.clock.zone
        now = self.clock.now()
        line = reader.line_num
        for cells in reader:
            row_line, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            try:
                plan.rows.append(_parse_row(row_line, cells, index, zone, now))
            except ValidationError as exc:
                plan.errors.append(f"line {row_line}: {exc}")
        self._check_overlaps(plan)
        return plan

    def apply(self, plan: ImportPlan) -> int:
        """Store the plan's good rows in one transaction; returns how many were imported."""
        if not plan.rows:
            return 0
        with write(self.store, "Import time entries", clock=self.clock) as uow:
            clash = _first_overlap(uow.session, plan.rows, self.clock.now())
            if clash is not None:
                raise ConflictError(
                    f"line {clash.line}: overlaps an entry added since the file was checked; "
                    "nothing was imported."
                )
            tasks = _TaskResolver(uow, self.store, self.clock)
            tz = self.clock.zone_key()
            for row in plan.rows:
                uow.add(TimeEntry(
                    id=new_id(), task_id=tasks.resolve(row), start_at=row.start,
                    end_at=row.end, tz=tz, note=row.note, source="import",
                    billable=row.billable,
                ))
        return len(plan.rows)

    def _check_overlaps(self, plan: ImportPlan) -> None:
        """Move rows that overlap each other or stored entries to the errors."""
        good: list[CsvRow] = []
        last_end: CsvRow | None = None
        for row in sorted(plan.rows, key=lambda r: (r.start, r.line)):
            if last_end is not None and row.start < last_end.end:
                plan.errors.append(f"line {row.line}: overlaps line {last_end.line}")
                continue
            good.append(row)
            last_end = row
        with read(self.store) as s:
            stored = _stored_intervals(s, good, self.clock.now())
        starts = [a for a, _, _ in stored]
        kept: list[CsvRow] = []
        for row in good:
            i = bisect_left(starts, row.end)
            clash = next((iv for iv in reversed(stored[max(0, i - 3):i]) if iv[1] > row.start),
                         None)
            if clash is None:
                kept.append(row)
            elif clash[0] == row.start and clash[1] == row.end:
                plan.errors.append(f"line {row.line}: already imported (same start and end)")
            else:
                plan.errors.append(
                    f"line {row.line}: overlaps the stored entry “{clash[2]}” "
                    f"{clash[0].astimezone(self.clock.zone):%Y-%m-%d %H:%M}"
                )
        plan.rows = sorted(kept, key=lambda r: r.line)
        plan.errors.sort(key=lambda msg: int(msg.split(":")[0].split()[1]))


def _export_row(e: TimeEntryDTO, zone: ZoneInfo, email: str,
                tags: tuple[str, ...]) -> list[str]:
    assert e.end is not None
    start, end = e.start.astimezone(zone), e.end.astimezone(zone)
    return [
        email, "", e.project or "", e.task_title, e.note, "Yes" if e.billable else "No",
        f"{start:%Y-%m-%d}", f"{start:%H:%M:%S}", f"{end:%Y-%m-%d}", f"{end:%H:%M:%S}",
        fmt_hms(int((e.end - e.start).total_seconds())), ", ".join(tags),
    ]


def _check_header(index: dict[str, int]) -> None:
    missing = [c for c in ("Start date", "Start time") if c.lower() not in index]
    if "duration" not in index and not {"end date", "end time"} <= index.keys():
        missing.append("Duration (or End date and End time)")
    if "task" not in index and "description" not in index:
        missing.append("Task or Description")
    if missing:
        raise ValidationError(f"The CSV lacks the column(s): {', '.join(missing)}; "
                              "nothing was imported.")


def _cell(cells: list[str], index: dict[str, int], name: str) -> str:
    i = index.get(name.lower())
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _parse_row(line: int, cells: list[str], index: dict[str, int], zone: ZoneInfo,
               now: datetime) -> CsvRow:
    def get(name: str) -> str:
        return _cell(cells, index, name)

    task, description = get("Task"), get("Description")
    title = " ".join((task or description).split())
    if not title:
        raise ValidationError("no Task or Description")
    billable_text = get("Billable").lower()
    if billable_text not in _YES | _NO:
        raise ValidationError(f"Billable must be Yes or No, not {get('Billable')!r}")
    start_day = _date(get("Start date"), "start date")
    start_wall = _time(get("Start time"), "start time")
    duration = _duration(get("Duration")) if get("Duration") else None
    end_day_text, end_wall_text = get("End date"), get("End time")
    if end_wall_text:
        end_day = _date(end_day_text, "end date") if end_day_text else start_day
        end_wall: time | None = _time(end_wall_text, "end time")
    elif duration is None:
        raise ValidationError("no End time and no Duration")
    else:
        end_day, end_wall = start_day, None
    start, end = _instants(start_day, start_wall, end_day, end_wall, duration, zone)
    check_interval(start, end, now, zone)
    tags = tuple(t.strip() for t in get("Tags").split(",") if t.strip())
    return CsvRow(line, title, get("Project") or None, tags, description if task else "",
                  billable_text in _YES, start, end)


def _instants(start_day: date, start_wall: time, end_day: date, end_wall: time | None,
              duration: timedelta | None, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Resolve local times; in a repeated DST hour the Duration picks the right reading."""
    starts = _readings(start_day, start_wall, zone, "start")
    if end_wall is None:
        assert duration is not None
        return starts[0], starts[0] + duration
    ends = _readings(end_day, end_wall, zone, "end")
    pairs = [(s, e) for s in starts for e in ends]
    if duration is not None:
        for s, e in pairs:
            if e - s == duration:
                return s, e
    return pairs[0]


def _readings(day: date, wall: time, zone: ZoneInfo, what: str) -> list[datetime]:
    try:
        return [whole_seconds(local_instant(day, wall, zone))]
    except ValidationError as exc:
        if "twice" not in str(exc):
            raise ValidationError(f"{what} {day} {wall} does not exist in {zone.key} "
                                  "(skipped by a DST change)") from exc
    return [whole_seconds(local_instant(day, wall, zone, fold=f)) for f in (0, 1)]


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"bad {what} {text!r} (use YYYY-MM-DD)") from exc


def _time(text: str, what: str) -> time:
    try:
        value = time.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"bad {what} {text!r} (use HH:MM:SS)") from exc
    return value.replace(microsecond=0, tzinfo=None)


def _duration(text: str) -> timedelta:
    parts = text.split(":")
    try:
        if len(parts) not in (2, 3) or any(not p.isdigit() for p in parts):
            raise ValueError(text)
        h, m, s = (int(p) for p in (parts + ["0"])[:3])
    except ValueError as exc:
        raise ValidationError(f"bad duration {text!r} (use H:MM:SS)") from exc
    if m > 59 or s > 59:
        raise ValidationError(f"bad duration {text!r} (use H:MM:SS)")
    return timedelta(hours=h, minutes=m, seconds=s)


def _stored_intervals(session: Session, rows: list[CsvRow],
                      now: datetime) -> list[tuple[datetime, datetime, str]]:
    """Stored (start, end, title) around the rows' span, sorted by start."""
    if not rows:
        return []
    lo, hi = min(r.start for r in rows), max(r.end for r in rows)
    stmt = (
        select(TimeEntry.start_at, TimeEntry.end_at, Task.title)
        .outerjoin(Task, Task.id == TimeEntry.task_id)
        .where(TimeEntry.deleted_at.is_(None), TimeEntry.start_at >= lo - MAX_ENTRY,
               TimeEntry.start_at < hi)
        .order_by(TimeEntry.start_at)
    )
    found = [(s, e or now, t or "(no task)") for s, e, t in session.execute(stmt)]
    running = session.execute(
        select(TimeEntry.start_at, Task.title).outerjoin(Task, Task.id == TimeEntry.task_id)
        .where(TimeEntry.end_at.is_(None), TimeEntry.deleted_at.is_(None))
    ).first()
    if running is not None and running[0] < lo - MAX_ENTRY:
        found.insert(0, (running[0], now, running[1] or "(no task)"))
    return found


def _first_overlap(session: Session, rows: list[CsvRow], now: datetime) -> CsvRow | None:
    stored = _stored_intervals(session, rows, now)
    for row in rows:
        if any(s < row.end and e > row.start for s, e, _ in stored):
            return row
    return None


def _task_tags(store: Store, task_ids: list[str]) -> dict[str, tuple[str, ...]]:
    with read(store) as s:
        return {k: tuple(v) for k, v in tags_of(s, task_ids).items()}


class _TaskResolver:
    """Finds or creates the project and task a CSV row names (case-insensitive)."""

    def __init__(self, uow: UnitOfWork, store: Store, clock: Clock) -> None:
        self.uow = uow
        self.store = store
        self.clock = clock
        self.tasks = TaskService(store, clock)
        self.projects: dict[str, str] = {}
        self.cache: dict[tuple[str, str | None], str] = {}

    def project_id(self, name: str | None) -> str | None:
        if not name:
            return None
        key = name.lower()
        if key not in self.projects:
            s = self.uow.session
            found = s.scalar(select(Project.id).where(
                func.lower(Project.name) == key, Project.deleted_at.is_(None)).limit(1))
            if found is None:
                found = ProjectService(self.store, self.clock).create_in(self.uow, name)
            self.projects[key] = found
        return self.projects[key]

    def resolve(self, row: CsvRow) -> str:
        project_id = self.project_id(row.project)
        key = (row.title.lower(), project_id)
        if key not in self.cache:
            found = self.uow.session.scalar(select(Task.id).where(
                func.lower(Task.title) == key[0], Task.deleted_at.is_(None),
                Task.project_id.is_(None) if project_id is None
                else Task.project_id == project_id,
            ).limit(1))
            if found is None:
                found = self.tasks.create_in(self.uow, TaskFields(
                    title=row.title, project_id=project_id, tags=row.tags))
            self.cache[key] = found
        return self.cache[key]
