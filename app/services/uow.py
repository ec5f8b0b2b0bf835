"""Unit of work: one session per operation, and every change recorded in the change log.

A service method opens ``write(store, "Edit task")``, loads what it will change through
``uow.get``/``uow.track`` and adds new rows with ``uow.add``. On exit the before and
after images of every tracked entity are compared; changed entities get a fresh
``updated_at`` and a Change row under one Operation (one undo step), all in the same
transaction as the edit itself, so the log can never disagree with the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models import Base, Change, Operation
from app.models.db import Store, translated_errors
from app.models.entities import Stamped
from app.services.clock import Clock
from app.services.snapshots import ENTITY_NAMES, dumps, snapshot

T = TypeVar("T", bound=Base)


@dataclass
class UnitOfWork:
    session: Session
    label: str
    origin: str
    clock: Clock
    keep_stamps: bool = False
    _tracked: dict[tuple[str, str], tuple[Base, dict[str, Any] | None]] = field(
        default_factory=dict
    )
    changed: list[tuple[str, str]] = field(default_factory=list)
    op_id: int | None = None

    def track(self, obj: T) -> T:
        """Remember obj's before-image (once per operation) so its change gets logged."""
        key = (ENTITY_NAMES[type(obj)], str(obj.id))  # type: ignore[attr-defined]
        if key not in self._tracked:
            self._tracked[key] = (obj, snapshot(self.session, obj))
        return obj

    def add(self, obj: T) -> T:
        """Insert a new entity (logged with no before-image)."""
        self.session.add(obj)
        self.session.flush()
        key = (ENTITY_NAMES[type(obj)], str(obj.id))  # type: ignore[attr-defined]
        self._tracked[key] = (obj, None)
        return obj

    def get(self, cls: type[T], ident: str, *, include_deleted: bool = False) -> T:
        obj = self.session.get(cls, ident)
        if obj is None or (
            not include_deleted and isinstance(obj, Stamped) and obj.deleted_at is not None
        ):
            raise NotFoundError(f"No {ENTITY_NAMES.get(cls, cls.__name__)} with id {ident}")
        return self.track(obj)

    def finish(self) -> None:
        self.session.flush()
        now = self.clock.now()
        rows: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = []
        for (entity, ident), (obj, before) in self._tracked.items():
            after = snapshot(self.session, obj)
            if before == after:
                continue
            if isinstance(obj, Stamped) and not self.keep_stamps:
                obj.updated_at = now
                if before is None:
                    obj.created_at = now
                self.session.flush()
                after = snapshot(self.session, obj)
            rows.append((entity, ident, before, after))
        if not rows:
            return
        if self.origin == "user":
            # A new action makes undone actions unreachable for redo (a classic undo stack).
            self.session.execute(
                update(Operation).where(Operation.state == "undone").values(state="dead")
            )
        op = Operation(
            label=self.label,
            origin=self.origin,
            at=now,
            state="done" if self.origin == "user" else "final",
        )
        self.session.add(op)
        self.session.flush()
        self.op_id = op.id
        self.session.add_all(
            Change(op_id=op.id, entity=e, entity_id=i, before=dumps(b), after=dumps(a))
            for e, i, b, a in rows
        )
        self.changed = [(e, i) for e, i, _, _ in rows]


@contextmanager
def write(
    store: Store, label: str, *, clock: Clock, origin: str = "user", keep_stamps: bool = False
) -> Iterator[UnitOfWork]:
    """One logged, atomic write operation; nothing is stored if the body raises."""
    with translated_errors(), store.sessions() as session:
        uow = UnitOfWork(session, label, origin, clock, keep_stamps)
        try:
            yield uow
            uow.finish()
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read(store: Store) -> Iterator[Session]:
    with translated_errors(), store.sessions() as session:
        yield session
