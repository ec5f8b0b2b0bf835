"""Event reminders: VALARMs, calendar default leads, recurrence across DST, re-import dedup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.services.clock import Clock
from app.services.facade import Services
from app.services.reminders import ReminderService

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # Friday 13:00 in Berlin


@pytest.fixture
def clock() -> Clock:
    return Clock(zone_name="Europe/Berlin", fixed=T0)


@pytest.fixture
def svc(data_dir: Path, clock: Clock) -> Iterator[Services]:
    services = Services.open(data_dir, clock=clock)
    yield services
    services.close()


def ics(*events: str, name: str = "Work") -> bytes:
    body = "".join(events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nX-WR-CALNAME:{name}\r\n"
            f"{body}END:VCALENDAR\r\n").encode()


def vevent(uid: str, start: str, summary: str, *extra: str, alarms: tuple[str, ...] = (),
           end: str | None = None) -> str:
    lines = [f"UID:{uid}", "DTSTAMP:20261101T000000Z", start, end or start.replace(
        "DTSTART", "DTEND").replace("T090000", "T100000").replace("T140000", "T150000"),
        f"SUMMARY:{summary}", *extra]
    for trigger in alarms:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:x", trigger, "END:VALARM"]
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


def fire(rem: ReminderService, clock: Clock, when: datetime) -> list[tuple[str, str]]:
    clock.fixed = when
    return [(r.title, r.trigger) for r in rem.wake().delivery.all()]


def test_valarm_and_calendar_default_leads(svc: Services, clock: Clock) -> None:
    summary = svc.calendar.ics.import_bytes(ics(
        vevent("a@x", "DTSTART:20261128T090000Z", "Alarmed", alarms=("TRIGGER:-PT30M",)),
        vevent("b@x", "DTSTART:20261128T140000Z", "Plain"),
        vevent("c@x", "DTSTART;VALUE=DATE:20261128", "Holiday",
               end="DTEND;VALUE=DATE:20261129"),
        vevent("d@x", "DTSTART:20261128T150000Z", "Off", "STATUS:CANCELLED",
               end="DTEND:20261128T160000Z"),
    ), source="work.ics")
    assert summary.error is None
    rem = svc.reminders
    planned = [(t.title, t.trigger, t.at) for t in rem.upcoming(days=2)]
    assert planned == [
        ("Alarmed", "-PT30M", datetime(2026, 11, 28, 8, 30, tzinfo=UTC)),
        ("Plain", "-PT10M", datetime(2026, 11, 28, 13, 50, tzinfo=UTC)),  # the 10 min default
    ]  # the all-day event has no default lead; the cancelled one is silent
    cal = svc.calendar.calendars.by_name("Work")
    rem.rules.set_calendar_lead(cal.id, "1h")
    assert [t.at.hour for t in rem.upcoming(days=2)] == [8, 13]
    rem.rules.set_calendar_lead(cal.id, None)  # this calendar: no default reminders
    assert [t.title for t in rem.upcoming(days=2)] == ["Alarmed"]
    svc.calendar.calendars.set_visible(cal.id, False)
    assert rem.upcoming(days=2) == []


def test_a_dismissed_event_never_fires_again_after_reimport(svc: Services,
                                                            clock: Clock) -> None:
    data = ics(vevent("standup@corp", "DTSTART:20261128T090000Z", "Stand-up",
                      alarms=("TRIGGER:-PT15M",)))
    svc.calendar.ics.import_bytes(data, source="corp.ics")
    rem = svc.reminders
    rem.replan()
    fired = rem.wake()
    assert fired.delivery.empty
    clock.fixed = datetime(2026, 11, 28, 8, 45, tzinfo=UTC)
    woke = rem.wake()
    [shown] = woke.delivery.individual
    assert rem.index.due(clock.now()) == []  # gone from the plan (the index is by event row)
    assert woke.next_at is not None and woke.next_at > clock.now()
    rem.dismiss([shown.id])
    # a sync re-downloads the same event, another import puts it in a second calendar,
    # and the feed bumps the event's DTSTAMP: same UID, same occurrence, same trigger
    svc.calendar.ics.import_bytes(data, source="corp.ics")
    svc.calendar.ics.import_bytes(data, source="copy.ics", calendar_name="Copy")
    svc.calendar.ics.import_bytes(data.replace(b"DTSTAMP:20261101", b"DTSTAMP:20261127"),
                                  source="corp.ics")
    rem.replan_changes()
    assert rem.wake().delivery.empty
    restarted = ReminderService(svc.store, clock)
    restarted.replan()
    assert restarted.wake().delivery.empty
    assert [r.state for r in rem.recent()] == ["dismissed"]


def test_moving_an_event_gives_a_new_occurrence(svc: Services, clock: Clock) -> None:
    svc.calendar.ics.import_bytes(ics(vevent("m@x", "DTSTART:20261128T090000Z", "Review",
                                             alarms=("TRIGGER:-PT15M",))), source="w.ics")
    rem = svc.reminders
    assert fire(rem, clock, datetime(2026, 11, 28, 8, 45, tzinfo=UTC)) == [("Review", "-PT15M")]
    rem.dismiss([r.id for r in rem.recent()])
    moved = ics(vevent("m@x", "DTSTART:20261128T140000Z", "Review", "SEQUENCE:1",
                       alarms=("TRIGGER:-PT15M",)))
    svc.calendar.ics.import_bytes(moved, source="w.ics")
    assert rem.replan_changes() == datetime(2026, 11, 28, 13, 45, tzinfo=UTC)  # incremental
    assert fire(rem, clock, datetime(2026, 11, 28, 13, 45, tzinfo=UTC)) == [("Review", "-PT15M")]


def test_a_weekly_event_reminds_at_the_same_local_time_across_dst(data_dir: Path) -> None:
    clock = Clock(zone_name="America/New_York", fixed=datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    svc = Services.open(data_dir, clock=clock)
    try:
        svc.calendar.ics.import_bytes(ics(vevent(
            "weekly@x", "DTSTART;TZID=America/New_York:20261026T090000", "Weekly sync",
            "RRULE:FREQ=WEEKLY;COUNT=3", end="DTEND;TZID=America/New_York:20261026T100000",
            alarms=("TRIGGER:-PT15M",))), source="ny.ics")
        local = [t.at.astimezone(clock.zone).strftime("%m-%d %H:%M")
                 for t in svc.reminders.upcoming(days=20)]
        assert local == ["10-26 08:45", "11-02 08:45", "11-09 08:45"]
        utc = [t.at.hour for t in svc.reminders.upcoming(days=20)]
        assert utc == [12, 13, 13]  # EDT, then EST
    finally:
        svc.close()


def test_all_day_alarms_use_the_local_day(svc: Services, clock: Clock) -> None:
    svc.calendar.ics.import_bytes(ics(vevent(
        "bday@x", "DTSTART;VALUE=DATE:20261129", "Birthday", end="DTEND;VALUE=DATE:20261130",
        alarms=("TRIGGER:-PT15H",))), source="b.ics")
    [trigger] = svc.reminders.upcoming(days=3)
    # midnight in Berlin minus 15 h = Saturday 09:00 local
    assert trigger.at.astimezone(clock.zone).strftime("%a %H:%M") == "Sat 09:00"
    assert trigger.detail == "On Sun 29 Nov"
