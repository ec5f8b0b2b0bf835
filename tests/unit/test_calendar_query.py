"""Range queries: overlap rules, long events, the expansion window growing on demand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.models.calendar import Occurrence
from app.services.calendar_dto import EventFields
from app.services.calendar_occurrences import peek_window
from app.services.tasks import TaskFields
from app.services.uow import read

BERLIN = ZoneInfo("Europe/Berlin")


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BERLIN)


def titles(services: Any, start: datetime, end: datetime) -> list[str]:
    return [o.title for o in services.calendar.query.occurrences(start, end)]


def test_overlap_rules_and_long_events(services: Any) -> None:
    events = services.calendar.events
    events.create(EventFields(summary="Long trip", start=at(2026, 11, 1, 8),
                              end=at(2026, 12, 20, 18)))
    events.create(EventFields(summary="Ends at nine", start=at(2026, 12, 2, 8),
                              end=at(2026, 12, 2, 9)))
    events.create(EventFields(summary="Point in time", start=at(2026, 12, 2, 9),
                              end=at(2026, 12, 2, 9)))
    events.create(EventFields(summary="Starts at ten", start=at(2026, 12, 2, 10),
                              end=at(2026, 12, 2, 11)))
    got = titles(services, at(2026, 12, 2, 9), at(2026, 12, 2, 10))
    assert got == ["Long trip", "Point in time"]  # ends-at-start and starts-at-end excluded


def test_results_are_sorted_with_all_day_first(services: Any) -> None:
    events = services.calendar.events
    events.create(EventFields(summary="B", start=at(2026, 12, 3, 9), end=at(2026, 12, 3, 10)))
    events.create(EventFields(summary="A", start=at(2026, 12, 3, 9), end=at(2026, 12, 3, 9, 30)))
    events.create(EventFields(summary="Day", start=date(2026, 12, 3), end=date(2026, 12, 4)))
    events.create(EventFields(summary="Early", start=at(2026, 12, 3, 7),
                              end=at(2026, 12, 3, 7, 30)))
    assert titles(services, at(2026, 12, 3), at(2026, 12, 4)) == ["Day", "Early", "A", "B"]


def test_window_grows_when_asked_beyond_it(services: Any) -> None:
    events = services.calendar.events
    events.create(EventFields(summary="Yearly", start=date(2026, 7, 4), end=date(2026, 7, 5),
                              rrule="FREQ=YEARLY"))
    events.create(EventFields(summary="Once in 2040", start=at(2040, 7, 4, 9),
                              end=at(2040, 7, 4, 10)))
    with read(services.store) as s:
        before = peek_window(s)
        rows = s.scalar(select(func.count()).select_from(Occurrence))
    assert before is not None and before.end.year == 2029 and rows == 5  # 2026..2029 + single
    assert titles(services, at(2040, 1, 1), at(2041, 1, 1)) == ["Yearly", "Once in 2040"]
    assert titles(services, at(2018, 1, 1), at(2019, 1, 1)) == []  # before DTSTART
    with read(services.store) as s:
        after = peek_window(s)
    assert after is not None and after.end > datetime(2041, 1, 1, tzinfo=UTC)
    assert after.start < datetime(2018, 1, 1, tzinfo=UTC)
    # Every year exactly once, even across the old window edge.
    years = [o.start.year for o in services.calendar.query.occurrences(  # type: ignore[union-attr]
        at(2026, 1, 1), at(2041, 1, 1)) if o.title == "Yearly"]
    assert years == list(range(2026, 2041))


def test_page_has_tasks_due_in_range(services: Any) -> None:
    tasks = services.tasks
    tasks.create(TaskFields(title="Due Monday", due_date=date(2026, 11, 30)))
    tasks.create(TaskFields(title="Due Wednesday 15:00", due_date=date(2026, 12, 2),
                            due_time=time(15), due_tz="Europe/Berlin"))
    tasks.create(TaskFields(title="Next week", due_date=date(2026, 12, 8)))
    tasks.create(TaskFields(title="Cancelled", due_date=date(2026, 12, 1), status="cancelled"))
    page = services.calendar.query.page(date(2026, 11, 30), 7)
    assert [t.title for t in page.tasks] == ["Due Monday", "Due Wednesday 15:00"]
    assert page.start == at(2026, 11, 30).astimezone(UTC)


def test_calendar_filter_and_hidden_calendars(services: Any) -> None:
    cals = services.calendar.calendars
    work, home = cals.create("Work"), cals.create("Home")
    for cal, name in ((work, "Work item"), (home, "Home item")):
        services.calendar.events.create(EventFields(summary=name, start=at(2026, 12, 1, 9),
                                                    end=at(2026, 12, 1, 10),
                                                    calendar_id=cal.id))
    query = services.calendar.query
    day = (at(2026, 12, 1), at(2026, 12, 2))
    assert [o.title for o in query.occurrences(*day, calendar_ids=[home.id])] == ["Home item"]
    cals.set_visible(work.id, False)
    assert [o.title for o in query.occurrences(*day)] == ["Home item"]
