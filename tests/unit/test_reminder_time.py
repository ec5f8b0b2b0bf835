"""Reminder time arithmetic: lead keys, DST-correct leads, VALARM lines, quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.services.reminder_time import (
    Alarm,
    Lead,
    QuietHours,
    apply_lead,
    extract_alarms,
    lead_before,
    next_morning,
    parse_lead,
    wall,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("text", "key"), [
    ("-PT15M", "-PT15M"), ("-PT900S", "-PT15M"), ("PT0S", "PT0S"), ("-P1D", "-P1D"),
    ("-P7D", "-P1W"), ("-P1DT2H", "-P1DT2H"), ("end:-PT5M", "end:-PT5M"), ("PT1H30M", "PT1H30M"),
    ("-pt10m", "-PT10M"),
])
def test_lead_keys_are_canonical(text: str, key: str) -> None:
    assert parse_lead(text).key() == key


@pytest.mark.parametrize("text", ["", "P", "-PT", "15 minutes", "PT15", "-P1Y"])
def test_bad_leads_say_what_is_expected(text: str) -> None:
    with pytest.raises(ValidationError, match="expected e.g. -PT15M"):
        parse_lead(text)


def test_human_leads_are_before_the_due() -> None:
    assert lead_before("15m") == Lead(0, -900)
    assert lead_before("2 h") == Lead(0, -7200)
    assert lead_before("1d") == Lead(-1, 0)
    assert lead_before("1w") == Lead(-7, 0)
    assert lead_before("0m").key() == "PT0S"
    with pytest.raises(ValidationError, match="after the due"):
        lead_before("PT5M")


def test_day_leads_keep_the_wall_time_across_spring_forward_in_berlin() -> None:
    # Due Sunday 29 March 2026 09:00 CEST; DST began that night at 02:00.
    due = datetime(2026, 3, 29, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    day_before = apply_lead(due, None, parse_lead("-P1D"), BERLIN)
    assert day_before.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 28, 9, 0)
    assert (due - day_before).total_seconds() == 23 * 3600  # a 23-hour day
    hours = apply_lead(due, None, parse_lead("-PT24H"), BERLIN)
    assert hours.astimezone(BERLIN).hour == 8  # exact hours are elapsed time


def test_day_leads_keep_the_wall_time_across_fall_back_in_new_york() -> None:
    # Due Monday 2 November 2026 09:00 EST; DST ended Sunday 1 November 02:00.
    due = datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK).astimezone(UTC)
    week = apply_lead(due, None, parse_lead("-P1W"), NEW_YORK)
    assert week.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 10, 26, 9, 0)
    assert (due - week).total_seconds() == 7 * 86400 + 3600  # a 169-hour week


def test_wall_times_in_a_gap_move_forward_and_in_an_overlap_take_the_first() -> None:
    gap = wall(date(2026, 3, 29), time(2, 30), BERLIN)
    assert gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # = 03:30 CEST
    overlap = wall(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert overlap == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # first 01:30 (EDT)


def test_related_end_uses_the_end() -> None:
    start = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    end = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert apply_lead(start, end, parse_lead("end:-PT5M"), BERLIN) == \
        datetime(2026, 11, 28, 9, 55, tzinfo=UTC)


VEVENT = """BEGIN:VCALENDAR
BEGIN:VEVENT
UID:a@b
DTSTART:20261128T090000Z
SUMMARY:Stand-up
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;RELATED=END:-PT5M
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;VALUE=DATE-TIME:20261127T180000Z
END:VALARM
BEGIN:VALARM
ACTION:NONE
TRIGGER:-PT1H
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT9
 00S
END:VALARM
BEGIN:VALARM
ACTION:AUDIO
TRIGGER:garbage
END:VALARM
END:VEVENT
END:VCALENDAR
"""


def test_valarms_are_read_from_the_lines() -> None:
    alarms = extract_alarms(VEVENT)
    assert alarms == (
        Alarm(lead=Lead(0, -900)),  # the folded -PT900S is the same alarm: listed once
        Alarm(lead=Lead(0, -300, related_end=True)),
        Alarm(at=datetime(2026, 11, 27, 18, 0, tzinfo=UTC)),
    )
    assert [a.key for a in alarms] == ["-PT15M", "end:-PT5M", "at"]
    assert extract_alarms("BEGIN:VEVENT\nUID:x\nEND:VEVENT\n") == ()


def test_quiet_hours_wrap_over_midnight_and_follow_dst() -> None:
    quiet = QuietHours(True, time(22, 0), time(7, 0))
    inside = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, the night of the change
    period = quiet.period_at(inside, BERLIN)
    assert period is not None
    start, end = period
    assert start.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 28, 22, 0)
    assert end.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 7, 0)
    assert (end - start).total_seconds() == 8 * 3600  # one hour lost to DST
    assert quiet.period_at(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), BERLIN) is None
    assert QuietHours(False).period_at(inside, BERLIN) is None
    same_day = QuietHours(True, time(12, 0), time(14, 0))
    assert same_day.period_at(datetime(2026, 6, 1, 11, 0, tzinfo=UTC), BERLIN) is not None


def test_tomorrow_morning() -> None:
    evening = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert next_morning(evening, time(9, 0), BERLIN) == datetime(2026, 11, 29, 8, 0,
                                                                  tzinfo=UTC)
    small_hours = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 02:00 local: "this morning"
    assert next_morning(small_hours, time(9, 0), BERLIN) == datetime(2026, 11, 28, 8, 0,
                                                                      tzinfo=UTC)
