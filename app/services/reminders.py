"""The reminder state machine: plan, fire once, snooze, dismiss, catch up, hold in quiet hours.

A planned trigger has no row (state *pending*). Firing claims it: an ``INSERT ... ON
CONFLICT DO NOTHING`` on the key (kind, target, occurrence, trigger) succeeds for exactly one
process, so no trigger is ever shown twice, whatever sync, re-import or a second Cadence
does. ``snoozed`` rows carry their own fire time (``snoozed_until``), so a snooze survives
a restart; ``dismissed`` rows only exclude. Every instant comes from the injected Clock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, update

from app.errors import NotFoundError
from app.models import Change
from app.models.db import Store
from app.models.reminders import Reminder
from app.services import reminder_settings as rs
from app.services.clock import Clock
from app.services.reminder_claims import claim, dto, sort_claimed, targets_of
from app.services.reminder_dto import Delivery, ReminderDTO, Target, Trigger
from app.services.reminder_index import TriggerIndex
from app.services.reminder_plan import Planner
from app.services.reminder_rules import RuleBook
from app.services.reminder_settings import ReminderSettings
from app.services.reminder_text import SNOOZES
from app.services.reminder_time import next_morning
from app.services.uow import read

if TYPE_CHECKING:
    from app.services.facade import Services

LOOKAHEAD = timedelta(hours=48)  # the in-memory window; re-planned before it runs out
REPLAN_MARGIN = timedelta(hours=6)
LATE = timedelta(minutes=2)  # fired later than this = caught up ("missed")
MAX_LOOKBACK = timedelta(days=7)  # older misses are not listed at all
HEARTBEAT = timedelta(minutes=30)
MAX_INCREMENTAL = 500  # more changed rows than this: re-plan the window from scratch
CHANGES_SINCE = (select(Change.id, Change.entity, Change.entity_id, Change.before, Change.after)
                 .where(Change.id > bindparam("last")).order_by(Change.id)
                 .limit(MAX_INCREMENTAL + 1))


@dataclass(frozen=True, slots=True)
class Wake:
    """The outcome of one scheduler wake-up: what to show and when to wake next."""

    delivery: Delivery
    next_at: datetime | None
    digest_due: bool = False  # the daily agenda e-mail should go out now (claimed)


class ReminderService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.planner = Planner(store, clock)
        self.rules = RuleBook(store, clock)
        self.index = TriggerIndex()
        self._lock = threading.RLock()  # one plan/delivery at a time (reader + writer threads)
        self._last_change = 0
        self._zone_key = ""
        self._settings = ReminderSettings()
        self._beat: datetime | None = None
        self._own_writes = 0  # reminder-state writes since the last look at the change log

    @classmethod
    def of(cls, services: Services) -> ReminderService:
        return cls(services.store, services.clock)

    # -- settings --------------------------------------------------------------------------
    def settings(self) -> ReminderSettings:
        self._settings = ReminderSettings.from_json(rs.load_value(self.store, rs.KEY))
        return self._settings

    @property
    def current_settings(self) -> ReminderSettings:
        """The settings as of the last plan (no database read)."""
        return self._settings

    def save_settings(self, settings: ReminderSettings) -> ReminderSettings:
        rs.save_value(self.store, rs.KEY, settings.validated().to_json())
        return self.settings()  # the next plan (scheduler.replan) uses them

    # -- planning --------------------------------------------------------------------------
    def replan(self) -> datetime | None:
        """Plan the whole window again (start-up, clock or zone jump, unknown changes)."""
        with self._lock:
            now = self.clock.now()
            settings = self.settings()
            self._last_change = self._max_change_id()
            self._zone_key = self.clock.zone_key()
            lo = now - timedelta(hours=settings.grace_hours)
            checked = rs.load_instant(self.store, rs.CHECKED_KEY)
            if checked is not None and checked < lo:
                lo = max(checked, now - MAX_LOOKBACK)
            hi = now + LOOKAHEAD
            self.index.replace_all(self.planner.window(lo, hi, settings), lo, hi)
            return self.next_wake(now)

    def replan_targets(self, targets: Iterable[Target]) -> datetime | None:
        """Re-plan just these tasks / event rows (after an edit): a few indexed reads."""
        with self._lock:
            if not self.index.planned:
                return self.replan()
            now = self.clock.now()
            assert self.index.lo is not None and self.index.hi is not None
            lo = max(self.index.lo, now - timedelta(hours=self._settings.grace_hours))
            self.index.replace_targets(
                self.planner.targets(targets, lo, self.index.hi, self._settings))
            return self.next_wake(now)

    def replan_changes(self) -> datetime | None:
        """The database changed: re-plan what the change log says changed, or everything."""
        with self._lock:
            if not self.index.planned:
                return self.replan()
            with read(self.store) as s:
                rows = s.execute(CHANGES_SINCE, {"last": self._last_change}).all()
            targets = targets_of(rows)
            own, self._own_writes = self._own_writes, 0
            if not rows and own:
                # our own reminder-state writes (they are not in the change log): nothing
                # to re-plan; a foreign write at the same moment is caught by the next
                # data_version check, which finds no change rows and re-plans in full
                return self.next_wake(self.clock.now())
            if not rows or len(rows) > MAX_INCREMENTAL or targets is None:
                # written without the change log (a sync, a bulk import, reminder states):
                # the window is cheap to plan again
                return self.replan()
            self._last_change = rows[-1][0]
            return self.replan_targets(targets) if targets else self.next_wake(self.clock.now())

    def next_wake(self, now: datetime | None = None) -> datetime | None:
        """When the scheduler must wake: the next trigger, a quiet period's end, the digest,
        or the point where the planned window must be extended."""
        now = now or self.clock.now()
        if self.index.hi is None:
            return now
        wake = self.index.hi - REPLAN_MARGIN
        earliest = self.index.earliest()
        if earliest is not None:
            quiet = self._settings.quiet.period_at(max(earliest, now), self.clock.zone)
            wake = min(wake, quiet[1] if quiet else earliest)
        digest = self.next_digest(now)
        if digest is not None:
            wake = min(wake, digest)
        return max(wake, now)

    def zone_changed(self) -> bool:
        """The machine's time zone changed since the last plan (floating dues move)."""
        return bool(self._zone_key) and self.clock.zone_key() != self._zone_key

    def needs_replan(self, now: datetime) -> bool:
        return (self.index.hi is None or now >= self.index.hi - REPLAN_MARGIN
                or self.zone_changed())

    # -- firing ----------------------------------------------------------------------------
    def wake(self) -> Wake:
        """The scheduler's one entry point: re-plan if due, then deliver what is due."""
        with self._lock:
            now = self.clock.now()
            if self.needs_replan(now):
                self.replan()
            delivery = self.deliver_due(now)
            if self._beat is None or now - self._beat >= HEARTBEAT or not delivery.empty:
                rs.save_instant(self.store, rs.CHECKED_KEY, now)
                self._beat = now
                self._own_writes += 1
            digest = self.next_digest(now)
            digest_due = digest is not None and digest <= now
            if digest_due:
                self.mark_digest_sent()  # claimed before sending: a failure is reported once
            return Wake(delivery, self.next_wake(now), digest_due)

    def deliver_due(self, now: datetime) -> Delivery:
        """Claim every due trigger and sort it into what to show and how."""
        settings = self._settings
        if settings.quiet.period_at(now, self.clock.zone) is not None:
            return Delivery()  # held: next_wake() points at the period's end
        due = self.index.due(now)
        if not due:
            return Delivery()
        grace = timedelta(hours=settings.grace_hours)
        kinds: list[tuple[Trigger, str]] = []
        for trig in due:
            quiet = settings.quiet.period_at(trig.at, self.clock.zone)
            if quiet is not None and now - quiet[1] <= LATE:
                kinds.append((trig, "held"))
            elif now - trig.at <= LATE:
                kinds.append((trig, "on_time"))
            else:
                kinds.append((trig, "late" if now - trig.at <= grace else "missed"))
        claimed = claim(self.store, kinds, now)
        self._own_writes += 1
        self.index.discard((t.target, t.key) for t in due)
        return sort_claimed(claimed)

    # -- user actions ----------------------------------------------------------------------
    def get(self, reminder_id: int) -> ReminderDTO:
        with read(self.store) as s:
            row = s.get(Reminder, reminder_id)
            if row is None:
                raise NotFoundError(f"No reminder with id {reminder_id}.")
            return dto(row)

    def snooze_until(self, choice: str) -> datetime:
        """The end of a snooze choice ("snooze-10", ..., "snooze-tomorrow")."""
        now = self.clock.now()
        minutes = SNOOZES[choice][1]
        if minutes is None:
            return next_morning(now, self.settings().morning, self.clock.zone)
        return now + timedelta(minutes=minutes)

    def snooze(self, reminder_ids: Iterable[int], until: datetime | str) -> list[ReminderDTO]:
        end = self.snooze_until(until) if isinstance(until, str) else until
        out = self._set_state(reminder_ids, state="snoozed", snoozed_until=end, seen=True)
        for r in out:
            self.index.put(Trigger(r.kind, r.target_id, r.occurrence, r.trigger, end, r.title,
                                   r.ref_id, r.detail, snoozed=True))
        return out

    def dismiss(self, reminder_ids: Iterable[int]) -> list[ReminderDTO]:
        out = self._set_state(reminder_ids, state="dismissed", snoozed_until=None, seen=True)
        self.index.discard(((r.kind, r.ref_id), (r.kind, r.target_id, r.occurrence, r.trigger))
                           for r in out)
        return out

    def complete(self, reminder_id: int) -> ReminderDTO:
        """"Done": complete the task, then dismiss its reminder."""
        from app.services.tasks import TaskService

        reminder = self._task_reminder(reminder_id)
        TaskService(self.store, self.clock).complete(reminder.ref_id)
        return self.dismiss([reminder_id])[0]

    def start_timer(self, reminder_id: int) -> ReminderDTO:
        """"Start timer": track time on the task (stopping any other timer), then dismiss."""
        from app.services.time_tracking import TimerService

        reminder = self._task_reminder(reminder_id)
        TimerService(self.store, self.clock).start(reminder.ref_id)
        return self.dismiss([reminder_id])[0]

    def mark_seen(self, reminder_ids: Iterable[int] | None = None) -> int:
        stmt = update(Reminder).where(Reminder.seen.is_(False), Reminder.fired_at.is_not(None))
        if reminder_ids is not None:
            stmt = stmt.where(Reminder.id.in_(list(reminder_ids)))
        with read(self.store) as s:
            count = s.execute(stmt.values(seen=True)).rowcount  # type: ignore[attr-defined]
            s.commit()
        self._own_writes += 1
        return int(count or 0)

    def recent(self, limit: int = 100) -> list[ReminderDTO]:
        """Fired, snoozed and recently dismissed reminders, newest first (the centre)."""
        stmt = (select(Reminder).where(Reminder.fired_at.is_not(None))
                .order_by(Reminder.fired_at.desc(), Reminder.id.desc()).limit(limit))
        with read(self.store) as s:
            return [dto(r) for r in s.scalars(stmt)]

    def unread_count(self) -> int:
        stmt = select(func.count()).select_from(Reminder).where(
            Reminder.seen.is_(False), Reminder.fired_at.is_not(None),
            Reminder.state == "fired")
        with read(self.store) as s:
            return int(s.scalar(stmt) or 0)

    def upcoming(self, days: float = 7.0) -> list[Trigger]:
        """Planned triggers from now on (snoozed ones included), for listings and the CLI."""
        now = self.clock.now()
        with self._lock:
            found = self.planner.window(now, now + timedelta(days=days), self.settings())
        return [t for t in found if t.at >= now or t.snoozed]

    def planned(self, limit: int = 10) -> list[Trigger]:
        """The next triggers of the in-memory window (no database read): the centre."""
        now = self.clock.now()
        return [t for t in self.index.all() if t.at > now][:limit]

    # -- digest ----------------------------------------------------------------------------
    def next_digest(self, now: datetime) -> datetime | None:
        from app.services.reminder_time import wall

        settings = self._settings
        if not settings.digest_enabled or not settings.smtp.configured:
            return None
        today = now.astimezone(self.clock.zone).date()
        sent = rs.load_value(self.store, rs.DIGEST_KEY)
        day = today if sent != f'"{today.isoformat()}"' else today + timedelta(days=1)
        return wall(day, settings.digest_time, self.clock.zone)

    def mark_digest_sent(self) -> None:
        rs.save_value(self.store, rs.DIGEST_KEY, f'"{self.clock.today().isoformat()}"')
        self._own_writes += 1

    # -- helpers ---------------------------------------------------------------------------
    def _task_reminder(self, reminder_id: int) -> ReminderDTO:
        reminder = self.get(reminder_id)
        if not reminder.is_task:
            raise NotFoundError("That reminder is for an event, not a task.")
        return reminder

    def _set_state(self, reminder_ids: Iterable[int], **values: Any) -> list[ReminderDTO]:
        ids = list(reminder_ids)
        now = self.clock.now()
        with read(self.store) as s:
            rows = s.scalars(update(Reminder).where(Reminder.id.in_(ids))
                             .values(updated_at=now, **values).returning(Reminder)).all()
            out = [dto(r) for r in rows]
            s.commit()
        self._own_writes += 1
        if len(out) != len(set(ids)):
            missing = sorted(set(ids) - {r.id for r in out})
            raise NotFoundError(f"No reminder with id {missing[0]}.")
        return sorted(out, key=lambda r: ids.index(r.id))

    def _max_change_id(self) -> int:
        with read(self.store) as s:
            return int(s.scalar(select(func.max(Change.id))) or 0)
