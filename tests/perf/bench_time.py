"""Time-tracking benchmark: 200,000 entries over 5 years (issue #4).

    python3 -m pytest -m perf -s tests/perf/bench_time.py      (prints the numbers)

Targets: the week timesheet's data under 150 ms; ``cadence report`` for a year by project
under 0.5 s; starting/stopping the timer writes one or two time-entry rows and runs on the
worker (the GUI thread only queues it). Medians of several runs; no timed asserts here
beyond the row counts, the numbers are printed.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.models.base import new_id
from app.paths import database_path
from app.services.clock import Clock
from app.services.facade import Services
from app.services.time_tracking import TimeTracking

pytestmark = pytest.mark.perf
ROOT = Path(__file__).resolve().parents[2]
ENTRIES = 200_000
YEARS = 5
TASKS, PROJECTS, TAGS = 2_000, 60, 120
TODAY = date(2026, 11, 27)
ZONE = "Europe/Berlin"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def fill(folder: Path) -> None:
    """Projects, tags, tasks through the services' schema; entries with executemany."""
    services = Services.open(folder)
    services.close()
    rng = random.Random(4)
    now = stamp(datetime(2026, 11, 27, tzinfo=UTC))
    con = sqlite3.connect(database_path(folder))
    projects = [(new_id(), f"Project {i}", "#5b8def", None, float(i), 0, now, now, None)
                for i in range(PROJECTS)]
    con.executemany("INSERT INTO projects (id, name, color, parent_id, position, archived, "
                    "created_at, updated_at, deleted_at) VALUES (?,?,?,?,?,?,?,?,?)", projects)
    tags = [(new_id(), f"tag{i}", "#8a8f98", now, now, None) for i in range(TAGS)]
    con.executemany("INSERT INTO tags (id, name, color, created_at, updated_at, deleted_at) "
                    "VALUES (?,?,?,?,?,?)", tags)
    tasks = []
    for i in range(TASKS):
        tid = new_id()
        project = rng.choice(projects)[0] if rng.random() < 0.85 else None
        tasks.append((tid, f"{tid}@cadence", project, None, f"Task {i}", "", "todo", 4, None,
                      None, None, None, rng.choice([None, 60, 120, 480]), None, 0, float(i),
                      None, now, now, None))
    con.executemany(
        "INSERT INTO tasks (id, ics_uid, project_id, parent_id, title, notes, status, priority,"
        " due_date, due_at, due_tz, scheduled_date, estimate_minutes, recurrence,"
        " recur_from_completion, position, completed_at, created_at, updated_at, deleted_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tasks)
    con.executemany("INSERT INTO task_tags (task_id, tag_id) VALUES (?, ?)",
                    {(t[0], rng.choice(tags)[0]) for t in tasks for _ in range(2)})
    zone = ZoneInfo(ZONE)
    days = YEARS * 365
    rows = []
    first = TODAY - timedelta(days=days - 1)
    for d in range(days):  # the last day is TODAY; every day gets its share
        day = first + timedelta(days=d)
        cursor = datetime(day.year, day.month, day.day, 7, tzinfo=zone)
        for _ in range(ENTRIES * (d + 1) // days - ENTRIES * d // days):
            length = timedelta(minutes=rng.randint(2, 9))
            end = cursor + length
            rows.append((new_id(), rng.choice(tasks)[0], stamp(cursor), stamp(end), ZONE, "",
                         "timer", 0, stamp(end), stamp(end), None))
            cursor = end + timedelta(minutes=rng.randint(0, 2))
    con.executemany(
        "INSERT INTO time_entries (id, task_id, start_at, end_at, tz, note, source, billable,"
        " created_at, updated_at, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.execute("ANALYZE")
    con.close()


@pytest.fixture(scope="module")
def store(bench_dir: Path) -> Path:
    folder = bench_dir / f"time-{ENTRIES}"
    if not database_path(folder).exists():
        start = time.perf_counter()
        fill(folder)
        took = time.perf_counter() - start
        print(f"\n[bench] generated {ENTRIES:,} time entries in {took:.1f} s")
    return folder


@pytest.fixture
def services(store: Path) -> Any:
    svc = Services.open(store, clock=Clock(zone_name=ZONE,
                                           fixed=datetime(2026, 11, 27, 18, tzinfo=UTC)))
    yield svc
    svc.close()


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    fn()  # warm the page cache and statement cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def test_week_timesheet_data(services: Any) -> None:
    tt = TimeTracking.of(services)
    count = sum(1 for _ in tt.sheet.week_of(TODAY).entries)
    this_week = median_ms(lambda: tt.sheet.week_of(TODAY))
    old_week = median_ms(lambda: tt.sheet.week_of(TODAY - timedelta(days=900)))
    day = median_ms(lambda: tt.sheet.sheet(TODAY, 1))
    print(f"\n[bench] week timesheet ({count} entries, totals, estimates): this week "
          f"{this_week:.1f} ms, a week 2.5 years ago {old_week:.1f} ms, one day {day:.1f} ms "
          "(target < 150 ms)")
    assert count > 500


def test_year_report(services: Any) -> None:
    tt = TimeTracking.of(services)
    first, last = TODAY - timedelta(days=364), TODAY
    results = {by: median_ms(lambda by=by: tt.sheet.report(first, last, by), runs=5)
               for by in ("project", "task", "tag", "day")}
    total = sum(t.seconds for t in tt.sheet.report(first, last, "day"))
    print(f"\n[bench] report for a year ({total / 3600:,.0f} h tracked): " + ", ".join(
        f"by {k} {v:.0f} ms" for k, v in results.items()) + " (target < 500 ms)")
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(services.store.path.parent),
             "report", "--from", str(first), "--to", str(last), "--by", "project", "--json"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
        walls.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    bare = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--version"], cwd=ROOT,
                       capture_output=True, check=True, timeout=60)
        bare.append(time.perf_counter() - start)
    print(f"[bench] `cadence report --by project` for a year, whole process: "
          f"{statistics.median(walls):.2f} s (of which `cadence --version` start-up "
          f"{statistics.median(bare):.2f} s)")


def test_start_stop_writes_one_or_two_rows(services: Any) -> None:
    tt = TimeTracking.of(services)
    tasks = [t.id for t in tt.timer.recent_tasks(2)]
    con = sqlite3.connect(services.store.path)

    def written() -> int:
        return int(con.execute(
            "SELECT count(*) FROM time_entries WHERE updated_at = ?",
            (stamp(services.clock.now()),)).fetchone()[0])

    services.clock.fixed = datetime.now(UTC).replace(microsecond=0)  # unique across runs
    start = time.perf_counter()
    tt.timer.start(tasks[0])
    t_start = time.perf_counter() - start
    assert written() == 1
    services.clock.fixed += timedelta(minutes=5)
    start = time.perf_counter()
    tt.timer.start(tasks[1])  # a switch: stop one, start the other, one transaction
    t_switch = time.perf_counter() - start
    assert written() == 2
    services.clock.fixed += timedelta(minutes=5)
    start = time.perf_counter()
    tt.timer.stop()
    t_stop = time.perf_counter() - start
    assert written() == 1
    con.close()
    print(f"\n[bench] timer writes: start {t_start * 1000:.1f} ms (1 row), switch "
          f"{t_switch * 1000:.1f} ms (2 rows), stop {t_stop * 1000:.1f} ms (1 row), "
          "each plus its undo/audit record")


def test_gui_thread_only_queues_start_and_stop(services: Any, qapp: Any) -> None:
    from app.ui.time_controller import TimeController
    from app.ui.timesheet_view import TimesheetView, load_sheet
    from app.ui.worker import DbWorker

    worker = DbWorker()
    controller = TimeController(services, worker, watch=False)
    task = TimeTracking.of(services).timer.recent_tasks(1)[0].id
    services.clock.fixed = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    start = time.perf_counter()
    controller.start(task)
    on_gui = time.perf_counter() - start
    assert worker.wait_idle(10) and controller.running
    done = time.perf_counter() - start
    services.clock.fixed += timedelta(minutes=3)
    start = time.perf_counter()
    controller.stop()
    stop_gui = time.perf_counter() - start
    assert worker.wait_idle(10) and not controller.running
    view = TimesheetView(controller)
    view.resize(1200, 800)
    view.show()
    assert worker.wait_idle(10)
    monday = TODAY - timedelta(days=TODAY.weekday())
    loaded = load_sheet(TimeTracking.of(services), monday, 7)  # what the worker hands over
    sheet = loaded.sheet
    shown_ms = []
    for _ in range(5):
        begin = time.perf_counter()
        view.show_sheet(sheet, loaded.rows)
        qapp.processEvents()
        shown_ms.append((time.perf_counter() - begin) * 1000)
    view.close()
    controller.shutdown()
    worker.shutdown()
    print(f"\n[bench] GUI thread: start queued in {on_gui * 1000:.2f} ms (done on the worker "
          f"after {done * 1000:.1f} ms), stop queued in {stop_gui * 1000:.2f} ms; showing the "
          f"loaded week ({len(sheet.entries)} rows + totals) {statistics.median(shown_ms):.1f} ms")
