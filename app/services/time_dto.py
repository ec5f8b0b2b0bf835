"""Plain records for tracked time handed to the UI and CLI, and the column select behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from app.models import Project, Task, TimeEntry
from app.services.snapshots import register_entity

# Time entries are under undo and audit like tasks: every manual edit is one undo step.
register_entity("time_entry", TimeEntry)

NO_PROJECT = "No project"
NO_TASK = "(no task)"


@dataclass(frozen=True, slots=True)
class TimeEntryDTO:
    id: str
    task_id: str | None
    task_title: str
    project_id: str | None
    project: str | None
    start: datetime  # aware, UTC
    end: datetime | None  # None = the running timer
    tz: str
    note: str
    source: str
    billable: bool

    @property
    def running(self) -> bool:
        return self.end is None

    def seconds(self, now: datetime) -> int:
        """Length in whole seconds (a running entry counts up to now)."""
        end = self.end if self.end is not None else now
        return max(0, int((end - self.start).total_seconds()))

    def local_start(self, zone: ZoneInfo) -> datetime:
        return self.start.astimezone(zone)

    def local_end(self, zone: ZoneInfo) -> datetime | None:
        return None if self.end is None else self.end.astimezone(zone)


@dataclass(frozen=True, slots=True)
class TimerStatus:
    """What the tray, the timer widget and ``cadence timer status`` show."""

    entry: TimeEntryDTO | None
    now: datetime

    @property
    def running(self) -> bool:
        return self.entry is not None

    @property
    def elapsed(self) -> int:
        return 0 if self.entry is None else self.entry.seconds(self.now)

    def as_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "running": e is not None,
            "task_id": None if e is None else e.task_id,
            "task": None if e is None else e.task_title,
            "entry_id": None if e is None else e.id,
            "start": None if e is None else e.start.astimezone(UTC).isoformat(),
            "elapsed": self.elapsed,
        }


@dataclass(frozen=True, slots=True)
class RecentTask:
    id: str
    title: str
    project: str | None


@dataclass(frozen=True, slots=True)
class TaskTime:
    """Tracked time on one task in a period, beside its estimate and all-time total."""

    task_id: str | None
    title: str
    project: str | None
    seconds: int  # within the period
    estimate_minutes: int | None
    actual_seconds: int  # all tracked time on the task, ever


@dataclass(frozen=True, slots=True)
class Total:
    key: str
    seconds: int


@dataclass(frozen=True, slots=True)
class Timesheet:
    """Entries in a local-day range with totals per day, task, project and tag."""

    first_day: date
    days: tuple[date, ...]
    zone: str
    entries: tuple[TimeEntryDTO, ...]
    by_day: tuple[Total, ...]  # key = ISO date, one per day (zero days included)
    by_task: tuple[TaskTime, ...]
    by_project: tuple[Total, ...]
    by_tag: tuple[Total, ...]
    total: int


def entry_select() -> Select[*tuple[Any, ...]]:
    """Column select for TimeEntryDTO rows (no ORM objects: fast for long lists)."""
    return (
        select(
            TimeEntry.id, TimeEntry.task_id, Task.title, Task.project_id, Project.name,
            TimeEntry.start_at, TimeEntry.end_at, TimeEntry.tz, TimeEntry.note,
            TimeEntry.source, TimeEntry.billable,
        )
        .outerjoin(Task, Task.id == TimeEntry.task_id)
        .outerjoin(Project, Project.id == Task.project_id)
        .where(TimeEntry.deleted_at.is_(None))
    )


def entry_from_row(row: Any) -> TimeEntryDTO:
    (ident, task_id, title, project_id, project, start, end, tz, note, source, billable) = row
    return TimeEntryDTO(
        ident, task_id, title or NO_TASK, project_id, project, start, end, tz, note or "",
        source, bool(billable),
    )
