"""The JSON backup of the whole store: export, validate, and import in one transaction.

The format is documented in docs/backup-format.md. Export reads one consistent
snapshot and writes rows exactly as stored (ids, UTC stamps, positions, tombstones),
so export → import into an empty store → export gives the same file. Import checks
the whole document first (shape, types, references) and then upserts everything by
id with Core bulk statements in one transaction, logged as one "import" operation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import String, Table, column, select, table, type_coerce, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from app import __version__
from app.errors import ValidationError
from app.models import Change, Operation, Setting, TaskTag
from app.models.base import to_utc_text
from app.services.backup_check import (
    FORMAT,
    SECTIONS,
    TASK_TAGS_KEY,
    VERSION,
    Document,
    check_document,
    check_store_conflicts,
    section_fields,
)
from app.services.uow import write

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.facade import Services

_CHUNK = 20_000
_IMPORT_CACHE_KIB = -65536  # negative: KiB, i.e. 64 MiB
_BULK_ROWS = 5000  # from this many rows of one table, rebuild its indexes after the load


@dataclass
class BackupSummary:
    """How many rows of each kind a backup held."""

    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{n} {_noun(name, n)}" for name, n in self.counts.items() if n]
        return ", ".join(parts) if parts else "nothing"


def _noun(section: str, count: int) -> str:
    words = section.replace("_", " ")
    if count != 1:
        return words
    return words[:-3] + "y" if words.endswith("ies") else words.removesuffix("s")


@dataclass
class ImportSummary(BackupSummary):
    source: str = ""
    merged_tags: int = 0  # backup tags folded into stored tags of the same name

    def describe(self) -> str:
        text = super().describe()
        if self.merged_tags:
            noun = _noun("tags", self.merged_tags)
            text += f" ({self.merged_tags} {noun} merged into stored ones of the same name)"
        return text


# -- export ------------------------------------------------------------------------------


def export_backup(services: Services, target: Path | IO[str]) -> BackupSummary:
    """Write the whole store as a backup document to a path (atomically) or a text stream."""
    if not isinstance(target, Path):
        return _export_to(services, target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as stream:
            summary = _export_to(services, stream)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    return summary


def _export_to(services: Services, stream: IO[str]) -> BackupSummary:
    summary = BackupSummary()
    with services.store.engine.connect() as conn:
        # One read transaction for every table, so the backup is a consistent snapshot.
        conn.exec_driver_sql("BEGIN")
        head = {"format": FORMAT, "version": VERSION,
                "exported": to_utc_text(services.clock.now()), "app_version": __version__}
        stream.write("{\n")
        for key, value in head.items():
            stream.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
        for name, tbl in SECTIONS.items():
            count = 0
            stream.write(f"{json.dumps(name)}: [")
            for row in _rows(conn, name, tbl):
                stream.write(",\n" if count else "\n")
                stream.write(json.dumps(row, ensure_ascii=False))
                count += 1
            stream.write("\n],\n" if count else "],\n")
            summary.counts[name] = count
        settings = _settings(conn)
        stream.write('"settings": ')
        stream.write(json.dumps(settings, ensure_ascii=False, sort_keys=True))
        stream.write("\n}\n")
        summary.counts["settings"] = len(settings)
        conn.rollback()
    return summary


def _rows(conn: Connection, name: str, tbl: Table) -> Iterator[dict[str, Any]]:
    fields = section_fields(name)
    # Instants and dates are read as their stored text: exact, and no parsing per row.
    cols = [type_coerce(tbl.c[f.key], String()) if f.kind in ("instant", "date")
            else tbl.c[f.key] for f in fields]
    keys = [f.key for f in fields]
    tags = _task_tags(conn) if name == "tasks" else None
    for values in conn.execute(select(*cols).order_by(tbl.c.id)):
        row = dict(zip(keys, values, strict=True))
        if tags is not None:
            row[TASK_TAGS_KEY] = tags.get(row["id"], [])
        yield row


def _task_tags(conn: Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    stmt = select(TaskTag.task_id, TaskTag.tag_id).order_by(TaskTag.task_id, TaskTag.tag_id)
    for task_id, tag_id in conn.execute(stmt):
        out.setdefault(task_id, []).append(tag_id)
    return out


def _settings(conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in conn.execute(select(Setting.key, Setting.value).order_by(Setting.key)):
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw  # not JSON (should not happen): keep the text itself
    return out


# -- import ------------------------------------------------------------------------------


def read_document(path: Path) -> Any:
    """Parse a backup file's JSON; unreadable files and bad JSON become ValidationErrors."""
    try:
        with path.open("rb") as fh:
            return json.load(fh, parse_constant=_reject_constant)
    except FileNotFoundError as exc:
        raise ValidationError(f"No such file: {path}") from exc
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not a UTF-8 text file.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    except ValueError as exc:
        raise ValidationError(f"{path.name}: {exc}") from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a backup")


_ANALYZE_ROWS = 5000


