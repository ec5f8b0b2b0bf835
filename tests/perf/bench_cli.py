"""CLI benchmark at 100,000 tasks: `cadence import` and `cadence list --json`, whole process.

    python3 -m pytest -m perf -s tests/perf/bench_cli.py      (prints the numbers)

Targets (issue #2): JSON import of 100k tasks under 10 s; `cadence list --json` of
100k under 3 s. Times are wall clock of a fresh `python -m app` process, median of runs.
`cadence --version` and `--help` show the start-up cost every command pays (no store);
`python -c pass` beside them is the interpreter's own share.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3
TASKS = int(os.environ.get("CADENCE_BENCH_TASKS", "100000"))
pytestmark = pytest.mark.perf


# `python -m app ARGS` that also reports its own peak RSS (VmHWM is per process image, so
# unlike getrusage it does not include the memory of the forking pytest process).
CHILD = """
import sys
from app.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")]
sys.stderr.write("BENCH-RSS-KB " + (hwm[0] if hwm else "0") + "\\n")
sys.exit(code)
"""


def _cadence(*args: str, out: Path | None = None) -> tuple[float, int]:
    """(seconds, peak RSS in MB) of one whole `cadence ARGS` process."""
    with (out.open("w") if out else open(os.devnull, "w")) as sink:  # noqa: SIM115
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=ROOT, stdout=sink,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=600)
        took = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    kb = [line.split()[1] for line in done.stderr.splitlines()
          if line.startswith("BENCH-RSS-KB")]
    return took, int(kb[0]) // 1024 if kb else 0


def _report(name: str, times: list[float], target: float | None, rss: int) -> float:
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    verdict = "" if target is None else f"  target < {target:.0f} s: " + (
        "OK" if median < target else "TOO SLOW")
    print(f"\n[bench] {name}: median {median:.2f} s (runs {runs}), peak RSS {rss} MB{verdict}")
    return median


def test_import_json_backup(bench_backup: Path, tmp_path: Path) -> None:
    took, rss = _cadence("--data-dir", str(tmp_path / "fresh"), "import", str(bench_backup))
    assert _report(f"cadence import ({TASKS:,}-task backup, fresh store)", [took], 10.0, rss) < 10.0


def test_reimport_is_idempotent(bench_backup: Path, bench_store: Path, tmp_path: Path) -> None:
    took, rss = _cadence("--data-dir", str(bench_store), "import", str(bench_backup))
    _report("cadence import again (upsert over the same rows)", [took], None, rss)


def test_list_json(bench_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "list.json"
    times, rss = [], 0
    for _ in range(RUNS):
        took, peak = _cadence("--data-dir", str(bench_store), "list", "--json", out=out)
        times.append(took)
        rss = max(rss, peak)
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and all(r["status"] in ("todo", "in_progress") for r in rows)
    median = _report(f"cadence list --json ({len(rows):,} open tasks)", times, 3.0, rss)
    assert median < 3.0


def test_list_all_json_and_filters(bench_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    took, rss = _cadence("--data-dir", str(bench_store), "list", "--all", "--json", out=out)
    count = len(json.loads(out.read_text(encoding="utf-8")))
    _report(f"cadence list --all --json ({count:,} tasks)", [took], 3.0, rss)
    took, rss = _cadence("--data-dir", str(bench_store), "list", "p1", "due:week", out=out)
    lines = out.read_text(encoding="utf-8").count("\n") - 1
    _report(f"cadence list p1 due:week (table, {lines:,} rows)", [took], None, rss)
    took, rss = _cadence("--data-dir", str(bench_store), "list", out=out)
    _report("cadence list (table of all open tasks)", [took], None, rss)


def test_export(bench_store: Path, tmp_path: Path) -> None:
    took, rss = _cadence("--data-dir", str(bench_store), "export", str(tmp_path / "b.json"))
    _report("cadence export --format json (whole store)", [took], None, rss)


def test_startup_without_a_store(tmp_path: Path) -> None:
    folder = str(tmp_path / "never-created")
    for name, args in (("python -c pass (interpreter only)", None),
                       ("cadence --version", ("--version",)),
                       ("cadence --help", ("--data-dir", folder, "--help"))):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            command = [sys.executable, "-c", "pass"] if args is None else [
                sys.executable, "-m", "app", *args]
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=60)
            times.append(time.perf_counter() - start)
        print(f"\n[bench] {name}: median {statistics.median(times) * 1000:.0f} ms "
              f"(runs {', '.join(f'{t * 1000:.0f}' for t in times)})")
    assert not Path(folder).exists()  # --help never opens the store
