"""Task commands: add (quick-add grammar), list, show, done, delete."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import (
    Context,
    clip,
    resolve_task_id,
    resolve_task_ids,
    short,
    table,
)
from app.errors import ValidationError

_MARK = {"in_progress": "[>] ", "done": "[x] ", "cancelled": "[-] "}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("add", help="add a task from one line of quick-add text",
                              description='Add a task, e.g. cadence add "Pay rent tomorrow 9am '
                                          '#Home @bills p1 every month ~15m".')
    p.add_argument("text", nargs="+", metavar="TEXT")
    p.add_argument("--parent", metavar="ID", help="make it a subtask of this task")
    p.add_argument("--create-project", action="store_true",
                   help="create the #project if it does not exist yet")
    p.add_argument("--json", action="store_true", help="print the new task as JSON")
    p.set_defaults(run=add)

    p = subparsers.add_parser("list", help="list open tasks, optionally filtered",
                              description="List tasks. FILTER uses the search language: text, "
                                          "#project, @tag, p1, due:today, due<2026-12-01, "
                                          "overdue, no:due, is:done, or.")
    p.add_argument("filter", nargs="*", metavar="FILTER")
    p.add_argument("--all", action="store_true", help="include done and cancelled tasks")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(run=list_tasks)

    p = subparsers.add_parser("show", help="show one task")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=show)

    p = subparsers.add_parser("done", help="complete tasks (recurring ones come back)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(run=done)

    p = subparsers.add_parser("delete", help="delete tasks and their subtasks")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(run=delete)


def task_json(ctx: Context, task_id: str) -> dict[str, Any]:
    from app.models import Task
    from app.services.task_json import select_json

    found = select_json(ctx.services, Task.id == task_id)
    if not found:
        raise ValidationError(f"No task with id {task_id}.")
    return found[0]


def add(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.capture import UnknownProjectError, capture

    services = ctx.services
    parent = resolve_task_id(services, args.parent) if args.parent else None
    try:
        task = capture(services, " ".join(args.text), parent_id=parent,
                       create_project=args.create_project)
    except UnknownProjectError as exc:
        raise ValidationError(f"{exc}; use --create-project to create it") from exc
    if args.json:
        ctx.print_json(task_json(ctx, task.id))
    else:
        ctx.print(task.id)
    return 0


def list_tasks(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.filter_query import FilterError
    from app.services.task_json import listing_clause, select_json, write_json_array

    services = ctx.services
    try:
        where, order = listing_clause(" ".join(args.filter), services.clock,
                                   include_closed=args.all)
    except FilterError as exc:
        raise ValidationError(f"Bad filter: {exc}") from exc
    rows = select_json(services, where, order)
    if args.json:
        write_json_array(rows, ctx.out)
        return 0
    table(("ID", "P", "DUE", "TITLE", "PROJECT", "TAGS"),
          [_list_row(row) for row in rows], ctx.out)
    return 0


def _due_text(row: dict[str, Any]) -> str:
    due = row["due"]
    if due is None:
        return ""
    return str(due)[:16].replace("T", " ")


def _list_row(row: dict[str, Any]) -> tuple[str, ...]:
    title = _MARK.get(row["status"], "") + row["title"]
    return (
        short(row["id"]), f"P{row['priority']}", _due_text(row), clip(title, 60),
        clip(row["project"] or "", 24), " ".join(f"@{t}" for t in row["tags"]),
    )


def show(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.dto import STATUS_LABELS

    row = task_json(ctx, resolve_task_id(ctx.services, args.id))
    if args.json:
        ctx.print_json(row)
        return 0
    ctx.print(row["title"])
    lines = [
        ("id", row["id"]),
        ("status", STATUS_LABELS.get(row["status"], row["status"])),
        ("priority", f"P{row['priority']}"),
        ("due", _due_text(row) + (f" ({row['tz']})" if row["tz"] else "")),
        ("scheduled", row["scheduled"] or ""),
        ("project", row["project"] or ""),
        ("parent", row["parent_id"] or ""),
        ("tags", " ".join(f"@{t}" for t in row["tags"])),
        ("repeats", (row["recurrence"] or "")
         + (" (from completion)" if row["recurrence"] and row["recur_from_completion"] else "")),
        ("estimate", f"{row['estimate_minutes']} min" if row["estimate_minutes"] else ""),
        ("subtasks", f"{row['subtasks_done']}/{row['subtasks_total']} done"
         if row["subtasks_total"] else ""),
        ("created", row["created"]),
        ("updated", row["updated"]),
        ("completed", row["completed"] or ""),
    ]
    for label, value in lines:
        if value:
            ctx.print(f"  {label:<10}{value}")
    if row["notes"]:
        ctx.print()
        for line in row["notes"].splitlines():
            ctx.print(f"  {line}")
    return 0


def done(ctx: Context, args: argparse.Namespace) -> int:
    services = ctx.services
    for task_id in resolve_task_ids(services, args.ids):
        task = services.tasks.complete(task_id)
        ctx.print(f"Completed {short(task.id)} {task.title}")
    return 0


def delete(ctx: Context, args: argparse.Namespace) -> int:
    services = ctx.services
    count = services.tasks.delete(resolve_task_ids(services, args.ids))
    ctx.print(f"Deleted {count} task{'s' if count != 1 else ''}.")
    return 0
