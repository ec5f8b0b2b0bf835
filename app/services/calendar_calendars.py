"""Calendar use cases: list, create, rename, recolour, show/hide, delete (local or subscribed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.models import new_id
from app.models.calendar import Calendar, Event
from app.models.db import Store
from app.services import validate
from app.services.calendar_dto import CalendarDTO
from app.services.clock import Clock
from app.services.uow import UnitOfWork, read, write

PALETTE = ("#3b82c4", "#d9534f", "#5cb85c", "#f0ad4e", "#8e6bbf", "#2bb3a6", "#e07b39",
           "#6c7a89")
_UNSET: Any = object()


def to_dto(cal: Calendar, count: int = 0) -> CalendarDTO:
    return CalendarDTO(
        id=cal.id, name=cal.name, color=cal.color, tz=cal.tz, visible=cal.visible,
        read_only=cal.read_only, position=cal.position, source_url=cal.source_url,
        refresh_minutes=cal.refresh_minutes, last_fetched=cal.last_fetched,
        last_error=cal.last_error, event_count=count,
    )


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("A calendar needs a name.")
    if len(cleaned) > 200:
        raise ValidationError("A calendar name can be at most 200 characters.")
    return cleaned


def find_by_name(session: Session, name: str) -> Calendar | None:
    """The live calendar with this name, ignoring case (in Python: SQLite's lower() only
    knows ASCII, and calendar names are often "Öffentlich" or "日本の祝日")."""
    wanted = clean_name(name).casefold()
    live = session.scalars(select(Calendar).where(Calendar.deleted_at.is_(None)))
    return next((c for c in live if c.name.casefold() == wanted), None)


def new_calendar(uow: UnitOfWork, name: str, *, color: str | None = None,
                 tz: str | None = None, **extra: Any) -> Calendar:
    name = clean_name(name)
    if find_by_name(uow.session, name) is not None:
        raise ValidationError(f"A calendar named {name!r} already exists.")
    if tz is not None:
        validate.zone(tz)
    count = uow.session.scalar(select(func.count()).select_from(Calendar)) or 0
    top = uow.session.scalar(select(func.max(Calendar.position))) or 0.0
    cal = Calendar(id=new_id(), name=name, color=color or PALETTE[count % len(PALETTE)], tz=tz,
                   visible=True, read_only=False, position=float(top) + 1.0, **extra)
    return uow.add(cal)


class CalendarService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def list(self, *, with_counts: bool = False) -> list[CalendarDTO]:
        with read(self.store) as s:
            cals = s.scalars(select(Calendar).where(Calendar.deleted_at.is_(None))
                             .order_by(Calendar.position)).all()
            counts: dict[str, int] = {}
            if with_counts:
                rows = s.execute(
                    select(Event.calendar_id, func.count()).where(Event.deleted_at.is_(None))
                    .group_by(Event.calendar_id))
                counts = {cal_id: int(n) for cal_id, n in rows}
        return [to_dto(c, counts.get(c.id, 0)) for c in cals]

    def get(self, calendar_id: str) -> CalendarDTO:
        with read(self.store) as s:
            cal = s.get(Calendar, calendar_id)
            if cal is None or cal.deleted_at is not None:
                raise NotFoundError(f"No calendar with id {calendar_id}")
            return to_dto(cal)

    def by_name(self, name: str) -> CalendarDTO:
        with read(self.store) as s:
            cal = find_by_name(s, name)
            if cal is None:
                raise NotFoundError(f"No calendar named {name!r}.")
            return to_dto(cal)

    def create(self, name: str, *, color: str | None = None, tz: str | None = None) -> CalendarDTO:
        with write(self.store, "Add calendar", clock=self.clock) as uow:
            cal = new_calendar(uow, name, color=color, tz=tz)
        return self.get(cal.id)

    def default(self) -> CalendarDTO:
        """The first writable local calendar, created ("Personal") when there is none."""
        for cal in self.list():
            if not cal.read_only and not cal.is_subscription:
                return cal
        return self.create("Personal")

    def update(self, calendar_id: str, *, name: str = _UNSET, color: str = _UNSET,
               tz: str | None = _UNSET, visible: bool = _UNSET) -> CalendarDTO:
        with write(self.store, "Edit calendar", clock=self.clock) as uow:
            cal = uow.get(Calendar, calendar_id)
            if name is not _UNSET:
                name = clean_name(name)
                other = find_by_name(uow.session, name)
                if other is not None and other.id != cal.id:
                    raise ValidationError(f"A calendar named {name!r} already exists.")
                cal.name = name
            if color is not _UNSET:
                cal.color = color
            if tz is not _UNSET:
                if tz is not None:
                    validate.zone(tz)
                cal.tz = tz
            if visible is not _UNSET:
                cal.visible = bool(visible)
        return self.get(calendar_id)

    def set_visible(self, calendar_id: str, visible: bool) -> CalendarDTO:
        return self.update(calendar_id, visible=visible)

    def delete(self, calendar_id: str) -> None:
        """Tombstone the calendar; its events disappear with it and come back on undo."""
        with write(self.store, "Delete calendar", clock=self.clock) as uow:
            cal = uow.get(Calendar, calendar_id)
            cal.deleted_at = self.clock.now()
