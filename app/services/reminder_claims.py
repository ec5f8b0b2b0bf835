"""Claiming due triggers: the one write that makes a reminder fire exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert

from app.models import Task
from app.models.calendar import Event
from app.models.db import Store
from app.models.entities import OPEN_STATUSES
from app.models.reminders import Reminder
from app.services.reminder_dto import Delivery, ReminderDTO, Target, Trigger
from app.services.uow import read

FLOOD = 3  # more simultaneous on-time reminders than this are summarised
EVENT_ENTITIES = ("event", "calendar_event")


def dto(r: Reminder) -> ReminderDTO:
    return ReminderDTO(r.id, r.target_kind, r.target_id, r.ref_id, r.title, r.detail,
                       r.occurrence, r.trigger, r.trigger_at, r.state, r.snoozed_until,
                       r.fired_at, r.missed, r.seen)


def claim(store: Store, kinds: list[tuple[Trigger, str]], now: datetime
          ) -> list[tuple[ReminderDTO, str]]:
    """Write the fired rows of due triggers, one transaction. A trigger whose key is already
    there (another process fired it, or it was dismissed) yields nothing: shown once."""
    out: list[tuple[ReminderDTO, str]] = []
    with read(store) as s:
        for trig, kind in kinds:
            missed = kind in ("late", "missed")
            if not alive(s, trig):
                if trig.snoozed:
                    s.execute(update(Reminder).where(*key_where(trig))
                              .values(state="dismissed", snoozed_until=None, updated_at=now))
                continue
            values: dict[str, Any] = {"state": "fired", "fired_at": now, "missed": missed,
                                      "seen": False, "updated_at": now,
                                      "title": trig.title, "detail": trig.detail}
            if trig.snoozed:
                stmt: Any = (update(Reminder).where(
                    *key_where(trig), Reminder.state == "snoozed",
                    Reminder.snoozed_until == trig.at).values(snoozed_until=None, **values)
                    .returning(Reminder))
            else:
                stmt = (insert(Reminder).values(
                    target_kind=trig.kind, target_id=trig.target_id,
                    occurrence=trig.occurrence, trigger=trig.trigger, trigger_at=trig.at,
                    ref_id=trig.ref_id, **values)
                    .on_conflict_do_nothing().returning(Reminder))
            row = s.scalars(stmt).first()
            if row is not None:
                out.append((dto(row), kind))
        s.commit()
    return out


def key_where(trig: Trigger) -> tuple[Any, ...]:
    return (Reminder.target_kind == trig.kind, Reminder.target_id == trig.target_id,
            Reminder.occurrence == trig.occurrence, Reminder.trigger == trig.trigger)


def alive(s: Any, trig: Trigger) -> bool:
    """The item still wants reminding: an open, live task / a live, not cancelled event."""
    if trig.kind == "task":
        row = s.execute(select(Task.status, Task.deleted_at).where(Task.id == trig.ref_id)).first()
        return row is not None and row[1] is None and row[0] in OPEN_STATUSES
    row = s.execute(select(Event.status, Event.deleted_at).where(Event.id == trig.ref_id)).first()
    return row is not None and row[1] is None and row[0] != "cancelled"


def targets_of(rows: Iterable[Any]) -> set[Target] | None:
    """Targets touched by change-log rows; None when something needs a full re-plan."""
    from app.services.snapshots import loads

    targets: set[Target] = set()
    for _id, entity, entity_id, before, after in rows:
        if entity == "task":
            targets.add(("task", entity_id))
        elif entity == "reminder_rule":
            image = loads(after) or loads(before) or {}
            if "task_id" in image:
                targets.add(("task", str(image["task_id"])))
        elif entity in EVENT_ENTITIES:
            targets.add(("event", entity_id))
        elif entity == "calendar":
            return None
    return targets


def sort_claimed(claimed: list[tuple[ReminderDTO, str]]) -> Delivery:
    on_time = [r for r, k in claimed if k == "on_time"]
    late = [r for r, k in claimed if k == "late"]
    held = [r for r, k in claimed if k == "held"]
    delivery = Delivery(
        individual=on_time[:FLOOD],
        overflow=on_time[FLOOD:],
        missed=[r for r, k in claimed if k == "missed"],
    )
    if len(late) == 1:
        delivery.individual.append(late[0])
    else:
        delivery.grouped.extend(late)
    if len(held) == 1:
        delivery.individual.append(held[0])
    else:
        delivery.held.extend(held)
    return delivery
