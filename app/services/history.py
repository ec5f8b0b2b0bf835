"""Undo and redo from the change log (field by field, so later edits by sync survive)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.errors import NothingToUndoError
from app.models import Change, Operation
from app.models.db import Store
from app.models.entities import Stamped
from app.services.clock import Clock
from app.services.snapshots import (
    ENTITIES,
    decode_fields,
    loads,
    set_task_tags,
    snapshot,
)
from app.services.uow import UnitOfWork, read, write

_SKIP = {"id", "updated_at", "created_at", "tags"}


class HistoryService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def undo_label(self) -> str | None:
        with read(self.store) as s:
            label: str | None = s.scalar(_undoable())
            return label

    def redo_label(self) -> str | None:
        with read(self.store) as s:
            label: str | None = s.scalar(_redoable())
            return label

    def undo(self) -> str:
        """Revert the latest user action; returns its label."""
        return self._step(undo=True)

    def redo(self) -> str:
        return self._step(undo=False)

    def recent(self, limit: int = 50) -> list[tuple[int, str, str, str]]:
        """(op id, label, origin, ISO time) of the latest operations: the audit trail."""
        with read(self.store) as s:
            rows = s.execute(
                select(Operation.id, Operation.label, Operation.origin, Operation.at)
                .order_by(Operation.id.desc())
                .limit(limit)
            ).all()
        return [(i, lbl, o, at.isoformat()) for i, lbl, o, at in rows]

    def _step(self, *, undo: bool) -> str:
        with read(self.store) as s:
            op = s.scalars(
                select(Operation).where(
                    Operation.id == (_undoable_id() if undo else _redoable_id())
                )
            ).first()
            if op is None:
                raise NothingToUndoError("Nothing to undo." if undo else "Nothing to redo.")
            changes = s.scalars(
                select(Change).where(Change.op_id == op.id).order_by(Change.id.desc())
            ).all()
            op_id, label = op.id, op.label
        verb = "Undo" if undo else "Redo"
        with write(self.store, f"{verb} {label}", clock=self.clock, origin=verb.lower()) as uow:
            seq = changes if undo else list(reversed(changes))
            for ch in seq:
                before, after = loads(ch.before), loads(ch.after)
                target, expected = (before, after) if undo else (after, before)
                _restore(uow, ch.entity, ch.entity_id, target, expected, self.clock)
            stored = uow.session.get(Operation, op_id)
            assert stored is not None
            if undo:
                top = uow.session.scalar(select(func.max(Operation.undone_by))) or 0
                stored.state, stored.undone_by = "undone", top + 1
            else:
                stored.state = "done"
        return label


def _undoable_id() -> Any:
    return (
        select(func.max(Operation.id))
        .where(Operation.state == "done", Operation.origin == "user")
        .scalar_subquery()
    )


def _redoable_id() -> Any:
    top = select(func.max(Operation.undone_by)).where(Operation.state == "undone").scalar_subquery()
    return (
        select(Operation.id)
        .where(Operation.state == "undone", Operation.undone_by == top)
        .scalar_subquery()
    )


def _undoable() -> Any:
    return select(Operation.label).where(Operation.id == _undoable_id())


def _redoable() -> Any:
    return select(Operation.label).where(Operation.id == _redoable_id())


def _restore(
    uow: UnitOfWork,
    entity: str,
    ident: str,
    target: dict[str, Any] | None,
    expected: dict[str, Any] | None,
    clock: Clock,
) -> None:
    """Bring one entity back to ``target`` where it still looks like ``expected``."""
    cls = ENTITIES[entity]
    obj = uow.session.get(cls, ident)
    if target is None:  # the action created it: undo = tombstone
        if obj is not None and isinstance(obj, Stamped) and obj.deleted_at is None:
            uow.track(obj)
            obj.deleted_at = clock.now()
        return
    if obj is None:  # hard-deleted since (should not happen with tombstones): re-create
        obj = uow.add(cls(**decode_fields(cls, target)))
        if "tags" in target:
            set_task_tags(uow.session, ident, list(target["tags"]))
        return
    uow.track(obj)
    if expected is None:  # redo of a creation: the undo only tombstoned the row
        if isinstance(obj, Stamped) and target.get("deleted_at") is None:
            obj.deleted_at = None
        return
    current = snapshot(uow.session, obj)
    wanted = {
        k: v
        for k, v in target.items()
        if k not in _SKIP and expected.get(k) != v and current.get(k) == expected.get(k)
    }
    for key, value in decode_fields(cls, wanted).items():
        setattr(obj, key, value)
    tags_changed = "tags" in target and target["tags"] != expected.get("tags")
    if tags_changed and current.get("tags") == expected.get("tags"):
        set_task_tags(uow.session, ident, list(target["tags"]))
