"""The scheduler in the running window: one timer armed for the next trigger, no busy loop,
re-armed after writes by another process, after a resume (wall clock jumps ahead of the
monotonic one) and after a time-zone change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.services.clock import Clock
from app.services.facade import Services
from app.services.tasks import TaskFields
from tests.support.windows import app_window_on

pytestmark = pytest.mark.desktop


@dataclass
class ShiftClock(Clock):
    """The system clock plus an offset: lets a test jump the wall clock (sleep, NTP)."""

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> ShiftClock:
    return ShiftClock(zone_name="Europe/Berlin")


@pytest.fixture
def app_window(qtbot: Any, data_dir: Path, clock: ShiftClock) -> Iterator[Any]:
    with app_window_on(qtbot, data_dir, clock) as window:
        yield window


def start(window: Any, qtbot: Any) -> Any:
    from app.ui.reminder_integration import install_reminders

    install_reminders(window, notifier=None)  # the window fallback: no D-Bus needed here
    controller = window.reminders
    qtbot.waitUntil(lambda: controller.scheduler.remaining_ms() >= 0 or
                    controller.scheduler.next_at is None, timeout=5000)
    return controller


def test_idle_means_one_long_timer_and_no_wake_ups(app_window: Any, qtbot: Any,
                                                   clock: ShiftClock) -> None:
    due = (clock.now() + timedelta(hours=3)).astimezone(clock.zone)
    app_window.services.tasks.create(TaskFields(
        title="Later", due_date=due.date(), due_time=due.time().replace(microsecond=0)))
    controller = start(app_window, qtbot)
    scheduler = controller.scheduler
    qtbot.waitUntil(lambda: scheduler.next_at is not None, timeout=5000)
    assert scheduler.remaining_ms() > 59 * 60 * 1000  # capped at an hour, re-armed then
    qtbot.wait(1500)
    assert scheduler.wakes == 0 and controller.presenter.shown == []


def test_a_resume_from_sleep_catches_up_at_once(app_window: Any, qtbot: Any,
                                                clock: ShiftClock) -> None:
    task = app_window.services.tasks.create(TaskFields(title="While asleep")).id
    app_window.services.reminders.rules.add(task, at=clock.now() + timedelta(minutes=40))
    controller = start(app_window, qtbot)
    scheduler = controller.scheduler
    qtbot.waitUntil(lambda: scheduler.next_at is not None, timeout=5000)
    assert scheduler.remaining_ms() > 39 * 60 * 1000
    # The machine sleeps for an hour: the wall clock moves on, QTimer's monotonic clock
    # does not. The next safety tick (every 20 s) sees the difference.
    clock.offset = timedelta(hours=1)
    scheduler.on_safety_timeout()
    qtbot.waitUntil(lambda: len(controller.presenter.shown) == 1, timeout=5000)
    path, notice = controller.presenter.shown[0]
    assert (path, notice.title, notice.missed) == ("window", "Missed: While asleep", True)


def test_a_write_from_another_process_rearms_the_timer(app_window: Any, qtbot: Any,
                                                       clock: ShiftClock,
                                                       data_dir: Path) -> None:
    controller = start(app_window, qtbot)
    scheduler = controller.scheduler
    other = Services.open(data_dir, clock=Clock(zone_name="Europe/Berlin"))
    try:
        task = other.tasks.create(TaskFields(title="From elsewhere")).id
        at = (clock.now() + timedelta(seconds=1.5)).replace(microsecond=0)
        other.reminders.rules.add(task, at=at)
    finally:
        other.close()
    qtbot.waitUntil(lambda: scheduler.next_at == at, timeout=5000)  # the WAL watcher
    qtbot.waitUntil(lambda: len(controller.presenter.shown) == 1, timeout=5000)
    assert scheduler.wakes >= 1


def test_a_time_zone_change_moves_date_only_reminders(app_window: Any, qtbot: Any,
                                                      clock: ShiftClock) -> None:
    from dataclasses import replace

    rem = app_window.services.reminders
    rem.save_settings(replace(rem.settings(), all_day_lead="PT0S", all_day_time=time(9, 0)))
    tomorrow = clock.today() + timedelta(days=1)
    app_window.services.tasks.create(TaskFields(title="Floating", due_date=tomorrow))
    controller = start(app_window, qtbot)
    scheduler = controller.scheduler
    berlin = datetime.combine(tomorrow, time(9, 0), tzinfo=clock.zone).astimezone(UTC)
    qtbot.waitUntil(lambda: scheduler.next_at == berlin, timeout=5000)
    clock.zone_name = "America/New_York"  # the laptop landed in New York
    scheduler.on_safety_timeout()
    ny = datetime.combine(tomorrow, time(9, 0), tzinfo=clock.zone).astimezone(UTC)
    qtbot.waitUntil(lambda: scheduler.next_at == ny, timeout=5000)
    assert ny - berlin >= timedelta(hours=5)  # 09:00 where the user is now
