"""Task JSON: the DTO path and the bulk SQL path give identical objects."""

from __future__ import annotations

import io
import json
from datetime import date, time

from app.models import Task
from app.services.facade import Services
from app.services.task_json import (
    FIELDS,
    listing_clause,
    select_json,
    task_to_json,
    write_json_array,
)
from app.services.tasks import TaskFields


def _variety(services: Services) -> None:
    home = services.projects.create("Home")
    add = services.tasks.create
    parent = add(TaskFields(title="Timed NY", project_id=home.id, due_date=date(2026, 3, 8),
                            due_time=time(2, 30), due_tz="America/New_York",
                            tags=("zeta", "Alpha", "beta"), notes="ünï – code"))
    add(TaskFields(title="Child", parent_id=parent.id, estimate_minutes=45))
    done = add(TaskFields(title="Done child", parent_id=parent.id))
    services.tasks.complete(done.id)
    add(TaskFields(title="Date only", due_date=date(2026, 12, 24),
                   scheduled_date=date(2026, 12, 1), recurrence="FREQ=YEARLY",
                   recur_from_completion=True, priority=1))
    add(TaskFields(title="Tokyo", due_date=date(2026, 11, 29), due_time=time(23, 59),
                   due_tz="Asia/Tokyo"))
    add(TaskFields(title="Plain"))


def test_both_paths_agree(services: Services) -> None:
    _variety(services)
    fast = select_json(services, order_by=[Task.id])
    slow = [task_to_json(t) for t in services.tasks.reader.select(order_by=[Task.id])]
    assert fast == slow
    assert all(list(row) == list(FIELDS) for row in fast)


def test_bulk_path_above_the_small_batch_size(services: Services) -> None:
    _variety(services)
    for n in range(520):  # past _SMALL: tags and counts are fetched for all tasks at once
        services.tasks.create(TaskFields(title=f"n{n}", tags=("bulk",) if n % 2 else ()))
    fast = select_json(services, order_by=[Task.id])
    slow = [task_to_json(t) for t in services.tasks.reader.select(order_by=[Task.id])]
    assert len(fast) == 526 and fast == slow


def test_values(services: Services) -> None:
    _variety(services)
    rows = {r["title"]: r for r in select_json(services)}
    ny = rows["Timed NY"]
    # 02:30 does not exist that night (clocks jump from 02:00 to 03:00): it reads as 03:30.
    assert (ny["due"], ny["tz"]) == ("2026-03-08T03:30:00-04:00", "America/New_York")
    assert ny["tags"] == ["Alpha", "beta", "zeta"]
    assert (ny["subtasks_total"], ny["subtasks_done"]) == (2, 1)
    assert rows["Tokyo"]["due"] == "2026-11-29T23:59:00+09:00"
    only = rows["Date only"]
    assert (only["due"], only["tz"], only["scheduled"]) == ("2026-12-24", None, "2026-12-01")
    assert only["recurrence"] == "FREQ=YEARLY" and only["recur_from_completion"] is True
    assert rows["Done child"]["completed"] == "2026-11-28T10:00:00.000000+00:00"
    assert rows["Plain"]["created"] == "2026-11-28T10:00:00.000000+00:00"


def test_listing_clause(services: Services) -> None:
    _variety(services)

    def titles(text: str, *, closed: bool = False) -> list[str]:
        where, order = listing_clause(text, services.clock, include_closed=closed)
        return [r["title"] for r in select_json(services, where, order)]

    assert titles("") == ["Timed NY", "Tokyo", "Date only", "Child", "Plain"]
    assert "Done child" in titles("", closed=True)
    assert titles("child") == ["Child"]
    assert titles("child", closed=True) == ["Child", "Done child"]


def test_write_json_array_streams_valid_json() -> None:
    for n in (0, 1, 5, 4001):
        buf = io.StringIO()
        items = ({"n": i, "s": "ä"} for i in range(n))
        assert write_json_array(items, buf, chunk=2000) == n
        assert json.loads(buf.getvalue()) == [{"n": i, "s": "ä"} for i in range(n)]
