"""Writing ICS: VEVENTs from stored events (unmodelled lines kept), VTODOs from tasks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from app import __version__
from app.errors import NotFoundError
from app.models.db import Store
from app.services.calendar_expand import EventTimes
from app.services.calendar_records import EVENT_PROPS, parse_key
from app.services.calendar_todo_records import task_priority_to_ics
from app.services.calendar_zones import zone
from app.services.clock import Clock
from app.services.ics_parse import split_line
from app.services.uow import read

if TYPE_CHECKING:
    from app.services.dto import TaskDTO
    from app.services.tasks import TaskService

PRODID = f"-//Cadence//Cadence {__version__}//EN"
_OWNED = EVENT_PROPS | {"DTSTAMP", "X-CADENCE-TASK"}
_TODO_STATUS = {"todo": "NEEDS-ACTION", "in_progress": "IN-PROCESS", "done": "COMPLETED",
                "cancelled": "CANCELLED"}


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets without cutting a UTF-8 sequence (RFC 5545 §3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    chunk = ""
    size = 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append(chunk)
            chunk, size, limit = "", 0, 74
        chunk += ch
        size += width
    parts.append(chunk)
    return "\r\n ".join(parts)


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(p: EventTimes, key: str) -> str:
    """A key written in the event's own form (TZID, UTC or floating)."""
    if len(key) == 8 or not key.endswith("Z") or p.floating or p.tzid in (None, "UTC"):
        return f";VALUE=DATE:{key}" if len(key) == 8 else f":{key}"
    value = parse_key(key, zone(p.tzid or "UTC"))
    assert isinstance(value, datetime)
    return f";TZID={p.tzid}:{value.strftime('%Y%m%dT%H%M%S')}"


def _moment(p: EventTimes, value: datetime | None, day: date | None) -> str:
    if p.all_day:
        assert day is not None
        return f";VALUE=DATE:{_date(day)}"
    assert value is not None
    if p.floating:
        return f":{value.strftime('%Y%m%dT%H%M%S')}"
    if p.tzid in (None, "UTC"):
        return f":{_stamp(value)}"
    local = value.astimezone(zone(p.tzid or "UTC"))
    return f";TZID={p.tzid}:{local.strftime('%Y%m%dT%H%M%S')}"


def _until(p: EventTimes, hi: datetime) -> str:
    if p.all_day:
        return _date(hi.date())
    if p.floating:
        return hi.replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
    return _stamp(hi)


def _date_list(name: str, p: EventTimes, text: str | None) -> list[str]:
    """RDATE/EXDATE lines, one per value kind (dates, periods, instants)."""
    if not text:
        return []
    groups: dict[str, list[str]] = {}
    for key in text.split(","):
        if "/" in key:
            groups.setdefault(";VALUE=PERIOD:", []).append(key)
        elif len(key) == 8:
            groups.setdefault(";VALUE=DATE:", []).append(key)
        else:
            prefix = _local(p, key)
            head, _, value = prefix.rpartition(":")
            groups.setdefault(head + ":", []).append(value)
    return [f"{name}{head}{','.join(values)}" for head, values in groups.items()]


def time_lines(p: EventTimes, *, until: datetime | None = None) -> list[str]:
    """DTSTART, DTEND, RRULE, RDATE, EXDATE, RECURRENCE-ID and STATUS of an event."""
    lines = [f"DTSTART{_moment(p, p.start_utc, p.start_date)}",
             f"DTEND{_moment(p, p.end_utc, p.end_date)}"]
    for body in (p.rrule or "").split("\n"):
        if not body:
            continue
        bounded = until is not None and "UNTIL=" not in body and "COUNT=" not in body
        lines.append(f"RRULE:{body};UNTIL={_until(p, until)}" if bounded and until else
                     f"RRULE:{body}")
    lines += _date_list("RDATE", p, p.rdate)
    lines += _date_list("EXDATE", p, p.exdate)
    if p.recurrence_id:
        lines.append(f"RECURRENCE-ID{_local(p, p.recurrence_id)}")
        if p.this_and_future:
            name, _, value = lines[-1].partition(":")
            lines[-1] = f"{name};RANGE=THISANDFUTURE:{value}"
    lines.append(f"STATUS:{p.status.upper()}")
    return lines


