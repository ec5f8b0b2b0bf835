"""Analytics benchmark: one year of 100,000 time entries, 20,000 completed tasks, 10,000 events.

    python3 -m pytest -m perf -s tests/perf/bench_analytics.py     (prints the numbers)
    python3 tests/perf/bench_analytics.py shots /tmp/shots          (dashboard screenshots)

Targets (issue 7): every dashboard figure computed under 300 ms; the dashboard painted
under 1 s after it is first opened and under 300 ms after a range change. The GUI
numbers come from ``python tests/perf/bench_analytics.py session DIR`` in its own process,
so that matplotlib is really imported for the first time when the dashboard opens. Range
changes are timed twice: right after each other (cold: nothing could be prepared in the
background) and after the user paused on a range (the likely next ranges are prepared then).
Set CADENCE_BENCH_DIR to keep the generated store between runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # a Saturday, 11:00 in Berlin
ZONE = "Europe/Berlin"
RUNS = 5
SIZES = {"completed": 20_000, "entries": 100_000, "events": 10_000}
REALISTIC = {"completed": 650, "entries": 2_600, "events": 750}


def make_store(folder: Path, sizes: dict[str, int]) -> Path:
    """A data dir with one generated year ending today (kept if it already exists)."""
    from app.paths import database_path
    from app.services.clock import Clock
    from app.services.facade import Services
    from tests.support.analytics_data import generate

    if not database_path(folder).exists():
        folder.mkdir(parents=True, exist_ok=True)
        services = Services.open(folder, clock=Clock(ZONE, NOW))
        try:
            start = time.perf_counter()
            made = generate(services.store, last_day=NOW.date(), zone=ZONE, **sizes)
            print(f"\n[data] {made.entries:,} entries, {made.completed:,} completed tasks, "
                  f"{made.events:,} events generated in {time.perf_counter() - start:.1f} s")
        finally:
            services.close()
    return folder


@pytest.fixture(scope="module")
def year_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("CADENCE_BENCH_DIR")
    base = Path(keep) if keep else tmp_path_factory.mktemp("analytics")
    return make_store(base / "analytics-year", SIZES)


@pytest.mark.perf
def test_figures_compute_time(year_store: Path, capsys: Any) -> None:
    from app.services.analytics import AnalyticsService
    from app.services.analytics_types import PRESETS, StatsQuery, preset_range
    from app.services.clock import Clock
    from app.services.facade import Services

    services = Services.open(year_store, clock=Clock(ZONE, NOW))
    try:
        analytics = AnalyticsService(services.store, services.clock)
        busiest = services.projects.list()[0]
        queries = {name: StatsQuery(*preset_range(name, NOW.date())) for name in PRESETS}
        queries["year, one project"] = StatsQuery(*preset_range("year", NOW.date()),
                                                  project_ids=(busiest.id,))
        queries["last 365 days"] = StatsQuery(date(2025, 11, 29), NOW.date())
        rows = []
        for name, query in queries.items():
            analytics.figures(query)  # warm the page cache
            times, cpu = [], []
            for _ in range(RUNS):
                start, start_cpu = time.perf_counter(), time.thread_time()
                f = analytics.figures(query)
                times.append(time.perf_counter() - start)
                cpu.append(time.thread_time() - start_cpu)
            rows.append((name, statistics.median(times), min(times), statistics.median(cpu), f))
    finally:
        services.close()
    with capsys.disabled():
        print(f"\n[figures] every dashboard figure: wall median / best of {RUNS}, CPU median "
              "(target < 300 ms; CPU time is what a busy shared machine cannot inflate)")
        for name, med, best, cpu, f in rows:
            print(f"  {name:<18} {med * 1000:5.0f} / {best * 1000:5.0f} ms, "
                  f"cpu {cpu * 1000:5.0f} ms  {f.completed_total:>6,} done, "
                  f"{f.tracked_total / 3600:>6,.0f} h tracked, "
                  f"{f.meeting_total / 3600:>5,.0f} h meetings")
    year = next(f for name, _m, _b, _c, f in rows if name == "year")
    assert year.completed_total > 15_000 and year.meeting_total > 0


@pytest.mark.perf
def test_dashboard_paint_time(year_store: Path, capsys: Any) -> None:
    out = subprocess.run([sys.executable, __file__, "session", str(year_store)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    with capsys.disabled():
        print("\n[dashboard] painted = every visible chart drawn with the new figures "
              f"({len(result['visible'])} visible charts)")
        print(f"  matplotlib imported before opening: {result['mpl_before']}")
        print(f"  first open -> painted:   {result['first'] * 1000:6.0f} ms   (numbers shown "
              f"after {result['first_numbers'] * 1000:4.0f} ms; target < 1000)")
        for title, key in (("changes right after each other (cold, then revisits)",
                            "changes"),
                           ("changes after pausing (ranges prepared in the background)",
                            "paused")):
            print(f"  {title}:")
            for name, seconds, compute, build in result[key]:
                print(f"    -> {name:<8} {seconds * 1000:6.0f} ms   (figures {compute:4.0f} ms, "
                      f"charts drawn {build:4.0f} ms; target < 300)")
        print(f"  longest GUI-thread stall: {result['opening_stall_ms']:.0f} ms while opening "
              f"(modules loading on other threads), {result['stall_ms']:.0f} ms after")
    assert result["mpl_before"] is False
    assert result["bugs"] == []


def _session(data_dir: Path) -> dict[str, Any]:
    """Runs in its own process: open the window, then the dashboard, then switch ranges."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.clock import Clock
    from app.services.facade import Services
    from app.ui.app import create_main_window
    from app.ui.dashboard_integration import DashboardPage, install_dashboard

    services = Services.open(data_dir, clock=Clock(ZONE, NOW))
    window = create_main_window(services)
    install_dashboard(window)
    window.resize(1400, 900)
    window.show()
    app = QApplication.instance()
    assert app is not None
    window.worker.wait_idle(30)
    mpl_before = "matplotlib" in sys.modules
    clock = QElapsedTimer()
    stall = {"max": 0, "on": False}
    beat = QTimer()
    beat.setInterval(5)

    def on_beat() -> None:
        if stall["on"]:
            stall["max"] = max(stall["max"], clock.restart())

    beat.timeout.connect(on_beat)
    beat.start()

    loop = QEventLoop()

    def wait(cond: Any, timeout: float = 60.0) -> None:
        """Run the event loop (idle in Qt, as in the real app: polling from Python would
        compete with the worker for the GIL) until cond(); ``painted`` quits it."""
        end = time.perf_counter() + timeout
        guard = QTimer()
        guard.setInterval(50)
        guard.timeout.connect(loop.quit)
        guard.start()
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError("the dashboard did not paint")
            loop.exec()
        guard.stop()

    def idle(seconds: float) -> None:
        """The user looks at the dashboard: background work may run."""
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    page = window.findChild(DashboardPage)
    painted: list[float] = []

    loaded: list[float] = []

    def on_created(dash: Any) -> None:
        dash.painted.connect(painted.append)
        dash.painted.connect(loop.quit)
        dash.loaded.connect(lambda: loaded.append(time.perf_counter()))

    page.dashboard_created.connect(on_created)
    clock.start()
    stall["on"] = True
    start = opened = time.perf_counter()
    window.show_page(page)
    wait(lambda: bool(painted))
    first = time.perf_counter() - start
    opening_stall, stall["max"] = stall["max"], 0
    dash = page.dashboard

    visible = dash.visible_cards()

    def change(combo: Any, index: int, label: str, into: list[Any]) -> None:
        painted.clear()
        start = time.perf_counter()
        combo.setCurrentIndex(index)
        wait(lambda: bool(painted))
        into.append((label, time.perf_counter() - start, dash.timings[0] * 1000,
                     dash.timings[1] * 1000))

    # A fast clicker: every change right after the last one painted (cold: no background
    # work could run in between), then back to ranges seen a moment ago.
    changes: list[Any] = []
    ranges = dash.range_bar.range_combo
    for name in ("4weeks", "quarter", "year", "week", "year", "4weeks"):
        change(ranges, ranges.findData(name), name, changes)
    # A user who pauses: picks a project (new figures), looks for a moment while the other
    # ranges are prepared in the background, then changes the range now and then.
    paused: list[Any] = []
    change(ranges, ranges.findData("week"), "week", paused)
    projects = dash.range_bar.project_combo
    change(projects, 1, "project", paused)
    idle(2.0)
    for name in ("4weeks", "quarter", "year"):
        change(ranges, ranges.findData(name), name, paused)
        idle(1.0)
    stall["on"] = False
    window.worker.wait_idle(30)
    bugs = list(window.worker.bugs)
    window.close()
    return {"mpl_before": mpl_before, "first": first, "first_numbers": loaded[0] - opened,
            "changes": changes, "paused": paused, "visible": visible,
            "opening_stall_ms": opening_stall, "stall_ms": stall["max"], "bugs": bugs}


