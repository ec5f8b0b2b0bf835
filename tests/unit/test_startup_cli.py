"""A cheap CLI start-up: the parser imports no services, and undo never depends on imports."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import cli, paths
from app.cli import time as time_cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "alembic", "PySide6", "app.models.entities", "app.services.facade")


def python(code: str, *args: str) -> str:
    env = {**os.environ, "TZ": "Europe/Berlin"}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def loaded(after: str) -> dict[str, Any]:
    """What a fresh process has imported after running ``after``."""
    code = (f"import json, sys\n{after}\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('app', "
            "'sqlalchemy', 'alembic', 'PySide6')))))")
    modules: list[str] = json.loads(python(code).splitlines()[-1])
    return {"app": [m for m in modules if m.startswith("app")],
            "heavy": [m for m in modules if m.startswith(HEAVY)]}


def test_building_the_parser_imports_no_services_or_sqlalchemy() -> None:
    found = loaded("from app.cli import build_parser\nbuild_parser()")
    assert found["heavy"] == []
    assert "app.cli.time" in found["app"] and "app.cli.calendar" in found["app"]


def test_version_imports_nothing_but_app_and_the_cli_entry() -> None:
    found = loaded("from app.cli import main\nmain(['--version'])")
    assert found["heavy"] == []
    assert not [m for m in found["app"] if m.startswith(("app.services", "app.models",
                                                         "app.cli.t", "app.cli.e"))]


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list", "--help"],
                                  ["report", "--help"]])
def test_version_and_help_never_open_the_store(args: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    assert cli.main(["--data-dir", str(folder), *args]) == 0
    assert capsys.readouterr().out
    assert not folder.exists() and not paths.database_path(folder).exists()


def test_without_a_command_only_the_data_dir_is_read(tmp_path: Path) -> None:
    assert cli._app_only([]) == paths.default_data_dir()
    assert cli._app_only(["--data-dir", str(tmp_path)]) == tmp_path
    assert cli._app_only([f"--data-dir={tmp_path}"]) == tmp_path
    for args in (["list"], ["--data-dir"], ["-h"], ["--self-test"], ["--version", "x"],
                 ["--data-dir", str(tmp_path), "undo"], ["-platform", "offscreen"]):
        assert cli._app_only(args) is None, args  # the full parser decides (and explains)


def test_report_groupings_are_the_timesheets() -> None:
    from app.services.timesheet import REPORT_KEYS

    assert time_cli.REPORT_KEYS == REPORT_KEYS


SETUP = """
import json, sys
from datetime import datetime, timedelta, UTC
from pathlib import Path
from app.services.calendar_dto import EventFields
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking

services = Services.open(Path(sys.argv[1]))
services.calendar.calendars.default()  # its own undo step, first
task = services.tasks.create(TaskFields(title="Write report",
                                        due_date=(datetime.now(UTC) + timedelta(days=2)).date()))
end = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
entry = TimeTracking.of(services).entries.add(task.id, end - timedelta(minutes=30), end)
rule = services.reminders.rules.add(task.id, before="15m")
start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
event = services.calendar.events.create(EventFields(summary="Review", start=start,
                                                    end=start + timedelta(hours=1)))
services.close()
print(json.dumps({"entry": entry.id, "rule": rule.id, "event": event.id}))
"""

UNDO = """
import sys
from pathlib import Path
from app.services.facade import Services

services = Services.open(Path(sys.argv[1]))
print(services.history.undo())
services.close()
"""


def test_undo_in_a_fresh_process_covers_every_features_entities(tmp_path: Path) -> None:
    """Each undo runs in a process that imported nothing of the feature that wrote the row
    (time tracking, reminders, calendar): the facade registers them all before undo."""
    folder = tmp_path / "data"
    made = json.loads(python(SETUP, str(folder)).splitlines()[-1])
    con = sqlite3.connect(paths.database_path(folder))

    def row(table: str, ident: str) -> Any:
        return con.execute(f"SELECT deleted_at FROM {table} WHERE id = ?", (ident,)).fetchone()

    def occurrences() -> int:
        return int(con.execute("SELECT count(*) FROM occurrences WHERE event_id = ?",
                               (made["event"],)).fetchone()[0])

    assert occurrences() == 1
    assert python(UNDO, str(folder)).strip() == "Add event"
    assert row("events", made["event"])[0] is not None
    assert occurrences() == 0  # the occurrence index followed the undo
    assert python(UNDO, str(folder)).strip() == "Add reminder"
    assert row("reminder_rules", made["rule"])[0] is not None
    assert python(UNDO, str(folder)).strip() == "Add time entry"
    assert row("time_entries", made["entry"])[0] is not None
    con.close()
