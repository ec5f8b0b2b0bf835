"""JSON images of entities for the change log, and applying them back (undo, redo, import)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.models import Base, Project, SavedFilter, Tag, Task, TaskTag
from app.models.base import UTCDateTime, from_utc_text, to_utc_text
from app.models.entities import Stamped

# Entities that the change log knows how to record and restore, by log name.
ENTITIES: dict[str, type[Base]] = {
    "project": Project,
    "task": Task,
    "tag": Tag,
    "saved_filter": SavedFilter,
}
ENTITY_NAMES: dict[type[Base], str] = {cls: name for name, cls in ENTITIES.items()}


def register_entity(name: str, cls: type[Base]) -> None:
    """Let a feature module (time tracking, calendar) put its entities under undo and audit."""
    ENTITIES[name] = cls
    ENTITY_NAMES[cls] = name


def encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decoder(cls: type[Base], key: str) -> Any:
    column = cls.__table__.columns[key]
    if isinstance(column.type, UTCDateTime):
        return from_utc_text
    if column.type.python_type is date:
        return date.fromisoformat
    return None


def decode_fields(cls: type[Base], image: dict[str, Any]) -> dict[str, Any]:
    """Column values from a JSON image (ignoring extras such as a task's tag ids)."""
    columns = cls.__table__.columns
    out: dict[str, Any] = {}
    for key, raw in image.items():
        if key not in columns:
            continue
        dec = _decoder(cls, key)
        out[key] = raw if raw is None or dec is None else dec(raw)
    return out


def snapshot(session: Session, obj: Base) -> dict[str, Any]:
    """All column values (JSON-ready), plus a task's sorted tag ids."""
    table = obj.__table__
    image = {c.key: encode_value(getattr(obj, c.key)) for c in table.columns}
    if isinstance(obj, Task):
        image["tags"] = task_tag_ids(session, obj.id)
    return image


def task_tag_ids(session: Session, task_id: str) -> list[str]:
    rows = session.execute(select(TaskTag.tag_id).where(TaskTag.task_id == task_id))
    return sorted(r[0] for r in rows)


def set_task_tags(session: Session, task_id: str, tag_ids: list[str]) -> None:
    session.execute(delete(TaskTag).where(TaskTag.task_id == task_id))
    if tag_ids:
        session.execute(
            insert(TaskTag), [{"task_id": task_id, "tag_id": t} for t in sorted(set(tag_ids))]
        )


def dumps(image: dict[str, Any] | None) -> str | None:
    return None if image is None else json.dumps(image, sort_keys=True, ensure_ascii=False)


def loads(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def is_stamped(obj: Base) -> bool:
    return isinstance(obj, Stamped)
