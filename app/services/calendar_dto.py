"""Plain records the calendar services hand to the UI and CLI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SCOPES = ("this", "following", "all")


@dataclass(frozen=True, slots=True)
class CalendarDTO:
    id: str
    name: str
    color: str
    tz: str | None
    visible: bool
    read_only: bool
    position: float
    source_url: str | None = None
    refresh_minutes: int | None = None
    last_fetched: datetime | None = None
    last_error: str | None = None
    event_count: int = 0

    @property
    def is_subscription(self) -> bool:
        return self.source_url is not None


@dataclass(frozen=True, slots=True)
class EventDTO:
    id: str
    calendar_id: str
    uid: str
    recurrence_id: str | None
    summary: str
    description: str
    location: str
    all_day: bool
    floating: bool
    tzid: str | None
    start: datetime | date  # aware in tzid, naive when floating, a date when all-day
    end: datetime | date
    rrule: str | None
    rdate: str | None
    exdate: str | None
    status: str
    sequence: int
    task_id: str | None
    this_and_future: bool = False
    read_only: bool = False

    @property
    def recurring(self) -> bool:
        return bool(self.rrule or self.rdate)


@dataclass(frozen=True, slots=True)
class OccurrenceDTO:
    """One instance on the grid. ``start``/``end`` are aware UTC instants for zoned events,
    naive wall-clock times for floating ones and dates for all-day ones (end exclusive)."""

    event_id: str
    calendar_id: str
    uid: str
    recurrence_id: str | None  # of the stored event (overrides)
    instance: str | None  # this instance's original start key; None for single events
    title: str
    location: str
    color: str
    calendar: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    floating: bool
    tz: str | None
    status: str
    recurring: bool
    read_only: bool
    task_id: str | None = None
    task_status: str | None = None

    def local_start(self, zone: ZoneInfo) -> datetime:
        return to_local(self.start, zone)

    def local_end(self, zone: ZoneInfo) -> datetime:
        return to_local(self.end, zone)


def to_local(value: datetime | date, zone: ZoneInfo) -> datetime:
    """An occurrence bound as an aware datetime in ``zone`` (floating/all-day: same wall)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


@dataclass(frozen=True, slots=True)
class EventFields:
    """What a user sets on an event. Timed: aware datetimes (or naive = floating);
    all-day: dates with an exclusive end. ``None`` in an edit means "leave it"."""

    summary: str | None = None
    start: datetime | date | None = None
    end: datetime | date | None = None
    tzid: str | None = None
    description: str | None = None
    location: str | None = None
    calendar_id: str | None = None
    rrule: str | None = None
    status: str | None = None
    task_id: str | None = None
    clear_rrule: bool = False

    def given(self) -> dict[str, Any]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) not in (None, False)}


@dataclass(slots=True)
class ImportProblem:
    line: int
    component: str
    uid: str | None
    reason: str

    def text(self) -> str:
        who = f" {self.uid}" if self.uid else ""
        return f"line {self.line} {self.component}{who}: {self.reason}"


@dataclass
class ImportSummary:
    source: str
    calendar: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    tasks_added: int = 0
    tasks_updated: int = 0
    skipped: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        if self.error:
            return f"{self.source}: not imported: {self.error}"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.tasks_added or self.tasks_updated:
            parts.append(f"{self.tasks_added + self.tasks_updated} tasks")
        if self.skipped:
            reasons = sorted({p.reason.split(":")[0] for p in self.skipped})
            parts.append(f"{len(self.skipped)} skipped ({'; '.join(reasons[:3])})")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warnings")
        notes = f" [{'; '.join(self.notes)}]" if self.notes else ""
        return f"{self.source} -> {self.calendar}: {', '.join(parts)}{notes}"


@dataclass(frozen=True, slots=True)
class RefreshResult:
    calendar_id: str
    name: str
    status: str  # "updated", "unchanged" or "error"
    error: str | None = None
    summary: ImportSummary | None = None
    next_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class CalendarPage:
    """Everything the grid draws for a range: occurrences and tasks due in it."""

    start: datetime
    end: datetime
    occurrences: list[OccurrenceDTO]
    tasks: list[Any]  # TaskDTO, due in the range


def utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def day_span(day: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return utc_midnight(day, zone), utc_midnight(day + timedelta(days=days), zone)
