"""Checking a backup document before anything is written: shape, types and references.

Each section of the document is a table; its fields are the table's columns, so the
rules (type, required, nullable, length, references) come from the SQLAlchemy models.
Every problem is reported as a ValidationError naming the element, e.g.
``tasks[12].priority: must be 1 to 4, not 7``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, Table, func, select
from sqlalchemy.engine import Connection

from app.errors import ValidationError
from app.models import Base, Project, SavedFilter, Tag, Task, TimeEntry
from app.models.base import UTCDateTime, to_utc_text
from app.models.entities import TASK_STATUSES
from app.services import validate

FORMAT = "cadence-backup"
VERSION = 1
TASK_TAGS_KEY = "tags"  # a task's tag ids, stored in the task_tags link table

# Document sections in write order; each is a table upserted by its "id" column.
SECTIONS: dict[str, Table] = {
    "projects": Project.__table__,  # type: ignore[dict-item]
    "tags": Tag.__table__,  # type: ignore[dict-item]
    "tasks": Task.__table__,  # type: ignore[dict-item]
    "saved_filters": SavedFilter.__table__,  # type: ignore[dict-item]
    "time_entries": TimeEntry.__table__,  # type: ignore[dict-item]
}


def register_section(name: str, model: type[Base]) -> None:
    """Put a feature's table (events, reminders, ...) into the backup as a new section."""
    SECTIONS[name] = model.__table__  # type: ignore[assignment]
    _FIELDS.pop(name, None)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column as a backup field."""

    key: str
    kind: str  # text, int, float, bool, date, instant
    nullable: bool
    required: bool
    default: Any
    max_len: int | None
    ref: str | None  # table name this field references


_FIELDS: dict[str, tuple[FieldSpec, ...]] = {}
_SINGULAR = {"projects": "project", "tags": "tag", "tasks": "task",
             "saved_filters": "saved filter", "time_entries": "time entry"}


def _kind(col_type: Any) -> str:
    if isinstance(col_type, UTCDateTime):
        return "instant"
    for cls, kind in ((Boolean, "bool"), (Date, "date"), (Integer, "int"), (Float, "float")):
        if isinstance(col_type, cls):
            return kind
    return "text"


def section_fields(name: str) -> tuple[FieldSpec, ...]:
    """The fields of a section, in column order (cached)."""
    if name not in _FIELDS:
        specs = []
        for col in SECTIONS[name].columns:
            scalar = col.default is not None and col.default.is_scalar
            refs = [fk.column.table.name for fk in col.foreign_keys]
            specs.append(FieldSpec(
                key=col.key, kind=_kind(col.type), nullable=bool(col.nullable),
                required=not col.nullable and not scalar,
                default=col.default.arg if scalar else None,  # type: ignore[union-attr]
                max_len=getattr(col.type, "length", None), ref=refs[0] if refs else None,
            ))
        _FIELDS[name] = tuple(specs)
    return _FIELDS[name]


@dataclass
class Document:
    """A checked backup: rows ready for the database, plus references still to check."""

    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    task_tags: list[tuple[str, str]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    # (where, table, id) of references to rows that are not in the file itself.
    outside_refs: list[tuple[str, str, str]] = field(default_factory=list)
    merged_tags: int = 0  # tags folded into stored tags of the same name


def check_document(raw: Any) -> Document:
    """Check everything that does not need the database; raise on the first problem.

    The section lists of ``raw`` are emptied on the way (each element is dropped once
    checked), which keeps the peak memory of a 100k-task import down.
    """
    if not isinstance(raw, dict):
        raise ValidationError("not a Cadence backup (expected a JSON object).")
    if raw.get("format") != FORMAT:
        raise ValidationError(
            f'not a Cadence backup (format is {json_repr(raw.get("format"))}, '
            f'expected "{FORMAT}").'
        )
    version = raw.get("version")
    if type(version) is not int or version < 1:
        raise ValidationError(f"unknown backup version {json_repr(version)}.")
    if version > VERSION:
        raise ValidationError(
            f"written by a newer Cadence (backup version {version}); "
            f"this Cadence reads version {VERSION}. Please update Cadence."
        )
    doc = Document()
    ids: dict[str, set[str]] = {}
    for name, tbl in SECTIONS.items():
        items = raw.get(name, [])
        if not isinstance(items, list):
            raise ValidationError(f'"{name}" must be a list.')
        doc.sections[name] = _check_section(name, items, doc)
        ids[tbl.name] = {row["id"] for row in doc.sections[name]}
    _check_references(doc, ids)
    doc.settings = _check_settings(raw.get("settings", {}))
    return doc


def json_repr(value: Any) -> str:
    return "missing" if value is None else repr(value)


def _check_section(name: str, items: list[Any], doc: Document) -> list[dict[str, Any]]:
    specs = section_fields(name)
    row_check = _ROW_CHECKS.get(name)
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(f"{where} must be an object.")
        row: dict[str, Any] = {}
        for spec in specs:
            if spec.key in item:
                row[spec.key] = _value(spec, item[spec.key], where)
            elif spec.required:
                raise ValidationError(f'{where}: "{spec.key}" is missing.')
            else:
                row[spec.key] = spec.default
        first = seen.setdefault(row["id"], index)
        if first != index:
            raise ValidationError(f"{where}.id: {row['id']} appears twice (also {name}[{first}]).")
        if row_check is not None:
            row_check(row, item, where, doc)
        rows.append(row)
        items[index] = None
    items.clear()
    return rows


def _value(spec: FieldSpec, value: Any, where: str) -> Any:  # noqa: PLR0911, PLR0912
    kind = spec.kind
    if value is None:
        if spec.nullable:
            return None
        raise ValidationError(f"{where}.{spec.key}: must not be null.")
    if kind == "text":
        if type(value) is not str:
            raise ValidationError(f"{where}.{spec.key}: must be a string.")
        if spec.max_len is not None and len(value) > spec.max_len:
            raise ValidationError(
                f"{where}.{spec.key}: longer than {spec.max_len} characters.")
        return value
    if kind == "instant":
        if type(value) is str:
            if len(value) == 27 and value[10] == "T" and value[-1] == "Z":
                try:
                    datetime.fromisoformat(value)
                    return value
                except ValueError:
                    pass
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return to_utc_text(parsed)
        raise ValidationError(
            f"{where}.{spec.key}: must be an instant like 2026-11-28T08:00:00.000000Z, "
            f"not {value!r}.")
    if kind == "date":
        if type(value) is str and len(value) == 10:
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise ValidationError(f"{where}.{spec.key}: must be a date like 2026-11-28, not {value!r}.")
    if kind == "int":
        if type(value) is not int:
            raise ValidationError(f"{where}.{spec.key}: must be a whole number.")
        return value
    if kind == "float":
        if type(value) is float:
            return value
        if type(value) is int:
            return float(value)
        raise ValidationError(f"{where}.{spec.key}: must be a number.")
    if type(value) is not bool:
        raise ValidationError(f"{where}.{spec.key}: must be true or false.")
    return value


_RULES_OK: set[str] = set()
_ZONES_OK: set[str] = set()


def _check_task(row: dict[str, Any], item: dict[str, Any], where: str, doc: Document) -> None:
    if row["status"] not in TASK_STATUSES:
        raise ValidationError(
            f"{where}.status: must be one of {', '.join(TASK_STATUSES)}, not {row['status']!r}.")
    if row["priority"] not in (1, 2, 3, 4):
        raise ValidationError(f"{where}.priority: must be 1 to 4, not {row['priority']}.")
    if not row["title"].strip():
        raise ValidationError(f"{where}.title: must not be empty.")
    tz = row["due_tz"]
    if tz is not None and tz not in _ZONES_OK:
        try:
            validate.zone(tz)
        except ValidationError:
            raise ValidationError(f"{where}.due_tz: unknown time zone {tz!r}.") from None
        _ZONES_OK.add(tz)
    if row["due_at"] is not None and (row["due_date"] is None or tz is None):
        raise ValidationError(f"{where}.due_at: a timed due needs due_date and due_tz too.")
    rule = row["recurrence"]
    if rule is not None and rule not in _RULES_OK:
        try:
            validate.recurrence(rule)
        except ValidationError as exc:
            raise ValidationError(f"{where}.recurrence: {exc}") from None
        _RULES_OK.add(rule)
    tags = item.get(TASK_TAGS_KEY, [])
    if not isinstance(tags, list) or any(type(t) is not str for t in tags):
        raise ValidationError(f"{where}.{TASK_TAGS_KEY}: must be a list of tag ids.")
    task_id = row["id"]
    doc.task_tags.extend((task_id, tag) for tag in sorted(set(tags)))


def _check_time_entry(
    row: dict[str, Any], item: dict[str, Any], where: str, doc: Document  # noqa: ARG001
) -> None:
    if row["end_at"] is not None and row["end_at"] <= row["start_at"]:
        raise ValidationError(f"{where}.end_at: must be after start_at.")


_ROW_CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any], str, Document], None]] = {
    "tasks": _check_task,
    "time_entries": _check_time_entry,
}


def _check_references(doc: Document, ids: dict[str, set[str]]) -> None:
    """References into the file are checked here; the rest wait for check_store_conflicts."""
    for name, rows in doc.sections.items():
        for spec in section_fields(name):
            if spec.ref is None:
                continue
            known = ids.get(spec.ref, set())
            for index, row in enumerate(rows):
                target = row[spec.key]
                if target is not None and target not in known:
                    doc.outside_refs.append((f"{name}[{index}].{spec.key}", spec.ref, target))
            if spec.ref == SECTIONS[name].name:
                _check_cycles(name, spec.key, rows)
    tag_ids = ids.get(Tag.__tablename__, set())
    task_index = {row["id"]: i for i, row in enumerate(doc.sections.get("tasks", []))}
    for task_id, tag_id in doc.task_tags:
        if tag_id not in tag_ids:
            where = f"tasks[{task_index[task_id]}].{TASK_TAGS_KEY}"
            doc.outside_refs.append((where, Tag.__tablename__, tag_id))
    _check_tag_names(doc.sections.get("tags", []))


def _check_cycles(name: str, key: str, rows: list[dict[str, Any]]) -> None:
    parent = {row["id"]: row[key] for row in rows}
    index = {row["id"]: i for i, row in enumerate(rows)}
    safe: set[str] = set()
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in safe:
            if node in path:
                raise ValidationError(f"{name}[{index[node]}].{key}: the {key} chain loops back.")
            path.append(node)
            node = parent[node]
        safe.update(path)


def _check_tag_names(tags: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for index, row in enumerate(tags):
        if row["deleted_at"] is not None:
            continue
        first = seen.setdefault(row["name"].lower(), index)
        if first != index:
            raise ValidationError(
                f'tags[{index}].name: "{row["name"]}" is also the name of tags[{first}].')


def _check_settings(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError('"settings" must be an object.')
    for key in raw:
        if len(key) > 100:
            raise ValidationError(f"settings: key {key[:20]!r}... is longer than 100 characters.")
    return dict(raw)


def check_store_conflicts(conn: Connection, doc: Document) -> None:
    """Checks against the database: references to stored rows; tag names already in use."""
    wanted: dict[str, set[str]] = {}
    for _, tbl, ident in doc.outside_refs:
        wanted.setdefault(tbl, set()).add(ident)
    present: dict[str, set[str]] = {}
    tables = {t.name: t for t in SECTIONS.values()}
    for name, idents in wanted.items():
        target = tables[name]
        found: set[str] = set()
        chunk = sorted(idents)
        for start in range(0, len(chunk), 500):
            part = chunk[start : start + 500]
            found.update(conn.execute(select(target.c.id).where(target.c.id.in_(part))).scalars())
        present[name] = found
    for where, tbl_name, ident in doc.outside_refs:
        if ident not in present[tbl_name]:
            what = _SINGULAR.get(tbl_name, tbl_name)
            raise ValidationError(f"{where}: no {what} with id {ident} in the backup or the store.")
    _merge_tags(conn, doc)


def _merge_tags(conn: Connection, doc: Document) -> None:
    """A live tag whose name a different stored tag already has is merged into that one.

    (A first run's sample project has tags too; importing a backup must not fail on them.)
    """
    tags = doc.sections.get("tags", [])
    file_ids = {row["id"] for row in tags}
    stored = conn.execute(
        select(func.lower(Tag.name), Tag.id).where(Tag.deleted_at.is_(None))
    ).all()
    taken = {name: ident for name, ident in stored if ident not in file_ids}
    merged = {row["id"]: taken[row["name"].lower()] for row in tags
              if row["deleted_at"] is None and row["name"].lower() in taken}
    if merged:
        doc.sections["tags"] = [row for row in tags if row["id"] not in merged]
        pairs = {(task, merged.get(tag, tag)) for task, tag in doc.task_tags}
        doc.task_tags = sorted(pairs)
        doc.merged_tags = len(merged)
