"""Event editing: create, move, recurring edits this/following/all, delete, undo, time blocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.errors import NotFoundError, ValidationError
from app.services.calendar_dto import EventFields, OccurrenceDTO
from app.services.tasks import TaskFields

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def week(services: Any, first: date = date(2026, 11, 30), days: int = 14) -> list[OccurrenceDTO]:
    return services.calendar.query.agenda(first, first + timedelta(days=days - 1))


def shown(occs: list[OccurrenceDTO]) -> list[str]:
    return [f"{o.local_start(BERLIN):%d %H:%M} {o.title}" for o in occs]


@pytest.fixture
def daily(services: Any) -> Any:
    """A ten-day series: 30 Nov .. 9 Dec, 09:00-09:15."""
    return services.calendar.events.create(EventFields(
        summary="Standup", start=at(30, 9, month=11), end=at(30, 9, 15, month=11),
        rrule="FREQ=DAILY;COUNT=10"))


def test_create_lands_in_a_default_calendar_and_is_undoable(services: Any) -> None:
    ev = services.calendar.events.create(EventFields(summary="  Lunch  ", start=at(1, 12),
                                                     end=at(1, 13), location="Canteen"))
    assert services.calendar.calendars.get(ev.calendar_id).name == "Personal"
    assert (ev.summary, ev.tzid, ev.start) == ("Lunch", "Europe/Berlin", at(1, 12))
    assert shown(week(services)) == ["01 12:00 Lunch"]
    assert services.history.undo() == "Add event"
    assert week(services) == []
    services.history.redo()
    assert shown(week(services)) == ["01 12:00 Lunch"]


def test_validation(services: Any) -> None:
    events = services.calendar.events
    with pytest.raises(ValidationError, match="before it starts"):
        events.create(EventFields(summary="x", start=at(2, 10), end=at(2, 9)))
    with pytest.raises(ValidationError, match="must end after"):
        events.create(EventFields(summary="x", start=date(2026, 12, 2), end=date(2026, 12, 2)))
    with pytest.raises(ValidationError, match="both be dates"):
        events.create(EventFields(summary="x", start=date(2026, 12, 2), end=at(2, 9)))
    with pytest.raises(ValidationError, match="recurrence rule"):
        events.create(EventFields(summary="x", start=at(2, 9), end=at(2, 10), rrule="FREQ=NOPE"))
    with pytest.raises(NotFoundError):
        events.get("0" * 32)


def test_move_and_resize_a_single_event_and_undo(services: Any) -> None:
    events = services.calendar.events
    ev = events.create(EventFields(summary="Review", start=at(2, 10), end=at(2, 11)))
    events.move(ev.id, at(3, 14), at(3, 15, 30))
    assert shown(week(services)) == ["03 14:00 Review"]
    assert events.get(ev.id).sequence == 1
    services.history.undo()
    assert shown(week(services)) == ["02 10:00 Review"]


def test_floating_and_all_day_events(services: Any) -> None:
    events = services.calendar.events
    run = events.create(EventFields(summary="Run", start=datetime(2026, 12, 2, 7),
                                    end=datetime(2026, 12, 2, 8)))
    assert run.floating and run.tzid is None
    trip = events.create(EventFields(summary="Trip", start=date(2026, 12, 4),
                                     end=date(2026, 12, 7)))
    assert trip.all_day
    ny = services.calendar.query.agenda(date(2026, 12, 2), date(2026, 12, 2),
                                        tz="America/New_York")
    assert [o.local_start(ZoneInfo("America/New_York")).hour for o in ny] == [7]
    events.move(trip.id, date(2026, 12, 5), date(2026, 12, 6))
    assert [(o.title, o.start, o.end) for o in week(services) if o.all_day] == [
        ("Trip", date(2026, 12, 5), date(2026, 12, 6))]


def test_edit_this_occurrence_creates_an_override(services: Any, daily: Any) -> None:
    events = services.calendar.events
    third = week(services)[2]
    assert third.instance == "20261202T080000Z"
    moved = events.move(third.event_id, at(2, 10), at(2, 10, 30), instance=third.instance,
                        scope="this")
    assert (moved.uid, moved.recurrence_id) == (daily.uid, "20261202T080000Z")
    assert shown(week(services))[1:4] == ["01 09:00 Standup", "02 10:00 Standup",
                                          "03 09:00 Standup"]
    again = [o for o in week(services) if o.instance == third.instance][0]
    events.update(again.event_id, EventFields(summary="Standup (late)"),
                  instance=again.instance, scope="this")
    assert shown(week(services))[2] == "02 10:00 Standup (late)"
    assert len(week(services)) == 10


def test_edit_this_and_following_splits_the_series(services: Any, daily: Any) -> None:
    events = services.calendar.events
    sixth = week(services)[5]
    tail = events.update(sixth.event_id, EventFields(summary="Standup v2", start=at(5, 8, 30),
                                                     end=at(5, 8, 45)),
                         instance=sixth.instance, scope="following")
    assert tail.uid != daily.uid and tail.rrule == "FREQ=DAILY;COUNT=5"
    assert events.get(daily.id).rrule == "FREQ=DAILY;UNTIL=20261205T075959Z"
    assert shown(week(services)) == [
        "30 09:00 Standup", "01 09:00 Standup", "02 09:00 Standup", "03 09:00 Standup",
        "04 09:00 Standup", "05 08:30 Standup v2", "06 08:30 Standup v2",
        "07 08:30 Standup v2", "08 08:30 Standup v2", "09 08:30 Standup v2"]


def test_following_on_the_first_instance_edits_everything(services: Any, daily: Any) -> None:
    first = week(services)[0]
    result = services.calendar.events.update(first.event_id, EventFields(summary="Daily"),
                                             instance=first.instance, scope="following")
    assert result.id == daily.id
    assert {o.title for o in week(services)} == {"Daily"}


def test_edit_all_shifts_the_series_and_its_exceptions(services: Any, daily: Any) -> None:
    events = services.calendar.events
    occs = week(services)
    events.move(occs[2].event_id, at(2, 11), at(2, 11, 15), instance=occs[2].instance,
                scope="this")
    events.delete(occs[3].event_id, instance=occs[3].instance, scope="this")
    fifth = week(services)[3]
    events.move(fifth.event_id, at(4, 10), at(4, 10, 30), instance=fifth.instance, scope="all")
    assert shown(week(services)) == [
        "30 10:00 Standup", "01 10:00 Standup", "02 11:00 Standup", "04 10:00 Standup",
        "05 10:00 Standup", "06 10:00 Standup", "07 10:00 Standup", "08 10:00 Standup",
        "09 10:00 Standup"]
    assert all((o.end - o.start) == timedelta(minutes=30)  # type: ignore[operator]
               for o in week(services) if o.recurrence_id is None)


def test_moving_a_weekly_series_to_another_day_moves_its_weekday(services: Any) -> None:
    events = services.calendar.events
    ev = events.create(EventFields(summary="Gym", start=at(1, 18), end=at(1, 19),
                                   rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3"))
    first = week(services, days=21)[0]
    events.move(first.event_id, at(3, 18), at(3, 19), instance=first.instance, scope="all")
    assert events.get(ev.id).rrule == "FREQ=WEEKLY;BYDAY=TH;COUNT=3"
    assert shown(week(services, days=21)) == ["03 18:00 Gym", "10 18:00 Gym", "17 18:00 Gym"]


def test_delete_scopes(services: Any, daily: Any) -> None:
    events = services.calendar.events
    occs = week(services)
    events.delete(occs[1].event_id, instance=occs[1].instance, scope="this")
    assert len(week(services)) == 9
    assert events.get(daily.id).exdate == "20261201T080000Z"
    occs = week(services)
    events.delete(occs[5].event_id, instance=occs[5].instance, scope="following")
    assert shown(week(services)) == ["30 09:00 Standup", "02 09:00 Standup",
                                     "03 09:00 Standup", "04 09:00 Standup",
                                     "05 09:00 Standup"]
    services.history.undo()
    assert len(week(services)) == 9
    events.delete(daily.id, instance=week(services)[2].instance, scope="all")
    assert week(services) == []
    with pytest.raises(NotFoundError):
        events.get(daily.id)


def test_undo_of_a_recurring_edit_restores_the_occurrences(services: Any, daily: Any) -> None:
    before = shown(week(services))
    sixth = week(services)[5]
    services.calendar.events.update(sixth.event_id, EventFields(start=at(5, 7), end=at(5, 8)),
                                    instance=sixth.instance, scope="following")
    assert shown(week(services)) != before
    services.history.undo()
    assert shown(week(services)) == before
    services.history.redo()
    assert shown(week(services))[5] == "05 07:00 Standup"


def test_time_block_a_task(services: Any) -> None:
    long = services.tasks.create(TaskFields(title="Write report", estimate_minutes=90))
    short = services.tasks.create(TaskFields(title="Call Bob"))
    block = services.calendar.events.block_task(long.id, at(1, 14))
    assert (block.summary, block.end, block.task_id) == ("Write report", at(1, 15, 30), long.id)
    naive = services.calendar.events.block_task(short.id, datetime(2026, 12, 1, 16))
    assert naive.end - naive.start == timedelta(minutes=30)  # type: ignore[operator]
    assert naive.tzid == "Europe/Berlin"
    services.tasks.complete(long.id)
    blocks = {o.title: o.task_status for o in week(services)}
    assert blocks == {"Write report": "done", "Call Bob": "todo"}
    assert [b.id for b in services.calendar.events.blocks_of_task(long.id)] == [block.id]
    services.calendar.events.delete(block.id, with_task=True)
    with pytest.raises(NotFoundError):
        services.tasks.get(long.id)


def test_subscribed_calendars_are_read_only(services: Any) -> None:
    result = services.calendar.subscriptions.subscribe("https://example.invalid/x.ics",
                                                       "Feed", refresh_now=False)
    with pytest.raises(ValidationError, match="read-only"):
        services.calendar.events.create(EventFields(summary="x", start=at(1, 9), end=at(1, 10),
                                                    calendar_id=result.calendar_id))


def test_calendars_crud(services: Any) -> None:
    cals = services.calendar.calendars
    work = cals.create("Work", tz="Europe/Berlin")
    with pytest.raises(ValidationError, match="already exists"):
        cals.create("work")
    with pytest.raises(ValidationError, match="Unknown time zone"):
        cals.create("Elsewhere", tz="Nowhere/Land")
    ev = services.calendar.events.create(EventFields(summary="Meeting", start=at(1, 9),
                                                     end=at(1, 10), calendar_id=work.id))
    cals.set_visible(work.id, False)
    assert week(services) == []
    cals.update(work.id, visible=True, name="Office", color="#112233")
    assert [(o.calendar, o.color) for o in week(services)] == [("Office", "#112233")]
    cals.delete(work.id)
    assert week(services) == [] and cals.list() == []
    services.history.undo()
    assert [o.event_id for o in week(services)] == [ev.id]
    listed = cals.list(with_counts=True)
    assert [(c.name, c.event_count) for c in listed] == [("Office", 1)]


def test_calendar_names_match_without_case_also_beyond_ascii(services: Any) -> None:
    cals = services.calendar.calendars
    made = cals.create("Öffentlich – Straße")
    assert cals.by_name("öffentlich – STRASSE".replace("SS", "ß")).id == made.id
    with pytest.raises(ValidationError, match="already exists"):
        cals.create("ÖFFENTLICH – STRAßE")
