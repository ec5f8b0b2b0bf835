"""Recurrences that cross daylight-saving changes keep their wall-clock time in their zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.services.calendar_dto import EventFields

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc_hours(occs: list[Any]) -> list[str]:
    return [o.start.astimezone(UTC).strftime("%m-%d %H:%M") for o in occs]


def test_imported_weekly_series_in_berlin_and_new_york(services: Any) -> None:
    services.calendar.ics.import_file(FIXTURES / "dst.ics")
    query = services.calendar.query
    berlin = [o for o in query.agenda(date(2026, 3, 1), date(2026, 4, 30)) if "Berlin" in o.title]
    assert [o.local_start(BERLIN).strftime("%H:%M") for o in berlin] == ["09:00"] * 4
    assert utc_hours(berlin) == ["03-16 08:00", "03-23 08:00", "03-30 07:00", "04-06 07:00"]
    ny = [o for o in query.agenda(date(2026, 10, 1), date(2026, 11, 30), tz="America/New_York")
          if "New York" in o.title]
    assert [o.local_start(NEW_YORK).strftime("%H:%M") for o in ny] == ["09:00"] * 4
    assert utc_hours(ny) == ["10-26 13:00", "11-02 14:00", "11-09 14:00", "11-16 14:00"]
    # Seen from Berlin, the New York meeting moves by an hour between 26 Oct and 2 Nov
    # (Europe changes on 25 Oct, America on 1 Nov), then settles.
    seen = [o.local_start(BERLIN).strftime("%H:%M") for o in ny]
    assert seen == ["14:00", "15:00", "15:00", "15:00"]


def test_series_created_in_the_app_and_moved_across_the_change(services: Any) -> None:
    events = services.calendar.events
    query = services.calendar.query
    start = datetime(2026, 10, 20, 18, 30, tzinfo=NEW_YORK)
    ev = events.create(EventFields(summary="Choir", start=start,
                                   end=datetime(2026, 10, 20, 20, tzinfo=NEW_YORK),
                                   rrule="FREQ=WEEKLY;COUNT=4"))
    assert ev.tzid == "America/New_York"
    occs = query.agenda(date(2026, 10, 1), date(2026, 11, 30), tz="America/New_York")
    assert [o.local_start(NEW_YORK).strftime("%d %H:%M") for o in occs] == [
        "20 18:30", "27 18:30", "03 18:30", "10 18:30"]
    # Move the whole series one hour later from an instance after the change.
    third = occs[2]
    events.move(third.event_id, datetime(2026, 11, 3, 19, 30, tzinfo=NEW_YORK),
                datetime(2026, 11, 3, 21, tzinfo=NEW_YORK), instance=third.instance,
                scope="all")
    occs = query.agenda(date(2026, 10, 1), date(2026, 11, 30), tz="America/New_York")
    assert [o.local_start(NEW_YORK).strftime("%d %H:%M") for o in occs] == [
        "20 19:30", "27 19:30", "03 19:30", "10 19:30"]


def test_berlin_daily_series_through_the_spring_gap(services: Any) -> None:
    services.calendar.events.create(EventFields(
        summary="Night job", start=datetime(2026, 3, 27, 2, 30, tzinfo=BERLIN),
        end=datetime(2026, 3, 27, 2, 45, tzinfo=BERLIN), rrule="FREQ=DAILY;COUNT=4"))
    occs = services.calendar.query.agenda(date(2026, 3, 26), date(2026, 3, 31))
    # 02:30 does not exist on 29 March; the other nights keep 02:30 local time.
    assert [o.start.astimezone(UTC).strftime("%d %H:%M") for o in occs] == [
        "27 01:30", "28 01:30", "29 01:30", "30 00:30"]


def test_display_zone_changes_the_day_of_a_late_event(services: Any) -> None:
    services.calendar.events.create(EventFields(
        summary="Late call", start=datetime(2026, 12, 1, 23, tzinfo=BERLIN),
        end=datetime(2026, 12, 1, 23, 30, tzinfo=BERLIN)))
    query = services.calendar.query
    assert [o.title for o in query.agenda(date(2026, 12, 1), date(2026, 12, 1))] == ["Late call"]
    assert query.agenda(date(2026, 12, 2), date(2026, 12, 2), tz="Asia/Tokyo")[0].title == (
        "Late call")
