"""Export: what Cadence writes parses with icalendar and imports back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select

from app.models.calendar import Event
from app.services.calendar_dto import EventFields
from app.services.ics_export import fold
from app.services.ics_parse import read_ics
from app.services.tasks import TaskFields
from app.services.uow import read

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
COMPARED = ("uid", "recurrence_id", "this_and_future", "summary", "description", "location",
            "all_day", "floating", "tzid", "start_utc", "end_utc", "start_date", "end_date",
            "rrule", "rdate", "exdate", "status", "sequence")


def snapshot(services: Any, calendar_id: str) -> list[tuple[Any, ...]]:
    with read(services.store) as s:
        rows = s.scalars(select(Event).where(Event.calendar_id == calendar_id,
                                             Event.deleted_at.is_(None))).all()
        return sorted((tuple(getattr(e, c) for c in COMPARED) for e in rows), key=repr)


def occurrence_keys(services: Any, calendar_id: str) -> list[tuple[Any, ...]]:
    found = services.calendar.query.occurrences(datetime(2025, 1, 1, tzinfo=UTC),
                                                datetime(2028, 1, 1, tzinfo=UTC), tz="UTC",
                                                calendar_ids=[calendar_id])
    return sorted((o.uid, o.instance, str(o.start), str(o.end), o.title) for o in found)


@pytest.mark.parametrize("name", ["basic.ics", "recurring.ics", "google_xwr.ics",
                                  "outlook_windows.ics", "dst.ics", "folded_utf8_bom_lf.ics",
                                  "cp1252.ics", "tzid_no_vtimezone.ics"])
def test_import_export_reimport_is_equal(services: Any, name: str, tmp_path: Path) -> None:
    cal = services.calendar
    cal.ics.import_file(FIXTURES / name, calendar="Original")
    original = cal.calendars.by_name("Original")
    text, count = cal.export.calendar_text(original.id)
    assert count == len(snapshot(services, original.id))
    # Other apps: icalendar reads it strictly, recurring-ical-events expands it.
    parsed = icalendar.Calendar.from_ical(text)
    assert len(parsed.walk("VEVENT")) == count
    assert not any(comp.errors for comp in parsed.walk())
    recurring_ical_events.of(parsed).between(date(2025, 1, 1), date(2028, 1, 1))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    exported = tmp_path / "exported.ics"
    exported.write_text(text, encoding="utf-8", newline="")
    summary = cal.ics.import_file(exported, calendar="Copy")
    assert summary.skipped == [] and summary.added == count
    copy = cal.calendars.by_name("Copy")
    assert snapshot(services, copy.id) == snapshot(services, original.id)
    assert occurrence_keys(services, copy.id) == occurrence_keys(services, original.id)
    again = cal.ics.import_file(exported, calendar="Original")
    assert (again.added, again.updated) == (0, 0)


def test_unmodelled_properties_and_alarms_survive(services: Any) -> None:
    cal = services.calendar
    cal.ics.import_file(FIXTURES / "basic.ics")
    text, _ = cal.export.calendar_text(cal.calendars.by_name("Basics").id)
    event = next(e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
                 if e["UID"] == "zoned-1@tests")
    assert event["X-CUSTOM-FIELD"] == "kept as is"
    assert event["X-CUSTOM-FIELD"].params["X-PARAM"] == "a:b;c"
    assert event["TRANSP"] == "OPAQUE"
    assert [a["TRIGGER"].to_ical() for a in event.walk("VALARM")] == [b"-PT15M"]
    assert event["SUMMARY"] == "Dentist, Dr. Weiß"


def test_export_of_a_date_range_writes_whole_series(services: Any) -> None:
    cal = services.calendar
    cal.ics.import_file(FIXTURES / "recurring.ics")
    cal_id = cal.calendars.by_name("recurring").id
    text, count = cal.export.calendar_text(cal_id, first=date(2027, 2, 1),
                                           last=date(2027, 2, 28))
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert uids == {"allday-series@tests"} and count == 1


def test_local_events_and_edits_export_and_come_back(services: Any, tmp_path: Path) -> None:
    cal = services.calendar
    tz = ZoneInfo_("America/New_York")
    ev = cal.events.create(EventFields(summary="Lunch; with, commas", location="Café",
                                       start=datetime(2026, 12, 1, 12, tzinfo=tz),
                                       end=datetime(2026, 12, 1, 13, tzinfo=tz),
                                       rrule="FREQ=WEEKLY;COUNT=5"))
    occ = cal.query.agenda(date(2026, 12, 8), date(2026, 12, 8), tz="America/New_York")[0]
    cal.events.move(occ.event_id, datetime(2026, 12, 8, 14, tzinfo=tz),
                    datetime(2026, 12, 8, 15, tzinfo=tz), instance=occ.instance, scope="this")
    third = cal.query.agenda(date(2026, 12, 15), date(2026, 12, 15), tz="America/New_York")[0]
    cal.events.delete(third.event_id, instance=third.instance, scope="this")
    text, count = cal.export.calendar_text(ev.calendar_id)
    assert count == 2
    path = tmp_path / "mine.ics"
    path.write_text(text, encoding="utf-8", newline="")
    cal.ics.import_file(path, calendar="Reimported")
    copy = cal.calendars.by_name("Reimported")
    assert occurrence_keys(services, copy.id) == occurrence_keys(services, ev.calendar_id)
    assert snapshot(services, copy.id) == snapshot(services, ev.calendar_id)


def ZoneInfo_(name: str) -> Any:  # noqa: N802 - keeps the test lines short
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_tasks_export_as_vtodo_and_import_back(services: Any, tmp_path: Path) -> None:
    tasks = services.tasks
    parent = tasks.create(TaskFields(title="Trip, planning", priority=2, tags=("travel",),
                                     due_date=date(2026, 12, 20)))
    child = tasks.create(TaskFields(title="Book train", parent_id=parent.id, priority=1,
                                    due_date=date(2026, 12, 10),
                                    due_time=datetime(2000, 1, 1, 9, 30).time(),
                                    due_tz="Europe/Berlin", notes="2nd class\nwindow seat"))
    done = tasks.create(TaskFields(title="Passport", status="done"))
    text = services.calendar.export.tasks_text([parent.id, child.id, done.id])
    todos = icalendar.Calendar.from_ical(text).walk("VTODO")
    assert {str(t["SUMMARY"]) for t in todos} == {"Trip, planning", "Book train", "Passport"}
    path = tmp_path / "tasks.ics"
    path.write_text(text, encoding="utf-8", newline="")
    again = services.calendar.ics.import_file(path)
    assert (again.tasks_added, again.tasks_updated) == (0, 0)  # same UIDs, same values
    tasks.delete([parent.id, done.id])  # the subtask goes with its parent
    back = services.calendar.ics.import_file(path)
    assert back.tasks_added == 3
    found = {t.title: t for t in tasks.reader.select()}
    assert found["Book train"].parent_id == found["Trip, planning"].id
    assert found["Trip, planning"].tags == ("travel",)
    assert found["Passport"].status == "done"
    assert found["Book train"].due_local() == child.due_local()


def test_fold_never_cuts_a_character() -> None:
    line = "SUMMARY:" + "äöü☕" * 40
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line
    assert read_ics(("BEGIN:VEVENT\r\n" + folded + "\r\nEND:VEVENT\r\n").encode()
                    ).components[0].lines[1] == line
