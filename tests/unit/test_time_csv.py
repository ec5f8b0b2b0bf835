"""Toggl-compatible CSV export and import: columns, round trip, bad rows by line number."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking

HEADER = ("Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
          "End time,Duration,Tags")


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def tt(services: Services) -> TimeTracking:
    return TimeTracking.of(services)


def _seed(services: Services, tt: TimeTracking) -> None:
    alpha = services.projects.create("Alpha").id
    a = services.tasks.create(TaskFields(title="Design, v2", project_id=alpha,
                                         tags=("deep", "client"))).id
    b = services.tasks.create(TaskFields(title="Email")).id
    tt.entries.add(a, utc(23, 8), utc(23, 10, 0), note='said "hi"', billable=True)
    tt.entries.add(b, utc(24, 22, 30), utc(25, 0, 30))
    tt.timer.start(b)  # running: not exported


def test_export_writes_toggl_columns_in_local_time(services, tt):
    _seed(services, tt)
    out = io.StringIO()
    assert tt.csv.export(out, date(2026, 11, 23), date(2026, 11, 29), email="me@x.org") == 2
    assert out.getvalue().splitlines() == [
        HEADER,
        'me@x.org,,Alpha,"Design, v2","said ""hi""",Yes,2026-11-23,09:00:00,2026-11-23,'
        '11:00:00,2:00:00,"client, deep"',
        "me@x.org,,,Email,,No,2026-11-24,23:30:00,2026-11-25,01:30:00,2:00:00,",
    ]


def test_round_trip_into_an_empty_store(services, tt, tmp_path):
    _seed(services, tt)
    path = tmp_path / "out.csv"
    tt.csv.export_file(path, date(2026, 11, 1), date(2026, 11, 30))
    other_dir = tmp_path / "other"
    other = Services.open(other_dir, clock=Clock(zone_name="Europe/Berlin",
                                                 fixed=utc(28, 10)))
    try:
        ott = TimeTracking.of(other)
        plan = ott.csv.read_file(path)
        assert plan.errors == [] and len(plan.rows) == 2
        assert ott.csv.apply(plan) == 2
        entries = ott.sheet.entries(date(2026, 11, 1), date(2026, 11, 30))
        assert [(e.task_title, e.project, e.start, e.end, e.note, e.billable, e.source)
                for e in entries] == [
            ("Design, v2", "Alpha", utc(23, 8), utc(23, 10), 'said "hi"', True, "import"),
            ("Email", None, utc(24, 22, 30), utc(25, 0, 30), "", False, "import")]
        design = next(t for t in other.tasks.reader.select() if t.title == "Design, v2")
        assert design.tags == ("client", "deep")
        # Importing the same file again finds every row already there.
        again = ott.csv.read_file(path)
        assert again.rows == [] and again.errors == [
            "line 2: already imported (same start and end)",
            "line 3: already imported (same start and end)"]
        assert other.history.undo() == "Import time entries"
        assert ott.sheet.entries(date(2026, 11, 1), date(2026, 11, 30)) == []
    finally:
        other.close()


def test_bad_rows_are_reported_by_line_and_the_rest_import(services, tt):
    text = "\n".join([
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
        "End time,Duration,Tags,Amount ()",
        "Me,me@x.org,,Home,,Fix sink,No,2026-11-20,09:00:00,2026-11-20,10:00:00,01:00:00,,",
        "Me,me@x.org,,Home,,Bad date,No,2026-13-01,09:00:00,2026-13-01,10:00:00,01:00:00,,",
        "Me,me@x.org,,Home,,Backwards,No,2026-11-20,12:00:00,2026-11-20,11:00:00,,,",
        "Me,me@x.org,,Home,,Future,No,2026-12-20,12:00:00,2026-12-20,13:00:00,,,",
        "",
        'Me,me@x.org,,Home,,"multi',
        'line",maybe,2026-11-21,09:00:00,,,00:30:00,,',
        "Me,me@x.org,,Home,,Overlap,No,2026-11-20,09:30:00,,,00:10:00,,",
        "Me,me@x.org,,,,,No,2026-11-20,13:00:00,,,00:10:00,,",
        "Me,me@x.org,,Home,,Bad time,No,2026-11-20,25:00,,,00:10:00,,",
        "Me,me@x.org,,Home,,Zero,No,2026-11-20,14:00:00,,,0:00:00,,",
        "Me,me@x.org,,Home,Cook,Dinner,yes,2026-11-20,18:00:00,,,1:30:00,\"food, home\",",
    ])
    plan = tt.csv.read(io.StringIO(text))
    assert plan.errors == [
        "line 3: bad start date '2026-13-01' (use YYYY-MM-DD)",
        "line 4: The end (Fri 20 Nov 2026 11:00:00) is before the start "
        "(Fri 20 Nov 2026 12:00:00).",
        "line 5: An entry cannot start in the future (Sun 20 Dec 2026 12:00:00).",
        "line 7: Billable must be Yes or No, not 'maybe'",
        "line 9: overlaps line 2",
        "line 10: no Task or Description",
        "line 11: bad start time '25:00' (use HH:MM:SS)",
        "line 12: An entry must last at least one second (start and end are equal).",
    ]
    assert [r.line for r in plan.rows] == [2, 13]
    assert tt.csv.apply(plan) == 2
    entries = tt.sheet.entries(date(2026, 11, 20), date(2026, 11, 20))
    assert [(e.task_title, e.project, e.note, e.billable) for e in entries] == [
        ("Fix sink", "Home", "", False), ("Cook", "Home", "Dinner", True)]
    assert [p.name for p in services.projects.list()] == ["Home"]


def test_rows_overlapping_stored_entries_are_refused(services, tt):
    task = services.tasks.create(TaskFields(title="Stored")).id
    tt.entries.add(task, utc(20, 8), utc(20, 9))
    text = f"{HEADER}\n,,,X,,No,2026-11-20,09:30:00,,,00:30:00,\n"
    plan = tt.csv.read(io.StringIO(text))
    assert plan.errors == ["line 2: overlaps the stored entry “Stored” 2026-11-20 09:00"]


@pytest.mark.parametrize(("header", "missing"), [
    ("Email,Project,Task,Start date,Duration", "Start time"),
    ("Email,Project,Task,Start date,Start time,End date", "Duration (or End date and End time)"),
    ("Email,Project,Start date,Start time,Duration", "Task or Description"),
])
def test_missing_columns_refuse_the_whole_file(tt, header, missing):
    with pytest.raises(ValidationError, match=re.escape(f"lacks the column(s): {missing};")):
        tt.csv.read(io.StringIO(header + "\n"))


def test_unreadable_files(tt, tmp_path: Path):
    with pytest.raises(ValidationError, match="Cannot read"):
        tt.csv.read_file(tmp_path / "missing.csv")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValidationError, match="not a UTF-8"):
        tt.csv.read_file(binary)
    with pytest.raises(ValidationError, match="empty"):
        tt.csv.read(io.StringIO(""))