def _shots(folder: Path) -> None:
    """Screenshots of the dashboard over a realistic year, light and dark, top and bottom."""
    from PySide6.QtWidgets import QApplication

    from app.services.clock import Clock
    from app.services.facade import Services
    from app.ui import theme
    from app.ui.app import create_main_window
    from app.ui.dashboard_integration import DashboardPage, install_dashboard

    folder.mkdir(parents=True, exist_ok=True)
    data = make_store(Path(os.environ.get("CADENCE_SHOTS_DATA", "/tmp/cadence-shots-data")),
                      REALISTIC)
    services = Services.open(data, clock=Clock(ZONE, NOW))
    window = create_main_window(services)
    install_dashboard(window)
    window.resize(1600, 1000)
    window.show()
    app = QApplication.instance()
    assert app is not None

    def settle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)

    window.worker.wait_idle(30)
    window.show_page(window.findChild(DashboardPage))
    settle(0.5)
    window.worker.wait_idle(30)
    dash = window.findChild(DashboardPage).dashboard
    manager = theme.manager()
    assert manager is not None and dash is not None
    for dark in (False, True):
        manager.force(dark)
        for preset in ("week", "year"):
            combo = dash.range_bar.range_combo
            combo.setCurrentIndex(combo.findData(preset))
            window.worker.wait_idle(30)
            settle(0.6)
            mode = "dark" if dark else "light"
            window.grab().save(str(folder / f"dash-{mode}-{preset}.png"))
            dash.scroll_area.verticalScrollBar().setValue(10_000)
            settle(0.6)
            window.grab().save(str(folder / f"dash-{mode}-{preset}-bottom.png"))
            dash.scroll_area.verticalScrollBar().setValue(0)
    window.close()
    print("\n".join(sorted(str(p) for p in folder.glob("dash-*.png"))))


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "session":
    print(json.dumps(_session(Path(sys.argv[2]))))
elif __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "shots":
    os.environ.setdefault("MPLCONFIGDIR", "/tmp/cadence-mpl")
    _shots(Path(sys.argv[2]))
