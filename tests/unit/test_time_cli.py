"""The time commands in-process: timer, log (list/add/export/import), report, settings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.services.clock import Clock
from tests.support.cli import Run, bad, ok


def test_timer_start_status_stop(cadence: Run, clock: Clock) -> None:
    idle = json.loads(ok(cadence("timer", "status", "--json")))
    assert idle == {"running": False, "task_id": None, "task": None, "entry_id": None,
                    "start": None, "elapsed": 0}
    task = ok(cadence("add", "Write report")).strip()
    assert ok(cadence("timer", "start", task[:6])) == (
        f"Timing “Write report” since 11:00:00 ({task[:8]}).\n")
    clock.fixed += timedelta(minutes=90, seconds=5)
    status = json.loads(ok(cadence("timer", "status", "--json")))
    assert (status["running"], status["task_id"], status["start"], status["elapsed"]) == (
        True, task, "2026-11-28T10:00:00+00:00", 5405)
    assert ok(cadence("timer", "status")) == (
        "Write report  1:30:05  (since 2026-11-28 11:00:00)\n")
    assert ok(cadence("timer", "stop")) == "Stopped “Write report” after 1:30:05.\n"
    assert ok(cadence("timer", "stop")) == "No timer was running.\n"


def test_timer_start_text_quick_adds_a_task(cadence: Run) -> None:
    assert "use --create-project" in bad(cadence("timer", "start", "Call", "Bob", "#Sales"))
    status = json.loads(ok(cadence("timer", "start", "Call Bob #Sales @phone",
                                   "--create-project", "--json")))
    assert status["running"] and status["task"] == "Call Bob"
    listed = ok(cadence("list", "#Sales"))
    assert "Call Bob" in listed and "@phone" in listed
    # A hex-looking word that is no task id becomes a title too.
    assert json.loads(ok(cadence("timer", "start", "cafe", "--json")))["task"] == "cafe"


def test_timer_on_a_deleted_task_is_refused(cadence: Run) -> None:
    task = ok(cadence("add", "Gone")).strip()
    ok(cadence("delete", task))
    assert bad(cadence("timer", "start", task)) == (
        "cadence: The task “Gone” was deleted; restore it first.")
    assert bad(cadence("timer", "start", task[:6])).endswith("was deleted; restore it first.")
    assert bad(cadence("timer", "start", "0123456789")) == "cadence: No task with id 0123456789."


def test_log_add_list_and_bad_input(cadence: Run) -> None:
    task = ok(cadence("add", "Deploy")).strip()
    entry = ok(cadence("log", "add", task[:8], "--start", "2026-11-27T09:00",
                       "--end", "2026-11-27T10:30", "--note", "v2")).strip()
    assert len(entry) == 32
    ok(cadence("log", "add", task[:8], "--start", "2026-11-27T10:30+01:00",
               "--end", "2026-11-27T11:00+01:00"))
    overlap = bad(cadence("log", "add", task[:8], "--start", "2026-11-27T10:00",
                          "--end", "2026-11-27T12:00"))
    assert "Overlaps “Deploy”" in overlap and "Add --trim" in overlap
    assert "is before the start" in bad(cadence("log", "add", task[:8], "--start",
                                                "2026-11-27T12:00", "--end", "2026-11-27T11:00"))
    assert "does not exist" in bad(cadence("log", "add", task[:8], "--start",
                                           "2026-03-29T02:30", "--end", "2026-03-29T04:00"))
    assert "Not a date and time" in bad(cadence("log", "add", task[:8], "--start", "9am",
                                                "--end", "10am"))
    assert "in the future" in bad(cadence("log", "add", task[:8], "--start",
                                          "2026-11-28T12:00", "--end", "2026-11-28T13:00"))
    ok(cadence("log", "add", task[:8], "--start", "2026-11-27T10:00", "--end",
               "2026-11-27T12:00", "--trim"))
    rows = json.loads(ok(cadence("log", "--from", "2026-11-27", "--json")))
    assert [(r["start"], r["end"], r["seconds"], r["note"]) for r in rows] == [
        ("2026-11-27T08:00:00+00:00", "2026-11-27T09:00:00+00:00", 3600, "v2"),
        ("2026-11-27T09:00:00+00:00", "2026-11-27T11:00:00+00:00", 7200, "")]
    text = ok(cadence("log", "--from", "2026-11-27", "--to", "2026-11-27"))
    assert text.splitlines()[0].split() == ["ID", "DATE", "START", "END", "TIME", "TASK",
                                            "PROJECT", "NOTE"]
    assert text.splitlines()[-1] == "2 entries, 3:00:00"
    assert "Not a date" in bad(cadence("log", "--from", "2026-13-01"))


def test_report_json_matches_hand_computed_totals(cadence: Run) -> None:
    a = ok(cadence("add", "Design #Alpha @deep", "--create-project")).strip()
    b = ok(cadence("add", "Support #Beta", "--create-project")).strip()
    for task, start, end in ((a, "2026-11-23T09:00", "2026-11-23T11:00"),
                             (b, "2026-11-24T23:30", "2026-11-25T01:30"),
                             (a, "2026-11-26T08:00", "2026-11-26T08:45")):
        ok(cadence("log", "add", task[:8], "--start", start, "--end", end))
    by_project = json.loads(ok(cadence("report", "--from", "2026-11-23", "--to", "2026-11-29",
                                       "--by", "project", "--json")))
    assert by_project == [{"key": "Alpha", "seconds": 9900}, {"key": "Beta", "seconds": 7200}]
    by_day = json.loads(ok(cadence("report", "--by", "day", "--json")))  # this week
    assert by_day == [{"key": "2026-11-23", "seconds": 7200},
                      {"key": "2026-11-24", "seconds": 1800},
                      {"key": "2026-11-25", "seconds": 5400},
                      {"key": "2026-11-26", "seconds": 2700}]
    by_tag = json.loads(ok(cadence("report", "--by", "tag", "--json")))
    assert by_tag == [{"key": "deep", "seconds": 9900}, {"key": "(untagged)", "seconds": 7200}]
    assert ok(cadence("report", "--by", "task")).splitlines() == [
        "TASK     TIME", "Design   2:45:00", "Support  2:00:00",
        "Total 4:45:00 (2026-11-23 to 2026-11-29)"]
    assert "invalid choice" in bad(cadence("report", "--by", "client"))
    assert "is before --from" in bad(cadence("report", "--from", "2026-11-29", "--to",
                                             "2026-11-01"))


def test_export_and_import_csv(cadence: Run, tmp_path: Path, data_dir: Path, clock: Clock,
                               capsys: pytest.CaptureFixture[str]) -> None:
    task = ok(cadence("add", "Deploy #Ops", "--create-project")).strip()
    ok(cadence("log", "add", task[:8], "--start", "2026-11-27T09:00", "--end",
               "2026-11-27T10:00"))
    out = tmp_path / "week.csv"
    assert ok(cadence("log", "export", str(out))) == f"Wrote 1 entry to {out}.\n"
    lines = out.read_text().splitlines()
    assert lines[0].startswith("Email,Client,Project,Task,Description,Billable,Start date")
    assert lines[1] == ",,Ops,Deploy,,No,2026-11-27,09:00:00,2026-11-27,10:00:00,1:00:00,"
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(lines[0] + "\n" + lines[1] + "\n"
                        ",,Ops,Deploy,,No,2026-11-27,10:00:00,2026-11-27,11:00:00,1:00:00,\n"
                        ",,Ops,Deploy,,No,27.11.2026,12:00,,,1:00:00,\n")
    code = main(["--data-dir", str(data_dir), "log", "import", str(bad_file)], clock=clock)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.splitlines() == [
        f"{bad_file}: line 2: already imported (same start and end)",
        f"{bad_file}: line 4: bad start date '27.11.2026' (use YYYY-MM-DD)",
        "cadence: 2 bad row(s); nothing was imported. Fix them, or use --skip-bad to import "
        "the 1 good row(s).",
    ]
    code = main(["--data-dir", str(data_dir), "log", "import", str(bad_file), "--skip-bad"],
                clock=clock)
    captured = capsys.readouterr()
    assert code == 0 and captured.out == "Imported 1 entry, skipped 2 bad row(s).\n"
    assert "missing" not in captured.err
    missing = tmp_path / "missing.csv"
    missing.write_text("Email,Project\n,x\n")
    assert "lacks the column(s)" in bad(cadence("log", "import", str(missing)))


def test_timer_settings(cadence: Run) -> None:
    shown = json.loads(ok(cadence("timer", "settings", "--pomodoro", "50/10/30x2",
                                  "--idle-minutes", "0", "--json")))
    assert shown == {"idle_minutes": 0, "email": "",
                     "pomodoro": {"work": 50, "short_break": 10, "long_break": 30, "cycles": 2}}
    assert ok(cadence("timer", "settings")).splitlines()[0] == "Idle question: off"
    assert "--pomodoro wants" in bad(cadence("timer", "settings", "--pomodoro", "fast"))
