"""VTODO records from tokenized ICS components: status, priority, due, tags, parent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.services.calendar_records import (
    Context,
    Moment,
    RecordError,
    as_int,
    clean_rule,
    moment,
)
from app.services.ics_parse import LineError, RawComponent, properties, split_list, unescape

TODO_PROPS = frozenset({
    "UID", "SUMMARY", "DESCRIPTION", "STATUS", "PRIORITY", "DUE", "DTSTART", "COMPLETED",
    "CATEGORIES", "RELATED-TO", "RRULE", "SEQUENCE", "DURATION",
})


@dataclass(slots=True)
class ParsedTodo:
    uid: str
    summary: str = ""
    description: str = ""
    status: str = "todo"
    priority: int = 4
    due: Moment | None = None
    completed: datetime | None = None
    categories: list[str] = field(default_factory=list)
    parent_uid: str | None = None
    rrule: str | None = None
    sequence: int = 0
    content_hash: str = ""
    line_no: int = 0
    warnings: list[str] = field(default_factory=list)


_TODO_STATUS = {"NEEDS-ACTION": "todo", "IN-PROCESS": "in_progress", "COMPLETED": "done",
                "CANCELLED": "cancelled", "CANCELED": "cancelled"}


def ics_priority_to_task(value: int) -> int:
    """RFC 5545 PRIORITY (1 high .. 9 low, 0 none) to Cadence's 1 (highest) .. 4 (none)."""
    if value <= 0 or value > 9:
        return 4
    return 1 if value <= 3 else 2 if value <= 5 else 3


def task_priority_to_ics(value: int) -> int:
    return {1: 1, 2: 5, 3: 9}.get(value, 0)


def parse_todo(comp: RawComponent, ctx: Context) -> ParsedTodo:
    try:
        props = properties(comp, TODO_PROPS)
    except LineError as exc:
        raise RecordError(str(exc)) from exc
    todo = ParsedTodo(uid="", content_hash=comp.digest, line_no=comp.line_no)
    for name, params, value in props:
        if name == "UID":
            todo.uid = value.strip()
        elif name == "SUMMARY":
            todo.summary = unescape(value)
        elif name == "DESCRIPTION":
            todo.description = unescape(value)
        elif name == "STATUS":
            todo.status = _TODO_STATUS.get(value.strip().upper(), "todo")
        elif name == "PRIORITY":
            todo.priority = ics_priority_to_task(as_int(value))
        elif name == "DUE":
            todo.due = moment(value, params, ctx, todo.warnings)
        elif name == "COMPLETED":
            done = moment(value, params, ctx, todo.warnings).value
            if isinstance(done, datetime):
                todo.completed = done if done.tzinfo else done.replace(tzinfo=UTC)
        elif name == "CATEGORIES":
            todo.categories.extend(split_list(value))
        elif name == "RELATED-TO" and params.get("RELTYPE", "PARENT").upper() == "PARENT":
            todo.parent_uid = value.strip() or None
        elif name == "RRULE" and value.strip():
            todo.rrule = clean_rule(value.strip(), todo.warnings)
        elif name == "SEQUENCE":
            todo.sequence = as_int(value)
    if todo.completed is not None and todo.status == "todo":
        todo.status = "done"
    return todo