def import_backup(services: Services, path: Path) -> ImportSummary:
    """Load a backup file into the store: all or nothing, idempotent (upsert by id)."""
    raw = read_document(path)
    try:
        doc = check_document(raw)
    except ValidationError as exc:
        raise ValidationError(f"{path.name}: {exc}") from exc
    summary = ImportSummary(source=path.name)
    summary.counts = {name: len(rows) for name, rows in doc.sections.items()}
    summary.counts["settings"] = len(doc.settings)
    try:
        with write(services.store, "Import backup", clock=services.clock,
                   origin="import", keep_stamps=True) as uow:
            conn = uow.session.connection()
            # Take the write lock first so the checks below see what the writes will change.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            check_store_conflicts(conn, doc)
            # A bigger page cache for the bulk write (index upkeep at 100k rows), then back.
            cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql(f"PRAGMA cache_size={_IMPORT_CACHE_KIB}")
            try:
                _write_document(conn, doc)
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache or -2000)}")
            summary.merged_tags = doc.merged_tags
            if sum(summary.counts.values()) >= _ANALYZE_ROWS:
                # Fresh statistics, or SQLite picks poor indexes for the views at 100k rows.
                conn.exec_driver_sql("ANALYZE")
            _log(uow.session, services, path, summary)
    except ValidationError as exc:
        raise ValidationError(f"{path.name}: {exc}") from exc
    except IntegrityError as exc:
        raise ValidationError(
            f"{path.name} conflicts with the stored data ({exc.orig}); nothing was imported."
        ) from exc
    return summary


def _write_document(conn: Connection, doc: Document) -> None:
    # Sections are in dependency order and rows parents-first, so every foreign key holds
    # at once. (Deferring the checks instead makes SQLite rescan the child table for
    # every inserted parent: quadratic at 100k tasks.)
    for name, rows in doc.sections.items():
        if rows:
            fields = section_fields(name)
            own = [f.key for f in fields if f.ref == SECTIONS[name].name]
            ordered = _parents_first(rows, own[0]) if own else rows
            with _bulk(conn, SECTIONS[name].name, len(rows)):
                _upsert(conn, SECTIONS[name].name, [f.key for f in fields], "id", ordered)
    tasks = doc.sections.get("tasks", [])
    if tasks:
        # A task's tags in the backup replace the ones it has in the store.
        if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM task_tags)").scalar():
            conn.exec_driver_sql(
                "DELETE FROM task_tags WHERE task_id = ?", [(row["id"],) for row in tasks]
            )
        link = table(TaskTag.__tablename__, column("task_id"), column("tag_id"))
        pairs = [{"task_id": t, "tag_id": g} for t, g in doc.task_tags]
        with _bulk(conn, TaskTag.__tablename__, len(pairs)):
            for start in range(0, len(pairs), _CHUNK):
                conn.execute(link.insert(), pairs[start : start + _CHUNK])
    if doc.settings:
        values = [{"key": k, "value": json.dumps(v, ensure_ascii=False, sort_keys=True)}
                  for k, v in doc.settings.items()]
        _upsert(conn, Setting.__tablename__, ["key", "value"], "key", values)


@contextmanager
def _bulk(conn: Connection, name: str, rows: int) -> Iterator[None]:
    """For a big load, drop the table's secondary indexes and build them again afterwards.

    Building an index once from sorted data is about twice as fast as updating eight
    indexes row by row at 100k rows. It all happens inside the import's transaction
    (DDL is transactional in SQLite), so a failure leaves the indexes as they were.
    """
    if rows < _BULK_ROWS:
        yield
        return
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (name,)
    ).all()
    for index_name, _ in found:
        conn.exec_driver_sql(f'DROP INDEX "{index_name}"')
    yield
    for _, sql in found:
        conn.exec_driver_sql(sql)


def _parents_first(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Rows reordered so that each row's parent (when in rows) comes before it."""
    by_id = {row["id"]: row for row in rows}
    placed: set[str] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        chain: list[dict[str, Any]] = []
        node: dict[str, Any] | None = row
        while node is not None and node["id"] not in placed:
            chain.append(node)
            placed.add(node["id"])  # chains never loop: check_document refused cycles
            parent = node[key]
            node = by_id.get(parent) if parent is not None else None
        out.extend(reversed(chain))
    return out


def _upsert(
    conn: Connection, name: str, keys: list[str], key: str, rows: list[dict[str, Any]]
) -> None:
    # An untyped table: values are already in their stored form, so no bind processing.
    target = table(name, *(column(k) for k in keys))
    stmt = sqlite_insert(target)
    stmt = stmt.on_conflict_do_update(
        index_elements=[key], set_={k: stmt.excluded[k] for k in keys if k != key}
    )
    for start in range(0, len(rows), _CHUNK):
        conn.execute(stmt, rows[start : start + _CHUNK])


def _log(session: Session, services: Services, path: Path, summary: ImportSummary) -> None:
    """One audit-only operation with a summary change (import is not undoable)."""
    session.execute(update(Operation).where(Operation.state == "undone").values(state="dead"))
    op = Operation(label="Import backup", origin="import", at=services.clock.now(),
                   state="final")
    session.add(op)
    session.flush()
    after = {"file": path.name, "format": FORMAT, "version": VERSION, **summary.counts}
    session.add(Change(op_id=op.id, entity="backup", entity_id=path.name[:64], before=None,
                       after=json.dumps(after, sort_keys=True)))

