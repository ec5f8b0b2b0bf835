"""Importing ICS into a calendar: events in bulk, to-dos as tasks, re-import in place.

Identity is (calendar, UID, RECURRENCE-ID); a component whose digest is already stored is
skipped without parsing, so re-importing an unchanged file costs a split and a hash per
component. Events are written with Core statements in one transaction together with their
change-log rows (origin ``import`` or ``sync``: audit only, not an undo step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserFacingError
from app.models.calendar import Calendar, Event
from app.models.db import Store
from app.services.calendar_calendars import find_by_name, new_calendar
from app.services.calendar_dto import ImportProblem, ImportSummary
from app.services.calendar_ics_todos import import_todos
from app.services.calendar_ics_write import Writer
from app.services.calendar_records import Context, ParsedEvent, RecordError, parse_event
from app.services.calendar_todo_records import ParsedTodo, parse_todo
from app.services.clock import Clock
from app.services.ics_parse import IcsFile, IcsFormatError, read_ics
from app.services.tasks import TaskService
from app.services.uow import UnitOfWork, write

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
_IGNORED = {"VTIMEZONE"}


class ImportCancelled(UserFacingError):
    """The user pressed Cancel; nothing was stored."""


@dataclass
class Plan:
    """What one file would change, decided before the write transaction starts."""

    events: dict[tuple[str, str | None], ParsedEvent] = field(default_factory=dict)
    todos: list[ParsedTodo] = field(default_factory=list)
    unchanged_ids: set[str] = field(default_factory=set)
    # (uid, rid) of unchanged components -> (SEQUENCE, line), to settle duplicate UIDs
    unchanged_keys: dict[tuple[str, str | None], tuple[int, int]] = field(default_factory=dict)


class IcsImporter:
    def __init__(self, store: Store, clock: Clock, tasks: TaskService) -> None:
        self.store = store
        self.clock = clock
        self.tasks = tasks

    def import_file(self, path: Path, *, calendar: str | None = None,
                    progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> ImportSummary:
        """Import one file; unreadable files give a summary with ``error`` set."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return ImportSummary(source=path.name, error=f"cannot read the file ({exc.strerror})")
        return self.import_bytes(data, source=path.name, calendar_name=calendar,
                                 progress=progress, cancelled=cancelled)

    def import_bytes(self, data: bytes, *, source: str, calendar_name: str | None = None,
                     calendar_id: str | None = None, origin: str = "import", prune: bool = False,
                     progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ImportSummary:
        began = time.perf_counter()
        summary = ImportSummary(source=source)
        try:
            ics = read_ics(data)
        except IcsFormatError as exc:
            summary.error = str(exc)
            return summary
        summary.notes += ics.notes
        name = calendar_name or ics.props.get("X-WR-CALNAME") or Path(source).stem or "Imported"
        with write(self.store, f"Import {source}", clock=self.clock, origin=origin,
                   keep_stamps=False) as uow:
            cal = self._calendar(uow.session, calendar_id, name, uow)
            summary.calendar = cal.name
            stored = _stored(uow.session, cal.id)
            plan = self._plan(ics, stored, summary, progress, cancelled)
            writer = Writer(uow.session, self.clock, cal.id, origin, f"Import {source}")
            writer.apply(plan.events, stored, summary)
            if prune:
                writer.prune(plan, stored, summary,
                             feed_empty=not plan.events and not plan.unchanged_ids)
            writer.finish(summary)
            if plan.todos:
                import_todos(uow, self.tasks, self.clock, plan.todos, summary)
            if cancelled is not None and cancelled():
                raise ImportCancelled("Import cancelled; nothing was changed.")
        summary.seconds = time.perf_counter() - began
        return summary

    def _calendar(self, session: Session, calendar_id: str | None, name: str,
                  uow: UnitOfWork) -> Calendar:
        if calendar_id is not None:
            cal = session.get(Calendar, calendar_id)
            if cal is None or cal.deleted_at is not None:
                raise UserFacingError(f"No calendar with id {calendar_id}")
            return cal
        found = find_by_name(session, name)
        return found if found is not None else new_calendar(uow, name)

    def _plan(self, ics: IcsFile, stored: dict[str, Any], summary: ImportSummary,
              progress: Progress | None, cancelled: Cancelled | None) -> Plan:
        plan = Plan()
        ctx: Context | None = None
        by_hash: dict[str, str] = stored["hashes"]
        total = len(ics.components)
        for n, comp in enumerate(ics.components, 1):
            if n % 500 == 0:
                if progress is not None:
                    progress(n, total)
                if cancelled is not None and cancelled():
                    raise ImportCancelled("Import cancelled; nothing was changed.")
            if comp.name in _IGNORED:
                continue
            if not comp.complete:
                summary.skipped.append(ImportProblem(comp.line_no, comp.name, None,
                                                     comp.problem or "truncated"))
                continue
            if comp.name not in ("VEVENT", "VTODO"):
                summary.skipped.append(ImportProblem(
                    comp.line_no, comp.name, None, f"unsupported: {comp.name} is not imported"))
                continue
            hit = by_hash.get(comp.digest)
            if comp.name == "VEVENT" and hit is not None:
                plan.unchanged_ids.add(hit)
                uid, rid, sequence = stored["by_id"][hit]
                plan.unchanged_keys[(uid, rid)] = (sequence, comp.line_no)
                summary.unchanged += 1
                continue
            if ctx is None:
                ctx = Context.for_file(ics.vtimezones(), ics.props.get("X-WR-TIMEZONE"))
            try:
                if comp.name == "VTODO":
                    plan.todos.append(parse_todo(comp, ctx))
                    continue
                ev = parse_event(comp, ctx)
            except RecordError as exc:
                summary.skipped.append(ImportProblem(comp.line_no, comp.name, None,
                                                     f"unreadable: {exc}"))
                continue
            if comp.problem:
                ev.warnings.append(comp.problem)
            self._add(plan, ev, summary)
        if progress is not None:
            progress(total, total)
        _drop_superseded(plan, summary)
        return plan

    @staticmethod
    def _add(plan: Plan, ev: ParsedEvent, summary: ImportSummary) -> None:
        if not ev.uid:
            ev.uid = f"cadence-{ev.content_hash[:32]}"
        for note in ev.warnings:
            summary.warnings.append(ImportProblem(ev.line_no, "VEVENT", ev.uid, note))
        key = (ev.uid, ev.recurrence_id)
        old = plan.events.get(key)
        if old is not None:
            loser, winner = (old, ev) if ev.sequence >= old.sequence else (ev, old)
            summary.skipped.append(ImportProblem(
                loser.line_no, "VEVENT", ev.uid,
                f"duplicate: UID used again at line {winner.line_no} (SEQUENCE "
                f"{winner.sequence} kept)"))
            plan.events[key] = winner
            return
        plan.events[key] = ev


def _drop_superseded(plan: Plan, summary: ImportSummary) -> None:
    """A duplicate UID whose stored twin (unchanged, so not parsed again) has the higher
    SEQUENCE, or the same one later in the file, does not overwrite it."""
    for key, ev in list(plan.events.items()):
        kept = plan.unchanged_keys.get(key)
        if kept is not None and (ev.sequence, ev.line_no) < kept:
            del plan.events[key]
            summary.skipped.append(ImportProblem(
                ev.line_no, "VEVENT", ev.uid,
                f"duplicate: UID used again at line {kept[1]} (SEQUENCE {kept[0]} kept)"))


def _stored(session: Any, calendar_id: str) -> dict[str, Any]:
    """What the calendar holds: (uid, rid) -> (id, hash, deleted) and live hash -> id."""
    rows = session.execute(select(Event.id, Event.uid, Event.recurrence_id, Event.content_hash,
                                  Event.deleted_at, Event.sequence)
                           .where(Event.calendar_id == calendar_id))
    keys: dict[tuple[str, str | None], tuple[str, str, bool]] = {}
    hashes: dict[str, str] = {}
    by_id: dict[str, tuple[str, str | None, int]] = {}
    for eid, uid, rid, digest, deleted, sequence in rows:
        keys[(uid, rid)] = (eid, digest, deleted is not None)
        by_id[eid] = (uid, rid, sequence)
        if deleted is None:
            hashes[digest] = eid
    return {"keys": keys, "hashes": hashes, "by_id": by_id}
