"""A running timer survives ``kill -9`` of a running Cadence GUI process (real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytestmark = pytest.mark.desktop
ROOT = Path(__file__).resolve().parents[2]


def cadence(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def window_of(pid: int) -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                           capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def test_timer_survives_kill_9_of_the_gui(tmp_path: Path):
    data = tmp_path / "data"
    added = cadence(data, "add", "Write the report")
    assert added.returncode == 0, added.stderr
    task_id = added.stdout.strip()
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    gui = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data)], cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not window_of(gui.pid):
            assert gui.poll() is None, gui.stderr.read().decode() if gui.stderr else ""
            assert time.monotonic() < deadline, "the GUI window did not appear"
            time.sleep(0.2)
        started = cadence(data, "timer", "start", task_id[:8], "--json")
        assert started.returncode == 0, started.stderr
        start = datetime.fromisoformat(json.loads(started.stdout)["start"])
        time.sleep(2.2)
        assert gui.poll() is None  # the GUI is still running with the timer on
        os.kill(gui.pid, signal.SIGKILL)
        assert gui.wait(timeout=10) == -signal.SIGKILL
    finally:
        if gui.poll() is None:
            gui.kill()
            gui.wait(timeout=10)
    status = cadence(data, "timer", "status", "--json")
    assert status.returncode == 0, status.stderr
    now = datetime.now(UTC)
    report = json.loads(status.stdout)
    assert report["running"] is True and report["task_id"] == task_id
    assert report["start"] == start.isoformat()
    expected = (now - start).total_seconds()
    assert expected - 2 <= report["elapsed"] <= expected + 1
    assert report["elapsed"] >= 2
