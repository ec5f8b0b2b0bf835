"""Reports and the week timesheet against totals computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.errors import ValidationError
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def tt(services: Services, clock) -> TimeTracking:
    """Clock: Sat 28 Nov 2026 10:00 UTC (11:00 in Berlin).

    a1 (Alpha; deep, client; estimate 4 h): Mon 23 08:00-10:00 UTC, running since Sat 09:00,
        and Mon 16 10:00-11:00 (before the week)
    a2 (Alpha; no tags): Mon 23 10:00-10:30
    b1 (Beta; client): Tue 24 22:30 - Wed 25 00:30 UTC (over Berlin midnight: 30 min + 1:30)
        and a deleted entry on Thu 26
    n1 (no project): Sun 22 22:00-23:30 UTC = 23:00-00:30 Berlin: 30 min inside the week
    """
    p = services.projects
    alpha, beta = p.create("Alpha").id, p.create("Beta").id
    t = services.tasks
    a1 = t.create(TaskFields(title="Design", project_id=alpha, tags=("deep", "client"),
                             estimate_minutes=240)).id
    a2 = t.create(TaskFields(title="Review", project_id=alpha)).id
    b1 = t.create(TaskFields(title="Support", project_id=beta, tags=("client",))).id
    n1 = t.create(TaskFields(title="Inbox zero")).id
    tt = TimeTracking.of(services)
    e = tt.entries
    e.add(a1, utc(23, 8), utc(23, 10))
    e.add(a1, utc(16, 10), utc(16, 11))
    e.add(a2, utc(23, 10), utc(23, 10, 30))
    e.add(b1, utc(24, 22, 30), utc(25, 0, 30))
    e.delete(e.add(b1, utc(26, 9), utc(26, 17)).id)
    e.add(n1, utc(22, 22), utc(22, 23, 30))
    clock.fixed = utc(28, 9)
    tt.timer.start(a1)
    clock.fixed = utc(28, 10)
    return tt


WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def totals(rows: object) -> dict[str, int]:
    return {t.key: t.seconds for t in rows}  # type: ignore[attr-defined]


def test_report_by_project(tt):
    rows = tt.sheet.report(*WEEK, "project")
    assert [(r.key, r.seconds) for r in rows] == [
        ("Alpha", 3 * 3600 + 1800), ("Beta", 7200), ("No project", 1800)]


def test_report_by_task(tt):
    assert totals(tt.sheet.report(*WEEK, "task")) == {
        "Design": 10800, "Support": 7200, "Review": 1800, "Inbox zero": 1800}


def test_report_by_tag_counts_an_entry_under_each_tag(tt):
    assert totals(tt.sheet.report(*WEEK, "tag")) == {
        "client": 10800 + 7200, "deep": 10800, "(untagged)": 1800 + 1800}


def test_report_by_local_day_splits_at_midnight(tt):
    rows = tt.sheet.report(*WEEK, "day")
    assert [(r.key, r.seconds) for r in rows] == [
        ("2026-11-23", 1800 + 7200 + 1800), ("2026-11-24", 1800), ("2026-11-25", 5400),
        ("2026-11-28", 3600)]


def test_report_clips_to_the_range(tt):
    assert totals(tt.sheet.report(date(2026, 11, 24), date(2026, 11, 24), "project")) == {
        "Beta": 1800}
    assert tt.sheet.report(date(2026, 11, 10), date(2026, 11, 12), "task") == []


def test_week_timesheet_totals_and_estimate_vs_actual(tt):
    sheet = tt.sheet.week_of(date(2026, 11, 26))
    assert sheet.first_day == date(2026, 11, 23) and len(sheet.days) == 7
    assert totals(sheet.by_day) == {
        "2026-11-23": 10800, "2026-11-24": 1800, "2026-11-25": 5400, "2026-11-26": 0,
        "2026-11-27": 0, "2026-11-28": 3600, "2026-11-29": 0}
    assert sheet.total == 10800 + 1800 + 5400 + 3600
    assert totals(sheet.by_project) == {"Alpha": 12600, "Beta": 7200, "No project": 1800}
    assert totals(sheet.by_tag) == {"client": 18000, "deep": 10800, "(untagged)": 3600}
    design = next(t for t in sheet.by_task if t.title == "Design")
    assert (design.seconds, design.estimate_minutes, design.actual_seconds) == (
        10800, 240, 10800 + 3600)  # all-time actual includes the entry of the 16th
    assert [e.task_title for e in sheet.entries] == [
        "Inbox zero", "Design", "Review", "Support", "Design"]


def test_day_sheet(tt):
    sheet = tt.sheet.sheet(date(2026, 11, 25), 1)
    assert sheet.total == 5400 and [e.task_title for e in sheet.entries] == ["Support"]


def test_bad_report_arguments(tt):
    with pytest.raises(ValidationError, match="Unknown report grouping"):
        tt.sheet.report(*WEEK, "client")
    with pytest.raises(ValidationError, match="ends .* before it starts"):
        tt.sheet.report(date(2026, 11, 29), date(2026, 11, 23), "task")
