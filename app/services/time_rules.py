"""Rules every tracked interval obeys: length, no future, no overlaps; local times across DST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, ValidationError
from app.models import Task, TimeEntry, new_id
from app.services.uow import UnitOfWork

# Toggl's limit. Closed entries never exceed it, so a range query looks back only this far.
MAX_ENTRY = timedelta(hours=999)
# Another process's clock, or the seconds between reading "now" and storing, may differ a bit.
FUTURE_SLACK = timedelta(seconds=5)


def whole_seconds(value: datetime) -> datetime:
    """Entries are kept to the second (like Toggl), so sums in SQL and Python agree exactly."""
    if value.tzinfo is None:
        raise ValidationError("A time without a zone cannot be stored; give an offset or zone.")
    return value.astimezone(UTC).replace(microsecond=0)


def fmt_local(value: datetime, zone: ZoneInfo, *, with_day: bool = True) -> str:
    local = value.astimezone(zone)
    return local.strftime("%a %d %b %Y %H:%M:%S" if with_day else "%H:%M:%S")


def fmt_duration(seconds: int) -> str:
    """3725 -> '1:02:05'."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def check_interval(start: datetime, end: datetime | None, now: datetime,
                   zone: ZoneInfo) -> None:
    """Refuse end before start, zero length, longer than 999 h and anything in the future."""
    if start > now + FUTURE_SLACK:
        raise ValidationError(
            f"An entry cannot start in the future ({fmt_local(start, zone)})."
        )
    if end is None:
        return
    if end < start:
        raise ValidationError(
            f"The end ({fmt_local(end, zone)}) is before the start ({fmt_local(start, zone)})."
        )
    if end == start:
        raise ValidationError("An entry must last at least one second (start and end are equal).")
    if end - start > MAX_ENTRY:
        raise ValidationError("An entry can be at most 999 hours long.")
    if end > now + FUTURE_SLACK:
        raise ValidationError(f"An entry cannot end in the future ({fmt_local(end, zone)}).")


def live_task(session: Session, task_id: str) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise ValidationError(f"No task with id {task_id}.")
    if task.deleted_at is not None:
        raise ValidationError(f"The task “{task.title}” was deleted; restore it first.")
    return task


def running_entry(session: Session) -> TimeEntry | None:
    return session.scalar(
        select(TimeEntry).where(TimeEntry.end_at.is_(None), TimeEntry.deleted_at.is_(None))
    )


def overlapping(session: Session, start: datetime, end: datetime, now: datetime,
                exclude: tuple[str, ...] = ()) -> list[TimeEntry]:
    """Live entries sharing any second with [start, end); the running one counts up to now."""
    stmt = (
        select(TimeEntry)
        .where(
            TimeEntry.deleted_at.is_(None),
            TimeEntry.start_at < end,
            TimeEntry.start_at >= start - MAX_ENTRY,
            or_(TimeEntry.end_at.is_(None), TimeEntry.end_at > start),
        )
        .order_by(TimeEntry.start_at)
    )
    found = [e for e in session.scalars(stmt) if e.id not in exclude]
    running = running_entry(session)
    if (running is not None and running.id not in exclude and running not in found
            and running.start_at < end and now > start):
        found.append(running)
    return [e for e in found if e.end_at is not None or now > start]


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime | None  # None = running


def cut(existing: Interval, start: datetime, end: datetime | None) -> list[Interval]:
    """What remains of ``existing`` after removing [start, end) (end None = open-ended)."""
    pieces: list[Interval] = []
    if existing.start < start:
        left_end = start if existing.end is None or existing.end > start else existing.end
        pieces.append(Interval(existing.start, left_end))
    if end is not None and (existing.end is None or existing.end > end):
        pieces.append(Interval(max(end, existing.start), existing.end))
    return [p for p in pieces if p.end is None or p.end > p.start]


def resolve_overlaps(uow: UnitOfWork, start: datetime, end: datetime | None, now: datetime,
                     zone: ZoneInfo, *, trim: bool, exclude: tuple[str, ...] = ()) -> None:
    """Refuse an overlap with a clear message, or (trim=True) cut the others to make room."""
    effective_end = end if end is not None else now
    others = overlapping(uow.session, start, effective_end, now, exclude)
    if not others:
        return
    if not trim:
        first = others[0]
        title = uow.session.scalar(select(Task.title).where(Task.id == first.task_id))
        until = "now" if first.end_at is None else fmt_local(first.end_at, zone, with_day=False)
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        raise ConflictError(
            f"Overlaps “{title or '(no task)'}” {fmt_local(first.start_at, zone)}–{until}{more}; "
            "nothing was saved."
        )
    for other in others:
        _trim_one(uow, other, start, end, now)


def _trim_one(uow: UnitOfWork, other: TimeEntry, start: datetime, end: datetime | None,
              now: datetime) -> None:
    uow.track(other)
    pieces = cut(Interval(other.start_at, other.end_at), start, end)
    if not pieces:
        other.deleted_at = now
        return
    first, *rest = pieces
    other.start_at, other.end_at = first.start, first.end
    uow.session.flush()
    for piece in rest:
        uow.add(TimeEntry(
            id=new_id(), task_id=other.task_id, start_at=piece.start, end_at=piece.end,
            tz=other.tz, note=other.note, source=other.source, billable=other.billable,
        ))


def local_instant(day: date, wall: time, zone: ZoneInfo, *, fold: int | None = None) -> datetime:
    """A local wall time as an aware instant; refuses times skipped or (unless fold) repeated.

    ``fold`` picks the first (0) or second (1) of a repeated hour, as in PEP 495.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    back0 = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back0 != naive and second.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks jump forward "
            "then); give a UTC offset such as +01:00."
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise ValidationError(
                f"{naive:%Y-%m-%d %H:%M} happens twice in {zone.key} (the clocks go back "
                f"then); give a UTC offset: {_offset(first)} or {_offset(second)}."
            )
        return second if fold else first
    return first


def _offset(value: datetime) -> str:
    text = value.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """ISO 8601 with an offset, or a local time in ``zone`` ('2026-11-28 09:30', '…T09:30')."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            f"Not a date and time: {raw!r} (use ISO 8601, e.g. 2026-11-28T09:30 or "
            "2026-11-28T09:30+01:00)."
        ) from exc
    if value.tzinfo is not None:
        return whole_seconds(value)
    return whole_seconds(local_instant(value.date(), value.time(), zone))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(f"Not a date: {text!r} (use YYYY-MM-DD).") from exc


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of local midnight (01:00 on a DST day that skips midnight)."""
    naive = datetime.combine(day, time())
    candidate = naive.replace(tzinfo=zone)
    if candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        candidate = (naive + timedelta(hours=1)).replace(tzinfo=zone)
    return candidate.astimezone(UTC)


def split_by_day(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[date, int]]:
    """Seconds per local day of [start, end): an entry over midnight counts on both days."""
    out: list[tuple[date, int]] = []
    day = start.astimezone(zone).date()
    cursor = start
    while cursor < end:
        boundary = day_start(day + timedelta(days=1), zone)
        piece_end = min(boundary, end)
        seconds = int((piece_end - cursor).total_seconds())
        if seconds > 0:
            out.append((day, seconds))
        cursor = piece_end
        day += timedelta(days=1)
    return out
