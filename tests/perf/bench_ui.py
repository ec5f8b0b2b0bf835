"""Desktop UI benchmark at 100,000 tasks: start-up, view switches, filter keys, drag, RSS.

    python3 -m pytest -m perf -s tests/perf/bench_ui.py      (prints the numbers)

Data: the shared ``bench_store`` fixture (tests/perf/conftest.py: generate.py's backup,
imported once; CADENCE_BENCH_DIR keeps it between runs). Start-up runs
``python -m app --data-dir D`` with CADENCE_EXIT_AFTER_SHOWN=1, which prints the process
age when the Inbox list is first painted with data (its first page, read with plain
sqlite3 before SQLAlchemy loads), when the window is ready (services attached: sidebar,
editor, every command) and when all of the list is painted; a bare PySide6 window
measured the same way in the same run is the yardstick. The interactive numbers
come from ``python tests/perf/bench_ui.py session D`` in its own process (clean RSS).
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TASKS = int(os.environ.get("CADENCE_BENCH_TASKS", "100000"))  # as in conftest.py
RUNS = 5

BARE_WINDOW = r"""
import os, sys, time
def age():
    with open("/proc/self/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - ticks / os.sysconf("SC_CLK_TCK")
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView
app = QApplication(sys.argv)
win = QMainWindow()
view = QTreeView()
win.setCentralWidget(view)
win.resize(1280, 800)
class Done(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print("BARE", f"{age():.3f}", flush=True), app.quit()))
            obj.removeEventFilter(self)
        return False
