"""Planning reminder triggers from the database, for a window of time or a few items.

Sources: tasks (dues + rules), event occurrences (VALARMs + calendar leads) and snoozed
reminders.

Every query is a range over an indexed column (tasks.due_date, occurrences.start,
reminder_rules.at, reminders.occurrence) or a primary-key lookup, and every statement is
built once with bound parameters (SQLAlchemy then reuses its compiled form), so planning
the next two days out of 10,000 tasks and 50,000 events reads only the rows in that window
and re-planning one edited task is four small indexed reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.models import Project, Task
from app.models.db import Store
from app.models.entities import OPEN_STATUSES
from app.models.reminders import ABSOLUTE, Reminder, ReminderRule
from app.services import reminder_events
from app.services.clock import Clock
from app.services.reminder_dto import Key, Target, Trigger
from app.services.reminder_rules import NO_REMINDER
from app.services.reminder_settings import ReminderSettings
from app.services.reminder_text import task_detail
from app.services.reminder_time import Lead, apply_lead, cached_lead, wall
from app.services.uow import read
from app.services.validate import zone as zone_of

SLACK = timedelta(days=1)  # leads after the occurrence, DST shifts of day leads

_TASKS = (
    select(Task.id, Task.title, Task.due_date, Task.due_at, Task.due_tz, Task.updated_at,
           Project.name, ReminderRule.lead, ReminderRule.at, ReminderRule.updated_at)
    .outerjoin(Project, Project.id == Task.project_id)
    .outerjoin(ReminderRule, and_(ReminderRule.task_id == Task.id,
                                  ReminderRule.deleted_at.is_(None)))
    .where(Task.deleted_at.is_(None), Task.status.in_(OPEN_STATUSES))
)
TASKS_DUE_BETWEEN = _TASKS.where(Task.due_date.between(bindparam("d_lo"), bindparam("d_hi")))
TASKS_BY_ID = _TASKS.where(Task.id.in_(bindparam("ids", expanding=True)))
ABSOLUTE_BETWEEN = _TASKS.where(ReminderRule.at.between(bindparam("lo"), bindparam("hi")))
MAX_RULE_LEAD = select(func.max(ReminderRule.lead_seconds)).where(
    ReminderRule.deleted_at.is_(None))
_KEY = (Reminder.target_kind, Reminder.target_id, Reminder.occurrence, Reminder.trigger)
CLAIMED_BETWEEN = select(*_KEY).where(
    Reminder.occurrence.between(bindparam("lo"), bindparam("hi")), Reminder.state != "pending")
CLAIMED_FOR = select(*_KEY).where(
    Reminder.target_kind == bindparam("kind"),
    Reminder.target_id.in_(bindparam("ids", expanding=True)), Reminder.state != "pending")
SNOOZED = select(*_KEY, Reminder.snoozed_until, Reminder.title, Reminder.ref_id,
                 Reminder.detail).where(Reminder.state == "snoozed",
                                        Reminder.snoozed_until <= bindparam("hi"))


def _lead_or_none(text: str | None) -> Lead | None:
    return None if text is None else cached_lead(text)


class Planner:
    """Computes planned triggers; holds only a cache of parsed VALARMs."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.events = reminder_events.EventSource()

    # -- public ----------------------------------------------------------------------------
    def window(self, lo: datetime, hi: datetime, settings: ReminderSettings) -> list[Trigger]:
        """Every unclaimed trigger firing in [lo, hi], plus snoozed ones ending by hi."""
        zone, today = self.clock.zone, self.clock.today()
        with read(self.store) as s:
            occ_lo = lo - SLACK
            task_hi = hi + self._max_lead(s, settings) + SLACK
            event_hi = hi + self.events.max_lead(s, settings) + SLACK
            one = timedelta(days=1)
            rows = s.execute(TASKS_DUE_BETWEEN, {"d_lo": occ_lo.date() - one,
                                                 "d_hi": task_hi.date() + one})
            out = self._task_triggers(rows, settings, lo, hi)
            rows = s.execute(ABSOLUTE_BETWEEN, {"lo": lo, "hi": hi})
            out += self._task_triggers(rows, settings, lo, hi, absolute_only=True)
            out += self.events.window(s, settings, lo, hi, occ_lo, event_hi, zone, today)
            top = max(task_hi, event_hi + self.events.lookahead)
            claimed = _keys(s.execute(CLAIMED_BETWEEN, {"lo": occ_lo, "hi": top}))
            snoozed = _snoozed(s, hi, None)
        return _merge(out, claimed, snoozed, lo, hi)

    def targets(
        self, targets: Iterable[Target], lo: datetime, hi: datetime, settings: ReminderSettings
    ) -> dict[Target, list[Trigger]]:
        """Triggers in [lo, hi] of just these tasks / event rows (re-planning after an edit)."""
        wanted = set(targets)
        task_ids = sorted(t for k, t in wanted if k == "task")
        event_ids = sorted(t for k, t in wanted if k == "event")
        zone, today = self.clock.zone, self.clock.today()
        with read(self.store) as s:
            out: list[Trigger] = []
            claimed: set[Key] = set()
            if task_ids:
                out += self._task_triggers(s.execute(TASKS_BY_ID, {"ids": task_ids}),
                                           settings, lo, hi)
                claimed |= _keys(s.execute(CLAIMED_FOR, {"kind": "task", "ids": task_ids}))
            if event_ids:
                event_hi = hi + self.events.max_lead(s, settings) + SLACK
                found = self.events.for_events(s, settings, lo, hi, event_ids, event_hi, zone,
                                               today)
                uids = sorted({t.target_id for t in found})
                if uids:
                    claimed |= _keys(s.execute(CLAIMED_FOR, {"kind": "event", "ids": uids}))
                out += found
            snoozed = _snoozed(s, hi, wanted)
        grouped: dict[Target, list[Trigger]] = {t: [] for t in wanted}
        for trig in _merge(out, claimed, snoozed, lo, hi):
            grouped.setdefault(trig.target, []).append(trig)
        return grouped

    # -- tasks -----------------------------------------------------------------------------
    def _max_lead(self, s: Session, settings: ReminderSettings) -> timedelta:
        rules = s.scalar(MAX_RULE_LEAD) or 0
        leads = [_lead_or_none(x) for x in (settings.task_lead, settings.all_day_lead)]
        longest = max([int(rules), *(x.approx_seconds for x in leads if x is not None)])
        return timedelta(seconds=longest) + timedelta(hours=1)

    def _task_triggers(self, rows: Iterable[Any], settings: ReminderSettings, lo: datetime,
                       hi: datetime, *, absolute_only: bool = False) -> list[Trigger]:
        """Rows are (task columns..., rule lead, rule at, rule edited), one per rule."""
        tasks: dict[str, tuple[Any, ...]] = {}
        rules: dict[str, list[tuple[str | None, datetime | None, datetime]]] = {}
        for row in rows:
            cells: tuple[Any, ...] = tuple(row)
            tasks.setdefault(cells[0], cells[:7])
            own = rules.setdefault(cells[0], [])
            if cells[7] is not None or cells[8] is not None:
                own.append((cells[7], cells[8], cells[9]))
        user_zone = self.clock.zone
        today = self.clock.today()
        defaults = (_lead_or_none(settings.task_lead), _lead_or_none(settings.all_day_lead))
        out: list[Trigger] = []
        for task_id, (_, title, due_date, due_at, due_tz, updated, project) in tasks.items():
            occurrence = due_at if due_at is not None else (
                None if due_date is None else wall(due_date, settings.all_day_time, user_zone))

            def detail(occ: datetime | None = occurrence, timed: bool = due_at is not None,
                       proj: str | None = project) -> str:
                if occ is None:
                    return " · ".join(x for x in ("No due date", proj) if x)
                return task_detail(occ, all_day=not timed, project=proj, zone=user_zone,
                                   today=today)

            own = rules[task_id]
            for _lead, at, _edited in own:
                if at is not None and lo <= at <= hi:
                    out.append(Trigger("task", task_id, at, ABSOLUTE, at, title, task_id,
                                       detail()))
            if absolute_only or occurrence is None:
                continue
            leads = [(text, max(updated, edited)) for text, at, edited in own
                     if text is not None and text != NO_REMINDER]
            if not own:
                default = defaults[0] if due_at is not None else defaults[1]
                leads = [] if default is None else [(default.key(), updated)]
            zone = zone_of(due_tz) if due_tz else user_zone
            for lead_text, edited in leads:
                lead = cached_lead(lead_text)
                at = apply_lead(occurrence, None, lead, zone)
                if lo <= at <= hi and at >= edited:
                    out.append(Trigger("task", task_id, occurrence, lead.key(), at, title,
                                       task_id, detail()))
        return out


def _keys(rows: Iterable[Any]) -> set[Key]:
    return {(k, t, o, g) for k, t, o, g in rows}


def _snoozed(s: Session, hi: datetime, targets: set[Target] | None) -> list[Trigger]:
    out: list[Trigger] = []
    for row in s.execute(SNOOZED, {"hi": hi}):
        cells: tuple[Any, ...] = tuple(row)
        kind, target, occ, trig, until, title, ref, detail = cells
        if targets is None or (kind, ref) in targets:
            out.append(Trigger(kind, target, occ, trig, until, title, ref, detail, snoozed=True))
    return out


def _merge(
    planned: list[Trigger], claimed: set[Key], snoozed: list[Trigger], lo: datetime,
    hi: datetime,
) -> list[Trigger]:
    """Planned minus claimed, plus snoozed (whatever their age), one per key, by time."""
    seen: dict[Key, Trigger] = {}
    for trig in planned:
        if trig.key not in claimed and lo <= trig.at <= hi:
            seen.setdefault(trig.key, trig)
    for trig in snoozed:
        seen[trig.key] = trig
    return sorted(seen.values(), key=lambda t: (t.at, t.title))
