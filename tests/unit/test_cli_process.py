"""The real `python3 -m app` process: exit codes, one-line errors, no Qt on CLI paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cadence(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CADENCE_DATA_DIR": str(data_dir), "TZ": "Europe/Berlin"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_version(data_dir: Path) -> None:
    done = cadence("--version", data_dir=data_dir)
    assert (done.returncode, done.stdout.startswith("cadence "), done.stderr) == (0, True, "")


def test_add_list_and_json(data_dir: Path) -> None:
    added = cadence("add", "Call mum sunday 6pm @family", data_dir=data_dir)
    assert added.returncode == 0 and added.stderr == ""
    task_id = added.stdout.strip()
    listed = cadence("list", "--json", data_dir=data_dir)
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["title"], r["tz"], r["tags"]) for r in rows] == [
        (task_id, "Call mum", "Europe/Berlin", ["family"])]
    assert rows[0]["due"].endswith("T18:00:00+01:00")


def test_bad_input_is_one_line_and_exit_2(data_dir: Path) -> None:
    for args, message in [
        (("add", "Fix fence #Home"), 'cadence: Unknown project "Home"; use --create-project'),
        (("list", "due>"), "cadence: Bad filter:"),
        (("show", "beef"), "cadence: No task with id beef."),
        (("--frob",), "cadence: unrecognized arguments: --frob"),
    ]:
        done = cadence(*args, data_dir=data_dir)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stdout == ""
        assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


def test_corrupt_database_is_one_line(data_dir: Path) -> None:
    (data_dir / "cadence.sqlite3").write_bytes(b"\x00garbage" * 512)
    done = cadence("list", data_dir=data_dir)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "damaged" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_paths_do_not_import_qt_alembic_or_matplotlib(data_dir: Path) -> None:
    assert cadence("add", "warm up", data_dir=data_dir).returncode == 0  # creates + migrates
    env = {**os.environ, "CADENCE_DATA_DIR": str(data_dir)}
    probe = (
        "import sys\n"
        "from app.cli import main\n"
        "assert main(['list', '--json']) == 0\n"
        "assert main(['add', 'x @y']) == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'alembic', 'matplotlib', 'app'))\n"
        "print([m for m in bad if not m.startswith('app')], file=sys.stderr)\n"
        "print([m for m in bad if m.startswith('app.ui')], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["[]", "[]"]


def test_no_command_opens_the_main_window(data_dir: Path) -> None:
    env = {**os.environ, "CADENCE_EXIT_AFTER_SHOWN": "1"}
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CADENCE_SHOWN" in done.stdout
    assert (data_dir / "cadence.sqlite3").exists()
