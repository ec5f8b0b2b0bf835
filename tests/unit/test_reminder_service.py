"""The reminder state machine on a real SQLite file with an injected clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from app.errors import NotFoundError, ValidationError
from app.services.clock import Clock
from app.services.facade import Services
from app.services.reminder_settings import ReminderSettings
from app.services.reminder_time import QuietHours
from app.services.reminders import ReminderService
from app.services.tasks import TaskFields
from app.services.time_tracking import TimerService

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # Saturday 11:00 in Berlin


@pytest.fixture
def clock() -> Clock:
    return Clock(zone_name="Europe/Berlin", fixed=T0)


@pytest.fixture
def svc(data_dir: Path, clock: Clock) -> Iterator[Services]:
    services = Services.open(data_dir, clock=clock)
    yield services
    services.close()


def task_at(svc: Services, title: str, local: datetime, **more: object) -> str:
    fields = TaskFields(title=title, due_date=local.date(), due_time=local.time(), **more)  # type: ignore[arg-type]
    return svc.tasks.create(fields).id


def wake_at(rem: ReminderService, clock: Clock, when: datetime):  # type: ignore[no-untyped-def]
    clock.fixed = when
    return rem.wake()


def test_a_timed_task_reminds_once_at_its_due_time(svc: Services, clock: Clock) -> None:
    task = task_at(svc, "Call the bank", datetime(2026, 11, 28, 14, 0))
    rem = svc.reminders
    assert rem.replan() == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert wake_at(rem, clock, datetime(2026, 11, 28, 12, 59, tzinfo=UTC)).delivery.empty
    woke = wake_at(rem, clock, datetime(2026, 11, 28, 13, 0, 0, 300_000, tzinfo=UTC))
    [fired] = woke.delivery.individual
    assert (fired.ref_id, fired.title, fired.detail) == (task, "Call the bank", "Due 14:00")
    assert (fired.state, fired.missed, fired.trigger) == ("fired", False, "PT0S")
    assert woke.next_at is not None and woke.next_at > clock.now()
    assert wake_at(rem, clock, datetime(2026, 11, 28, 13, 5, tzinfo=UTC)).delivery.empty
    assert rem.unread_count() == 1
    # a second process / a restart plans again from the file: it never fires twice
    again = ReminderService(svc.store, clock)
    again.replan()
    assert again.wake().delivery.empty


def test_several_rules_per_task_and_a_date_only_task(svc: Services, clock: Clock) -> None:
    task = task_at(svc, "Report", datetime(2026, 11, 30, 9, 0))
    svc.reminders.rules.add(task, before="1d")
    svc.reminders.rules.add(task, before="15m")
    svc.reminders.rules.add(task, before="15m")  # the same rule is not added twice
    svc.reminders.rules.add(task, at=datetime(2026, 11, 28, 18, 30, tzinfo=UTC))
    plain = svc.tasks.create(TaskFields(title="Someday", due_date=date(2026, 11, 29))).id
    upcoming = svc.reminders.upcoming(days=3)
    got = [(t.title, t.trigger, t.at.astimezone(clock.zone).strftime("%a %H:%M"))
           for t in upcoming]
    assert got == [("Report", "at", "Sat 19:30"), ("Report", "-P1D", "Sun 09:00"),
                   ("Report", "-PT15M", "Mon 08:45")]
    assert plain not in {t.ref_id for t in upcoming}  # no default for date-only dues
    rem = svc.reminders
    rem.save_settings(replace(rem.settings(), all_day_lead="PT0S"))
    assert plain in {t.ref_id for t in rem.upcoming(days=3)}  # ... unless asked: 09:00


def test_rule_mistakes_get_one_line_messages(svc: Services, clock: Clock) -> None:
    loose = svc.tasks.create(TaskFields(title="No due")).id
    with pytest.raises(ValidationError, match="has no due date"):
        svc.reminders.rules.add(loose, before="15m")
    with pytest.raises(ValidationError, match="has already passed"):
        svc.reminders.rules.add(loose, at=T0 - timedelta(minutes=1))
    with pytest.raises(NotFoundError):
        svc.reminders.rules.add("nope", at=T0 + timedelta(hours=1))
    with pytest.raises(ValidationError, match="expected e.g."):
        svc.reminders.rules.add(loose, before="soon")


def test_a_rule_is_undoable_like_any_edit(svc: Services, clock: Clock) -> None:
    task = task_at(svc, "Dentist", datetime(2026, 11, 30, 9, 0))
    svc.reminders.rules.add(task, before="2h")
    assert len(svc.reminders.rules.rules(task)) == 1
    svc.history.undo()
    assert svc.reminders.rules.rules(task) == []


def test_dst_spring_forward_in_berlin(data_dir: Path) -> None:
    clock = Clock(zone_name="Europe/Berlin", fixed=datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    svc = Services.open(data_dir, clock=clock)
    try:
        task = task_at(svc, "Sunday run", datetime(2026, 3, 29, 9, 0), due_tz="Europe/Berlin")
        svc.reminders.rules.add(task, before="1d")
        svc.reminders.rules.add(task, before="10h")
        rem = svc.reminders
        rem.replan()
        # Saturday 09:00 CET is 08:00 UTC; ten real hours before Sunday 09:00 CEST (07:00
        # UTC) is Saturday 22:00 CET, not 23:00: the night is an hour short
        assert [t.at for t in rem.index.all()] == [
            datetime(2026, 3, 28, 8, 0, tzinfo=UTC), datetime(2026, 3, 28, 21, 0, tzinfo=UTC)]
        first = wake_at(rem, clock, datetime(2026, 3, 28, 8, 0, 1, tzinfo=UTC))
        assert [r.trigger for r in first.delivery.individual] == ["-P1D"]
        assert first.next_at == datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    finally:
        svc.close()


def test_dst_fall_back_in_new_york(data_dir: Path) -> None:
    clock = Clock(zone_name="America/New_York", fixed=datetime(2026, 10, 30, 12, 0, tzinfo=UTC))
    svc = Services.open(data_dir, clock=clock)
    try:
        # Sunday 1 November 01:30 happens twice; the task is at the first (EDT) one.
        task = task_at(svc, "Night shift", datetime(2026, 11, 1, 1, 30),
                       due_tz="America/New_York")
        svc.reminders.rules.add(task, before="1d")
        svc.reminders.rules.add(task, before="0m")
        rem = svc.reminders
        rem.replan()
        assert [t.at for t in rem.index.all()] == [
            datetime(2026, 10, 31, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]
        wake_at(rem, clock, datetime(2026, 10, 31, 5, 30, tzinfo=UTC))
        # an hour later by the wall clock it is 01:30 again (EST): nothing fires twice
        woke = wake_at(rem, clock, datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
        assert [r.trigger for r in woke.delivery.individual] == ["PT0S"]
        assert wake_at(rem, clock, datetime(2026, 11, 1, 6, 30, tzinfo=UTC)).delivery.empty
    finally:
        svc.close()


def test_catch_up_after_an_eight_hour_sleep(svc: Services, clock: Clock) -> None:
    rem = svc.reminders
    rem.save_settings(replace(rem.settings(), grace_hours=6))
    for hour in (12, 14, 16, 19):  # local 12:00 ... 19:00 = 11:00 ... 18:00 UTC
        task_at(svc, f"At {hour}", datetime(2026, 11, 28, hour, 0))
    assert wake_at(rem, clock, T0).delivery.empty  # 11:00: armed for 12:00
    # The lid closes at 11:30 and opens at 19:30: QTimer never fired in between.
    woke = wake_at(rem, clock, datetime(2026, 11, 28, 18, 30, tzinfo=UTC))
    d = woke.delivery
    assert d.individual == [] and d.held == []
    assert sorted(r.title for r in d.grouped) == ["At 14", "At 16", "At 19"]  # one summary
    assert all(r.missed for r in d.grouped)
    assert [r.title for r in d.missed] == ["At 12"]  # older than the 6 h window: centre only
    assert rem.unread_count() == 4
    assert wake_at(rem, clock, datetime(2026, 11, 28, 18, 31, tzinfo=UTC)).delivery.empty


def test_one_late_reminder_is_shown_by_itself_marked_missed(svc: Services,
                                                           clock: Clock) -> None:
    task_at(svc, "Only one", datetime(2026, 11, 28, 12, 0))
    rem = svc.reminders
    rem.replan()
    woke = wake_at(rem, clock, datetime(2026, 11, 28, 13, 0, tzinfo=UTC))
    [late] = woke.delivery.individual
    assert late.missed and woke.delivery.grouped == []


def test_a_closed_app_catches_up_from_its_last_heartbeat(data_dir: Path, clock: Clock) -> None:
    svc = Services.open(data_dir, clock=clock)
    task_at(svc, "Long ago", datetime(2026, 11, 28, 12, 0))
    svc.reminders.replan()
    svc.reminders.wake()  # 11:00 local: heartbeat written
    svc.close()
    clock.fixed = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # two days closed
    svc = Services.open(data_dir, clock=clock)
    try:
        woke = svc.reminders.wake()
        assert [r.title for r in woke.delivery.missed] == ["Long ago"]
        assert woke.delivery.grouped == woke.delivery.individual == []
        [listed] = svc.reminders.recent()
        assert listed.missed and listed.state == "fired"
    finally:
        svc.close()


def test_snooze_survives_a_restart(data_dir: Path, clock: Clock) -> None:
    svc = Services.open(data_dir, clock=clock)
    task_at(svc, "Water plants", datetime(2026, 11, 28, 12, 0))
    svc.reminders.replan()
    [fired] = wake_at(svc.reminders, clock, datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
                      ).delivery.individual
    [snoozed] = svc.reminders.snooze([fired.id], "snooze-30")
    assert snoozed.snoozed_until == datetime(2026, 11, 28, 11, 30, tzinfo=UTC)
    svc.close()
    restarted = Services.open(data_dir, clock=clock)  # a new process on the same file
    try:
        rem = restarted.reminders
        assert rem.replan() == datetime(2026, 11, 28, 11, 30, tzinfo=UTC)
        assert wake_at(rem, clock, datetime(2026, 11, 28, 11, 29, tzinfo=UTC)).delivery.empty
        [again] = wake_at(rem, clock, datetime(2026, 11, 28, 11, 30, tzinfo=UTC)
                          ).delivery.individual
        assert (again.id, again.state, again.snoozed_until) == (fired.id, "fired", None)
        rem.dismiss([again.id])
        assert wake_at(rem, clock, datetime(2026, 11, 28, 12, 0, tzinfo=UTC)).delivery.empty
    finally:
        restarted.close()


def test_tomorrow_morning_and_a_snooze_on_a_finished_task(svc: Services, clock: Clock) -> None:
    task = task_at(svc, "Pay rent", datetime(2026, 11, 28, 11, 0))
    rem = svc.reminders
    rem.replan()
    [fired] = rem.wake().delivery.individual
    [snoozed] = rem.snooze([fired.id], "snooze-tomorrow")
    assert snoozed.snoozed_until == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # 09:00 local
    svc.tasks.complete(task)
    rem.replan_changes()
    assert wake_at(rem, clock, datetime(2026, 11, 29, 8, 0, tzinfo=UTC)).delivery.empty
    assert rem.get(fired.id).state == "dismissed"  # done tasks do not come back


def test_done_and_start_timer_act_on_the_task(svc: Services, clock: Clock) -> None:
    done = task_at(svc, "Send invoice", datetime(2026, 11, 28, 11, 0))
    timed = task_at(svc, "Write chapter", datetime(2026, 11, 28, 11, 0))
    rem = svc.reminders
    rem.replan()
    by_title = {r.title: r for r in rem.wake().delivery.individual}
    rem.complete(by_title["Send invoice"].id)
    assert svc.tasks.get(done).status == "done"
    rem.start_timer(by_title["Write chapter"].id)
    status = TimerService(svc.store, clock).status()
    assert status.entry is not None and status.entry.task_id == timed
    assert {r.state for r in rem.recent()} == {"dismissed"}


def test_quiet_hours_hold_and_summarise(svc: Services, clock: Clock) -> None:
    rem = svc.reminders
    rem.save_settings(replace(rem.settings(), quiet=QuietHours(True, time(22, 0), time(7, 0))))
    for hour in (23, 2, 5):
        day = 28 if hour == 23 else 29
        task_at(svc, f"Night {hour}", datetime(2026, 11, day, hour, 0))
    task_at(svc, "Morning", datetime(2026, 11, 29, 8, 0))
    rem.replan()
    assert wake_at(rem, clock, datetime(2026, 11, 28, 22, 0, tzinfo=UTC)).delivery.empty
    woke = wake_at(rem, clock, datetime(2026, 11, 29, 3, 0, tzinfo=UTC))  # 04:00, still quiet
    assert woke.delivery.empty
    assert woke.next_at == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)  # 07:00 local
    ended = wake_at(rem, clock, datetime(2026, 11, 29, 6, 0, tzinfo=UTC)).delivery
    assert sorted(r.title for r in ended.held) == ["Night 2", "Night 23", "Night 5"]
    assert not any(r.missed for r in ended.held)
    morning = wake_at(rem, clock, datetime(2026, 11, 29, 7, 0, tzinfo=UTC)).delivery
    assert [r.title for r in morning.individual] == ["Morning"]


def test_two_processes_never_show_the_same_reminder_twice(svc: Services, clock: Clock) -> None:
    task_at(svc, "Meeting prep", datetime(2026, 11, 28, 11, 0))
    first, second = ReminderService(svc.store, clock), ReminderService(svc.store, clock)
    first.replan()
    second.replan()
    shown = first.wake().delivery.all() + second.wake().delivery.all()
    assert [r.title for r in shown] == ["Meeting prep"]


def test_an_edit_replans_only_that_task(svc: Services, clock: Clock) -> None:
    task = task_at(svc, "Moving target", datetime(2026, 11, 28, 15, 0))
    rem = svc.reminders
    assert rem.replan() == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
    svc.tasks.update(task, TaskFields(due_time=time(13, 0)))
    assert rem.replan_changes() == datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    svc.tasks.delete(task)
    assert rem.replan_changes() != datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert rem.index.all() == []


def test_clock_jumping_back_and_forth_shows_nothing_twice(svc: Services, clock: Clock) -> None:
    task_at(svc, "Jumpy", datetime(2026, 11, 28, 12, 0))
    rem = svc.reminders
    rem.replan()
    assert len(wake_at(rem, clock, datetime(2026, 11, 28, 11, 0, tzinfo=UTC)).delivery.all()) == 1
    clock.fixed = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # set back two hours
    rem.replan()
    assert rem.wake().delivery.empty
    assert wake_at(rem, clock, datetime(2026, 11, 28, 11, 0, tzinfo=UTC)).delivery.empty


def test_settings_round_trip_and_damaged_json_falls_back(svc: Services) -> None:
    rem = svc.reminders
    changed = replace(ReminderSettings(), grace_hours=3.5,
                      quiet=QuietHours(True, time(21, 30), time(6, 45)), event_lead=None)
    assert rem.save_settings(changed) == changed
    assert ReminderSettings.from_json("{not json") == ReminderSettings()
    with pytest.raises(ValidationError, match="between 0 and 168"):
        rem.save_settings(replace(changed, grace_hours=500))
