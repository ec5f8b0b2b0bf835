"""`cadence stats` in-process: the same figures as the dashboard, as text and as JSON."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.cli import main
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields
from tests.support.analytics_data import (
    add_calendar,
    entry_row,
    event_rows,
    insert_entries,
    insert_events,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def filled(data_dir: Path, clock: Clock) -> Path:
    """Week 48 of 2026: two projects, one tag, a meeting, 3 completed tasks."""
    services = Services.open(data_dir, clock=clock)
    try:
        home = services.projects.create("Home")
        work = services.projects.create("Work")
        a = services.tasks.create(TaskFields(title="Report", project_id=work.id,
                                             estimate_minutes=120, tags=("deep",)))
        b = services.tasks.create(TaskFields(title="Garden", project_id=home.id,
                                             estimate_minutes=60))
        c = services.tasks.create(TaskFields(title="Bills", project_id=home.id))
        insert_entries(services.store, [
            entry_row(a.id, at(24, 9), at(24, 11, 30)),  # 2.5 h
            entry_row(b.id, at(25, 18), at(25, 19)),  # 1 h
        ])
        insert_events(services.store, [
            event_rows(add_calendar(services.store), at(26, 10), at(26, 10, 45))])
        for task, day in ((a, 24), (b, 25), (c, 27)):
            clock.fixed = datetime.combine(date(2026, 11, day), time(20), tzinfo=BERLIN)
            services.tasks.complete(task.id)
    finally:
        services.close()
        clock.fixed = datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("UTC"))
    return data_dir


def run(data_dir: Path, clock: Clock, capsys: pytest.CaptureFixture[str],
        *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "stats", *args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_documented_keys(filled: Path, clock: Clock,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(filled, clock, capsys, "--from", "2026-11-23", "--to", "2026-11-29",
                         "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["completed_tasks"] == 3
    assert doc["tracked_seconds"] == 12600
    assert doc["by_project"] == {"Work": 9000, "Home": 3600}
    assert doc["by_tag"] == {"deep": 9000, "No tag": 3600}
    assert doc["completed_per_week"][0]["week"] == "2026-W48"
    assert doc["completed_per_week"][0]["count"] == 3
    # Report: 2.5 h against 2 h (error 0.5 h); Garden: 1 h against 1 h; sum of estimates 3 h.
    assert doc["estimate_accuracy"] == pytest.approx(1 - 1800 / 10800, abs=1e-4)
    assert (doc["focus_seconds"], doc["meeting_seconds"]) == (12600, 2700)


def test_text_output_and_filters(filled: Path, clock: Clock,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(filled, clock, capsys, "--range", "week", "--project", "Home")
    assert (code, err) == (0, "")
    assert out.startswith("2026-11-23 to 2026-11-29 (Europe/Berlin)\n")
    assert "Completed  2 " in out
    assert "Garden" in out and "Report" not in out
    assert "Note: Meeting time comes from the calendar" in out


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-11-29", "--to", "2026-11-01"), "ends (2026-11-01) before it starts"),
    (("--from", "29.11.2026"), "Not a date"),
    (("--project", "Nope"), "No project called 'Nope'"),
    (("--tag", "nope"), "No tag called 'nope'"),
    (("--range", "year", "--from", "2026-01-01"), "either --range or --from"),
])
def test_bad_input_is_one_line(filled: Path, clock: Clock, capsys: pytest.CaptureFixture[str],
                               args: tuple[str, ...], message: str) -> None:
    code, out, err = run(filled, clock, capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
