"""The timer: start, stop and switch in one transaction each; status, recent tasks, idle time.

The start instant is written when the timer starts, so a running timer survives a closed
window, a crash or ``kill -9``: the next process finds the open entry and counts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import ConflictError, NotFoundError, ValidationError
from app.models import Project, Task, TimeEntry, new_id
from app.models.db import Store
from app.models.entities import OPEN_STATUSES
from app.services.clock import Clock
from app.services.time_dto import (
    RecentTask,
    TimeEntryDTO,
    TimerStatus,
    entry_from_row,
    entry_select,
)
from app.services.time_rules import MAX_ENTRY, live_task, running_entry, whole_seconds
from app.services.uow import UnitOfWork, read, write

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.time_csv import TimeCsv
    from app.services.time_edits import EntryService
    from app.services.timesheet import TimesheetService

IDLE_ACTIONS = ("keep", "discard", "split", "stop")


@contextmanager
def one_timer_guard() -> Iterator[None]:
    """Turn the partial unique index's refusal into a message (two processes raced)."""
    try:
        yield
    except IntegrityError as exc:
        if "uq_time_entries_one_running" in str(exc) or "end_at IS NULL" in str(exc):
            raise ConflictError(
                "Another timer was started at the same moment; nothing was changed. Try again."
            ) from exc
        raise


