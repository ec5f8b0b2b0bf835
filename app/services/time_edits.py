"""Manual time entries: add, edit, delete, split, merge adjacent, move to another task.

Each call is one transaction and one undo step. Overlaps are refused with a message naming
the entry in the way, unless ``trim=True``: then the new or edited entry wins and the
overlapped parts of the others are cut off (an entry it falls inside is cut in two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import ConflictError, NotFoundError, ValidationError
from app.models import TimeEntry, new_id
from app.models.db import Store
from app.services.clock import Clock
from app.services.time_dto import TimeEntryDTO, entry_from_row, entry_select
from app.services.time_rules import (
    MAX_ENTRY,
    check_interval,
    fmt_local,
    live_task,
    resolve_overlaps,
    running_entry,
    whole_seconds,
)
from app.services.time_tracking import one_timer_guard
from app.services.uow import read, write
from app.services.validate import zone as check_zone

MAX_NOTE = 5000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class EntryFields:
    """What an edit changes; ``UNSET`` leaves a field alone."""

    task_id: str = UNSET
    start: datetime = UNSET
    end: datetime | None = UNSET  # None makes it the running entry (only the latest one)
    note: str = UNSET
    billable: bool = UNSET


class EntryService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def get(self, entry_id: str) -> TimeEntryDTO:
        with read(self.store) as s:
            row = s.execute(entry_select().where(TimeEntry.id == entry_id)).first()
        if row is None:
            raise NotFoundError(f"No time entry with id {entry_id}.")
        return entry_from_row(row)

    def add(self, task_id: str, start: datetime, end: datetime, *, note: str = "",
            billable: bool = False, trim: bool = False, source: str = "manual") -> TimeEntryDTO:
        """Add a finished entry; refused if it overlaps another (unless trim)."""
        start, end = whole_seconds(start), whole_seconds(end)
        now = self.clock.now()
        check_interval(start, end, now, self.clock.zone)
        with write(self.store, "Add time entry", clock=self.clock) as uow:
            live_task(uow.session, task_id)
            resolve_overlaps(uow, start, end, now, self.clock.zone, trim=trim)
            entry = uow.add(TimeEntry(
                id=new_id(), task_id=task_id, start_at=start, end_at=end,
                tz=self.clock.zone_key(), note=_note(note), source=source, billable=billable,
            ))
            ident = entry.id
        return self.get(ident)

    def edit(self, entry_id: str, fields: EntryFields, *, trim: bool = False) -> TimeEntryDTO:
        now = self.clock.now()
        with one_timer_guard(), write(self.store, "Edit time entry", clock=self.clock) as uow:
            entry = uow.get(TimeEntry, entry_id)
            start = entry.start_at if fields.start is UNSET else whole_seconds(fields.start)
            end = entry.end_at if fields.end is UNSET else (
                None if fields.end is None else whole_seconds(fields.end))
            check_interval(start, end, now, self.clock.zone)
            if end is None and entry.end_at is not None:
                running = running_entry(uow.session)
                if running is not None:
                    raise ConflictError("Another timer is running; stop it first.")
            if fields.task_id is not UNSET:
                live_task(uow.session, fields.task_id)
                entry.task_id = fields.task_id
            if (start, end) != (entry.start_at, entry.end_at):
                resolve_overlaps(uow, start, end, now, self.clock.zone, trim=trim,
                                 exclude=(entry.id,))
                entry.start_at, entry.end_at = start, end
            if fields.note is not UNSET:
                entry.note = _note(fields.note)
            if fields.billable is not UNSET:
                entry.billable = bool(fields.billable)
        return self.get(entry_id)

    def move(self, entry_ids: list[str] | str, task_id: str) -> int:
        """Put entries on another task; returns how many moved."""
        ids = [entry_ids] if isinstance(entry_ids, str) else list(entry_ids)
        with write(self.store, "Move time entry" if len(ids) == 1 else "Move time entries",
                   clock=self.clock) as uow:
            live_task(uow.session, task_id)
            for ident in ids:
                uow.get(TimeEntry, ident).task_id = task_id
        return len(ids)

    def delete(self, entry_ids: list[str] | str) -> int:
        ids = [entry_ids] if isinstance(entry_ids, str) else list(entry_ids)
        now = self.clock.now()
        with write(self.store, "Delete time entry" if len(ids) == 1 else "Delete time entries",
                   clock=self.clock) as uow:
            for ident in ids:
                uow.get(TimeEntry, ident).deleted_at = now
        return len(ids)

    def split(self, entry_id: str, at: datetime) -> tuple[TimeEntryDTO, TimeEntryDTO]:
        """Cut an entry in two at ``at`` (strictly inside it); a running entry's second part
        keeps running."""
        at = whole_seconds(at)
        zone = self.clock.zone
        with one_timer_guard(), write(self.store, "Split time entry", clock=self.clock) as uow:
            entry = uow.get(TimeEntry, entry_id)
            end = entry.end_at if entry.end_at is not None else whole_seconds(self.clock.now())
            if not entry.start_at < at < end:
                raise ValidationError(
                    f"Split at a time inside the entry: after {fmt_local(entry.start_at, zone)} "
                    f"and before {fmt_local(end, zone)}."
                )
            old_end = entry.end_at
            entry.end_at = at
            uow.session.flush()
            second = uow.add(TimeEntry(
                id=new_id(), task_id=entry.task_id, start_at=at, end_at=old_end, tz=entry.tz,
                note=entry.note, source=entry.source, billable=entry.billable,
            ))
            second_id = second.id
        return self.get(entry_id), self.get(second_id)

    def merge(self, first_id: str, second_id: str) -> TimeEntryDTO:
        """Join two neighbouring entries (no entry between them) into the earlier one.

        The result runs from the earlier start to the later end (covering any gap between
        them), keeps the earlier entry's task and joins both notes.
        """
        with one_timer_guard(), write(self.store, "Merge time entries", clock=self.clock) as uow:
            a, b = uow.get(TimeEntry, first_id), uow.get(TimeEntry, second_id)
            if a.id == b.id:
                raise ValidationError("Choose two different entries to merge.")
            if b.start_at < a.start_at:
                a, b = b, a
            if a.end_at is None:
                raise ValidationError("The running entry can only be merged with an earlier one.")
            between = uow.session.scalar(
                select(TimeEntry.id).where(
                    TimeEntry.deleted_at.is_(None), TimeEntry.id.not_in((a.id, b.id)),
                    TimeEntry.start_at >= a.start_at - MAX_ENTRY, TimeEntry.start_at < b.start_at,
                    (TimeEntry.end_at.is_(None)) | (TimeEntry.end_at > a.end_at),
                ).limit(1)
            )
            if between is not None or b.start_at < a.end_at:
                raise ValidationError(
                    "Only neighbouring entries can be merged (another entry lies between them)."
                )
            new_end = b.end_at
            if new_end is not None and new_end - a.start_at > MAX_ENTRY:
                raise ValidationError("The merged entry would be longer than 999 hours.")
            b.deleted_at = self.clock.now()
            uow.session.flush()
            a.end_at = new_end
            a.note = _join_notes(a.note, b.note)
            a.billable = a.billable or b.billable
            keep = a.id
        return self.get(keep)

    def set_zone(self, entry_id: str, zone_name: str) -> TimeEntryDTO:
        check_zone(zone_name)
        with write(self.store, "Edit time entry", clock=self.clock) as uow:
            uow.get(TimeEntry, entry_id).tz = zone_name
        return self.get(entry_id)


def _note(text: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > MAX_NOTE:
        raise ValidationError(f"A note can be at most {MAX_NOTE} characters.")
    return cleaned


def _join_notes(a: str, b: str) -> str:
    if not b or b == a:
        return a
    return b if not a else f"{a}\n{b}"
