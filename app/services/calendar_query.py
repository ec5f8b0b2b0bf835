"""Range queries over pre-expanded occurrences: grid pages, agenda lists, tasks due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import and_, text

from app.models import Task
from app.models.db import Store
from app.services.calendar_dto import CalendarPage, OccurrenceDTO, day_span
from app.services.calendar_expand import Window
from app.services.calendar_occurrences import extend_window, load_window, peek_window
from app.services.calendar_records import epoch
from app.services.calendar_zones import zone
from app.services.clock import Clock
from app.services.task_read import TaskReader
from app.services.uow import read, write

_EPOCH = datetime(1970, 1, 1)
_SQL = text("""
SELECT o.event_id, o.start, o."end", o.all_day, o.recurrence_key,
       e.calendar_id, e.uid, e.recurrence_id, e.summary, e.location, e.tzid, e.status,
       e.task_id, (e.rrule IS NOT NULL OR e.rdate IS NOT NULL OR e.recurrence_id IS NOT NULL),
       c.name, c.color, (c.read_only OR c.source_url IS NOT NULL), t.status
FROM occurrences o
JOIN events e ON e.id = o.event_id
JOIN calendars c ON c.id = e.calendar_id
LEFT JOIN tasks t ON t.id = e.task_id AND t.deleted_at IS NULL
WHERE o.floating = :floating AND o.start < :hi AND o.start >= :lo_span
  AND (o."end" > :lo OR o.start >= :lo)
  AND e.deleted_at IS NULL AND c.deleted_at IS NULL AND c.visible = 1
""")
_SPAN = text("SELECT max(span) FROM occurrences")


class CalendarQuery:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.tasks = TaskReader(store, clock)
        self._window: Window | None = None

    def _zone(self, name: str | None) -> ZoneInfo:
        return zone(name) if name else self.clock.zone

    def _ensure(self, start: datetime, end: datetime) -> None:
        if self._window is None:
            with read(self.store) as s:
                self._window = peek_window(s)
        if self._window is None:
            with write(self.store, "Calendar window", clock=self.clock, origin="system") as uow:
                self._window = load_window(uow.session, self.clock.today())
        win = self._window
        if start < win.start or end > win.end:
            with write(self.store, "Extend calendar window", clock=self.clock,
                       origin="system") as uow:
                self._window = extend_window(uow.session, start, end)

    def occurrences(self, start: datetime, end: datetime, *, tz: str | None = None,
                    calendar_ids: Iterable[str] | None = None) -> list[OccurrenceDTO]:
        """Instances overlapping [start, end) of visible calendars, sorted by start.

        Floating and all-day instances are matched by wall-clock time in ``tz``."""
        self._ensure(start, end)
        display = self._zone(tz)
        wall_lo = epoch(start.astimezone(display).replace(tzinfo=None))
        wall_hi = epoch(end.astimezone(display).replace(tzinfo=None))
        wanted = set(calendar_ids) if calendar_ids is not None else None
        out: list[tuple[Any, OccurrenceDTO]] = []
        with read(self.store) as s:
            span = int(s.execute(_SPAN).scalar() or 0)
            for floating, lo, hi in ((0, epoch(start), epoch(end)), (1, wall_lo, wall_hi)):
                rows = s.execute(_SQL, {"floating": floating, "lo": lo, "hi": hi,
                                        "lo_span": lo - span}).all()
                for row in rows:
                    if wanted is not None and row[5] not in wanted:
                        continue
                    dto = _dto(row, bool(floating))
                    sort = row[1] if not floating else row[1] - _offset(display, row[1])
                    out.append((sort, dto))
        out.sort(key=lambda pair: (pair[0], not pair[1].all_day, pair[1].title))
        return [dto for _, dto in out]

    def page(self, first: date, days: int, *, tz: str | None = None) -> CalendarPage:
        """What a day/week/month grid needs: occurrences and tasks due in the range."""
        display = self._zone(tz)
        start, end = day_span(first, days, display)
        occ = self.occurrences(start, end, tz=tz)
        last = first + timedelta(days=days)
        due = self.tasks.select(
            and_(Task.due_date >= first, Task.due_date < last,
                 Task.status.in_(("todo", "in_progress", "done"))),
            order_by=cast(Any, (Task.due_date, Task.due_at, Task.position)))
        return CalendarPage(start, end, occ, due)

    def agenda(self, first: date, last: date, *, tz: str | None = None) -> list[OccurrenceDTO]:
        """Instances from the start of ``first`` to the end of ``last`` (inclusive)."""
        start, end = day_span(first, (last - first).days + 1, self._zone(tz))
        return self.occurrences(start, end, tz=tz)


def _offset(tz: ZoneInfo, wall_epoch: int) -> int:
    local = (_EPOCH + timedelta(seconds=wall_epoch)).replace(tzinfo=tz)
    off = local.utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def _dto(row: Any, floating: bool) -> OccurrenceDTO:
    (eid, start, end, all_day, instance, cal_id, uid, rid, summary, location, tzid, status,
     task_id, recurring, cal_name, color, read_only, task_status) = row
    s: datetime | date
    e: datetime | date
    if all_day:
        s = date.fromordinal(719163 + start // 86400)
        e = date.fromordinal(719163 + end // 86400)
    elif floating:
        s, e = _EPOCH + timedelta(seconds=start), _EPOCH + timedelta(seconds=end)
    else:
        s, e = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
    return OccurrenceDTO(
        event_id=eid, calendar_id=cal_id, uid=uid, recurrence_id=rid, instance=instance,
        title=summary or "(No title)", location=location, color=color, calendar=cal_name,
        start=s, end=e, all_day=bool(all_day), floating=floating and not all_day, tz=tzid,
        status=status, recurring=bool(recurring), read_only=bool(read_only), task_id=task_id,
        task_status=task_status,
    )
