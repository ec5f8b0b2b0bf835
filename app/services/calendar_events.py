"""Event use cases: create, edit, move, delete (this / following / all), time-block a task."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.models import Task, new_id
from app.models.calendar import Calendar, Event, Occurrence
from app.models.db import Store
from app.services import validate
from app.services.calendar_calendars import CalendarService
from app.services.calendar_dto import SCOPES, EventDTO, EventFields
from app.services.calendar_expand import local_bounds
from app.services.calendar_records import from_epoch
from app.services.calendar_recurring import (
    add_key,
    continued,
    join_keys,
    key_value,
    kind_tz,
    shift_key,
    shift_rule,
    split_keys,
    strip_recurrence,
    truncated,
)
from app.services.calendar_zones import zone
from app.services.clock import Clock
from app.services.tasks import TaskService
from app.services.uow import UnitOfWork, read, write

Bound = date | datetime
DEFAULT_BLOCK_MINUTES = 30


def to_event_dto(ev: Event, read_only: bool = False) -> EventDTO:
    start, end = local_bounds(ev)
    return EventDTO(
        id=ev.id, calendar_id=ev.calendar_id, uid=ev.uid, recurrence_id=ev.recurrence_id,
        summary=ev.summary, description=ev.description, location=ev.location,
        all_day=ev.all_day, floating=ev.floating, tzid=ev.tzid, start=start, end=end,
        rrule=ev.rrule, rdate=ev.rdate, exdate=ev.exdate, status=ev.status,
        sequence=ev.sequence, task_id=ev.task_id, this_and_future=ev.this_and_future,
        read_only=read_only,
    )


def _wall(value: Bound, tz: ZoneInfo | None = None) -> datetime:
    """The wall-clock time of a bound (in ``tz`` when it is aware and a zone is given)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and tz is not None:
            value = value.astimezone(tz)
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


