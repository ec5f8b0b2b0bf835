"""Entries across midnight and DST changes: stored in UTC, counted per local day correctly."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_rules import parse_instant, split_by_day
from app.services.time_tracking import TimeTracking

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
H = 3600


def _open(data_dir: Path, zone: str) -> Services:
    return Services.open(data_dir, clock=Clock(zone_name=zone,
                                               fixed=datetime(2026, 11, 28, 10, tzinfo=UTC)))


@pytest.fixture
def berlin(data_dir: Path) -> Iterator[Services]:
    svc = _open(data_dir, "Europe/Berlin")
    yield svc
    svc.close()


@pytest.fixture
def new_york(data_dir: Path) -> Iterator[Services]:
    svc = _open(data_dir, "America/New_York")
    yield svc
    svc.close()


def test_local_times_in_a_dst_gap_or_fold_need_an_offset():
    with pytest.raises(ValidationError, match="does not exist in Europe/Berlin"):
        parse_instant("2026-03-29T02:30", BERLIN)
    with pytest.raises(ValidationError, match=r"happens twice.*\+02:00 or \+01:00"):
        parse_instant("2026-10-25T02:30", BERLIN)
    assert parse_instant("2026-10-25T02:30+01:00", BERLIN) == datetime(2026, 10, 25, 1, 30,
                                                                        tzinfo=UTC)
    assert parse_instant("2026-10-25 01:30", BERLIN) == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    with pytest.raises(ValidationError, match="Not a date and time"):
        parse_instant("yesterday-ish", BERLIN)


def test_berlin_autumn_night_lasts_an_hour_longer(berlin: Services):
    tt = TimeTracking.of(berlin)
    task = berlin.tasks.create(TaskFields(title="Night shift")).id
    start = parse_instant("2026-10-25T01:00", BERLIN)  # CEST
    end = parse_instant("2026-10-25T04:00", BERLIN)  # CET, after the clocks went back
    entry = tt.entries.add(task, start, end)
    assert entry.seconds(end) == 4 * H
    con = sqlite3.connect(berlin.store.path)
    assert con.execute("SELECT start_at, end_at, tz FROM time_entries").fetchall() == [
        ("2026-10-24T23:00:00.000000Z", "2026-10-25T03:00:00.000000Z", "Europe/Berlin")]
    con.close()
    sheet = tt.sheet.week_of(date(2026, 10, 25))
    assert {t.key: t.seconds for t in sheet.by_day if t.seconds} == {"2026-10-25": 4 * H}
    assert tt.sheet.report(date(2026, 10, 25), date(2026, 10, 25), "day")[0].seconds == 4 * H


def test_berlin_spring_entry_over_midnight_and_the_skipped_hour(berlin: Services):
    tt = TimeTracking.of(berlin)
    task = berlin.tasks.create(TaskFields(title="Deploy")).id
    tt.entries.add(task, parse_instant("2026-03-28T23:00", BERLIN),
                   parse_instant("2026-03-29T04:00", BERLIN))
    days = {t.key: t.seconds for t in tt.sheet.report(date(2026, 3, 28), date(2026, 3, 29),
                                                       "day")}
    assert days == {"2026-03-28": 1 * H, "2026-03-29": 3 * H}  # 00:00-04:00 minus 02:00-03:00
    assert tt.sheet.report(date(2026, 3, 29), date(2026, 3, 29), "task")[0].seconds == 3 * H


def test_new_york_spring_forward_over_midnight(new_york: Services):
    tt = TimeTracking.of(new_york)
    task = new_york.tasks.create(TaskFields(title="Release")).id
    tt.entries.add(task, parse_instant("2026-03-07T22:00", NEW_YORK),
                   parse_instant("2026-03-08T04:00", NEW_YORK))
    sheet = tt.sheet.week_of(date(2026, 3, 7))  # week of Mon 2 March
    days = {t.key: t.seconds for t in sheet.by_day if t.seconds}
    assert days == {"2026-03-07": 2 * H, "2026-03-08": 3 * H}
    assert sheet.total == 5 * H
    # The week of 9 March only sees nothing of it; the day of 8 March only its own part.
    assert tt.sheet.report(date(2026, 3, 8), date(2026, 3, 8), "project")[0].seconds == 3 * H


def test_new_york_fall_back_day_is_25_hours(new_york: Services):
    tt = TimeTracking.of(new_york)
    task = new_york.tasks.create(TaskFields(title="All day")).id
    tt.entries.add(task, parse_instant("2026-10-31T20:00", NEW_YORK),
                   parse_instant("2026-11-02T01:00", NEW_YORK))
    days = {t.key: t.seconds for t in tt.sheet.report(date(2026, 10, 31), date(2026, 11, 2),
                                                       "day")}
    assert days == {"2026-10-31": 4 * H, "2026-11-01": 25 * H, "2026-11-02": 1 * H}


def test_split_by_day_matches_wall_clock_days():
    start = datetime(2026, 10, 24, 20, tzinfo=UTC)  # 22:00 CEST on the 24th
    end = datetime(2026, 10, 26, 0, tzinfo=UTC)  # 01:00 CET on the 26th
    assert split_by_day(start, end, BERLIN) == [
        (date(2026, 10, 24), 2 * H), (date(2026, 10, 25), 25 * H), (date(2026, 10, 26), 1 * H)]


def test_csv_import_in_the_repeated_hour_uses_the_duration(berlin: Services):
    tt = TimeTracking.of(berlin)
    text = ("Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
            "End time,Duration,Tags\n"
            ",,,Night,,No,2026-10-25,02:30:00,2026-10-25,02:15:00,00:45:00,\n")
    plan = tt.csv.read(io.StringIO(text))
    assert plan.errors == []
    row = plan.rows[0]
    # 02:30 CEST (00:30Z) to 02:15 CET (01:15Z): the only reading that lasts 45 minutes
    assert (row.start, row.end) == (datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                                    datetime(2026, 10, 25, 1, 15, tzinfo=UTC))
