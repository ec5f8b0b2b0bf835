"""Listing projects and tags."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from app.cli.common import Context, clip, short, table

if TYPE_CHECKING:
    from app.services.dto import ProjectDTO


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("projects", help="list projects (nested) with open task counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=projects)
    p = subparsers.add_parser("tags", help="list tags with open task counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=tags)


def _nested(items: list[ProjectDTO]) -> list[tuple[int, ProjectDTO]]:
    """Projects in sidebar order, each with its depth (children under their parent)."""
    ids = {p.id for p in items}
    children: dict[str | None, list[ProjectDTO]] = {}
    for item in items:
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)
    out: list[tuple[int, ProjectDTO]] = []
    stack = [(0, p) for p in reversed(children.get(None, []))]
    while stack:
        depth, item = stack.pop()
        out.append((depth, item))
        stack.extend((depth + 1, c) for c in reversed(children.get(item.id, [])))
    return out


def projects(ctx: Context, args: argparse.Namespace) -> int:
    items = ctx.services.projects.list(include_archived=True)
    if args.json:
        ctx.print_json([asdict(p) for p in items])
        return 0
    rows = [
        (short(p.id), clip("  " * depth + p.name, 60) + (" (archived)" if p.archived else ""),
         str(p.open_tasks))
        for depth, p in _nested(items)
    ]
    table(("ID", "PROJECT", "OPEN"), rows, ctx.out)
    return 0


def tags(ctx: Context, args: argparse.Namespace) -> int:
    items = ctx.services.tags.list()
    if args.json:
        ctx.print_json([asdict(t) for t in items])
        return 0
    table(("ID", "TAG", "OPEN"), [(short(t.id), f"@{t.name}", str(t.open_tasks))
                                  for t in items], ctx.out)
    return 0
