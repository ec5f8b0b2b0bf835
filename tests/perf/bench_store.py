"""Service-level benchmark at 100,000 tasks: import, every view, filters, JSON rows (ms).

    python3 -m pytest -m perf -s tests/perf/bench_store.py      (prints the numbers)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.models import Task
from app.services import task_query as tq
from app.services.backup import import_backup
from app.services.facade import Services
from app.services.task_json import listing_clause, select_json

pytestmark = pytest.mark.perf
RUNS = 5


@pytest.fixture(scope="module")
def big(bench_store: Path) -> Iterator[Services]:
    services = Services.open(bench_store)
    yield services
    services.close()


def _time(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    """(median milliseconds, last result)."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def test_import_in_process(bench_backup: Path, tmp_path: Path) -> None:
    services = Services.open(tmp_path / "fresh")
    try:
        start = time.perf_counter()
        summary = import_backup(services, bench_backup)
        took = time.perf_counter() - start
    finally:
        services.close()
    print(f"\n[bench] import_backup in-process: {took:.2f} s ({summary.describe()})")
    assert summary.counts["tasks"] > 0
    assert took < 10.0


def test_views(big: Services) -> None:
    any_project = big.projects.list()[0]
    any_tag = max(big.tags.list(), key=lambda t: t.open_tasks)
    views = [tq.INBOX, tq.TODAY, tq.UPCOMING, tq.OVERDUE, tq.COMPLETED, tq.ALL,
             tq.View("project", any_project.id), tq.View("tag", any_tag.id)]
    print()
    for view in views:
        where, order = tq.view_clause(view, big.clock)
        ms, rows = _time(lambda w=where, o=order: big.tasks.reader.select(w, o))
        count_ms, count = _time(lambda w=where: big.tasks.reader.count(w))
        assert count == len(rows)
        print(f"[bench] view {view.kind:<9} {len(rows):>6,} tasks: select {ms:7.1f} ms, "
              f"count {count_ms:6.1f} ms")


def test_filter_queries(big: Services) -> None:
    print()
    for query in ("p1 overdue", "due:week -is:done", "#Home or #Work",
                  "call no:tags", "@tag12 or @tag300 due<2026-12-31", "has:subtasks p2"):
        where = tq.search_clause(query, big.clock)
        ms, rows = _time(lambda w=where: big.tasks.reader.select(w))
        print(f"[bench] filter {query!r:<36} {len(rows):>6,} tasks: {ms:7.1f} ms")


def test_json_rows(big: Services) -> None:
    where, order = listing_clause("", big.clock, include_closed=False)
    ms, rows = _time(lambda: select_json(big, where, order), runs=3)
    print(f"\n[bench] select_json open tasks {len(rows):,}: {ms:.0f} ms")
    one_ms, _ = _time(lambda: select_json(big, Task.id == rows[0]["id"]))
    print(f"[bench] select_json one task: {one_ms:.1f} ms")
