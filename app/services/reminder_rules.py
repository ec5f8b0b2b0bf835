"""Task reminder rules (at due, N before, at an instant; undoable) and calendar default leads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from app.errors import NotFoundError, ValidationError
from app.models import Task, new_id
from app.models.calendar import Calendar
from app.models.db import Store
from app.models.reminders import CalendarReminderLead, ReminderRule
from app.services.clock import Clock
from app.services.reminder_dto import RuleDTO
from app.services.reminder_time import lead_before, parse_lead
from app.services.snapshots import register_entity
from app.services.uow import read, write

register_entity("reminder_rule", ReminderRule)

NO_REMINDER = "none"
MAX_RULES = 20


def _dto(rule: ReminderRule) -> RuleDTO:
    return RuleDTO(rule.id, rule.task_id, rule.lead, rule.at)


class RuleBook:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def rules(self, task_id: str) -> list[RuleDTO]:
        stmt = (select(ReminderRule).where(ReminderRule.task_id == task_id,
                                           ReminderRule.deleted_at.is_(None))
                .order_by(ReminderRule.lead_seconds.desc(), ReminderRule.at))
        with read(self.store) as s:
            return [_dto(r) for r in s.scalars(stmt)]

    def add(self, task_id: str, *, before: str | None = None, at: datetime | None = None,
            label: str = "Add reminder") -> RuleDTO:
        """Add a rule: ``before`` ("0m" = at due, "15m", "2h", "1d", "-PT15M", "none") or
        ``at`` (an aware instant in the future). An identical rule is not added twice."""
        if (before is None) == (at is None):
            raise ValidationError("Give either a lead before the due or a time, not both.")
        lead = None
        if before is not None:
            lead = NO_REMINDER if before.strip().lower() == NO_REMINDER else \
                lead_before(before).key()
        if at is not None:
            if at.tzinfo is None:
                raise ValidationError("A reminder time needs a time zone.")
            if at <= self.clock.now():
                raise ValidationError(
                    f"{at.astimezone(self.clock.zone):%Y-%m-%d %H:%M} has already passed.")
        with write(self.store, label, clock=self.clock) as uow:
            task = uow.session.get(Task, task_id)
            if task is None or task.deleted_at is not None:
                raise NotFoundError(f"No task with id {task_id}.")
            if lead not in (None, NO_REMINDER) and task.due_date is None:
                raise ValidationError(
                    f"“{task.title}” has no due date, so a reminder before it cannot be "
                    "planned; give a time with --at instead.")
            existing = uow.session.scalars(select(ReminderRule).where(
                ReminderRule.task_id == task_id, ReminderRule.deleted_at.is_(None))).all()
            for rule in existing:
                same = rule.lead == lead if lead is not None else rule.at == at
                if same:
                    return _dto(rule)
            if len(existing) >= MAX_RULES:
                raise ValidationError(f"A task can have at most {MAX_RULES} reminders.")
            seconds = 0 if lead is None or lead == NO_REMINDER else \
                parse_lead(lead).approx_seconds
            rule = uow.add(ReminderRule(id=new_id(), task_id=task_id, lead=lead,
                                        lead_seconds=seconds, at=at))
            return _dto(rule)

    def remove(self, rule_id: str) -> None:
        with write(self.store, "Remove reminder", clock=self.clock) as uow:
            rule = uow.get(ReminderRule, rule_id)
            rule.deleted_at = self.clock.now()

    def calendar_lead(self, calendar_id: str) -> tuple[bool, str | None]:
        """(has its own setting, lead or None = no reminders) for a calendar."""
        with read(self.store) as s:
            row = s.get(CalendarReminderLead, calendar_id)
            return (False, None) if row is None else (True, row.lead)

    def set_calendar_lead(self, calendar_id: str, before: str | None) -> None:
        """Default lead for this calendar's timed events ("10m"; None = no reminders)."""
        lead = None if before is None else lead_before(before).key()
        seconds = 0 if lead is None else parse_lead(lead).approx_seconds
        with read(self.store) as s:
            cal = s.get(Calendar, calendar_id)
            if cal is None or cal.deleted_at is not None:
                raise NotFoundError(f"No calendar with id {calendar_id}.")
            stmt = insert(CalendarReminderLead).values(
                calendar_id=calendar_id, lead=lead, lead_seconds=seconds)
            s.execute(stmt.on_conflict_do_update(
                index_elements=[CalendarReminderLead.calendar_id],
                set_={"lead": lead, "lead_seconds": seconds}))
            s.commit()

    def clear_calendar_lead(self, calendar_id: str) -> None:
        """Back to the global default lead for events."""
        with read(self.store) as s:
            row = s.get(CalendarReminderLead, calendar_id)
            if row is not None:
                s.delete(row)
                s.commit()
