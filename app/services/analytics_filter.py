"""The project and tag filter of an analytics query, as SQL on the tasks alias ``t``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

Params = dict[str, Any]


@dataclass(frozen=True)
class TaskFilter:
    """A WHERE fragment on the tasks alias ``t`` plus its parameters (empty = no filter)."""

    sql: str
    params: Params
    project_ids: tuple[str, ...] = ()  # the chosen projects and all their subprojects
    tag_ids: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.sql)

    def where(self) -> str:
        return f" AND {self.sql}" if self.sql else ""


def project_subtrees(conn: Connection, roots: tuple[str, ...]) -> list[str]:
    """The given live projects and every live subproject beneath them."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for pid, parent in conn.exec_driver_sql(
        "SELECT id, parent_id FROM projects WHERE deleted_at IS NULL"
    ):
        children[parent].append(pid)
    found: list[str] = []
    todo = list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo.extend(children.get(pid, ()))
    return found


def task_filter(conn: Connection, project_ids: tuple[str, ...],
                tag_ids: tuple[str, ...]) -> TaskFilter:
    parts: list[str] = []
    params: Params = {}
    ids: list[str] = []
    if project_ids:
        ids = project_subtrees(conn, project_ids) or list(project_ids)
        names = [f"fp{i}" for i in range(len(ids))]
        params.update(zip(names, ids, strict=True))
        parts.append(f"t.project_id IN ({', '.join(':' + n for n in names)})")
    if tag_ids:
        names = [f"fg{i}" for i in range(len(tag_ids))]
        params.update(zip(names, tag_ids, strict=True))
        parts.append(
            "EXISTS (SELECT 1 FROM task_tags ftt WHERE ftt.task_id = t.id AND ftt.tag_id IN "
            f"({', '.join(':' + n for n in names)}))"
        )
    return TaskFilter(" AND ".join(parts), params, tuple(ids), tag_ids)