class TimerService:
    """Start/stop/switch the single running timer and read its state."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- reads -----------------------------------------------------------------------------
    def status(self) -> TimerStatus:
        now = self.clock.now()
        with read(self.store) as s:
            row = s.execute(entry_select().where(TimeEntry.end_at.is_(None))).first()
        return TimerStatus(None if row is None else entry_from_row(row), now)

    def entry(self, entry_id: str) -> TimeEntryDTO:
        with read(self.store) as s:
            row = s.execute(entry_select().where(TimeEntry.id == entry_id)).first()
        if row is None:
            raise NotFoundError(f"No time entry with id {entry_id}.")
        return entry_from_row(row)

    def recent_tasks(self, limit: int = 5) -> list[RecentTask]:
        """The latest distinct live, open tasks that had time tracked (newest first)."""
        stmt = (
            select(TimeEntry.task_id, Task.title, Project.name, Task.status)
            .join(Task, Task.id == TimeEntry.task_id)
            .outerjoin(Project, Project.id == Task.project_id)
            .where(TimeEntry.deleted_at.is_(None), Task.deleted_at.is_(None))
            .order_by(TimeEntry.start_at.desc())
            .limit(limit * 40)
        )
        out: list[RecentTask] = []
        seen: set[str] = set()
        with read(self.store) as s:
            for task_id, title, project, status in s.execute(stmt):
                if task_id is None or task_id in seen or status in ("done", "cancelled"):
                    continue
                seen.add(task_id)
                out.append(RecentTask(task_id, title, project))
                if len(out) == limit:
                    break
        return out

    def task_choices(self, limit: int = 2000) -> list[RecentTask]:
        """Open tasks to pick from (splitting idle time, moving an entry, a manual entry):
        recently timed ones first, then the rest by title."""
        recent = self.recent_tasks(limit=10)
        seen = {r.id for r in recent}
        stmt = (
            select(Task.id, Task.title, Project.name)
            .outerjoin(Project, Project.id == Task.project_id)
            .where(Task.deleted_at.is_(None), Task.status.in_(OPEN_STATUSES))
            .order_by(func.lower(Task.title))
            .limit(limit)
        )
        with read(self.store) as s:
            rest = [RecentTask(i, t, p) for i, t, p in s.execute(stmt) if i not in seen]
        return recent + rest

    # -- writes ----------------------------------------------------------------------------
    def start(self, task_id: str, *, note: str = "", source: str = "timer") -> TimerStatus:
        """Start a timer on a task, stopping the running one first (one transaction).

        Starting the task that is already running changes nothing.
        """
        now = whole_seconds(self.clock.now())
        with one_timer_guard(), write(self.store, "Start timer", clock=self.clock) as uow:
            live_task(uow.session, task_id)
            running = running_entry(uow.session)
            if running is not None:
                if running.task_id == task_id:
                    return self.status()
                uow.label = "Switch timer"
                self._close(uow, running, now)
            uow.add(TimeEntry(
                id=new_id(), task_id=task_id, start_at=now, end_at=None,
                tz=self.clock.zone_key(), note=note, source=source, billable=False,
            ))
        return self.status()

    def stop(self) -> TimeEntryDTO | None:
        """Stop the running timer; returns the finished entry (None if nothing ran or it
        lasted under a second and was dropped)."""
        now = whole_seconds(self.clock.now())
        with write(self.store, "Stop timer", clock=self.clock) as uow:
            running = running_entry(uow.session)
            if running is None:
                return None
            kept = self._close(uow, running, now)
            ident = running.id
        return self.entry(ident) if kept else None

    def resolve_idle(self, action: str, idle_start: datetime, returned: datetime,
                     other_task_id: str | None = None, *,
                     entry_id: str | None = None) -> TimerStatus:
        """Settle an idle period of the running timer (one transaction, one undo step).

        keep: nothing changes. discard: stop at idle start. stop: stop now.
        split: the idle period becomes an entry on ``other_task_id`` and the timer goes on
        on its own task from ``returned``. With ``entry_id``, nothing changes unless that
        entry is still the running one (the user may have switched tasks meanwhile).
        """
        if action not in IDLE_ACTIONS:
            raise ValidationError(f"Unknown idle action {action!r}; use {', '.join(IDLE_ACTIONS)}.")
        if action == "keep":
            return self.status()
        idle_start, returned = whole_seconds(idle_start), whole_seconds(returned)
        label = {"discard": "Discard idle time", "stop": "Stop timer",
                 "split": "Split idle time"}[action]
        with one_timer_guard(), write(self.store, label, clock=self.clock) as uow:
            running = running_entry(uow.session)
            if running is None:
                return self.status()
            if entry_id is not None and running.id != entry_id:
                raise ConflictError("The timer changed while you were away; nothing was changed.")
            cut_at = max(idle_start, running.start_at)
            if action == "stop":
                self._close(uow, running, whole_seconds(self.clock.now()))
            elif action == "discard":
                self._close(uow, running, cut_at)
            else:
                self._split_idle(uow, running, cut_at, returned, other_task_id)
        return self.status()

    # -- helpers ---------------------------------------------------------------------------
    def _split_idle(self, uow: UnitOfWork, running: TimeEntry, cut_at: datetime,
                    returned: datetime, other_task_id: str | None) -> None:
        if other_task_id is None:
            raise ValidationError("Choose the task that the idle time goes to.")
        live_task(uow.session, other_task_id)
        task_id, tz, billable = running.task_id, running.tz, running.billable
        returned = max(returned, cut_at)
        self._close(uow, running, cut_at)
        uow.session.flush()
        if returned > cut_at:
            uow.add(TimeEntry(
                id=new_id(), task_id=other_task_id, start_at=cut_at, end_at=returned, tz=tz,
                note="", source="idle", billable=billable,
            ))
        uow.add(TimeEntry(
            id=new_id(), task_id=task_id, start_at=returned, end_at=None, tz=tz, note="",
            source="timer", billable=billable,
        ))

    def _close(self, uow: UnitOfWork, running: TimeEntry, at: datetime) -> bool:
        """End the running entry at ``at`` (at most 999 h long); drop it if under a second."""
        uow.track(running)
        end = min(at, running.start_at + MAX_ENTRY)
        if end <= running.start_at:
            running.deleted_at = self.clock.now()
            uow.session.flush()
            return False
        running.end_at = end
        uow.session.flush()
        return True


class TimeTracking:
    """Everything about tracked time over one store, for the UI and the CLI."""

    def __init__(self, store: Store, clock: Clock) -> None:
        from app.services.time_csv import TimeCsv
        from app.services.time_edits import EntryService
        from app.services.timesheet import TimesheetService

        self.store = store
        self.clock = clock
        self.timer = TimerService(store, clock)
        self.entries: EntryService = EntryService(store, clock)
        self.sheet: TimesheetService = TimesheetService(store, clock)
        self.csv: TimeCsv = TimeCsv(store, clock)

    @classmethod
    def of(cls, services: Services) -> TimeTracking:
        return cls(services.store, services.clock)