class EventService:
    def __init__(self, store: Store, clock: Clock, calendars: CalendarService,
                 tasks: TaskService) -> None:
        self.store = store
        self.clock = clock
        self.calendars = calendars
        self.tasks = tasks

    # -- reads -----------------------------------------------------------------------------
    def get(self, event_id: str) -> EventDTO:
        with read(self.store) as s:
            ev = s.get(Event, event_id)
            if ev is None or ev.deleted_at is not None:
                raise NotFoundError(f"No event with id {event_id}")
            cal = s.get(Calendar, ev.calendar_id)
            return to_event_dto(ev, bool(cal and cal.read_only))

    def blocks_of_task(self, task_id: str) -> list[EventDTO]:
        """Time blocks linked to a task (so deleting the task can ask about them)."""
        with read(self.store) as s:
            evs = s.scalars(select(Event).where(Event.task_id == task_id,
                                                Event.deleted_at.is_(None))).all()
            return [to_event_dto(e) for e in evs]

    # -- writes ----------------------------------------------------------------------------
    def create(self, fields: EventFields, *, label: str = "Add event") -> EventDTO:
        if fields.start is None or fields.end is None:
            raise ValidationError("An event needs a start and an end.")
        calendar_id = fields.calendar_id or self.calendars.default().id
        with write(self.store, label, clock=self.clock) as uow:
            _writable(uow.session, calendar_id)
            eid = new_id()
            ev = Event(id=eid, calendar_id=calendar_id, uid=f"{eid}@cadence", raw_ics="",
                       content_hash="", sequence=0, status="confirmed", this_and_future=False,
                       summary="", description="", location="")
            self._apply(ev, fields, new=True)
            uow.add(ev)
        return self.get(eid)

    def block_task(self, task_id: str, start: datetime, *,
                   calendar_id: str | None = None) -> EventDTO:
        """An event linked to the task, as long as its estimate (else 30 minutes)."""
        task = self.tasks.get(task_id)
        minutes = task.estimate_minutes or DEFAULT_BLOCK_MINUTES
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.clock.zone)
        return self.create(EventFields(summary=task.title, start=start,
                                       end=start + timedelta(minutes=minutes),
                                       calendar_id=calendar_id, task_id=task_id),
                           label="Time-block task")

    def update(self, event_id: str, fields: EventFields, *, instance: str | None = None,
               scope: str = "all", label: str = "Edit event") -> EventDTO:
        """Edit an event; for an instance of a series ``scope`` says which instances change.

        Returns the event that now carries the edited instance (an override or a new series
        after a split)."""
        if scope not in SCOPES:
            raise ValidationError(f"Unknown scope {scope!r}; use this, following or all.")
        with write(self.store, label, clock=self.clock) as uow:
            ev = uow.get(Event, event_id)
            _writable(uow.session, ev.calendar_id)
            master = ev if ev.recurrence_id is None else _master(uow, ev)
            if instance is None or master is None or not (master.rrule or master.rdate):
                self._apply(ev, fields)
                target = ev
            elif scope == "this":
                target = self._edit_this(uow, ev, instance, fields)
            elif scope == "following" and not _is_first(master, instance):
                target = self._split(uow, master, ev, instance, fields)
            else:
                target = self._edit_all(uow, master, ev, instance, fields)
            target_id = target.id
        return self.get(target_id)

    def move(self, event_id: str, start: Bound, end: Bound, *, instance: str | None = None,
             scope: str = "this") -> EventDTO:
        """Drag or resize: new start/end for the event or one of its instances."""
        return self.update(event_id, EventFields(start=start, end=end), instance=instance,
                           scope=scope, label="Move event")

    def delete(self, event_id: str, *, instance: str | None = None, scope: str = "all",
               with_task: bool = False) -> None:
        if scope not in SCOPES:
            raise ValidationError(f"Unknown scope {scope!r}; use this, following or all.")
        with write(self.store, "Delete event", clock=self.clock) as uow:
            ev = uow.get(Event, event_id)
            _writable(uow.session, ev.calendar_id)
            now = self.clock.now()
            master = ev if ev.recurrence_id is None else _master(uow, ev)
            task_ids = {ev.task_id} if ev.task_id else set()
            if instance is None or master is None or not (master.rrule or master.rdate):
                for part in [ev] + (_overrides(uow, ev) if ev.recurrence_id is None else []):
                    part.deleted_at = now
            elif scope == "this":
                master.exdate = add_key(master.exdate, instance)
                _bump(master)
                for part in _overrides(uow, master):
                    if part.recurrence_id == instance:
                        part.deleted_at = now
            elif scope == "following" and not _is_first(master, instance):
                cut = key_value(master, instance)
                master.rrule = truncated(master, cut)
                master.rdate = join_keys(split_keys(master.rdate, master, instance)[0])
                _bump(master)
                for part in _overrides(uow, master):
                    if part.recurrence_id and part.recurrence_id >= instance:
                        part.deleted_at = now
            else:
                for part in [master, *_overrides(uow, master)]:
                    part.deleted_at = now
                    task_ids |= {part.task_id} if part.task_id else set()
            if with_task:
                self._delete_tasks(uow, task_ids, now)

    def delete_tasks(self, task_ids: list[str], *, with_blocks: bool) -> tuple[int, int]:
        """Delete tasks with their subtasks and, when asked, the time blocks of all of them,
        as one undo step; returns (tasks deleted, blocks deleted)."""
        with write(self.store, "Delete tasks and time blocks" if with_blocks else
                   "Delete tasks", clock=self.clock) as uow:
            now = self.clock.now()
            todo = [uow.get(Task, i) for i in task_ids]
            gone: list[str] = []
            while todo:
                task = todo.pop()
                if task.deleted_at is None:
                    uow.track(task).deleted_at = now
                    gone.append(task.id)
                todo += uow.session.scalars(select(Task).where(Task.parent_id == task.id,
                                                               Task.deleted_at.is_(None)))
            blocks = 0
            if with_blocks and gone:
                for ev in uow.session.scalars(select(Event).where(
                        Event.task_id.in_(gone), Event.deleted_at.is_(None))).all():
                    uow.track(ev).deleted_at = now
                    blocks += 1
            return len(gone), blocks

    def count_blocks(self, task_ids: list[str]) -> int:
        """How many live time blocks belong to these tasks or their subtasks."""
        with read(self.store) as s:
            ids, frontier = set(task_ids), list(task_ids)
            while frontier:
                kids = s.scalars(select(Task.id).where(Task.parent_id.in_(frontier),
                                                       Task.deleted_at.is_(None))).all()
                frontier = [k for k in kids if k not in ids]
                ids.update(frontier)
            n = s.scalar(select(func.count()).select_from(Event).where(
                Event.task_id.in_(ids), Event.deleted_at.is_(None)))
            return int(n or 0)

    # -- helpers ---------------------------------------------------------------------------
    def _delete_tasks(self, uow: UnitOfWork, task_ids: set[str], now: datetime) -> None:
        todo = [t for t in (uow.session.get(Task, i) for i in task_ids) if t is not None]
        while todo:
            task = todo.pop()
            if task.deleted_at is None:
                uow.track(task).deleted_at = now
            todo += uow.session.scalars(select(Task).where(Task.parent_id == task.id,
                                                           Task.deleted_at.is_(None))).all()

    def _apply(self, ev: Event, fields: EventFields, *, new: bool = False) -> None:
        given = fields.given()
        if "summary" in given or new:
            ev.summary = " ".join((fields.summary or "").split())[:2000]
        for name in ("description", "location"):
            if name in given:
                setattr(ev, name, given[name])
        if "status" in given:
            if fields.status not in ("confirmed", "tentative", "cancelled"):
                raise ValidationError(f"Unknown event status {fields.status!r}.")
            ev.status = str(fields.status)
        if "task_id" in given:
            ev.task_id = fields.task_id
        if fields.clear_rrule:
            ev.rrule = None
        elif "rrule" in given:
            ev.rrule = validate.recurrence(fields.rrule)
        if fields.start is not None or fields.end is not None:
            cur = local_bounds(ev) if not new else (None, None)
            start = fields.start if fields.start is not None else cur[0]
            end = fields.end if fields.end is not None else cur[1]
            assert start is not None and end is not None
            # A moved event keeps its own zone; a new one takes the zone of its start.
            keep = None if new or ev.floating or ev.all_day else ev.tzid
            self._set_times(ev, start, end, fields.tzid or keep)
            if not new:
                ev.sequence = (ev.sequence or 0) + 1

    def _set_times(self, ev: Event, start: Bound, end: Bound, tzid: str | None) -> None:
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise ValidationError("Start and end must both be dates or both be times.")
        if not isinstance(start, datetime):
            assert not isinstance(end, datetime)
            if end <= start:
                raise ValidationError("An all-day event must end after it starts.")
            ev.all_day, ev.floating, ev.tzid = True, False, None
            ev.start_date, ev.end_date, ev.start_utc, ev.end_utc = start, end, None, None
            return
        assert isinstance(end, datetime)
        ev.all_day, ev.start_date, ev.end_date = False, None, None
        if start.tzinfo is None and end.tzinfo is None and tzid is None:
            if end < start:
                raise ValidationError("An event cannot end before it starts.")
            ev.floating, ev.tzid = True, None
            ev.start_utc, ev.end_utc = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
            return
        name = tzid or _zone_name(start) or ev.tzid or self.clock.zone_key()
        tz = validate.zone(name)
        s = start if start.tzinfo else start.replace(tzinfo=tz)
        e = end if end.tzinfo else end.replace(tzinfo=tz)
        if e < s:
            raise ValidationError("An event cannot end before it starts.")
        ev.floating, ev.tzid = False, name
        ev.start_utc, ev.end_utc = s.astimezone(UTC), e.astimezone(UTC)

    def _edit_this(self, uow: UnitOfWork, ev: Event, instance: str,
                   fields: EventFields) -> Event:
        if ev.recurrence_id == instance:
            self._apply(ev, fields)
            return ev
        start, end = _instance_bounds(uow.session, ev, instance)
        oid = new_id()
        ov = Event(id=oid, calendar_id=ev.calendar_id, uid=ev.uid, recurrence_id=instance,
                   this_and_future=False, summary=ev.summary, description=ev.description,
                   location=ev.location, status=ev.status, sequence=ev.sequence,
                   task_id=ev.task_id, raw_ics=strip_recurrence(ev.raw_ics), content_hash="",
                   rrule=None, rdate=None, exdate=None)
        self._set_times(ov, start, end, ev.tzid)
        self._apply(ov, fields)
        return uow.add(ov)

    def _split(self, uow: UnitOfWork, master: Event, ev: Event, instance: str,
               fields: EventFields) -> Event:
        old_start, old_end = _instance_bounds(uow.session, ev, instance)
        _, tz = kind_tz(master)
        new_start = fields.start if fields.start is not None else old_start
        delta = _wall(new_start, tz) - _wall(old_start, tz)
        cut = key_value(master, instance)
        nid = new_id()
        tail = Event(id=nid, calendar_id=master.calendar_id, uid=f"{nid}@cadence",
                     recurrence_id=None, this_and_future=False, summary=ev.summary,
                     description=ev.description, location=ev.location, status=ev.status,
                     sequence=0, task_id=ev.task_id, raw_ics=strip_recurrence(master.raw_ics),
                     content_hash="")
        tail.rrule = continued(master, cut, delta.days)
        early_r, late_r = split_keys(master.rdate, master, instance)
        early_x, late_x = split_keys(master.exdate, master, instance)
        self._set_times(tail, old_start, old_end, master.tzid)
        tail.rdate = join_keys([shift_key(master, k, delta) for k in late_r if "/" not in k])
        tail.exdate = join_keys([shift_key(master, k, delta) for k in late_x])
        master.rrule = truncated(master, cut)
        master.rdate, master.exdate = join_keys(early_r), join_keys(early_x)
        _bump(master)
        uow.add(tail)
        for part in _overrides(uow, master):
            if part.recurrence_id and part.recurrence_id >= instance:
                part.uid = tail.uid
                part.recurrence_id = shift_key(master, part.recurrence_id, delta)
        self._apply(tail, fields)
        return tail

    def _edit_all(self, uow: UnitOfWork, master: Event, ev: Event, instance: str,
                  fields: EventFields) -> Event:
        times = fields.start is not None or fields.end is not None
        plain = EventFields(**{k: v for k, v in fields.given().items()
                               if k not in ("start", "end", "tzid")})
        self._apply(master, plain)
        if not times:
            return master
        old_start, old_end = _instance_bounds(uow.session, ev, instance)
        kind, tz = kind_tz(master)
        new_start = fields.start if fields.start is not None else old_start
        old_length = _wall(old_end, tz) - _wall(old_start, tz)
        new_end = fields.end if fields.end is not None else new_start + (
            old_length if isinstance(new_start, datetime) else timedelta(days=old_length.days))
        delta = _wall(new_start, tz) - _wall(old_start, tz)
        length = _wall(new_end, tz) - _wall(new_start, tz)
        m_wall = _wall(local_bounds(master)[0], tz) + delta
        s: Bound
        e: Bound
        if isinstance(new_start, datetime) and new_start.tzinfo is None:
            s, e = m_wall, m_wall + length
        elif isinstance(new_start, datetime):
            target = zone(fields.tzid) if fields.tzid else (tz or new_start.tzinfo)
            s = m_wall.replace(tzinfo=target)
            e = s + length
        else:
            s = m_wall.date()
            e = s + timedelta(days=max(1, length.days))
        same_kind = isinstance(new_start, datetime) != master.all_day
        self._set_times(master, s, e, fields.tzid or master.tzid)
        master.sequence += 1
        if delta and same_kind:
            master.rrule = "\n".join(shift_rule(b, delta) for b in
                                     (master.rrule or "").split("\n") if b) or None
            master.exdate = join_keys([shift_key(master, k, delta)
                                       for k in (master.exdate or "").split(",") if k])
            for part in _overrides(uow, master):
                assert part.recurrence_id is not None
                part.recurrence_id = shift_key(master, part.recurrence_id, delta)
        return master


