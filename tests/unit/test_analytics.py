"""Analytics figures on constructed data, every expected number worked out by hand.

The clock is fixed at Saturday 2026-11-28 11:00 Europe/Berlin (10:00 UTC); the range is
that ISO week, Monday 23 to Sunday 29 November 2026 (CET, UTC+1 throughout).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.errors import StoreError, ValidationError
from app.services.analytics import AnalyticsService
from app.services.analytics_export import to_json, write_csv
from app.services.analytics_types import StatsQuery
from app.services.tasks import TaskFields
from tests.support.analytics_data import (
    add_calendar,
    entry_row,
    event_rows,
    insert_entries,
    insert_events,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = StatsQuery(date(2026, 11, 23), date(2026, 11, 29))


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def complete_at(services, task_id: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    saved = services.clock.fixed
    services.clock.fixed = when.astimezone(UTC)
    try:
        services.tasks.complete(task_id)
    finally:
        services.clock.fixed = saved


@pytest.fixture
def week(services):  # type: ignore[no-untyped-def]
    """A week of work in two projects: midnight-crossing, running and out-of-range entries."""
    alpha = services.projects.create("Alpha", color="#112233")
    beta = services.projects.create("Beta", color="#445566")
    create = services.tasks.create
    a1 = create(TaskFields(title="Write proposal", project_id=alpha.id, estimate_minutes=180,
                           tags=("deep", "client"), due_date=date(2026, 11, 27),
                           due_time=time(1, 30)))
    b1 = create(TaskFields(title="Fix build", project_id=beta.id, estimate_minutes=60,
                           due_date=date(2026, 11, 28), due_time=time(11, 30)))
    c1 = create(TaskFields(title="Call bank", estimate_minutes=30, due_date=date(2026, 11, 22)))
    d1 = create(TaskFields(title="Tidy desk", due_date=date(2026, 11, 25)))
    e1 = create(TaskFields(title="Review draft", project_id=alpha.id, estimate_minutes=60,
                           tags=("deep",), due_date=date(2026, 11, 27)))
    f1 = create(TaskFields(title="Send invoice", project_id=beta.id,
                           due_date=date(2026, 11, 27)))
    m1 = create(TaskFields(title="Standup", project_id=beta.id))
    insert_entries(services.store, [
        # Thursday 22:00 -> Friday 01:30: 2 h on Thursday, 1.5 h on Friday.
        entry_row(a1.id, local(26, 22), local(27, 1, 30)),
        # Running since Saturday 09:15: counted up to now, 11:00 -> 1 h 45 min.
        entry_row(b1.id, local(28, 9, 15), None),
        # Three weeks earlier: outside the range, but part of e1's actual time.
        entry_row(e1.id, local(2, 9), local(2, 10)),
        # Tracked as a meeting on Monday 14:00-14:30: tracked, but not focus time.
        entry_row(m1.id, local(23, 14), local(23, 14, 30), source="meeting"),
    ])
    complete_at(services, c1.id, local(23, 0, 30))  # Sunday 23:30 UTC, Monday in Berlin
    complete_at(services, d1.id, local(25, 12))
    complete_at(services, a1.id, local(27, 2))
    complete_at(services, e1.id, local(28, 10))
    return {"alpha": alpha, "beta": beta, "a1": a1, "b1": b1, "c1": c1, "d1": d1, "e1": e1,
            "f1": f1, "m1": m1}


def test_tracked_time_splits_at_local_midnight_and_counts_running_entry(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert f.days[0] == date(2026, 11, 23) and len(f.days) == 7
    #                         Mon   Tue Wed Thu   Fri   Sat   Sun
    assert f.tracked_per_day == (1800, 0, 0, 7200, 5400, 6300, 0)
    assert f.tracked_total == 20700
    assert f.running
    assert any("running timer" in n and "11:00" in n for n in f.footnotes)


def test_distribution_by_project_tag_and_task(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert [(s.label, s.seconds) for s in f.by_project] == [("Alpha", 12600), ("Beta", 8100)]
    assert f.by_project[0].key == week["alpha"].id and f.by_project[0].color == "#112233"
    # a1 carries two tags, so it counts toward both; b1 and the standup have none.
    assert [(s.label, s.seconds) for s in f.by_tag] == [
        ("client", 12600), ("deep", 12600), ("No tag", 8100)]
    assert any("several tags" in n for n in f.footnotes)
    assert [(s.label, s.seconds) for s in f.by_task] == [
        ("Write proposal", 12600), ("Fix build", 6300), ("Standup", 1800)]


def test_stacks_per_day_by_project(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    stacks = {s.label: s.seconds for s in f.project_stacks}
    assert stacks == {"Alpha": (0, 0, 0, 7200, 5400, 0, 0),
                      "Beta": (1800, 0, 0, 0, 0, 6300, 0)}
    folded = AnalyticsService(services.store, services.clock).figures(
        StatsQuery(WEEK.first, WEEK.last, top_n=1))
    assert [(s.label, s.seconds) for s in folded.project_stacks] == [
        ("Alpha", (0, 0, 0, 7200, 5400, 0, 0)), ("Other", (1800, 0, 0, 0, 0, 6300, 0))]
    assert [s.label for s in folded.by_task] == ["Write proposal", "Other tasks"]
    assert folded.by_task[1].seconds == 8100


def test_heatmap_by_weekday_and_local_hour(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    cells = {(d, h): v for d, row in enumerate(f.heatmap) for h, v in enumerate(row) if v}
    assert cells == {
        (0, 14): 1800,  # Monday standup
        (3, 22): 3600, (3, 23): 3600, (4, 0): 3600, (4, 1): 1800,  # Thursday night
        (5, 9): 2700, (5, 10): 3600,  # the running timer, Saturday 09:15-11:00
    }


def test_completions_by_local_day_and_late_counts(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    # c1 was completed at 23:30 UTC on Sunday 22nd: Monday in Berlin.
    assert f.completed_per_day == (1, 0, 1, 0, 1, 1, 0)
    assert f.completed_total == 4
    # Late: a1 (timed due 01:30, done 02:00), c1 (due Sunday, done Monday local time),
    # e1 (due Friday, done Saturday). d1 was done on its due day.
    assert f.completed_late == 3
    assert f.overdue == 1  # f1; b1 is due at 11:30, half an hour from now
    assert [(w.week, w.count, w.days_in_range) for w in f.weeks] == [("2026-W48", 4, 7)]
    # Rolling average: the 28 days up to today (1-28 Nov) hold the 4 completions.
    assert f.weeks[0].rolling_average == 1.0
    assert f.elapsed_days == 6
    assert f.rate_per_week == pytest.approx(4 / (6 / 7))


def test_estimate_accuracy(services, week):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    # Measured: a1 (estimate 3 h, actual 3.5 h) and e1 (1 h, 1 h, tracked three weeks
    # before the range). c1 had an estimate but no time; d1 had no estimate.
    assert f.estimated == 2 and f.untracked == 1 and f.unestimated == 1
    assert f.estimate_accuracy == pytest.approx(1 - 1800 / 14400)  # 0.875
    assert f.estimate_ratio == pytest.approx(16200 / 14400)  # 1.125
    rows = {e.title: (e.estimate_seconds, e.actual_seconds) for e in f.estimates}
    assert rows == {"Write proposal": (10800, 12600), "Review draft": (3600, 3600),
                    "Call bank": (1800, 0)}
    assert any("1 completed task had no estimate" in n for n in f.footnotes)
    assert any("1 estimated task had no tracked time" in n for n in f.footnotes)


def test_focus_against_meetings_from_the_calendar(services, week):
    work = add_calendar(services.store, "Work")
    hidden = add_calendar(services.store, "Birthdays", visible=False)
    insert_events(services.store, [
        event_rows(work, local(23, 10), local(23, 11)),
        event_rows(work, local(23, 10, 30), local(23, 11, 30)),  # overlaps: union is 1.5 h
        event_rows(work, local(24, 0), local(25, 0), all_day=True),  # all day: not a meeting
        event_rows(work, local(24, 15), local(24, 16), status="cancelled"),
        # Floating 09:00-09:30 wall clock, stored as if it were UTC.
        event_rows(work, datetime(2026, 11, 24, 9, tzinfo=UTC),
                   datetime(2026, 11, 24, 9, 30, tzinfo=UTC), floating=True),
        event_rows(work, local(25, 23), local(26, 1)),  # crosses midnight
        event_rows(hidden, local(26, 12), local(26, 13)),
    ])
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert f.meeting_per_day == (5400, 1800, 3600, 3600, 0, 0, 0)
    assert f.focus_per_day == (0, 0, 0, 7200, 5400, 6300, 0)  # the tracked standup is not focus
    assert f.meeting_total == 14400 and f.focus_total == 18900
    assert any("tracked as meetings" in n for n in f.footnotes)


def test_filters_by_project_with_subprojects_and_by_tag(services, week):
    sub = services.projects.create("Alpha research", parent_id=week["alpha"].id)
    g1 = services.tasks.create(TaskFields(title="Read papers", project_id=sub.id))
    insert_entries(services.store, [entry_row(g1.id, local(24, 9), local(24, 10))])
    analytics = AnalyticsService(services.store, services.clock)
    f = analytics.figures(StatsQuery(WEEK.first, WEEK.last, project_ids=(week["alpha"].id,)))
    assert f.tracked_per_day == (0, 3600, 0, 7200, 5400, 0, 0)
    assert [s.label for s in f.by_project] == ["Alpha", "Alpha research"]
    assert f.completed_per_day == (0, 0, 0, 0, 1, 1, 0)  # a1, e1
    assert f.overdue == 0 and f.completed_late == 2
    tags = {t.name: t.id for t in services.tags.list()}
    f = analytics.figures(StatsQuery(WEEK.first, WEEK.last, tag_ids=(tags["client"],)))
    assert f.tracked_total == 12600 and f.completed_total == 1
    both = analytics.figures(StatsQuery(WEEK.first, WEEK.last, project_ids=(week["beta"].id,),
                                        tag_ids=(tags["deep"],)))
    assert both.tracked_total == 0 and both.completed_total == 0


def test_deleted_tasks_and_entries_are_left_out(services, week):
    services.tasks.delete(week["b1"].id)
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert f.tracked_per_day == (1800, 0, 0, 7200, 5400, 0, 0)
    assert not f.running


def test_entry_in_another_zone_gets_a_footnote(services, week):
    insert_entries(services.store, [
        entry_row(week["a1"].id, local(24, 3), local(24, 4), tz="Asia/Tokyo")])
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    assert any("Asia/Tokyo" in n and "Europe/Berlin" in n for n in f.footnotes)


def test_baseline_set_in_settings_and_target_progress(services, week):
    analytics = AnalyticsService(services.store, services.clock)
    f = analytics.figures(WEEK)
    # The first completion was on Monday 23rd: 4 full weeks have not passed yet.
    assert f.baseline.source == "none" and f.baseline.per_week is None
    assert f.progress is None
    analytics.set_baseline(2.0)
    analytics.set_target_percent(50)
    assert analytics.settings() == (2.0, 50.0)
    f = analytics.figures(WEEK)
    assert (f.baseline.source, f.baseline.per_week) == ("set", 2.0)
    assert f.target_per_week == 3.0
    assert f.progress == pytest.approx((4 / (6 / 7)) / 3.0)
    assert "of your target of 3 a week" in f.review
    analytics.set_baseline(None)
    assert analytics.settings() == (None, 50.0)
    with pytest.raises(ValidationError):
        analytics.set_baseline(-1)
    with services.store.engine.begin() as conn:  # a damaged value counts as not set
        conn.exec_driver_sql("UPDATE settings SET value = 'oops' "
                             "WHERE key = 'analytics.target_percent'")
    assert analytics.settings() == (None, 20.0)


def test_automatic_baseline_is_the_first_four_full_weeks(services):
    task = services.tasks.create
    def done_on(day: date, n: int = 1) -> None:
        for i in range(n):
            t = task(TaskFields(title=f"t {day} {i}"))
            complete_at(services, t.id, datetime.combine(day, time(12), tzinfo=BERLIN))
    done_on(date(2026, 9, 2))  # a Wednesday: the first full week starts Monday 7 Sep
    done_on(date(2026, 9, 8), 3)  # W37
    done_on(date(2026, 9, 16), 5)  # W38
    done_on(date(2026, 9, 24), 4)  # W39
    done_on(date(2026, 9, 28), 8)  # W40
    done_on(date(2026, 10, 5))  # W41: after the baseline window
    done_on(date(2026, 10, 14), 2)  # W42
    f = AnalyticsService(services.store, services.clock).figures(
        StatsQuery(date(2026, 10, 5), date(2026, 10, 18)))
    assert f.baseline.source == "auto" and f.baseline.first_monday == date(2026, 9, 7)
    assert f.baseline.per_week == 5.0  # (3 + 5 + 4 + 8) / 4
    assert f.target_per_week == 6.0
    assert [(w.week, w.count) for w in f.weeks] == [("2026-W41", 1), ("2026-W42", 2)]
    # W41 ends Sun 11 Oct: 14 Sep - 11 Oct holds 5 + 4 + 8 + 1 = 18.
    # W42 ends Sun 18 Oct: 21 Sep - 18 Oct holds 4 + 8 + 1 + 2 = 15.
    assert [w.rolling_average for w in f.weeks] == [4.5, 3.75]
    # The 4 weeks before the range (7 Sep - 4 Oct) hold 20: an average of 5 a week.
    assert f.prior_average == 5.0
    assert f.rate_per_week == 1.5
    assert "You completed 3 tasks (1.5 a week), 3.5 a week fewer than" in f.review


def test_dst_spring_forward_day_has_23_hours(services):
    task = services.tasks.create(TaskFields(title="Night shift"))
    # Saturday 28 March 23:30 CET -> Sunday 29 March 03:30 CEST: 3 real hours.
    insert_entries(services.store, [entry_row(task.id, local(28, 23, 30, month=3),
                                              local(29, 3, 30, month=3))])
    f = AnalyticsService(services.store, services.clock).figures(
        StatsQuery(date(2026, 3, 23), date(2026, 3, 29)))
    assert f.tracked_per_day == (0, 0, 0, 0, 0, 1800, 9000)
    assert f.heatmap[5][23] == 1800
    assert f.heatmap[6][:4] == (3600, 3600, 0, 1800)  # 02:00-03:00 never happened
    assert f.odd_days == ((date(2026, 3, 29), 23.0),)
    assert any("Sun 29 Mar 2026 (a 23-hour day)" in n for n in f.footnotes)


def test_dst_fall_back_day_has_25_hours(services):
    task = services.tasks.create(TaskFields(title="Night shift"))
    # Sunday 25 October 01:30 CEST -> 03:30 CET: 3 real hours, 02:xx happens twice.
    start = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    insert_entries(services.store, [entry_row(task.id, start, start + timedelta(hours=3))])
    f = AnalyticsService(services.store, services.clock).figures(
        StatsQuery(date(2026, 10, 19), date(2026, 10, 25)))
    assert f.tracked_per_day == (0, 0, 0, 0, 0, 0, 10800)
    assert f.heatmap[6][1:4] == (1800, 7200, 1800)
    assert f.odd_days == ((date(2026, 10, 25), 25.0),)


def test_empty_and_future_ranges(services):
    analytics = AnalyticsService(services.store, services.clock)
    f = analytics.figures(StatsQuery(date(2026, 6, 1), date(2026, 6, 30)))
    assert f.completed_total == 0 and f.tracked_total == 0 and f.meeting_total == 0
    assert f.by_project == () and f.estimates == () and f.estimate_accuracy is None
    assert "No tasks were completed in this range." in f.footnotes
    assert "No time was tracked in this range." in f.footnotes
    assert f.review.startswith("You completed 0 tasks")
    future = analytics.figures(StatsQuery(date(2027, 1, 4), date(2027, 1, 10)))
    assert future.elapsed_days == 0 and future.rate_per_week is None
    assert future.weeks[0].rolling_average is None
    assert future.review == "This range has not started yet."
    with pytest.raises(ValidationError, match="ends"):
        StatsQuery(date(2026, 6, 30), date(2026, 6, 1))
    one_day = analytics.figures(StatsQuery(date(2026, 11, 28), date(2026, 11, 28)))
    assert len(one_day.heatmap) == 7 and one_day.elapsed_days == 1


def test_stamp_changes_with_anything_the_figures_read(services, week):
    analytics = AnalyticsService(services.store, services.clock)
    stamps = [analytics.stamp()]
    assert analytics.stamp() == stamps[0]  # nothing changed
    services.tasks.update(week["f1"].id, TaskFields(title="Send the invoice"))
    stamps.append(analytics.stamp())
    insert_entries(services.store, [entry_row(week["f1"].id, local(24, 8), local(24, 9))])
    stamps.append(analytics.stamp())
    analytics.set_target_percent(30)
    stamps.append(analytics.stamp())
    insert_events(services.store, [event_rows(add_calendar(services.store), local(25, 9),
                                              local(25, 10))])
    stamps.append(analytics.stamp())
    services.clock.fixed += timedelta(minutes=1)  # the running timer has grown
    stamps.append(analytics.stamp())
    assert len(set(stamps)) == len(stamps)


def test_json_and_csv_carry_the_same_numbers(services, week, tmp_path):
    f = AnalyticsService(services.store, services.clock).figures(WEEK)
    doc = to_json(f)
    assert json.loads(json.dumps(doc)) == doc
    assert doc["completed_tasks"] == 4
    assert doc["tracked_seconds"] == 20700
    assert doc["by_project"] == {"Alpha": 12600, "Beta": 8100}
    assert doc["by_tag"] == {"client": 12600, "deep": 12600, "No tag": 8100}
    assert doc["completed_per_week"] == [
        {"week": "2026-W48", "count": 4, "days_in_range": 7, "rolling_average": 1.0}]
    assert doc["estimate_accuracy"] == 0.875
    assert (doc["focus_seconds"], doc["meeting_seconds"]) == (18900, 0)
    assert doc["heatmap"]["Thu"][22] == 3600
    target = tmp_path / "numbers.csv"
    write_csv(f, target)
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    tracked = {r["date"]: int(r["value"]) for r in rows if r["figure"] == "tracked"}
    assert tracked["2026-11-26"] == 7200 and sum(tracked.values()) == 20700
    assert {"figure": "time_by_project", "date": "", "key": week["alpha"].id,
            "label": "Alpha", "value": "12600", "unit": "seconds"} in rows
    with pytest.raises(StoreError, match="Could not write"):
        write_csv(f, tmp_path)  # a folder, not a file
