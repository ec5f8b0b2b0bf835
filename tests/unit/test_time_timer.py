"""The timer service: start/stop/switch in one transaction, one running timer in the database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ConflictError, ValidationError
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking


@pytest.fixture
def time(services: Services) -> TimeTracking:
    return TimeTracking.of(services)


def _task(services: Services, title: str, **kw: object) -> str:
    return services.tasks.create(TaskFields(title=title, **kw)).id  # type: ignore[arg-type]


def _rows(services: Services, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(services.store.path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_start_stores_the_start_instant_and_stop_closes_it(services, time, clock):
    a = _task(services, "Write report")
    status = time.timer.start(a)
    assert status.running and status.entry is not None
    assert status.entry.start == clock.fixed and status.entry.task_title == "Write report"
    assert _rows(services, "SELECT start_at, end_at FROM time_entries") == [
        ("2026-11-28T10:00:00.000000Z", None)]
    clock.fixed += timedelta(minutes=25, seconds=3)
    assert time.timer.status().elapsed == 25 * 60 + 3
    done = time.timer.stop()
    assert done is not None and done.seconds(clock.fixed) == 1503
    assert not time.timer.status().running
    assert time.timer.stop() is None  # nothing runs: no error, no write


def test_switching_stops_the_previous_entry_in_the_same_operation(services, time, clock):
    a, b = _task(services, "A"), _task(services, "B")
    time.timer.start(a)
    clock.fixed += timedelta(minutes=10)
    status = time.timer.start(b)
    assert status.entry is not None and status.entry.task_id == b
    rows = _rows(services, "SELECT task_id, start_at, end_at FROM time_entries ORDER BY start_at")
    assert rows == [(a, "2026-11-28T10:00:00.000000Z", "2026-11-28T10:10:00.000000Z"),
                    (b, "2026-11-28T10:10:00.000000Z", None)]
    ops = _rows(services, "SELECT o.label, count(c.id) FROM operations o JOIN changes c "
                          "ON c.op_id = o.id GROUP BY o.id ORDER BY o.id")
    assert ops[-1] == ("Switch timer", 2)  # one step: the stop and the start together


def test_starting_the_running_task_again_changes_nothing(services, time, clock):
    a = _task(services, "A")
    first = time.timer.start(a)
    clock.fixed += timedelta(minutes=1)
    again = time.timer.start(a)
    assert again.entry == first.entry
    assert len(_rows(services, "SELECT id FROM time_entries")) == 1


def test_database_refuses_a_second_running_entry(services, time):
    a, b = _task(services, "A"), _task(services, "B")
    time.timer.start(a)
    con = sqlite3.connect(services.store.path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(
            "INSERT INTO time_entries (id, task_id, start_at, end_at, tz, note, source, "
            "billable, created_at, updated_at) VALUES ('x', ?, '2026-11-28T09:00:00.000000Z', "
            "NULL, 'UTC', '', 'timer', 0, '2026-11-28T09:00:00.000000Z', "
            "'2026-11-28T09:00:00.000000Z')", (b,))
    con.close()
    # a tombstoned running entry does not count, a closed one neither
    assert len(_rows(services, "SELECT id FROM time_entries")) == 1


def test_database_refuses_end_before_start(services, time):
    a = _task(services, "A")
    con = sqlite3.connect(services.store.path)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute(
            "INSERT INTO time_entries (id, task_id, start_at, end_at, tz, note, source, "
            "billable, created_at, updated_at) VALUES ('x', ?, '2026-11-28T09:00:00.000000Z', "
            "'2026-11-28T08:00:00.000000Z', 'UTC', '', 'timer', 0, "
            "'2026-11-28T09:00:00.000000Z', '2026-11-28T09:00:00.000000Z')", (a,))
    con.close()


def test_timer_on_a_deleted_or_unknown_task_is_refused(services, time):
    a = _task(services, "Gone")
    services.tasks.delete(a)
    with pytest.raises(ValidationError, match="was deleted"):
        time.timer.start(a)
    with pytest.raises(ValidationError, match="No task"):
        time.timer.start("0" * 32)
    assert _rows(services, "SELECT id FROM time_entries") == []


def test_a_new_process_sees_the_running_timer_with_the_right_elapsed_time(services, time,
                                                                          data_dir):
    a = _task(services, "A")
    time.timer.start(a)
    later = Clock(zone_name="Europe/Berlin", fixed=datetime(2026, 11, 28, 12, 30, tzinfo=UTC))
    other = Services.open(data_dir, clock=later)
    try:
        status = TimeTracking.of(other).timer.status()
        assert status.running and status.elapsed == 2 * 3600 + 30 * 60
        assert status.as_json() == {
            "running": True, "task_id": a, "task": "A", "entry_id": status.entry.id,
            "start": "2026-11-28T10:00:00+00:00", "elapsed": 9000,
        }
    finally:
        other.close()


def test_stop_within_the_same_second_drops_the_entry(services, time, clock):
    a = _task(services, "A")
    time.timer.start(a)
    assert time.timer.stop() is None
    assert _rows(services, "SELECT count(*) FROM time_entries WHERE deleted_at IS NULL") == [(0,)]


def test_a_timer_left_running_for_weeks_stops_at_999_hours(services, time, clock):
    a = _task(services, "A")
    time.timer.start(a)
    clock.fixed += timedelta(days=60)
    done = time.timer.stop()
    assert done is not None and done.end == datetime(2026, 11, 28, 10, tzinfo=UTC) + timedelta(
        hours=999)


def test_recent_tasks_are_distinct_open_and_newest_first(services, time, clock):
    ids = [_task(services, f"T{i}") for i in range(7)]
    for i in ids + [ids[2]]:
        time.timer.start(i)
        clock.fixed += timedelta(minutes=5)
    services.tasks.complete(ids[6])
    services.tasks.delete(ids[5])
    recent = time.timer.recent_tasks()
    assert [r.title for r in recent] == ["T2", "T4", "T3", "T1", "T0"]


def test_undo_reverts_a_timer_start(services, time):
    a = _task(services, "A")
    time.timer.start(a)
    assert services.history.undo() == "Start timer"
    assert not time.timer.status().running


@pytest.mark.parametrize("action", ["keep", "discard", "stop", "split"])
def test_resolving_idle_time(services, time, clock, action):
    a, b = _task(services, "Work"), _task(services, "Break")
    time.timer.start(a)
    start = clock.fixed
    idle_from, back = start + timedelta(minutes=20), start + timedelta(minutes=50)
    clock.fixed = start + timedelta(minutes=51)
    status = time.timer.resolve_idle(action, idle_from, back, b if action == "split" else None)
    rows = _rows(services, "SELECT task_id, start_at, end_at, source FROM time_entries "
                          "WHERE deleted_at IS NULL ORDER BY start_at")

    def t(minutes: int) -> str:
        return (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")

    expected = {
        "keep": [(a, t(0), None, "timer")],
        "discard": [(a, t(0), t(20), "timer")],
        "stop": [(a, t(0), t(51), "timer")],
        "split": [(a, t(0), t(20), "timer"), (b, t(20), t(50), "idle"), (a, t(50), None, "timer")],
    }[action]
    assert rows == expected
    assert status.running == (action in ("keep", "split"))


def test_split_idle_needs_a_live_other_task(services, time, clock):
    a = _task(services, "Work")
    time.timer.start(a)
    clock.fixed += timedelta(minutes=30)
    with pytest.raises(ValidationError, match="Choose the task"):
        time.timer.resolve_idle("split", clock.fixed - timedelta(minutes=10), clock.fixed)
    with pytest.raises(ValidationError, match="Unknown idle action"):
        time.timer.resolve_idle("snooze", clock.fixed, clock.fixed)
    assert time.timer.status().running


def test_the_unique_index_race_becomes_a_conflict_message(services, time, monkeypatch):
    a, b = _task(services, "A"), _task(services, "B")
    time.timer.start(a)
    # Simulate another process that started a timer between our read and our insert.
    import app.services.time_tracking as tt

    monkeypatch.setattr(tt, "running_entry", lambda _session: None)
    with pytest.raises(ConflictError, match="same moment"):
        time.timer.start(b)
    rows = _rows(services, "SELECT task_id FROM time_entries WHERE end_at IS NULL")
    assert rows == [(a,)]


def test_resolving_idle_for_an_entry_that_no_longer_runs_changes_nothing(services, time,
                                                                        clock):
    a, b = _task(services, "Work"), _task(services, "Other")
    first = time.timer.start(a).entry
    clock.fixed += timedelta(minutes=30)
    time.timer.start(b)  # switched in another window while the idle dialog was open
    clock.fixed += timedelta(minutes=10)
    with pytest.raises(ConflictError, match="changed while you were away"):
        time.timer.resolve_idle("discard", clock.fixed - timedelta(minutes=20), clock.fixed,
                                entry_id=first.id)
    assert time.timer.status().entry.task_id == b