def _writable(session: Session, calendar_id: str) -> None:
    cal = session.get(Calendar, calendar_id)
    if cal is None or cal.deleted_at is not None:
        raise NotFoundError(f"No calendar with id {calendar_id}")
    if cal.read_only or cal.source_url:
        raise ValidationError(f"The calendar {cal.name!r} is read-only (a subscription).")


def _zone_name(value: datetime) -> str | None:
    key = getattr(value.tzinfo, "key", None)
    if key:
        return str(key)
    if value.tzinfo is not None and value.utcoffset() == timedelta(0):
        return "UTC"
    return None


def _master(uow: UnitOfWork, ev: Event) -> Event | None:
    found = uow.session.scalar(select(Event).where(
        Event.calendar_id == ev.calendar_id, Event.uid == ev.uid,
        Event.recurrence_id.is_(None), Event.deleted_at.is_(None)))
    return uow.track(found) if found is not None else None


def _overrides(uow: UnitOfWork, master: Event) -> list[Event]:
    found = uow.session.scalars(select(Event).where(
        Event.calendar_id == master.calendar_id, Event.uid == master.uid,
        Event.recurrence_id.is_not(None), Event.deleted_at.is_(None))).all()
    return [uow.track(e) for e in found]


def _bump(ev: Event) -> None:
    ev.sequence = (ev.sequence or 0) + 1


def _is_first(master: Event, instance: str) -> bool:
    _, tz = kind_tz(master)
    return _wall(key_value(master, instance), tz) <= _wall(local_bounds(master)[0], tz)


def _instance_bounds(session: Session, ev: Event, key: str) -> tuple[Bound, Bound]:
    """Current start/end of one instance (from the occurrence table, else from the key)."""
    kind, tz = kind_tz(ev)
    row: Any = session.execute(select(Occurrence.start, Occurrence.end).where(
        Occurrence.event_id == ev.id, Occurrence.recurrence_key == key)).first()
    if row is not None:
        return from_epoch(row.start, kind, tz), from_epoch(row.end, kind, tz)
    start, end = local_bounds(ev)
    value = key_value(ev, key)
    length = _wall(end) - _wall(start)
    if isinstance(value, datetime):
        return value, value + length
    return value, value + timedelta(days=max(1, length.days))
