"""Keeping the occurrence table in step with events: the window, group rebuilds, a flush hook.

Every change to an event's times or recurrence made through the ORM (service edits, undo,
redo) is caught by a session hook that rebuilds the occurrences of that UID in the same
transaction, so the table can never disagree with the events. Bulk imports write events
with Core statements and call ``insert_rows`` themselves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, event, insert, or_, select, update
from sqlalchemy.orm import Session, attributes

from app.models import Setting
from app.models.calendar import Event, Occurrence
from app.services.calendar_expand import Window, expand_group

WINDOW_KEY = "calendar.window"
YEARS_BACK = 2
YEARS_AHEAD = 3
EXTEND_MARGIN = timedelta(days=366)
_TIMING = ("calendar_id", "uid", "recurrence_id", "this_and_future", "all_day", "floating",
           "tzid", "start_utc", "end_utc", "start_date", "end_date", "rrule", "rdate",
           "exdate", "status", "deleted_at")
TIME_COLUMNS = [getattr(Event, c) for c in (
    "id", "calendar_id", "uid", "recurrence_id", "this_and_future", "all_day", "floating",
    "tzid", "start_utc", "end_utc", "start_date", "end_date", "rrule", "rdate", "exdate",
    "status")]
_OCC = cast(Table, Occurrence.__table__)
_COLS = ("event_id", "start", "end", "span", "all_day", "floating", "recurrence_key")


def default_window(today: date) -> Window:
    start = datetime.combine(today.replace(day=1), time(), UTC)
    return Window(start.replace(year=start.year - YEARS_BACK),
                  start.replace(year=start.year + YEARS_AHEAD))


def peek_window(conn: Connection | Session) -> Window | None:
    raw = conn.execute(select(Setting.value).where(Setting.key == WINDOW_KEY)).scalar()
    if raw is None:
        return None
    data = json.loads(raw)
    return Window(datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))


def load_window(conn: Connection | Session, today: date | None = None) -> Window:
    """The stored window, created around ``today`` (default: now) on first use."""
    raw = conn.execute(select(Setting.value).where(Setting.key == WINDOW_KEY)).scalar()
    if raw is None:
        win = default_window(today or datetime.now(UTC).date())
        conn.execute(insert(Setting).values(key=WINDOW_KEY, value=_dump(win)))
        return win
    data = json.loads(raw)
    return Window(datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))


def _dump(win: Window) -> str:
    return json.dumps({"start": win.start.isoformat(), "end": win.end.isoformat()})


def insert_rows(conn: Connection | Session, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        conn.execute(insert(_OCC), [dict(zip(_COLS, r, strict=True)) for r in rows])


def rebuild_groups(conn: Connection | Session, keys: Iterable[tuple[str, str]],
                   win: Window | None = None) -> list[str]:
    """Recompute the occurrences of whole UIDs (calendar id, uid); returns warnings."""
    by_calendar: dict[str, set[str]] = defaultdict(set)
    for cal, uid in keys:
        by_calendar[cal].add(uid)
    if not by_calendar:
        return []
    win = win or load_window(conn)
    notes: list[str] = []
    for cal, uids in by_calendar.items():
        ordered = sorted(uids)
        for i in range(0, len(ordered), 400):
            chunk = ordered[i:i + 400]
            ids = select(Event.id).where(Event.calendar_id == cal, Event.uid.in_(chunk))
            conn.execute(delete(_OCC).where(_OCC.c.event_id.in_(ids)))
            rows = conn.execute(select(*TIME_COLUMNS).where(
                Event.calendar_id == cal, Event.uid.in_(chunk), Event.deleted_at.is_(None)
            )).all()
            groups: dict[str, list[tuple[str, Any]]] = defaultdict(list)
            for row in rows:
                groups[row.uid].append((row.id, row))
            out: list[Any] = []
            for parts in groups.values():
                exp = expand_group(parts, win)
                out += exp.in_window(win)
                notes += exp.warnings
            insert_rows(conn, out)
    return notes


def extend_window(session: Session, start: datetime, end: datetime) -> Window:
    """Grow the expansion window to cover [start, end) and expand every series over the
    newly covered slices only."""
    win = load_window(session)
    if start >= win.start and end <= win.end:
        return win
    new = Window(min(win.start, start - EXTEND_MARGIN), max(win.end, end + EXTEND_MARGIN))
    slices = [Window(new.start, win.start)] if new.start < win.start else []
    if new.end > win.end:
        slices.append(Window(win.end, new.end))
    by_key: dict[tuple[str, str], list[tuple[str, Any]]] = defaultdict(list)
    for row in session.execute(select(*TIME_COLUMNS).where(
            Event.deleted_at.is_(None),
            or_(Event.recurrence_id.is_not(None), Event.rrule.is_not(None),
                Event.rdate.is_not(None)))):
        by_key[(row.calendar_id, row.uid)].append((row.id, row))
    for piece in slices:
        rows: list[Any] = []
        for parts in by_key.values():
            exp = expand_group(parts, piece)
            if exp.windowed:  # single events and fallbacks are stored once, already
                rows += exp.in_window(piece)
        insert_rows(session, rows)
    session.execute(update(Setting).where(Setting.key == WINDOW_KEY).values(value=_dump(new)))
    return new


# -- the flush hook ---------------------------------------------------------------------------

def _changed(obj: Event) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in _TIMING)


def _old_key(obj: Event) -> tuple[str, str] | None:
    state = attributes.instance_state(obj)
    cal = state.attrs["calendar_id"].history.deleted
    uid = state.attrs["uid"].history.deleted
    if not cal and not uid:
        return None
    return (cal[0] if cal else obj.calendar_id), (uid[0] if uid else obj.uid)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx: Any, _instances: Any) -> None:
    pending: set[tuple[str, str]] = session.info.setdefault("calendar_rebuild", set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Event):
            continue
        if obj in session.new or obj in session.deleted or _changed(obj):
            pending.add((obj.calendar_id, obj.uid))
            old = _old_key(obj)
            if old is not None:
                pending.add(old)


@event.listens_for(Session, "after_flush")
def _rebuild(session: Session, _ctx: Any) -> None:
    pending: set[tuple[str, str]] = session.info.pop("calendar_rebuild", set())
    if pending:
        notes = rebuild_groups(session.connection(), pending)
        session.info.setdefault("calendar_warnings", []).extend(notes)
