"""The analytics queries themselves: both plans for time outside the range, ids of any
length, the zone/source index, and no query walking every time entry.

The clock is fixed at Saturday 2026-11-28 11:00 Europe/Berlin; the range is that ISO week.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from app.models.base import to_utc_text
from app.services.analytics import AnalyticsService
from app.services.analytics_tracked import LookupMemo
from app.services.analytics_types import StatsQuery
from app.services.tasks import TaskFields
from tests.support.analytics_data import entry_row, insert_entries

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = StatsQuery(date(2026, 11, 23), date(2026, 11, 29))


def local(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BERLIN)


def complete_at(services: Any, task_id: str, when: datetime) -> None:
    saved = services.clock.fixed
    services.clock.fixed = when.astimezone(UTC)
    try:
        services.tasks.complete(task_id)
    finally:
        services.clock.fixed = saved


@pytest.mark.parametrize("filler", [0, 200])
def test_time_outside_the_range_counts_toward_the_estimate(services: Any, filler: int) -> None:
    """Few entries outside the range are walked once; many make each task seek its own.
    Both give the same actual time: 1 h before the range, 2 h inside, 30 min after."""
    task = services.tasks.create(TaskFields(title="Report", estimate_minutes=240))
    other = services.tasks.create(TaskFields(title="Filler"))
    rows = [entry_row(task.id, local(2, 9), local(2, 10)),
            entry_row(task.id, local(24, 9), local(24, 11)),
            entry_row(task.id, local(1, 9, month=12), local(1, 9, month=12) +
                      timedelta(minutes=30))]
    rows += [entry_row(other.id, local(1, 8) + timedelta(minutes=i), local(1, 8) +
                       timedelta(minutes=i, seconds=30)) for i in range(filler)]
    insert_entries(services.store, rows)
    complete_at(services, task.id, local(25, 12))
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert [(e.title, e.estimate_seconds, e.actual_seconds) for e in f.estimates] == [
        ("Report", 4 * 3600, 3 * 3600 + 1800)]
    assert f.estimate_accuracy == pytest.approx(1 - 1800 / (4 * 3600))
    assert f.tracked_total == 2 * 3600


def test_ids_of_any_length_are_matched_exactly(services: Any) -> None:
    """Ids not made by new_id (an import from elsewhere) still find their task and project."""
    now = to_utc_text(services.clock.now())
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO projects (id, name, color, parent_id, position, archived, created_at, "
            "updated_at) VALUES ('legacy-project', 'Legacy', '#123456', NULL, 1, 0, ?, ?)",
            (now, now))
    task = services.tasks.create(TaskFields(title="Modern", estimate_minutes=60))
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO tasks (id, ics_uid, project_id, parent_id, title, notes, status, "
            "priority, recur_from_completion, position, created_at, updated_at) "
            "SELECT 'old-7', 'old-7@x', 'legacy-project', NULL, 'Old one', '', 'todo', 4, 0, "
            "position + 1, created_at, updated_at FROM tasks WHERE id = ?", (task.id,))
    insert_entries(services.store, [entry_row("old-7", local(24, 9), local(24, 12)),
                                    entry_row(task.id, local(25, 9), local(25, 10))])
    complete_at(services, "old-7", local(24, 13))
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert [(s.key, s.label, s.seconds) for s in f.by_task] == [
        ("old-7", "Old one", 3 * 3600), (task.id, "Modern", 3600)]
    assert [(s.key, s.label, s.seconds) for s in f.by_project] == [
        ("legacy-project", "Legacy", 3 * 3600), ("", "No project", 3600)]
    assert [(e.task_id, e.project, e.actual_seconds) for e in f.estimates] == [
        ("old-7", "Legacy", 3 * 3600)]
    filtered = AnalyticsService(services.store, services.clock).figures(
        StatsQuery(WEEK.first, WEEK.last, project_ids=("legacy-project",)))
    assert filtered.tracked_total == 3 * 3600 and filtered.completed_total == 1


def test_lookups_are_reused_only_while_the_data_stamp_holds(services: Any) -> None:
    task = services.tasks.create(TaskFields(title="First"))
    insert_entries(services.store, [entry_row(task.id, local(24, 9), local(24, 10))])
    analytics = AnalyticsService(services.store, services.clock, LookupMemo())
    stamp = analytics.stamp()
    assert [s.label for s in analytics.figures(WEEK, stamp).by_task] == ["First"]
    renamed = services.tasks.update(task.id, TaskFields(title="Renamed"))
    assert renamed.title == "Renamed"
    second = services.tasks.create(TaskFields(title="Second"))
    insert_entries(services.store, [entry_row(second.id, local(25, 9), local(25, 11))])
    fresh = analytics.stamp()
    assert fresh != stamp
    assert [s.label for s in analytics.figures(WEEK, fresh).by_task] == ["Second", "Renamed"]


def test_queries_use_their_indexes(services: Any) -> None:
    """Plans do not depend on the amount of data (no ANALYZE statistics), so a small store
    shows what a big one does: no query may walk every time entry or every task."""
    task = services.tasks.create(TaskFields(title="Call", estimate_minutes=30))
    insert_entries(services.store, [
        entry_row(task.id, local(24, 9), local(24, 10), source="meeting"),
        entry_row(task.id, local(24, 11), local(24, 12), tz="Asia/Tokyo"),
        entry_row(task.id, local(2, 9), local(2, 10))])
    complete_at(services, task.id, local(26, 9))
    seen: list[tuple[str, object]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any,
                 _many: bool) -> None:
        seen.append((statement, params))

    engine = services.store.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        f = AnalyticsService(services.store, services.clock).figures(WEEK)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert f.meeting_per_day == (0,) * 7 and any("Asia/Tokyo" in n for n in f.footnotes)
    assert any("tracked as meetings" in n for n in f.footnotes)
    plans: dict[str, str] = {}
    with engine.connect() as conn:
        for statement, params in seen:
            if "time_entries" in statement or "FROM tasks" in statement:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
                plans[statement] = "\n".join(str(r[3]) for r in rows)
    assert plans
    for statement, plan in plans.items():
        # "e" is time_entries and "t" tasks in every query; the task index (read once per
        # change of the data, see LookupMemo) is the one read of every task.
        walks = [line for line in plan.splitlines() if re.match(r"SCAN (e|t)( |$)", line)]
        if "(t.deleted_at IS NULL)" in statement:
            continue
        assert not walks, (statement, plan)
    flags = [p for s, p in plans.items() if "e.tz < :zone" in s]
    assert flags and all("ix_time_entries_zone_source" in p for p in flags)
