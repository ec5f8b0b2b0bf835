"""A task forest in plain Python (built off the GUI thread) and the drop rules on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from app.services.dto import TaskDTO

ROOT = -1


@dataclass
class TreeData:
    """A task forest in node numbers; built by build_tree on a worker thread (no Qt objects)."""

    tasks: list[TaskDTO | None]
    parent: list[int]
    row: list[int]
    kids: dict[int, list[int]]  # only nodes that have children; ROOT holds the top level
    node_of: dict[str, int] = field(default_factory=dict)

    def children(self, node: int) -> list[int]:
        return self.kids.get(node, _EMPTY)

    def in_order(self) -> list[TaskDTO]:
        """All tasks depth first, siblings in their order."""
        out: list[TaskDTO] = []
        stack = list(reversed(self.children(ROOT)))
        while stack:
            node = stack.pop()
            task = self.tasks[node]
            if task is not None:
                out.append(task)
            stack.extend(reversed(self.children(node)))
        return out

    def parent_node(self, task: TaskDTO) -> int:
        """Where task belongs in this tree: its parent's node, or ROOT if that is not here."""
        return self.node_of.get(task.parent_id, ROOT) if task.parent_id else ROOT

    def detach(self, node: int) -> None:
        """Take a (childless) node out of the tree."""
        siblings = self.kids[self.parent[node]]
        row = self.row[node]
        del siblings[row]
        self._renumber(siblings, row)
        task = self.tasks[node]
        if task is not None:
            del self.node_of[task.id]
        self.tasks[node] = None

    def attach(self, task: TaskDTO) -> int:
        """Add task as the last child of its parent (or of ROOT); returns its node."""
        node, p = len(self.tasks), self.parent_node(task)
        siblings = self.kids.setdefault(p, [])
        self.tasks.append(task)
        self.parent.append(p)
        self.row.append(len(siblings))
        siblings.append(node)
        self.node_of[task.id] = node
        return node

    def relocate(self, src_p: int, row: int, count: int, dst_p: int, dest: int) -> None:
        """Move count nodes from src_p's children at row to dst_p's children before dest
        (dest counted in dst_p's list as it was before the move, as Qt's moveRows does)."""
        src = self.kids[src_p]
        nodes = src[row:row + count]
        del src[row:row + count]
        if src_p == dst_p and dest > row:
            dest -= count
        dst = self.kids.setdefault(dst_p, [])
        dst[dest:dest] = nodes
        for node in nodes:
            self.parent[node] = dst_p
        self._renumber(src, 0)
        self._renumber(dst, 0)
        if not src and src_p != ROOT:
            del self.kids[src_p]

    def slot(self, node: int, new_p: int, after_id: str | None, before_id: str | None) -> int:
        """The row node takes among new_p's other children: after after_id, else before
        before_id, else last."""
        siblings = [n for n in self.children(new_p) if n != node]
        for ref, offset in ((after_id, 1), (before_id, 0)):
            ref_node = self.node_of.get(ref) if ref is not None else None
            if ref_node is not None and ref_node in siblings:
                return siblings.index(ref_node) + offset
        return len(siblings)

    def _renumber(self, siblings: list[int], start: int) -> None:
        for i in range(start, len(siblings)):
            self.row[siblings[i]] = i


_EMPTY: list[int] = []


def build_tree(tasks: list[TaskDTO]) -> TreeData:
    """Nest tasks under their parents, keeping the given (SQL) order among siblings.

    A subtask whose parent is not in the list is shown at the top level. O(n).
    """
    node_of = {t.id: i for i, t in enumerate(tasks)}
    parent = [ROOT] * len(tasks)
    row = [0] * len(tasks)
    kids: dict[int, list[int]] = {ROOT: []}
    for i, task in enumerate(tasks):
        p = node_of.get(task.parent_id, ROOT) if task.parent_id else ROOT
        siblings = kids.get(p)
        if siblings is None:
            siblings = kids[p] = []
        row[i] = len(siblings)
        siblings.append(i)
        parent[i] = p
    return TreeData(list(tasks), parent, row, kids, node_of)


class Move(NamedTuple):
    """One move a drop asks for (see plan_drop)."""

    task_id: str
    reparent: bool  # False: keep the parent (a subtask whose parent is not shown)
    parent_id: str | None
    after_id: str | None
    before_id: str | None


def inside(data: TreeData, node: int, target: int) -> bool:
    """True if target is node or one of its descendants."""
    cursor = target
    while cursor != ROOT:
        if cursor == node:
            return True
        cursor = data.parent[cursor]
    return False


def plan_drop(data: TreeData, ids: list[str], target: int, row: int) -> list[Move]:
    """Moves for tasks dropped onto target (row < 0: as its last subtasks) or between
    target's children row-1 and row. Each task lands after the previous one, so a
    multi-task drop keeps its order; each move is one row written."""
    siblings = data.children(target)
    moving = {data.node_of[i] for i in ids}
    left = [n for n in (siblings if row < 0 else siblings[:row]) if n not in moving]
    right = [] if row < 0 else [n for n in siblings[row:] if n not in moving]
    after = _id(data, left[-1]) if left else None
    before = _id(data, right[0]) if right else None
    target_task = data.tasks[target] if target != ROOT else None
    moves: list[Move] = []
    for task_id in ids:
        node = data.node_of[task_id]
        task = data.tasks[node]
        assert task is not None
        if target_task is not None:
            moves.append(Move(task_id, True, target_task.id, after, before))
        else:  # to the top level; a subtask whose parent is hidden keeps its parent
            reparent = data.parent[node] != ROOT or task.parent_id is None
            moves.append(Move(task_id, reparent, None, after, before))
        after = task_id
    return moves


def _id(data: TreeData, node: int) -> str | None:
    task = data.tasks[node]
    return None if task is None else task.id