done = Done()
view.viewport().installEventFilter(done)
win.show()
app.exec()
"""


def _run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    """Run a process to the end; its stdout."""
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


@pytest.mark.perf
def test_startup_against_a_bare_window(bench_store: Path, capsys: Any) -> None:
    store = bench_store
    env = dict(os.environ, CADENCE_EXIT_AFTER_SHOWN="1")
    first: list[float] = []
    complete: list[float] = []
    ready: list[float] = []
    bare: list[float] = []
    walls: list[float] = []
    rss = 0.0
    for _ in range(RUNS):
        out = _run([sys.executable, "-c", BARE_WINDOW], env)
        bare.append(float(out.split()[1]))
        t0 = time.perf_counter()
        out = _run([sys.executable, "-m", "app", "--data-dir", str(store)], env)
        walls.append(time.perf_counter() - t0)
        line = next(x for x in out.splitlines() if x.startswith("CADENCE_SHOWN"))
        fields = dict(f.split("=") for f in line.split()[2:])
        first.append(float(line.split()[1]))
        complete.append(float(fields["complete"]))
        ready.append(float(fields["ready"]))
        rss = max(rss, float(fields["rss_mb"]))
    med = statistics.median
    with capsys.disabled():
        print(f"\n[start-up] {TASKS} tasks, Inbox of {fields['tasks']} tasks, medians of {RUNS}")
        print(f"  bare PySide6 window painted:          {med(bare):.3f} s")
        print(f"  Cadence Inbox first page painted:     {med(first):.3f} s "
              f"({med(first) / med(bare):.2f}x bare)   runs {sorted(first)}")
        print(f"  Cadence window ready (all commands):  {med(ready):.3f} s "
              f"({med(ready) / med(bare):.2f}x bare)")
        print(f"  Cadence Inbox complete and painted:   {med(complete):.3f} s "
              f"({med(complete) / med(bare):.2f}x bare)")
        print(f"  whole process (start to exit):        {med(walls):.3f} s")
        print(f"  peak RSS of the start-up process:     {rss:.0f} MB")
    assert first and all(c >= f for f, c in zip(first, complete, strict=True))


@pytest.mark.perf
def test_interactive_session(bench_store: Path, capsys: Any) -> None:
    store = bench_store
    out = _run([sys.executable, str(Path(__file__)), "session", str(store)])
    result = json.loads(out.strip().splitlines()[-1])
    with capsys.disabled():
        print(f"\n[session] {TASKS} tasks; ms = first page painted / whole list painted")
        for name, (first, full, rows) in result["views"].items():
            print(f"  switch to {name:<22} {first:7.1f} / {full:7.1f} ms   ({rows} tasks)")
        keys = result["keys"]
        print(f"  filter keystrokes (after the {result['debounce_ms']} ms debounce): "
              f"first page median {statistics.median(k[0] for k in keys):.1f} ms, max "
              f"{max(k[0] for k in keys):.1f} ms; whole list median "
              f"{statistics.median(k[1] for k in keys):.1f} ms, max {max(k[1] for k in keys):.1f}")
        drag = result["drag"]
        print(f"  drag a card: {drag['ms']:.1f} ms, rows written: {drag['rows']}")
        print(f"  longest GUI-thread stall: {result['stall_max_ms']:.0f} ms "
              f"(p99 {result['stall_p99_ms']:.0f} ms)")
        print(f"  peak RSS of the session:  {result['rss_mb']:.0f} MB")
    assert result["drag"]["rows"] == {"task": 1}


# -- the session, run in its own process -----------------------------------------------------

def _session(data_dir: Path) -> dict[str, Any]:  # noqa: PLR0915
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.facade import Services
    from app.services.task_query import COMPLETED, INBOX, OVERDUE, TODAY, UPCOMING, View
    from app.ui.app import application, create_main_window, peak_rss_mb
    from app.ui.search_bar import DEBOUNCE_MS

    application([])
    services = Services.open(data_dir)
    window = create_main_window(services)
    window.show()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0] - 5.0)
        last[0] = now

    ticker = QTimer()
    ticker.timeout.connect(tick)

    def wait(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not finish loading")
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    def measure(action: Callable[[], None]) -> tuple[float, float, int]:
        """ms until the list shows data for the new view (painted), and until all of it."""
        loads = [0]

        def counted() -> None:
            loads[0] += 1

        window.list_loaded.connect(counted)
        t0 = time.perf_counter()
        action()
        wait(lambda: loads[0] > 0)
        page = window.board if window.board_visible() else window.task_list.viewport()
        page.repaint()
        first = (time.perf_counter() - t0) * 1000
        wait(lambda: window.list_complete and window.worker.pending() == 0)
        page.repaint()
        full = (time.perf_counter() - t0) * 1000
        window.list_loaded.disconnect(counted)
        return first, full, len(window.tasks)

    wait(lambda: window.list_complete and window.worker.pending() == 0)
    projects = services.projects.list()
    big = max(projects, key=lambda p: p.open_tasks)
    tag = max(services.tags.list(), key=lambda t: t.open_tasks)
    saved = services.filters.save("Urgent", "p1 due<2030-01-01")
    services.history.undo()  # keep the store as imported
    last[0] = clock.nsecsElapsed() / 1e6
    ticker.start(5)  # from here on, every gap between ticks beyond 5 ms is a GUI stall
    views: dict[str, tuple[float, float, int]] = {}
    for view in (TODAY, UPCOMING, OVERDUE, COMPLETED, View("project", big.id, big.name),
                 View("tag", tag.id, tag.name), View("filter", saved.query, saved.name),
                 INBOX):
        views[view.title or view.kind] = measure(lambda v=view: window.show_view(v))
    views["board (Inbox)"] = measure(window.toggle_board)
    views["list (Inbox)"] = measure(window.toggle_board)
    keys: list[tuple[float, float, int]] = []
    for ch in "call the":
        def key(c: str = ch) -> None:
            window.search_box.insert(c)
            window.search.run_now()  # what the pause in typing triggers

        keys.append(measure(key))
    window.search_box.clear()
    window.search.run_now()
    wait(lambda: window.list_complete and window.worker.pending() == 0)
    window.show_view(View("project", big.id, big.name))
    wait(lambda: window.list_complete and window.worker.pending() == 0)
    window.toggle_board()
    wait(lambda: window.list_complete and window.worker.pending() == 0)
    todo = window.board.column_model("todo")
    card = todo.task_at(todo.rowCount() - 1).id
    before = todo.task_at(0).id
    con = sqlite3.connect(services.store.path)
    top = con.execute("SELECT max(id) FROM operations").fetchone()[0]
    shown: list[object] = []
    window.task_changed.connect(shown.append)
    t0 = time.perf_counter()
    window.board.move_requested.emit(card, "todo", None, before)
    wait(lambda: bool(shown))
    window.board.repaint()
    drag_ms = (time.perf_counter() - t0) * 1000
    wait(lambda: window.worker.pending() == 0)
    ticker.stop()  # the harness reads the database itself from here on
    rows = dict(con.execute(
        "SELECT entity, count(*) FROM changes WHERE op_id > ? GROUP BY entity", (top,)))
    services.history.undo()
    con.close()
    window.close()
    services.close()
    QApplication.processEvents()
    gaps.sort()
    return {
        "views": views, "keys": keys, "debounce_ms": DEBOUNCE_MS,
        "drag": {"ms": drag_ms, "rows": rows},
        "stall_max_ms": gaps[-1], "stall_p99_ms": gaps[int(len(gaps) * 0.99)],
        "rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "session":
    print(json.dumps(_session(Path(sys.argv[2]))))
