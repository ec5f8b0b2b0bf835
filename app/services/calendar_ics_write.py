"""The write half of an ICS import: bulk insert/update/prune of events, their occurrences and
their change-log rows, all inside the caller's transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.models import Change, Operation, new_id
from app.models.calendar import Event, Occurrence
from app.services.calendar_dto import ImportProblem, ImportSummary
from app.services.calendar_expand import expand_group
from app.services.calendar_occurrences import insert_rows, load_window, rebuild_groups
from app.services.calendar_records import ParsedEvent
from app.services.clock import Clock
from app.services.ics_export import kept_lines
from app.services.snapshots import encode_value

if TYPE_CHECKING:
    from app.services.ics_import import Plan

_TABLE = cast(Table, Event.__table__)
_COLUMNS = [c.key for c in _TABLE.columns]
_FIELDS = [c for c in _COLUMNS if c not in ("id", "created_at", "updated_at", "deleted_at",
                                             "calendar_id", "raw_ics", "content_hash",
                                             "task_id")]
_NOT_COMPARED = {"id", "created_at", "updated_at", "raw_ics", "content_hash"}


def _image(row: dict[str, Any]) -> str:
    return json.dumps({k: encode_value(row[k]) for k in _COLUMNS}, sort_keys=True,
                      ensure_ascii=False)


class Writer:
    def __init__(self, session: Session, clock: Clock, calendar_id: str, origin: str,
                 label: str) -> None:
        self.session = session
        self.clock = clock
        self.calendar_id = calendar_id
        self.origin = origin
        self.label = label
        self.now = clock.now()
        self.changes: list[tuple[str, str | None, str]] = []  # id, before, after
        self.fresh: dict[str, list[tuple[str, ParsedEvent]]] = defaultdict(list)
        self.touched: set[str] = set()

    def _row(self, ev: ParsedEvent, eid: str, created: datetime) -> dict[str, Any]:
        row = {name: getattr(ev, name) for name in _FIELDS}
        row.update(id=eid, calendar_id=self.calendar_id, raw_ics=ev.raw_ics,
                   content_hash=ev.content_hash, created_at=created, updated_at=self.now,
                   deleted_at=None, task_id=None)
        return row

    def apply(self, events: dict[tuple[str, str | None], ParsedEvent], stored: dict[str, Any],
              summary: ImportSummary) -> None:
        keys: dict[tuple[str, str | None], tuple[str, str, bool]] = stored["keys"]
        known_uids = {uid for uid, _ in keys}
        inserts: list[dict[str, Any]] = []
        updates: dict[str, ParsedEvent] = {}
        for key, ev in events.items():
            hit = keys.get(key)
            if hit is None:
                row = self._row(ev, new_id(), self.now)
                inserts.append(row)
                self.changes.append((row["id"], None, _image(row)))
                if ev.uid in known_uids:
                    self.touched.add(ev.uid)
                else:
                    self.fresh[ev.uid].append((row["id"], ev))
            else:
                updates[hit[0]] = ev
        if inserts:
            self.session.execute(insert(_TABLE), inserts)
        summary.added += len(inserts)
        if updates:
            self._update(updates, summary)

    def _update(self, updates: dict[str, ParsedEvent], summary: ImportSummary) -> None:
        ids = list(updates)
        olds: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            for row in self.session.execute(select(_TABLE).where(_TABLE.c.id.in_(ids[i:i + 500]))):
                olds[row.id] = dict(row._mapping)
        params: list[dict[str, Any]] = []
        for eid, ev in updates.items():
            old = olds[eid]
            new = self._row(ev, eid, old["created_at"])
            new["task_id"] = old["task_id"]
            same = all(old[k] == new[k] for k in _COLUMNS if k not in _NOT_COMPARED) and (
                kept_lines(old["raw_ics"]) == kept_lines(new["raw_ics"]))
            if same:
                new["updated_at"] = old["updated_at"]
                summary.unchanged += 1
            else:
                summary.updated += 1
                self.changes.append((eid, _image(old), _image(new)))
                self.touched.add(ev.uid)
            params.append({"b_id": eid, **{k: v for k, v in new.items() if k != "id"}})
        stmt = update(_TABLE).where(_TABLE.c.id == bindparam("b_id"))
        self.session.execute(stmt, params)

    def prune(self, plan: Plan, stored: dict[str, Any], summary: ImportSummary, *,
              feed_empty: bool) -> None:
        """Tombstone live events the feed no longer has (subscriptions mirror their feed)."""
        keys: dict[tuple[str, str | None], tuple[str, str, bool]] = stored["keys"]
        seen = set(plan.unchanged_ids) | {keys[k][0] for k in plan.events if k in keys}
        gone = [(eid, uid) for (uid, _), (eid, _, deleted) in keys.items()
                if not deleted and eid not in seen]
        if not gone:
            return
        if feed_empty:
            summary.notes.append(f"no readable events in the feed; kept the {len(gone)} "
                                 "stored ones")
            return
        ids = [eid for eid, _ in gone]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for row in self.session.execute(select(_TABLE).where(_TABLE.c.id.in_(chunk))):
                old = dict(row._mapping)
                self.changes.append((old["id"], _image(old),
                                     _image({**old, "deleted_at": self.now,
                                             "updated_at": self.now})))
            self.session.execute(update(_TABLE).where(_TABLE.c.id.in_(chunk))
                                 .values(deleted_at=self.now, updated_at=self.now))
            self.session.execute(delete(Occurrence).where(Occurrence.event_id.in_(chunk)))
        self.touched.update(uid for _, uid in gone)
        summary.removed += len(gone)

    def finish(self, summary: ImportSummary) -> None:
        """Occurrences for new and changed UIDs, then one operation with the change rows."""
        window = load_window(self.session, self.clock.today())
        rows: list[Any] = []
        for uid, parts in self.fresh.items():
            exp = expand_group(parts, window)
            rows += exp.in_window(window)
            line = min(p.line_no for _, p in parts)
            summary.warnings += [ImportProblem(line, "VEVENT", uid, w) for w in exp.warnings]
        insert_rows(self.session, rows)
        for note in rebuild_groups(self.session, {(self.calendar_id, u) for u in self.touched},
                                   window):
            summary.warnings.append(ImportProblem(0, "VEVENT", None, note))
        if not self.changes:
            return
        op = Operation(label=self.label, origin=self.origin, at=self.now, state="final")
        self.session.add(op)
        self.session.flush()
        self.session.execute(insert(Change), [
            {"op_id": op.id, "entity": "event", "entity_id": eid, "before": before,
             "after": after} for eid, before, after in self.changes])
