"""Calendar job bodies for the DbWorker: plain functions of services, no widgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.services.calendar import refresh_due_subscriptions
from app.services.calendar_dto import (
    CalendarDTO,
    EventDTO,
    EventFields,
    ImportSummary,
    RefreshResult,
)
from app.services.facade import Services
from app.ui.calendar_layout import DaysLayout, Item, build_items, layout_days, range_for
from app.ui.calendar_paint import TASK_COLOR


@dataclass(frozen=True)
class PageData:
    """One screenful, laid out off the GUI thread."""

    mode: str
    anchor: date
    first: date
    days: int
    zone: ZoneInfo
    items: list[Item]
    today: date
    now: datetime
    layout: DaysLayout | None = None  # day and week views
    weeks: list[DaysLayout] = field(default_factory=list)  # month view


def load_page(services: Services, mode: str, anchor: date, tz: str) -> PageData:
    zone = ZoneInfo(tz)
    first, days = range_for(mode, anchor)
    page = services.calendar.query.page(first, days, tz=tz)
    items = build_items(page, zone, TASK_COLOR)
    now = services.clock.now()
    today = now.astimezone(zone).date()
    layout = weeks = None
    if mode in ("day", "week"):
        layout = layout_days(items, first, days)
    elif mode == "month":
        weeks = [layout_days(part, first + timedelta(days=7 * w), 7)
                 for w, part in enumerate(by_week(items, first, 6))]
    return PageData(mode, anchor, first, days, zone, items, today, now, layout, weeks or [])


def by_week(items: list[Item], first: date, weeks: int) -> list[list[Item]]:
    """Items split into the week rows they touch (so each row lays out only its own)."""
    rows: list[list[Item]] = [[] for _ in range(weeks)]
    for item in items:
        last = item.end - timedelta(microseconds=1) if item.end > item.start else item.end
        lo = max((item.start.date() - first).days // 7, 0)
        hi = min((last.date() - first).days // 7, weeks - 1)
        for w in range(lo, hi + 1):
            rows[w].append(item)
    return rows


def writable_calendars(services: Services) -> list[CalendarDTO]:
    found = [c for c in services.calendar.calendars.list()
             if not c.read_only and not c.is_subscription]
    return found or [services.calendar.calendars.default()]


def event_for_edit(services: Services, event_id: str) -> tuple[EventDTO, list[CalendarDTO]]:
    event = services.calendar.events.get(event_id)
    cals = writable_calendars(services)
    if event.read_only:
        cals = [services.calendar.calendars.get(event.calendar_id)]
    return event, cals


def create_event(services: Services, fields: EventFields) -> EventDTO:
    return services.calendar.events.create(fields)


def update_event(services: Services, event_id: str, fields: EventFields, instance: str | None,
                 scope: str) -> EventDTO:
    return services.calendar.events.update(event_id, fields, instance=instance, scope=scope)


def move_event(services: Services, event_id: str, start: datetime | date, end: datetime | date,
               instance: str | None, scope: str) -> EventDTO:
    return services.calendar.events.move(event_id, start, end, instance=instance, scope=scope)


def delete_event(services: Services, event_id: str, instance: str | None, scope: str,
                 with_task: bool) -> None:
    services.calendar.events.delete(event_id, instance=instance, scope=scope,
                                    with_task=with_task)


def block_tasks(services: Services, task_ids: list[str], start: datetime) -> list[EventDTO]:
    """Time-block each dropped task, one after the other from ``start``."""
    made = []
    for task_id in task_ids:
        block = services.calendar.events.block_task(task_id, start)
        made.append(block)
        assert isinstance(block.end, datetime)
        start = block.end
    return made


def import_files(services: Services, paths: list[str], calendar: str | None,
                 progress: Callable[[int, int, int, int], None],
                 cancelled: Callable[[], bool]) -> list[ImportSummary]:
    """Import files in turn; progress gets (file index, files, done, total components)."""
    out: list[ImportSummary] = []
    for n, path in enumerate(paths):
        def report(done: int, total: int, n: int = n) -> None:
            progress(n, len(paths), done, total)

        out.append(services.calendar.ics.import_file(Path(path), calendar=calendar,
                                                     progress=report, cancelled=cancelled))
    return out


def export_calendar(services: Services, calendar_id: str, path: str) -> str:
    text, count = services.calendar.export.calendar_text(calendar_id)
    try:
        Path(path).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        from app.errors import ValidationError

        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return f"Exported {count} events to {Path(path).name}."


def export_tasks(services: Services, task_ids: list[str], path: str) -> str:
    """The given tasks (and nothing else) as VTODOs in one .ics file."""
    text = services.calendar.export.tasks_text(task_ids)
    try:
        Path(path).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        from app.errors import ValidationError

        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return f"Exported {len(task_ids)} tasks to {Path(path).name}."


def subscribe(services: Services, url: str, name: str) -> RefreshResult:
    return services.calendar.subscriptions.subscribe(url, name)


def refresh_subscriptions(services: Services) -> list[RefreshResult]:
    return refresh_due_subscriptions(services)


def refresh_all(services: Services) -> list[RefreshResult]:
    subs = services.calendar.subscriptions
    return [subs.refresh(c.id) for c in subs.subscribed()]


def next_refresh(services: Services) -> datetime | None:
    return services.calendar.subscriptions.next_due()


def set_visible(services: Services, calendar_id: str, visible: bool) -> CalendarDTO:
    return services.calendar.calendars.set_visible(calendar_id, visible)


def all_calendars(services: Services) -> list[CalendarDTO]:
    return services.calendar.calendars.list()