class Exportable(EventTimes, Protocol):
    """An event with everything export needs (Event rows and ORM objects qualify)."""

    @property
    def summary(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def sequence(self) -> int: ...
    @property
    def raw_ics(self) -> str: ...
    @property
    def task_id(self) -> str | None: ...


def kept_lines(raw: str) -> tuple[list[str], list[str]]:
    """Unmodelled property lines and sub-component lines (VALARM...) of a stored component."""
    lines = [ln for ln in raw.replace("\r\n", "\n").split("\n") if ln]
    if len(lines) < 2:
        return [], []
    props: list[str] = []
    subs: list[str] = []
    depth = 0
    for line in lines[1:-1]:
        head = line[:6].upper()
        if head == "BEGIN:":
            depth += 1
        if depth:
            subs.append(line)
        else:
            try:
                name = split_line(line)[0]
            except ValueError:
                continue
            if name not in _OWNED:
                props.append(line)
        if head[:4] == "END:" and depth:
            depth -= 1
    return props, subs


def event_lines(ev: Exportable, *, stamp: datetime) -> list[str]:
    props, subs = kept_lines(ev.raw_ics)
    lines = ["BEGIN:VEVENT", f"UID:{ev.uid}", f"DTSTAMP:{_stamp(stamp)}",
             f"SEQUENCE:{ev.sequence}"]
    if ev.summary:
        lines.append(f"SUMMARY:{escape(ev.summary)}")
    if ev.description:
        lines.append(f"DESCRIPTION:{escape(ev.description)}")
    if ev.location:
        lines.append(f"LOCATION:{escape(ev.location)}")
    lines += time_lines(ev)
    if ev.task_id:
        lines.append(f"X-CADENCE-TASK:{ev.task_id}")
    return [*lines, *props, *subs, "END:VEVENT"]


def todo_lines(task: TaskDTO, *, stamp: datetime, parent_uid: str | None) -> list[str]:
    lines = ["BEGIN:VTODO", f"UID:{task.ics_uid}", f"DTSTAMP:{_stamp(stamp)}",
             f"SUMMARY:{escape(task.title)}", f"STATUS:{_TODO_STATUS[task.status]}"]
    if task.notes:
        lines.append(f"DESCRIPTION:{escape(task.notes)}")
    if task.priority != 4:
        lines.append(f"PRIORITY:{task_priority_to_ics(task.priority)}")
    if task.due_at is not None and task.due_tz:
        local = task.due_at.astimezone(zone(task.due_tz))
        lines.append(f"DUE;TZID={task.due_tz}:{local.strftime('%Y%m%dT%H%M%S')}")
    elif task.due_at is not None:
        lines.append(f"DUE:{_stamp(task.due_at)}")
    elif task.due_date is not None:
        lines.append(f"DUE;VALUE=DATE:{_date(task.due_date)}")
    if task.completed is not None:
        lines.append(f"COMPLETED:{_stamp(task.completed)}")
    if task.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in task.tags))
    if parent_uid:
        lines.append(f"RELATED-TO;RELTYPE=PARENT:{parent_uid}")
    if task.recurrence:
        lines.append(f"RRULE:{task.recurrence}")
    lines.append(f"CREATED:{_stamp(task.created)}")
    lines.append(f"LAST-MODIFIED:{_stamp(task.updated)}")
    return [*lines, "END:VTODO"]


def vtimezones(tzids: Iterable[str]) -> list[str]:
    """VTIMEZONE components for the IANA zones used (icalendar builds them from tzdata)."""
    import icalendar

    out: list[str] = []
    for tzid in sorted(set(tzids) - {"UTC"}):
        text = icalendar.Timezone.from_tzid(tzid).to_ical().decode("utf-8")
        out += [ln for ln in text.replace("\r\n", "\n").split("\n") if ln]
    return out


def calendar_text(components: Sequence[list[str]], *, name: str | None, tzids: Iterable[str],
                  extra: Sequence[str] = ()) -> str:
    """A whole VCALENDAR (folded, CRLF) from component line lists."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    lines += extra
    lines += vtimezones(tzids)
    for comp in components:
        lines += comp
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(ln) for ln in lines) + "\r\n"


class IcsExporter:
    """Whole calendars, date ranges of a calendar, or selected tasks as VTODOs."""

    def __init__(self, store: Store, clock: Clock, tasks: TaskService) -> None:
        self.store = store
        self.clock = clock
        self.tasks = tasks

    def calendar_text(self, calendar_id: str, *, first: date | None = None,
                      last: date | None = None) -> tuple[str, int]:
        """(ICS text, number of VEVENTs). With a range, whole series that have an instance
        between the start of ``first`` and the end of ``last`` (inclusive) are written."""
        from sqlalchemy import select

        from app.models.calendar import Calendar, Event, Occurrence
        from app.services.calendar_records import epoch

        with read(self.store) as s:
            cal = s.get(Calendar, calendar_id)
            if cal is None or cal.deleted_at is not None:
                raise NotFoundError(f"No calendar with id {calendar_id}")
            stmt = select(Event).where(Event.calendar_id == calendar_id,
                                       Event.deleted_at.is_(None))
            if first is not None or last is not None:
                lo = epoch(first or date(1, 1, 1)) - 86400 * 2
                hi = epoch((last or date(9998, 12, 30)) + timedelta(days=1)) + 86400 * 2
                uids = (select(Event.uid).join(Occurrence, Occurrence.event_id == Event.id)
                        .where(Event.calendar_id == calendar_id, Occurrence.start < hi,
                               Occurrence.end > lo))
                stmt = stmt.where(Event.uid.in_(uids))
            events = s.scalars(stmt.order_by(Event.uid, Event.recurrence_id)).all()
            now = self.clock.now()
            comps = [event_lines(ev, stamp=now) for ev in events]
            zones = {ev.tzid for ev in events if ev.tzid and not ev.floating}
            name = cal.name
        return calendar_text(comps, name=name, tzids=zones), len(comps)

    def tasks_text(self, task_ids: Sequence[str]) -> str:
        found = [self.tasks.get(i) for i in task_ids]
        uids = {t.id: t.ics_uid for t in found}
        for t in found:
            if t.parent_id and t.parent_id not in uids:
                uids[t.parent_id] = self.tasks.get(t.parent_id).ics_uid
        now = self.clock.now()
        comps = [todo_lines(t, stamp=now, parent_uid=uids.get(t.parent_id or ""))
                 for t in found]
        zones = {t.due_tz for t in found if t.due_tz and t.due_at is not None}
        return calendar_text(comps, name=None, tzids=zones)
